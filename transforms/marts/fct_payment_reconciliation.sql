-- Payment reconciliation (RULES.md, "Payment reconciliation"): per pair and final school
-- year, the premium decided against the premium paid, with its status, the history row it
-- was read from and the decision's reasons. Columns as transforms.schema.PAYMENT_COLUMNS;
-- sorted as the payments export is. The rule lives in int_payment_reconciliation.
with reconciliation as (
    select * from int_payment_reconciliation
),

final as (
    select
        school_year,
        company_kbo,
        learner_insz,
        office,
        status,
        decided_eur,
        paid_eur,
        paid_on,
        expected_by,
        province,
        company_name,
        eligible,
        reasons,
        detail,
        cast(payment_batch_id as integer) as payment_batch_id,
        payment_file_name,
        cast(payment_row_number as integer) as payment_row_number
    from reconciliation
    -- a stable order makes reruns byte-identical and the export's sort a no-op
    order by school_year, company_kbo, learner_insz
)

select * from final
