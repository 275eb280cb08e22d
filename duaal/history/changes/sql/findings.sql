-- The findings that appeared or were resolved between the runs ($before, $after), or whose
-- severity or detail changed, each with the input rows that can explain it: its
-- agreement's row, the Dimona of its pair, its mentor's recognitions and agreements.
-- A detail that differs only in the countdown it ends with ('over 3 dagen', '12 dagen
-- verstreken': transforms/models.py, COUNTDOWN) did not change: a day later is not a
-- change of the finding.
with inputs as (
    select * from {{ links }}
),

-- a finding's place among the run's findings with the same key (several may share one);
-- a finding about a pair (PAYMENT_*: no agreement, no mentor) is keyed by its company,
-- learner and due date (the school year's expected payment date), so that the findings of
-- two pairs are never taken for one that changed
keyed as (
    select
        *,
        case
            when agreement_id is null and mentor_insz is null
                then [company_kbo, learner_insz, cast(due_date as varchar)]
        end as pair_key
    from run_findings
    where run_id in ($before, $after)
),

numbered as (
    select
        *,
        row_number() over (
            partition by run_id, code, agreement_id, mentor_insz, pair_key
            order by regexp_replace(detail, '{{ countdown }}', ''), detail
        ) as n
    from keyed
),

-- both runs' findings with the compared fields, severity and detail
both_runs as (
    select *, [severity, detail] as compared from numbered
),

compared as (
    {{ compare }}
),

changed as (
    select * from compared
    where not (
        change = 'changed' and field = 'detail'
        and regexp_replace(before[1], '{{ countdown }}', '')
        = regexp_replace(after[1], '{{ countdown }}', '')
    )
),

-- the input rows of each change, one equality join per way a row reaches a finding
numbered_changes as (
    select row_number() over () as change_id, * from changed
),

input_matches as (
    -- the agreement's own row
    select c.change_id, inputs.*
    from numbered_changes as c
    inner join inputs on inputs.agreement_id = c.agreement_id
    where inputs.source = 'overeenkomsten'
    union all
    -- the Dimona of an agreement's pair
    select c.change_id, inputs.*
    from numbered_changes as c
    inner join inputs
        on inputs.company_kbo = c.company_kbo and inputs.learner_insz = c.learner_insz
    where c.agreement_id is not null and inputs.source = 'dimona'
    union all
    -- the mentor's recognitions (of the agreement's mentor, for an agreement's finding)
    select c.change_id, inputs.*
    from numbered_changes as c
    inner join inputs on inputs.mentor_insz = c.mentor_insz
    where inputs.source = 'erkenningen'
        and (c.agreement_id is null or inputs.agreement_id = c.agreement_id)
    union all
    -- a mentor's agreements, for a mentor's finding
    select c.change_id, inputs.*
    from numbered_changes as c
    inner join inputs on inputs.mentor_insz = c.mentor_insz
    where c.agreement_id is null and inputs.source = 'overeenkomsten'
),

-- per change its input rows (a change is never merged with an equal one: each is counted)
change_inputs as (
    select inputs.change_id, {{ input_rows }} as inputs
    from input_matches as inputs
    group by inputs.change_id
),

final as (
    select
        changed.code, changed.agreement_id, changed.mentor_insz, changed.company_kbo,
        changed.learner_insz, changed.offices, changed.due_date, changed.change,
        changed.field, changed.before, changed.after, change_inputs.inputs
    from numbered_changes as changed
    left join change_inputs using (change_id)
)

select * from final
