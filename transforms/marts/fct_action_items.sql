-- The Actielijst (RULES.md, "Actielijst"): one row per action a reader can take today, for a
-- finding of the run whose code has an action in the code registry, per company whose
-- premium that action can still change. It says what to do, by when (due_date, "uiterlijk
-- op"), in which urgency group, and what is at stake. A finding whose action can no longer
-- change any premium is no action (it stays a finding). It reads the decisions and the
-- findings and changes neither; the conformiteit workbooks read it and sort by action_rank.
--
-- A finding family with an action is a row of `families` below (a payment finding, about a
-- pair and not an agreement, joins in payment_claims); at_stake gives one row per finding
-- (code, agreement_id, mentor_insz) and agreement whose premium its action can still change
-- (school_year, company_kbo, learner_insz, concerned_agreement_id), with that premium
-- (premium_eur, NULL while the school year has no amounts), the last day the action still
-- helps (due_date) and the finding's own date when it has passed (overdue_since). A code with
-- an action and no such row fails tests/transforms/test_fct_action_items.py.
with findings as (
    select * from fct_compliance_findings
),

decisions as (
    select * from fct_premium_decisions
),

conditions as (
    select * from int_agreement_conditions
),

mentors as (
    select * from int_mentors
),

payments as (
    select * from fct_payment_reconciliation
),

agreements as (
    select * from int_agreements
),

companies as (
    select * from dim_company_offices
),

amounts as (
    select * from cfg_amounts
),

parameters as (
    select * from cfg_parameters
),

actions as (
    select code, action, action_order
    from cfg_codes
    where kind = 'finding' and action is not null
),

urgency_groups as (
    select code as urgency, label as urgency_label, sort_order as urgency_order
    from cfg_codes
    where kind = 'action_group'
),

-- An active agreement in a school year whose premium can still change through it: the year
-- is not final, the pair has no premium for it yet (an eligible pair's premium does not
-- depend on this agreement), the cap is not reached, and the agreement can still qualify:
-- it lies in the Flemish Region and is registered on time or still can be (a late
-- registration loses the premium for the agreement). What can still change (consent, the
-- mentor's training by 31 August, Dimona) is left to the actions. The premium is the one of
-- the agreement: with or without leervergoeding.
open_premiums as (
    select
        conditions.school_year,
        conditions.year_end,
        conditions.company_kbo,
        conditions.learner_insz,
        conditions.agreement_id,
        conditions.mentor_insz,
        case
            when coalesce(conditions.learning_allowance, false) then amounts.paid_eur
            else amounts.unpaid_eur
        end as premium_eur
    from conditions
    inner join decisions
        on decisions.school_year = conditions.school_year
        and decisions.company_kbo = conditions.company_kbo
        and decisions.learner_insz = conditions.learner_insz
    cross join parameters
    left join amounts
        on amounts.school_year = conditions.school_year
    where decisions.status = 'provisional'
        and not decisions.eligible
        and not list_contains(string_split(decisions.reasons, ';'), 'CAP_REACHED')
        and conditions.in_flanders
        and (
            conditions.registered_on_time
            or (
                conditions.registration_date is null
                and conditions.registration_deadline >= parameters.as_of
            )
        )
),

-- Each finding family with an action, as data: the premiums its action can still change
-- (reached through the finding's agreement, or through its mentor: every agreement the mentor
-- guides) and the last day the action helps (until):
-- - REGISTRATION_DUE, until its due date: registered by its deadline, the agreement is
--   registered on time;
-- - DIMONA_MISSING, until its due date, then until the school year is final (31 August): due
--   on the agreement's start, a later declaration still counts its months until then, the
--   declaration date does not;
-- - MENTOR_TRAINING_OVERDUE, until the school year is final: the deadline after the
--   recognition has passed, but a mentor trained on or before 31 August of a school year
--   counts as trained in that year, for every agreement the mentor guides.
-- A family other than the one of its due date is overdue since the finding's date once passed.
families (code, reached_through, until) as (
    values
        ('REGISTRATION_DUE', 'agreement', 'due_date'),
        ('DIMONA_MISSING', 'agreement', 'due_date_then_year_end'),
        ('MENTOR_TRAINING_OVERDUE', 'mentor', 'year_end')
),

-- an open premium under each way a finding reaches it: its agreement and its mentor
premium_links as (
    select 'agreement' as reached_through, agreement_id as link, * from open_premiums
    union all by name
    select 'mentor' as reached_through, mentor_insz as link, * from open_premiums
),

at_stake as (
    select
        findings.code,
        findings.agreement_id,
        findings.mentor_insz,
        premium_links.school_year,
        premium_links.company_kbo,
        premium_links.learner_insz,
        premium_links.agreement_id as concerned_agreement_id,
        premium_links.premium_eur,
        case
            when families.until = 'due_date' then findings.due_date
            when families.until = 'due_date_then_year_end'
                and findings.due_date >= parameters.as_of then findings.due_date
            else premium_links.year_end
        end as due_date,
        case
            when families.until <> 'due_date' and findings.due_date < parameters.as_of
                then findings.due_date
        end as overdue_since
    from findings
    inner join families
        on families.code = findings.code
    cross join parameters
    inner join premium_links
        on premium_links.reached_through = families.reached_through
        and premium_links.link = case families.reached_through
            when 'mentor' then findings.mentor_insz
            else findings.agreement_id
        end
),

-- each agreement concerned with what a reader needs to act on it, and the premium of its
-- pair and school year once: with a leervergoeding when any agreement concerned carries one
concerned as (
    select
        at_stake.*,
        conditions.learner_name,
        conditions.establishment_id,
        conditions.office,
        conditions.mentor_name,
        max(at_stake.premium_eur) over pair_year as pair_premium_eur,
        row_number() over (pair_year order by at_stake.concerned_agreement_id) = 1
            as first_of_pair_year
    from at_stake
    inner join conditions
        on conditions.agreement_id = at_stake.concerned_agreement_id
        and conditions.school_year = at_stake.school_year
    window pair_year as (
        partition by
            at_stake.code,
            at_stake.agreement_id,
            at_stake.mentor_insz,
            at_stake.company_kbo,
            at_stake.learner_insz,
            at_stake.school_year
    )
),

-- one action per finding and company
per_company as (
    select
        code,
        agreement_id,
        mentor_insz,
        company_kbo,
        min(due_date) as due_date,
        min(overdue_since) as overdue_since,
        -- NULL while no school year concerned has amounts (AMOUNTS_MISSING)
        cast(sum(pair_premium_eur) filter (where first_of_pair_year) as integer)
            as premium_at_stake_eur,
        array_to_string(list_sort(list_distinct(list(school_year))), ', ') as school_years,
        array_to_string(list_sort(list_distinct(list(concerned_agreement_id))), ';')
            as agreement_ids,
        -- a learner, establishment or office when every agreement concerned shares it
        case when count(distinct learner_insz) = 1 then min(learner_insz) end as learner_insz,
        case when count(distinct learner_insz) = 1 then min(learner_name) end as learner_name,
        case
            when count(distinct establishment_id) = 1 then min(establishment_id)
        end as establishment_id,
        case when count(distinct office) = 1 then min(office) end as office,
        min(mentor_name) as agreement_mentor_name
    from concerned
    group by code, agreement_id, mentor_insz, company_kbo
),

-- PAYMENT_MISSING, PAYMENT_AMOUNT_DIFFERS, PAYMENT_NOT_DUE, PAYMENT_WITHOUT_DECISION: a
-- payment of a final year that is not what the rules decided. Nothing about it can change a
-- premium any more, but the money can still be claimed (missing, too little), corrected or
-- returned (too much, no right): the action has no term of its own, so it is listed as
-- past its date (the expected payment date), still useful, with the amount in question:
-- the premium decided, the difference, or the amount paid.
payment_claims as (
    select
        findings.code,
        findings.agreement_id,
        findings.mentor_insz,
        findings.company_kbo,
        cast(null as date) as due_date,
        -- a payment found before its expected date (paid without a right) has passed nothing
        case when findings.due_date < parameters.as_of then findings.due_date end
            as overdue_since,
        cast(
            case payments.status
                when 'missing' then payments.decided_eur
                when 'amount_differs' then abs(payments.decided_eur - payments.paid_eur)
                else payments.paid_eur
            end as integer
        ) as premium_at_stake_eur,
        payments.school_year as school_years,
        cast(null as varchar) as agreement_ids,
        findings.learner_insz,
        (
            select max_by(agreements.learner_name, agreements.start_date)
            from agreements
            where agreements.company_kbo = findings.company_kbo
                and agreements.learner_insz = findings.learner_insz
        ) as learner_name,
        cast(null as varchar) as establishment_id,
        findings.office,
        cast(null as varchar) as agreement_mentor_name,
        findings.due_date as pair_due_date
    from findings
    cross join parameters
    inner join payments
        on payments.company_kbo = findings.company_kbo
        and payments.learner_insz = findings.learner_insz
        and payments.expected_by = findings.due_date
    where findings.code in (
        'PAYMENT_MISSING', 'PAYMENT_AMOUNT_DIFFERS', 'PAYMENT_NOT_DUE', 'PAYMENT_WITHOUT_DECISION'
    )
),

every_action as (
    select *, cast(null as date) as pair_due_date from per_company
    union all by name
    select * from payment_claims
),

items as (
    select
        per_company.*,
        findings.severity,
        findings.detail,
        coalesce(per_company.office, findings.office) as item_office,
        -- one name per company (dim_company_offices), so that its actions stay together
        companies.company_name,
        -- the register's name of the mentor, else the agreement's
        coalesce(mentors.mentor_name, per_company.agreement_mentor_name) as item_mentor_name,
        actions.action,
        actions.action_order,
        date_diff('day', parameters.as_of, per_company.due_date) as days_left,
        date_diff('day', per_company.overdue_since, parameters.as_of) as days_overdue,
        parameters.action_soon_days,
        parameters.action_near_days
    from every_action as per_company
    cross join parameters
    inner join findings
        on findings.code = per_company.code
        and findings.agreement_id is not distinct from per_company.agreement_id
        and findings.mentor_insz is not distinct from per_company.mentor_insz
        -- a finding about a pair: its company, learner and school year's expected date
        and (
            per_company.pair_due_date is null
            or (
                findings.company_kbo = per_company.company_kbo
                and findings.learner_insz = per_company.learner_insz
                and findings.due_date = per_company.pair_due_date
            )
        )
    inner join actions
        on actions.code = per_company.code
    left join companies
        on companies.company_kbo = per_company.company_kbo
    left join mentors
        on mentors.mentor_insz = per_company.mentor_insz
),

-- a date still ahead groups by the days left; a passed date with more than
-- action_near_days left to save the premium is 'verstreken, nog zinvol'
grouped as (
    select
        items.*,
        case
            when days_left = 0 then 'DUE_TODAY'
            when days_left <= action_soon_days then 'DUE_SOON'
            when days_left <= action_near_days then 'DUE_NEAR'
            when overdue_since is not null then 'PAST_DUE'
            else 'DUE_LATER'
        end as urgency
    from items
),

ranked as (
    select
        grouped.*,
        urgency_groups.urgency_label,
        urgency_groups.urgency_order,
        -- what can still be saved first: by urgency group, then company, then due date
        row_number() over (
            order by
                urgency_groups.urgency_order,
                grouped.company_name nulls last,
                grouped.company_kbo,
                grouped.due_date,
                grouped.action_order,
                grouped.agreement_id nulls first,
                grouped.mentor_insz nulls first,
                -- a pair's payments have no agreement nor mentor: the learner, the year and
                -- the wording part them, so the same inputs give the same numbers every run
                grouped.learner_insz nulls first,
                grouped.school_years,
                grouped.detail
        ) as action_rank
    from grouped
    inner join urgency_groups using (urgency)
),

final as (
    select
        cast(action_rank as integer) as action_rank,
        cast(urgency as varchar) as urgency,
        cast(urgency_label as varchar) as urgency_label,
        cast(urgency_order as integer) as urgency_order,
        cast(due_date as date) as due_date,
        cast(days_left as integer) as days_left,
        cast(overdue_since as date) as overdue_since,
        cast(days_overdue as integer) as days_overdue,
        cast(code as varchar) as code,
        cast(severity as varchar) as severity,
        cast(action as varchar) as action,
        cast(detail as varchar) as detail,
        premium_at_stake_eur,
        cast(school_years as varchar) as school_years,
        cast(item_office as varchar) as office,
        cast(company_kbo as varchar) as company_kbo,
        cast(company_name as varchar) as company_name,
        cast(establishment_id as varchar) as establishment_id,
        cast(agreement_id as varchar) as agreement_id,
        cast(agreement_ids as varchar) as agreement_ids,
        cast(learner_insz as varchar) as learner_insz,
        cast(learner_name as varchar) as learner_name,
        cast(mentor_insz as varchar) as mentor_insz,
        cast(item_mentor_name as varchar) as mentor_name
    from ranked
    order by action_rank
)

select * from final
