-- Covered months per pair and school year (RULES.md, "Date arithmetic"). Months are kept
-- as whole units of 1/377580 month: 377580 = lcm(28, 29, 30, 31), so the fraction of every
-- possible month length is a whole number of units and sums and the threshold compare
-- exactly, as the rules demand, with no rounding.
with pairs as (
    select * from int_pair_school_years
),

intervals as (
    select * from int_training_intervals
),

parameters as (
    select * from cfg_parameters
),

units as (
    select 377580 as units_per_month
),

-- m lies within one of the month difference of the end and start dates: the largest
-- candidate k with add_months(s, k) - 1 day <= e is the number of whole months
month_candidates as (
    select
        *,
        (year(interval_end) - year(interval_start)) * 12
            + month(interval_end) - month(interval_start) as month_difference
    from intervals
),

whole_months as (
    select
        *,
        case
            when add_months(interval_start, month_difference + 1) - 1 <= interval_end
                then month_difference + 1
            when add_months(interval_start, month_difference) - 1 <= interval_end
                then month_difference
            else month_difference - 1
        end as whole_months
    from month_candidates
),

-- the days left after the whole months, as a part of the month that follows them
remainders as (
    select
        *,
        interval_end - add_months(interval_start, whole_months) + 1 as remaining_days,
        add_months(interval_start, whole_months + 1) - add_months(interval_start, whole_months)
            as next_month_days
    from whole_months
),

interval_units as (
    select
        remainders.*,
        cast(remainders.whole_months as bigint) * units.units_per_month
            + cast(remainders.remaining_days as bigint)
            * (units.units_per_month // remainders.next_month_days) as month_units
    from remainders
    cross join units
),

pair_units as (
    select
        school_year,
        company_kbo,
        learner_insz,
        count(*) as training_intervals,
        sum(month_units) as covered_units
    from interval_units
    group by school_year, company_kbo, learner_insz
),

final as (
    select
        pairs.school_year,
        pairs.company_kbo,
        pairs.learner_insz,
        coalesce(pair_units.training_intervals, 0) as training_intervals,
        cast(coalesce(pair_units.covered_units, 0) as bigint) as covered_units,
        cast(coalesce(pair_units.covered_units, 0) as double) / units.units_per_month
            as months_covered,
        coalesce(pair_units.covered_units, 0)
            >= parameters.min_months_covered * units.units_per_month as meets_minimum
    from pairs
    cross join parameters
    cross join units
    left join pair_units using (school_year, company_kbo, learner_insz)
)

select * from final
