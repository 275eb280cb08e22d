"""The columns of the CSV exports of docs/CONTRACTS.md, in their order: the exports write
them (duaal.outputs.exports) and `duaal explain --format json` tells a decision by them."""

DECISION_EXPORT = (
    "school_year",
    "company_kbo",
    "learner_insz",
    "province",
    "office",
    "status",
    "eligible",
    "amount_eur",
    "months_covered",
    "premiums_before",
    "reasons",
)
FINDING_EXPORT = (
    "code",
    "severity",
    "agreement_id",
    "company_kbo",
    "learner_insz",
    "mentor_insz",
    "office",
    "detail",
)
PAYMENT_EXPORT = (
    "school_year",
    "company_kbo",
    "learner_insz",
    "office",
    "status",
    "decided_eur",
    "paid_eur",
    "paid_on",
    "expected_by",
)
QUARANTINE_EXPORT = ("source", "file", "row_number", "reason", "detail")
