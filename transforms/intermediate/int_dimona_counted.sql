-- Dimona periods that count as training (RULES.md, "counted Dimona"): not cancelled, and a
-- worker type of the configuration (ALT, OTH, RTA; a student job does not count).
with periods as (
    select * from stg_dimona__periods
),

counted_types as (
    select * from cfg_counted_dimona_types
),

final as (
    select
        periods.*,
        -- an empty end date means open-ended: it runs on until the agreement it meets ends
        coalesce(periods.end_date, date '9999-12-31') as open_end_date
    from periods
    inner join counted_types
        on periods.worker_type = counted_types.worker_type
    where periods.status = 'Actief'
)

select * from final
