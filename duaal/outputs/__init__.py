"""What a run gives people to read: the CSV exports of docs/CONTRACTS.md (and the workbooks,
`duaal.workbooks`)."""
