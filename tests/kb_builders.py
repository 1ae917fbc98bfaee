"""Small knowledge bases built in code, for engine tests that need no database."""

from procedures.triage import KnowledgeBase


def symptom(slug, group="skin"):
    return {"slug": slug, "label": slug.replace("-", " ").capitalize(), "label_es": f"{slug} es", "group": group}


def complication(slug, warning_signs=(), rules=(), cross_cutting=False, onset=(0, None), areas=(), urgency="urgent"):
    return {
        "slug": slug,
        "name": slug.replace("-", " ").capitalize(),
        "name_es": f"{slug} es",
        "summary": "s",
        "summary_es": "s",
        "what_to_do": f"Do this for {slug}.",
        "what_to_do_es": "Haga esto.",
        "escalation": "Call {emergency_number} if worse.",
        "escalation_es": "Llame al {emergency_number}.",
        "default_urgency": urgency,
        "cross_cutting": cross_cutting,
        "default_onset_days": list(onset),
        "typical_areas": list(areas),
        "sources": ["S1"],
        "warning_signs": [
            {"symptom": s, "weight": w, "urgency": u, "except_procedures": list(x)} for s, w, u, *x in warning_signs
        ],
        "rules": list(rules),
    }


def rule(slug, clauses, urgency, **scope):
    return {
        "slug": slug,
        "name": slug,
        "urgency": urgency,
        "explanation": f"Rule {slug} fired.",
        "explanation_es": "Regla.",
        "clauses": [list(c) for c in clauses],
        "procedures": scope.get("procedures", []),
        "except_procedures": scope.get("except_procedures", []),
        "areas": scope.get("areas", []),
        "min_day": scope.get("min_day"),
        "max_day": scope.get("max_day"),
        "trend": scope.get("trend", ""),
        "system_red_flag": scope.get("system_red_flag", False),
    }


def effect(slug, symptoms, until, worst=1, after="soon", becomes=None, improving_until=None):
    return {
        "improving_until_day": improving_until,
        "slug": slug,
        "name": slug.capitalize(),
        "name_es": slug,
        "description": "normal",
        "description_es": "normal",
        "symptoms": list(symptoms),
        "normal_until_day": until,
        "worst_by_day": worst,
        "level_after": after,
        "becomes": becomes,
    }


def link(comp, lo, hi, urgency="urgent", band="rare"):
    return {
        "complication": comp,
        "onset_min_days": lo,
        "onset_max_days": hi,
        "frequency": "",
        "frequency_band": band,
        "evidence_grade": "A",
        "urgency": urgency,
        "note": "",
        "note_es": "",
    }


SYMPTOMS = [
    "redness",
    "swelling",
    "tenderness",
    "blisters",
    "white-leathery-skin",
    "spreading-redness",
    "pus-or-drainage",
    "fever",
    "confusion",
    "hives",
    "difficulty-breathing",
    "double-vision",
    "difficulty-swallowing",
    "lump",
    "ringing-ears",
    "eyelid-droop",
]


def toy_kb() -> KnowledgeBase:
    """A filler-like and a toxin-like procedure, a burn, an infection and two red flags."""
    data = {
        "symptoms": [symptom(s) for s in SYMPTOMS],
        "areas": [{"slug": a, "name": a, "name_es": a} for a in ("face", "abdomen")],
        "sources": [{"code": "S1", "title": "t", "url": "", "grade": "A"}],
        "complications": [
            complication(
                "burn",
                [("blisters", 0.8, "urgent"), ("white-leathery-skin", 1.0, "emergency"), ("redness", 0.1, "self_care")],
            ),
            complication(
                "infection",
                [("spreading-redness", 0.6, "urgent"), ("pus-or-drainage", 0.6, "urgent"), ("fever", 0.3, "urgent")],
                rules=[
                    rule(
                        "infection-with-confusion",
                        [["spreading-redness", "pus-or-drainage", "fever"], ["confusion"]],
                        "emergency",
                    ),
                    rule("warm-and-worse", [["swelling"], ["redness"]], "urgent", trend="worsening", min_day=3),
                ],
                cross_cutting=True,
                onset=(1, 30),
            ),
            complication(
                "anaphylaxis",
                [("difficulty-breathing", 0.5, "emergency"), ("hives", 0.3, "soon")],
                rules=[rule("hives-and-breathing", [["hives"], ["difficulty-breathing"]], "emergency")],
                cross_cutting=True,
                onset=(0, None),
            ),
            complication(
                "toxin-spread",
                [("double-vision", 0.7, "urgent"), ("difficulty-swallowing", 0.6, "urgent")],
                rules=[
                    rule("double-vision-and-swallowing", [["double-vision"], ["difficulty-swallowing"]], "emergency")
                ],
                onset=(1, 21),
            ),
            complication("ptosis", [("eyelid-droop", 0.9, "soon")], urgency="soon", onset=(2, 10)),
            complication("nodule", [("lump", 0.7, "soon")], urgency="soon", areas=("face",)),
            complication("persistent-swelling", [("swelling", 0.3, "soon")], urgency="soon"),
        ],
        "procedures": [
            {
                "slug": "device",
                "name": "Device",
                "name_es": "Aparato",
                "aliases": ["Brand"],
                "kind": "energy device",
                "description": "d",
                "description_es": "d",
                "expected_effects": [
                    effect("redness", ["redness"], 2, worst=1, improving_until=10),
                    effect("swelling", ["swelling", "tenderness"], 7, worst=2, becomes="persistent-swelling"),
                ],
                "complications": [
                    link("burn", 0, 2),
                    link("nodule", 7, 42, "soon"),
                    link("persistent-swelling", 8, 60, "soon"),
                ],
            },
            {
                "slug": "toxin",
                "name": "Toxin",
                "name_es": "Toxina",
                "aliases": [],
                "kind": "injectable",
                "description": "d",
                "description_es": "d",
                "expected_effects": [effect("bruise", ["tenderness"], 3)],
                "complications": [link("toxin-spread", 1, 21), link("ptosis", 2, 10, "soon")],
            },
        ],
    }
    return KnowledgeBase.from_dict(data, version="toy-1")
