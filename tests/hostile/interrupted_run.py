"""A run to interrupt, for tests/hostile/test_interrupts.py:
`python -m tests.hostile.interrupted_run RAW DB REPORTS STAGE [HOW]`.

It runs `duaal.run.pipeline.execute` (no Prefect) under `duaal.common.interrupts` as `duaal run` does,
and ends an interrupted run as `duaal run` does: the one line, then `hard_exit`. To be
interrupted inside STAGE, it stops there for good after printing `IN <stage>`, where a
real run takes its time: inside the stage's transaction (ingest: in the middle of the
second file; checks; record), inside a long DuckDB query (rules), in the validation, and in
the workers that write the workbooks, their temporary files open (reports). `open` needs
nothing: the test holds the database, so the run waits for it.

HOW: `second` makes the first signal's end of the report stage stop for good before the
workers are killed (the test sends a second Ctrl-C); `deadline` does the same with a
deadline of 2 s instead of GRACE_S (the test sends one signal and waits).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from cli.main import interrupted_line
from duaal.common import interrupts
from duaal.common.settings import load_settings
from duaal.outputs.workbooks import book, writer
from duaal.run import pipeline
from transforms import loading

FOREVER_S = 600  # far longer than the test waits: only the signal ends it
AS_OF = date(2026, 11, 28)


def stop_here(stage: str) -> None:
    """Say where, then wait for the signal."""
    print(f"IN {stage}", flush=True)
    time.sleep(FOREVER_S)


def after(module: object, name: str, stage: str, when=lambda *a, **k: True) -> None:  # noqa: ANN001
    """Make module.name stop for good after doing its work (when `when` says so)."""
    original = getattr(module, name)

    def then_stop(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            stop_here(stage)
        return result

    setattr(module, name, then_stop)


def prepare(stage: str, how: str) -> None:
    """Make the run stop for good inside `stage`."""
    if stage == "ingest":
        loaded: list[str] = []
        after(loading, "_insert_rows", stage, lambda *a: loaded.append(a[3]) or len(loaded) == 2)
    elif stage == "checks":
        after(pipeline, "run_input_checks", stage)
    elif stage == "rules":
        build_models = pipeline.build_models

        def build_then_query(con, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            result = build_models(con, *args, **kwargs)
            if kwargs.get("built_already") is not None:  # the rules stage, not the checks
                print("IN rules", flush=True)
                # a query of hours, in the stage's transaction: DuckDB must be told to stop
                con.execute("SELECT count(*) FROM range(1000000000000)").fetchall()
            return result

        pipeline.build_models = build_then_query
    elif stage == "validate":
        import expectations.validate

        after(expectations.validate, "store_results", stage)
    elif stage == "record":
        after(pipeline, "row_counts", stage)
    elif stage == "reports":
        book.Book.close = lambda self: stop_here(stage)  # in the workers, files open
        if how in ("second", "deadline"):
            writer.end_workers = lambda: stop_here("cleanup")
            if how == "deadline":
                interrupts.GRACE_S = 2.0


def main(raw: Path, db: Path, reports: Path, stage: str, how: str = "") -> None:
    """Run once; an interrupted run ends the process as `duaal run` ends it."""
    prepare(stage, how)
    interrupts.install(lambda: interrupted_line("run"))
    settings = load_settings(raw=raw, db=db, reports=reports, as_of=AS_OF)
    try:
        summary = pipeline.execute(settings, progress=lambda m: print(f"duaal: {m}", flush=True))
    except BaseException as exc:
        if interrupts.signal_of(exc) is None:
            raise
        interrupts.say(interrupted_line("run"))
        interrupts.hard_exit()
    print("COMPLETED " + json.dumps({"run_id": summary.run_id, "digests": summary.digests}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), *sys.argv[4:])
