-- The Actiris mentor premium (information only, RULES.md "Geography"): per school year to
-- decide, every Brussels establishment and mentor with agreements active in that year, how
-- many learners the mentor guides there, and whether the premium may be asked (1 to
-- actiris_max_learners learners). The premium workbooks show it on Brussel (Actiris).
with active as (
    select * from int_active_agreements
    where in_brussels
),

parameters as (
    select * from cfg_parameters
),

mentors as (
    select
        school_year,
        office,
        company_name,
        company_kbo,
        establishment_id,
        establishment_postcode,
        establishment_municipality,
        mentor_name,
        mentor_insz,
        cast(count(distinct learner_insz) as integer) as learners,
        string_agg(distinct agreement_id, ';' order by agreement_id) as agreement_ids
    from active
    group by all
),

final as (
    select
        mentors.*,
        mentors.learners between 1 and parameters.actiris_max_learners as premium_possible,
        cast(
            case
                when mentors.learners between 1 and parameters.actiris_max_learners
                    then parameters.actiris_mentor_premium_eur
                else 0
            end as integer
        ) as premium_eur
    from mentors
    cross join parameters
)

select * from final
