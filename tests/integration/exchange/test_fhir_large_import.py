"""A large FHIR import streams: memory stays flat as the input grows (tracemalloc peak),
and the progress callback reports both passes. The 100,000-observation run is
``bench/fhir_import.py`` (figures in docs/benchmarks.md, "FHIR import")."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

from fhir_large import write_diary_bundle

from atlaxis.domain import Actor
from atlaxis.fhir.reader import Source
from atlaxis.services.fhir_import import import_fhir
from atlaxis.storage import Database

SMALL, LARGE = 500, 4_000


def _import(
    url: str, path: Path, calls: list[tuple[str, int, int | None]], slug: str
) -> tuple[Any, int]:
    db = Database(url)
    try:
        with db.uow() as uow:
            clinic = uow.clinics.add(f"Clinic {slug}", slug)
            uow.commit()
        tracemalloc.start()
        try:
            with db.uow() as uow:
                summary = import_fhir(
                    uow,
                    Actor.system(clinic.id),
                    Source(path),
                    progress=lambda *args: calls.append(args),
                )
                uow.commit()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        db.dispose()
    return summary, peak


def _naive_load(path: Path) -> int:
    """What reading the whole file at once would hold (json.load) - the thing we avoid."""
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        size = tracemalloc.get_traced_memory()[1]
        del data
    finally:
        tracemalloc.stop()
    return size


def test_memory_stays_flat_as_the_import_grows(tmp_sqlite_url: str, tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    write_diary_bundle(small, SMALL)
    entries = write_diary_bundle(large, LARGE)
    # warm up imports and caches so the small run is not charged for them
    warm = tmp_path / "warm.json"
    write_diary_bundle(warm, 20, patients=2)
    _import(tmp_sqlite_url, warm, [], "warm-up")
    summary_small, peak_small = _import(tmp_sqlite_url, small, [], "small")
    calls: list[tuple[str, int, int | None]] = []
    summary_large, peak_large = _import(tmp_sqlite_url, large, calls, "large")
    assert summary_small.stored["diary_entries"] == SMALL // 10
    assert summary_large.stored["diary_entries"] == entries == LARGE // 10
    assert summary_large.read["Observation"] == LARGE
    # 8x the input, nearly the same peak: the input is streamed, not held
    naive = _naive_load(large)
    print(
        f"tracemalloc peak: {SMALL} obs {peak_small / 1e6:.1f} MB, {LARGE} obs "
        f"{peak_large / 1e6:.1f} MB; json.load of the large file {naive / 1e6:.1f} MB"
    )
    assert peak_large < peak_small + 3_000_000, (peak_small, peak_large)
    assert peak_large < naive / 4
    phases = {c[0] for c in calls}
    assert phases == {"check", "import"}
    assert sum(c[1] for c in calls if c[0] == "import") >= LARGE - 100
    assert {c[2] for c in calls if c[0] == "import"} == {LARGE + 10}
