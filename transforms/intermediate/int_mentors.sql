-- One row per mentor in the recognition register (RULES.md, Compliance findings): a mentor
-- with several recognitions is judged on the earliest recognition date and the earliest
-- training date, and is exempt when any recognition says so.
with recognitions as (
    select * from stg_werkplekduaal__recognitions
),

mentor_load as (
    select * from int_mentor_load
),

parameters as (
    select * from cfg_parameters
),

recognition_years as (
    select
        *,
        year(recognition_date) - year(mentor_birth_date) as calendar_years
    from recognitions
),

-- the profile is checked per recognition: age in whole years on its own date, the largest
-- n with add_months(birth, 12 n) <= that date (RULES.md), so someone born on 29 February
-- turns a year older on 28 February in a year that is not a leap year
recognition_profiles as (
    select
        recognition_years.recognition_id,
        recognition_years.mentor_insz,
        recognition_years.recognition_date,
        recognition_years.years_experience,
        recognition_years.calendar_years
        - case
            when add_months(
                recognition_years.mentor_birth_date, 12 * recognition_years.calendar_years
            ) > recognition_years.recognition_date
                then 1
            else 0
        end as age_at_recognition,
        parameters.mentor_min_age,
        parameters.mentor_min_experience_years
    from recognition_years
    cross join parameters
),

profile_problems as (
    select
        *,
        concat_ws(
            ', ',
            case
                when age_at_recognition < mentor_min_age
                    then 'mentor ' || age_at_recognition || ' jaar oud (minimum '
                        || mentor_min_age || ')'
            end,
            case
                when years_experience < mentor_min_experience_years
                    then years_experience || ' jaar ervaring (minimum '
                        || mentor_min_experience_years || ')'
            end
        ) as problem
    from recognition_profiles
),

profile_details as (
    select
        mentor_insz,
        string_agg(
            'erkenning ' || recognition_id || ' van '
            || date_nl(recognition_date) || ': ' || problem,
            '; '
            order by recognition_date, recognition_id
        ) as profile_problems
    from profile_problems
    where problem <> ''
    group by mentor_insz
),

mentors as (
    select
        mentor_insz,
        first(mentor_name order by recognition_date, recognition_id) as mentor_name,
        count(*) as recognition_count,
        min(recognition_date) as first_recognition_date,
        min(mentor_training_date) as first_training_date,
        bool_or(mentor_training_exempt) as is_exempt
    from recognitions
    group by mentor_insz
),

deadlines as (
    select
        mentors.*,
        add_months(mentors.first_recognition_date, parameters.mentor_training_months)
            as training_deadline,
        parameters.as_of
    from mentors
    cross join parameters
),

-- the training judged at as_of (RULES.md, MENTOR_TRAINING_OVERDUE and MENTOR_TRAINING_LATE)
final as (
    select
        deadlines.mentor_insz,
        deadlines.mentor_name,
        deadlines.recognition_count,
        deadlines.first_recognition_date,
        deadlines.first_training_date,
        deadlines.is_exempt,
        deadlines.training_deadline,
        profile_details.profile_problems,
        mentor_load.province,
        mentor_load.office,
        -- a training date still ahead of as_of: planned
        coalesce(deadlines.first_training_date > deadlines.as_of, false) as training_planned,
        not deadlines.is_exempt
            and coalesce(deadlines.first_training_date > deadlines.training_deadline, false)
            as trained_late,
        -- past the deadline without a training the recognition is withdrawn
        deadlines.first_training_date is null
            and not deadlines.is_exempt
            and deadlines.training_deadline < deadlines.as_of as training_overdue
    from deadlines
    left join profile_details
        on deadlines.mentor_insz = profile_details.mentor_insz
    left join mentor_load
        on deadlines.mentor_insz = mentor_load.mentor_insz
)

select * from final
