"""Declarative instrument definitions.

An instrument is data: items with their options and codes, a scoring rule
(sums, subscales, divisors, weights, the published missing-item rule), bands,
change thresholds, reliability and their sources. The engine in
:mod:`atlaxis.instruments.engine` reads these and scores responses.

Evidence tags follow the reference convention: ``verified`` (read in the
primary source), ``secondary`` (read in a source quoting it), ``unverified``
(named but not read; must be confirmed before clinical use).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from atlaxis.instruments.result import ScoreResult

AnswerType = Literal[
    "choice", "boolean", "integer", "decimal", "time", "date", "text", "multi_choice"
]
Evidence = Literal["verified", "secondary", "unverified"]
Statistic = Literal["sum", "mean"]
TotalRule = Literal["sum_items", "sum_subscales", "mean_subscales", "mean_items", "custom"]
ThresholdKind = Literal["mcid", "mdc", "mic", "true_change", "responder"]
Unit = Literal["points", "percent"]

AnswerValue = bool | int | float | str | list[int] | list[str] | None
Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Source:
    """Where a fact comes from, and how sure we are of it."""

    citation: str
    evidence: Evidence = "verified"
    note: str | None = None


@dataclass(frozen=True)
class Licence:
    """Who holds the copyright and whether the item wording may ship."""

    holder: str
    ship_text: bool
    note: str


@dataclass(frozen=True)
class Option:
    """An answer option: the stored code, its label, its scoring points (ordinal value)."""

    code: int | str
    label: str
    points: float


@dataclass(frozen=True)
class EnableWhen:
    """Ask ``Item`` only when another item's answer satisfies a condition (FHIR enableWhen)."""

    question: str
    operator: Literal["=", "!=", ">", "<", ">=", "<=", "exists"]
    answer: bool | int | float | str


@dataclass(frozen=True)
class Item:
    """One question.

    ``text`` is the wording when the licence lets it ship, otherwise a short topic
    label (``text_is_label`` is then true). ``required`` marks items the form asks
    for; whether a missing one stops scoring is the instrument's missing-data rule.
    """

    id: str
    text: str
    type: AnswerType
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    text_is_label: bool = False
    enable_when: tuple[EnableWhen, ...] = ()
    loinc: str | None = None
    section: str | None = None
    help: str | None = None
    unit: str | None = None

    def option(self, code: object) -> Option | None:
        for opt in self.options:
            if opt.code == code and type(opt.code) is type(code):
                return opt
        return None


@dataclass(frozen=True)
class Subscale:
    """A group of items summed or averaged, then divided and weighted.

    ``max_missing`` is the published number of items that may be missing; with
    ``prorate`` the raw sum is scaled by ``n_items / n_answered``. ``None`` means
    the source gives no rule, so every item is needed. ``in_total=False`` reports the
    subscale without entering a ``sum_subscales``/``mean_subscales`` total (e.g. the
    JFLS-8-equivalent global inside the JFLS-20).
    """

    name: str
    items: tuple[str, ...]
    statistic: Statistic = "sum"
    divisor: float = 1.0
    weight: float = 1.0
    max_missing: int = 0
    prorate: bool = False
    in_total: bool = True


@dataclass(frozen=True)
class Scoring:
    """How the total is formed from items or subscales, and the missing-item rule.

    ``points``: per-item mapping from answer code to points where it differs from
    the option table (COMPASS-31); ``max_missing``/``prorate`` apply to the total
    when ``total`` is ``sum_items`` or ``mean_items``; ``total_items`` limits the
    items in that total (defaults to every scored item).
    """

    total: TotalRule
    subscales: tuple[Subscale, ...] = ()
    total_items: tuple[str, ...] = ()
    max_missing: int = 0
    prorate: bool = False
    rounding: str = "none: totals are reported unrounded; round only for display"
    missing_rule: str = "every item is needed (no published missing-item rule)"
    source: Source | None = None


@dataclass(frozen=True)
class Band:
    """An interpretation band: ``lower`` is inclusive; the band ends where the next begins."""

    label: str
    lower: float


@dataclass(frozen=True)
class Interpretation:
    bands: tuple[Band, ...]
    source: Source
    note: str | None = None

    def band_for(self, total: float) -> str:
        label = self.bands[0].label
        for band in self.bands:
            if total >= band.lower:
                label = band.label
        return label


@dataclass(frozen=True)
class ChangeThreshold:
    kind: ThresholdKind
    value: float
    unit: Unit
    source: Source
    note: str | None = None


@dataclass(frozen=True)
class Reliability:
    coefficient: float
    kind: Literal["icc", "pearson", "spearman", "alpha"]
    source: Source
    note: str | None = None


@dataclass(frozen=True)
class NormativeSD:
    value: float
    source: Source
    note: str | None = None


CustomScorer = Callable[["Instrument", Mapping[str, Any]], "ScoreResult"]
BatchScorer = Callable[["Instrument", Mapping[str, "npt.NDArray[np.float64]"]], dict[str, Any]]


@dataclass(frozen=True)
class Instrument:
    """A validated instrument (or one of atlaxis' own forms), as data."""

    id: str
    version: str
    title: str
    citation: Source
    licence: Licence
    items: tuple[Item, ...]
    scoring: Scoring
    score_range: tuple[float, float] | None
    lower_is_better: bool = True
    interpretation: Interpretation | None = None
    thresholds: tuple[ChangeThreshold, ...] = ()
    reliability: Reliability | None = None
    normative_sd: NormativeSD | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    recall_period: str | None = None
    instructions: str | None = None
    kind: Literal["questionnaire", "diary", "screen"] = "questionnaire"
    custom_scorer: CustomScorer | None = None
    batch_scorer: BatchScorer | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def item(self, item_id: str) -> Item | None:
        return self._index.get(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def _index(self) -> dict[str, Item]:
        cached: dict[str, Item] | None = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {i.id: i for i in self.items}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def threshold(self, kind: ThresholdKind) -> ChangeThreshold | None:
        for t in self.thresholds:
            if t.kind == kind:
                return t
        return None

    def with_texts(self, texts: Mapping[str, str]) -> Instrument:
        """A copy whose item wording is replaced (licensed text loaded by a clinic)."""
        from dataclasses import replace

        items = tuple(
            replace(i, text=texts[i.id], text_is_label=False) if i.id in texts else i
            for i in self.items
        )
        return replace(self, items=items)


def choice_options(labels: Sequence[str], start: int = 0) -> tuple[Option, ...]:
    """Options coded ``start, start+1, …`` whose points equal their codes."""
    return tuple(
        Option(code=start + k, label=lab, points=float(start + k)) for k, lab in enumerate(labels)
    )


def numeric_scale(low: int, high: int, low_label: str, high_label: str) -> tuple[Option, ...]:
    """An integer rating scale (e.g. 0–10) with anchors on the ends."""
    opts = []
    for k in range(low, high + 1):
        label = f"{k}"
        if k == low:
            label = f"{k} ({low_label})"
        elif k == high:
            label = f"{k} ({high_label})"
        opts.append(Option(code=k, label=label, points=float(k)))
    return tuple(opts)
