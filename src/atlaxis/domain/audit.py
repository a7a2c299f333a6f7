"""Audit events and their hash chain (pure: hashlib + canonical JSON).

Each event's ``hash`` is ``sha256(prev_hash + canonical_json(fields))`` where the fields are
every column except ``hash`` itself. Changing, inserting or deleting any event breaks the
chain from that event on; ``seq`` numbers are contiguous, so a removed event shows as a gap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: the ``prev_hash`` of the first event in a log
GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which record, when and from where. ``detail`` never holds PHI values."""

    seq: int
    at: datetime
    action: str
    entity: str
    actor_user_id: int | None = None
    actor_role: str | None = None
    clinic_id: int | None = None
    entity_id: str | None = None
    patient_id: int | None = None
    ip: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def canonical(self) -> str:
        """The exact text that is hashed (stable across databases and Python versions)."""
        body = {
            "seq": self.seq,
            "at": self.at.replace(tzinfo=None).isoformat(timespec="microseconds"),
            "action": self.action,
            "entity": self.entity,
            "actor_user_id": self.actor_user_id,
            "actor_role": self.actor_role,
            "clinic_id": self.clinic_id,
            "entity_id": self.entity_id,
            "patient_id": self.patient_id,
            "ip": self.ip,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def computed_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of checking the chain: ``first_broken_seq`` names the first bad link."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
