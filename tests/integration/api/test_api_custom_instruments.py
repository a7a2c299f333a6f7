"""A custom instrument imported from a REDCap data dictionary (stored under the clinic's
instrument-text folder) is registered when the app starts, so it is scored and stored through
``POST /api/v1/patients/{id}/assessments`` like a built-in instrument."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from atlaxis.domain import Role
from atlaxis.errors import ConfigurationError
from atlaxis.instruments.registry import custom_ids, unregister_custom
from atlaxis.interop.custom_instruments import CustomInstrumentStore, custom_dir
from atlaxis.interop.redcap_import import import_dictionary

DICTIONARY = (
    Path(__file__).resolve().parents[2] / "data" / "redcap" / "custom_fatigue_dictionary.csv"
)


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The fatigue dictionary imported and stored (not registered) in a fresh text folder."""
    (instrument,) = import_dictionary(
        DICTIONARY.read_text(encoding="utf-8"), DICTIONARY.name
    ).instruments
    text_dir = tmp_path / "texts"
    CustomInstrumentStore(custom_dir(text_dir)).save(instrument)
    unregister_custom(instrument.id)
    yield text_dir, instrument.id
    unregister_custom(instrument.id)  # the registry is process-wide


def test_stored_custom_instrument_is_scored_through_the_api(
    make_app: Callable[..., Any], factory: Any, stored: tuple[Path, str]
) -> None:
    text_dir, instrument_id = stored
    assert instrument_id not in custom_ids()
    app = make_app(text_dir=text_dir)
    assert instrument_id in custom_ids()
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    factory.user(Role.CLINICIAN, clinic, email="doc@example.org")
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token",
            json={"email": "doc@example.org", "password": "correct horse battery staple"},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        answers = {"fat_q1": 2, "fat_q2": 3, "fat_nap": False}
        saved = client.post(
            f"/api/v1/patients/{patient.id}/assessments",
            json={"instrument": instrument_id, "answers": answers},
            headers=headers,
        )
        assert saved.status_code == 201, saved.text
        body = saved.json()["assessment"]
        # the dictionary's calc field is [fat_q1]+[fat_q2]: 2 + 3 = 5
        assert (body["instrument"], body["result"]["total"]) == (instrument_id, 5)
        assert saved.json()["alerts"] == []
        wrong = client.post(
            f"/api/v1/patients/{patient.id}/assessments",
            json={"instrument": instrument_id, "answers": {"fat_q1": 9}},
            headers=headers,
        )
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "fat_q1"


def test_a_broken_stored_instrument_stops_start_up_with_its_file_named(
    make_app: Callable[..., Any], stored: tuple[Path, str]
) -> None:
    text_dir, instrument_id = stored
    broken = custom_dir(text_dir) / f"{instrument_id}.json"
    broken.write_text('{"format": "atlaxis-custom-instrument/1"}', encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        make_app(text_dir=text_dir)
    assert [p.field for p in refused.value.problems] == [str(broken)]
