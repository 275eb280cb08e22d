-- Every agreement in every school year to decide in which it is active: [start, effective
-- end] overlaps the year (1 September - 31 August), with the year's bounds.
with agreements as (
    select * from int_agreements
),

school_years as (
    select * from cfg_school_years
),

final as (
    select
        school_years.school_year,
        school_years.year_start,
        school_years.year_end,
        agreements.*
    from agreements
    inner join school_years
        on agreements.start_date <= school_years.year_end
        and agreements.effective_end_date >= school_years.year_start
)

select * from final
