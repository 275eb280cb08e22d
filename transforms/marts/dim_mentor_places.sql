-- Where a mentor finding belongs: the company and establishment of the mentor's first
-- recognition (by recognition date, then recognition id).
with recognitions as (
    select * from stg_werkplekduaal__recognitions
),

final as (
    select
        mentor_insz,
        company_kbo,
        establishment_id
    from recognitions
    qualify row_number() over (
        partition by mentor_insz
        order by recognition_date, recognition_id
    ) = 1
)

select * from final
