-- Agreements with what every rule asks of them: the effective end and the geography of
-- their establishment.
with agreements as (
    select * from stg_werkplekduaal__agreements
),

geography as (
    select * from cfg_geography
),

effective as (
    select
        *,
        -- an early termination ends the agreement before its planned end date
        least(end_date, coalesce(termination_date, end_date)) as effective_end_date
    from agreements
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
