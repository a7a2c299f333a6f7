"""The science core imports no framework: instruments, screening, outcomes and domain
must not import storage, web, FHIR, reports, interop, services or SQLAlchemy/FastAPI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "atlaxis"
CORE = ("instruments", "screening", "outcomes", "domain")
FORBIDDEN = (
    "atlaxis.storage",
    "atlaxis.web",
    "atlaxis.fhir",
    "atlaxis.reports",
    "atlaxis.interop",
    "atlaxis.services",
    "atlaxis.security",
    "atlaxis.cli",
    "atlaxis.demo",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "fhir",
    "reportlab",
    "matplotlib",
    "jinja2",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_imports_no_framework(package: str) -> None:
    offenders = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_sqlalchemy_only_in_storage() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in ("storage",) or rel.parts[:1] == ("migrations",):
            continue
        for name in _imports(path):
            if name == "sqlalchemy" or name.startswith("sqlalchemy.") or name.startswith("alembic"):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_fhir_resources_only_in_fhir() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "fhir":
            continue
        for name in _imports(path):
            if name.startswith("fhir.resources"):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_architecture_guard_sees_a_violation(tmp_path: Path) -> None:
    """The guard itself must be able to fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom atlaxis.web import app\n")
    assert _imports(bad) == ["sqlalchemy", "atlaxis.web"]
