-- The input rows of one source whose version in use differs between the runs ($before,
-- $after): file, row and key, which version the later run used against the earlier (new,
-- gone, older, newer), which columns changed, and both versions' pair, agreement and
-- mentor. The source's columns are filled in by duaal/history/changes/queries.py.
with versions as (
    select * from {{ versions }}
),

-- a key whose rows all lie in batches in effect in both runs has the same version in use
-- in both (the same rows, the same order): only a key with a row in a batch in effect in
-- one run only can differ, and only those keys are compared
touched as (
    select distinct {{ key }}
    from {{ table }}
    where batch_id in (
        select batch_id from versions group by batch_id having count(*) = 1
    )
),

candidates as (
    select rows.*
    from {{ table }} as rows
    semi join touched using ({{ key }})
),

-- per run the version in use: the newest export's row, then the highest row
chosen as (
    select candidates.*, versions.side, versions.version as batch_version
    from candidates
    inner join versions using (batch_id)
    qualify row_number() over (
        partition by versions.side, {{ key }}
        order by versions.version desc, candidates.row_number desc
    ) = 1
),

b as (
    select * from chosen where side = 'before'
),

a as (
    select * from chosen where side = 'after'
),

final as (
    select
        '{{ source }}' as source,
        coalesce(a.file_name, b.file_name) as file_name,
        coalesce(a.row_number, b.row_number) as row_number,
        {{ key_text }} as key_text,
        case
            when a.batch_id is null then 'gone'
            when b.batch_id is null then 'new'
            when a.batch_version < b.batch_version then 'older'
            else 'newer'
        end as version,
        -- per changed column its name and both values as text (a personal column: its name)
        list_filter([{{ changed }}], lambda x: x is not null) as changed,
        {{ companies }} as companies,
        {{ learners }} as learners,
        {{ agreements }} as agreements,
        {{ mentors }} as mentors,
        {{ paid_year }} as paid_year,
        {{ premium_kind }} as premium_kind
    from a
    full outer join b on {{ key_match }}
    where a.batch_id is null or b.batch_id is null or {{ differs }}
)

select * from final
