-- Covered months per pair and school year (RULES.md, "Date arithmetic"): the sum of the
-- months of the merged training intervals (int_training_intervals), kept as whole units of
-- 1/377580 month (units_per_month(): 377580 = lcm(28, 29, 30, 31)), so that the fraction of
-- every possible month length is a whole number of units and sums and the threshold compare
-- exactly, as the rules demand, with no rounding. In a provisional year the months are
-- counted as planned; the part worked by as_of and the part still to work are kept beside.
with pairs as (
    select * from int_pair_school_years
),

intervals as (
    select * from int_training_intervals
),

parameters as (
    select * from cfg_parameters
),

pair_units as (
    select
        school_year,
        company_kbo,
        learner_insz,
        count(*) as training_intervals,
        sum(month_units) as covered_units,
        sum(worked_units) as worked_units,
        max(interval_end) as last_interval_end
    from intervals
    group by school_year, company_kbo, learner_insz
),

summed as (
    select
        pairs.school_year,
        pairs.company_kbo,
        pairs.learner_insz,
        coalesce(pair_units.training_intervals, 0) as training_intervals,
        cast(coalesce(pair_units.covered_units, 0) as bigint) as covered_units,
        cast(coalesce(pair_units.worked_units, 0) as bigint) as worked_units,
        pair_units.last_interval_end,
        parameters.min_months_covered,
        parameters.min_months_covered * units_per_month() as minimum_units
    from pairs
    cross join parameters
    left join pair_units using (school_year, company_kbo, learner_insz)
),

final as (
    select
        school_year,
        company_kbo,
        learner_insz,
        training_intervals,
        covered_units,
        cast(covered_units as double) / units_per_month() as months_covered,
        covered_units >= minimum_units as meets_minimum,
        units_per_month() as units_per_month,
        min_months_covered,
        worked_units,
        covered_units - worked_units as units_to_work,
        -- met as planned, but not yet by the months worked up to as_of
        worked_units >= minimum_units as meets_minimum_by_as_of,
        last_interval_end
    from summed
)

select * from final
