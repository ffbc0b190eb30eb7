from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.batch_item_failure import BatchItemFailure
    from ..models.batch_item_success import BatchItemSuccess


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult(_Model):
    """
    Example:
        {'results': [{'outcome': 'succeeded', 'index': 0, 'status': 204, 'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6'},
            {'outcome': 'failed', 'index': 1, 'status': 404, 'id': '9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e', 'error': {'type':
            'https://taskmaster.dev/problems/not-found', 'title': 'Not found', 'status': 404, 'detail': 'No task
            9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e in this account.'}}], 'succeeded': 1, 'failed': 1}

    Attributes:
        results (list[BatchItemFailure | BatchItemSuccess]): One result per request item, in request order.
        succeeded (int):
        failed (int):
    """

    results: list[BatchItemFailure | BatchItemSuccess]
    succeeded: int
    failed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_success import BatchItemSuccess  # noqa: PLC0415

        results = []
        for results_item_data in self.results:
            results_item: dict[str, Any]
            if isinstance(results_item_data, BatchItemSuccess):
                results_item = results_item_data.to_dict()
            else:
                results_item = results_item_data.to_dict()

            results.append(results_item)

        succeeded = self.succeeded

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "results": results,
                "succeeded": succeeded,
                "failed": failed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_failure import BatchItemFailure  # noqa: PLC0415
        from ..models.batch_item_success import BatchItemSuccess  # noqa: PLC0415

        d = dict(src_dict)
        results = []
        _results = d.pop("results")
        for results_item_data in _results:

            def _parse_results_item(data: object) -> BatchItemFailure | BatchItemSuccess:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_batch_item_result_type_0 = BatchItemSuccess.from_dict(data)

                    return componentsschemas_batch_item_result_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_batch_item_result_type_1 = BatchItemFailure.from_dict(data)

                return componentsschemas_batch_item_result_type_1

            results_item = _parse_results_item(results_item_data)

            results.append(results_item)

        succeeded = d.pop("succeeded")

        failed = d.pop("failed")

        batch_result = cls(
            results=results,
            succeeded=succeeded,
            failed=failed,
        )

        batch_result.additional_properties = d
        return batch_result

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
