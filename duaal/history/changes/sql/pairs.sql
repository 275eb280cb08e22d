-- The rows with a row per pair and school year (decisions, payments) that appeared or
-- disappeared between the runs ($before, $after), or whose compared fields changed (one row
-- per field); a step of decisions.sql and payments.sql, which give both runs' rows as
-- `both_runs`: run_id, the pair and school year, office, `carried` (a column kept with the
-- change: the value of the run that has the row) and `compared`, the compared fields as
-- text in the order of {{ fields }}. A row that appeared or disappeared is one change, with
-- every compared field of the side that has it, under the field name {{ whole_field }}.
with before_rows as (
    select * from both_runs where run_id = $before
),

after_rows as (
    select * from both_runs where run_id = $after
),

joined as (
    select
        coalesce(a.school_year, b.school_year) as school_year,
        coalesce(a.company_kbo, b.company_kbo) as company_kbo,
        coalesce(a.learner_insz, b.learner_insz) as learner_insz,
        coalesce(a.carried, b.carried) as carried,
        b.school_year is null as appeared,
        a.school_year is null as disappeared,
        b.compared as before_values,
        a.compared as after_values,
        list_distinct([a.office, b.office]) as offices
    from after_rows as a
    full outer join before_rows as b using (school_year, company_kbo, learner_insz)
)

select
    school_year, company_kbo, learner_insz, carried, offices,
    case when appeared then 'appeared' else 'disappeared' end as change,
    {{ whole_field }} as field,
    case when appeared then null else before_values end as before,
    case when appeared then after_values end as after
from joined
where appeared or disappeared
union all
select school_year, company_kbo, learner_insz, carried, offices, 'changed', field, [before], [after]
from (
    select
        school_year, company_kbo, learner_insz, carried, offices,
        unnest([{{ fields }}]) as field,
        unnest(before_values) as before,
        unnest(after_values) as after
    from joined
    where not appeared and not disappeared
)
where before is distinct from after
