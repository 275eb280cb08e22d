"""The order of versions across files (CONTRACTS.md, "Inputs"), written once.

Exports are upserts: when several files hold a row for the same natural key, the version
in use is the one from the newest export, whatever the order in which the files were
loaded. Batches (loaded files) are ordered by

1. the export's date: its `Exportdatum` (title rows, load_batches.export_date, counted
   from the start of that day), else the modification time the file had when a file of
   that name was first loaded into that source (load_batches.file_mtime of that first
   batch, to the second). A batch loaded before file_mtime was recorded counts from the
   moment that first load was made (loaded_at): the order the earlier version used;
2. then the file name;
3. then the load (batch_id). A file loaded again under the same name with other bytes (an
   analyst corrected a cell and saved it) replaces its earlier load whole (a file is its
   source and name, so a raw folder moved elsewhere keeps its files): the earlier
   batch is no longer in effect, neither its rows nor its quarantine. The new load keeps
   the place of the file in the order (its date is still the first load's), so its changed
   and new rows are newer than the file's earlier version but not newer than a later
   export, and its unchanged rows give what the earlier load gave, in the same file and
   row. A refused load replaces nothing.

So a folder of exports gives the same versions whether it was loaded file by file over
months or at once into an empty database, as long as its files keep their dates.

Everything that chooses a version reads `batch_versions`: the staging models
(`transforms.models.latest_rows`), int_superseded_rows, the comparison of two runs
(duaal/history/changes/sql/inputs.sql) and what reads the quarantine in effect: the quarantined rows of the
batches in effect (`quarantine_in_effect`), which a re-loaded file does not repeat.
"""

from __future__ import annotations


def batch_versions(batches: str = "", schema: str = "") -> str:
    """A parenthesised SELECT of the loaded batches in effect: `batch_id`, `version_at` (the
    date the order starts from, a TIMESTAMP) and `version` (a BIGINT, higher is newer).

    batches: a SQL subquery of batch ids (e.g. a run's run_batches) to choose among: the
    batches in effect are those among them that no later load of the same file replaced.
    Empty: every batch of load_batches. `version` is numbered over every loaded batch of
    load_batches whichever are chosen, so two runs' versions compare (duaal/history/changes/).
    schema: where load_batches is (`src` for a database attached read-only).
    """
    chosen = f"where batch_id in ({batches})" if batches else ""
    table = f"{schema}.load_batches" if schema else "load_batches"
    return f"""(
    with loaded as (
        -- a database or bundle made before file_mtime (or export_date) was recorded has no
        -- such column: read as NULL
        select * from (
            select cast(null as timestamp) as file_mtime, cast(null as date) as export_date
            where false
        )
        union all by name
        select * from {table} where status = 'loaded'
    ),
    dated as (
        select
            batch_id,
            source,
            file_name,
            coalesce(
                cast(export_date as timestamp),
                -- a re-saved file keeps the date of its first load: its new modification
                -- time would make every row of an old export the newest
                first_value(coalesce(file_mtime, loaded_at)) over (
                    partition by source, file_name order by batch_id
                )
            ) as version_at
        from loaded
    ),
    numbered as (
        select
            *,
            row_number() over (order by version_at, file_name, batch_id) as version
        from dated
    ),
    chosen as (
        select * from numbered {chosen}
    ),
    final as (
        select batch_id, version_at, version
        from chosen
        -- the latest load of a file replaces its earlier loads whole
        qualify batch_id = max(batch_id) over (partition by source, file_name)
    )
    select * from final
)"""


def quarantine_in_effect(batches: str = "", schema: str = "") -> str:
    """A parenthesised SELECT of the quarantine rows of the batches in effect among `batches`
    (as `batch_versions`): a file loaded again under its name repeats none of its earlier
    load's quarantined rows."""
    table = f"{schema}.quarantine" if schema else "quarantine"
    versions = batch_versions(batches, schema)
    return f"(select * from {table} where batch_id in (select batch_id from {versions}))"


def run_quarantine(schema: str = "") -> str:
    """`quarantine_in_effect` of a run's batches (run_batches); its one parameter (`?`) is
    the run id."""
    prefix = f"{schema}." if schema else ""
    return quarantine_in_effect(
        f"select batch_id from {prefix}run_batches where run_id = ?", schema
    )
