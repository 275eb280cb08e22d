"""`duaal explain`: the whole story of one learner's premium decisions, or of one mentor.

The decision shown is the one the run stored (`run_decisions`), exactly. The story behind it
is told from the rows the decision was built from: the SQL models are rebuilt on that run's
own rows of the person, with its rule configuration and as_of (as `duaal audit` rebuilds
them), and every fact told (each condition and its dates, each Dimona period counted or not
and why, each merged interval with its months m + r/d, the premiums before and where each
came from, the payment) is a column of a model the decision reads. Nothing here decides: a
rule changed in SQL changes the story with it. A guard compares the story's rows with the
stored decision and says `LET OP` where they differ. No Prefect, no Great Expectations.

    run.py         the run, the person, the models rebuilt on the run's rows
    queries.py     what a story reads of the rebuilt models and the run
    learner.py     the learner's story, decision by decision
    conditions.py  the agreements and their four conditions
    training.py    the Dimona periods, the intervals and the months arithmetic
    premiums.py    the premiums before and the payment
    guard.py       the check behind LET OP
    mentor.py      the mentor's story
    story.py       the lines of a story and its forms: text, Markdown, JSON
    words.py       dates, numbers, amounts and model values in Dutch
"""

from duaal.history.explain.learner import explain_learner
from duaal.history.explain.mentor import explain_mentor
from duaal.history.explain.run import NothingToExplain
from duaal.history.explain.story import Story

__all__ = ["NothingToExplain", "Story", "explain_learner", "explain_mentor"]
