from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.area import Area
    from ..models.risk_factor import RiskFactor
    from ..models.symptom import Symptom


T = TypeVar("T", bound="SymptomList")


@_attrs_define
class SymptomList:
    """
    Attributes:
        knowledge_base_version (str):
        symptoms (list[Symptom]):
        areas (list[Area]):
        risk_factors (list[RiskFactor]): Risk-factor slugs for `risk_factors` in an assessment.
    """

    knowledge_base_version: str
    symptoms: list[Symptom]
    areas: list[Area]
    risk_factors: list[RiskFactor]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        knowledge_base_version = self.knowledge_base_version

        symptoms = []
        for symptoms_item_data in self.symptoms:
            symptoms_item = symptoms_item_data.to_dict()
            symptoms.append(symptoms_item)

        areas = []
        for areas_item_data in self.areas:
            areas_item = areas_item_data.to_dict()
            areas.append(areas_item)

        risk_factors = []
        for risk_factors_item_data in self.risk_factors:
            risk_factors_item = risk_factors_item_data.to_dict()
            risk_factors.append(risk_factors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "knowledge_base_version": knowledge_base_version,
                "symptoms": symptoms,
                "areas": areas,
                "risk_factors": risk_factors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.area import Area  # noqa: PLC0415
        from ..models.risk_factor import RiskFactor  # noqa: PLC0415
        from ..models.symptom import Symptom  # noqa: PLC0415

        d = dict(src_dict)
        knowledge_base_version = d.pop("knowledge_base_version")

        symptoms = []
        _symptoms = d.pop("symptoms")
        for symptoms_item_data in _symptoms:
            symptoms_item = Symptom.from_dict(symptoms_item_data)

            symptoms.append(symptoms_item)

        areas = []
        _areas = d.pop("areas")
        for areas_item_data in _areas:
            areas_item = Area.from_dict(areas_item_data)

            areas.append(areas_item)

        risk_factors = []
        _risk_factors = d.pop("risk_factors")
        for risk_factors_item_data in _risk_factors:
            risk_factors_item = RiskFactor.from_dict(risk_factors_item_data)

            risk_factors.append(risk_factors_item)

        symptom_list = cls(
            knowledge_base_version=knowledge_base_version,
            symptoms=symptoms,
            areas=areas,
            risk_factors=risk_factors,
        )

        symptom_list.additional_properties = d
        return symptom_list

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
