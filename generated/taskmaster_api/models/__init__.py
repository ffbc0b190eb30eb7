"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_list import AccountList
from .account_membership import AccountMembership
from .batch_item_failure import BatchItemFailure
from .batch_item_failure_outcome import BatchItemFailureOutcome
from .batch_item_success import BatchItemSuccess
from .batch_item_success_outcome import BatchItemSuccessOutcome
from .batch_result import BatchResult
from .batch_task_update import BatchTaskUpdate
from .delivery_status import DeliveryStatus
from .event import Event
from .event_data import EventData
from .event_head import EventHead
from .event_list import EventList
from .event_type import EventType
from .field_error import FieldError
from .health import Health
from .jwk import Jwk
from .jwks import Jwks
from .login_request import LoginRequest
from .logout_request import LogoutRequest
from .me import Me
from .metadata import Metadata
from .priority import Priority
from .problem import Problem
from .project import Project
from .project_create import ProjectCreate
from .project_list import ProjectList
from .project_update import ProjectUpdate
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .refresh_request import RefreshRequest
from .role import Role
from .stream_ticket import StreamTicket
from .sub_task import SubTask
from .sub_task_create import SubTaskCreate
from .sub_task_list import SubTaskList
from .sub_task_update import SubTaskUpdate
from .task import Task
from .task_create import TaskCreate
from .task_list import TaskList
from .task_status import TaskStatus
from .task_update import TaskUpdate
from .task_upsert import TaskUpsert
from .task_upsert_result import TaskUpsertResult
from .token_pair import TokenPair
from .token_pair_token_type import TokenPairTokenType
from .upsert_action import UpsertAction
from .user import User
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_list import WebhookDeliveryList
from .webhook_disabled_reason import WebhookDisabledReason
from .webhook_list import WebhookList
from .webhook_secret import WebhookSecret
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret

__all__ = (
    "Account",
    "AccountList",
    "AccountMembership",
    "BatchItemFailure",
    "BatchItemFailureOutcome",
    "BatchItemSuccess",
    "BatchItemSuccessOutcome",
    "BatchResult",
    "BatchTaskUpdate",
    "DeliveryStatus",
    "Event",
    "EventData",
    "EventHead",
    "EventList",
    "EventType",
    "FieldError",
    "Health",
    "Jwk",
    "Jwks",
    "LoginRequest",
    "LogoutRequest",
    "Me",
    "Metadata",
    "Priority",
    "Problem",
    "Project",
    "ProjectCreate",
    "ProjectList",
    "ProjectUpdate",
    "Readiness",
    "ReadinessChecks",
    "RefreshRequest",
    "Role",
    "StreamTicket",
    "SubTask",
    "SubTaskCreate",
    "SubTaskList",
    "SubTaskUpdate",
    "Task",
    "TaskCreate",
    "TaskList",
    "TaskStatus",
    "TaskUpdate",
    "TaskUpsert",
    "TaskUpsertResult",
    "TokenPair",
    "TokenPairTokenType",
    "UpsertAction",
    "User",
    "Webhook",
    "WebhookCreate",
    "WebhookDelivery",
    "WebhookDeliveryList",
    "WebhookDisabledReason",
    "WebhookList",
    "WebhookSecret",
    "WebhookUpdate",
    "WebhookWithSecret",
)
