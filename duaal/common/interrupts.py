"""Ctrl-C and SIGTERM during a run: one way out, whatever the stage.

`install` (the command line does it for `duaal run`) makes the first SIGINT or SIGTERM raise
`Interrupted` in the main thread. It is a KeyboardInterrupt, so no `except Exception` holds
it up, and the run ends as it would on a failure: the open transaction rolls back, worker
processes are ended, half-written workbooks removed, the run recorded as interrupted, the
database released; the command says one line and exits 128 + the signal (130, 143).

A watcher thread, woken by the signal itself (`signal.set_wakeup_fd`), does what the main
thread cannot while it sits in C code: it interrupts the database's query at once (DuckDB
looks at Python's signals only now and then), and should the process still be there
GRACE_S seconds after the signal, or should a second Ctrl-C come, it ends the process at
once (`hard_exit`): workers killed, half-written files removed, the claim on the database
released, other child processes (Prefect's temporary server) told to stop, the one line
said, exit 128 + the first signal. DuckDB rolls back what was not committed when the
database is next opened.

The stages say where the run is (`note_stage`, `note_completed`), so the line can say it.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, TextIO

from transforms.workers import RUN_SIGNALS, end_workers

GRACE_S = 7.0  # after the first signal, the run ends by itself within this, or at once
_STOP = 0  # written to the watcher's pipe by `Watch.close` (no signal has number 0)

Handler = Callable[[int, FrameType | None], Any] | int | None


class Interrupted(KeyboardInterrupt):
    """The run was told to stop by a signal: SIGINT (Ctrl-C) or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_code(signum: int) -> int:
    """The exit code of a process ended by this signal, as a shell reports it: 130, 143."""
    return 128 + signum


@dataclass
class _State:
    """What this process knows of the signals it was sent; one per `install`."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # held while the watcher calls the on_interrupt actions, and to take one away: once
    # its block is left, an action is never called (a cleanup query is not interrupted)
    actions: threading.Lock = field(default_factory=threading.Lock)
    first: int | None = None  # the signal that interrupted the run
    signals: int = 0  # how many the watcher has read
    raised: BaseException | None = None  # what the main thread was given for it
    stage: str | None = None  # where the run is (note_stage)
    completed: str | None = None  # the run that completed (note_completed)
    installed: bool = False
    quiet: bool = True  # nothing reaches stderr after the one line
    farewell: Callable[[], str] = lambda: ""
    said: bool = False
    ending: bool = False  # the command is done (Watch.ending): a signal ends it at once
    exiting: bool = False
    on_interrupt: list[Callable[[], object]] = field(default_factory=list)
    on_hard_exit: list[Callable[[], object]] = field(default_factory=list)
    ahead: dict[int, Handler] = field(default_factory=dict)  # handlers put back by in_front


_state = _State()


# --- what the stages tell, what the command line asks -----------------------------------


def note_stage(name: str) -> None:
    """The run enters this stage (open, ingest, ..., reports)."""
    _state.stage = name


def note_completed(run_id: str) -> None:
    """The run is recorded completed: what still comes (Prefect's teardown) loses nothing."""
    _state.completed = run_id


def where() -> tuple[str | None, str | None]:
    """The stage the run was in, and the run that completed (None while none did)."""
    return _state.stage, _state.completed


def received() -> int | None:
    """The signal that interrupted this process, if one did."""
    return _state.first


def signal_of(exc: BaseException) -> int | None:
    """The signal behind an exception: an interrupt (KeyboardInterrupt, Prefect's
    TerminationSignal), or any exception raised after a signal (DuckDB turns the interrupt
    of a query into RuntimeError or InterruptException); None when no signal is behind it."""
    if _state.first is not None:
        return _state.first
    if isinstance(exc, Exception | SystemExit | GeneratorExit):
        return None
    number = getattr(exc, "signum", getattr(exc, "signal", signal.SIGINT))
    return int(number) if isinstance(number, int) else int(signal.SIGINT)


def interruption(exc: BaseException) -> BaseException | None:
    """What to raise for an exception that ends a run because of a signal: the interrupt
    itself (also when DuckDB turned it into an error of its own), else None."""
    signum = signal_of(exc)
    if signum is None:
        return None
    if not isinstance(exc, Exception):
        return exc
    return _state.raised if _state.raised is not None else Interrupted(signum)


@contextmanager
def on_interrupt(action: Callable[[], object]) -> Iterator[None]:
    """While the block runs, the watcher calls `action` at the first signal, from its own
    thread (a DuckDB connection's `interrupt`: the query stops at once)."""
    with _registered(_state.on_interrupt, action):
        yield


@contextmanager
def on_hard_exit(action: Callable[[], object]) -> Iterator[None]:
    """While the block runs, a hard exit calls `action` after the workers are dead (remove
    the half-written files of the block, release a claim)."""
    with _registered(_state.on_hard_exit, action):
        yield


@contextmanager
def _registered(
    actions: list[Callable[[], object]], action: Callable[[], object]
) -> Iterator[None]:
    with _state.actions:
        actions.append(action)
    try:
        yield
    finally:
        with _state.actions, suppress(ValueError):
            actions.remove(action)


def say(line: str) -> None:
    """Write the one line an interrupted command says, once, on stderr (closed or not)."""
    with _state.lock:
        if _state.said:
            return
        _state.said = True
    with suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


# --- the handlers ---------------------------------------------------------------------------


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """In the main thread: the first signal raises (once); later ones are the watcher's."""
    with _state.lock:
        if _state.first is None:
            _state.first = signum
        if _state.raised is not None or _state.ending:
            return  # the main thread is ending: nothing may break into that (the watcher acts)
        _state.raised = Interrupted(signum)
    ahead = _state.ahead.get(signum)
    if callable(ahead):  # Prefect's SIGTERM bridge during a flow run: it raises its own
        try:
            ahead(signum, frame)
        except BaseException as exc:
            _state.raised = exc
            raise
    raise _state.raised


@contextmanager
def in_front() -> Iterator[None]:
    """Put this module's handler back in front of whatever another library installed since
    `install` (Prefect's flow engine turns SIGTERM into its TerminationSignal), calling that
    one in turn, so that the signal is known here too: DuckDB replaces what a handler raises
    during a query by an error of its own. Does nothing when `install` was not called."""
    if not _state.installed or threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced = {s: signal.signal(s, _on_signal) for s in RUN_SIGNALS}
    _state.ahead.update({s: h for s, h in replaced.items() if h is not _on_signal})
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)
            _state.ahead.pop(signum, None)


def _watch(read_end: int) -> None:
    """The watcher thread: each byte is a signal number written by the signal itself."""
    while True:
        try:
            data = os.read(read_end, 64)
        except OSError:
            return
        if not data:
            return
        for signum in data:
            if signum == _STOP:
                return
            _seen(signum)


def _seen(signum: int) -> None:
    """A signal read by the watcher: the first starts the end, a second Ctrl-C ends at once
    (a second SIGTERM may be Prefect's own, passing the first on: the deadline stands)."""
    with _state.lock:
        _state.signals += 1
        count = _state.signals
        if _state.first is None:
            _state.first = signum
    if _state.ending:
        hard_exit()
    if count == 1:
        with _state.actions:
            for action in _state.on_interrupt:
                with suppress(Exception):
                    action()
        deadline = threading.Timer(GRACE_S, hard_exit)
        deadline.daemon = True
        deadline.start()
    elif signum == signal.SIGINT:
        hard_exit()


def hard_exit(flush_logs_s: float = 0.0) -> NoReturn:
    """End the process now, losing nothing: kill the workers, run the hard-exit actions
    (half-written files, the claim), say the line, tell the other child processes to stop
    (Prefect's temporary server: its exit handler will not run), exit 128 + the first
    signal. Nothing after the line reaches stderr (unless `install(quiet=False)`).

    flush_logs_s: first give the logging handlers (Prefect's, to its API) that long to
    send what they hold. The command line ends an interrupted run this way too, once it has
    tidied up: the interpreter's own exit would take seconds more."""
    with _state.lock:
        ending = _state.exiting
        _state.exiting = True
    while ending:  # another thread is ending the process
        time.sleep(1)
    end_workers()
    for action in reversed(list(_state.on_hard_exit)):
        with suppress(Exception):
            action()
    with suppress(Exception):
        say(_state.farewell())
    if _state.quiet:
        _silence(sys.stderr)
    if flush_logs_s > 0:
        flushing = threading.Thread(target=logging.shutdown, name="flush-logs", daemon=True)
        flushing.start()
        flushing.join(flush_logs_s)
    # ending, the interpreter is exiting in the main thread: be quicker than it
    _end_children(0.0 if _state.ending else 1.0)
    with suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(exit_code(_state.first or signal.SIGINT))


def _silence(stream: TextIO) -> None:
    """Point a standard stream's descriptor at /dev/null (its buffer goes there too)."""
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _end_children(timeout_s: float) -> None:
    """Tell every child process to stop (SIGTERM), wait for them a little, kill the rest:
    as Prefect stops its temporary server at exit (it waits 5 s before the kill). Not
    waiting (0), the ones still there are not killed: they stop by themselves."""
    pids = set(_children())
    for pid in pids:
        with suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while pids and time.monotonic() < deadline:
        for pid in list(pids):
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    pids.discard(pid)
            except ChildProcessError:  # reaped already
                pids.discard(pid)
        time.sleep(0.02)
    for pid in pids if timeout_s > 0 else ():
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _children() -> list[int]:
    """The process ids of this process's children (Linux: /proc/self/task/*/children)."""
    pids: list[int] = []
    for task in Path("/proc/self/task").glob("*"):
        with suppress(OSError):
            pids += [int(p) for p in (task / "children").read_text().split()]
    return pids


# --- installing ------------------------------------------------------------------------------


class Watch:
    """The handlers and the watcher of one `install`; `close` puts back what was there."""

    def __init__(self, farewell: Callable[[], str], quiet: bool = True) -> None:
        global _state
        self._active = threading.current_thread() is threading.main_thread()
        if not self._active:  # signals reach the main thread only: nothing to watch here
            return
        _state = _State(installed=True, farewell=farewell, quiet=quiet)
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._wakeup = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        self._handlers = {s: signal.signal(s, _on_signal) for s in RUN_SIGNALS}
        self._thread = threading.Thread(
            target=_watch, args=(self._read,), name="duaal-signals", daemon=True
        )
        self._thread.start()

    def ending(self) -> None:
        """The command is done and the process exits: a signal from now on ends it at once
        (Prefect stops its temporary server at exit, and the interpreter takes seconds to
        exit after Great Expectations), the children told to stop."""
        _state.ending = True

    @property
    def interrupted(self) -> bool:
        """A signal came."""
        return _state.first is not None

    def close(self) -> None:
        """Put back the handlers and the wakeup descriptor; stop the watcher."""
        global _state
        if not self._active:
            return
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._wakeup)
        with suppress(OSError):
            os.write(self._write, bytes([_STOP]))
        self._thread.join(5)
        os.close(self._read)
        os.close(self._write)
        _state = _State()


def install(farewell: Callable[[], str], *, quiet: bool = True) -> Watch:
    """From the main thread (elsewhere it does nothing): SIGINT and SIGTERM interrupt the run; `farewell()` is the one
    line a hard exit says (unless it was said already); quiet: nothing on stderr after it
    (False: --debug, Prefect's lines and tracebacks too)."""
    return Watch(farewell, quiet)
