"""The "Wijzigingen" sheets: each change on the workbooks of the offices it concerns (the
end-to-end run is in tests/duaal/test_changes.py; here the placing, without a database)."""

from __future__ import annotations

from datetime import date

from duaal.history.changes import Change, Changes, ComparedRun
from duaal.history.changes.causes import AsOfCause, DecisionCause, InputRowCause, PlaceCause
from duaal.outputs.workbooks.changes import build_change_sheets
from duaal.outputs.workbooks.labels import NO_OFFICE, code_labels
from tests.builders import COMPANY, LEARNER, MENTOR, rule_config

BEFORE = ComparedRun("R1", date(2025, 9, 1), "hash", "2026.1", "1.0")
AFTER = ComparedRun("R2", date(2025, 9, 15), "hash", "2026.1", "1.0")
MOVED = AsOfCause(BEFORE.as_of, AFTER.as_of)
QUARANTINED = PlaceCause("overeenkomsten", "o.xlsx", 7)
REFUSED = PlaceCause("dimona", "kapot.xlsx")

MOVED_OFFICE = Change(
    "decision",
    "changed",
    school_year="2024-2025",
    company_kbo=COMPANY,
    learner_insz=LEARNER,
    field="office",
    before=("Antwerpen",),
    after=("Limburg",),
    offices=("Antwerpen", "Limburg"),
)
FILE = Change(
    "file",
    "refused",
    code="FILE_REFUSED",
    after=("not a readable .xlsx workbook", "geen leesbare .xlsx-werkmap"),
    causes=(REFUSED,),
    place=REFUSED,
)
MENTOR_RESOLVED = Change(
    "finding",
    "resolved",
    mentor_insz=MENTOR,
    code="MENTOR_TRAINING_OVERDUE",
    before=("error", "Erkend op 01/03/2024, geen mentoropleiding."),
    causes=(MOVED,),
)
ROW = Change(
    "quarantine",
    "appeared",
    code="INVALID_INSZ",
    after=("INSZ lerende: 12345 is geen geldig INSZ-nummer",),
    causes=(QUARANTINED,),
    place=QUARANTINED,
)
QUARANTINE = [
    {
        "source": "overeenkomsten",
        "file_name": "o.xlsx",
        "row_number": 7,
        "reason": "INVALID_INSZ",
        "detail": "INSZ lerende: 12345 is geen geldig INSZ-nummer",
        "office": "Limburg",
    }
]
# the previous run placed its mentor finding at the mentor's recognition, in Antwerp
EARLIER = [
    {
        "code": "MENTOR_TRAINING_OVERDUE",
        "agreement_id": None,
        "mentor_insz": MENTOR,
        "office": "Antwerpen",
    }
]


def test_each_change_is_on_the_sheets_of_the_offices_it_concerns():
    asked: list[str] = []

    def earlier(run_id: str) -> list[dict]:
        asked.append(run_id)
        return EARLIER

    changes = Changes(BEFORE, AFTER, (MOVED_OFFICE, FILE, MENTOR_RESOLVED, ROW))
    sheets = build_change_sheets(changes, code_labels(rule_config()), [], QUARANTINE, earlier)
    assert asked == ["R1"], "a resolved finding is placed as the previous run placed it"
    moved = (
        "beslissing", "gewijzigd", "2024-2025", COMPANY, LEARNER, None, None, None,
        "Kantoor", "Antwerpen", "Limburg", None,
    )  # fmt: skip
    resolved = (
        "bevinding", "opgelost", None, None, None, None, MENTOR, "MENTOR_TRAINING_OVERDUE",
        None, "fout: Erkend op 01/03/2024, geen mentoropleiding.", None,
        "peildatum verschoven van 01/09/2025 naar 15/09/2025",
    )  # fmt: skip
    row = (
        "afgekeurde rij", "nieuw", None, None, None, None, None, "INVALID_INSZ", None, None,
        "INSZ lerende: 12345 is geen geldig INSZ-nummer", "overeenkomsten/o.xlsx rij 7",
    )  # fmt: skip
    refused = (
        "geweigerd bestand", "geweigerd", None, None, None, None, None, "FILE_REFUSED", None,
        None, "geen leesbare .xlsx-werkmap", "dimona/kapot.xlsx",
    )  # fmt: skip
    assert sheets.premies_block("2024-2025", "Antwerpen").rows == [moved]
    assert sheets.premies_block("2024-2025", "Limburg").rows == [moved]
    nothing = ([], "Geen wijzigingen sinds de vorige voltooide run, R1 met peildatum 01/09/2025.")
    other_year = sheets.premies_block("2023-2024", "Antwerpen")
    assert (other_year.rows, other_year.empty) == nothing, "another year"
    other_office = sheets.premies_block("2024-2025", "Oost-Vlaanderen")
    assert (other_office.rows, other_office.empty) == nothing
    every_office = sheets.premies_block("2024-2025", None).rows
    assert every_office == [moved], "the workbook of every office: each change once"
    assert sheets.conformiteit_block(None).rows == [refused, resolved, row], "the run's: all"
    assert sheets.conformiteit_block("Antwerpen").rows == [resolved]
    assert sheets.conformiteit_block("Limburg").rows == [row]


def test_the_previous_runs_findings_are_read_only_for_a_finding_no_longer_there():
    def earlier(run_id: str) -> list[dict]:
        raise AssertionError("read without need")

    changes = Changes(BEFORE, AFTER, (MOVED_OFFICE, ROW))
    sheets = build_change_sheets(changes, code_labels(rule_config()), [], QUARANTINE, earlier)
    assert len(sheets.conformiteit_block(None).rows) == 1


PAID_ROW = InputRowCause(
    "premies", "betaald.csv", 2, f"2024-2025/{COMPANY}/{LEARNER}/premie", "new"
)
PAYMENT = {"school_year": "2024-2025", "company_kbo": COMPANY, "learner_insz": LEARNER}
PAID = (
    Change("payment", "changed", **PAYMENT, field="paid_eur", before=(None,),
           after=("1000.00",), causes=(PAID_ROW,), offices=("Limburg",)),
    Change("payment", "changed", **PAYMENT, field="status", before=("missing",),
           after=("paid",), causes=(PAID_ROW,), offices=("Limburg",)),
)  # fmt: skip
UNDECIDED = Change(
    "payment",
    "disappeared",
    **{**PAYMENT, "learner_insz": MENTOR},
    field="status",
    before=("awaited", "1000", None),
    causes=(DecisionCause("2024-2025", "changed", (("eligible", "true", "false"),)),),
    offices=(),  # no office in either run
)


def test_a_payment_is_on_the_premies_sheet_of_its_year_and_office_in_dutch():
    changes = Changes(BEFORE, AFTER, (*PAID, UNDECIDED))
    sheets = build_change_sheets(changes, code_labels(rule_config()), [], [], lambda run: [])
    paid = ("uitbetaling", "gewijzigd", "2024-2025", COMPANY, LEARNER, None, None, None)
    told = f"premies/betaald.csv rij 2 (nieuwe rij 2024-2025/{COMPANY}/{LEARNER}/premie)"
    assert sheets.premies_block("2024-2025", "Limburg").rows == [
        (*paid, "Uitbetaald bedrag", None, "1000,00", told),
        (*paid, "Betaalstatus", "niet uitbetaald", "uitbetaald zoals beslist", told),
    ], "the Dutch words of the statuses are the registry's"
    assert sheets.premies_block("2024-2025", NO_OFFICE).rows == [
        (
            "uitbetaling", "verdwenen", "2024-2025", COMPANY, MENTOR, None, None, None,
            "Betaalstatus", "Betaalstatus: nog te verwachten; Beslist bedrag: 1000", None,
            "beslissing voor 2024-2025 gewijzigd: Subsidiabel ja -> nee",
        )
    ]  # fmt: skip
    assert sheets.premies_block("2025-2026", "Limburg").empty.startswith("Geen wijzigingen")
    assert sheets.conformiteit_block(None).empty.startswith("Geen wijzigingen"), (
        "a payment is not a compliance change (its PAYMENT_* finding is)"
    )
