-- The payment reconciliations (pair and school year, run_payments) that appeared or
-- disappeared between the runs ($before, $after), or whose status, decided or paid amount
-- changed (one row per field), each with the premium history rows of its pair and year
-- (kind premie) whose version differs between the runs: the row added or replaced.
with inputs as (
    select * from {{ links }}
),

-- both runs' reconciliations with the compared fields (PAYMENT_FIELDS) as text, as the
-- export writes them: the decided amount whole, the paid amount with 2 decimals
both_runs as (
    select
        run_id, school_year, company_kbo, learner_insz, office,
        expected_by,
        [status, cast(decided_eur as varchar), cast(paid_eur as varchar)] as compared
    from run_payments
    where run_id in ($before, $after)
),

changed as (
    {{ compare }}
),

final as (
    select
        changed.school_year, changed.company_kbo, changed.learner_insz, changed.expected_by,
        changed.offices, changed.change, changed.field, changed.before, changed.after,
        {{ input_rows }} as inputs
    from changed
    left join inputs
        on inputs.source = 'premies'
        and inputs.premium_kind = 'premie'
        and inputs.paid_year = changed.school_year
        and inputs.company_kbo = changed.company_kbo
        and inputs.learner_insz = changed.learner_insz
    group by all
    -- a stable order: a pair's finding takes the causes of its payment's rows in this order
    order by changed.school_year, changed.company_kbo, changed.learner_insz, changed.field
)

select * from final
