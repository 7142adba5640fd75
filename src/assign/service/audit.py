"""The audit log: who approved, who downloaded personal data, token use, deletions. Entries
name objects by id and hold counts, never a person's data, so they outlive what they name."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assign.service.store.models import AuditRecord


def record(
    session: Session,
    org_id: int | None,
    token_id: int | None,
    action: str,
    target: str = "",
    **details: Any,
) -> None:
    """Add an entry to the session (committed with the change it describes)."""
    session.add(
        AuditRecord(org_id=org_id, token_id=token_id, action=action, target=target, details=details)
    )
