"""A batch's diary: days are missed more often when symptoms are bad (and more as the months
go by); about one kept day in 20 has a second, evening entry; 60% of entries are the full
check-in (twelve 0-10 ratings and a body map), the rest the three-rating minimum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from atlaxis.demo.simulate import BoolArray, FloatArray, IntArray
from atlaxis.demo.text import Days, moment_text
from atlaxis.instruments.definitions.diary import WPI_SITES

SITE_IDS = tuple(site for site, _ in WPI_SITES)
#: spine and shoulders are painful more often than other sites
SITE_WEIGHTS = np.array(
    [
        3.0
        if s
        in ("neck", "upper_back", "lower_back", "shoulder_girdle_left", "shoulder_girdle_right")
        else 1.0
        for s in SITE_IDS
    ]
)
#: ratings as (id, weight on latent pain, intercept); neck_pain and headache also scale
#: with the patient's neck involvement; the first three are the minimal check-in
ITEMS = (
    ("pain", 1.0, 0.0),
    ("fatigue", 0.75, 1.5),
    ("sleep_quality", -0.7, 9.5),
    ("neck_pain", 1.0, 0.0),
    ("headache", 0.5, 0.0),
    ("cognitive_fog", 0.6, 0.5),
    ("stiffness", 0.8, 0.0),
    ("dizziness", 0.3, -0.5),
    ("light_sensitivity", 0.3, 0.0),
    ("sound_sensitivity", 0.3, 0.0),
    ("jaw_pain", 0.2, 0.0),
    ("mood", -0.6, 9.0),
)
NECK_ITEMS = (3, 4)
MINIMAL = 3
NOTES = (
    "Bad night",
    "Busy day",
    "Flare after travel",
    "Weather change",
    "Felt better after walking",
    "Stressful week",
)
_FULL = "{" + ", ".join(f'"{name}": %d' for name, _, _ in ITEMS) + "}"
_MINIMAL = "{" + ", ".join(f'"{name}": %d' for name, _, _ in ITEMS[:MINIMAL]) + "}"
_QUOTED = tuple(f'"{s}"' for s in SITE_IDS)
COLUMNS = (
    "patient_id",
    "local_date",
    "local_time",
    "items",
    "body_map",
    "note",
    "recalled",
    "entered_by",
    "created_at",
)


@dataclass(frozen=True)
class DiaryEntries:
    """One row per entry, ordered by patient, day and morning before evening."""

    row: IntArray
    day: IntArray
    ratings: IntArray
    full: BoolArray
    sites: BoolArray
    hour: IntArray
    minute: IntArray
    note: IntArray
    recalled: BoolArray


def missed_probability(pain: FloatArray, length: IntArray) -> FloatArray:
    """Chance a day is skipped: rises steeply above pain 6, plus up to 12% by the end."""
    steps = np.arange(pain.shape[1])[None, :] / np.maximum(length - 1, 1)[:, None]
    p: FloatArray = 1 / (1 + np.exp(-(-2.0 + 0.55 * (pain - 6.0)))) + 0.12 * steps
    return p


def _body_maps(count: IntArray, gumbel: FloatArray) -> BoolArray:
    """Painful sites per entry: ``count`` of them, chosen by weighted sampling without
    replacement (Gumbel top-k: the largest log-weight + Gumbel keys)."""
    keys = np.log(SITE_WEIGHTS) + gumbel
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    sites: BoolArray = rank < count[:, None]
    return sites


def diary_entries(
    rng: np.random.Generator, pain: FloatArray, length: IntArray, neck: FloatArray
) -> DiaryEntries:
    """Entries for a (patients x days) latent pain matrix (NaN where there is no day).

    Which days are kept is drawn for every cell; everything else per entry, in entry order.
    Draws depend on the whole matrix only, so a batch simulated in full gives each patient
    the same entries whoever else is loaded."""
    n, days = pain.shape
    valid = ~np.isnan(pain)
    level = np.where(valid, pain, 0.0)
    kept = (rng.random((n, days)) >= missed_probability(level, length)) & valid
    twice = kept & (rng.random((n, days)) < 0.05)
    b, j, s = np.nonzero(np.stack([kept, twice], axis=2))
    m = b.size
    p = level[b, j]
    full = rng.random(m) < 0.6
    weight = np.array([w for _, w, _ in ITEMS])
    scale = np.ones((m, len(ITEMS)))
    scale[:, NECK_ITEMS] = neck[b, None]
    means = p[:, None] * weight * scale + np.array([c for _, _, c in ITEMS])
    ratings = np.clip(np.rint(means + rng.normal(0.0, 0.8, means.shape)), 0, 10)
    count = rng.binomial(len(SITE_IDS), np.clip(p / 13.0, 0.0, 0.9))
    sites = _body_maps(count, rng.gumbel(size=(m, len(SITE_IDS)))) & full[:, None]
    u = rng.random(m)
    hour = np.where(s == 0, 7 + np.floor(u * 4), 18 + np.floor(u * 5))
    minute = rng.integers(0, 60, m)
    note = np.where(rng.random(m) < 0.08, rng.integers(0, len(NOTES), m), -1)
    return DiaryEntries(
        row=b,
        day=j,
        ratings=ratings.astype(np.int64),
        full=full,
        sites=sites,
        hour=hour.astype(np.int64),
        minute=minute,
        note=note,
        recalled=rng.random(m) < 0.03,
    )


def _site_lists(sites: BoolArray) -> list[str]:
    _, cols = np.nonzero(sites)
    counts = sites.sum(axis=1).tolist()
    names = [_QUOTED[c] for c in cols.tolist()]
    out, at = [], 0
    for k in counts:
        out.append("[" + ", ".join(names[at : at + k]) + "]")
        at += k
    return out


#: "HH:MM" and " HH:MM:00.000000" (the moment's tail) by minute of the day
_CLOCK = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_TAIL = tuple(moment_text("", h, m) for h in range(24) for m in range(60))


def diary_rows(
    entries: DiaryEntries, first: IntArray, pids: list[int | None], days: Days
) -> list[tuple[Any, ...]]:
    """Database rows (:data:`COLUMNS`) for the entries of patients with an id."""
    keep = np.array([p is not None for p in pids], dtype=bool)[entries.row]
    rows = entries.row[keep].tolist()
    offsets = first[entries.row[keep]] + entries.day[keep]
    lo = int(offsets.min()) if offsets.size else 0
    day_text = [days(o) for o in range(lo, int(offsets.max()) + 1)] if offsets.size else []
    at = (offsets - lo).tolist()
    ratings = entries.ratings[keep].tolist()
    full = entries.full[keep].tolist()
    maps = _site_lists(entries.sites[keep])
    clock = (entries.hour[keep] * 60 + entries.minute[keep]).tolist()
    notes = [NOTES[k] if k >= 0 else "" for k in entries.note[keep].tolist()]
    recalled = entries.recalled[keep].tolist()
    out = []
    for e, r in enumerate(rows):
        day = day_text[at[e]]
        items = _FULL % tuple(ratings[e]) if full[e] else _MINIMAL % tuple(ratings[e][:MINIMAL])
        t = clock[e]
        out.append(
            (pids[r], day, _CLOCK[t], items, maps[e], notes[e], recalled[e], None, day + _TAIL[t])
        )
    return out
