-- Agreements with what every rule asks of them: the effective end, the registration
-- deadline and the geography of their establishment.
with agreements as (
    select * from stg_werkplekduaal__agreements
),

geography as (
    select * from cfg_geography
),

parameters as (
    select * from cfg_parameters
),

effective as (
    select
        agreements.*,
        -- an early termination ends the agreement before its planned end date
        least(agreements.end_date, coalesce(agreements.termination_date, agreements.end_date))
            as effective_end_date,
        -- registered on or before this day (RULES.md, "Premium decision")
        add_months(agreements.start_date, parameters.registration_deadline_months)
            as registration_deadline
    from agreements
    cross join parameters
),

final as (
    select
        effective.*,
        geography.province,
        geography.region,
        geography.office,
        coalesce(geography.region = 'Vlaanderen', false) as in_flanders,
        coalesce(geography.province = 'Brussel', false) as in_brussels
    from effective
    left join geography
        on effective.establishment_postcode between geography.postcode_from and geography.postcode_to
)

select * from final
