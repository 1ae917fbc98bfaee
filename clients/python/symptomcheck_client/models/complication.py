from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.urgency import Urgency

T = TypeVar("T", bound="Complication")


@_attrs_define
class Complication:
    """
    Attributes:
        slug (str):
        name (str):
        score (float): How strongly the symptoms point to it, 0 to 1 (noisy-OR of the signs' weights); comparable within
            one response.
        urgency (Urgency):
        matched_symptoms (list[str]):
        explanation (str): Why it is listed, in plain language.
    """

    slug: str
    name: str
    score: float
    urgency: Urgency
    matched_symptoms: list[str]
    explanation: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        score = self.score

        urgency = self.urgency.value

        matched_symptoms = self.matched_symptoms

        explanation = self.explanation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "name": name,
                "score": score,
                "urgency": urgency,
                "matched_symptoms": matched_symptoms,
                "explanation": explanation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        score = d.pop("score")

        urgency = Urgency(d.pop("urgency"))

        matched_symptoms = cast(list[str], d.pop("matched_symptoms"))

        explanation = d.pop("explanation")

        complication = cls(
            slug=slug,
            name=name,
            score=score,
            urgency=urgency,
            matched_symptoms=matched_symptoms,
            explanation=explanation,
        )

        complication.additional_properties = d
        return complication

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
