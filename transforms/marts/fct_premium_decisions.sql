-- Premium decisions: one row per pair (company, learner) and school year to decide, with
-- every reason of a refusal in the order of RULES.md and one Dutch sentence that explains
-- the decision with its numbers. Columns as transforms.schema.DECISION_COLUMNS.
with pairs as (
    select * from int_pair_school_years
),

covered as (
    select * from int_covered_months
),

premiums_before as (
    select * from int_premiums_before
),

amounts as (
    select * from cfg_amounts
),

parameters as (
    select * from cfg_parameters
),

superseded as (
    select * from int_superseded_rows
),

agreements as (
    select * from int_agreements
),

-- the pairs each superseded row concerns: a recognition through the agreements of its mentor
superseded_pairs as (
    select * from superseded where company_kbo is not null
    union all by name
    select superseded.* exclude (company_kbo, learner_insz), mentored.company_kbo, mentored.learner_insz
    from superseded
    inner join (select distinct mentor_insz, company_kbo, learner_insz from agreements) as mentored
        using (mentor_insz)
    where superseded.source = 'erkenningen'
),

-- a decision made on an older row than the newest export holds says so
superseded_notes as (
    select
        company_kbo,
        learner_insz,
        string_agg(
            'de nieuwste rij '
            || case source
                when 'overeenkomsten' then 'van overeenkomst ' || row_key
                when 'dimona' then 'van Dimona-periode ' || row_key
                -- recognition_id|mentor_insz and school_year|kbo|insz|kind: no person named
                when 'erkenningen' then 'van erkenning '
                    || regexp_replace(row_key, '[|][^|]*$', '') || ' (mentor)'
                else 'van de premiehistoriek ' || split_part(row_key, '|', 1)
                    || ' (' || split_part(row_key, '|', 4) || ')'
            end
            || ' (' || quarantined_file || ', rij ' || quarantined_row
            || ') staat in quarantaine, dus geldt de oudere rij (' || used_file || ', rij '
            || used_row || ')',
            '; ' order by source, row_key, quarantined_file, quarantined_row
        ) as superseded_note
    from (select distinct * from superseded_pairs)
    group by company_kbo, learner_insz
),

combined as (
    select
        pairs.*,
        covered.covered_units,
        covered.months_covered,
        covered.meets_minimum,
        premiums_before.premiums_before,
        premiums_before.cap_reached,
        -- the amount of the year: with a leervergoeding (a paid learner) or without; NULL
        -- while the configuration has no amounts for the year (input check AMOUNTS_MISSING)
        case when pairs.paid_learner then amounts.paid_eur else amounts.unpaid_eur end
            as premium_eur,
        parameters.as_of,
        parameters.min_months_covered,
        parameters.max_premiums
    from pairs
    inner join covered using (school_year, company_kbo, learner_insz)
    inner join premiums_before using (school_year, company_kbo, learner_insz)
    cross join parameters
    left join amounts using (school_year)
),

-- each reason of RULES.md as a flag; the four conditions are judged on all active agreements
reason_flags as (
    select
        *,
        not any_registered_on_time and not any_registration_date as registration_missing,
        not any_registered_on_time and any_registered_late as registration_late,
        not any_in_flanders as outside_flanders,
        not any_consent_with_iban as no_consent,
        not any_mentor_trained as mentor_not_trained,
        -- each condition holds for some agreement, but no agreement meets all four
        any_registered_on_time
            and any_in_flanders
            and any_consent_with_iban
            and any_mentor_trained
            and not any_qualifying as no_qualifying_agreement,
        covered_units = 0 as no_dimona,
        covered_units > 0 and not meets_minimum as under_minimum,
        any_qualifying and meets_minimum and not cap_reached as eligible,
        school_year_end(school_year) <= as_of as is_final
    from combined
),

-- numbers and dates as a Dutch reader writes them: decimal comma, dd/mm/yyyy
formatted as (
    select
        *,
        replace(printf('%.2f', months_covered), '.', ',') as months_text,
        case
            when min_months_covered = trunc(min_months_covered)
                then cast(cast(min_months_covered as bigint) as varchar)
            else replace(cast(min_months_covered as varchar), '.', ',')
        end as minimum_text,
        date_nl(registration_deadline) as deadline_text,
        date_nl(year_end) as year_end_text,
        date_nl(as_of) as as_of_text,
        replace(agreement_ids, ';', ', ') as agreement_list,
        -- the premiums before, in words: the cap counts them
        case premiums_before
            when 0 then 'het is de eerste premie voor deze lerende bij deze onderneming'
            when 1 then 'er was al 1 eerdere premie voor deze lerende bij deze onderneming'
                || ' (maximum ' || max_premiums || ')'
            else 'er waren al ' || premiums_before || ' eerdere premies voor deze lerende bij'
                || ' deze onderneming (maximum ' || max_premiums || ')'
        end as premiums_before_text
    from reason_flags
),

reasons as (
    select
        *,
        list_filter(
            [
                case when registration_missing then 'REGISTRATION_MISSING' end,
                case when registration_late then 'REGISTRATION_LATE' end,
                case when outside_flanders then 'OUTSIDE_FLANDERS' end,
                case when no_consent then 'NO_CONSENT' end,
                case when mentor_not_trained then 'MENTOR_NOT_TRAINED' end,
                case when no_qualifying_agreement then 'NO_QUALIFYING_AGREEMENT' end,
                case when no_dimona then 'NO_DIMONA' end,
                case when under_minimum then 'UNDER_4_MONTHS' end,
                case when cap_reached then 'CAP_REACHED' end
            ],
            lambda code: code is not null
        ) as reason_codes,
        -- the same reasons in plain Dutch; with one agreement the sentence names its details
        list_filter(
            [
                case when registration_missing then
                    case
                        when active_agreements > 1 and not is_final
                            then 'op de peildatum ' || as_of_text || ' is geen van de '
                                || active_agreements || ' overeenkomsten geregistreerd'
                        when active_agreements > 1
                            then 'geen van de ' || active_agreements || ' overeenkomsten werd geregistreerd'
                        -- the deadline is still ahead: say what must still happen, and by when
                        when registration_deadline >= as_of
                            then 'de overeenkomst moet uiterlijk op ' || deadline_text
                                || ' geregistreerd zijn (op de peildatum ' || as_of_text
                                || ' is ze dat nog niet)'
                        else 'de overeenkomst werd niet geregistreerd (de termijn liep tot '
                            || deadline_text || ')'
                    end
                end,
                case when registration_late then
                    case when active_agreements = 1
                        then 'de overeenkomst werd te laat geregistreerd (de termijn liep tot '
                            || deadline_text || ')'
                        else 'geen van de ' || active_agreements || ' overeenkomsten werd tijdig geregistreerd'
                    end
                end,
                case when outside_flanders then
                    case
                        when active_agreements > 1
                            then 'geen van de vestigingen ligt in het Vlaams Gewest'
                        when in_brussels
                            then 'de vestiging ligt in het Brussels Hoofdstedelijk Gewest'
                                || ' (geen Vlaamse premie; mogelijk de mentorpremie van Actiris)'
                        else 'de vestiging ligt buiten het Vlaams Gewest'
                            || coalesce(' (provincie ' || province || ')', ' (onbekende postcode)')
                    end
                end,
                case when no_consent then
                    case when any_consent
                        then 'er is toestemming voor de premie maar geen IBAN van de onderneming'
                        else 'de onderneming gaf geen toestemming voor de premie'
                    end
                end,
                -- a provisional year: 31 August is still ahead, so the training may still come
                case when mentor_not_trained then
                    case
                        when active_agreements > 1 and not is_final
                            then 'op de peildatum ' || as_of_text || ' heeft geen van de mentoren'
                                || ' een mentoropleiding of vrijstelling (uiterlijk op '
                                || year_end_text || ')'
                        when active_agreements > 1
                            then 'geen van de mentoren had op ' || year_end_text
                                || ' een mentoropleiding gevolgd of vrijstelling gekregen'
                        when not any_mentor_known
                            then 'de mentor staat niet in het register van erkenningen'
                        -- after 31 August, so after as_of too in a provisional year
                        when mentor_training_date is not null and not is_final
                            then 'de mentoropleiding van de mentor staat pas op '
                                || date_nl(mentor_training_date) || ' gepland (uiterlijk op '
                                || year_end_text || ')'
                        when mentor_training_date is not null
                            then 'de mentor volgde de mentoropleiding pas op '
                                || date_nl(mentor_training_date)
                                || ' (uiterlijk op ' || year_end_text || ')'
                        when not is_final
                            then 'de mentor moet uiterlijk op ' || year_end_text
                                || ' een mentoropleiding gevolgd hebben (op de peildatum '
                                || as_of_text || ' heeft de mentor nog geen mentoropleiding of'
                                || ' vrijstelling)'
                        else 'de mentor had op ' || year_end_text
                            || ' geen mentoropleiding gevolgd of vrijstelling gekregen'
                    end
                end,
                case when no_qualifying_agreement then
                    'geen enkele overeenkomst voldoet aan de vier voorwaarden samen ('
                    || unmet_conditions || ')'
                end,
                case when no_dimona then
                    case when is_final then 'er is geen' else 'er is op de peildatum '
                        || as_of_text || ' nog geen' end
                    || ' Dimona-periode die als opleiding telt binnen '
                    || case when basis_agreements = 1 then 'de overeenkomst' else 'de overeenkomsten' end
                    || ' in ' || school_year
                end,
                case when under_minimum then
                    -- a clause of its own: it may follow any other reason after 'en'
                    case when is_final then 'er zijn volgens Dimona slechts '
                        else 'ook zoals gepland zijn er volgens Dimona slechts ' end
                    || months_text || ' maanden opleiding (minimum ' || minimum_text || ')'
                end,
                case when cap_reached then
                    'het maximum van ' || max_premiums || ' premies is bereikt (al '
                    || premiums_before
                    || case when premiums_before = 1 then ' eerdere premie)' else ' eerdere premies)' end
                end
            ],
            lambda phrase: phrase is not null
        ) as reason_phrases
    from formatted
),

explained as (
    select
        *,
        case
            when eligible then
                'Premie' || coalesce(' van EUR ' || premium_eur, '')
                || case when is_final then ' toegekend' else ' voorlopig toegekend' end
                || ' voor ' || school_year
                || case
                    when premium_eur is null
                        then ' (bedrag nog niet vastgelegd: de regelconfiguratie heeft nog geen '
                            || 'bedragen voor ' || school_year || ')'
                    else ''
                end
                || ': ' || months_text
                || ' maanden opleiding volgens Dimona'
                -- a provisional year counts the periods as they are planned (RULES.md)
                || case when is_final then ' bij ' else ', zoals gepland, bij ' end
                || case
                    when basis_agreements = 1 then 'een tijdig geregistreerde overeenkomst ('
                    else 'tijdig geregistreerde overeenkomsten ('
                end
                || agreement_list || '); ' || premiums_before_text || '.'
            else
                case when is_final then 'Geen premie' else 'Voorlopig geen premie' end
                || ' voor ' || school_year || ': '
                || case
                    when len(reason_phrases) = 1 then reason_phrases[1]
                    else array_to_string(reason_phrases[1:len(reason_phrases) - 1], ', ')
                        || ' en ' || reason_phrases[len(reason_phrases)]
                end
                || '.'
        end
        || coalesce(' Let op: ' || superseded_note || '.', '') as explanation
    from reasons
    left join superseded_notes using (company_kbo, learner_insz)
),

final as (
    select
        school_year,
        company_kbo,
        learner_insz,
        province,
        office,
        case when is_final then 'final' else 'provisional' end as status,
        eligible,
        -- 0 without a premium, and while the year's amount is not yet configured
        cast(case when eligible then coalesce(premium_eur, 0) else 0 end as integer) as amount_eur,
        -- which premium the pair gets (or, refused, would get): the reports count premiums
        -- with and without leervergoeding, and what a refusal costs, from these two
        coalesce(paid_learner, false) as paid_learner,
        cast(premium_eur as integer) as premium_eur,
        cast(months_covered as double) as months_covered,
        cast(premiums_before as integer) as premiums_before,
        case when eligible then '' else array_to_string(reason_codes, ';') end as reasons,
        explanation,
        company_name,
        establishment_id,
        cast(establishment_postcode as integer) as establishment_postcode,
        establishment_municipality,
        learner_name,
        training,
        agreement_types,
        agreement_ids
    from explained
)

select * from final
