"""Projects: the groups tasks belong to."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, Call, SyncRequester, make_call
from .._pagination import AsyncPager, Page, SyncPager
from .._params import given
from .._types import NOT_GIVEN, NotGiven
from ._common import account, body_of, operation, page_converter, present, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import Project, ProjectCreate, ProjectUpdate

    from .._options import RequestOptions

__all__ = ["AsyncProjectsMixin", "ProjectsMixin"]

Id = uuid.UUID | str


def list_params(limit: int | None, account_id: Any) -> dict[str, Any]:
    params: dict[str, Any] = {} if limit is None else {"limit": limit}
    return {**params, **account(account_id)}


def _list(params: dict[str, Any]) -> Call[Page[Project]]:
    from taskmaster_api.api.projects import list_projects
    from taskmaster_api.models import ProjectList

    return make_call(list_projects, ProjectList, convert=page_converter(params), **params)


def _get(project_id: Any, account_id: Any) -> Call[Project]:
    from taskmaster_api.api.projects import get_project
    from taskmaster_api.models import Project

    return make_call(get_project, Project, ref(project_id, "project_id"), **account(account_id))


def _create(data: Any, fields: dict[str, Any], key: Any, account_id: Any) -> Call[Project]:
    from taskmaster_api.api.projects import create_project
    from taskmaster_api.models import Project, ProjectCreate

    body = body_of(ProjectCreate, data, fields, "create_project")
    return make_call(
        create_project, Project, body=body, **present(idempotency_key=key), **account(account_id)
    )


def _update(
    project_id: Any, data: Any, fields: dict[str, Any], if_match: Any, key: Any, account_id: Any
) -> Call[Project]:
    from taskmaster_api.api.projects import update_project
    from taskmaster_api.models import Project, ProjectUpdate

    body = body_of(ProjectUpdate, data, fields, "update_project")
    return make_call(
        update_project, Project, ref(project_id, "project_id"), body=body,
        **present(if_match=if_match, idempotency_key=key), **account(account_id),
    )  # fmt: skip


def _delete(project_id: Any, if_match: Any, account_id: Any) -> Call[None]:
    from taskmaster_api.api.projects import delete_project

    return make_call(
        delete_project, None, ref(project_id, "project_id"), **present(if_match=if_match),
        **account(account_id),
    )  # fmt: skip


class ProjectsMixin(SyncRequester):
    @operation("list_projects")
    def list_projects(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Project]:
        """The account's projects, oldest first, page by page (`limit` per page)."""
        params = list_params(limit, account_id)
        first: Page[Project] = self._request(_list(params), options)
        return SyncPager(first, lambda p: self._request(_list(p), options))

    @operation("get_project")
    def get_project(
        self,
        project_id: Id | Project,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        """One project."""
        result: Project = self._request(_get(project_id, account_id), options)
        return result

    @operation("create_project")
    def create_project(
        self,
        project: Mapping[str, Any] | ProjectCreate | None = None,
        /,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        """Create a project."""
        fields = given(name=name, description=description)
        call = _create(project, fields, idempotency_key, account_id)
        result: Project = self._request(call, options)
        return result

    @operation("update_project")
    def update_project(
        self,
        project_id: Id | Project,
        changes: Mapping[str, Any] | ProjectUpdate | None = None,
        /,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        if_match: str | None = None,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        """Change a project's name or description (a merge patch)."""
        fields = given(name=name, description=description)
        call = _update(project_id, changes, fields, if_match, idempotency_key, account_id)
        result: Project = self._request(call, options)
        return result

    @operation("delete_project")
    def delete_project(
        self,
        project_id: Id | Project,
        *,
        if_match: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a project with all its tasks (the default project cannot be deleted: 409)."""
        self._request(_delete(project_id, if_match, account_id), options)


class AsyncProjectsMixin(AsyncRequester):
    @operation("list_projects")
    def list_projects(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Project]:
        params = list_params(limit, account_id)
        return AsyncPager(
            lambda: self._request(_list(params), options),
            lambda p: self._request(_list(p), options),
        )

    @operation("get_project")
    async def get_project(
        self,
        project_id: Id | Project,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        result: Project = await self._request(_get(project_id, account_id), options)
        return result

    @operation("create_project")
    async def create_project(
        self,
        project: Mapping[str, Any] | ProjectCreate | None = None,
        /,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        fields = given(name=name, description=description)
        call = _create(project, fields, idempotency_key, account_id)
        result: Project = await self._request(call, options)
        return result

    @operation("update_project")
    async def update_project(
        self,
        project_id: Id | Project,
        changes: Mapping[str, Any] | ProjectUpdate | None = None,
        /,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        if_match: str | None = None,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Project:
        fields = given(name=name, description=description)
        call = _update(project_id, changes, fields, if_match, idempotency_key, account_id)
        result: Project = await self._request(call, options)
        return result

    @operation("delete_project")
    async def delete_project(
        self,
        project_id: Id | Project,
        *,
        if_match: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        await self._request(_delete(project_id, if_match, account_id), options)
