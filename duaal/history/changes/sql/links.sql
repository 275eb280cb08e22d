-- Each input change once per thing it can affect: a pair (company, learner), an agreement,
-- a mentor; a recognition also reaches the pairs whose agreements name its mentor.
with inputs as (
    select * from {{ inputs }}
),

agreements as (
    select distinct agreement_id, company_kbo, learner_insz, mentor_insz
    from ingest_overeenkomsten
    where batch_id in (select batch_id from run_batches where run_id in ($before, $after))
),

own as (
    select * from (
        select
            source, file_name, row_number, key_text, version, changed, paid_year,
            premium_kind,
            unnest(companies) as company_kbo,
            unnest(learners) as learner_insz,
            unnest(agreements) as agreement_id,
            unnest(mentors) as mentor_insz
        from inputs
    )
    where company_kbo is not null or mentor_insz is not null
),

via_mentor as (
    select
        own.source, own.file_name, own.row_number, own.key_text, own.version, own.changed,
        own.paid_year, own.premium_kind, agreements.company_kbo, agreements.learner_insz,
        agreements.agreement_id, own.mentor_insz
    from own
    inner join agreements on agreements.mentor_insz = own.mentor_insz
    where own.source = 'erkenningen'
),

final as (
    select distinct * from (
        select * from own
        union all
        select * from via_mentor
    )
)

select * from final
