"""Property-based API testing against our own OpenAPI description (schemathesis, in-process
over ASGI): for every operation, generated valid and invalid requests must never produce a
5xx, and every response must match the documented status codes, media types and schemas.

Bounded (< 2 minutes for both backends): per operation at most 25 valid and 10 invalid
generated requests on SQLite, 8 and 5 on PostgreSQL (the same API; that run looks for
backend-specific failures such as NUL bytes). Requests run as a clinician of the seeded
clinic; a ``patient_id`` in the path is pinned to the seeded patient so that generated bodies
reach the services and the database, not only the scope check.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as oas_checks

from atlaxis.domain import Actor, Role
from atlaxis.services.auth import create_api_token

MAX_EXAMPLES = 25
CHECKS = [
    schemathesis.checks.not_a_server_error,
    oas_checks.status_code_conformance,
    oas_checks.content_type_conformance,
    oas_checks.response_schema_conformance,
]


@pytest.fixture
def seeded(app: Any, factory: Any, database: Any) -> dict[str, Any]:
    clinic = factory.clinic()
    doc = factory.user(Role.CLINICIAN, clinic, email="doc@example.org")
    patient = factory.patient(clinic)
    with database.uow() as uow:
        made = create_api_token(uow, Actor.system(), doc.id, "fuzz", ["read", "write"])
        uow.commit()
    return {"token": made.secret, "token_id": made.token.id, "patient_id": patient.id}


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def _exercise(
    operation: Any, mode: GenerationMode, seeded: dict[str, Any], examples: int
) -> str | None:
    """Run up to MAX_EXAMPLES generated cases; the first failure, described, or None."""
    pinned = None
    if mode is GenerationMode.POSITIVE and "{patient_id}" in operation.path:
        pinned = {"patient_id": seeded["patient_id"]}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned)
    headers = {"Authorization": f"Bearer {seeded['token']}"}

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        params = case.path_parameters or {}
        if params.get("token_id") == seeded["token_id"]:
            params["token_id"] = 10**9  # do not revoke the token the test signs in with
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing to vary (e.g. no parameters to make invalid)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # a failed check and its request
        return f"{operation.method.upper()} {operation.path} [{mode.value}]: {exc}"
    return None


def test_api_conforms_to_its_description(app: Any, seeded: dict[str, Any], db_url: str) -> None:
    started = time.monotonic()
    sqlite = db_url.startswith("sqlite")
    budget = {
        GenerationMode.POSITIVE: MAX_EXAMPLES if sqlite else 8,
        GenerationMode.NEGATIVE: 10 if sqlite else 5,
    }
    operations = _operations(app)
    assert len(operations) >= 25
    failures = [
        failure
        for operation in operations
        for mode in budget
        if (failure := _exercise(operation, mode, seeded, budget[mode])) is not None
    ]
    assert failures == [], "\n\n".join(failures)
    assert time.monotonic() - started < 90, "keep the fuzzing bounded"
