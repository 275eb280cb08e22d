"""The command line, the top layer: it may import flows, duaal, expectations and transforms;
nothing imports it (the import-linter contract in pyproject.toml)."""
