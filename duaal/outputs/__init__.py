"""What a run gives people to read: the CSV exports of docs/CONTRACTS.md (`exports`) and the
Excel reports under reports/ (`workbooks`)."""
