"""The latent six months of a batch of synthetic patients, vectorised with numpy.

Patients come in fixed batches of :data:`BATCH` consecutive indices; batch ``k`` holds
indices ``k*BATCH .. k*BATCH+BATCH-1`` and draws every random number from streams seeded by
``(seed, k)`` in arrays of a fixed shape (patients x :data:`MAX_DAYS` days). A patient's
data therefore depend only on the seed, the as-of day and their index: not on how many
patients the clinic has, nor on how the load is chunked or spread over processes.

Courses (shares): responders whose pain falls over 4-8 weeks of care; partial responders;
non-responders; a few who worsen; and "regression to the mean" patients who enrolled during
a bad spell that would have eased anyway. Flares come and go in everyone. Day-to-day noise
is autocorrelated (AR(1)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BATCH = 250
#: longest diary (days); shorter diaries leave the tail of their row unused
MAX_DAYS = 184
COURSES = ("responder", "partial", "non_responder", "worsening", "regression_to_mean")
COURSE_SHARES = (0.33, 0.22, 0.28, 0.05, 0.12)
RTM = COURSES.index("regression_to_mean")
TECHNIQUES = ("nucca", "atlas_orthogonal", "blair")
SEXES = ("female", "male", "other")
#: independent random streams of a batch (adding one never changes the others)
STREAMS = ("profile", "pain", "diary", "visits", "assessments", "cotherapies")


def streams(seed: int, batch: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence([seed, batch]).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def batch_of(index: int) -> int:
    return index // BATCH


@dataclass(frozen=True)
class Cohort:
    """One batch. Days are offsets from ``as_of`` (0 = the as-of day, negative = before);
    ``pain[b, j]`` is patient ``b``'s latent pain (0-10) on day ``first[b] + j`` (NaN after
    their last diary day)."""

    seed: int
    batch: int
    as_of: date
    index: IntArray
    course: IntArray
    age: IntArray
    sex: IntArray
    given: IntArray
    family: IntArray
    birth_extra: IntArray
    migraine: BoolArray
    goals: IntArray
    first: IntArray
    care: IntArray
    last: IntArray
    length: IntArray
    base: FloatArray
    neck: FloatArray
    pain: FloatArray

    @property
    def size(self) -> int:
        return int(self.index.size)

    def pain_on(self, day: IntArray, default: FloatArray) -> FloatArray:
        """Latent pain on ``day`` (B x K offsets), ``default`` (B,) outside the diary."""
        j = day - self.first[:, None]
        inside = (j >= 0) & (j < self.length[:, None])
        rows = np.arange(self.size)[:, None]
        values = self.pain[rows, np.clip(j, 0, MAX_DAYS - 1)]
        out: FloatArray = np.where(inside, values, default[:, None])
        return out


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float, sd: float) -> FloatArray:
    noise = rng.normal(0.0, sd, shape)
    out = np.empty(shape)
    level = rng.normal(0.0, sd / np.sqrt(1 - phi**2), shape[0])
    for j in range(shape[1]):
        level = phi * level + noise[:, j]
        out[:, j] = level
    return out


def _flares(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    """A flare starts on about one day in 30, lasts 3-7 days and decays from 1.5-3.5."""
    start = rng.random(shape) < 1 / 30
    length = rng.integers(3, 8, shape)
    height = rng.uniform(1.5, 3.5, shape)
    out = np.zeros(shape)
    days = shape[1]
    for lag in range(7):
        on = start[:, : days - lag] & (lag < length[:, : days - lag])
        size = height[:, : days - lag] * np.exp(-lag / (length[:, : days - lag] / 2))
        out[:, lag:] += np.where(on, size, 0.0)
    return out


def _effect(rng: np.random.Generator, course: IntArray, t: FloatArray) -> FloatArray:
    """Change of latent pain from baseline, ``t`` days from the start of care."""
    n = course.size
    tau = rng.uniform(28, 56, n)
    sizes = np.stack(
        [
            -rng.uniform(2.0, 3.5, n),
            -rng.uniform(0.8, 1.8, n),
            rng.normal(0.0, 0.3, n),
            rng.uniform(0.8, 1.6, n),
            np.zeros(n),
        ]
    )
    size = sizes[course, np.arange(n)]
    ramp = 1.0 - np.exp(-np.clip(t, 0, None) / (tau[:, None] / 3))
    # a bad spell around enrolment that eases on its own (independent of care)
    spell = 2.2 * np.exp(-np.clip(t + 10, 0, None) / 12.0)
    out: FloatArray = size[:, None] * ramp + np.where((course == RTM)[:, None], spell, 0.0)
    return out


def simulate_batch(seed: int, batch: int, as_of: date) -> Cohort:
    """Every latent quantity of batch ``batch`` (deterministic in ``seed``, ``batch``,
    ``as_of``)."""
    rng = streams(seed, batch)
    p = rng["profile"]
    n = BATCH
    course = p.choice(len(COURSES), size=n, p=COURSE_SHARES)
    age = p.integers(24, 72, n)
    late = np.where(p.random(n) < 0.2, p.integers(0, 30, n), 0)
    length = p.integers(45, MAX_DAYS, n)
    last = -late
    first = last - length + 1
    care = first + p.integers(14, 29, n)
    base = np.clip(p.normal(6.3, 1.1, n), 3.5, 9.0)
    t = (first[:, None] + np.arange(MAX_DAYS)[None, :] - care[:, None]).astype(float)
    q = rng["pain"]
    pain = base[:, None] + _effect(q, course, t) + _flares(q, t.shape) + _ar1(q, t.shape, 0.6, 0.8)
    pain = np.clip(pain, 0.0, 10.0)
    pain[np.arange(MAX_DAYS)[None, :] >= length[:, None]] = np.nan
    return Cohort(
        seed=seed,
        batch=batch,
        as_of=as_of,
        index=np.arange(batch * n, batch * n + n, dtype=np.int64),
        course=course,
        age=age,
        sex=p.choice(len(SEXES), size=n, p=[0.85, 0.13, 0.02]),
        given=p.integers(0, 20, n),
        family=p.integers(0, 10, n),
        birth_extra=p.integers(0, 365, n),
        migraine=p.random(n) < 0.3,
        goals=p.integers(1, 3, n),
        first=first,
        care=care,
        last=last,
        length=length,
        base=base,
        neck=p.uniform(0.5, 1.1, n),
        pain=pain,
    )
