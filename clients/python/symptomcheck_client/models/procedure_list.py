from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.procedure import Procedure


T = TypeVar("T", bound="ProcedureList")


@_attrs_define
class ProcedureList:
    """
    Attributes:
        knowledge_base_version (str):
        procedures (list[Procedure]):
    """

    knowledge_base_version: str
    procedures: list[Procedure]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        knowledge_base_version = self.knowledge_base_version

        procedures = []
        for procedures_item_data in self.procedures:
            procedures_item = procedures_item_data.to_dict()
            procedures.append(procedures_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "knowledge_base_version": knowledge_base_version,
                "procedures": procedures,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.procedure import Procedure  # noqa: PLC0415

        d = dict(src_dict)
        knowledge_base_version = d.pop("knowledge_base_version")

        procedures = []
        _procedures = d.pop("procedures")
        for procedures_item_data in _procedures:
            procedures_item = Procedure.from_dict(procedures_item_data)

            procedures.append(procedures_item)

        procedure_list = cls(
            knowledge_base_version=knowledge_base_version,
            procedures=procedures,
        )

        procedure_list.additional_properties = d
        return procedure_list

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
