-- The office of an establishment: the office of the postcode its agreements give it, when
-- they all lie in one office (an establishment in two offices has none).
with places as (
    select * from dim_agreement_places
),

final as (
    select
        establishment_id,
        min(office) as office
    from places
    group by establishment_id
    having count(distinct office) = 1
)

select * from final
