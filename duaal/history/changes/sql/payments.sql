-- The payment reconciliations (pair and school year, run_payments) that appeared or
-- disappeared between the runs ($before, $after), or whose status, decided or paid amount
-- changed (one row per field), each with the premium history rows of its pair and year
-- (kind premie) whose version differs between the runs: the row added or replaced.
with inputs as (
    select * from {{ links }}
),

-- both runs' reconciliations with the compared fields (PAYMENT_FIELDS) as text, as the
-- export writes them: the decided amount whole, the paid amount with 2 decimals
payments as (
    select
        run_id, school_year, company_kbo, learner_insz, office, expected_by, status,
        cast(decided_eur as varchar) as decided_eur,
        cast(paid_eur as varchar) as paid_eur
    from run_payments
    where run_id in ($before, $after)
),

before_payments as (
    select * from payments where run_id = $before
),

after_payments as (
    select * from payments where run_id = $after
),

joined as (
    select
        coalesce(a.school_year, b.school_year) as school_year,
        coalesce(a.company_kbo, b.company_kbo) as company_kbo,
        coalesce(a.learner_insz, b.learner_insz) as learner_insz,
        coalesce(a.expected_by, b.expected_by) as expected_by,
        b.school_year is null as appeared,
        a.school_year is null as disappeared,
        [b.status, b.decided_eur, b.paid_eur] as before_values,
        [a.status, a.decided_eur, a.paid_eur] as after_values,
        list_distinct([a.office, b.office]) as offices
    from after_payments as a
    full outer join before_payments as b using (school_year, company_kbo, learner_insz)
),

changed as (
    -- a reconciliation that appeared or disappeared: its status, with its amounts
    select
        school_year, company_kbo, learner_insz, expected_by, offices,
        case when appeared then 'appeared' else 'disappeared' end as change,
        'status' as field,
        case when appeared then null else before_values end as before,
        case when appeared then after_values end as after
    from joined
    where appeared or disappeared
    union all
    select
        school_year, company_kbo, learner_insz, expected_by, offices, 'changed', field,
        [before], [after]
    from (
        select
            school_year, company_kbo, learner_insz, expected_by, offices,
            unnest([{{ fields }}]) as field,
            unnest(before_values) as before,
            unnest(after_values) as after
        from joined
        where not appeared and not disappeared
    )
    where before is distinct from after
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
