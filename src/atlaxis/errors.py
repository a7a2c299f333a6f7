"""One error tree for atlaxis.

Every error knows its HTTP status, its CLI exit code and a stable machine code,
so the API (RFC 9457 problem+json), the web pages and the CLI render them in one
place each::

    AtlaxisError                    500 / exit 1
    ├── ValidationError             422 / exit 2   (lists every problem)
    │   └── InvalidAnswers          422 / exit 2   (instrument answers)
    ├── NotFound                    404 / exit 3
    ├── Unknown instrument           (NotFound)
    ├── PermissionDenied            403 / exit 4
    ├── AuthenticationRequired      401 / exit 4
    ├── Conflict                    409 / exit 5
    ├── PayloadTooLarge             413 / exit 2
    ├── TooManyRequests             429 / exit 6
    └── ConfigurationError          500 / exit 7
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Problem:
    """One invalid field: where it is, what was wrong, what is allowed."""

    field: str
    message: str
    allowed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


class AtlaxisError(Exception):
    """Base of every error atlaxis raises on purpose."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    code: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, problems: Iterable[Problem] = ()) -> None:
        self.detail = detail
        self.problems: list[Problem] = list(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return self.detail
        lines = [self.detail] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """An RFC 9457 problem details body."""
        body: dict[str, Any] = {
            "type": f"https://atlaxis.org/problems/{self.code}",
            "title": self.title,
            "status": self.http_status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.problems:
            body["errors"] = [p.to_dict() for p in self.problems]
        return body


class ValidationError(AtlaxisError):
    http_status = 422
    exit_code = 2
    code = "validation-error"
    title = "Invalid input"


class InvalidAnswers(ValidationError):
    """Answers to an instrument that cannot be scored: lists every problem at once."""

    code = "invalid-answers"
    title = "Invalid answers"


class NotFound(AtlaxisError):
    http_status = 404
    exit_code = 3
    code = "not-found"
    title = "Not found"


class UnknownInstrument(NotFound):
    code = "unknown-instrument"
    title = "Unknown instrument"


class AuthenticationRequired(AtlaxisError):
    http_status = 401
    exit_code = 4
    code = "authentication-required"
    title = "Authentication required"


class PermissionDenied(AtlaxisError):
    http_status = 403
    exit_code = 4
    code = "permission-denied"
    title = "Permission denied"


class Conflict(AtlaxisError):
    http_status = 409
    exit_code = 5
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(AtlaxisError):
    http_status = 413
    exit_code = 2
    code = "payload-too-large"
    title = "Request body too large"


class TooManyRequests(AtlaxisError):
    http_status = 429
    exit_code = 6
    code = "too-many-requests"
    title = "Too many requests"


class ConfigurationError(AtlaxisError):
    http_status = 500
    exit_code = 7
    code = "configuration-error"
    title = "Configuration error"


@dataclass
class ProblemCollector:
    """Collects problems, then raises one error listing all of them."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, field_: str, message: str, allowed: str | None = None) -> None:
        self.problems.append(Problem(field_, message, allowed))

    def raise_if_any(self, detail: str, cls: type[AtlaxisError] = ValidationError) -> None:
        if self.problems:
            raise cls(detail, problems=self.problems)
