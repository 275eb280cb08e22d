"""Every change between two runs with its causes: the rows of the comparison
(`duaal.history.changes.queries`) turned into `Change`s, sorted as the export.

The cause of a change is read from the inputs first: an input row whose version in use
differs between the runs, or that only one run used (the rows of its pair, agreement or
mentor; for a payment, the premium history row of its pair and year). Then, for a payment,
the decision it reads that changed; then `as_of` passing a day that matters (forwards or
back): 1 September (a new school year), 31 August (final decisions, payments reconciled),
a finding's due date, a payment's expected date. A changed rule configuration is always
named; another version of duaal only when nothing else explains the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from duaal.common.digests import DIGESTS
from duaal.history.changes.causes import (
    AsOfCause,
    Cause,
    ColumnChange,
    DecisionCause,
    InputRowCause,
    PlaceCause,
    VersionCause,
)
from duaal.history.changes.model import Change, Changes, ComparedRun
from duaal.history.changes.queries import compare_runs
from duaal.history.changes.runs import previous_run, resolve_runs, run_info

# the fields of a decision a payment reconciliation reads (its right and its amount)
PAID_ON = ("eligible", "amount_eur")


def compute_changes(
    con: duckdb.DuckDBPyConnection, from_run: str | None = None, to_run: str | None = None
) -> Changes:
    """Every change between two completed runs (default: the latest and the one before)."""
    before, after = resolve_runs(con, from_run, to_run)
    return compare(con, before, after)


def since_previous(con: duckdb.DuckDBPyConnection, run_id: str) -> Changes:
    """What changed since the completed run before `run_id`: what `duaal diff --to run_id`
    shows, also while `run_id` is still writing its reports (it has recorded its outputs
    and comes after every completed run). For the first completed run: no `before`, and
    no changes."""
    after = run_info(con, run_id, recorded=True)
    previous = previous_run(con, run_id)
    if previous is None:
        return Changes(None, after)
    return compare(con, run_info(con, previous), after)


def compare(con: duckdb.DuckDBPyConnection, before: ComparedRun, after: ComparedRun) -> Changes:
    """Every change from run `before` to run `after`, sorted as the export."""
    if _nothing_to_compare(con, before, after):
        return Changes(before, after, ())
    rows = compare_runs(con, before, after)
    telling = _Causes(before, after)
    items = [telling.decision(*row) for row in rows.decisions]
    for change in items:
        telling.decided.setdefault(change.row[2:5], []).append(change)
    for row in rows.payments:
        change = telling.payment(*row)
        items.append(change)
        paid = telling.paid.setdefault((change.company_kbo, change.learner_insz, row[3]), [])
        paid += [c for c in change.causes if c not in paid and not isinstance(c, VersionCause)]
    items += [telling.finding(*row) for row in rows.findings]
    for source, file_name, row_number, reason, detail in rows.quarantine:
        place = PlaceCause(source, file_name, row_number)
        items.append(
            Change(
                "quarantine", "appeared", code=reason, after=(detail,), causes=(place,), place=place
            )
        )
    for source, file_name, reason, reason_nl in rows.refused:
        place = PlaceCause(source, file_name)
        items.append(
            Change(
                "file",
                "refused",
                code="FILE_REFUSED",
                after=(reason, reason_nl),
                causes=(place,),
                place=place,
            )
        )
    items.sort(key=lambda c: c.row)
    return Changes(before, after, tuple(items))


def _nothing_to_compare(
    con: duckdb.DuckDBPyConnection, before: ComparedRun, after: ComparedRun
) -> bool:
    """Whether the comparison can only find nothing: the two runs recorded the same
    decisions, findings, payments and quarantine (equal digests: the same rows in every
    column a comparison reads), `after` read no batch that `before` did not (the quarantined
    rows and refused files compared are those of such batches), and no purge rewrote the
    rows of either since they were recorded (a purge keeps the digests as they were)."""
    digests = ", ".join(f"digest_{kind}" for kind in DIGESTS)
    runs = [before.run_id, after.run_id]
    try:
        recorded = con.execute(
            f"SELECT {digests} FROM runs WHERE run_id IN (?, ?)", runs
        ).fetchall()
        new_batches, purged = con.execute(
            "SELECT (SELECT count(*) FROM (SELECT batch_id FROM run_batches WHERE run_id = ? "
            "EXCEPT SELECT batch_id FROM run_batches WHERE run_id = ?)), "
            "(SELECT count(*) FROM purge_runs WHERE run_id IN (?, ?))",
            [after.run_id, before.run_id, *runs],
        ).fetchone()
    except duckdb.Error:  # a database from before payments or purges: compare
        return False
    same = len(recorded) == 2 and recorded[0] == recorded[1] and None not in recorded[0]
    return same and new_batches == 0 and purged == 0


def _values(values: list | None) -> tuple[str | None, ...]:
    return tuple(values) if values is not None else ()


def input_causes(items: list[dict] | None) -> list[Cause]:
    """The input rows of a change, by file and row."""
    ordered = sorted(
        items or [], key=lambda i: (i["source"], i["file_name"], i["row_number"], i["key_text"])
    )
    return [
        InputRowCause(
            i["source"],
            i["file_name"],
            i["row_number"],
            i["key_text"],
            i["version"],
            tuple(
                ColumnChange(c["col"], c["before"], c["after"], c["personal"]) for c in i["changed"]
            ),
        )
        for i in ordered
    ]


def _school_year_days(school_year: str) -> tuple[date, date]:
    """The first and last day of a school year: 1 September and 31 August."""
    return date(int(school_year[:4]), 9, 1), date(int(school_year[5:]), 8, 31)


class _Causes:
    """The causes of the changes between two runs, kind by kind."""

    def __init__(self, before: ComparedRun, after: ComparedRun):
        self.before, self.after = before, after
        # the changed decisions per school year, company and learner
        self.decided: dict[tuple[str, ...], list[Change]] = {}
        # the causes of the changed payments per company, learner and expected date
        self.paid: dict[tuple[str, str, date], list[Cause]] = {}

    def passed(self, day: date) -> bool:
        """Whether as_of moved over `day` between the runs, forwards (to `day` or later) or
        back (to before `day`)."""
        low, high = sorted((self.before.as_of, self.after.as_of))
        return low < day <= high

    def as_of(self, event: str = "", day: date | None = None, year: str = "") -> AsOfCause:
        return AsOfCause(self.before.as_of, self.after.as_of, event, day, year)

    def common(self, found: Sequence[Cause]) -> tuple[Cause, ...]:
        """The causes found, then those outside the inputs: another rule configuration;
        another version of duaal, named only when nothing else explains the change."""
        b, a = self.before, self.after
        out = list(found)
        if b.rule_config_hash != a.rule_config_hash:
            out.append(VersionCause("rules", b.rule_version, a.rule_version))
        if b.code_version != a.code_version and not out:
            out.append(VersionCause("code", b.code_version, a.code_version))
        return tuple(out)

    def decision(self, year, kbo, insz, offices, change, field, before, after, inputs) -> Change:
        """A decision that changed: its pair's input rows; a school year is decided from its
        1 September on, and final from its 31 August on (RULES.md): as_of moving over
        either day, either way, changes decisions."""
        start, end = _school_year_days(year)
        found = input_causes(inputs)
        if change != "changed" and self.passed(start):
            found.append(self.as_of("year", start, year))
        if (field == "status" or change != "changed") and self.passed(end):
            found.append(self.as_of("final", end, year))
        pair = {"school_year": year, "company_kbo": kbo, "learner_insz": insz}
        return self._change("decision", change, field, before, after, found, offices, **pair)

    def payment(
        self, year, kbo, insz, expected_by, offices, change, field, before, after, inputs
    ) -> Change:
        """A payment that changed: the premium history row of its pair and year that was
        added or replaced; the decision it reads, when that changed; as_of passing the end
        of its school year (reconciled from then on) or its expected date."""
        found = input_causes(inputs)
        decided = sorted(
            (
                d
                for d in self.decided.get((year, kbo, insz), ())
                if d.change != "changed" or d.field in PAID_ON
            ),
            key=lambda d: PAID_ON.index(d.field) if d.field in PAID_ON else -1,
        )
        if decided:
            fields = tuple(
                (d.field, d.before[0], d.after[0]) for d in decided if d.change == "changed"
            )
            found.append(DecisionCause(year, decided[0].change, fields))
            for cause in (c for d in decided for c in d.causes):
                if cause not in found and not isinstance(cause, VersionCause):
                    found.append(cause)
        _start, end = _school_year_days(year)
        if change != "changed" and self.passed(end):
            found.append(self.as_of("reconciled", end, year))
        statuses = {(before or [None])[0], (after or [None])[0]}
        if field == "status" and "awaited" in statuses and self.passed(expected_by):
            found.append(self.as_of("expected", expected_by))
        pair = {"school_year": year, "company_kbo": kbo, "learner_insz": insz}
        return self._change("payment", change, field, before, after, found, offices, **pair)

    def finding(
        self, code, agreement, mentor, kbo, insz, offices, due, change, field, before, after,
        inputs,
    ) -> Change:  # fmt: skip
        """A finding that changed: its input rows; for a payment finding (a pair's, no
        agreement, no mentor, due on its payment's expected date) the causes of that
        payment's change; else as_of moving, over its due date or not."""
        found = input_causes(inputs)
        if not found and not agreement and not mentor:
            found = list(self.paid.get((kbo, insz, due), ()))
        if not found and self.before.as_of != self.after.as_of:
            passed_due = due is not None and self.passed(due)
            found = [self.as_of("due", due) if passed_due else self.as_of()]
        return self._change(
            "finding",
            change,
            field,
            before,
            after,
            found,
            offices,
            company_kbo=kbo or "",
            learner_insz=insz or "",
            agreement_id=agreement or "",
            mentor_insz=mentor or "",
            code=code,
        )

    def _change(self, kind, change, field, before, after, found, offices, **keys) -> Change:
        """A change of a `kind` of row, named by its `keys`, with the causes found."""
        return Change(
            kind,
            change,
            field=field,
            before=_values(before),
            after=_values(after),
            causes=self.common(found),
            offices=tuple(offices),
            **keys,
        )
