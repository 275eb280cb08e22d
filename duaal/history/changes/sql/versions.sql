-- The batches in effect of each of the two runs with their version (transforms/versions.py:
-- numbered over every loaded batch, so the two runs' versions compare). A batch in effect
-- in one run only is where an input row can differ between them.
with before_versions as {{ before_versions }},

after_versions as {{ after_versions }},

final as (
    select 'before' as side, batch_id, version from before_versions
    union all
    select 'after' as side, batch_id, version from after_versions
)

select * from final
