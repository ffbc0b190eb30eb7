"""Subtasks: the ordered checklist under a task."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, Call, SyncRequester, make_call
from .._params import given
from .._types import NOT_GIVEN, NotGiven
from ._common import account, body_of, data_of, operation, present, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import SubTask, SubTaskCreate, SubTaskUpdate, Task, TaskStatus

    from .._options import RequestOptions

__all__ = ["AsyncSubtasksMixin", "SubtasksMixin"]

Id = uuid.UUID | str


def _list(task_id: Any, account_id: Any) -> Call[list[SubTask]]:
    from taskmaster_api.api.subtasks import list_subtasks
    from taskmaster_api.models import SubTaskList

    return make_call(
        list_subtasks, SubTaskList, ref(task_id, "task_id"), convert=data_of,
        **account(account_id),
    )  # fmt: skip


def _create(
    task_id: Any, data: Any, fields: dict[str, Any], key: Any, account_id: Any
) -> Call[SubTask]:
    from taskmaster_api.api.subtasks import create_subtask
    from taskmaster_api.models import SubTask, SubTaskCreate

    body = body_of(SubTaskCreate, data, fields, "create_subtask")
    return make_call(
        create_subtask, SubTask, ref(task_id, "task_id"), body=body,
        **present(idempotency_key=key), **account(account_id),
    )  # fmt: skip


def _update(
    task_id: Any, subtask_id: Any, data: Any, fields: dict[str, Any], key: Any, account_id: Any
) -> Call[SubTask]:
    from taskmaster_api.api.subtasks import update_subtask
    from taskmaster_api.models import SubTask, SubTaskUpdate

    body = body_of(SubTaskUpdate, data, fields, "update_subtask")
    return make_call(
        update_subtask, SubTask, ref(task_id, "task_id"), ref(subtask_id, "subtask_id"),
        body=body, **present(idempotency_key=key), **account(account_id),
    )  # fmt: skip


def _delete(task_id: Any, subtask_id: Any, account_id: Any) -> Call[None]:
    from taskmaster_api.api.subtasks import delete_subtask

    return make_call(
        delete_subtask, None, ref(task_id, "task_id"), ref(subtask_id, "subtask_id"),
        **account(account_id),
    )  # fmt: skip


class SubtasksMixin(SyncRequester):
    @operation("list_subtasks")
    def list_subtasks(
        self,
        task_id: Id | Task,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[SubTask]:
        """A task's subtasks, in position order."""
        result: list[SubTask] = self._request(_list(task_id, account_id), options)
        return result

    @operation("create_subtask")
    def create_subtask(
        self,
        task_id: Id | Task,
        subtask: Mapping[str, Any] | SubTaskCreate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        position: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SubTask:
        """Add a subtask (last, unless `position` says where)."""
        fields = given(title=title, status=status, position=position)
        call = _create(task_id, subtask, fields, idempotency_key, account_id)
        result: SubTask = self._request(call, options)
        return result

    @operation("update_subtask")
    def update_subtask(
        self,
        task_id: Id | Task,
        subtask_id: Id | SubTask,
        changes: Mapping[str, Any] | SubTaskUpdate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        position: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SubTask:
        """Change a subtask; a new `position` moves it and renumbers the others."""
        fields = given(title=title, status=status, position=position)
        call = _update(task_id, subtask_id, changes, fields, idempotency_key, account_id)
        result: SubTask = self._request(call, options)
        return result

    @operation("delete_subtask")
    def delete_subtask(
        self,
        task_id: Id | Task,
        subtask_id: Id | SubTask,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a subtask."""
        self._request(_delete(task_id, subtask_id, account_id), options)


class AsyncSubtasksMixin(AsyncRequester):
    @operation("list_subtasks")
    async def list_subtasks(
        self,
        task_id: Id | Task,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[SubTask]:
        result: list[SubTask] = await self._request(_list(task_id, account_id), options)
        return result

    @operation("create_subtask")
    async def create_subtask(
        self,
        task_id: Id | Task,
        subtask: Mapping[str, Any] | SubTaskCreate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        position: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SubTask:
        fields = given(title=title, status=status, position=position)
        call = _create(task_id, subtask, fields, idempotency_key, account_id)
        result: SubTask = await self._request(call, options)
        return result

    @operation("update_subtask")
    async def update_subtask(
        self,
        task_id: Id | Task,
        subtask_id: Id | SubTask,
        changes: Mapping[str, Any] | SubTaskUpdate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        position: int | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SubTask:
        fields = given(title=title, status=status, position=position)
        call = _update(task_id, subtask_id, changes, fields, idempotency_key, account_id)
        result: SubTask = await self._request(call, options)
        return result

    @operation("delete_subtask")
    async def delete_subtask(
        self,
        task_id: Id | Task,
        subtask_id: Id | SubTask,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        await self._request(_delete(task_id, subtask_id, account_id), options)
