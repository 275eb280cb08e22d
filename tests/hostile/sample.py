"""The fixed sample of the hostile-input tests: its size, seed, as_of and run settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from duaal.common.settings import Settings, load_settings
from duaal.run.pipeline import RunSummary

AS_OF = date(2026, 11, 28)
AGREEMENTS = 150
SEED = 7


@dataclass(frozen=True)
class CleanRun:
    """The sample's raw folder, the settings of its run and what the run did."""

    raw: Path
    settings: Settings
    summary: RunSummary


def settings_for(raw: Path, db: Path, reports: Path | None = None) -> Settings:
    """Settings of a run on raw into db at the fixed as_of."""
    reports = reports if reports is not None else db.parent / "reports"
    return load_settings(raw=raw, db=db, reports=reports, as_of=AS_OF)
