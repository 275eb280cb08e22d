-- Compliance findings per agreement, mentor or pair and school year, judged at as_of
-- (RULES.md, Compliance findings and Payment reconciliation). Columns as
-- transforms.schema.FINDING_COLUMNS; sorted as the findings export is.
-- Every int_finding_<what> model is read (a new one needs no line here); the severity and
-- the subject of each code come from the code registry (transforms/codes.toml).
with findings as (
    {{ union_models('int_finding_') }}
),

codes as (
    select * from cfg_codes
    where kind = 'finding'
),

-- a code the registry does not hold keeps no severity: the findings suite then fails the run
judged as (
    select
        findings.*,
        codes.severity,
        coalesce(codes.subject, 'agreement') as subject
    from findings
    left join codes
        on findings.code = codes.code
),

final as (
    select
        cast(code as varchar) as code,
        cast(severity as varchar) as severity,
        -- a finding about a mentor names no agreement, company or learner; one about a
        -- pair (a payment) no agreement or mentor
        cast(case when subject = 'agreement' then agreement_id end as varchar) as agreement_id,
        cast(case when subject <> 'mentor' then company_kbo end as varchar) as company_kbo,
        cast(case when subject <> 'mentor' then learner_insz end as varchar) as learner_insz,
        cast(case when subject <> 'pair' then mentor_insz end as varchar) as mentor_insz,
        cast(province as varchar) as province,
        cast(office as varchar) as office,
        cast(detail as varchar) as detail,
        cast(due_date as date) as due_date,
        cast(case when subject <> 'mentor' then company_name end as varchar) as company_name
    from judged
    -- a stable order makes reruns byte-identical and the export's sort a no-op; a pair's
    -- findings of one code differ in their school year, hence their due date
    order by
        code,
        agreement_id nulls first,
        mentor_insz nulls first,
        company_kbo nulls first,
        learner_insz nulls first,
        due_date nulls first,
        detail
)

select * from final
