-- Registration findings per agreement (RULES.md): REGISTRATION_LATE, REGISTRATION_MISSING,
-- REGISTRATION_DUE. The deadline is add_months(start, registration_deadline_months).
with agreements as (
    select * from int_agreements
),

parameters as (
    select * from cfg_parameters
),

deadlines as (
    select
        agreements.*,
        add_months(agreements.start_date, parameters.registration_deadline_months)
            as registration_deadline,
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
        'warning' as severity,
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
        'warning' as severity,
        *,
        'niet geregistreerd; deadline ' || date_nl(registration_deadline)
        || ' is ' || days_nl(-days_to_deadline)
        || ' verstreken' as detail,
        cast(null as date) as due_date
    from judged
    where registration_date is null and days_to_deadline < 0
),

-- a call to make now: the deadline is near and can still be met
due as (
    select
        'REGISTRATION_DUE' as code,
        'info' as severity,
        *,
        'nog niet geregistreerd; deadline ' || date_nl(registration_deadline)
        || ', '
        || case
            when days_to_deadline = 0 then 'vandaag'
            when days_to_deadline = 1 then 'over 1 dag'
            else 'over ' || days_to_deadline || ' dagen'
        end as detail,
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

final as (
    select
        code,
        severity,
        agreement_id,
        company_kbo,
        learner_insz,
        mentor_insz,
        province,
        office,
        detail,
        due_date,
        company_name
    from findings
)

select * from final
