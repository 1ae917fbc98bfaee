"""The triage engine: pure Python over an immutable knowledge-base snapshot.

Public entry point: `assess(kb, answers) -> Assessment`. The assessment is language-neutral:
procedures/wording.py says it in the patient's language.
"""

from .engine import (
    ENGINE_VERSION,
    Answers,
    Assessment,
    ComplicationFinding,
    EffectFinding,
    Reason,
    UnknownProcedure,
    assess,
)
from .knowledge import KnowledgeBase
from .messages import Message, Text
from .scales import LEVEL_RANK, LEVELS, TRENDS

__all__ = [
    "ENGINE_VERSION",
    "LEVELS",
    "LEVEL_RANK",
    "TRENDS",
    "Answers",
    "Assessment",
    "ComplicationFinding",
    "EffectFinding",
    "KnowledgeBase",
    "Message",
    "Reason",
    "Text",
    "UnknownProcedure",
    "assess",
]
