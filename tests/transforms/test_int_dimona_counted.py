"""int_dimona_counted: every Dimona period, with whether it counts as training (RULES.md,
"counted Dimona": not cancelled, of a counted worker type: ALT, OTH, RTA; not STU) and why
not, an empty end date open-ended."""

from __future__ import annotations

from datetime import date

from tests.builders import add_dimona, rules_db
from tests.transforms.cte import build_model, model_rows

MODEL = "int_dimona_counted"


def test_only_active_periods_of_a_counted_type_count_the_others_say_why() -> None:
    con = rules_db()
    for worker_type in ("ALT", "OTH", "RTA", "STU", "XXX"):
        add_dimona(con, dimona_id=f"D-{worker_type}", worker_type=worker_type)
    add_dimona(con, dimona_id="D-CANCELLED", worker_type="ALT", status="Geannuleerd")
    # cancelled comes first: a cancelled student job is told as cancelled
    add_dimona(con, dimona_id="D-CANCELLED-STU", worker_type="STU", status="Geannuleerd")
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert model_rows(
        con, MODEL, "dimona_id, worker_type, status, counted, not_counted_because"
    ) == [
        ("D-ALT", "ALT", "Actief", True, None),
        ("D-CANCELLED", "ALT", "Geannuleerd", False, "cancelled"),
        ("D-CANCELLED-STU", "STU", "Geannuleerd", False, "cancelled"),
        ("D-OTH", "OTH", "Actief", True, None),
        ("D-RTA", "RTA", "Actief", True, None),
        ("D-STU", "STU", "Actief", False, "worker_type"),
        ("D-XXX", "XXX", "Actief", False, "worker_type"),
    ]


def test_an_empty_end_date_is_open_ended() -> None:
    con = rules_db()
    add_dimona(con, dimona_id="D-1", end_date=date(2025, 6, 30))
    add_dimona(con, dimona_id="D-2", end_date=None)
    build_model(con, MODEL, as_of=date(2025, 9, 1))
    assert model_rows(con, MODEL, "dimona_id, end_date, open_end_date") == [
        ("D-1", date(2025, 6, 30), date(2025, 6, 30)),
        ("D-2", None, date(9999, 12, 31)),
    ]
