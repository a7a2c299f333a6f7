"""Questionnaire change for one patient or a group: reliable change and clinical significance.

(MCID and IMMPACT categories are in :mod:`atlaxis.outcomes.importance`.)

Sources (facts only; the code is our own):

* Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining
  meaningful change in psychotherapy research. *J Consult Clin Psychol* 59(1):12–19,
  doi:10.1037/0022-006X.59.1.12 — reliable change index (RC), cut-offs a, b, c and the
  recovered / improved / unchanged / deteriorated classification.
* Christensen L, Mendoza JL (1986). *Behav Ther* 17:305–308 — the standard error of a
  difference of two fallible scores is ``S_diff = √2·SE`` (adopted by J&T 1991).
* Maassen GH (2004). *J Int Neuropsychol Soc* 10:888–893 — ``S_diff`` from both the pre and
  post SDs (offered here with ``sd_post``).

Sign convention everywhere: ``change = post − pre`` (raw units). On a lower-is-better scale
(pain, FIQR, NDI) an improvement is a negative change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from atlaxis.outcomes._checks import Checks
from atlaxis.outcomes.reading import (
    CHANGE_CAVEATS,
    caveats_for,
    check_wording,
    fmt,
    result_dict,
)

#: Two-sided 95% criterion used by Jacobson & Truax (1991) for a reliable change.
RC_CRITERION = 1.96
#: Comparisons against thresholds ignore differences below this (floating-point noise):
#: a change exactly at a threshold is treated as *at* it.
EPS = 1e-9

RcCategory = Literal["improved", "deteriorated", "no reliable change"]
JtCategory = Literal["recovered", "improved", "unchanged", "deteriorated", "harmed"]
Direction = Literal["improvement", "worsening", "no change"]

#: The Jacobson–Truax classes in the order reported in ``counts``.
JT_CATEGORIES: tuple[JtCategory, ...] = (
    "recovered",
    "improved",
    "unchanged",
    "deteriorated",
    "harmed",
)


def direction_of(change: float, lower_is_better: bool) -> Direction:
    if abs(change) < EPS:
        return "no change"
    better = change < 0 if lower_is_better else change > 0
    return "improvement" if better else "worsening"


def _s_diff(sd: float, reliability: float, sd_post: float | None) -> float:
    """J&T ``√2·sd·√(1−r)``; with ``sd_post``, Maassen's ``√((sd² + sd_post²)(1−r))``."""
    if sd_post is None:
        return math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)
    return math.sqrt((sd**2 + sd_post**2) * (1.0 - reliability))


def _check_reliability(checks: Checks, reliability: Any) -> float:
    r = checks.number("reliability", reliability, allowed="a number in [0, 1)")
    if not 0 <= r < 1:
        checks.add("reliability", f"must be in [0, 1), got {reliability!r}", "0 ≤ r < 1")
    return r


# --------------------------------------------------------------------------- reliable change


@dataclass(frozen=True)
class ReliableChange:
    """One patient's Jacobson–Truax reliable change.

    ``rc`` is ``(post − pre) / S_diff``; ``minimal_change`` is ``1.96·S_diff`` in raw units,
    the smallest change that measurement error alone produces less than 5% of the time.
    ``category`` is ``"improved"`` or ``"deteriorated"`` when ``|rc| > 1.96`` (strictly) in the
    better or worse direction of the scale, else ``"no reliable change"``.
    """

    pre: float
    post: float
    change: float
    se: float
    s_diff: float
    rc: float
    minimal_change: float
    category: RcCategory
    direction: Direction
    lower_is_better: bool
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def reliable_change(
    pre: float,
    post: float,
    *,
    sd: float,
    reliability: float,
    lower_is_better: bool = True,
    sd_post: float | None = None,
    sd_from_sample: bool = False,
) -> ReliableChange:
    """Jacobson–Truax (1991) reliable change of one score.

    ``SE = sd·√(1 − reliability)``, ``S_diff = √2·SE`` (Christensen & Mendoza 1986),
    ``RC = (post − pre)/S_diff``; reliable when ``|RC| > 1.96``. ``sd`` is the SD of the
    pre-treatment (clinical) population, ideally from the instrument's published test–retest
    study; say ``sd_from_sample=True`` when it came from the clinic's own patients. Giving
    ``sd_post`` switches to Maassen's (2004) ``S_diff = √((sd² + sd_post²)(1 − r))``.
    """
    checks = Checks("reliable_change")
    x1 = checks.number("pre", pre)
    x2 = checks.number("post", post)
    s1 = checks.positive("sd", sd)
    r = _check_reliability(checks, reliability)
    s2 = None if sd_post is None else checks.positive("sd_post", sd_post)
    checks.raise_if_any()

    s_diff = _s_diff(s1, r, s2)
    change = x2 - x1
    rc = change / s_diff
    minimal = RC_CRITERION * s_diff
    direction = direction_of(change, lower_is_better)
    reliable = abs(rc) > RC_CRITERION + EPS
    category: RcCategory = "no reliable change"
    if reliable:
        category = "improved" if direction == "improvement" else "deteriorated"
    keys = ["measurement_error", *CHANGE_CAVEATS] + (["sample_sd"] if sd_from_sample else [])
    return ReliableChange(
        pre=x1,
        post=x2,
        change=change,
        se=s1 * math.sqrt(1.0 - r),
        s_diff=s_diff,
        rc=rc,
        minimal_change=minimal,
        category=category,
        direction=direction,
        lower_is_better=lower_is_better,
        method="jacobson-truax" if s2 is None else "maassen",
        reading=check_wording(_rc_reading(change, minimal, rc, category)),
        caveats=caveats_for(*keys),
    )


def _rc_reading(change: float, minimal: float, rc: float, category: RcCategory) -> str:
    moved = (
        "did not change"
        if abs(change) < EPS
        else (f"{'rose' if change > 0 else 'fell'} by {fmt(abs(change))} points")
    )
    if category == "no reliable change":
        return (
            f"The score {moved}, within the {fmt(minimal)} points that measurement error alone "
            f"can produce (RC {fmt(rc, 2)}), so no reliable change can be claimed."
        )
    kind = "a reliable improvement" if category == "improved" else "a reliable worsening"
    return (
        f"The score {moved}, more than the {fmt(minimal)} points measurement error alone "
        f"produces (RC {fmt(rc, 2)}): {kind} measured during care; this comparison "
        "cannot show the care caused it."
    )


# --------------------------------------------------------------------- clinical significance


@dataclass(frozen=True)
class ClinicalSignificance:
    """Jacobson–Truax clinical significance over a group.

    ``cutoff`` is the score dividing the clinical from the functional range (type in
    ``cutoff_type``); ``rc`` and ``categories`` are per subject, in input order, ``None`` for
    subjects without both scores; ``counts`` holds every class in :data:`JT_CATEGORIES`.
    """

    cutoff: float
    cutoff_type: Literal["a", "b", "c"]
    rc: tuple[float | None, ...]
    categories: tuple[JtCategory | None, ...]
    counts: dict[str, int]
    n: int
    n_excluded: int
    clinical_mean: float
    clinical_sd: float
    s_diff: float
    minimal_change: float
    reliability: float
    lower_is_better: bool
    method: str
    reading: str
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def jt_cutoff(
    kind: str,
    *,
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float | None,
    functional_sd: float | None,
    lower_is_better: bool,
) -> float:
    """J&T cut-off ``a`` (2 SD beyond the clinical mean, toward health), ``b`` (within 2 SD of
    the functional mean) or ``c`` (the point as many SDs from both means)."""
    toward_health = -1.0 if lower_is_better else 1.0
    if kind == "a":
        return clinical_mean + toward_health * 2.0 * clinical_sd
    assert functional_mean is not None and functional_sd is not None
    if kind == "b":
        return functional_mean - toward_health * 2.0 * functional_sd
    return (clinical_sd * functional_mean + functional_sd * clinical_mean) / (
        clinical_sd + functional_sd
    )


def clinical_significance(
    pre: Any,
    post: Any,
    *,
    reliability: float,
    lower_is_better: bool = True,
    cutoff: Literal["a", "b", "c"] = "a",
    functional_mean: float | None = None,
    functional_sd: float | None = None,
    clinical_mean: float | None = None,
    clinical_sd: float | None = None,
) -> ClinicalSignificance:
    """Jacobson–Truax (1991) clinical significance for paired ``pre``/``post`` scores.

    The clinical (dysfunctional) distribution is the complete-case pre scores: their mean and
    SD (``ddof=1``) unless ``clinical_mean``/``clinical_sd`` give published norms. Cut-off
    ``a`` needs no norm; ``b`` and ``c`` need ``functional_mean`` and ``functional_sd``
    (``b`` uses the *functional* SD, as J&T define it). Each subject with both scores is:

    * ``recovered``: clinical at pre, functional at post, and reliably improved;
    * ``improved``: reliably improved but not recovered;
    * ``unchanged``: no reliable change (|RC| ≤ 1.96);
    * ``harmed``: not clinical at pre, clinical at post, and reliably worse;
    * ``deteriorated``: reliably worse but not harmed.

    "Clinical at pre" is strictly on the clinical side of the cut-off; "functional at post"
    strictly on the functional side; "clinical at post" strictly on the clinical side.
    """
    checks = Checks("clinical_significance")
    x1 = checks.series("pre", pre)
    x2 = checks.series("post", post)
    checks.same_length(("pre", "post"), (x1, x2))
    r = _check_reliability(checks, reliability)
    checks.choice("cutoff", cutoff, ("a", "b", "c"))
    if cutoff in ("b", "c"):
        for name, value in (("functional_mean", functional_mean), ("functional_sd", functional_sd)):
            if value is None:
                checks.add(name, f"required for cut-off {cutoff!r}", "a number")
    f_mean = None if functional_mean is None else checks.number("functional_mean", functional_mean)
    f_sd = None if functional_sd is None else checks.positive("functional_sd", functional_sd)
    c_mean = None if clinical_mean is None else checks.number("clinical_mean", clinical_mean)
    c_sd = None if clinical_sd is None else checks.positive("clinical_sd", clinical_sd)
    checks.raise_if_any()

    complete = ~(np.isnan(x1) | np.isnan(x2))
    n = int(complete.sum())
    if n < 1 or (n < 2 and c_sd is None):
        needed = "at least 2 complete pairs (1 with published clinical norms)"
        checks.add("pre, post", f"{n} subject(s) with both scores", needed)
    checks.raise_if_any()
    pre_cc = x1[complete]
    m_dys = float(pre_cc.mean()) if c_mean is None else c_mean
    sd_dys = float(pre_cc.std(ddof=1)) if c_sd is None else c_sd
    if sd_dys <= 0:
        checks.add("pre", "the pre scores do not vary, so their SD is 0", "an SD > 0")
    checks.raise_if_any()

    cut = jt_cutoff(
        cutoff,
        clinical_mean=m_dys,
        clinical_sd=sd_dys,
        functional_mean=f_mean,
        functional_sd=f_sd,
        lower_is_better=lower_is_better,
    )
    s_diff = _s_diff(sd_dys, r, None)
    rcs: list[float | None] = []
    cats: list[JtCategory | None] = []
    for a, b, ok in zip(x1.tolist(), x2.tolist(), complete.tolist(), strict=True):
        if not ok:
            rcs.append(None)
            cats.append(None)
            continue
        rc = (b - a) / s_diff
        rcs.append(rc)
        cats.append(_jt_class(a, b, rc, cut, lower_is_better))
    counts: dict[str, int] = {k: sum(c == k for c in cats) for k in JT_CATEGORIES}
    keys = ["measurement_error", *CHANGE_CAVEATS, "uncontrolled_cohort"]
    if c_sd is None:
        keys.append("sample_sd")
    if n < len(x1):
        keys.append("missing_days")
    if n < 20:
        keys.append("small_n")
    return ClinicalSignificance(
        cutoff=cut,
        cutoff_type=cutoff,
        rc=tuple(rcs),
        categories=tuple(cats),
        counts=counts,
        n=n,
        n_excluded=len(x1) - n,
        clinical_mean=m_dys,
        clinical_sd=sd_dys,
        s_diff=s_diff,
        minimal_change=RC_CRITERION * s_diff,
        reliability=r,
        lower_is_better=lower_is_better,
        method=f"jacobson-truax, cut-off {cutoff}",
        reading=check_wording(_cs_reading(counts, n, cut)),
        caveats=caveats_for(*keys),
    )


def _jt_class(pre: float, post: float, rc: float, cut: float, lower_is_better: bool) -> JtCategory:
    d = 1.0 if not lower_is_better else -1.0  # +1: higher scores are healthier
    reliable = abs(rc) > RC_CRITERION + EPS
    better = d * (post - pre) > 0
    clinical_pre = d * pre < d * cut
    functional_post = d * post > d * cut
    clinical_post = d * post < d * cut
    if not reliable:
        return "unchanged"
    if better:
        return "recovered" if clinical_pre and functional_post else "improved"
    return "harmed" if not clinical_pre and clinical_post else "deteriorated"


def _cs_reading(counts: dict[str, int], n: int, cut: float) -> str:
    better = counts["recovered"] + counts["improved"]
    worse = counts["deteriorated"] + counts["harmed"]
    return (
        f"Of {n} patients with both scores, {better} changed reliably for the better "
        f"({counts['recovered']} of them ending on the healthy side of {fmt(cut)}), "
        f"{counts['unchanged']} showed no reliable change and {worse} changed reliably for "
        "the worse; without a comparison group this cannot show the care caused these changes."
    )
