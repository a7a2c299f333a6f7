"""Benchmark: vectorised ``score_many`` against the row-by-row ``score`` loop and a floor.

For FIQR (declarative engine) and ACR 2016 (custom ``batch_scorer``) it builds
1,000,000 synthetic responses (seeded numpy, with some answers missing) and times:

* ``score_many`` over all rows;
* the ``score()`` loop over a sample of rows (default 20,000), scaled to all rows;
* a floor: one plain ``numpy.nansum`` over the same answer matrix (no validation,
  no rules) -- the least work any scorer of this table must do.

It prints a table of ratios and, with ``--write-docs``, replaces the "## Scoring"
section of ``docs/benchmarks.md``.

    .venv/bin/python bench/scoring.py --write-docs
"""

from __future__ import annotations

import argparse
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from atlaxis.instruments import score, score_many
from atlaxis.instruments.definitions.acr2016 import DURATION_ITEM, SOMATIC_ITEMS, WPI_SITES

FloatArray = npt.NDArray[np.float64]
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SEED = 20240611


@dataclass
class Timing:
    instrument: str
    rows: int
    sample: int
    many_s: float
    loop_s: float  # scaled to ``rows``
    floor_s: float

    @property
    def speedup(self) -> float:
        return self.loop_s / self.many_s

    @property
    def over_floor(self) -> float:
        return self.many_s / self.floor_s


def _with_missing(rng: np.random.Generator, x: FloatArray, share: float) -> FloatArray:
    x[rng.random(x.shape[0]) < share] = np.nan
    return x


def fiqr_columns(rng: np.random.Generator, n: int) -> dict[str, FloatArray]:
    """21 items 0-10; 1% of each function item and 0.2% of the others missing."""
    cols = {}
    for k in range(1, 22):
        x = rng.integers(0, 11, n).astype(np.float64)
        cols[str(k)] = _with_missing(rng, x, 0.01 if k <= 9 else 0.002)
    return cols


def acr_columns(rng: np.random.Generator, n: int) -> dict[str, FloatArray]:
    """19 sites (0/1, 5% unanswered), severity 0-3 and somatic 0/1 (0.5% missing)."""
    cols = {s: _with_missing(rng, (rng.random(n) < 0.45).astype(np.float64), 0.05)
            for s in WPI_SITES}  # fmt: skip
    for item in ("fatigue", "waking_unrefreshed", "cognitive_symptoms"):
        cols[item] = _with_missing(rng, rng.integers(0, 4, n).astype(np.float64), 0.005)
    for item in (*SOMATIC_ITEMS, DURATION_ITEM):
        cols[item] = _with_missing(rng, (rng.random(n) < 0.5).astype(np.float64), 0.005)
    return cols


def _answers(instrument: str, cols: dict[str, FloatArray], rows: int) -> list[dict[str, Any]]:
    boolean = set(WPI_SITES) | set(SOMATIC_ITEMS) | {DURATION_ITEM}
    out = []
    for r in range(rows):
        answers: dict[str, Any] = {}
        for key, col in cols.items():
            v = col[r]
            if np.isnan(v):
                continue
            answers[key] = bool(v) if instrument == "acr2016" and key in boolean else int(v)
        out.append(answers)
    return out


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(instrument: str, cols: dict[str, FloatArray], sample: int, repeat: int) -> Timing:
    n = next(iter(cols.values())).shape[0]
    matrix = np.vstack(list(cols.values()))
    many_s = _best(lambda: score_many(instrument, cols), repeat)
    floor_s = _best(lambda: np.nansum(matrix, axis=0), repeat)
    answers = _answers(instrument, cols, sample)
    t0 = time.perf_counter()
    for a in answers:
        score(instrument, a)
    loop_s = (time.perf_counter() - t0) * n / sample
    # the benchmark is only meaningful if both paths agree on the sample
    batch = score_many(instrument, {k: v[:sample] for k, v in cols.items()})["total"]
    loop = np.array([np.nan if (t := score(instrument, a).total) is None else t for a in answers])
    np.testing.assert_allclose(batch, loop, equal_nan=True)
    return Timing(instrument, n, sample, many_s, loop_s, floor_s)


def table(timings: list[Timing]) -> str:
    lines = [
        "| instrument | rows | score_many (s) | score() loop, scaled (s) | nansum floor (s) "
        "| loop / score_many | score_many / floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.instrument} | {t.rows:,} | {t.many_s:.3f} | {t.loop_s:.1f} | {t.floor_s:.4f} "
            f"| {t.speedup:,.0f}x | {t.over_floor:.1f}x |"
        )
    return "\n".join(lines)


def write_docs(timings: list[Timing], sample: int) -> None:
    section = (
        "## Scoring\n\n"
        "`bench/scoring.py`: 1,000,000 seeded synthetic responses per instrument, with some "
        "answers missing (FIQR: 1% per function item, 0.2% per other item; ACR 2016: 5% of "
        "body sites unanswered, 0.5% of symptom items missing). `score_many` is timed over "
        f"all rows (best of 5); the `score()` loop over {sample:,} rows, scaled to all rows; "
        "the floor is one `numpy.nansum` over the same answer matrix (no validation, no "
        "rules). Both paths are checked to agree on the sample before timing is reported.\n\n"
        f"{table(timings)}\n\n"
        "Targets: `score_many` at least 50x faster than the loop and within 10x of the floor. "
        "Absolute times vary with machine load; "
        "the ratios are the result.\n"
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, {platform.system()}.\n"
        "Run: `.venv/bin/python bench/scoring.py --write-docs`.\n"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"## Scoring\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    timings = [
        run("fiqr", fiqr_columns(rng, args.rows), args.sample, args.repeat),
        run("acr2016", acr_columns(rng, args.rows), args.sample, args.repeat),
    ]
    print(table(timings))
    if args.write_docs:
        write_docs(timings, args.sample)
        print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
