-- Dimona findings per agreement (RULES.md): DIMONA_MISSING, DIMONA_LATE, DIMONA_TYPE.
-- A counted Dimona belongs to an agreement when it has the same company and learner and
-- overlaps the agreement's [start, effective end].
with agreements as (
    select * from int_agreements
),

-- only the periods that count as training belong to an agreement
dimona as (
    select * from int_dimona_counted
    where counted
),

counted_types as (
    select * from cfg_counted_dimona_types
),

parameters as (
    select * from cfg_parameters
),

-- the counted types as a Dutch list ('ALT, OTH of RTA'), read from the configuration so the
-- detail never names a type that does not count
counted_types_list as (
    select list(worker_type order by worker_type) as types
    from counted_types
),

counted_types_text as (
    select
        case
            when len(types) = 1 then types[1]
            else array_to_string(types[1:len(types) - 1], ', ') || ' of ' || types[len(types)]
        end as counted_types_text
    from counted_types_list
),

overlapping as (
    select
        agreements.agreement_id,
        dimona.dimona_id,
        dimona.worker_type,
        dimona.declared_on
    from agreements
    inner join dimona
        on agreements.company_kbo = dimona.company_kbo
        and agreements.learner_insz = dimona.worker_insz
        and dimona.start_date <= agreements.effective_end_date
        and dimona.open_end_date >= agreements.start_date
),

dimona_per_agreement as (
    select
        agreement_id,
        min(declared_on) as first_declared_on,
        string_agg(dimona_id, ', ' order by dimona_id) filter (where worker_type = 'OTH')
            as oth_dimona_ids
    from overlapping
    group by agreement_id
),

judged as (
    select
        agreements.*,
        dimona_per_agreement.agreement_id is not null as has_dimona,
        dimona_per_agreement.first_declared_on,
        dimona_per_agreement.oth_dimona_ids,
        date_diff('day', agreements.start_date, parameters.as_of) as days_since_start,
        date_diff('day', agreements.start_date, dimona_per_agreement.first_declared_on)
            as days_late,
        parameters.dimona_type_check_from,
        counted_types_text.counted_types_text
    from agreements
    cross join parameters
    cross join counted_types_text
    left join dimona_per_agreement
        on agreements.agreement_id = dimona_per_agreement.agreement_id
),

-- only an agreement that has started needs its Dimona already
missing as (
    select
        'DIMONA_MISSING' as code,
        *,
        'geen Dimona-aangifte (' || counted_types_text || ') voor de overeenkomst van '
        || date_nl(start_date) || ' tot '
        || date_nl(effective_end_date) || '; gestart '
        || days_ago_nl(days_since_start) as detail,
        start_date as due_date
    from judged
    where not has_dimona and days_since_start >= 0
),

-- Dimona must be declared at the latest on the start date
late as (
    select
        'DIMONA_LATE' as code,
        *,
        'Dimona aangegeven op ' || date_nl(first_declared_on) || ', '
        || days_nl(days_late)
        || ' na de start van ' || date_nl(start_date) as detail,
        cast(null as date) as due_date
    from judged
    where has_dimona and first_declared_on > start_date
),

-- an OAO learner is declared as ALT (RTA in construction); OTH is the wrong type
wrong_type as (
    select
        'DIMONA_TYPE' as code,
        *,
        'Dimona van het type OTH (' || oth_dimona_ids || ') voor een OAO die start op '
        || date_nl(start_date)
        || '; verwacht ALT (of RTA in paritair comité 124)' as detail,
        cast(null as date) as due_date
    from judged
    where agreement_type = 'OAO'
        and start_date >= dimona_type_check_from
        and oth_dimona_ids is not null
),

findings as (
    select * from missing
    union all by name
    select * from late
    union all by name
    select * from wrong_type
),

-- the columns of the findings mart are picked in fct_compliance_findings
final as (
    select * from findings
)

select * from final
