-- Training periods per pair and school year: the counted Dimona periods of the pair cut to
-- each basis agreement's [start, effective end] and to the school year, then merged when
-- they overlap or touch (end + 1 day = next start), so that no day is counted twice.
with basis_agreements as (
    select * from int_agreement_conditions
    where in_basis
),

counted_dimona as (
    select * from int_dimona_counted
),

pieces as (
    select
        basis_agreements.school_year,
        basis_agreements.company_kbo,
        basis_agreements.learner_insz,
        greatest(counted_dimona.start_date, basis_agreements.start_date, basis_agreements.year_start)
            as piece_start,
        -- open-ended Dimona runs to the end of the agreement
        least(
            counted_dimona.open_end_date,
            basis_agreements.effective_end_date,
            basis_agreements.year_end
        ) as piece_end
    from basis_agreements
    inner join counted_dimona
        on counted_dimona.company_kbo = basis_agreements.company_kbo
        and counted_dimona.worker_insz = basis_agreements.learner_insz
),

-- identical pieces (two Dimona periods cut to the same days) are kept once: the windows
-- below order by (piece_start, piece_end), and with ties between rows each window may put
-- them in another order, so that one piece opened an interval the other did not close
overlapping as (
    select distinct school_year, company_kbo, learner_insz, piece_start, piece_end
    from pieces
    where piece_start <= piece_end
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

final as (
    select
        school_year,
        company_kbo,
        learner_insz,
        interval_number,
        min(piece_start) as interval_start,
        max(piece_end) as interval_end
    from numbered
    group by school_year, company_kbo, learner_insz, interval_number
)

select * from final
