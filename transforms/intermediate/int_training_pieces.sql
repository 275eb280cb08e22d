-- Every Dimona period of a learner in every school year to decide of each of the learner's
-- pairs, cut to each basis agreement of the pair and to the school year (RULES.md, "Coverage"):
-- one row per pair, school year, period and basis agreement (no agreement when the period
-- cannot count for the pair). The pieces that count are what int_training_intervals merges;
-- a period that counts for none says why, so that an explanation tells every period of the
-- learner from the rows the decision was built from.
with pair_years as (
    select * from int_pair_school_years
),

basis_agreements as (
    select * from int_agreement_conditions
    where in_basis
),

periods as (
    select * from int_dimona_counted
),

-- every period of the learner, of whatever company, counted or not
pair_periods as (
    select
        pair_years.school_year,
        pair_years.company_kbo,
        pair_years.learner_insz,
        pair_years.year_start,
        pair_years.year_end,
        periods.dimona_id,
        periods.company_kbo as dimona_company_kbo,
        periods.start_date as dimona_start_date,
        periods.open_end_date as dimona_end_date,
        periods.counted,
        periods.not_counted_because
    from pair_years
    inner join periods
        on periods.worker_insz = pair_years.learner_insz
),

-- only a counted period of the pair's own company is cut to the basis agreements: Dimona of
-- another company does not count
pieces as (
    select
        pair_periods.*,
        basis_agreements.agreement_id,
        basis_agreements.start_date as agreement_start_date,
        basis_agreements.effective_end_date as agreement_end_date
    from pair_periods
    left join basis_agreements
        on pair_periods.counted
        and pair_periods.dimona_company_kbo = pair_periods.company_kbo
        and basis_agreements.school_year = pair_periods.school_year
        and basis_agreements.company_kbo = pair_periods.company_kbo
        and basis_agreements.learner_insz = pair_periods.learner_insz
),

-- greatest and least skip a NULL: a period without an agreement has no piece at all
cut as (
    select
        *,
        case when agreement_id is not null then
            greatest(dimona_start_date, agreement_start_date, year_start)
        end as piece_start,
        -- open-ended Dimona runs to the end of the agreement
        case when agreement_id is not null then
            least(dimona_end_date, agreement_end_date, year_end)
        end as piece_end
    from pieces
),

judged as (
    select
        *,
        coalesce(piece_start <= piece_end, false) as piece_counts
    from cut
),

-- a period counts for the pair when any of its pieces does
period_verdicts as (
    select
        school_year,
        company_kbo,
        learner_insz,
        dimona_id,
        bool_or(piece_counts) as period_counts
    from judged
    group by school_year, company_kbo, learner_insz, dimona_id
),

periods_judged as (
    select
        judged.*,
        period_verdicts.period_counts
    from judged
    inner join period_verdicts using (school_year, company_kbo, learner_insz, dimona_id)
),

-- why a period counts for none of the pair's basis agreements, the first that holds
final as (
    select
        school_year,
        company_kbo,
        learner_insz,
        dimona_id,
        agreement_id,
        piece_start,
        piece_end,
        piece_counts,
        period_counts,
        case
            when period_counts then null
            when not counted then not_counted_because
            when dimona_company_kbo <> company_kbo then 'other_company'
            when dimona_end_date < year_start or dimona_start_date > year_end
                then 'outside_school_year'
            else 'outside_agreement'
        end as period_not_counted_because
    from periods_judged
)

select * from final
