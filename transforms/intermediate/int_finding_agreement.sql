-- Findings about an agreement's own terms (RULES.md): HOURS_TYPE_MISMATCH,
-- PAY_TYPE_MISMATCH, AGREEMENT_TOO_LONG.
with agreements as (
    select * from int_agreements
),

parameters as (
    select * from cfg_parameters
),

judged as (
    select
        agreements.*,
        parameters.oao_min_hours_per_week,
        parameters.max_agreement_months,
        -- hours as a Dutch reader writes them: 19,5 and 20, not 19.50 and 20.00; exactly as
        -- given (19,999999 is not 20), so the decimal's own digits, trailing zeros dropped
        replace(
            rtrim(rtrim(cast(agreements.hours_per_week as varchar), '0'), '.'), '.', ','
        ) as hours_text,
        replace(printf('%g', cast(parameters.oao_min_hours_per_week as double)), '.', ',')
            as min_hours_text,
        add_months(agreements.start_date, parameters.max_agreement_months) - 1 as latest_end_date
    from agreements
    cross join parameters
),

lengths as (
    select
        *,
        date_diff('day', latest_end_date, effective_end_date) as days_too_long
    from judged
),

-- an OAO is at least the minimum a week at the workplace, an SAO below it
hours_mismatch as (
    select
        'HOURS_TYPE_MISMATCH' as code,
        *,
        case
            when agreement_type = 'OAO'
                then 'OAO met ' || hours_text || ' uur per week (minimum ' || min_hours_text || ')'
            else 'SAO met ' || hours_text || ' uur per week (een SAO heeft minder dan '
                || min_hours_text || ' uur)'
        end as detail,
        cast(null as date) as due_date
    from judged
    where (agreement_type = 'OAO' and hours_per_week < oao_min_hours_per_week)
        or (agreement_type = 'SAO' and hours_per_week >= oao_min_hours_per_week)
),

-- an OAO learner receives a leervergoeding, an SAO learner does not
pay_mismatch as (
    select
        'PAY_TYPE_MISMATCH' as code,
        *,
        case
            when agreement_type = 'OAO' then 'OAO zonder leervergoeding'
            else 'SAO met leervergoeding'
        end as detail,
        cast(null as date) as due_date
    from judged
    where (agreement_type = 'OAO' and not learning_allowance)
        or (agreement_type = 'SAO' and learning_allowance)
),

too_long as (
    select
        'AGREEMENT_TOO_LONG' as code,
        *,
        'looptijd van ' || date_nl(start_date) || ' tot '
        || date_nl(effective_end_date) || ' is '
        || days_nl(days_too_long)
        || ' langer dan ' || max_agreement_months || ' maanden (uiterlijk tot '
        || date_nl(latest_end_date) || ')' as detail,
        cast(null as date) as due_date
    from lengths
    where days_too_long > 0
),

findings as (
    select * from hours_mismatch
    union all by name
    select * from pay_mismatch
    union all by name
    select * from too_long
),

-- the columns of the findings mart are picked in fct_compliance_findings
final as (
    select * from findings
)

select * from final
