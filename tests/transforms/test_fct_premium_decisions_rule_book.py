"""fct_premium_decisions against RULES.md ("Vocabulary", "Date
arithmetic", "Premium decision", "Geography"): golden tests of the subtle points that
test_fct_premium_decisions.py leaves open, and the SQL against a plain Python reading of
the rule book on drawn inputs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import (
    COMPANY,
    IBAN,
    LEARNER,
    MENTOR,
    OTHER_COMPANY,
    OTHER_MENTOR,
    RULES_FILE,
    add_agreement,
    add_dimona,
    add_premium_paid,
    add_recognition,
    rule_config,
    rules_db,
)
from transforms.models import build_models
from transforms.rule_config import RuleConfig, parse_rule_config

AFTER_2024_2025 = date(2025, 9, 1)  # decides 2023-2024 .. 2025-2026, 2024-2025 is final
DAY = timedelta(days=1)


def decisions(
    con: duckdb.DuckDBPyConnection, as_of: date = AFTER_2024_2025, config: RuleConfig | None = None
) -> list[tuple]:
    """(year, eligible, amount, months to 2 decimals, premiums before, reasons, status,
    province, basis agreement ids) of every decision, in year order."""
    build_models(con, config or rule_config(), as_of, targets=("fct_premium_decisions",))
    return con.execute(
        "select school_year, eligible, amount_eur, round(months_covered, 2), premiums_before, "
        "reasons, status, province, agreement_ids from fct_premium_decisions "
        "order by school_year, company_kbo, learner_insz"
    ).fetchall()


def trained_mentor_db() -> duckdb.DuckDBPyConnection:
    """An empty database with a recognised, trained MENTOR."""
    con = rules_db()
    add_recognition(con)
    return con


# --- premiums before ---------------------------------------------------------------------


def test_paid_year_counts_even_when_the_pipeline_refused_it() -> None:
    con = trained_mentor_db()
    add_agreement(
        con,
        start_date=date(2023, 9, 1),
        end_date=date(2025, 6, 30),
        registration_date=date(2023, 9, 2),
    )
    add_dimona(con, start_date=date(2024, 9, 1))
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    assert decisions(con) == [
        ("2023-2024", False, 0, 0.0, 0, "NO_DIMONA", "final", "Antwerpen", "OVK-1"),
        ("2024-2025", True, 1000, 10.0, 1, "", "final", "Antwerpen", "OVK-1"),
    ], "the paid 2023-2024 premium counts before 2024-2025 although this pipeline refused it"


def test_paid_year_without_an_active_agreement_counts_towards_the_cap() -> None:
    con = trained_mentor_db()
    add_agreement(
        con,
        start_date=date(2024, 9, 1),
        end_date=date(2026, 6, 30),
        registration_date=date(2024, 9, 2),
    )
    add_dimona(con, end_date=None)
    add_premium_paid(con, school_year="2021-2022", kind="stagebonus")
    add_premium_paid(con, school_year="2023-2024", kind="premie", amount_eur=1000)
    assert decisions(con, as_of=date(2026, 9, 1)) == [
        ("2024-2025", True, 1000, 12.0, 2, "", "final", "Antwerpen", "OVK-1"),
        ("2025-2026", False, 0, 10.0, 3, "CAP_REACHED", "final", "Antwerpen", "OVK-1"),
    ], "a stagebonus before 2023 and a premie of a year without decision both count"


def test_premie_and_stagebonus_of_one_year_count_once() -> None:
    con = trained_mentor_db()
    add_agreement(con)
    add_dimona(con)
    add_premium_paid(con, school_year="2022-2023", kind="stagebonus")
    add_premium_paid(con, school_year="2022-2023", kind="premie", amount_eur=1000)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 1, "", "final", "Antwerpen", "OVK-1")]


# --- amount, basis, province -------------------------------------------------------------


def test_allowance_of_a_non_qualifying_agreement_does_not_make_the_learner_paid() -> None:
    con = trained_mentor_db()
    add_agreement(
        con, agreement_id="A1", agreement_type="SAO", hours_per_week=10, learning_allowance=False
    )
    add_agreement(con, agreement_id="A2", premium_consent=False)
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 600, 10.0, 0, "", "final", "Antwerpen", "A1")]


def test_province_of_the_latest_basis_agreement_not_of_the_latest_active_one() -> None:
    con = trained_mentor_db()
    add_agreement(con, agreement_id="A1", establishment_postcode=3500)
    add_agreement(
        con,
        agreement_id="A2",
        start_date=date(2024, 10, 1),
        premium_consent=False,
        establishment_postcode=9000,
    )
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Limburg", "A1")]


def test_dimona_overlapping_only_an_agreement_outside_the_basis_is_no_dimona() -> None:
    con = trained_mentor_db()
    add_agreement(con, agreement_id="A1", end_date=date(2024, 11, 30))
    add_agreement(
        con,
        agreement_id="A2",
        start_date=date(2024, 12, 1),
        registration_date=date(2025, 4, 1),
        establishment_postcode=9000,
    )
    add_dimona(con, start_date=date(2024, 12, 1))
    assert decisions(con) == [
        ("2024-2025", False, 0, 0.0, 0, "NO_DIMONA", "final", "Antwerpen", "A1")
    ]


def test_days_between_basis_agreements_do_not_count() -> None:
    con = trained_mentor_db()
    add_agreement(con, agreement_id="A1", end_date=date(2024, 12, 31))
    add_agreement(
        con, agreement_id="A2", start_date=date(2025, 1, 2), registration_date=date(2025, 1, 2)
    )
    add_dimona(con)
    # 1 Sep - 31 Dec = 4, 2 Jan - 30 Jun = 5 + 29/30: the Dimona day 1 January falls outside both
    assert decisions(con) == [("2024-2025", True, 1000, 9.97, 0, "", "final", "Antwerpen", "A1;A2")]
    months = con.execute("select months_covered from fct_premium_decisions").fetchone()[0]
    assert months == 4 + 5 + 29 / 30


def test_oth_and_rta_periods_count() -> None:
    con = trained_mentor_db()
    add_agreement(con)
    add_dimona(con, worker_type="OTH", end_date=date(2024, 10, 31))
    add_dimona(con, worker_type="RTA", start_date=date(2024, 11, 1), end_date=date(2024, 12, 31))
    assert decisions(con) == [("2024-2025", True, 1000, 4.0, 0, "", "final", "Antwerpen", "OVK-1")]


# --- reasons -----------------------------------------------------------------------------


def test_one_agreement_unregistered_and_one_late_is_late_only() -> None:
    con = trained_mentor_db()
    add_agreement(con, agreement_id="A1", registration_date=None)
    add_agreement(con, agreement_id="A2", registration_date=date(2024, 12, 2))
    add_dimona(con)
    assert decisions(con) == [
        ("2024-2025", False, 0, 10.0, 0, "REGISTRATION_LATE", "final", "Antwerpen", "A1;A2")
    ], "REGISTRATION_MISSING needs that none of the agreements has a registration date"


def test_mentor_trained_through_a_recognition_at_another_company() -> None:
    con = rules_db()
    add_agreement(con)
    add_recognition(con, recognition_id="E1", mentor_training_date=date(2025, 10, 1))
    add_recognition(
        con, recognition_id="E2", company_kbo=OTHER_COMPANY, mentor_training_date=date(2025, 3, 1)
    )
    add_dimona(con)
    assert decisions(con) == [("2024-2025", True, 1000, 10.0, 0, "", "final", "Antwerpen", "OVK-1")]


# --- school years, status, planned periods -----------------------------------------------


def test_open_ended_dimona_stops_at_the_termination_of_the_agreement() -> None:
    con = trained_mentor_db()
    add_agreement(con, end_date=date(2026, 6, 30), termination_date=date(2025, 1, 31))
    add_dimona(con, end_date=None)
    assert decisions(con, as_of=date(2024, 10, 1)) == [
        ("2024-2025", True, 1000, 5.0, 0, "", "provisional", "Antwerpen", "OVK-1")
    ]


def test_decisions_stop_at_the_school_year_of_as_of() -> None:
    con = trained_mentor_db()
    add_agreement(con, end_date=date(2026, 6, 30))
    add_dimona(con, end_date=None)
    assert decisions(con, as_of=date(2025, 8, 31)) == [
        ("2024-2025", True, 1000, 12.0, 0, "", "final", "Antwerpen", "OVK-1")
    ]


def test_no_decision_before_the_first_premium_year_starts() -> None:
    con = trained_mentor_db()
    add_agreement(
        con,
        start_date=date(2023, 3, 1),
        end_date=date(2024, 6, 30),
        registration_date=date(2023, 3, 2),
    )
    add_dimona(con, start_date=date(2023, 3, 1))
    assert decisions(con, as_of=date(2023, 8, 31)) == []
    assert decisions(con, as_of=date(2023, 9, 1)) == [
        ("2023-2024", True, 1000, 10.0, 0, "", "provisional", "Antwerpen", "OVK-1")
    ]


def test_amounts_are_read_per_school_year() -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        'school_year = "2024-2025"\npaid_eur = 1000\nunpaid_eur = 600',
        'school_year = "2024-2025"\npaid_eur = 1100\nunpaid_eur = 650',
    )
    assert "paid_eur = 1100" in text, "the test configuration changes the 2024-2025 amounts"
    con = trained_mentor_db()
    add_agreement(
        con,
        start_date=date(2024, 2, 1),
        end_date=date(2025, 1, 31),
        registration_date=date(2024, 2, 10),
    )
    add_dimona(con, start_date=date(2024, 2, 1), end_date=date(2025, 1, 31))
    assert decisions(con, config=parse_rule_config(text)) == [
        ("2023-2024", True, 1000, 7.0, 0, "", "final", "Antwerpen", "OVK-1"),
        ("2024-2025", True, 1100, 5.0, 1, "", "final", "Antwerpen", "OVK-1"),
    ]


def test_the_last_ingested_version_of_each_row_is_decided() -> None:
    con = trained_mentor_db()
    add_agreement(con, registration_date=None)
    add_agreement(con, batch_id=2, registration_date=date(2024, 10, 1))
    add_dimona(con, dimona_id="D1")
    add_dimona(con, dimona_id="D1", batch_id=2, status="Geannuleerd")
    add_dimona(con, dimona_id="D2", end_date=date(2024, 12, 31))
    add_recognition(con, batch_id=2, mentor_training_date=None)
    assert decisions(con) == [
        ("2024-2025", False, 0, 4.0, 0, "MENTOR_NOT_TRAINED", "final", "Antwerpen", "OVK-1")
    ]


# --- the rule book in plain Python, against the SQL ----------------------------------------


def add_months(d: date, k: int) -> date:
    """Same day k months later, clamped to the last day of the target month."""
    year, month0 = divmod(d.month - 1 + k, 12)
    year += d.year
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def months(start: date, end: date) -> Fraction:
    """months(s, e) of one closed interval, exactly."""
    m = 0
    while add_months(start, m + 1) - DAY <= end:
        m += 1
    remaining = (end - add_months(start, m)).days + 1
    return m + Fraction(remaining, (add_months(start, m + 1) - add_months(start, m)).days)


def merged(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Intervals merged when they overlap or touch."""
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + DAY:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


PROVINCES = {2800: "Antwerpen", 3500: "Limburg", 9000: "Oost-Vlaanderen", 1000: "Brussel"}
PROVINCES |= {4000: "Luik"}
FLEMISH = {2800, 3500, 9000}


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    start: date
    end: date
    termination: date | None
    registration: date | None
    allowance: bool
    consent: bool
    iban: bool
    postcode: int
    mentor: str

    @property
    def effective_end(self) -> date:
        """The earlier of the end and the termination date."""
        return min(self.end, self.termination or self.end)


@dataclass(frozen=True)
class Case:
    agreements: list[Agreement]
    trainings: list[tuple[str, date | None, bool]]  # mentor, training date, exempt
    dimona: list[tuple[date, date | None, str, str]]  # start, end, worker type, status
    paid_years: set[str]
    as_of: date


def mentor_trained(case: Case, mentor: str, year_end: date) -> bool:
    """The mentor, matched by INSZ alone, trained by 31 August of Y or exempt."""
    return any(
        m == mentor and (exempt or (t is not None and t <= year_end))
        for m, t, exempt in case.trainings
    )


def expected_decisions(case: Case) -> list[tuple]:
    """The decisions of RULES.md for one pair, read literally and year by year."""
    out, eligible_years = [], set()
    first, last = 2023, case.as_of.year - (case.as_of.month < 9)
    for y in range(first, last + 1):
        label, start, end = f"{y}-{y + 1}", date(y, 9, 1), date(y + 1, 8, 31)
        active = [a for a in case.agreements if a.start <= end and a.effective_end >= start]
        if not active:
            continue
        on_time = {
            a: a.registration is not None and a.registration <= add_months(a.start, 3)
            for a in active
        }
        conditions = {
            a: (
                on_time[a],
                a.postcode in FLEMISH,
                a.consent and a.iban,
                mentor_trained(case, a.mentor, end),
            )
            for a in active
        }
        qualifying = [a for a in active if all(conditions[a])]
        basis = qualifying or active
        pieces = [
            (max(s, a.start, start), min(e or date(9999, 12, 31), a.effective_end, end))
            for a in basis
            for s, e, kind, status in case.dimona
            if status == "Actief" and kind in ("ALT", "OTH", "RTA")
        ]
        covered = sum(
            (months(s, e) for s, e in merged([p for p in pieces if p[0] <= p[1]])), Fraction(0)
        )
        before = len({p for p in case.paid_years if p < label} | eligible_years)
        eligible = bool(qualifying) and covered >= 4 and before < 3
        if eligible:
            eligible_years.add(label)
        holds = [any(conditions[a][i] for a in active) for i in range(4)]
        flags = [
            not holds[0] and all(a.registration is None for a in active),
            not holds[0] and any(a.registration is not None for a in active),
            not holds[1],
            not holds[2],
            not holds[3],
            all(holds) and not qualifying,
            covered == 0,
            0 < covered < 4,
            before >= 3,
        ]
        codes = [
            "REGISTRATION_MISSING", "REGISTRATION_LATE", "OUTSIDE_FLANDERS", "NO_CONSENT",
            "MENTOR_NOT_TRAINED", "NO_QUALIFYING_AGREEMENT", "NO_DIMONA", "UNDER_4_MONTHS",
            "CAP_REACHED",
        ]  # fmt: skip
        reasons = "" if eligible else ";".join(c for c, f in zip(codes, flags, strict=True) if f)
        paid = any(a.allowance for a in qualifying)
        shown = max(basis, key=lambda a: (a.start, a.agreement_id))
        out.append(
            (
                label,
                eligible,
                (1000 if paid else 600) if eligible else 0,
                covered,
                before,
                reasons,
                "final" if end <= case.as_of else "provisional",
                PROVINCES[shown.postcode],
                ";".join(sorted(a.agreement_id for a in basis)),
            )
        )
    return out


def days_from(first: date, span: int) -> st.SearchStrategy[date]:
    """A day within span days from first."""
    return st.integers(0, span).map(lambda n: first + n * DAY)


@st.composite
def agreements(draw: st.DrawFn, agreement_id: str) -> Agreement:
    """One agreement, mostly meeting the conditions, around school years 2023-2026."""
    start = draw(days_from(date(2022, 6, 1), 1300))
    end = start + draw(st.integers(0, 800)) * DAY
    termination = draw(st.one_of(st.none(), days_from(start, (end - start).days)))
    registration = draw(st.one_of(st.none(), days_from(start - 10 * DAY, 110)))
    return Agreement(
        agreement_id=agreement_id,
        start=start,
        end=end,
        termination=termination,
        registration=registration,
        allowance=draw(st.booleans()),
        consent=draw(st.sampled_from([True, True, True, False])),
        iban=draw(st.sampled_from([True, True, True, False])),
        postcode=draw(st.sampled_from([2800, 2800, 3500, 9000, 1000, 4000])),
        mentor=draw(st.sampled_from([MENTOR, MENTOR, OTHER_MENTOR])),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A pair with 1 to 3 agreements, Dimona periods, mentor trainings and paid years."""
    ids = draw(
        st.lists(
            st.sampled_from(["OVK-9", "OVK-10", "A", "B2"]), min_size=1, max_size=3, unique=True
        )
    )
    chosen = [draw(agreements(i)) for i in ids]
    trainings = draw(
        st.lists(
            st.tuples(
                st.sampled_from([MENTOR, OTHER_MENTOR]),
                st.one_of(st.none(), days_from(date(2022, 1, 1), 1700)),
                st.sampled_from([False, False, False, True]),
            ),
            max_size=2,
        )
    )
    periods = []
    for a in chosen:  # mostly periods along the agreements, some off them
        s = draw(days_from(a.start - 30 * DAY, 90))
        e = draw(st.one_of(st.none(), days_from(s, 500)))
        periods.append((s, e, draw(st.sampled_from(["ALT", "ALT", "OTH", "RTA", "STU"])), "Actief"))
    periods += draw(
        st.lists(
            st.tuples(
                days_from(date(2022, 6, 1), 1300),
                st.one_of(st.none(), days_from(date(2022, 6, 1), 1500)),
                st.sampled_from(["ALT", "STU"]),
                st.sampled_from(["Actief", "Geannuleerd"]),
            ),
            max_size=2,
        ).map(lambda ps: [p for p in ps if p[1] is None or p[0] <= p[1]])
    )
    paid = draw(st.sets(st.sampled_from([f"{y}-{y + 1}" for y in range(2019, 2027)]), max_size=4))
    as_of = draw(days_from(date(2023, 6, 1), 1250))
    return Case(chosen, trainings, periods, paid, as_of)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_decisions_equal_the_rule_book_read_literally(case: Case) -> None:
    con = rules_db()
    for a in case.agreements:
        add_agreement(
            con,
            agreement_id=a.agreement_id,
            start_date=a.start,
            end_date=a.end,
            termination_date=a.termination,
            registration_date=a.registration,
            learning_allowance=a.allowance,
            premium_consent=a.consent,
            company_iban=IBAN if a.iban else None,
            establishment_postcode=a.postcode,
            mentor_insz=a.mentor,
        )
    for n, (mentor, training, exempt) in enumerate(case.trainings):
        add_recognition(
            con,
            recognition_id=f"ERK-{n}",
            company_kbo=OTHER_COMPANY if n else COMPANY,
            mentor_insz=mentor,
            mentor_training_date=training,
            mentor_training_exempt=exempt,
        )
    for n, (start, end, kind, status) in enumerate(case.dimona):
        add_dimona(
            con, dimona_id=f"D{n}", start_date=start, end_date=end, worker_type=kind, status=status
        )
    for year in case.paid_years:
        add_premium_paid(
            con, school_year=year, kind="premie", company_kbo=COMPANY, learner_insz=LEARNER
        )
    build_models(con, rule_config(), case.as_of, targets=("fct_premium_decisions",))
    rows = con.execute(
        "select school_year, eligible, amount_eur, covered_units, premiums_before, reasons, "
        "status, province, agreement_ids from fct_premium_decisions "
        "join int_covered_months using (school_year, company_kbo, learner_insz) "
        "order by school_year"
    ).fetchall()
    got = [r[:3] + (Fraction(r[3], 377580),) + r[4:] for r in rows]
    assert got == expected_decisions(case)
