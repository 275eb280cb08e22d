-- Premiums before, per pair and school year to decide: the distinct earlier school years
-- in which the pair had a premium or stagebonus paid, or was decided eligible by this
-- pipeline, with those years from each. The cap depends on earlier decisions, so the years
-- are walked in order and the cap is applied in each year before the next one is decided.
with recursive pairs as (
    select * from int_pair_school_years
),

covered as (
    select * from int_covered_months
),

premiums_paid as (
    select * from stg_mtech__premiums_paid
),

school_years as (
    select * from cfg_school_years
),

parameters as (
    select * from cfg_parameters
),

year_numbers as (
    select
        school_year,
        row_number() over (order by school_year) as year_number
    from school_years
),

paid_years as (
    select distinct company_kbo, learner_insz, school_year
    from premiums_paid
),

-- whether the pair would be eligible in a year before the cap is applied
candidates as (
    select
        pairs.school_year,
        pairs.company_kbo,
        pairs.learner_insz,
        pairs.any_qualifying and covered.meets_minimum as eligible_before_cap
    from pairs
    inner join covered using (school_year, company_kbo, learner_insz)
),

pair_list as (
    select distinct company_kbo, learner_insz from pairs
),

-- every pair in every year to decide, decided or not, with what that year adds
pair_years as (
    select
        pair_list.company_kbo,
        pair_list.learner_insz,
        year_numbers.school_year,
        year_numbers.year_number,
        coalesce(candidates.eligible_before_cap, false) as eligible_before_cap,
        paid_years.school_year is not null as paid_in_year
    from pair_list
    cross join year_numbers
    left join candidates using (company_kbo, learner_insz, school_year)
    left join paid_years using (company_kbo, learner_insz, school_year)
),

-- years paid before the first year to decide (the stagebonus regime) count from the start
paid_earlier as (
    select
        pair_list.company_kbo,
        pair_list.learner_insz,
        coalesce(
            list(paid_years.school_year order by paid_years.school_year)
                filter (where paid_years.school_year is not null),
            cast([] as varchar[])
        ) as paid_years_before
    from pair_list
    left join paid_years
        on paid_years.company_kbo = pair_list.company_kbo
        and paid_years.learner_insz = pair_list.learner_insz
        and paid_years.school_year < (select min(school_year) from school_years)
    group by pair_list.company_kbo, pair_list.learner_insz
),

-- the earlier years, each with where it came from: paid (the premium history) or decided
-- eligible under the cap by this pipeline; the premiums before are the distinct years of both
walk as (
    select
        pair_years.*,
        paid_earlier.paid_years_before,
        cast([] as varchar[]) as decided_years_before,
        len(paid_earlier.paid_years_before) as premiums_before
    from pair_years
    inner join paid_earlier using (company_kbo, learner_insz)
    where pair_years.year_number = 1

    union all

    select
        stepped.* exclude (premiums_before),
        -- a year counts once, whether paid, decided eligible under the cap, or both
        len(list_distinct(list_concat(stepped.paid_years_before, stepped.decided_years_before)))
            as premiums_before
    from (
        select
            pair_years.*,
            list_concat(
                walk.paid_years_before,
                case when walk.paid_in_year then [walk.school_year] else [] end
            ) as paid_years_before,
            list_concat(
                walk.decided_years_before,
                case
                    when walk.eligible_before_cap and walk.premiums_before < parameters.max_premiums
                        then [walk.school_year]
                    else []
                end
            ) as decided_years_before,
            walk.premiums_before
        from walk
        cross join parameters
        inner join pair_years
            on pair_years.company_kbo = walk.company_kbo
            and pair_years.learner_insz = walk.learner_insz
            and pair_years.year_number = walk.year_number + 1
    ) as stepped
),

final as (
    select
        pairs.school_year,
        pairs.company_kbo,
        pairs.learner_insz,
        walk.premiums_before,
        walk.premiums_before >= parameters.max_premiums as cap_reached,
        parameters.max_premiums,
        walk.paid_years_before,
        walk.decided_years_before
    from pairs
    cross join parameters
    inner join walk using (school_year, company_kbo, learner_insz)
)

select * from final
