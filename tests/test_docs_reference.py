"""Every CLI command and every setting is documented (and the pages are not stale)."""

from __future__ import annotations

from pathlib import Path

from atlaxis.cli.docs import cli_markdown, command_tree, config_markdown
from atlaxis.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reference"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_markdown(), (
        "docs/reference/cli.md is stale: run python -m atlaxis.cli.docs cli > docs/reference/cli.md"
    )


def test_every_command_has_help_text() -> None:
    missing = [
        name for name, cmd in command_tree() if name != "atlaxis" and not (cmd.help or "").strip()
    ]
    assert missing == []


def test_settings_reference_is_current() -> None:
    text = (DOCS / "config.md").read_text(encoding="utf-8")
    assert text == config_markdown(), (
        "run python -m atlaxis.cli.docs config > docs/reference/config.md"
    )
    for name, field in Settings.model_fields.items():
        assert f"ATLAXIS_{name.upper()}" in text
        assert field.description, f"setting {name} has no description"
