"""A run: ingest, input checks, rules, validation, record, changes and reports, as plain
functions (`pipeline.execute`) that the Prefect flow and the tests call alike."""
