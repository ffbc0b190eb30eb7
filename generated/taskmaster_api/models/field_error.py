from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError(_Model):
    """One invalid field of a request.

    Example:
        {'pointer': '/title', 'detail': 'String is too short (minimum length 1).', 'code': 'min_length'}

    Attributes:
        pointer (str): A JSON pointer into the request body, or `#/query/<name>` / `#/header/<name>`.
        detail (str): What is wrong with it.
        code (str | Unset): A stable machine-readable reason, e.g. `required`, `max_length`.
    """

    pointer: str
    detail: str
    code: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pointer = self.pointer

        detail = self.detail

        code = self.code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pointer": pointer,
                "detail": detail,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pointer = d.pop("pointer")

        detail = d.pop("detail")

        code = d.pop("code", UNSET)

        field_error = cls(
            pointer=pointer,
            detail=detail,
            code=code,
        )

        field_error.additional_properties = d
        return field_error

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
