-- The files refused in the batches only the later run read ($after, not $before), with the
-- reason in English and in Dutch.
with new_batches as (
    select batch_id from run_batches where run_id = $after
    except
    select batch_id from run_batches where run_id = $before
),

final as (
    select source, file_name, coalesce(reason, ''), coalesce(reason_nl, reason, '')
    from load_batches
    where status = 'refused' and batch_id in (select batch_id from new_batches)
    order by all
)

select * from final
