"""Streaming FHIR input: a Bundle's entries are decoded one at a time (small chunks here
force entries across chunk boundaries), NDJSON line by line, every location named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlaxis.errors import ValidationError
from atlaxis.fhir import reader
from atlaxis.fhir.reader import Source, bad_json


def _bundle(n: int) -> dict:
    entries = [
        {
            "fullUrl": f"urn:uuid:{k}",
            "resource": {
                "resourceType": "Basic",
                "id": f"b{k}",
                "n": 1234567 + k,
                "s": "x" * (k % 50),
            },
        }
        for k in range(n)
    ]
    return {"resourceType": "Bundle", "entry": entries, "type": "collection"}


def test_bundle_entries_are_streamed_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "_CHUNK", 7)
    path = tmp_path / "b.json"
    data = _bundle(40)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    source = Source(path)
    found = list(source.resources())
    assert [f.resource for f in found] == [e["resource"] for e in data["entry"]]
    assert [f.where for f in found][:2] == ["entry[0]", "entry[1]"]
    assert found[3].full_url == "urn:uuid:3"
    assert source.top == {"resourceType": "Bundle", "type": "collection"}
    assert len(list(source.resources())) == 40  # a second pass re-reads the file


def test_single_resource_file(tmp_path: Path) -> None:
    path = tmp_path / "qr.json"
    path.write_text('{"resourceType": "QuestionnaireResponse", "status": "completed"}')
    (found,) = Source(path).resources()
    assert found.where == "resource"
    assert found.resource["status"] == "completed"


def test_ndjson_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "Patient.ndjson").write_text('{"resourceType":"Patient","id":"1"}\n\n')
    (tmp_path / "Observation.ndjson").write_text('{"resourceType":"Observation"}\n{oops\n')
    found = list(Source(tmp_path).resources())
    assert [f.where for f in found] == [
        "Observation.ndjson line 1",
        "Observation.ndjson line 2",
        "Patient.ndjson line 1",
    ]
    assert bad_json(found[1].resource) is not None
    assert [f.resource["id"] for f in Source(tmp_path / "Patient.ndjson").resources()] == ["1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Bundle", "entry": [{"resource": {}} ', "not valid JSON"),
        ("[1, 2]", "not valid JSON"),
        ('{"a": 1} trailing', "not valid JSON"),
    ],
)
def test_broken_json_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValidationError, match=message) as info:
        list(Source(path).resources())
    assert info.value.problems[0].field == "bad.json"


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        list(Source(tmp_path / "nope.json").resources())
    with pytest.raises(ValidationError, match="no FHIR input"):
        list(Source(tmp_path).resources())
