-- Every active agreement per school year to decide, with the four premium conditions of
-- RULES.md ("Premium decision") and whether it belongs to the coverage basis of its pair.
-- An agreement is active in Y when [start, effective end] overlaps Y (int_active_agreements).
with active as (
    select * from int_active_agreements
),

-- a mentor is matched by INSZ alone, whatever company the recognition names; several
-- recognitions: the earliest training date, exempt when any recognition says so
mentors as (
    select * from int_mentors
),

parameters as (
    select * from cfg_parameters
),

conditions as (
    select
        active.*,
        parameters.as_of,
        coalesce(trim(active.company_iban), '') <> '' as has_iban,
        mentors.mentor_insz is not null as mentor_known,
        mentors.first_training_date as mentor_training_date,
        coalesce(mentors.is_exempt, false) as mentor_training_exempt,
        -- the mentor is trained by 31 August of Y
        active.year_end as mentor_training_due
    from active
    cross join parameters
    left join mentors
        on active.mentor_insz = mentors.mentor_insz
),

judged as (
    select
        *,
        -- without a registration date an agreement is never on time, even before its deadline
        coalesce(registration_date <= registration_deadline, false) as registered_on_time,
        coalesce(registration_date > registration_deadline, false) as registered_late,
        -- not registered while the deadline is still ahead of as_of: not (yet) on time, but
        -- it still can be
        registration_date is null and registration_deadline >= as_of as registration_pending,
        -- the premium needs both the consent and a bank account to pay it into
        coalesce(premium_consent, false) and has_iban as consent_with_iban,
        -- trained by 31 August of Y, or exempt; an unknown mentor is not trained
        mentor_training_exempt
            or coalesce(mentor_training_date <= mentor_training_due, false) as mentor_trained,
        -- no training date while 31 August of Y is still ahead of as_of: it may still come
        mentor_known
            and not mentor_training_exempt
            and mentor_training_date is null
            and mentor_training_due > as_of as mentor_training_pending,
        -- a training date still ahead of as_of: planned, it counts if it takes place
        coalesce(mentor_training_date > as_of, false) as mentor_training_planned
    from conditions
),

qualified as (
    select
        *,
        registered_on_time and in_flanders and consent_with_iban and mentor_trained as qualifies,
        -- in Dutch, for the analyst and the explanation: which conditions this agreement misses
        array_to_string(
            list_filter(
                [
                    case when not registered_on_time then 'niet tijdig geregistreerd' end,
                    case when not in_flanders then 'buiten Vlaanderen' end,
                    case when not consent_with_iban then 'geen toestemming met IBAN' end,
                    case when not mentor_trained then 'mentor niet opgeleid' end
                ],
                lambda condition: condition is not null
            ),
            ', '
        ) as unmet_conditions
    from judged
),

final as (
    select
        *,
        -- the basis is the qualifying agreements, or all active ones when none qualifies,
        -- so that a refusal still says how many months there were
        qualifies or not bool_or(qualifies) over (
            partition by school_year, company_kbo, learner_insz
        ) as in_basis
    from qualified
)

select * from final
