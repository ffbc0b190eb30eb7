"""Projects."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import (
    acting,
    created,
    dumps,
    header,
    idempotent,
    json_response,
    no_content,
    not_modified_or,
    page_response,
    runtime,
)
from taskmaster_server.services import projects

__all__ = ["create_project", "delete_project", "get_project", "list_projects", "update_project"]


def list_projects(limit: int = 50, cursor: str | None = None) -> Response:
    return page_response(projects.list_page(runtime().db, acting(), limit, cursor))


def create_project(body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data, etag = projects.create(runtime().db, actor, body)
        return created(data, f"/projects/{data['id']}", {"ETag": etag})

    return idempotent(actor, body, produce)


def get_project(project_id: str) -> Response:
    data, etag = projects.get(runtime().db, acting(), uuid.UUID(project_id))
    return not_modified_or(dumps(data), etag)


def update_project(project_id: str, body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data, etag = projects.update(
            runtime().db, actor, uuid.UUID(project_id), body, header("If-Match")
        )
        return json_response(data, headers={"ETag": etag})

    return idempotent(actor, body, produce)


def delete_project(project_id: str) -> Response:
    actor = acting(writer=True)
    projects.delete(runtime().db, actor, uuid.UUID(project_id), header("If-Match"))
    return no_content()
