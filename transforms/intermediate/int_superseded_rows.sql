-- Quarantined rows whose natural key could be read while staging holds an older version of
-- that key, from an older export: the rules use the older row (input check ROW_SUPERSEDED,
-- and a warning in the explanation of every decision of the pair it concerns). Which export
-- is older is the order of versions of transforms/versions.py, as staging chose.
with quarantine_rows as (
    select * from quarantine
),

versions as {{ batch_versions('all') }},

agreements as (
    select * from stg_werkplekduaal__agreements
),

dimona as (
    select * from stg_dimona__periods
),

recognitions as (
    select * from stg_werkplekduaal__recognitions
),

premiums as (
    select * from stg_mtech__premiums_paid
),

-- a row with several problems is one superseding row, with all its reasons; only the
-- quarantine in effect: a file loaded again under its name replaced its earlier load, whose
-- quarantined rows are no longer news (nor named twice)
quarantined as (
    select
        quarantine_rows.source,
        quarantine_rows.row_key,
        quarantine_rows.batch_id,
        versions.version,
        quarantine_rows.file_name,
        quarantine_rows.row_number,
        string_agg(distinct quarantine_rows.reason, ', ' order by quarantine_rows.reason)
            as reasons
    from quarantine_rows
    inner join versions using (batch_id)
    where quarantine_rows.row_key is not null
    group by all
),

-- the row staging uses for each key, with what ties it to a pair or a mentor; the key text
-- is the reader's: the natural key's values joined by '|'
in_use as (
    select
        'overeenkomsten' as source, agreement_id as row_key, batch_id, file_name, row_number,
        company_kbo, learner_insz, mentor_insz, null as school_year
    from agreements
    union all
    select
        'dimona', dimona_id, batch_id, file_name, row_number,
        company_kbo, worker_insz, null, null
    from dimona
    union all
    select
        'erkenningen', concat_ws('|', recognition_id, mentor_insz), batch_id, file_name,
        row_number, null, null, mentor_insz, null
    from recognitions
    union all
    select
        'premies', concat_ws('|', school_year, company_kbo, learner_insz, kind), batch_id,
        file_name, row_number, company_kbo, learner_insz, null, school_year
    from premiums
),

in_use_versions as (
    select in_use.*, versions.version
    from in_use
    inner join versions using (batch_id)
),

final as (
    select
        quarantined.source,
        quarantined.row_key,
        quarantined.file_name as quarantined_file,
        quarantined.row_number as quarantined_row,
        quarantined.batch_id as quarantined_batch_id,
        quarantined.reasons as quarantine_reasons,
        in_use.file_name as used_file,
        in_use.row_number as used_row,
        in_use.batch_id as used_batch_id,
        in_use.company_kbo,
        in_use.learner_insz,
        in_use.mentor_insz,
        in_use.school_year
    from quarantined
    inner join in_use_versions as in_use
        on in_use.source = quarantined.source
        and in_use.row_key = quarantined.row_key
        -- a newer export's accepted row for the key is newer still: nothing was superseded
        and in_use.version < quarantined.version
)

select * from final
