"""`duaal explain`: the whole story of a learner's (or mentor's) decisions."""

from __future__ import annotations

import argparse
import sys

from cli.exits import EXIT_OK
from cli.options import database_flags, school_year_arg, settings_of

NAME = "explain"
HELP = "the whole story of a learner's (or mentor's) decisions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner", help="INSZ of the learner")
    who.add_argument("--mentor", help="INSZ of the mentor")
    p.add_argument("--company", help="KBO of the company (default: every company)")
    p.add_argument("--school-year", type=school_year_arg, help="default: every school year")
    p.add_argument("--run", dest="run_id", help="the run (default: the latest completed)")
    p.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="text (default), markdown or json",
    )
    database_flags(p)


def run(args: argparse.Namespace) -> int:
    """Print the story of a learner's decisions, or of a mentor, as the run decided them."""
    from duaal.common.settings import UsageError
    from duaal.history.explain import explain_learner, explain_mentor
    from transforms.identifiers import (
        InvalidIdentifier,
        is_pseudonym,
        normalise_insz,
        normalise_kbo,
    )

    settings = settings_of(args)
    for flag, value, check in (
        ("--learner", args.learner, normalise_insz),
        ("--mentor", args.mentor, normalise_insz),
        ("--company", args.company, normalise_kbo),
    ):
        if value is not None and not is_pseudonym(value.strip()):
            try:
                check(value)
            except InvalidIdentifier as exc:
                what = "an ondernemingsnummer (KBO)" if flag == "--company" else "an INSZ"
                raise UsageError(f"{flag} {value}: not {what} ({exc})") from None
    if args.mentor:
        story = explain_mentor(
            settings.db, args.mentor, run_id=args.run_id, timeout_s=settings.lock_timeout_s
        )
    else:
        story = explain_learner(
            settings.db,
            args.learner,
            company=args.company,
            school_year=args.school_year,
            run_id=args.run_id,
            timeout_s=settings.lock_timeout_s,
        )
    sys.stdout.write(story.render(args.format))
    return EXIT_OK
