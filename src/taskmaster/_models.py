"""The generated API models, re-exported: the SDK never redefines them.

Models are attrs classes generated from the spec (`taskmaster_api.models`); enums accept values
added to the API after this client was generated (as a member named `UNKNOWN`). Timestamps are
timezone-aware `datetime`s. `taskmaster/__init__.py` imports this module only when one of these
names is first used, because importing the models imports every one of them.
"""

from taskmaster_api.models import (
    Account,
    AccountMembership,
    BatchTaskUpdate,
    DeliveryStatus,
    Event,
    EventHead,
    EventType,
    Health,
    Me,
    Metadata,
    Priority,
    Project,
    Readiness,
    Role,
    SubTask,
    Task,
    TaskCreate,
    TaskStatus,
    TaskUpdate,
    TokenPair,
    User,
    Webhook,
    WebhookDelivery,
    WebhookDisabledReason,
    WebhookSecret,
    WebhookWithSecret,
)

__all__ = [
    "Account",
    "AccountMembership",
    "BatchTaskUpdate",
    "DeliveryStatus",
    "Event",
    "EventHead",
    "EventType",
    "Health",
    "Me",
    "Metadata",
    "Priority",
    "Project",
    "Readiness",
    "Role",
    "SubTask",
    "Task",
    "TaskCreate",
    "TaskStatus",
    "TaskUpdate",
    "TokenPair",
    "User",
    "Webhook",
    "WebhookDelivery",
    "WebhookDisabledReason",
    "WebhookSecret",
    "WebhookWithSecret",
]
