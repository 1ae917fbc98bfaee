from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.risk_factor_translations import RiskFactorTranslations


T = TypeVar("T", bound="RiskFactor")


@_attrs_define
class RiskFactor:
    """
    Attributes:
        slug (str):
        label (str):
        label_es (str):
        translations (RiskFactorTranslations): Text by language code.
        group (str):
    """

    slug: str
    label: str
    label_es: str
    translations: RiskFactorTranslations
    group: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        label = self.label

        label_es = self.label_es

        translations = self.translations.to_dict()

        group = self.group

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "label": label,
                "label_es": label_es,
                "translations": translations,
                "group": group,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.risk_factor_translations import RiskFactorTranslations  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        label = d.pop("label")

        label_es = d.pop("label_es")

        translations = RiskFactorTranslations.from_dict(d.pop("translations"))

        group = d.pop("group")

        risk_factor = cls(
            slug=slug,
            label=label,
            label_es=label_es,
            translations=translations,
            group=group,
        )

        risk_factor.additional_properties = d
        return risk_factor

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
