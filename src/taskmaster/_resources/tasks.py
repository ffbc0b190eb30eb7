"""Tasks: list (filtered, paginated), get, create, update (merge patch, If-Match), delete."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, Call, SyncRequester, make_call
from .._exceptions import InvalidRequestError
from .._pagination import AsyncPager, Page, SyncPager
from .._params import (
    TaskCreateParams,
    TaskFilters,
    TaskUpdateParams,
    given,
    merged,
    to_datetime,
    to_enum_list,
    to_str_list,
)
from .._types import NOT_GIVEN, NotGiven
from ._common import account, body_of, operation, page_converter, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import Priority, Task, TaskCreate, TaskStatus, TaskUpdate

    from .._options import RequestOptions

__all__ = ["AsyncTasksMixin", "TasksMixin"]

_FILTERS = TaskFilters.__required_keys__ | TaskFilters.__optional_keys__


def list_params(
    filters: Mapping[str, Any] | None, fields: dict[str, Any], account_id: Any
) -> dict[str, Any]:
    """`list_tasks` arguments as the generated endpoint's keyword arguments."""
    from taskmaster_api.models import Priority, TaskStatus

    data = merged(filters, fields, "list_tasks")
    unknown = sorted(set(data) - _FILTERS)
    if unknown:
        raise InvalidRequestError(
            f"list_tasks: unknown filter(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(_FILTERS))}"
        )
    params: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            continue
        if name == "project_id":
            params[name] = ref(value, name)
        elif name == "status":
            params[name] = to_enum_list(TaskStatus, value, name)
        elif name == "priority":
            params[name] = to_enum_list(Priority, value, name)
        elif name == "tag":
            params[name] = to_str_list(value, name)
        elif name in ("due_before", "due_after", "updated_since"):
            params[name] = to_datetime(value, name)
        else:
            params[name] = value
    params.update(account(account_id))
    return params


def list_call(params: dict[str, Any]) -> Call[Page[Task]]:
    from taskmaster_api.api.tasks import list_tasks
    from taskmaster_api.models import TaskList

    return make_call(list_tasks, TaskList, convert=page_converter(params), **params)


def get_call(
    task_id: Any, project_id: Any, etag: str | None, cached: Any, account_id: Any
) -> Call[Task]:
    from taskmaster_api.api.tasks import get_task
    from taskmaster_api.models import Task

    extra: dict[str, Any] = (
        {} if project_id is None else {"project_id": ref(project_id, "project_id")}
    )
    if etag is not None:
        extra["if_none_match"] = etag
    return make_call(
        get_task, Task, ref(task_id, "task_id"), etag=True, not_modified=cached,
        **extra, **account(account_id),
    )  # fmt: skip


def create_call(body: TaskCreate, idempotency_key: str | None, account_id: Any) -> Call[Task]:
    from taskmaster_api.api.tasks import create_task
    from taskmaster_api.models import Task

    key: dict[str, Any] = {} if idempotency_key is None else {"idempotency_key": idempotency_key}
    return make_call(create_task, Task, body=body, etag=True, **key, **account(account_id))


def update_call(
    task_id: Any,
    body: TaskUpdate,
    if_match: str | None,
    idempotency_key: str | None,
    account_id: Any,
) -> Call[Task]:
    from taskmaster_api.api.tasks import update_task
    from taskmaster_api.models import Task

    extra: dict[str, Any] = {} if if_match is None else {"if_match": if_match}
    if idempotency_key is not None:
        extra["idempotency_key"] = idempotency_key
    return make_call(
        update_task, Task, ref(task_id, "task_id"), body=body, etag=True, **extra,
        **account(account_id),
    )  # fmt: skip


def delete_call(task_id: Any, if_match: str | None, account_id: Any) -> Call[None]:
    from taskmaster_api.api.tasks import delete_task

    extra: dict[str, Any] = {} if if_match is None else {"if_match": if_match}
    return make_call(delete_task, None, ref(task_id, "task_id"), **extra, **account(account_id))


def create_body(task: Any, fields: dict[str, Any]) -> TaskCreate:
    from taskmaster_api.models import TaskCreate

    return body_of(TaskCreate, task, fields, "create_task")


def update_body(changes: Any, fields: dict[str, Any]) -> TaskUpdate:
    from taskmaster_api.models import TaskUpdate

    return body_of(TaskUpdate, changes, fields, "update_task")


Id = uuid.UUID | str


class TasksMixin(SyncRequester):
    @operation("list_tasks")
    def list_tasks(
        self,
        filters: TaskFilters | None = None,
        /,
        *,
        project_id: Id | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | Sequence[TaskStatus | str] | NotGiven = NOT_GIVEN,
        priority: Priority | str | Sequence[Priority | str] | NotGiven = NOT_GIVEN,
        tag: str | Sequence[str] | NotGiven = NOT_GIVEN,
        due_before: datetime.datetime | str | NotGiven = NOT_GIVEN,
        due_after: datetime.datetime | str | NotGiven = NOT_GIVEN,
        updated_since: datetime.datetime | str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        sort: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Task]:
        """Tasks matching every filter given (a dict, keywords, or both), page by page.

        Fetches the first page now; iterating the result fetches the rest as needed.
        `status`, `priority` and `tag` take one value or several (any of them matches).
        """
        fields = given(
            project_id=project_id, status=status, priority=priority, tag=tag,
            due_before=due_before, due_after=due_after, updated_since=updated_since,
            search=search, sort=sort, limit=limit, cursor=cursor, offset=offset,
        )  # fmt: skip
        params = list_params(filters, fields, account_id)
        first = self._request(list_call(params), options)
        return SyncPager(first, lambda p: self._request(list_call(p), options))

    @operation("get_task")
    def get_task(
        self,
        task_id: Id | Task,
        *,
        project_id: Id | None = None,
        if_none_match: Task | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        """One task with its subtasks. With `project_id`, it must belong to that project.

        `if_none_match=task` (a Task this client returned) makes the request conditional:
        when nothing changed the server answers 304 and `task` itself is returned.
        """
        etag = None if if_none_match is None else self._etags.get(if_none_match)
        call = get_call(task_id, project_id, etag, if_none_match, account_id)
        return self._request(call, options)

    @operation("create_task")
    def create_task(
        self,
        task: TaskCreateParams | TaskCreate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        project_id: Id | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        priority: Priority | str | NotGiven = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        due_at: datetime.datetime | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        """Create a task from a dict, keywords, or a `TaskCreate`. Without `project_id` it goes
        to the account's default project. Safe to retry: the request carries an Idempotency-Key
        (`idempotency_key`, or a fresh one)."""
        fields = given(
            title=title, project_id=project_id, description=description, status=status,
            priority=priority, tags=tags, due_at=due_at, metadata=metadata,
        )  # fmt: skip
        body = create_body(task, fields)
        return self._request(create_call(body, idempotency_key, account_id), options)

    @operation("update_task")
    def update_task(
        self,
        task_id: Id | Task,
        changes: TaskUpdateParams | TaskUpdate | None = None,
        /,
        *,
        project_id: Id | NotGiven = NOT_GIVEN,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        priority: Priority | str | NotGiven = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        due_at: datetime.datetime | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        if_match: str | Task | None = None,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        """Change the fields given (a merge patch: None clears a field; `metadata` merges).

        `if_match` (an ETag, or a Task this client returned) makes it conditional: if the task
        changed since, `PreconditionFailedError` is raised and nothing is written.
        """
        fields = given(
            project_id=project_id, title=title, description=description, status=status,
            priority=priority, tags=tags, due_at=due_at, metadata=metadata,
        )  # fmt: skip
        body = update_body(changes, fields)
        etag = None if if_match is None else self._etag_for(if_match, "update_task")
        call = update_call(task_id, body, etag, idempotency_key, account_id)
        return self._request(call, options)

    @operation("delete_task")
    def delete_task(
        self,
        task_id: Id | Task,
        *,
        if_match: str | Task | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a task and its subtasks (conditionally with `if_match`)."""
        etag = None if if_match is None else self._etag_for(if_match, "delete_task")
        self._request(delete_call(task_id, etag, account_id), options)


class AsyncTasksMixin(AsyncRequester):
    @operation("list_tasks")
    def list_tasks(
        self,
        filters: TaskFilters | None = None,
        /,
        *,
        project_id: Id | NotGiven = NOT_GIVEN,
        status: TaskStatus | str | Sequence[TaskStatus | str] | NotGiven = NOT_GIVEN,
        priority: Priority | str | Sequence[Priority | str] | NotGiven = NOT_GIVEN,
        tag: str | Sequence[str] | NotGiven = NOT_GIVEN,
        due_before: datetime.datetime | str | NotGiven = NOT_GIVEN,
        due_after: datetime.datetime | str | NotGiven = NOT_GIVEN,
        updated_since: datetime.datetime | str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        sort: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Task]:
        """`await` for the first page, or `async for` over every task. See the sync version."""
        fields = given(
            project_id=project_id, status=status, priority=priority, tag=tag,
            due_before=due_before, due_after=due_after, updated_since=updated_since,
            search=search, sort=sort, limit=limit, cursor=cursor, offset=offset,
        )  # fmt: skip
        params = list_params(filters, fields, account_id)
        return AsyncPager(
            lambda: self._request(list_call(params), options),
            lambda p: self._request(list_call(p), options),
        )

    @operation("get_task")
    async def get_task(
        self,
        task_id: Id | Task,
        *,
        project_id: Id | None = None,
        if_none_match: Task | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        etag = None if if_none_match is None else self._etags.get(if_none_match)
        call = get_call(task_id, project_id, etag, if_none_match, account_id)
        return await self._request(call, options)

    @operation("create_task")
    async def create_task(
        self,
        task: TaskCreateParams | TaskCreate | None = None,
        /,
        *,
        title: str | NotGiven = NOT_GIVEN,
        project_id: Id | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        priority: Priority | str | NotGiven = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        due_at: datetime.datetime | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        fields = given(
            title=title, project_id=project_id, description=description, status=status,
            priority=priority, tags=tags, due_at=due_at, metadata=metadata,
        )  # fmt: skip
        body = create_body(task, fields)
        return await self._request(create_call(body, idempotency_key, account_id), options)

    @operation("update_task")
    async def update_task(
        self,
        task_id: Id | Task,
        changes: TaskUpdateParams | TaskUpdate | None = None,
        /,
        *,
        project_id: Id | NotGiven = NOT_GIVEN,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: TaskStatus | str | NotGiven = NOT_GIVEN,
        priority: Priority | str | NotGiven = NOT_GIVEN,
        tags: Sequence[str] | NotGiven = NOT_GIVEN,
        due_at: datetime.datetime | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        if_match: str | Task | None = None,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Task:
        fields = given(
            project_id=project_id, title=title, description=description, status=status,
            priority=priority, tags=tags, due_at=due_at, metadata=metadata,
        )  # fmt: skip
        body = update_body(changes, fields)
        etag = None if if_match is None else self._etag_for(if_match, "update_task")
        call = update_call(task_id, body, etag, idempotency_key, account_id)
        return await self._request(call, options)

    @operation("delete_task")
    async def delete_task(
        self,
        task_id: Id | Task,
        *,
        if_match: str | Task | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        etag = None if if_match is None else self._etag_for(if_match, "delete_task")
        await self._request(delete_call(task_id, etag, account_id), options)
