-- Payment findings (RULES.md, "Payment reconciliation"): every reconciled pair and school
-- year whose status is not `paid` or `awaited`. Their subject is the pair (subject pair in
-- transforms/codes.toml): a company and a learner, no agreement or mentor. The due date is
-- the expected payment date of the year: what an analyst acts on is how long a premium has
-- been overdue, the oldest first, and it tells a pair's years apart.
with reconciliation as (
    select * from int_payment_reconciliation
),

missing as (
    select 'PAYMENT_MISSING' as code, *
    from reconciliation
    where status = 'missing'
),

amount_differs as (
    select 'PAYMENT_AMOUNT_DIFFERS' as code, *
    from reconciliation
    where status = 'amount_differs'
),

not_due as (
    select 'PAYMENT_NOT_DUE' as code, *
    from reconciliation
    where status = 'not_due'
),

without_decision as (
    select 'PAYMENT_WITHOUT_DECISION' as code, *
    from reconciliation
    where status = 'no_decision'
),

findings as (
    select * from missing
    union all by name
    select * from amount_differs
    union all by name
    select * from not_due
    union all by name
    select * from without_decision
),

-- only the columns of a finding: fct_compliance_findings stacks every int_finding_ model
-- by column name
final as (
    select
        code,
        cast(null as varchar) as agreement_id,
        company_kbo,
        learner_insz,
        cast(null as varchar) as mentor_insz,
        province,
        office,
        detail,
        expected_by as due_date,
        company_name
    from findings
)

select * from final
