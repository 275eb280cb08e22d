-- Per mentor named by an agreement: the most agreements running on one day (the peak), its
-- first day and the agreements running then, and the first day above the maximum (RULES.md,
-- MENTOR_OVERLOAD). Planned days count too, and agreements of every company, because the
-- mentor's time is what is limited.
with agreements as (
    select * from int_agreements
),

parameters as (
    select * from cfg_parameters
),

-- a sweep: +1 on the first day, -1 on the day after the effective end, so an agreement
-- ending the day before another starts never overlaps it
events as (
    select mentor_insz, start_date as event_date, 1 as delta from agreements
    union all
    select mentor_insz, effective_end_date + 1 as event_date, -1 as delta from agreements
),

-- all changes of one day are netted before counting, so an end and a start on the same
-- day do not make a false peak
daily as (
    select mentor_insz, event_date, sum(delta) as delta
    from events
    group by mentor_insz, event_date
),

running as (
    select
        mentor_insz,
        event_date,
        cast(sum(delta) over (
            partition by mentor_insz
            order by event_date
            rows between unbounded preceding and current row
        ) as integer) as running_agreements
    from daily
),

load as (
    select
        running.mentor_insz,
        max(running.running_agreements) as peak_agreements,
        min(running.event_date) filter (
            where running.running_agreements > parameters.mentor_max_agreements
        ) as first_overload_date,
        count(*) filter (
            where running.running_agreements > parameters.mentor_max_agreements
        ) > 0 as is_overloaded
    from running
    cross join parameters
    group by running.mentor_insz
),

-- mentor findings are reported in the office of the mentor's most recent agreement
latest_agreement as (
    select
        mentor_insz,
        province,
        office
    from agreements
    qualify row_number() over (
        partition by mentor_insz
        order by start_date desc, agreement_id desc
    ) = 1
),

agreement_counts as (
    select mentor_insz, count(*) as agreement_count
    from agreements
    group by mentor_insz
),

-- the first day of the peak, and the agreements running then
peak_days as (
    select
        running.mentor_insz,
        min(running.event_date) as peak_date
    from running
    inner join load
        on running.mentor_insz = load.mentor_insz
        and running.running_agreements = load.peak_agreements
    group by running.mentor_insz
),

peak_agreements as (
    select
        peak_days.mentor_insz,
        peak_days.peak_date,
        list(agreements.agreement_id order by agreements.start_date, agreements.agreement_id)
            as peak_agreement_ids
    from peak_days
    inner join agreements
        on agreements.mentor_insz = peak_days.mentor_insz
        and peak_days.peak_date between agreements.start_date and agreements.effective_end_date
    group by peak_days.mentor_insz, peak_days.peak_date
),

final as (
    select
        load.mentor_insz,
        agreement_counts.agreement_count,
        load.peak_agreements,
        load.is_overloaded,
        load.first_overload_date,
        peak_agreements.peak_date,
        peak_agreements.peak_agreement_ids,
        latest_agreement.province,
        latest_agreement.office
    from load
    inner join agreement_counts using (mentor_insz)
    left join peak_agreements using (mentor_insz)
    inner join latest_agreement using (mentor_insz)
)

select * from final
