-- The decisions (pair and school year) that appeared or disappeared between the runs
-- ($before, $after), or whose compared fields changed (one row per field), each with the
-- input rows that can explain it: those of its pair, and the premiums paid for its pair in
-- an earlier school year (a premium of its own year is no cause: it counts from the next).
with inputs as (
    select * from {{ links }}
),

-- both runs' decisions with the compared fields (DECISION_FIELDS) as text, as the export
-- writes them; months with 2 decimals
both_runs as (
    select
        run_id, school_year, company_kbo, learner_insz, office,
        [
            case when eligible then 'true' else 'false' end,
            cast(amount_eur as varchar),
            coalesce(reasons, ''),
            printf('%.2f', months_covered),
            status,
            office
        ] as compared
    from run_decisions
    where run_id in ($before, $after)
),

changed as (
    {{ compare }}
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
