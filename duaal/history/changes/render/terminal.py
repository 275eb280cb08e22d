"""`duaal diff` on the terminal, in English: the two runs and the counts, then a block per
decision and per payment (pair and school year), per agreement or mentor for findings, then
the new quarantined rows and refused files; lines of at most WIDTH characters."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from duaal.history.changes.causes import Cause
from duaal.history.changes.model import DECISION_FIELDS, PAYMENT_FIELDS, Change, Changes
from duaal.history.changes.words import ENGLISH

WIDTH = 100  # the widest line `duaal diff` prints (a file name longer than that stays whole)
_FIELD_ORDER = {
    "decision": {f: i for i, f in enumerate(DECISION_FIELDS)},
    "payment": {f: i for i, f in enumerate(PAYMENT_FIELDS)},
}
_AMOUNTS = ("amount_eur", "decided_eur", "paid_eur")


def _wrapped(text: str, indent: int, hanging: int | None = None, width: int = WIDTH) -> list[str]:
    """A text in lines of at most `width` characters (a longer word stays whole)."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2 if hanging is None else hanging),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [" " * indent]


def _because(causes: Sequence[Cause], indent: int) -> list[str]:
    """The causes of a change, under it."""
    texts = [c.text(ENGLISH) for c in causes]
    if len(texts) == 1:
        return _wrapped(f"because: {texts[0]}", indent, indent + 4)
    lines = _wrapped("because:", indent) if texts else []
    for text in texts:
        lines += _wrapped(f"- {text}", indent + 2, indent + 4)
    return lines


def _word(field: str, value: str | None) -> str:
    """A field's value as the terminal says it."""
    if field == "eligible":
        return ENGLISH.yes if value == "true" else ENGLISH.no
    if field in _AMOUNTS:
        return ENGLISH.money(value) if value is not None else "(none)"
    if field == "reasons":
        return (value or "").replace(";", ", ") or "(none)"
    return value or ENGLISH.empty


def _decision_summary(values: tuple[str | None, ...]) -> str:
    d = dict(zip(DECISION_FIELDS, values, strict=True))
    eligible = (
        "eligible"
        if d["eligible"] == "true"
        else f"not eligible ({_word('reasons', d['reasons'])})"
    )
    return (
        f"{eligible}, EUR {d['amount_eur']}, {d['months_covered']} months covered, "
        f"{d['status']}, office {d['office'] or '(none)'}"
    )


def _payment_summary(values: tuple[str | None, ...]) -> str:
    status, decided, paid = values
    told = f"paid {_word('paid_eur', paid)}" if paid is not None else "nothing paid"
    return f"{status}, decided {_word('decided_eur', decided)}, {told}"


def _changed_line(c: Change) -> str:
    before, after = _word(c.field, c.before[0]), _word(c.field, c.after[0])
    return f"{ENGLISH.field(c.kind, c.field)}: {before} -> {after}"


def _pair_line(
    c: Change, summary: Callable[[tuple[str | None, ...]], str], appeared: str, gone: str
) -> str:
    """A decision's or a payment's change: the row that appeared or went, summed up, or
    the field that changed."""
    if c.change == "appeared":
        return f"{appeared}: {summary(c.after)}"
    if c.change == "disappeared":
        return f"{gone}: {summary(c.before)}"
    return _changed_line(c)


def _decision_line(c: Change) -> str:
    return _pair_line(c, _decision_summary, "new decision", "decision gone; it was")


def _payment_line(c: Change) -> str:
    return _pair_line(c, _payment_summary, "now reconciled", "no longer reconciled; it was")


def _finding_line(c: Change) -> str:
    if c.change == "appeared":
        return f"{c.code} appeared: {c.after[0]}: {c.after[1] or ''}"
    if c.change == "resolved":
        return f"{c.code} resolved; it was {c.before[0]}: {c.before[1] or ''}"
    return f"{c.code} {_changed_line(c)}"


def _groups(
    items: Sequence[Change], key: Callable[[Change], tuple[str, ...]]
) -> list[tuple[tuple[str, ...], list[Change]]]:
    """Changes grouped by key, groups in the key's order, each in the export's order."""
    groups: dict[tuple[str, ...], list[Change]] = {}
    for c in items:
        groups.setdefault(key(c), []).append(c)
    return sorted(groups.items(), key=lambda g: g[0])


def _pair_blocks(items: Sequence[Change], line: Callable[[Change], str]) -> list[str]:
    """One block per decision or payment (school year and pair): its changed fields in
    their order, then their causes (under each field when they differ)."""
    lines: list[str] = []
    for (year, kbo, insz), group in _groups(
        items, lambda c: (c.school_year, c.company_kbo, c.learner_insz)
    ):
        lines += _wrapped(f"{year}  company {kbo}  learner {insz}", 2)
        order = _FIELD_ORDER[group[0].kind]
        group.sort(key=lambda c: order.get(c.field, -1) if c.change == "changed" else -1)
        shared = len({c.causes for c in group}) == 1
        for c in group:
            lines += _wrapped(line(c), 4, 6)
            if not shared:
                lines += _because(c.causes, 6)
        if shared:
            lines += _because(group[0].causes, 4)
    return lines


def _subject(c: Change) -> tuple[str, ...]:
    """What a finding is about: its agreement, else its mentor, else its pair (a PAYMENT_*
    finding has neither agreement nor mentor)."""
    if c.agreement_id:
        return (c.agreement_id, "", "", "")
    if c.mentor_insz:
        return ("", c.mentor_insz, "", "")
    return ("", "", c.company_kbo, c.learner_insz)


def _finding_blocks(items: Sequence[Change]) -> list[str]:
    """One block per agreement (or mentor, or pair): each finding that appeared, was
    resolved or changed, with its causes."""
    lines: list[str] = []
    for (agreement, mentor, company, learner), group in _groups(items, _subject):
        first = group[0]
        if agreement:
            head = (
                f"agreement {agreement}  company {first.company_kbo}  learner {first.learner_insz}"
            )
            if first.mentor_insz:
                head += f"  mentor {first.mentor_insz}"
        elif mentor:
            head = f"mentor {mentor}"
        else:
            head = f"company {company}  learner {learner}"
        lines += _wrapped(head, 2)
        for c in group:
            lines += _wrapped(_finding_line(c), 4, 6)
            lines += _because(c.causes, 6)
    return lines


def _placed(items: Sequence[Change], with_code: bool) -> list[str]:
    """New quarantined rows and refused files: where, (the reason's code,) the detail."""
    lines: list[str] = []
    for c in items:
        where = c.place.text(ENGLISH) if c.place else ""
        code = f"{c.code}: " if with_code else ""
        lines += _wrapped(f"{where}: {code}{c.after[0] or ''}", 2, 4)
    return lines


def format_changes(changes: Changes) -> str:
    """`duaal diff` on the terminal (the module's docstring)."""
    b, a = changes.before, changes.after
    if b is None:
        return f"run {a.run_id} (as_of {a.as_of}) is the first completed run: nothing to compare\n"
    lines = [f"from {b.run_id} (as_of {b.as_of}) to {a.run_id} (as_of {a.as_of})"]
    if not changes.items:
        return lines[0] + "\nno changes\n"
    lines += _wrapped(changes.counts().parts(), 0)
    by_kind: dict[str, list[Change]] = {}
    for c in changes.items:
        by_kind.setdefault(c.kind, []).append(c)
    sections: list[tuple[str, str, Callable[[list[Change]], list[str]]]] = [
        ("decision", "decisions", lambda items: _pair_blocks(items, _decision_line)),
        ("finding", "findings", _finding_blocks),
        ("payment", "payments", lambda items: _pair_blocks(items, _payment_line)),
        ("quarantine", "newly quarantined rows", lambda items: _placed(items, True)),
        ("file", "newly refused files", lambda items: _placed(items, False)),
    ]
    for kind, title, blocks in sections:
        if kind in by_kind:
            lines += ["", title, *blocks(by_kind[kind])]
    return "\n".join(lines) + "\n"
