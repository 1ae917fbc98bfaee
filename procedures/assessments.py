"""A patient's answers made into the assessment they are shown, once per answer set.

The engine is deterministic: the same snapshot, answers, language and clinic facts always give
the same words. The questionnaire needs the same assessment several times for one patient (the
result page shows it, a refresh shows it again, the contact form names its level), and many
patients give the same answers (nothing to report on day 1 after filler), so a shown assessment is
memoised per snapshot (procedures/snapshot_memo.py).
"""

from __future__ import annotations

from .snapshot_memo import SameClinic, per_snapshot, same_clinic
from .triage import Answers, KnowledgeBase, assess
from .wording import ShownAssessment, say_assessment


@per_snapshot("ASSESSMENT_MEMO_SIZE")
def _shown(kb: KnowledgeBase, answers: Answers, language: str, clinic: SameClinic) -> ShownAssessment:
    return say_assessment(assess(kb, answers), language)


def shown_assessment(kb: KnowledgeBase, answers: Answers, language: str) -> ShownAssessment:
    """The assessment of `answers` on `kb`, said in `language` with the clinic's current facts."""
    return _shown(kb, answers, language, same_clinic())
