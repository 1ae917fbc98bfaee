from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.route import Route
from ..models.urgency import Urgency

if TYPE_CHECKING:
    from ..models.complication import Complication
    from ..models.expected_effect import ExpectedEffect


T = TypeVar("T", bound="Assessment")


@_attrs_define
class Assessment:
    """The answer to an assessment request (contract 1.1).

    Attributes:
        urgency (Urgency):
        urgency_label (str): Plain-language title of the level.
        guidance (str): What to do now, in plain language.
        complications (list[Complication]): Ranked, most likely first; may be empty.
        expected_effects (list[ExpectedEffect]):
        red_flags (list[str]): Symptom slugs that forced an emergency or urgent level.
        raised_by (list[str]): Contract 1.1. The risk-factor slugs that raised the level.
        route (Route):
        route_fallback (str): Contract 1.1. What to do when the first place cannot be reached in time.
        knowledge_base_version (str): The published release that answered: `<number>-<content hash>`.
        engine_version (str): The triage engine's version (semver).
    """

    urgency: Urgency
    urgency_label: str
    guidance: str
    complications: list[Complication]
    expected_effects: list[ExpectedEffect]
    red_flags: list[str]
    raised_by: list[str]
    route: Route
    route_fallback: str
    knowledge_base_version: str
    engine_version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        urgency = self.urgency.value

        urgency_label = self.urgency_label

        guidance = self.guidance

        complications = []
        for complications_item_data in self.complications:
            complications_item = complications_item_data.to_dict()
            complications.append(complications_item)

        expected_effects = []
        for expected_effects_item_data in self.expected_effects:
            expected_effects_item = expected_effects_item_data.to_dict()
            expected_effects.append(expected_effects_item)

        red_flags = self.red_flags

        raised_by = self.raised_by

        route = self.route.value

        route_fallback = self.route_fallback

        knowledge_base_version = self.knowledge_base_version

        engine_version = self.engine_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "urgency": urgency,
                "urgency_label": urgency_label,
                "guidance": guidance,
                "complications": complications,
                "expected_effects": expected_effects,
                "red_flags": red_flags,
                "raised_by": raised_by,
                "route": route,
                "route_fallback": route_fallback,
                "knowledge_base_version": knowledge_base_version,
                "engine_version": engine_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.complication import Complication  # noqa: PLC0415
        from ..models.expected_effect import ExpectedEffect  # noqa: PLC0415

        d = dict(src_dict)
        urgency = Urgency(d.pop("urgency"))

        urgency_label = d.pop("urgency_label")

        guidance = d.pop("guidance")

        complications = []
        _complications = d.pop("complications")
        for complications_item_data in _complications:
            complications_item = Complication.from_dict(complications_item_data)

            complications.append(complications_item)

        expected_effects = []
        _expected_effects = d.pop("expected_effects")
        for expected_effects_item_data in _expected_effects:
            expected_effects_item = ExpectedEffect.from_dict(expected_effects_item_data)

            expected_effects.append(expected_effects_item)

        red_flags = cast(list[str], d.pop("red_flags"))

        raised_by = cast(list[str], d.pop("raised_by"))

        route = Route(d.pop("route"))

        route_fallback = d.pop("route_fallback")

        knowledge_base_version = d.pop("knowledge_base_version")

        engine_version = d.pop("engine_version")

        assessment = cls(
            urgency=urgency,
            urgency_label=urgency_label,
            guidance=guidance,
            complications=complications,
            expected_effects=expected_effects,
            red_flags=red_flags,
            raised_by=raised_by,
            route=route,
            route_fallback=route_fallback,
            knowledge_base_version=knowledge_base_version,
            engine_version=engine_version,
        )

        assessment.additional_properties = d
        return assessment

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
