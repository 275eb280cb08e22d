-- Training periods per pair and school year: the counted Dimona pieces of the pair (each
-- counted period cut to each basis agreement's [start, effective end] and to the school year,
-- int_training_pieces), merged when they overlap or touch (end + 1 day = next start), so that
-- no day is counted twice; each merged interval with its months (RULES.md, "Date arithmetic":
-- m whole months, r remaining days of a month of d days) and the part worked by as_of.
with pieces as (
    select * from int_training_pieces
    where piece_counts
),

parameters as (
    select * from cfg_parameters
),

-- identical pieces (two Dimona periods cut to the same days) are kept once: the windows
-- below order by (piece_start, piece_end), and with ties between rows each window may put
-- them in another order, so that one piece opened an interval the other did not close
overlapping as (
    select distinct school_year, company_kbo, learner_insz, piece_start, piece_end
    from pieces
),

-- a piece opens a new interval unless it starts at most one day after the latest end
-- of the pieces before it
flagged as (
    select
        *,
        case
            when piece_start <= max(piece_end) over (
                partition by school_year, company_kbo, learner_insz
                order by piece_start, piece_end
                rows between unbounded preceding and 1 preceding
            ) + 1
                then 0
            else 1
        end as opens_interval
    from overlapping
),

numbered as (
    select
        *,
        cast(sum(opens_interval) over (
            partition by school_year, company_kbo, learner_insz
            order by piece_start, piece_end
            rows between unbounded preceding and current row
        ) as integer) as interval_number
    from flagged
),

intervals as (
    select
        school_year,
        company_kbo,
        learner_insz,
        interval_number,
        min(piece_start) as interval_start,
        max(piece_end) as interval_end
    from numbered
    group by school_year, company_kbo, learner_insz, interval_number
),

-- a provisional year counts the periods as planned: the part of an interval up to as_of is
-- worked, the rest is still to work (nothing of an interval that starts after as_of)
worked as (
    select
        intervals.*,
        case
            when intervals.interval_start <= parameters.as_of
                then least(intervals.interval_end, parameters.as_of)
        end as worked_end
    from intervals
    cross join parameters
),

final as (
    select
        *,
        whole_months(interval_start, interval_end) as whole_months,
        add_months(interval_start, whole_months(interval_start, interval_end)) - 1
            as whole_months_end,
        remaining_days(interval_start, interval_end) as remaining_days,
        next_month_days(interval_start, interval_end) as next_month_days,
        month_units(interval_start, interval_end) as month_units,
        coalesce(month_units(interval_start, worked_end), 0) as worked_units
    from worked
)

select * from final
