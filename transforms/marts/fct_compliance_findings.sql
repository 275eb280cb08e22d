-- Compliance findings per agreement or mentor, judged at as_of (RULES.md, Compliance
-- findings). Columns as transforms.schema.FINDING_COLUMNS; sorted as the findings export is.
with registration as (
    select * from int_finding_registration
),

dimona as (
    select * from int_finding_dimona
),

mentor as (
    select * from int_finding_mentor
),

agreement as (
    select * from int_finding_agreement
),

findings as (
    select * from registration
    union all by name
    select * from dimona
    union all by name
    select * from mentor
    union all by name
    select * from agreement
),

final as (
    select
        cast(code as varchar) as code,
        cast(severity as varchar) as severity,
        cast(agreement_id as varchar) as agreement_id,
        cast(company_kbo as varchar) as company_kbo,
        cast(learner_insz as varchar) as learner_insz,
        cast(mentor_insz as varchar) as mentor_insz,
        cast(province as varchar) as province,
        cast(office as varchar) as office,
        cast(detail as varchar) as detail,
        cast(due_date as date) as due_date,
        cast(company_name as varchar) as company_name
    from findings
    -- a stable order makes reruns byte-identical and the export's sort a no-op
    order by code, agreement_id nulls first, mentor_insz nulls first, detail
)

select * from final
