from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_item_failure_outcome import BatchItemFailureOutcome
from ..types import UNSET, Unset, parse_uuid
from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.problem import Problem


T = TypeVar("T", bound="BatchItemFailure")


@_attrs_define
class BatchItemFailure(_Model):
    """An item that was not written, with the problem a single call would have answered.

    Example:
        {'outcome': 'failed', 'index': 1, 'status': 422, 'error': {'type': 'https://taskmaster.dev/problems/validation-
            error', 'title': 'Validation failed', 'status': 422, 'detail': 'The item has 1 invalid field.', 'errors':
            [{'pointer': '/1/title', 'detail': 'String is too short (minimum length 1).', 'code': 'min_length'}]}}

    Attributes:
        outcome (BatchItemFailureOutcome):
        index (int): The item's position in the request.
        status (int): The status a single call would have had.
        error (Problem): An RFC 9457 problem details object. Example: {'type':
            'https://taskmaster.dev/problems/validation-error', 'title': 'Validation failed', 'status': 422, 'detail': 'The
            request body has 1 invalid field.', 'instance': '/api/v1/tasks', 'request_id':
            '7f3c9a1e2b4d4c6f8a0b1c2d3e4f5a6b', 'errors': [{'pointer': '/title', 'detail': 'String is too short (minimum
            length 1).', 'code': 'min_length'}]}.
        id (UUID | Unset): The task's id, when the item named one.
    """

    outcome: BatchItemFailureOutcome
    index: int
    status: int
    error: Problem
    id: UUID | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        index = self.index

        status = self.status

        error = self.error.to_dict()

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
                "index": index,
                "status": status,
                "error": error,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem import Problem  # noqa: PLC0415

        d = dict(src_dict)
        outcome = BatchItemFailureOutcome(d.pop("outcome"))

        index = d.pop("index")

        status = d.pop("status")

        error = Problem.from_dict(d.pop("error"))

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = parse_uuid(_id)

        batch_item_failure = cls(
            outcome=outcome,
            index=index,
            status=status,
            error=error,
            id=id,
        )

        batch_item_failure.additional_properties = d
        return batch_item_failure

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
