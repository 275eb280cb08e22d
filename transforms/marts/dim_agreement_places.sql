-- Where an agreement belongs, for the reports that place a finding or a quarantined row by
-- the agreement, establishment or company it names: one row per agreement whose
-- establishment postcode lies in the geography of the rule configuration.
with agreements as (
    select * from int_agreements
),

final as (
    select
        agreement_id,
        company_kbo,
        company_name,
        establishment_id,
        office
    from agreements
    where office is not null
)

select * from final
