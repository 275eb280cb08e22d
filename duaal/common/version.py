"""The version of duaal that runs: recorded with every run and bundle, and `duaal --version`.

Light on purpose (no DuckDB, no Arrow): `duaal --version` imports it and answers at once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from duaal import __version__


def code_version() -> str:
    """The package version and, in a git checkout, the commit (with '.dirty' when changed):
    0.1.0+9e1632e1a2b3.dirty."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}{'.dirty' if dirty else ''}"
