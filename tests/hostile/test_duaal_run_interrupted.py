"""`duaal run` itself, with Prefect and its temporary server (issue 19): a Ctrl-C in the
report stage, then a run whose stdout is a pipe closed after the first line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from duaal.common.digests import DIGESTS
from tests.hostile.processes import END_S, Group, interrupted_line, query
from tests.hostile.sample import AS_OF, CleanRun

pytestmark = pytest.mark.prefect

DUAAL = Path(sys.executable).with_name("duaal")
RUN_TIMEOUT_S = 300  # a whole run, Prefect's first start on a new home included


def run_args(raw: Path, db: Path, reports: Path) -> list[str]:
    return [str(DUAAL), "run", "--raw", str(raw), "--db", str(db), "--reports", str(reports)] + [
        "--as-of",
        AS_OF.isoformat(),
    ]


def test_ctrl_c_in_the_report_stage_then_a_run_into_a_closed_pipe(
    clean_run: CleanRun, tmp_path: Path
):
    db, reports = tmp_path / "duaal.duckdb", tmp_path / "reports"
    run = Group(run_args(clean_run.raw, db, reports))
    try:
        run.wait_for("duaal: reports: ")
        ended = run.ended(run.signal(signal.SIGINT))
    finally:
        run.kill()
    assert (ended.code, ended.stderr) == (130, [interrupted_line("reports")]), ended.stdout
    assert ended.seconds < END_S, f"ended {ended.seconds:.1f} s after the Ctrl-C"
    assert not run.group_left(), "no worker, and Prefect's temporary server, is left"
    assert not list(reports.rglob("*.tmp")), "no half-written workbook"
    runs = subprocess.run(
        [str(DUAAL), "runs", "--db", str(db)], capture_output=True, text=True, check=True
    )
    header, row = runs.stdout.splitlines()
    assert row.split()[1] == "interrupted"
    assert row.endswith("interrupted in stage reports (SIGINT)")

    # the next run: `duaal run | head -1`
    piped = subprocess.Popen(
        run_args(clean_run.raw, db, reports), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = piped.stdout.readline()
    piped.stdout.close()  # what `head -1` does after its line
    try:
        errors = piped.stderr.read().decode()
        code = piped.wait(RUN_TIMEOUT_S)
    finally:
        piped.kill()
        piped.wait()
    assert first.startswith(b"duaal: ")
    assert (code, errors) == (4 if clean_run.summary.warnings else 0, ""), "the run's own code"
    (status, *digests), *_ = query(
        db,
        f"SELECT status, {', '.join(f'digest_{kind}' for kind in DIGESTS)} FROM runs "
        "ORDER BY started_at DESC",
    )
    assert status == "completed"
    assert dict(zip(DIGESTS, digests, strict=True)) == (clean_run.summary.digests), (
        "the same digests as a run never interrupted"
    )
    manifest = json.loads((reports / "inhoud.json").read_text("utf-8"))
    assert manifest["werkmappen"] and all(
        (reports / w["werkmap"]).is_file() for w in manifest["werkmappen"]
    ), "the reports are written"
