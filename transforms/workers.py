"""Helpers for worker processes, used by every stage that forks them (ingest, workbooks)."""

from __future__ import annotations

import ctypes
import gc
import signal

PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with_parent() -> None:
    """In a worker process (Linux): be killed with the parent, so a killed run leaves none;
    and never collect what was inherited: a forked copy of an unreachable DuckDB object
    must not run its destructor here, where DuckDB's threads do not exist."""
    gc.disable()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # elsewhere the worker ends when it next finds its parent's queue closed
