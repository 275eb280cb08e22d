"""What the data must look like: the Great Expectations suites generated from the table
contracts (`suites.py`), their validation (`validate.py`) and the Data Docs (`docs/`)."""
