"""Synthetic FHIR input with many diary Observations, written as a stream (never in memory)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

RATINGS = (
    "pain",
    "fatigue",
    "sleep_quality",
    "cognitive_fog",
    "stiffness",
    "neck_pain",
    "headache",
    "dizziness",
    "mood",
    "jaw_pain",
)
DIARY = "https://atlaxis.org/fhir/CodeSystem/diary"
FIRST_DAY = date(2020, 1, 1)


def write_diary_bundle(path: Path, observations: int, patients: int = 10) -> int:
    """A transaction Bundle: ``patients`` Patients and ``observations`` diary Observations
    (10 ratings per check-in, one check-in a day per patient). Returns the check-in count."""
    per_entry = len(RATINGS)
    entries = observations // per_entry
    with path.open("w", encoding="utf-8") as out:
        out.write('{"resourceType": "Bundle", "type": "transaction", "entry": [\n')
        for p in range(patients):
            patient = {
                "resourceType": "Patient",
                "id": f"p{p}",
                "identifier": [
                    {"system": "https://atlaxis.org/fhir/sid/record-number", "value": f"BULK-{p}"}
                ],
                "name": [{"family": f"Bulk{p}", "given": ["Test"]}],
            }
            out.write(
                json.dumps(
                    {
                        "fullUrl": f"urn:uuid:00000000-0000-0000-0000-{p:012d}",
                        "resource": patient,
                        "request": {"method": "POST", "url": "Patient"},
                    }
                )
            )
            out.write(",\n")
        written = 0
        for e in range(entries):
            p, day = e % patients, FIRST_DAY + timedelta(days=e // patients)
            for k, item in enumerate(RATINGS):
                obs = {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": DIARY, "code": item}]},
                    "subject": {"reference": f"urn:uuid:00000000-0000-0000-0000-{p:012d}"},
                    "effectiveDateTime": day.isoformat(),
                    "valueInteger": (e * 7 + k * 3) % 11,
                }
                written += 1
                out.write(
                    json.dumps(
                        {"resource": obs, "request": {"method": "POST", "url": "Observation"}}
                    )
                )
                out.write(",\n" if written < entries * per_entry else "\n")
        out.write("]}\n")
    return entries
