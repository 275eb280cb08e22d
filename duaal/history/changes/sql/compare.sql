-- The rows of both runs ($before, $after) that appeared or went ({{ gone }}) between them, or
-- whose compared fields changed (one row per field): a step of decisions.sql, payments.sql
-- and findings.sql, which give both runs' rows as `both_runs` with run_id, office, the
-- columns a change keeps ({{ columns }}: the value of the run that has the row), those a row
-- is matched on ({{ match }}) and `compared`, the compared fields as text in the order of
-- {{ fields }}. A row that appeared or went is one change, with every compared field of the
-- side that has it, under the field name {{ whole_field }}.
with before_rows as (
    select * from both_runs where run_id = $before
),

after_rows as (
    select * from both_runs where run_id = $after
),

joined as (
    select
        {{ kept }},
        b.run_id is null as appeared,
        a.run_id is null as gone,
        b.compared as before_values,
        a.compared as after_values,
        list_distinct([a.office, b.office]) as offices
    from after_rows as a
    full outer join before_rows as b
        on {{ match }}
)

select
    {{ columns }}, offices,
    case when appeared then 'appeared' else {{ gone }} end as change,
    {{ whole_field }} as field,
    case when appeared then null else before_values end as before,
    case when appeared then after_values end as after
from joined
where appeared or gone
union all
select {{ columns }}, offices, 'changed', field, [before], [after]
from (
    select
        {{ columns }}, offices,
        unnest([{{ fields }}]) as field,
        unnest(before_values) as before,
        unnest(after_values) as after
    from joined
    where not appeared and not gone
)
where before is distinct from after
