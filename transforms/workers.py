"""Helpers for worker processes, used by every stage that forks them (ingest, workbooks).

A worker never reacts to Ctrl-C or SIGTERM itself: the terminal sends Ctrl-C to every
process of the foreground group, and a worker that raised KeyboardInterrupt would print its
traceback and leave its job half done for the parent to mistake for a dead worker's. The
parent, interrupted, ends its workers (`end_workers`); a parent killed outright takes them
with it (`die_with_parent`).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

PR_SET_PDEATHSIG = 1  # prctl(2)
# the signals a run ends on; a worker ignores them (the parent ends it)
RUN_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextmanager
def forking() -> Iterator[None]:
    """Around a call that forks workers (a process pool's first `submit`): SIGINT and
    SIGTERM wait in this thread until it is over, so a worker is born with them held back
    and meets none before `die_with_parent` has made it ignore them (a signal meanwhile is
    taken by another thread of the parent, or by this one afterwards)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, RUN_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def die_with_parent() -> None:
    """In a worker process (Linux): be killed with the parent, so a killed run leaves none;
    ignore Ctrl-C and SIGTERM (the parent ends its workers); and never collect what was
    inherited: a forked copy of an unreachable DuckDB object must not run its destructor
    here, where DuckDB's threads do not exist."""
    gc.disable()
    with suppress(ValueError):  # not the main thread: a pool forked from another thread
        # the parent's signal watcher (duaal.common.interrupts) listens on this descriptor: a
        # signal to the worker must not look like a second one to the parent
        signal.set_wakeup_fd(-1)
        for signum in RUN_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, RUN_SIGNALS)  # held back by `forking`
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # elsewhere the worker ends when it next finds its parent's queue closed


def end_workers() -> None:
    """Kill every worker process this process forked (multiprocessing's children) and
    reap them: an interrupted stage does not wait for a workbook or a file nobody will
    use (the workers ignore the signals a run ends on, so a kill it is)."""
    children = multiprocessing.active_children()
    for child in children:
        with suppress(OSError):
            child.kill()
    for child in children:
        child.join(5)
