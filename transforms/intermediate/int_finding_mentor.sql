-- Mentor findings (RULES.md): MENTOR_UNKNOWN per agreement; MENTOR_TRAINING_OVERDUE,
-- MENTOR_TRAINING_LATE, MENTOR_OVERLOAD and MENTOR_PROFILE per mentor, with no agreement,
-- for every mentor in the register whether or not an agreement names them.
with agreements as (
    select * from int_agreements
),

mentors as (
    select * from int_mentors
),

mentor_load as (
    select * from int_mentor_load
),

parameters as (
    select * from cfg_parameters
),

-- the mentor is matched by INSZ alone, whatever company the recognition names
unknown as (
    select
        'MENTOR_UNKNOWN' as code,
        agreements.*,
        'mentor van de overeenkomst staat niet in het erkenningsregister' as detail,
        cast(null as date) as due_date
    from agreements
    anti join mentors
        on agreements.mentor_insz = mentors.mentor_insz
),

mentors_judged as (
    select
        mentors.*,
        parameters.mentor_training_months,
        date_diff('day', mentors.training_deadline, parameters.as_of) as days_overdue,
        date_diff('day', mentors.training_deadline, mentors.first_training_date)
            as days_trained_late
    from mentors
    cross join parameters
),

-- past the deadline the recognition is withdrawn and the agreement stops
training_overdue as (
    select
        'MENTOR_TRAINING_OVERDUE' as code,
        *,
        'geen mentoropleiding binnen ' || mentor_training_months
        || ' maanden na de erkenning van ' || date_nl(first_recognition_date)
        || '; deadline ' || date_nl(training_deadline) || ' is '
        || days_past_nl(days_overdue) as detail,
        training_deadline as due_date
    from mentors_judged
    where training_overdue
),

training_late as (
    select
        'MENTOR_TRAINING_LATE' as code,
        *,
        'mentoropleiding gevolgd op ' || date_nl(first_training_date) || ', '
        || days_nl(days_trained_late)
        || ' na de deadline van ' || date_nl(training_deadline)
        || ' (erkenning van ' || date_nl(first_recognition_date) || ' + '
        || mentor_training_months || ' maanden)' as detail,
        cast(null as date) as due_date
    from mentors_judged
    where trained_late
),

profile as (
    select
        'MENTOR_PROFILE' as code,
        *,
        profile_problems as detail,
        cast(null as date) as due_date
    from mentors_judged
    where profile_problems is not null
),

-- mentors named by agreements, also those missing from the register: their load is a
-- fact of the agreements themselves
overload as (
    select
        'MENTOR_OVERLOAD' as code,
        mentor_load.*,
        'begeleidt ' || mentor_load.peak_agreements || ' overeenkomsten tegelijk (maximum '
        || parameters.mentor_max_agreements || '), voor het eerst op '
        || date_nl(mentor_load.first_overload_date) as detail,
        cast(null as date) as due_date
    from mentor_load
    cross join parameters
    where mentor_load.is_overloaded
),

-- a mentor finding names no agreement, company or learner (subject mentor in
-- transforms/codes.toml): fct_compliance_findings leaves those columns empty
final as (
    select * from unknown
    union all by name
    select * from training_overdue
    union all by name
    select * from training_late
    union all by name
    select * from profile
    union all by name
    select * from overload
)

select * from final
