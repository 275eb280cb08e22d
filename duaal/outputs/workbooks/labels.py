"""Dutch words for the codes the marts carry: reasons, findings, severities, statuses, offices.

The labels of reasons, findings and quarantine reasons and the actions come from the code
registry (transforms/codes.toml), filled from the run's rule configuration (`code_labels`);
the other mappings are written once here. An unknown code falls back to the code itself, so
a new rule shows up rather than vanishes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from transforms.codes import SEVERITIES, Severity, load_codes
from transforms.rule_config import RuleConfig, parse_rule_config


@dataclass(frozen=True)
class CodeLabels:
    """The Dutch texts of the codes of the registry (transforms/codes.toml), filled from one
    run's rule configuration: a label that names a parameter shows the run's value."""

    reasons: dict[str, str]  # in the rule book's order
    findings: dict[str, str]
    actions: dict[str, str]  # findings that can still be fixed, in the Actielijst's order
    quarantine: dict[str, str]
    checks: dict[str, str]  # the run's input checks

    def reason(self, code: str) -> str:
        """The Dutch wording of a refusal reason."""
        return self.reasons.get(code, code)

    def reasons_text(self, codes: str | None) -> str:
        """';'-joined reason codes as Dutch phrases joined by '; '."""
        return "; ".join(self.reason(c) for c in split_codes(codes))

    def finding(self, code: str) -> str:
        """The Dutch name of a compliance rule."""
        return self.findings.get(code, code)

    def quarantine_reason(self, code: str) -> str:
        """The Dutch wording of a quarantine reason."""
        return self.quarantine.get(code, code)

    def check(self, code: str) -> str:
        """The Dutch name of an input check."""
        return self.checks.get(code, code)


def code_labels(config: RuleConfig) -> CodeLabels:
    """The registry's labels and actions, filled from a rule configuration."""
    return _code_labels(config.text)


@cache
def _code_labels(config_text: str) -> CodeLabels:
    registry = load_codes().filled(parse_rule_config(config_text).parameters)
    actions = sorted(
        (c for c in registry.of("finding") if c.action), key=lambda c: c.action_order or 0
    )
    return CodeLabels(
        reasons={c.code: c.label for c in registry.of("reason")},
        findings={c.code: c.label for c in registry.of("finding")},
        actions={c.code: c.action or "" for c in actions},
        quarantine={c.code: c.label for c in registry.of("quarantine")},
        checks={c.code: c.label for c in registry.of("input_check")},
    )


SEVERITY_LABELS: dict[str, str] = {"error": "fout", "warning": "waarschuwing", "info": "info"}
SEVERITY_ORDER: tuple[Severity, ...] = SEVERITIES
STATUS_LABELS: dict[str, str] = {c.code: c.label for c in load_codes().of("decision_status")}
PAYMENT_STATUS_LABELS: dict[str, str] = {c.code: c.label for c in load_codes().of("payment_status")}
SOURCE_LABELS: dict[str, str] = {
    "overeenkomsten": "Overeenkomsten (werkplekduaal)",
    "dimona": "Dimona",
    "erkenningen": "Erkenningen en mentoren",
    "premies": "Uitbetaalde premies",
}

# The mtech+ offices in report order (RULES.md, "Geography"), with their file-name slugs.
OFFICES: tuple[str, ...] = (
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant & Brussel",
    "Wallonië",
)
OFFICE_SLUGS: dict[str, str] = {
    "Antwerpen": "antwerpen",
    "Limburg": "limburg",
    "Oost-Vlaanderen": "oost-vlaanderen",
    "West-Vlaanderen": "west-vlaanderen",
    "Vlaams-Brabant & Brussel": "vlaams-brabant-brussel",
    "Wallonië": "wallonie",
}
NO_OFFICE = "Zonder kantoor"


def split_codes(codes: str | None) -> list[str]:
    """The codes of a ';'-joined field, without empty parts."""
    return [c for c in (codes or "").split(";") if c]


def severity_label(severity: str | None) -> str:
    """fout / waarschuwing / info."""
    return SEVERITY_LABELS.get(severity or "", severity or "")


def office_slug(office: str) -> str:
    """The file-name part of an office: lower case ASCII words joined by '-'."""
    if office in OFFICE_SLUGS:
        return OFFICE_SLUGS[office]
    ascii_text = unicodedata.normalize("NFKD", office).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "onbekend"


def ordered_offices(found: set[str | None]) -> list[str]:
    """The six offices in report order, then any other office found (sorted), then none."""
    extra = sorted(o for o in found if o and o not in OFFICES)
    tail = [NO_OFFICE] if None in found or "" in found else []
    return [*OFFICES, *extra, *tail]
