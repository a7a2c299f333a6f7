"""CLI JSON input: duplicate keys and non-finite numbers are refused, not silently resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlaxis.cli.common import read_json
from atlaxis.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"1": 2, "1": 3}', "1"),
        ('{"a": {"b": 1, "b": 2}}', "b"),
        ('{"1": NaN}', "NaN"),
        ('{"1": Infinity}', "Infinity"),
        ("{\"1\": 2", "x.json"),
    ],
)
def test_bad_json_names_the_problem(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(ValidationError) as err:
        read_json(str(path))
    assert any(field in p.field for p in err.value.problems)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        read_json(str(tmp_path / "absent.json"))


def test_valid_json_reads(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"1": 2, "2": [1, 2]}')
    assert read_json(str(path)) == {"1": 2, "2": [1, 2]}
