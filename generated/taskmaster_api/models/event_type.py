from enum import StrEnum
from typing import Self


class EventType(StrEnum):
    PROJECT_CREATED = "project.created"
    PROJECT_DELETED = "project.deleted"
    PROJECT_UPDATED = "project.updated"
    SUBTASK_CREATED = "subtask.created"
    SUBTASK_DELETED = "subtask.deleted"
    SUBTASK_UPDATED = "subtask.updated"
    TASK_COMPLETED = "task.completed"
    TASK_CREATED = "task.created"
    TASK_DELETED = "task.deleted"
    TASK_UPDATED = "task.updated"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        """Accept a value added to the API after this client was generated."""
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member
