-- The quarantined rows of the batches only the later run read ($after, not $before). A file
-- loaded again under its name (re-saved with a cell corrected) brings its old quarantined
-- rows again: a row whose file name, reason and raw values equal one quarantined from an
-- earlier load of that file is not new.
with new_batches as (
    select batch_id from run_batches where run_id = $after
    except
    select batch_id from run_batches where run_id = $before
),

final as (
    select q.source, q.file_name, q.row_number, q.reason, q.detail
    from quarantine as q
    where q.batch_id in (select batch_id from new_batches)
        and not exists (
            select 1
            from quarantine as earlier
            where earlier.source = q.source
                and earlier.file_name = q.file_name
                and earlier.batch_id < q.batch_id
                and earlier.reason = q.reason
                and earlier.raw_values is not distinct from q.raw_values
        )
    order by all
)

select * from final
