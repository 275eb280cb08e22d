-- The decisions (pair and school year) that appeared or disappeared between the runs
-- ($before, $after), or whose compared fields changed (one row per field), each with the
-- input rows that can explain it: those of its pair, and the premiums paid for its pair in
-- an earlier school year (a premium of its own year is no cause: it counts from the next).
with inputs as (
    select * from {{ links }}
),

-- both runs' decisions with the compared fields (DECISION_FIELDS) as text, as the export
-- writes them; months with 2 decimals
decisions as (
    select
        run_id, school_year, company_kbo, learner_insz, office,
        case when eligible then 'true' else 'false' end as eligible,
        cast(amount_eur as varchar) as amount_eur,
        coalesce(reasons, '') as reasons,
        printf('%.2f', months_covered) as months_covered,
        status
    from run_decisions
    where run_id in ($before, $after)
),

before_decisions as (
    select * from decisions where run_id = $before
),

after_decisions as (
    select * from decisions where run_id = $after
),

joined as (
    select
        coalesce(a.school_year, b.school_year) as school_year,
        coalesce(a.company_kbo, b.company_kbo) as company_kbo,
        coalesce(a.learner_insz, b.learner_insz) as learner_insz,
        b.school_year is null as appeared,
        a.school_year is null as disappeared,
        [b.eligible, b.amount_eur, b.reasons, b.months_covered, b.status, b.office]
            as before_values,
        [a.eligible, a.amount_eur, a.reasons, a.months_covered, a.status, a.office]
            as after_values,
        list_distinct([a.office, b.office]) as offices
    from after_decisions as a
    full outer join before_decisions as b using (school_year, company_kbo, learner_insz)
),

changed as (
    -- a decision that appeared or disappeared: every field of the side that has it
    select
        school_year, company_kbo, learner_insz, offices,
        case when appeared then 'appeared' else 'disappeared' end as change,
        '' as field,
        case when appeared then null else before_values end as before,
        case when appeared then after_values end as after
    from joined
    where appeared or disappeared
    union all
    select school_year, company_kbo, learner_insz, offices, 'changed', field, [before], [after]
    from (
        select
            school_year, company_kbo, learner_insz, offices,
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
        changed.school_year, changed.company_kbo, changed.learner_insz, changed.offices,
        changed.change, changed.field, changed.before, changed.after,
        {{ input_rows }} as inputs
    from changed
    left join inputs
        on inputs.company_kbo = changed.company_kbo
        and inputs.learner_insz = changed.learner_insz
        and (inputs.source <> 'premies' or inputs.paid_year < changed.school_year)
    group by all
)

select * from final
