"""The command line: `duaal run | demo | generate | export | diff | explain | audit | verify |
runs | purge | serve | deploy`, one module a command (cli/commands/), the shared flags in
cli/options.py, the exit codes in cli/exits.py.

Heavy libraries (Prefect, Great Expectations, pandas) are imported inside the commands
that use them, so `duaal --help` answers at once.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from cli.commands import COMMANDS as COMMAND_MODULES
from cli.exits import (
    EXIT_BUSY,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    EXIT_WARNINGS,
)

__all__ = [
    "COMMANDS",
    "EXIT_BUSY",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "EXIT_WARNINGS",
    "build_parser",
    "interrupted_line",
    "main",
]

FLOW_COMMANDS = frozenset({"run", "demo"})  # the commands that run a Prefect flow
# each command's function: name -> run(args) -> exit code
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    module.NAME: module.run for module in COMMAND_MODULES
}


class _VersionAction(argparse.Action):
    """`--version`: the version as runs record it, computed only when asked for (it runs git)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from duaal.common.version import code_version

        print(f"duaal {code_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command. Values stay text here: `duaal.common.settings` reads
    them, so a flag, the environment and the settings file are checked alike."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="show the traceback of a failure on the terminal"
    )
    parser = argparse.ArgumentParser(
        prog="duaal",
        description="Premium decisions, compliance findings and reports for duaal leren "
        "(premie kwalificerend werkplekleren).",
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the version (and, in a git checkout, the commit) and exit",
    )
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="one of these (duaal COMMAND --help shows its flags)",
    )

    for module in COMMAND_MODULES:
        module.add_arguments(sub.add_parser(module.NAME, help=module.HELP, parents=[common]))
    return parser


def _failure(command: str, exc: BaseException) -> str:
    """One message for a failure: what failed, where, and what to do."""
    from duaal.run.check_results import InputCheckFailed

    if isinstance(exc, InputCheckFailed):
        lines = [f"duaal {command} failed: the inputs cannot be used, no reports were written"]
        lines += [f"  {c.line()}" for c in exc.checks if c.severity != "info"]
        lines.append("fix the inputs named above and run again")
        return "\n".join(lines)
    if isinstance(exc, FileNotFoundError | LookupError | ValueError):
        return f"duaal {command}: {exc}"
    from duaal.run.pipeline import STAGE_NOTE

    stages = [
        n.removeprefix(STAGE_NOTE)
        for n in getattr(exc, "__notes__", ())
        if n.startswith(STAGE_NOTE)
    ]
    where = f" in stage {stages[0]}" if stages else ""
    packages = ("duaal", "transforms", "expectations", "flows")
    tb = exc.__traceback__
    while tb is not None:  # the innermost frame of duaal's own code says where
        parts = Path(tb.tb_frame.f_code.co_filename).parts
        if top := [i for i, part in enumerate(parts[:-1]) if part in packages]:
            # from its package down: duaal/run/pipeline.py, transforms/reading.py
            where = f"{where.split(' (')[0]} ({'/'.join(parts[top[-1] :])}:{tb.tb_lineno})"
        tb = tb.tb_next
    recorded = (
        "the run is recorded as failed (duaal runs); "
        if stages and stages[0] not in ("open", "ingest")
        else ""
    )
    log = (
        "the traceback is in the flow run's log in Prefect, and "
        if command in FLOW_COMMANDS
        else ""
    )
    return (
        f"duaal {command} failed{where}: {type(exc).__name__}: {exc}\n"
        f"{recorded}{log}--debug shows the traceback here"
    )


def interrupted_line(command: str) -> str:
    """The one line an interrupted run says: where it was, and what became of it."""
    from duaal.common import interrupts

    stage, completed = interrupts.where()
    if completed:
        return (
            f"duaal {command}: interrupted after run {completed} completed; its outputs are written"
        )
    if stage == "generate":
        return (
            f"duaal {command}: interrupted while generating the sample exports; empty the "
            "raw folder and run again"
        )
    if stage in (None, "start-up"):
        return (
            f"duaal {command}: interrupted in Prefect's start-up, before the run began; "
            "nothing written; run again"
        )
    return f"duaal {command}: interrupted in stage {stage}; nothing half-written; run again"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `duaal` command. argv None: this process's own command line (the
    script); a run then watches for Ctrl-C and SIGTERM until the process has exited."""
    args = build_parser().parse_args(argv)
    debug = args.debug or bool(os.environ.get("DUAAL_DEBUG"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary API server's first start on a new Prefect home builds its database: on
    # a busy two-core machine that takes longer than Prefect's 20 s, and the run would fail
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # the flow run's log keeps every line (and a failure's traceback); the terminal shows
    # duaal's own lines and, with --debug, Prefect's too
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    if not debug:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    from duaal.common import interrupts
    from duaal.common.db import DatabaseBusy
    from duaal.common.settings import UsageError

    # Ctrl-C or SIGTERM during a run: one line, exit 130 or 143 (duaal/common/interrupts.py)
    watch = None
    if args.command in FLOW_COMMANDS:
        watch = interrupts.install(lambda: interrupted_line(args.command), quiet=not debug)
    try:
        return COMMANDS[args.command](args)
    except BaseException as exc:
        signum = interrupts.signal_of(exc) if watch is not None else None
        if signum is not None:
            if debug:
                traceback.print_exc()
            interrupts.say(interrupted_line(args.command))
            # the run has tidied up (or had nothing yet): end now, not after the seconds the
            # interpreter takes to exit; Prefect's server is told to stop as at its own exit
            interrupts.hard_exit(flush_logs_s=2.0)
        if isinstance(exc, UsageError | DatabaseBusy):
            print(f"duaal {args.command}: {exc}", file=sys.stderr)
            return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_BUSY
        if not isinstance(exc, Exception):
            raise
        # a failed run: the message, not a traceback
        if debug:
            traceback.print_exc()
        print(_failure(args.command, exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        if argv is None:
            # the process exits: its exit handlers still run (Prefect stops its server,
            # logging flushes), but the interpreter's last garbage collections no longer
            # walk every object of Great Expectations, Prefect and pandas (1-1.6 s of exit)
            gc.freeze()
        if watch is not None and argv is None:
            watch.ending()  # the process exits: a signal now ends it at once
        elif watch is not None:
            watch.close()  # called in-process (tests): put back what was there


if __name__ == "__main__":
    sys.exit(main())
