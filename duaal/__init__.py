"""duaal: the product, in rooms by purpose (docs/ARCHITECTURE.md, "Rooms").

- `duaal.run`: one run: its stages (pipeline) and the input checks;
- `duaal.outputs`: what a run writes for people: the CSV exports and the workbooks;
- `duaal.history`: what a stored run tells later: audit, bundle, changes, explain, purge;
- `duaal.common`: what every room uses: database, settings, privacy, version, interrupts,
  the digests of a run's outputs.

A room imports only the rooms below it in that list (pyproject.toml, `[tool.importlinter]`).
"""

__version__ = "0.1.0"
