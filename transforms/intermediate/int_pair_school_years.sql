-- One row per pair (company, learner) and school year to decide in which the pair has an
-- active agreement: what its agreements say together, and the agreement a report shows.
with conditions as (
    select * from int_agreement_conditions
),

pair_conditions as (
    select
        school_year,
        company_kbo,
        learner_insz,
        any_value(year_start) as year_start,
        any_value(year_end) as year_end,
        count(*) as active_agreements,
        bool_or(qualifies) as any_qualifying,
        bool_or(registered_on_time) as any_registered_on_time,
        bool_or(registration_date is not null) as any_registration_date,
        bool_or(registered_late) as any_registered_late,
        bool_or(in_flanders) as any_in_flanders,
        bool_or(coalesce(premium_consent, false)) as any_consent,
        bool_or(consent_with_iban) as any_consent_with_iban,
        bool_or(mentor_trained) as any_mentor_trained,
        bool_or(mentor_known) as any_mentor_known,
        -- a paid learner: a basis agreement carries a leervergoeding. For a premium that is
        -- a qualifying agreement; without one, an active agreement: the premium it would be
        bool_or(in_basis and coalesce(learning_allowance, false)) as paid_learner,
        -- the details an explanation gives when the pair has a single active agreement
        min(registration_deadline) as registration_deadline,
        max(mentor_training_date) as mentor_training_date,
        string_agg(agreement_id || ': ' || unmet_conditions, '; ' order by agreement_id)
            filter (where not qualifies) as unmet_conditions
    from conditions
    group by school_year, company_kbo, learner_insz
),

-- the basis agreements; the one with the latest start (ties: the highest id as text) is the
-- representative, whose province, office and names the decision gives
basis as (
    select
        school_year,
        company_kbo,
        learner_insz,
        count(*) as basis_agreements,
        array_to_string(list_sort(list_distinct(list(agreement_type))), ';') as agreement_types,
        array_to_string(list_sort(list_distinct(list(agreement_id))), ';') as agreement_ids,
        first(
            struct_pack(
                province,
                office,
                in_brussels,
                company_name,
                establishment_id,
                establishment_postcode,
                establishment_municipality,
                learner_name,
                training
            )
            order by start_date desc, agreement_id desc
        ) as representative
    from conditions
    where in_basis
    group by school_year, company_kbo, learner_insz
),

final as (
    select
        pair_conditions.*,
        basis.basis_agreements,
        basis.agreement_types,
        basis.agreement_ids,
        -- the representative's fields, each a column
        representative.*
    from pair_conditions
    inner join basis using (school_year, company_kbo, learner_insz)
)

select * from final
