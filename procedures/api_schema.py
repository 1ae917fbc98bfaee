"""The API's shapes, declared once as pydantic models: the request body that procedures/validation.py
validates with, and the answers that procedures/openapi.py describes in /api/v1/openapi.json.

Validation and the published schema read the same models, so they cannot drift. What a model cannot
know is which slugs exist: those come from the published knowledge base, which staff change. A slug
field is therefore a string marked with `PublishedSlugs`, which names the list endpoint that gives
its values and, when validation is handed the knowledge base, refuses slugs it does not hold.

The answers are built as plain dicts by procedures/api.py (a model's mistake must never turn an
emergency answer into a 500); tests and the contract run check them against these models.
Closed vocabularies (levels, routes, trends) come from procedures/triage/scales.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from django.conf import settings
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    create_model,
)
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypeAliasType

from .triage.scales import LEVELS, ROUTE_VALUES, TRENDS

MAX_DAYS = 3650
MAX_SLUGS = 200
# How much of an unknown slug an error quotes back, so that a huge value is not echoed whole.
QUOTED_SLUG_CHARS = 60

# Named aliases, so the schema (and a generated client) has one `Urgency`, `Route` and `Trend`.
Urgency = TypeAliasType("Urgency", Literal[LEVELS])  # type: ignore[valid-type]
Route = TypeAliasType("Route", Literal[ROUTE_VALUES])  # type: ignore[valid-type]
Trend = TypeAliasType("Trend", Literal[TRENDS])  # type: ignore[valid-type]


@dataclass(frozen=True)
class PublishedSlugs:
    """Marks a string, or a list of strings, as slugs of the published knowledge base.

    `what` names one in messages ("symptom"), `kb_attribute` is the KnowledgeBase mapping that holds
    them and `listed_by` where clients read them. The check runs only when validation is given the
    knowledge base (`context={"knowledge_base": kb}`). The JSON schema names the list rather than
    enumerating the values: staff publish new ones within v1 (docs/api.md)."""

    what: str
    kb_attribute: str
    listed_by: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        json_schema = handler(schema)
        json_schema["x-slugs-listed-by"] = self.listed_by
        return json_schema

    def _check(self, value: str | list[str], info: core_schema.ValidationInfo) -> str | list[str]:
        kb = (info.context or {}).get("knowledge_base")
        if kb is None:
            return value
        known = getattr(kb, self.kb_attribute)
        # The slugs go in as context, not into the template, so that braces in them stay text.
        if isinstance(value, str):
            if value not in known:
                raise PydanticCustomError("unknown_slug", "Unknown {what} {slug}.", self._quote([value]))
            return value
        unknown = sorted({item for item in value if item not in known})
        if unknown:
            raise PydanticCustomError("unknown_slug", "Unknown {what}(s): {slug}.", self._quote(unknown[:10]))
        return value

    def _quote(self, slugs: list[str]) -> dict[str, str]:
        """Each slug in quotes (so an empty one shows), cut to a readable length."""
        return {"what": self.what, "slug": ", ".join(f"'{slug[:QUOTED_SLUG_CHARS]}'" for slug in slugs)}


def published_slugs(model: type[BaseModel]) -> dict[str, PublishedSlugs]:
    """The slug fields of `model` and their markers, found in each field's annotation (however nested,
    e.g. `Annotated[str, AREA] | None`)."""

    def markers(annotation: Any) -> list[PublishedSlugs]:
        own = [m for m in getattr(annotation, "__metadata__", ()) if isinstance(m, PublishedSlugs)]
        return own + [m for arg in get_args(annotation) for m in markers(arg)]

    found = {
        name: [m for m in info.metadata if isinstance(m, PublishedSlugs)] + markers(info.annotation)
        for name, info in model.model_fields.items()
    }
    return {name: marked[0] for name, marked in found.items() if marked}


PROCEDURE = PublishedSlugs("procedure", "procedures", "GET /api/v1/procedures: procedures[].slug")
SYMPTOM = PublishedSlugs("symptom", "symptoms", "GET /api/v1/symptoms: symptoms[].slug")
AREA = PublishedSlugs("area", "areas", "GET /api/v1/symptoms: areas[].slug")
RISK_FACTOR = PublishedSlugs("risk factor", "risk_factors", "GET /api/v1/symptoms: risk_factors[].slug")


def _whole_number(value: Any) -> Any:
    """JSON has one number type: 3.0 is the integer 3 for JSON Schema, and for clients in languages
    that write every number as a float. 2.5 stays a float, refused as a day count."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A day count: an integer, never coerced from a string or a boolean (the model is strict).
Day = Annotated[int, Field(ge=0, le=MAX_DAYS), BeforeValidator(_whole_number)]
SlugList = Annotated[list[str], Field(max_length=MAX_SLUGS)]


class AssessmentRequest(BaseModel):
    """The body of POST /api/v1/assessments (contract 1.1). Wrong types are refused, never coerced:
    "3" is not a day count and `true` is not an integer. `null` in an optional field means absent."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "procedure": "trusculpt-id",
                    "days_since_treatment": 1,
                    "symptoms": ["redness", "warmth", "tenderness", "swelling"],
                    "trend": "improving",
                    "area": "abdomen",
                },
                {
                    "procedure": "dermal-filler",
                    "days_since_treatment": 0,
                    "symptoms": ["skin-blanching", "severe-pain"],
                    "area": "lips",
                    "symptoms_started_day": 0,
                    "risk_factors": [],
                    "already_seen": False,
                },
            ]
        },
    )

    procedure: Annotated[str, PROCEDURE] = Field(
        description="Procedure slug, e.g. `mesotherapy`, as listed by GET /api/v1/procedures."
    )
    days_since_treatment: Day = Field(description="Days since the treatment: 0 is the day of treatment.")
    symptoms: Annotated[SlugList, SYMPTOM] = Field(
        description=(
            "What the patient reports now: symptom slugs as listed by GET /api/v1/symptoms. May be empty; "
            "order is irrelevant and duplicates are harmless."
        )
    )
    trend: Trend | None = Field(default=None, description="How the symptoms are going; absent means unknown.")
    area: Annotated[str, AREA] | None = Field(
        default=None, description="Treated area: an area slug as listed by GET /api/v1/symptoms (`areas`)."
    )
    symptoms_started_day: Day | None = Field(
        default=None,
        description=(
            "Contract 1.1. The day after treatment on which the reported symptoms began (0 = the day of "
            "treatment); at most `days_since_treatment`, else 400. Absent means unknown."
        ),
    )
    risk_factors: Annotated[SlugList, RISK_FACTOR] | None = Field(
        default=None,
        description=(
            "Contract 1.1. Facts about the patient and the treatment that change the level: risk-factor slugs "
            "as listed by GET /api/v1/symptoms (`risk_factors`)."
        ),
    )
    already_seen: bool | None = Field(
        default=None,
        description=(
            "Contract 1.1. A clinician has already assessed this problem and the patient follows their plan. "
            "It may turn `soon` into following that plan; it never lowers `urgent` or `emergency`."
        ),
    )


# --- Answers ----------------------------------------------------------------------------------


class Complication(BaseModel):
    slug: str
    name: str
    score: float = Field(
        ge=0,
        le=1,
        description="How strongly the symptoms point to it, 0 to 1 (noisy-OR of the signs' weights); "
        "comparable within one response.",
    )
    urgency: Urgency
    matched_symptoms: list[str]
    explanation: str = Field(description="Why it is listed, in plain language.")


class ExpectedEffect(BaseModel):
    slug: str
    name: str
    usual_duration: str


class Assessment(BaseModel):
    """The answer to an assessment request (contract 1.1)."""

    urgency: Urgency = Field(description="How fast to act.")
    urgency_label: str = Field(description="Plain-language title of the level.")
    guidance: str = Field(description="What to do now, in plain language.")
    complications: list[Complication] = Field(description="Ranked, most likely first; may be empty.")
    expected_effects: list[ExpectedEffect]
    red_flags: list[str] = Field(description="Symptom slugs that forced an emergency or urgent level.")
    raised_by: list[str] = Field(description="Contract 1.1. The risk-factor slugs that raised the level.")
    route: Route = Field(description="Contract 1.1. Where to go first, beside `urgency` (how fast).")
    route_fallback: str = Field(description="Contract 1.1. What to do when the first place cannot be reached in time.")
    knowledge_base_version: str = Field(description="The published release that answered: `<number>-<content hash>`.")
    engine_version: str = Field(description="The triage engine's version (semver).")


class Errors(BaseModel):
    """Every error answer under /api/: messages by field (`body`, `method`, `non_field_errors`, a request
    field, or `service`/`knowledge_base` for a 503)."""

    errors: dict[str, Annotated[list[str], Field(min_length=1)]]


def _translated(key: str, name: str) -> type[BaseModel]:
    """An item's text in English (`key`), in the flat `<key>_<code>` keys integrations read
    (settings.API_LIST_LANGUAGE_KEYS; "" when not translated), and in every configured language
    under `translations`."""
    by_language = create_model(f"{name}Text", **{key: (str, ...)})
    flat: dict[str, Any] = {f"{key}_{code}": (str, ...) for code in settings.API_LIST_LANGUAGE_KEYS}
    return create_model(
        f"{name}Texts",
        slug=(str, ...),
        **{key: (str, ...)},
        **flat,
        translations=(dict[str, by_language], Field(description="Text by language code.")),  # type: ignore[valid-type]
    )


class Procedure(_translated("name", "Procedure")):  # type: ignore[misc]
    aliases: list[str] = Field(description="Brand and common names patients use.")
    kind: str


class Symptom(_translated("label", "Symptom")):  # type: ignore[misc]
    group: str


class Area(_translated("name", "Area")):  # type: ignore[misc]
    pass


class RiskFactor(_translated("label", "RiskFactor")):  # type: ignore[misc]
    group: str


class ProcedureList(BaseModel):
    knowledge_base_version: str
    procedures: list[Procedure]


class SymptomList(BaseModel):
    knowledge_base_version: str
    symptoms: list[Symptom]
    areas: list[Area]
    risk_factors: list[RiskFactor] = Field(description="Risk-factor slugs for `risk_factors` in an assessment.")
