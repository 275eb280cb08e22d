"""A day later is not a change: the countdown a finding's detail ends with ('over 14 dagen',
'gestart 78 dagen geleden', '122 dagen verstreken') moves with as_of alone, and the changes
between two runs (the Wijzigingen sheets, `duaal diff`) leave it out; a finding whose
deadline itself moved still changed."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from duaal.common.db import connect
from duaal.common.settings import load_settings
from duaal.history.changes import compute_changes
from duaal.run.pipeline import execute
from tests.fixtures.exports.writers import (
    AGREEMENT_HEADERS,
    DIMONA_HEADERS,
    PREMIUM_HEADERS,
    RECOGNITION_HEADERS,
    agreement_row,
    dimona_row,
    premium_row,
    recognition_row,
    write_csv,
)
from transforms.identifiers import make_insz
from transforms.models import COUNTDOWN, MACROS

DAY, NEXT_DAY = date(2025, 10, 1), date(2025, 10, 2)
LEARNER_3 = make_insz("070910", 61, born_2000_or_later=True)
LEARNER_4 = make_insz("080311", 27, born_2000_or_later=True)
COUNTING = ("REGISTRATION_DUE", "REGISTRATION_MISSING", "DIMONA_MISSING", "MENTOR_TRAINING_OVERDUE")


def _unregistered(agreement_id: str, learner: str, start: date) -> list:
    return agreement_row(
        agreement_id=agreement_id,
        learner_insz=learner,
        start_date=start,
        end_date=date(2026, 6, 30),
        registration_date="",
    )


def _exports(raw, ovk3_start: date) -> None:
    for folder in ("overeenkomsten", "dimona", "erkenningen", "premies"):
        (raw / folder).mkdir(parents=True, exist_ok=True)
    write_csv(
        raw / "overeenkomsten" / "a_export.csv",
        [
            AGREEMENT_HEADERS,
            agreement_row(agreement_id="OVK-1"),
            # not registered, deadline 15/10/2025 (due), no Dimona (missing)
            _unregistered("OVK-3", LEARNER_3, ovk3_start),
            # not registered, deadline 01/06/2025 passed (missing)
            _unregistered("OVK-4", LEARNER_4, date(2025, 3, 1)),
        ],
    )
    write_csv(
        raw / "dimona" / "a_export.csv",
        [
            DIMONA_HEADERS,
            dimona_row(dimona_id="D-1", worker_type="ALT", start_date=date(2024, 9, 1)),
        ],
    )
    # the mentor was recognised on 01/05/2023 and never trained: overdue since 01/05/2024
    write_csv(raw / "erkenningen" / "a_export.csv", [RECOGNITION_HEADERS, recognition_row()])
    write_csv(
        raw / "premies" / "a_export.csv",
        [PREMIUM_HEADERS, premium_row(school_year="2022-2023", kind="stagebonus")],
    )


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """The same exports judged on 1 and 2 October 2025, then on 2 October again after OVK-3's
    start moved a week later (its registration deadline with it)."""
    base = tmp_path_factory.mktemp("countdown")
    raw = base / "raw"
    _exports(raw, date(2025, 7, 15))
    settings = load_settings(raw=raw, db=base / "duaal.duckdb", reports=base / "r", as_of=DAY)
    first = execute(settings, with_reports=False)
    second = execute(settings.with_overrides(as_of=NEXT_DAY), with_reports=False)
    write_csv(
        raw / "overeenkomsten" / "b_correctie.csv",
        [AGREEMENT_HEADERS, _unregistered("OVK-3", LEARNER_3, date(2025, 7, 22))],
    )
    third = execute(settings.with_overrides(as_of=NEXT_DAY), with_reports=False)
    return settings, first, second, third


def _details(settings, run) -> dict[str, list[str]]:
    con = connect(settings.db, read_only=True)
    try:
        rows = con.execute(
            "SELECT code, detail FROM run_findings WHERE run_id = ? ORDER BY code, detail",
            [run.run_id],
        ).fetchall()
    finally:
        con.close()
    found: dict[str, list[str]] = {}
    for code, detail in rows:
        found.setdefault(code, []).append(detail)
    return found


def _finding_changes(settings, before, after) -> list[tuple]:
    con = connect(settings.db, read_only=True)
    try:
        rows = compute_changes(con, before.run_id, after.run_id).rows
    finally:
        con.close()
    return [(r[1], r[7], r[4], r[9], r[10]) for r in rows if r[0] == "finding"]


def test_every_countdown_moves_by_a_day(three_runs):
    settings, first, second, _third = three_runs
    day, next_day = _details(settings, first), _details(settings, second)
    assert set(COUNTING) <= set(day)
    assert day["REGISTRATION_DUE"] == ["nog niet geregistreerd; deadline 15/10/2025, over 14 dagen"]
    assert day["REGISTRATION_MISSING"] == [
        "niet geregistreerd; deadline 01/06/2025 is 122 dagen verstreken"
    ]
    assert next_day["REGISTRATION_MISSING"] == [
        "niet geregistreerd; deadline 01/06/2025 is 123 dagen verstreken"
    ]
    assert next_day["REGISTRATION_DUE"] == [
        "nog niet geregistreerd; deadline 15/10/2025, over 13 dagen"
    ]
    assert day != next_day


def test_a_day_later_no_finding_changed(three_runs):
    settings, first, second, _third = three_runs
    assert _finding_changes(settings, first, second) == []


def test_a_deadline_that_moved_is_still_a_change(three_runs):
    settings, _first, second, third = three_runs
    dimona = "geen Dimona-aangifte (ALT, OTH of RTA) voor de overeenkomst van {} tot 30/06/2026"
    assert _finding_changes(settings, second, third) == [
        (
            "changed",
            "DIMONA_MISSING",
            LEARNER_3,
            dimona.format("15/07/2025") + "; gestart 79 dagen geleden",
            dimona.format("22/07/2025") + "; gestart 72 dagen geleden",
        ),
        (
            "changed",
            "REGISTRATION_DUE",
            LEARNER_3,
            "nog niet geregistreerd; deadline 15/10/2025, over 13 dagen",
            "nog niet geregistreerd; deadline 22/10/2025, over 20 dagen",
        ),
    ]


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("in_days_nl(0)", "vandaag"),
        ("in_days_nl(1)", "over 1 dag"),
        ("in_days_nl(30)", "over 30 dagen"),
        ("days_ago_nl(0)", "vandaag"),
        ("days_ago_nl(1)", "1 dag geleden"),
        ("days_ago_nl(12)", "12 dagen geleden"),
        ("days_past_nl(1)", "1 dag verstreken"),
        ("days_past_nl(1025)", "1025 dagen verstreken"),
    ],
)
def test_the_countdown_pattern_finds_what_the_macros_write(expression, text):
    con = duckdb.connect()
    for macro in MACROS:
        con.execute(macro)
    detail = con.execute(f"SELECT 'deadline 01/06/2025 is ' || {expression}").fetchone()[0]
    assert detail == f"deadline 01/06/2025 is {text}"
    stripped = con.execute("SELECT regexp_replace(?, ?, '')", [detail, COUNTDOWN]).fetchone()[0]
    assert stripped == "deadline 01/06/2025 is "


def test_days_that_do_not_count_to_as_of_are_kept():
    late = "geregistreerd 5 dagen na de deadline van 01/06/2025"
    con = duckdb.connect()
    assert con.execute("SELECT regexp_replace(?, ?, '')", [late, COUNTDOWN]).fetchone()[0] == late
