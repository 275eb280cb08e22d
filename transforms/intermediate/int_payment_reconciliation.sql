-- Payment reconciliation (RULES.md, "Payment reconciliation"): one row per pair (company,
-- learner) and final school year from the first premium year in which the pair was decided
-- eligible or received a `premie`: what was decided, what was paid, and exactly one status.
-- The decision is read from fct_premium_decisions, never derived again (one engine).
with decisions as (
    select * from fct_premium_decisions
),

premiums_paid as (
    select * from stg_mtech__premiums_paid
),

agreements as (
    select * from int_agreements
),

school_years as (
    select * from cfg_school_years
),

parameters as (
    select * from cfg_parameters
),

reason_codes as (
    select * from cfg_codes
    where kind = 'reason'
),

-- a year is reconciled once it is over (final at as_of), from the first premium year (the
-- years to decide start there). A configuration a run recorded before payments were
-- reconciled has no payment_expected_months: that run reconciled nothing, and so does
-- its audit.
final_years as (
    select
        school_years.school_year,
        add_months(school_years.year_end, parameters.payment_expected_months) as expected_by,
        parameters.as_of
    from school_years
    cross join parameters
    where school_years.year_end <= parameters.as_of
        and parameters.payment_expected_months is not null
),

-- the premium paid for a year, with its row of the history; a stagebonus is no premium
-- (both count towards the cap, in int_premiums_before). Compared to the cent.
payments as (
    select
        school_year,
        company_kbo,
        learner_insz,
        cast(round(amount_eur, 2) as decimal(18, 2)) as paid_eur,
        paid_on,
        batch_id as payment_batch_id,
        file_name as payment_file_name,
        row_number as payment_row_number
    from premiums_paid
    where kind = 'premie'
),

-- the pairs and years to reconcile: decided eligible, or paid a premie
reconciled_pairs as (
    select school_year, company_kbo, learner_insz from decisions where eligible
    union
    select school_year, company_kbo, learner_insz from payments
),

combined as (
    select
        reconciled_pairs.school_year,
        reconciled_pairs.company_kbo,
        reconciled_pairs.learner_insz,
        final_years.expected_by,
        final_years.as_of,
        decisions.school_year is not null as has_decision,
        decisions.eligible,
        decisions.reasons,
        -- the decided amount is 0 without an eligible decision (CONTRACTS.md)
        coalesce(decisions.amount_eur, 0) as decided_eur,
        decisions.province as decision_province,
        decisions.office as decision_office,
        decisions.company_name as decision_company_name,
        payments.paid_eur,
        payments.paid_on,
        payments.payment_batch_id,
        payments.payment_file_name,
        payments.payment_row_number
    from reconciled_pairs
    inner join final_years using (school_year)
    left join decisions using (school_year, company_kbo, learner_insz)
    left join payments using (school_year, company_kbo, learner_insz)
),

-- exactly one status, in the rule book's order
judged as (
    select
        *,
        case
            when paid_eur is not null and not has_decision then 'no_decision'
            when paid_eur is not null and not eligible then 'not_due'
            -- the expected day itself is still awaited
            when paid_eur is null and as_of <= expected_by then 'awaited'
            when paid_eur is null then 'missing'
            when paid_eur <> decided_eur then 'amount_differs'
            else 'paid'
        end as status
    from combined
),

-- a pair without a decision that year is placed by its most recent agreement, if it has one
pair_places as (
    select
        company_kbo,
        learner_insz,
        province,
        office,
        company_name
    from agreements
    qualify row_number() over (
        partition by company_kbo, learner_insz
        order by start_date desc, agreement_id desc
    ) = 1
),

company_names as (
    select
        company_kbo,
        min(company_name) as company_name
    from agreements
    group by company_kbo
),

-- the reasons of a decision without a right to the premium, in Dutch, in the registry's order
reason_texts as (
    select
        refused.school_year,
        refused.company_kbo,
        refused.learner_insz,
        string_agg(reason_codes.label, '; ' order by reason_codes.sort_order) as reasons_text
    from (
        select
            school_year,
            company_kbo,
            learner_insz,
            unnest(string_split(reasons, ';')) as code
        from judged
        where status = 'not_due'
    ) as refused
    inner join reason_codes
        on reason_codes.code = refused.code
    group by refused.school_year, refused.company_kbo, refused.learner_insz
),

placed as (
    select
        judged.*,
        -- a decision's place is that of its basis agreement (fct_premium_decisions)
        case when judged.has_decision then judged.decision_province else pair_places.province end
            as province,
        case when judged.has_decision then judged.decision_office else pair_places.office end
            as office,
        coalesce(
            judged.decision_company_name, pair_places.company_name, company_names.company_name
        ) as company_name,
        reason_texts.reasons_text
    from judged
    left join pair_places using (company_kbo, learner_insz)
    left join company_names using (company_kbo)
    left join reason_texts using (school_year, company_kbo, learner_insz)
),

-- what happened, in one Dutch sentence with the year, the amounts and the dates
described as (
    select
        *,
        'Premie ' || school_year || ' '
        || case status
            when 'awaited' then
                'beslist: ' || eur_nl(decided_eur) || '; nog niets uitbetaald, verwacht uiterlijk '
                || date_nl(expected_by)
            when 'missing' then
                'beslist: ' || eur_nl(decided_eur) || '; niets uitbetaald, verwacht uiterlijk '
                || date_nl(expected_by)
            when 'amount_differs' then
                'beslist: ' || eur_nl(decided_eur) || '; uitbetaald ' || eur_nl(paid_eur)
                || ' op ' || date_nl(paid_on) || ', ' || eur_nl(abs(paid_eur - decided_eur))
                || case when paid_eur < decided_eur then ' te weinig' else ' te veel' end
            when 'paid' then
                'beslist: ' || eur_nl(decided_eur) || '; uitbetaald op ' || date_nl(paid_on)
            when 'not_due' then
                'uitbetaald: ' || eur_nl(paid_eur) || ' op ' || date_nl(paid_on)
                || ', maar beslist zonder recht op de premie ('
                || coalesce(reasons_text, reasons) || ')'
            else
                'uitbetaald: ' || eur_nl(paid_eur) || ' op ' || date_nl(paid_on)
                || ', maar zonder beslissing: geen actieve overeenkomst van het paar in '
                || school_year || ' gevonden'
        end as detail
    from placed
),

-- the reconciliation without the steps' helpers; fct_payment_reconciliation gives its
-- columns in the export's order, int_finding_payment takes those of a finding
final as (
    select
        * exclude (
            as_of,
            has_decision,
            decision_province,
            decision_office,
            decision_company_name,
            reasons_text
        )
    from described
)

select * from final
