-- Per company with a placed agreement: its name, and its office when all its agreements lie
-- in one office (empty otherwise).
with places as (
    select * from dim_agreement_places
),

final as (
    select
        company_kbo,
        min(company_name) as company_name,
        case when count(distinct office) = 1 then min(office) end as office
    from places
    group by company_kbo
)

select * from final
