"""Turning a snapshot and an assessment into what the patient pages show.

Pure functions over engine objects, kept out of the views so they can be tested without a
request and reused by the printable summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import SymptomGroup
from .triage import Answers, Assessment, KnowledgeBase

LEVEL_ICONS = {"emergency": "⛑", "urgent": "⚠", "soon": "☎", "self_care": "✓"}


@dataclass(frozen=True)
class SymptomChoice:
    slug: str
    label: str
    checked: bool


@dataclass(frozen=True)
class SymptomGroupView:
    key: str
    label: str
    choices: tuple[SymptomChoice, ...]


def relevant_symptoms(kb: KnowledgeBase, procedure_slug: str) -> set[str]:
    """Symptoms this procedure's own effects and complications talk about."""
    procedure = kb.procedures[procedure_slug]
    slugs: set[str] = set()
    for effect in procedure.expected_effects:
        slugs |= effect.symptoms
    for slug, link in procedure.links.items():
        comp = kb.complications.get(slug)
        if comp is not None and link.explicit:
            slugs |= {ws.symptom for ws in comp.warning_signs if procedure_slug not in ws.except_procedures}
    return slugs


def symptom_groups(kb: KnowledgeBase, procedure_slug: str, language: str, selected: set[str]) -> list[SymptomGroupView]:
    """Symptoms grouped by kind; in each group, the ones that matter for this procedure first.

    Groups that hold relevant symptoms come first as well, so a patient after truSculpt flex
    sees muscle and urine questions before eye questions.
    """
    relevant = relevant_symptoms(kb, procedure_slug)
    group_labels = dict(SymptomGroup.choices)
    buckets: dict[str, list] = {}
    for symptom in sorted(kb.symptoms.values(), key=lambda s: (s.position, s.slug)):
        buckets.setdefault(symptom.group, []).append(symptom)
    groups = []
    for key, symptoms in buckets.items():
        ordered = sorted(symptoms, key=lambda s: (s.slug not in relevant, s.position))
        groups.append(
            (
                -sum(s.slug in relevant for s in symptoms),
                SymptomGroupView(
                    key=key.replace(" ", "-"),
                    label=str(group_labels.get(key, key)),
                    choices=tuple(SymptomChoice(s.slug, s.label.get(language), s.slug in selected) for s in ordered),
                ),
            )
        )
    groups.sort(key=lambda pair: pair[0])
    return [group for _, group in groups]


def result_context(kb: KnowledgeBase, answers: Answers, assessment: Assessment, language: str) -> dict:
    procedure = kb.procedures[answers.procedure]
    listed = [kb.complications[c.slug] for c in assessment.complications[:3]]
    change_advice = [c.escalation.get(language) for c in listed if c.escalation.get(language)]
    self_care = [c.self_care.get(language) for c in listed if c.self_care.get(language)]
    evidence_notes = [
        (c.name.get(language), c.evidence_note.get(language)) for c in listed if c.evidence_note.get(language)
    ]
    return {
        "assessment": assessment,
        "level": assessment.urgency,
        "level_icon": LEVEL_ICONS[assessment.urgency],
        "procedure_name": procedure.name.get(language),
        "day": answers.days_since_treatment,
        "area_name": kb.areas[answers.area].name.get(language) if answers.area in kb.areas else None,
        "trend": answers.trend,
        "reported": [
            kb.symptoms[s].label.get(language) for s in sorted(answers.symptoms, key=lambda s: kb.symptoms[s].position)
        ],
        "red_flag_labels": [kb.symptoms[s].label.get(language) for s in assessment.red_flags],
        "change_advice": change_advice,
        "self_care_advice": self_care,
        "evidence_notes": evidence_notes,
        "all_effects": [
            {
                "name": e.name.get(language),
                "description": e.description.get(language),
                "until": e.normal_until_day,
                "reported": bool(e.symptoms & answers.symptoms),
            }
            for e in procedure.expected_effects
        ],
        "no_symptoms_title": _("You did not report any symptoms"),
    }
