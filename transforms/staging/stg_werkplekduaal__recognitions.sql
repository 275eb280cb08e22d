-- Workplace recognitions and their mentors, one row per (Erkenningsnummer, INSZ mentor).
-- Exports are upserts: across files the row of the last ingested batch wins for its
-- natural key; within one file identical duplicates collapse to the last row.
with source as (
    select * from ingest_erkenningen
),

ranked as (
    select
        *,
        row_number() over (
            partition by recognition_id, mentor_insz
            order by batch_id desc, row_number desc
        ) as version_rank
    from source
),

final as (
    select * exclude (version_rank)
    from ranked
    where version_rank = 1
)

select * from final
