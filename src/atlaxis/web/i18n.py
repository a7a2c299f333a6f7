"""The translation catalogue: every user-visible string of the pages comes from here.

Catalogues are flat JSON objects in ``web/locales/<lang>.json`` mapping a dotted key
(``"checkin.title"``) to text; ``{name}`` placeholders are filled with keyword arguments.
English (``en``) is complete and is the fallback for any key another language lacks.
Templates call ``_("key")``; Python code calls :func:`t`. A test fails when a template or
page module uses a key that ``en.json`` lacks.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` (read once); empty when there is none."""
    path = LOCALE_DIR / f"{lang}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in LOCALE_DIR.glob("*.json")))


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` (English fallback; the key itself if unknown)."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def negotiate(accept_language: str | None) -> str:
    """The best available language for an ``Accept-Language`` header (English otherwise)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    languages = available_languages()
    for _, _, tag in sorted(ranked):
        base = tag.split("-")[0]
        if base in languages:
            return base
    return DEFAULT_LANGUAGE


class Translator:
    """A language bound for one request: ``_("key", name=value)`` in templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **values: object) -> str:
        return t(key, self.lang, **values)
