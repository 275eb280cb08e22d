-- Every Dimona period, with whether it counts as training (RULES.md, "counted Dimona"): not
-- cancelled, and a worker type of the configuration (ALT, OTH, RTA; a student job does not
-- count). The periods that do not count stay, with why, so that an explanation tells each
-- period of a learner from the rows the decision was built from; the models that measure
-- training read `where counted`.
with periods as (
    select * from stg_dimona__periods
),

counted_types as (
    select * from cfg_counted_dimona_types
),

-- the first reason in the rule book's order: a cancelled period of a counted type is
-- cancelled, a cancelled student job too
judged as (
    select
        periods.*,
        case
            when periods.status is distinct from 'Actief' then 'cancelled'
            when counted_types.worker_type is null then 'worker_type'
        end as not_counted_because
    from periods
    left join counted_types
        on periods.worker_type = counted_types.worker_type
),

final as (
    select
        *,
        not_counted_because is null as counted,
        -- an empty end date means open-ended: it runs on until the agreement it meets ends
        coalesce(end_date, date '9999-12-31') as open_end_date
    from judged
)

select * from final
