from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset
from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem(_Model):
    """An RFC 9457 problem details object.

    Example:
        {'type': 'https://taskmaster.dev/problems/validation-error', 'title': 'Validation failed', 'status': 422,
            'detail': 'The request body has 1 invalid field.', 'instance': '/api/v1/tasks', 'request_id':
            '7f3c9a1e2b4d4c6f8a0b1c2d3e4f5a6b', 'errors': [{'pointer': '/title', 'detail': 'String is too short (minimum
            length 1).', 'code': 'min_length'}]}

    Attributes:
        type_ (str): A URI reference identifying the problem type.
        title (str): A short summary of the problem type.
        status (int): The HTTP status code.
        detail (str | Unset): What went wrong in this occurrence.
        instance (str | Unset): The request path this problem occurred on.
        request_id (str | Unset): The request's id, also sent as `X-Request-ID`.
        errors (list[FieldError] | Unset): Field-level errors, for validation failures.
        latest_seq (int | Unset): For `resync-required`, the event log's latest seq (continue after it).
        oldest_seq (int | Unset): For `resync-required`, the oldest seq the event log still keeps.
    """

    type_: str
    title: str
    status: int
    detail: str | Unset = UNSET
    instance: str | Unset = UNSET
    request_id: str | Unset = UNSET
    errors: list[FieldError] | Unset = UNSET
    latest_seq: int | Unset = UNSET
    oldest_seq: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        instance = self.instance

        request_id = self.request_id

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        latest_seq = self.latest_seq

        oldest_seq = self.oldest_seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail
        if instance is not UNSET:
            field_dict["instance"] = instance
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if errors is not UNSET:
            field_dict["errors"] = errors
        if latest_seq is not UNSET:
            field_dict["latest_seq"] = latest_seq
        if oldest_seq is not UNSET:
            field_dict["oldest_seq"] = oldest_seq

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail", UNSET)

        instance = d.pop("instance", UNSET)

        request_id = d.pop("request_id", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        latest_seq = d.pop("latest_seq", UNSET)

        oldest_seq = d.pop("oldest_seq", UNSET)

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            instance=instance,
            request_id=request_id,
            errors=errors,
            latest_seq=latest_seq,
            oldest_seq=oldest_seq,
        )

        problem.additional_properties = d
        return problem

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
