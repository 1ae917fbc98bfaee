from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.procedure_translations import ProcedureTranslations


T = TypeVar("T", bound="Procedure")


@_attrs_define
class Procedure:
    """
    Attributes:
        slug (str):
        name (str):
        name_es (str):
        translations (ProcedureTranslations): Text by language code.
        aliases (list[str]): Brand and common names patients use.
        kind (str):
    """

    slug: str
    name: str
    name_es: str
    translations: ProcedureTranslations
    aliases: list[str]
    kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        name = self.name

        name_es = self.name_es

        translations = self.translations.to_dict()

        aliases = self.aliases

        kind = self.kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "name": name,
                "name_es": name_es,
                "translations": translations,
                "aliases": aliases,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.procedure_translations import ProcedureTranslations  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        name = d.pop("name")

        name_es = d.pop("name_es")

        translations = ProcedureTranslations.from_dict(d.pop("translations"))

        aliases = cast(list[str], d.pop("aliases"))

        kind = d.pop("kind")

        procedure = cls(
            slug=slug,
            name=name,
            name_es=name_es,
            translations=translations,
            aliases=aliases,
            kind=kind,
        )

        procedure.additional_properties = d
        return procedure

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
