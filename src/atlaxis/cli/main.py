"""Entry point: ``atlaxis``. Errors are rendered once, here: message on stderr, stable exit code."""

from __future__ import annotations

import importlib
import sys

import typer

from atlaxis.errors import AtlaxisError

app = typer.Typer(
    name="atlaxis",
    help="Measure fibromyalgia care honestly: instruments, screening, diaries, visits, outcomes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: command modules; each exposes ``register(app)``
_COMMAND_MODULES = (
    "atlaxis.cli.instruments_cmd",
    "atlaxis.cli.fhir_cmd",
    "atlaxis.cli.screen_cmd",
    "atlaxis.cli.platform_cmd",
    "atlaxis.cli.server_cmd",
    "atlaxis.cli.exchange_cmd",
    "atlaxis.cli.exchange_fhir_cmd",
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


def _register_custom_instruments() -> None:
    """Clinic-defined instruments (REDCap imports) become scorable by every command."""
    from atlaxis.config import load_settings
    from atlaxis.interop.custom_instruments import register_stored_instruments

    try:
        register_stored_instruments(load_settings().text_dir)
    except AtlaxisError as exc:
        sys.stderr.write(f"warning: custom instruments not loaded: {exc}\n")


def main() -> None:
    """Run the CLI; usage errors are reported by Typer (exit 2), ours by the error tree."""
    _register_all()
    _register_custom_instruments()
    try:
        app()
    except AtlaxisError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
