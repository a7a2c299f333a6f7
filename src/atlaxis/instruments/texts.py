"""Licensed item wording held by a clinic, loaded from a local file.

File format (JSON)::

    {"instrument": "hit6", "licence": "QualityMetric licence no. …",
     "items": {"1": "full wording of item 1", ...}}

The wording is checked against the definition (every key must be an item id)
and installed as ``<text_dir>/<instrument>.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from atlaxis.errors import Problem, ProblemCollector, ValidationError
from atlaxis.instruments.model import Instrument
from atlaxis.instruments.registry import get_instrument


def parse_text_file(data: Any) -> tuple[Instrument, dict[str, str]]:
    problems = ProblemCollector()
    if not isinstance(data, dict):
        raise ValidationError(
            "wording file must be a JSON object", problems=[Problem("file", "not an object")]
        )
    inst_id = data.get("instrument")
    if not isinstance(inst_id, str):
        raise ValidationError(
            "wording file is invalid", problems=[Problem("instrument", "missing or not a string")]
        )
    instrument = get_instrument(inst_id)
    items = data.get("items")
    if not isinstance(items, dict) or not items:
        raise ValidationError(
            "wording file is invalid", problems=[Problem("items", "must map item ids to text")]
        )
    texts: dict[str, str] = {}
    for key, text in items.items():
        if instrument.item(key) is None:
            problems.add(f"items.{key}", "unknown item", ", ".join(instrument.item_ids))
        elif not isinstance(text, str) or not text.strip():
            problems.add(f"items.{key}", "wording must be non-empty text")
        else:
            texts[key] = text.strip()
    problems.raise_if_any("wording file is invalid")
    return instrument, texts


def install_text_file(source: Path, text_dir: Path) -> tuple[Path, int]:
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(
            "cannot read wording file", problems=[Problem(str(source), str(exc))]
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "wording file is not valid JSON", problems=[Problem(str(source), str(exc))]
        ) from None
    instrument, texts = parse_text_file(data)
    text_dir.mkdir(parents=True, exist_ok=True)
    target = text_dir / f"{instrument.id}.json"
    target.write_text(
        json.dumps({"instrument": instrument.id, "items": texts}, indent=2), encoding="utf-8"
    )
    return target, len(texts)


def with_local_text(instrument: Instrument, text_dir: Path | None) -> Instrument:
    """The instrument with the clinic's licensed wording applied, if any is installed."""
    if text_dir is None:
        return instrument
    path = text_dir / f"{instrument.id}.json"
    if not path.is_file():
        return instrument
    _, texts = parse_text_file(json.loads(path.read_text(encoding="utf-8")))
    return instrument.with_texts(texts)
