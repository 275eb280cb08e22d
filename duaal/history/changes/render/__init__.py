"""The presentations of the changes, one module per output: `terminal` (`duaal diff`),
`markdown` (the Prefect artifact of a run)."""
