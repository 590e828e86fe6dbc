"""Kernel models: the tenant, access, calendar, evidence, deadlines, notifications, files,
filings and API idempotency keys. Every tenant-owned model derives from ``TenantModel`` (see
tenant.py); on PostgreSQL the same tables are fenced by row-level security (boards/kernel/rls.py)."""

from boards.kernel.models.access import (
    ApiKey,
    BoardInvitation,
    BoardMembership,
    Institution,
    InstitutionKind,
    InvitationState,
    Role,
)
from boards.kernel.models.calendar import CalendarYear, HolidayOverride
from boards.kernel.models.deadlines import DayBasis, Deadline, DeadlineStage, DeadlineState
from boards.kernel.models.evidence import (
    EvidenceAnchor,
    EvidenceCheckpoint,
    EvidenceDataUse,
    EvidenceEntry,
    EvidenceHead,
    EvidenceNode,
)
from boards.kernel.models.files import StoredFile, stored_file_path
from boards.kernel.models.filings import Filing, FilingCounter, FilingState
from boards.kernel.models.idempotency import IdempotencyKey
from boards.kernel.models.notifications import Notification
from boards.kernel.models.tenant import Board, BoardKind, TenantModel

__all__ = [
    "BoardKind",
    "Board",
    "TenantModel",
    "Role",
    "InstitutionKind",
    "Institution",
    "BoardMembership",
    "BoardInvitation",
    "InvitationState",
    "ApiKey",
    "CalendarYear",
    "HolidayOverride",
    "EvidenceEntry",
    "EvidenceHead",
    "EvidenceNode",
    "EvidenceCheckpoint",
    "EvidenceAnchor",
    "EvidenceDataUse",
    "DayBasis",
    "DeadlineState",
    "DeadlineStage",
    "Deadline",
    "Notification",
    "stored_file_path",
    "StoredFile",
    "FilingState",
    "FilingCounter",
    "Filing",
    "IdempotencyKey",
]
