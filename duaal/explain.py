"""`duaal explain`: the whole story of one learner's premium decisions, or of one mentor.

The decision shown is the one the run stored (`run_decisions`), exactly. The details (the
four conditions per agreement, the Dimona periods, the merged intervals and the months
arithmetic, the premiums before) are recomputed from that run's own batches, rule
configuration and as_of through the audit's recomputation (duaal/audit.py), limited to the
rows of the learner (or mentor); the recomputed decision must equal the stored one, and
the story says so when it does not. No Prefect, no Great Expectations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb

from duaal.audit import copy_run_inputs, recompute
from duaal.db import attach_read_only, completed_run
from duaal.exports import DECISION_EXPORT
from transforms.identifiers import is_pseudonym, normalise_insz, normalise_kbo

STATUS_NL = {"final": "definitief", "provisional": "voorlopig"}
DECISION_FIELDS = DECISION_EXPORT  # what the story shows of a decision: its export columns


# whether a person is in a run's data (parameters: the run id, the INSZ or pseudonym)
LEARNER_IN_RUN = "SELECT count(*) FROM src.run_decisions WHERE run_id = ? AND learner_insz = ?"
MENTOR_IN_RUN = (
    "SELECT count(*) FROM src.ingest_erkenningen WHERE batch_id IN (SELECT batch_id "
    "FROM src.run_batches WHERE run_id = ?) AND mentor_insz = ?"
)


class NothingToExplain(LookupError):
    """No decision (or mentor) of that kind in the run."""


# --- date arithmetic of RULES.md, to show the months as a person computes them ----------


def add_months(d: date, k: int) -> date:
    """Same day-of-month k months later, clamped to the end of the target month."""
    month0 = d.month - 1 + k
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise ValueError(d)


def months_parts(start: date, end: date) -> tuple[int, int, int]:
    """(m, r, d) of one merged interval: m whole months, r remaining days of a month of d."""
    m = (end.year - start.year) * 12 + end.month - start.month + 1
    while add_months(start, m) - timedelta(days=1) > end:
        m -= 1
    r = (end - add_months(start, m)).days + 1
    d = (add_months(start, m + 1) - add_months(start, m)).days
    return m, r, d


def _nl(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "-"


def _num(x: float | Fraction) -> str:
    return f"{float(x):.2f}".replace(".", ",")


def _exact(x: Decimal | None) -> str:
    """A number exactly as the export gave it, the Dutch way: 19,996 and 38 (not 38,000000)."""
    if x is None:
        return "?"
    text = format(x.normalize(), "f") if isinstance(x, Decimal) else str(x)
    return text.replace(".", ",")


@dataclass
class Story:
    """Lines of a story: (level, text); level 0 title, 1 heading, 2 line, 3 sub-line."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, level: int, text: str) -> None:
        self.lines.append((level, text))

    def section(self, heading: str, lines: Iterable[str]) -> None:
        """A heading and its lines."""
        self.add(1, heading)
        for line in lines:
            self.add(2, line)

    def text(self) -> str:
        out = []
        for level, line in self.lines:
            if level == 0:
                out += [line, "=" * len(line)]
            elif level == 1:
                out += ["", line, "-" * len(line)]
            else:
                out.append("  " * (level - 2) + ("- " if level == 3 else "") + line)
        return "\n".join(out) + "\n"

    def markdown(self) -> str:
        out = []
        for level, line in self.lines:
            if level == 0:
                out += [f"# {line}", ""]
            elif level == 1:
                out += ["", f"## {line}", ""]
            elif level == 2:
                out.append(f"- {line}")
            else:
                out.append(f"  - {line}")
        return "\n".join(out) + "\n"

    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2, default=str) + "\n"

    def render(self, fmt: str) -> str:
        return {"text": self.text, "markdown": self.markdown, "json": self.json}[fmt]()


def _run(
    con: duckdb.DuckDBPyConnection, run_id: str | None
) -> tuple[str, date, str, str, str | None]:
    """The run (default: the latest completed): run id, as_of, rule configuration text,
    status and code version."""
    if run_id is None:
        row = con.execute(
            "SELECT run_id FROM src.runs WHERE status = 'completed' "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise NothingToExplain("no completed run in the database: run `duaal run` first")
        run_id = row[0]
    run = completed_run(con, run_id, NothingToExplain, table="src.runs")
    return run_id, run["as_of"], run["rule_config"], run["status"], run["code_version"]


def _agreements_naming(column: str, insz_literal: str) -> str:
    """A filter on the agreements copied for a story: every version of every agreement
    that ever named the person in column (so the version the run chose is among them)."""
    return (
        "agreement_id IN (SELECT agreement_id FROM src.ingest_overeenkomsten "
        f"WHERE {column} = {insz_literal})"
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _code_label(con: duckdb.DuckDBPyConnection, kind: str, code: str) -> str:
    """The Dutch label of a code, as the recomputed run's code table (cfg_codes) fills it."""
    found = con.execute(
        "SELECT label FROM cfg_codes WHERE kind = ? AND code = ?", [kind, code]
    ).fetchone()
    return found[0] if found else code


def _source(row: dict, folder: str) -> str:
    return f"{folder}/{row['file_name']} rij {row['row_number']}"


def explain_learner(
    db: Path,
    learner: str,
    *,
    company: str | None = None,
    school_year: str | None = None,
    run_id: str | None = None,
    timeout_s: float = 60.0,
) -> Story:
    """The story of a learner's decisions in one run (per company and school year). A
    learner purged since is found by the pseudonym, given or made with DUAAL_PSEUDONYM_KEY."""
    kbo = normalise_kbo(company) if company else None
    con = attach_read_only(db, timeout_s=timeout_s)
    try:
        run_id, as_of, config_text, _status, code_version = _run(con, run_id)
        insz = _person(con, learner, LEARNER_IN_RUN, run_id)
        stored = _rows(
            con,
            "SELECT * EXCLUDE (run_id) FROM src.run_decisions WHERE run_id = ? AND learner_insz = ? "
            "AND (? IS NULL OR company_kbo = ?) AND (? IS NULL OR school_year = ?) "
            "ORDER BY company_kbo, school_year",
            [run_id, insz, kbo, kbo, school_year, school_year],
        )
        if not stored:
            raise NothingToExplain(
                f"run {run_id} has no decision for learner {insz}"
                + (f" at company {kbo}" if kbo else "")
                + (f" in {school_year}" if school_year else "")
            )
        # the learner's rows only: every version of an agreement or Dimona period that ever
        # named the learner (so the version the run chose is among them), the premiums paid
        # for the learner, every recognition (the mentors)
        lit = f"'{insz}'"
        copy_run_inputs(
            con,
            run_id,
            only={
                "ingest_overeenkomsten": _agreements_naming("learner_insz", lit),
                "ingest_dimona": "dimona_id IN (SELECT dimona_id FROM src.ingest_dimona "
                f"WHERE worker_insz = {lit})",
                "ingest_premies": f"learner_insz = {lit}",
            },
        )
        recompute(con, config_text, as_of)
        story = Story()
        version = _rule_version(config_text)
        story.add(0, f"Uitleg premie kwalificerend werkplekleren voor lerende {insz}")
        story.add(
            2,
            f"Run {run_id}, referentiedatum (as_of) {_nl(as_of)}, regels versie {version}, "
            f"code {code_version}",
        )
        story.data = {
            "run": {"run_id": run_id, "as_of": as_of.isoformat(), "rule_version": version},
            "learner_insz": insz,
            "decisions": [],
        }
        for decision in stored:
            story.data["decisions"].append(_explain_decision(con, story, decision))
        return story
    finally:
        con.close()


def _person(con: duckdb.DuckDBPyConnection, given: str, count_sql: str, run_id: str) -> str:
    """The INSZ as the run's data holds it: the number itself, or, for a person purged since
    (duaal purge), the pseudonym: as given, or made from the INSZ with DUAAL_PSEUDONYM_KEY."""
    if is_pseudonym(given.strip()):
        return given.strip()
    insz = normalise_insz(given)
    if con.execute(count_sql, [run_id, insz]).fetchone()[0]:
        return insz
    from duaal.purge import MissingKey, pseudonym, pseudonym_key

    try:
        alias = pseudonym(insz, pseudonym_key())
    except MissingKey:
        return insz  # not purged, or no key to tell: the caller says nothing was found
    return alias if con.execute(count_sql, [run_id, alias]).fetchone()[0] else insz


def _rule_version(config_text: str) -> str:
    import tomllib

    return str(tomllib.loads(config_text).get("version", ""))


def _explain_decision(con: duckdb.DuckDBPyConnection, story: Story, stored: dict) -> dict:
    year, kbo, insz = stored["school_year"], stored["company_kbo"], stored["learner_insz"]
    key = [year, kbo, insz]
    params = con.execute("SELECT * FROM cfg_parameters").fetchone()
    pcols = [d[0] for d in con.description]
    cfg = dict(zip(pcols, params, strict=True))
    year_start, year_end = date(int(year[:4]), 9, 1), date(int(year[5:]), 8, 31)
    story.add(
        1,
        f"Schooljaar {year} bij onderneming {kbo} ({stored['company_name']})",
    )
    # the decision as stored
    eligible = stored["eligible"]
    verdict = "komt in aanmerking" if eligible else "komt niet in aanmerking"
    amount = f"bedrag EUR {stored['amount_eur']}"
    (configured,) = con.execute(
        "SELECT count(*) FROM cfg_amounts WHERE school_year = ?", [year]
    ).fetchone()
    if eligible and not configured:  # AMOUNTS_MISSING: decided, the amount not yet set
        amount = f"bedrag nog niet vastgelegd (geen bedragen voor {year} in de regelconfiguratie)"
    story.add(
        2,
        f"Beslissing van de run: {verdict}, {amount}, "
        f"{STATUS_NL.get(stored['status'], stored['status'])}, gedekte maanden "
        f"{_num(stored['months_covered'])}, eerdere premies {stored['premiums_before']}, "
        f"kantoor {stored['office']} (provincie {stored['province']})",
    )
    codes = [c for c in (stored["reasons"] or "").split(";") if c]
    for code in codes:
        story.add(3, f"{code}: {_code_label(con, 'reason', code)}")
    story.add(2, f"Toelichting: {stored['explanation']}")
    recomputed = _rows(
        con,
        "SELECT * FROM fct_premium_decisions WHERE school_year = ? AND company_kbo = ? "
        "AND learner_insz = ?",
        key,
    )
    agrees = bool(recomputed) and all(
        _same(recomputed[0][f], stored[f]) for f in stored if f in recomputed[0]
    )
    if not agrees:
        story.add(
            2,
            "LET OP: de herberekening uit de invoer van deze run geeft een andere beslissing "
            "dan de opgeslagen; de details hieronder volgen de herberekening",
        )

    # agreements and the four conditions
    agreements = _rows(
        con,
        "SELECT * FROM int_agreement_conditions WHERE school_year = ? AND company_kbo = ? "
        "AND learner_insz = ? ORDER BY start_date, agreement_id",
        key,
    )
    story.add(1, f"Overeenkomsten actief in {year} ({len(agreements)})")
    agreement_data = []
    for a in agreements:
        story.add(
            2,
            f"{a['agreement_id']} ({a['agreement_type']}), {_nl(a['start_date'])} tot "
            f"{_nl(a['end_date'])}"
            + (f", beëindigd op {_nl(a['termination_date'])}" if a["termination_date"] else "")
            + f", {_exact(a['hours_per_week'])} uur per week, leervergoeding "
            f"{'ja' if a['learning_allowance'] else 'nee'}; bron {_source(a, 'overeenkomsten')}",
        )
        lines = _conditions(a, year_end, cfg["as_of"])
        for line in lines:
            story.add(3, line)
        basis = "telt mee voor de gedekte maanden" if a["in_basis"] else "telt niet mee"
        story.add(
            3,
            ("voldoet aan de vier voorwaarden" if a["qualifies"] else "voldoet niet aan alle "
             "voorwaarden") + f"; {basis}",
        )  # fmt: skip
        agreement_data.append(
            {
                "agreement_id": a["agreement_id"],
                "agreement_type": a["agreement_type"],
                "start_date": a["start_date"],
                "end_date": a["end_date"],
                "effective_end_date": a["effective_end_date"],
                "registration_date": a["registration_date"],
                "registration_deadline": a["registration_deadline"],
                "registered_on_time": a["registered_on_time"],
                "in_flanders": a["in_flanders"],
                "consent_with_iban": a["consent_with_iban"],
                "mentor_insz": a["mentor_insz"],
                "mentor_trained": a["mentor_trained"],
                "qualifies": a["qualifies"],
                "in_basis": a["in_basis"],
                "file": f"overeenkomsten/{a['file_name']}",
                "row": a["row_number"],
            }
        )

    # Dimona periods of the learner
    basis = [a for a in agreements if a["in_basis"]]
    counted_types = {
        r[0] for r in con.execute("SELECT worker_type FROM cfg_counted_dimona_types").fetchall()
    }
    periods = _rows(
        con,
        "SELECT * FROM stg_dimona__periods WHERE worker_insz = ? ORDER BY start_date, dimona_id",
        [insz],
    )
    story.add(1, f"Dimona-periodes van de lerende ({len(periods)})")
    dimona_data = []
    for d in periods:
        counted, why = _dimona_verdict(d, kbo, counted_types, basis, year_start, year_end)
        end = _nl(d["end_date"]) if d["end_date"] else "open einde"
        story.add(
            2,
            f"{d['dimona_id']} type {d['worker_type']}, {_nl(d['start_date'])} tot {end}, "
            f"onderneming {d['company_kbo']}, {d['status'].lower()}: "
            f"{'telt mee' if counted else 'telt niet mee'} ({why}); "
            f"bron {_source(d, 'dimona')}",
        )
        dimona_data.append(
            {
                "dimona_id": d["dimona_id"],
                "worker_type": d["worker_type"],
                "start_date": d["start_date"],
                "end_date": d["end_date"],
                "company_kbo": d["company_kbo"],
                "status": d["status"],
                "counted": counted,
                "why": why,
                "file": f"dimona/{d['file_name']}",
                "row": d["row_number"],
            }
        )

    # merged intervals and the months arithmetic
    intervals = _rows(
        con,
        "SELECT * FROM int_training_intervals WHERE school_year = ? AND company_kbo = ? "
        "AND learner_insz = ? ORDER BY interval_start",
        key,
    )
    story.add(1, "Opleidingsmaanden (samengevoegde periodes binnen het schooljaar)")
    total = Fraction(0)
    interval_data = []
    for i in intervals:
        s, e = i["interval_start"], i["interval_end"]
        m, r, d = months_parts(s, e)
        value = m + Fraction(r, d)
        total += value
        story.add(
            2,
            f"{_nl(s)} tot {_nl(e)}: m = {m} volle maanden (tot {_nl(add_months(s, m) - timedelta(1))}), "
            f"r = {r} dagen van een maand van {d} dagen: {m} + {r}/{d} = {_num(value)} maanden",
        )
        interval_data.append({"start": s, "end": e, "m": m, "r": r, "d": d, "months": float(value)})
    if not intervals:
        story.add(2, "geen enkele Dimona-periode die telt overlapt een overeenkomst van de basis")
    minimum = Fraction(str(cfg["min_months_covered"]))
    meets = total >= minimum
    exact = f"{total.numerator}/{total.denominator}" if total.denominator != 1 else str(total)
    as_of = cfg["as_of"]
    # a provisional year counts the periods as planned: what lies after as_of is still to work
    worked = total
    if year_end > as_of:
        worked = Fraction(0)
        for i in intervals:
            if i["interval_start"] <= as_of:
                m, r, d = months_parts(i["interval_start"], min(i["interval_end"], as_of))
                worked += m + Fraction(r, d)
    to_work = total - worked
    story.add(
        2,
        f"Gedekte maanden: {_num(total)} (exact {exact}), minimum {_num(minimum)}: "
        + ("niet voldaan" if not meets else "voldaan zoals gepland" if to_work else "voldaan"),
    )
    if to_work:
        last = max(i["interval_end"] for i in intervals)
        story.add(
            2,
            f"Nog te werken: {_num(to_work)} van de {_num(total)} maanden liggen na de "
            f"peildatum {_nl(as_of)} (gepland tot {_nl(last)}); tot de peildatum zijn er "
            f"{_num(worked)} gewerkt"
            + (
                f". Het minimum van {_num(minimum)} wordt pas gehaald als die maanden ook "
                "gewerkt worden"
                if meets and worked < minimum
                else ""
            ),
        )

    # premiums before
    paid = _rows(
        con,
        "SELECT * FROM stg_mtech__premiums_paid WHERE company_kbo = ? AND learner_insz = ? "
        "AND school_year < ? ORDER BY school_year, kind",
        [kbo, insz, year],
    )
    own = [
        r[0]
        for r in con.execute(
            "SELECT school_year FROM src.run_decisions WHERE run_id = ? AND company_kbo = ? "
            "AND learner_insz = ? AND school_year < ? AND eligible ORDER BY school_year",
            [story.data["run"]["run_id"], kbo, insz, year],
        ).fetchall()
    ]
    story.add(1, f"Eerdere premies: {stored['premiums_before']} (maximum {cfg['max_premiums']})")
    premium_data = []
    for p in paid:
        story.add(
            2,
            f"{p['school_year']}: {p['kind']} van EUR {_num(p['amount_eur'])} uitbetaald op "
            f"{_nl(p['paid_on'])}, uit de historiek; bron {_source(p, 'premies')}",
        )
        premium_data.append(
            {
                "school_year": p["school_year"],
                "from": "history",
                "kind": p["kind"],
                "file": f"premies/{p['file_name']}",
                "row": p["row_number"],
            }
        )
    for y in own:
        story.add(2, f"{y}: premie toegekend door deze pipeline (beslissing van dezelfde run)")
        premium_data.append({"school_year": y, "from": "decision"})
    if not paid and not own:
        story.add(2, "geen eerdere premie voor deze lerende bij deze onderneming")
    years = {p["school_year"] for p in paid} | set(own)
    story.add(2, f"verschillende schooljaren samen: {len(years)}")

    decision = {f: stored[f] for f in DECISION_FIELDS}
    decision["months_covered"] = round(stored["months_covered"], 2)
    decision["reasons"] = stored["reasons"] or ""
    decision["reason_codes"] = codes
    decision["explanation"] = stored["explanation"]
    return {
        "decision": decision,
        "recomputed_agrees": agrees,
        "agreements": agreement_data,
        "dimona": dimona_data,
        "intervals": interval_data,
        "months_covered_exact": f"{total.numerator}/{total.denominator}",
        "months_worked_by_as_of": float(worked),
        "months_still_to_work": float(to_work),
        "premiums_before": premium_data,
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _conditions(a: dict, year_end: date, as_of: date) -> list[str]:
    """The four conditions of an agreement; a date still ahead of as_of (a provisional
    year) is told as what must still happen, and by when."""
    if a["registration_date"] is None and a["registration_deadline"] >= as_of:
        reg = (
            f"1. registratie: de overeenkomst moet uiterlijk op "
            f"{_nl(a['registration_deadline'])} geregistreerd zijn; op de peildatum {_nl(as_of)} "
            "is ze dat nog niet, dus telt ze nog niet als tijdig geregistreerd"
        )
    elif a["registration_date"] is None:
        reg = f"1. registratie: niet geregistreerd, uiterlijk {_nl(a['registration_deadline'])}: "
        reg += "niet op tijd"
    else:
        reg = (
            f"1. registratie: geregistreerd op {_nl(a['registration_date'])}, uiterlijk "
            f"{_nl(a['registration_deadline'])}: "
            + ("op tijd" if a["registered_on_time"] else "te laat")
        )
    where = (
        f"2. Vlaanderen: vestiging {a['establishment_id']} in {a['establishment_postcode']} "
        f"{a['establishment_municipality']}, provincie {a['province'] or 'onbekend'}: "
        + ("in het Vlaams Gewest" if a["in_flanders"] else "buiten het Vlaams Gewest")
    )
    consent = (
        f"3. toestemming: toestemming premie {'ja' if a['premium_consent'] else 'nee'}, IBAN "
        f"{'ingevuld' if (a['company_iban'] or '').strip() else 'niet ingevuld'}: "
        + ("in orde" if a["consent_with_iban"] else "niet in orde")
    )
    if not a["mentor_known"]:
        mentor = (
            f"4. mentor {a['mentor_insz']}: niet in het register van erkenningen: niet opgeleid"
        )
    elif a["mentor_training_exempt"]:
        mentor = f"4. mentor {a['mentor_insz']}: vrijgesteld van de mentoropleiding: in orde"
    elif a["mentor_training_date"] is None and year_end > as_of:
        mentor = (
            f"4. mentor {a['mentor_insz']}: moet uiterlijk op {_nl(year_end)} een "
            f"mentoropleiding gevolgd hebben; op de peildatum {_nl(as_of)} is er nog geen: "
            "nog niet opgeleid"
        )
    elif a["mentor_training_date"] is None:
        mentor = (
            f"4. mentor {a['mentor_insz']}: geen mentoropleiding, uiterlijk {_nl(year_end)}: "
            "niet opgeleid"
        )
    elif a["mentor_training_date"] > as_of:  # planned: the register gives a date to come
        mentor = (
            f"4. mentor {a['mentor_insz']}: mentoropleiding gepland op "
            f"{_nl(a['mentor_training_date'])}, uiterlijk {_nl(year_end)}: "
            + ("op tijd als ze doorgaat" if a["mentor_trained"] else "te laat, ook als ze doorgaat")
        )
    else:
        mentor = (
            f"4. mentor {a['mentor_insz']}: opgeleid op {_nl(a['mentor_training_date'])}, "
            f"uiterlijk {_nl(year_end)}: " + ("op tijd" if a["mentor_trained"] else "te laat")
        )
    return [reg, where, consent, mentor]


def _dimona_verdict(
    d: dict, kbo: str, counted_types: set[str], basis: list[dict], year_start: date, year_end: date
) -> tuple[bool, str]:
    if d["status"] != "Actief":
        return False, "geannuleerd"
    if d["worker_type"] not in counted_types:
        return False, f"type {d['worker_type']}"
    if d["company_kbo"] != kbo:
        return False, "andere onderneming"
    end = d["end_date"] or date(9999, 12, 31)
    pieces = []
    for a in basis:
        s = max(d["start_date"], a["start_date"], year_start)
        e = min(end, a["effective_end_date"], year_end)
        if s <= e:
            pieces.append(f"{_nl(s)} tot {_nl(e)} binnen {a['agreement_id']}")
    if not pieces:
        if end < year_start or d["start_date"] > year_end:
            return False, "buiten het schooljaar"
        return False, "buiten de overeenkomst"
    return True, "; ".join(pieces)


# --- the mentor's story -----------------------------------------------------------------


def explain_mentor(
    db: Path, mentor: str, *, run_id: str | None = None, timeout_s: float = 60.0
) -> Story:
    """A mentor's story in a run: recognitions, training deadline, the agreements naming the
    mentor, the day of peak load and the agreements running then, the findings."""
    con = attach_read_only(db, timeout_s=timeout_s)
    try:
        run_id, as_of, config_text, _status, code_version = _run(con, run_id)
        insz = _person(con, mentor, MENTOR_IN_RUN, run_id)
        lit = f"'{insz}'"
        copy_run_inputs(
            con,
            run_id,
            only={
                "ingest_overeenkomsten": _agreements_naming("mentor_insz", lit),
                "ingest_erkenningen": f"mentor_insz = {lit}",
                "ingest_dimona": "false",
                "ingest_premies": "false",
            },
        )
        recompute(con, config_text, as_of)
        recognitions = _rows(
            con,
            "SELECT * FROM stg_werkplekduaal__recognitions WHERE mentor_insz = ? "
            "ORDER BY recognition_date, recognition_id",
            [insz],
        )
        agreements = _rows(
            con,
            "SELECT * FROM int_agreements WHERE mentor_insz = ? ORDER BY start_date, agreement_id",
            [insz],
        )
        findings = _rows(
            con,
            "SELECT code, severity, agreement_id, detail FROM src.run_findings WHERE run_id = ? "
            "AND mentor_insz = ? ORDER BY code, agreement_id NULLS FIRST, detail",
            [run_id, insz],
        )
        if not recognitions and not agreements:
            raise NothingToExplain(f"run {run_id} knows no mentor {insz}")
        cfg_row = con.execute("SELECT * FROM cfg_parameters").fetchone()
        cfg = dict(zip([d[0] for d in con.description], cfg_row, strict=True))
        story = Story()
        story.add(0, f"Uitleg voor mentor {insz}")
        story.add(2, f"Run {run_id}, referentiedatum (as_of) {_nl(as_of)}, code {code_version}")
        story.section(
            f"Erkenningen ({len(recognitions)})",
            (
                f"{r['recognition_id']} bij onderneming {r['company_kbo']}, erkend op "
                f"{_nl(r['recognition_date'])}, {r['years_experience']} jaar ervaring, "
                f"opleiding {_nl(r['mentor_training_date'])}, vrijstelling "
                f"{'ja' if r['mentor_training_exempt'] else 'nee'}; "
                f"bron {_source(r, 'erkenningen')}"
                for r in recognitions
            ),
        )
        if recognitions:
            first = min(r["recognition_date"] for r in recognitions)
            trained = [r["mentor_training_date"] for r in recognitions if r["mentor_training_date"]]
            exempt = any(r["mentor_training_exempt"] for r in recognitions)
            deadline = add_months(first, cfg["mentor_training_months"])
            if exempt:
                state = "vrijgesteld"
            elif trained and min(trained) > as_of:  # a date to come: planned
                state = f"opleiding gepland op {_nl(min(trained))}" + (
                    " (op tijd als ze doorgaat)" if min(trained) <= deadline else " (te laat)"
                )
            elif trained:
                state = f"opgeleid op {_nl(min(trained))}" + (
                    " (op tijd)" if min(trained) <= deadline else " (te laat)"
                )
            elif deadline < as_of:
                state = "nog niet opgeleid en de termijn is verstreken"
            else:
                state = (
                    f"nog niet opgeleid; dat moet nog gebeuren, uiterlijk op {_nl(deadline)} "
                    f"(peildatum {_nl(as_of)})"
                )
            story.add(
                2,
                f"Mentoropleiding uiterlijk {_nl(deadline)} (eerste erkenning {_nl(first)} + "
                f"{cfg['mentor_training_months']} maanden): {state}",
            )
        story.section(
            f"Overeenkomsten met deze mentor ({len(agreements)})",
            (
                f"{a['agreement_id']} ({a['agreement_type']}) lerende {a['learner_insz']} bij "
                f"{a['company_kbo']}, {_nl(a['start_date'])} tot {_nl(a['effective_end_date'])}; "
                f"bron {_source(a, 'overeenkomsten')}"
                for a in agreements
            ),
        )
        peak_day, running = _peak(agreements)
        if peak_day:
            story.add(
                2,
                f"Piek: {len(running)} overeenkomsten tegelijk op {_nl(peak_day)} (maximum "
                f"{cfg['mentor_max_agreements']}): {', '.join(a['agreement_id'] for a in running)}",
            )
        story.section(
            f"Bevindingen ({len(findings)})",
            (
                # an agreement's finding names it: a mentor's agreements may start the same day
                f"{f['code']} ({f['severity']})"
                + (f", overeenkomst {f['agreement_id']}" if f["agreement_id"] else "")
                + f": {_code_label(con, 'finding', f['code'])}; {f['detail']}"
                for f in findings
            ),
        )
        story.data = {
            "run": {"run_id": run_id, "as_of": as_of.isoformat()},
            "mentor_insz": insz,
            "recognitions": [
                {
                    k: r[k]
                    for k in (
                        "recognition_id",
                        "company_kbo",
                        "recognition_date",
                        "mentor_training_date",
                        "mentor_training_exempt",
                        "file_name",
                        "row_number",
                    )
                }
                for r in recognitions
            ],
            "agreements": [a["agreement_id"] for a in agreements],
            "peak": {
                "day": peak_day,
                "agreements": [a["agreement_id"] for a in running],
            },
            "findings": findings,
        }
        return story
    finally:
        con.close()


def _peak(agreements: list[dict]) -> tuple[date | None, list[dict]]:
    """The first day with the most agreements running, and those agreements."""
    best_day, best = None, []
    for day in sorted({a["start_date"] for a in agreements}):
        running = [a for a in agreements if a["start_date"] <= day <= a["effective_end_date"]]
        if len(running) > len(best):
            best_day, best = day, running
    return best_day, best
