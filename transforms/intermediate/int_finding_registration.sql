-- Registration findings per agreement (RULES.md): REGISTRATION_LATE, REGISTRATION_MISSING,
-- REGISTRATION_DUE. The deadline is int_agreements.registration_deadline.
with agreements as (
    select * from int_agreements
),

parameters as (
    select * from cfg_parameters
),

deadlines as (
    select
        agreements.*,
        parameters.as_of,
        parameters.registration_due_days
    from agreements
    cross join parameters
),

judged as (
    select
        *,
        date_diff('day', registration_deadline, registration_date) as days_registered_late,
        date_diff('day', as_of, registration_deadline) as days_to_deadline
    from deadlines
),

-- registered after the deadline: the premium is lost for this agreement
late as (
    select
        'REGISTRATION_LATE' as code,
        *,
        'geregistreerd ' || days_nl(days_registered_late)
        || ' na de deadline van ' || date_nl(registration_deadline) as detail,
        cast(null as date) as due_date
    from judged
    where registration_date > registration_deadline
),

-- the deadline day itself still counts as not passed
missing as (
    select
        'REGISTRATION_MISSING' as code,
        *,
        'niet geregistreerd; deadline ' || date_nl(registration_deadline)
        || ' is ' || days_past_nl(-days_to_deadline) as detail,
        cast(null as date) as due_date
    from judged
    where registration_date is null and days_to_deadline < 0
),

-- a call to make now: the deadline is near and can still be met
due as (
    select
        'REGISTRATION_DUE' as code,
        *,
        'nog niet geregistreerd; deadline ' || date_nl(registration_deadline)
        || ', ' || in_days_nl(days_to_deadline) as detail,
        registration_deadline as due_date
    from judged
    where registration_date is null
        and days_to_deadline between 0 and registration_due_days
),

findings as (
    select * from late
    union all by name
    select * from missing
    union all by name
    select * from due
),

-- the columns of the findings mart are picked in fct_compliance_findings
final as (
    select * from findings
)

select * from final
