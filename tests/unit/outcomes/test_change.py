"""Reliable change and clinical significance (Jacobson & Truax 1991).

Jacobson NS, Truax P (1991). *J Consult Clin Psychol* 59:12–19: ``SE = s1·√(1 − r)``,
``S_diff = √2·SE`` (Christensen & Mendoza 1986, *Behav Ther* 17:305), ``RC = (x2 − x1)/S_diff``,
reliable when ``|RC| > 1.96``; cut-offs a, b, c and the recovered/improved/unchanged/
deteriorated classes. Expected values below are worked by hand (arithmetic shown) or with
Python's ``statistics`` module, never copied from our own output.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.errors import ValidationError
from atlaxis.outcomes import clinical_significance, reliable_change
from atlaxis.outcomes.change import jt_cutoff
from atlaxis.outcomes.reading import wording_problems

# Jacobson & Truax (1991), Table 2: Dyadic Adjustment Scale (DAS; higher = better) for 30
# couples before and after marital therapy, as transcribed in AWKruijt/JT-RCI
# `data/J&T 1991 table2 DAS data.csv` (commit c84713591cc5).
_DAS_PRE = """90.5 74 97 73.5 61 66.5 68.5 86.5 88.5 68.5 98 80.5 89.5 91.5 83.5 60.5 83 88
    98.5 78.5 99.5 79.5 84.5 92.5 93 85 64 61 80 82.5"""
_DAS_POST = """97 124 97.5 88 96.5 62.5 112.5 103.5 90 82.5 105 99.5 112.5 101 99.5 79.5 88 100.5
    119 116 116 129 113 118 92 114 68 52 60.5 104.5"""


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split()]


DAS_PRE, DAS_POST = _floats(_DAS_PRE), _floats(_DAS_POST)


def test_reliable_change_hand_worked_fiqr_example() -> None:
    # FIQR SD 20.69 (Salaffi et al. 2018, FM sample n = 521); r = 0.90 chosen for the example.
    # SE = 20.69·√0.10 = 6.542752; S_diff = √2·6.542752 = 9.252849; 1.96·S_diff = 18.135585.
    # Pre 60 → post 40: change −20; RC = −20 / 9.252849 = −2.161496 → beyond −1.96, and on a
    # lower-is-better scale a fall is an improvement.
    res = reliable_change(60, 40, sd=20.69, reliability=0.90)
    assert res.se == pytest.approx(6.542752, abs=1e-6)
    assert res.s_diff == pytest.approx(9.252849, abs=1e-6)
    assert res.minimal_change == pytest.approx(18.135585, abs=1e-6)
    assert res.rc == pytest.approx(-2.161496, abs=1e-6)
    assert res.category == "improved"
    assert res.direction == "improvement"
    d = res.to_dict()
    assert {"rc", "minimal_change", "category", "reading", "caveats"} <= d.keys()
    assert d["category"] == "improved"


def test_reliable_change_direction_and_no_reliable_change() -> None:
    # Same S_diff 9.252849: +20 on a lower-is-better scale is a reliable worsening ...
    assert reliable_change(40, 60, sd=20.69, reliability=0.90).category == "deteriorated"
    # ... and a reliable improvement when higher is better.
    higher = reliable_change(40, 60, sd=20.69, reliability=0.90, lower_is_better=False)
    assert higher.category == "improved"
    # −10 points: RC = −10/9.252849 = −1.0807 → within noise.
    assert reliable_change(60, 50, sd=20.69, reliability=0.90).category == "no reliable change"


def test_change_exactly_at_the_criterion_is_not_reliable() -> None:
    # |RC| must exceed 1.96 strictly (J&T 1991); a change of exactly 1.96·S_diff is not enough.
    s_diff = math.sqrt(2) * 10 * math.sqrt(1 - 0.75)  # SE = 5, S_diff = 7.071068
    at = reliable_change(50, 50 - 1.96 * s_diff, sd=10, reliability=0.75)
    assert at.category == "no reliable change"
    beyond = reliable_change(50, 50 - 1.96 * s_diff - 0.01, sd=10, reliability=0.75)
    assert beyond.category == "improved"


def test_maassen_s_diff_uses_both_sds() -> None:
    # Maassen (2004): S_diff = √((s_pre² + s_post²)(1 − r)) = √((100 + 64)·0.2) = √32.8 = 5.727128
    res = reliable_change(30, 20, sd=10, reliability=0.8, sd_post=8)
    assert res.s_diff == pytest.approx(5.727128, abs=1e-6)
    assert res.method == "maassen"


def test_reliable_change_reports_every_bad_input_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        reliable_change("x", float("nan"), sd=-1, reliability=1.0)  # type: ignore[arg-type]
    fields = {p.field for p in info.value.problems}
    assert fields == {"pre", "post", "sd", "reliability"}


def test_sample_sd_adds_a_caveat_and_readings_are_honest() -> None:
    res = reliable_change(60, 40, sd=20.69, reliability=0.90, sd_from_sample=True)
    assert any("came from this sample" in c for c in res.caveats)
    for pre, post in ((60, 40), (40, 60), (60, 55), (50, 50)):
        r = reliable_change(pre, post, sd=20.69, reliability=0.9)
        assert wording_problems(r.reading) == []
        assert r.reading.endswith(".") and ". " not in r.reading  # one sentence


@settings(max_examples=100, deadline=None)
@given(
    pre=st.floats(0, 100),
    post=st.floats(0, 100),
    sd=st.floats(0.5, 30),
    r=st.floats(0.0, 0.99),
)
def test_swapping_pre_and_post_mirrors_the_category(
    pre: float, post: float, sd: float, r: float
) -> None:
    forward = reliable_change(pre, post, sd=sd, reliability=r)
    backward = reliable_change(post, pre, sd=sd, reliability=r)
    assert forward.rc == pytest.approx(-backward.rc)
    mirror = {"improved": "deteriorated", "deteriorated": "improved"}
    assert backward.category == mirror.get(forward.category, forward.category)


def test_jt_cutoffs_hand_worked() -> None:
    # Higher is better; clinical M = 70, SD = 20; functional M = 110, SD = 15.
    # a = 70 + 2·20 = 110; b = 110 − 2·15 = 80 (J&T use the *functional* SD for b);
    # c = (20·110 + 15·70)/(20 + 15) = 3250/35 = 92.857143.
    kw = {"clinical_mean": 70.0, "clinical_sd": 20.0, "functional_mean": 110.0}
    assert jt_cutoff("a", functional_sd=15.0, lower_is_better=False, **kw) == pytest.approx(110)
    assert jt_cutoff("b", functional_sd=15.0, lower_is_better=False, **kw) == pytest.approx(80)
    assert jt_cutoff("c", functional_sd=15.0, lower_is_better=False, **kw) == pytest.approx(
        92.857143, abs=1e-6
    )
    # Lower is better (clinical M = 60, SD = 10; functional M = 20, SD = 10):
    # a = 60 − 20 = 40; b = 20 + 20 = 40; c = (10·20 + 10·60)/20 = 40.
    for kind in ("a", "b", "c"):
        assert jt_cutoff(
            kind,
            clinical_mean=60,
            clinical_sd=10,
            functional_mean=20,
            functional_sd=10,
            lower_is_better=True,
        ) == pytest.approx(40)


def test_clinical_significance_classes_hand_worked() -> None:
    # Lower is better; published norms M = 60, SD = 10; r = 0.75 → SE = 5, S_diff = 7.071068,
    # 1.96·S_diff = 13.859293; cut-off a = 60 − 2·10 = 40.
    pre = [55, 70, 50, 45, 35, None, 38]
    post = [30, 50, 45, 60, 55, 40, 39]
    res = clinical_significance(
        pre, post, reliability=0.75, cutoff="a", clinical_mean=60, clinical_sd=10
    )
    assert res.cutoff == pytest.approx(40)
    assert res.s_diff == pytest.approx(7.071068, abs=1e-6)
    # 55→30: −25 (RC −3.54), clinical pre (55 > 40), functional post (30 < 40) → recovered
    # 70→50: −20 (RC −2.83), post 50 still clinical → improved
    # 50→45: −5 (RC −0.71) → unchanged
    # 45→60: +15 (RC 2.12), clinical at pre → deteriorated
    # 35→55: +20 (RC 2.83), not clinical at pre, clinical at post → harmed
    # None→40: excluded; 38→39: +1 → unchanged
    assert res.categories == (
        "recovered", "improved", "unchanged", "deteriorated", "harmed", None, "unchanged"
    )  # fmt: skip
    assert res.counts == {
        "recovered": 1, "improved": 1, "unchanged": 2, "deteriorated": 1, "harmed": 1
    }  # fmt: skip
    assert res.rc[0] == pytest.approx(-25 / 7.071068, abs=1e-6)
    assert res.rc[5] is None
    assert (res.n, res.n_excluded) == (6, 1)
    d = res.to_dict()
    assert {"cutoff", "rc", "counts"} <= d.keys()
    assert d["rc"][5] is None


def test_clinical_significance_on_jacobson_truax_1991_das_data() -> None:
    # J&T 1991 Table 2 (DAS, higher is better), r = .84 (the value AWKruijt/JT-RCI's README
    # uses with these data), cut-off a from the sample's pre scores.
    # statistics.mean(pre) = 81.583333, statistics.stdev(pre) = 11.825661;
    # a = 81.583333 + 2·11.825661 = 105.234656; S_diff = √2·11.825661·√0.16 = 6.689604.
    res = clinical_significance(
        DAS_PRE, DAS_POST, reliability=0.84, cutoff="a", lower_is_better=False
    )
    m, sd = statistics.mean(DAS_PRE), statistics.stdev(DAS_PRE)
    assert (m, sd) == pytest.approx((81.583333, 11.825661), abs=1e-6)
    assert res.clinical_sd == pytest.approx(sd, abs=1e-9)
    assert res.cutoff == pytest.approx(105.234656, abs=1e-6)
    assert res.s_diff == pytest.approx(6.689604, abs=1e-6)
    # Couple 2: 74 → 124, RC = 50/6.689604 = 7.474284; clinical pre, functional post → recovered.
    assert res.rc[1] == pytest.approx(7.474284, abs=1e-6)
    assert res.categories[1] == "recovered"
    # Independent count with the J&T rules written out plainly:
    s_diff = math.sqrt(2) * sd * math.sqrt(1 - 0.84)
    cut = m + 2 * sd
    expected: Counter[str] = Counter()
    for a, b in zip(DAS_PRE, DAS_POST, strict=True):
        rc = (b - a) / s_diff
        if abs(rc) <= 1.96:
            expected["unchanged"] += 1
        elif rc > 0:
            expected["recovered" if a < cut and b > cut else "improved"] += 1
        else:
            expected["harmed" if a >= cut and b < cut else "deteriorated"] += 1
    assert {k: v for k, v in res.counts.items() if v} == dict(expected)
    assert sum(res.counts.values()) == 30
    assert wording_problems(res.reading) == []


def test_cutoff_b_and_c_need_functional_norms() -> None:
    with pytest.raises(ValidationError) as info:
        clinical_significance([50, 60, 70], [40, 50, 60], reliability=0.8, cutoff="c")
    assert {p.field for p in info.value.problems} == {"functional_mean", "functional_sd"}


def test_clinical_significance_rejects_bad_series() -> None:
    with pytest.raises(ValidationError) as info:
        clinical_significance([50, "x", 70], [40, 50], reliability=1.5, cutoff="z")  # type: ignore[arg-type]
    fields = {p.field for p in info.value.problems}
    assert {"pre", "pre, post", "reliability", "cutoff"} <= fields
    with pytest.raises(ValidationError):
        clinical_significance([50, None], [40, 30], reliability=0.8)  # one complete pair
