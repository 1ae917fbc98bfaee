"""The triage engine: pure Python over an immutable knowledge-base snapshot.

Public entry point: `assess(kb, answers, language="en") -> Assessment`.
"""

from .engine import (
    ENGINE_VERSION,
    TRENDS,
    Answers,
    Assessment,
    ComplicationFinding,
    EffectFinding,
    Reason,
    UnknownProcedure,
    assess,
)
from .knowledge import LEVEL_RANK, LEVELS, KnowledgeBase

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
    "Reason",
    "UnknownProcedure",
    "assess",
]
