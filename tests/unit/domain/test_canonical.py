"""Hashed texts must never change: every stored audit chain is verified by recomputing it,
and a stored Idempotency-Key is bound to the hash of its request. ``canonical_json`` writes
them with orjson when that gives the same text, so it is checked here against the
definition (``json.dumps`` with sorted keys, compact separators, ASCII escapes) over
arbitrary values, including the ones orjson would write differently (non-ASCII, control
characters, DEL, floats, huge integers, tuples)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.domain.audit import GENESIS_HASH, AuditEvent
from atlaxis.domain.canonical import canonical_json
from atlaxis.services.diary import request_hash


def definition(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["api", "web", "a\x7fb", "tab\there", "quote\"back\\slash", "é", "😀"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_canonical_json_is_the_definition(body: dict[str, Any]) -> None:
    assert canonical_json(body) == definition(body)


@settings(max_examples=200, deadline=None)
@given(
    detail=st.dictionaries(st.text(max_size=8), values, max_size=4),
    entity_id=st.none() | st.text(max_size=10),
    ip=st.none() | st.sampled_from(["127.0.0.1", "::1", "203.0.113.7"]),
)
def test_event_hash_is_sha256_of_the_definition(
    detail: dict[str, Any], entity_id: str | None, ip: str | None
) -> None:
    at = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
    event = AuditEvent(7, at, "create", "diary_entry", 3, "patient", 1, entity_id, 2, ip, detail)
    body = {
        "seq": 7,
        "at": "2026-03-01T08:30:15.123456",
        "action": "create",
        "entity": "diary_entry",
        "actor_user_id": 3,
        "actor_role": "patient",
        "clinic_id": 1,
        "entity_id": entity_id,
        "patient_id": 2,
        "ip": ip,
        "detail": detail,
        "prev_hash": GENESIS_HASH,
    }
    expected = hashlib.sha256((GENESIS_HASH + definition(body)).encode("ascii")).hexdigest()
    assert event.computed_hash() == expected
    assert event.computed_hash("2026-03-01T08:30:15.123456") == expected


def test_plain_events_and_escapes() -> None:
    # the common event (flat detail, printable ASCII) and each kind orjson writes otherwise
    for body in (
        {"via": "api", "n": 3, "ok": True, "none": None, "ids": [1, 2]},
        {"note": "café"},
        {"note": "line\nbreak\x00\x1f\x7f"},
        {"x": 1.0, "y": 1e16, "z": 2**64},
        {"t": (1, "a")},
        {"b": "a/b<>&'"},
    ):
        assert canonical_json(body) == definition(body)


@settings(max_examples=200, deadline=None)
@given(
    items=st.dictionaries(
        st.sampled_from(["pain", "fatigue", "mood", "sleep_quality"]),
        st.none() | st.integers(0, 10) | st.floats(0, 10),
    ),
    note=st.text(max_size=20),
    extra=st.sampled_from([{}, {"date": date(2026, 3, 1)}, {"at": datetime(2026, 3, 1, 8)}]),
)
def test_idempotency_request_hash_is_unchanged(
    items: dict[str, Any], note: str, extra: dict[str, Any]
) -> None:
    # the definition every stored key was bound to (default=str for non-JSON values)
    body = {"date": "2026-03-01", "items": items, "body_map": ["neck"], "note": note} | extra
    request = {"patient_id": 12, "body": body}
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    assert request_hash(request) == hashlib.sha256(text.encode("utf-8")).hexdigest()
