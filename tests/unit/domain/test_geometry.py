"""Radiographic and posture geometry against hand-computed cases.

Formulas: nasium factors after Gregory's NUCCA analysis (head tilt, atlas plane line, atlas
laterality = APL − head tilt, upper angle = 90 − laterality, lower angle); lateral atlas plane
line and lordotic curve angle after the chiro.org lateral cervical analysis; Cobb C2-C7 and
Harrison posterior tangents after Harrison et al., Spine 2000;25(16):2072-2078; coronal posture
angles after Singla, Veqar & Hussain, J Chiropr Med 2017;16(2):131-138; craniovertebral angle
after Lau, Chiu & Lam, Man Ther 2009;14:363-368.

Every expected value below is worked by hand from arctangents of simple ratios; the degree
values of those arctangents are written out (atan(x) in degrees = atan(x) · 180/π).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.domain import geometry as g
from atlaxis.domain import landmarks as lm
from atlaxis.domain.care import Side
from atlaxis.errors import ValidationError

# atan(2/100) = 0.0199973 rad = 1.14576°; atan(4/120) = atan(1/30) = 0.0333210 rad = 1.90915°
ATAN_2_100 = 1.14576
ATAN_1_30 = 1.90915
ATAN_1_40 = 1.43210  # atan(0.025) = 0.0249948 rad
ATAN_1_6 = 9.46232  # atan(10/60) = 0.1651487 rad
ATAN_1_3 = 18.43495  # atan(10/30) = 0.3217506 rad
ATAN_1_10 = 5.71059  # atan(3/30) = 0.0996687 rad
ATAN_1_5 = 11.30993  # atan(3/15) = 0.1973956 rad
ATAN_1_20 = 2.86241  # atan(4/80) = 0.0499584 rad
ATAN_5_3 = 59.03624  # atan(50/30) = 1.0303768 rad


def test_primitive_angles_and_order_independence() -> None:
    # 45°: rise 10 over run 10; a line falling to the right is −45°.
    assert g.angle_from_horizontal((0, 0), (10, 10)) == pytest.approx(45.0)
    assert g.angle_from_horizontal((10, 10), (0, 0)) == pytest.approx(45.0)
    assert g.angle_from_horizontal((0, 0), (10, -10)) == pytest.approx(-45.0)
    # top leans to image left by run 1 over rise √3: atan(1/√3) = 30°, counter-clockwise positive
    assert g.angle_from_vertical((0, 0), (-1, math.sqrt(3))) == pytest.approx(30.0)
    assert g.angle_from_vertical((-1, math.sqrt(3)), (0, 0)) == pytest.approx(30.0)
    assert g.angle_from_vertical((0, 0), (1, math.sqrt(3))) == pytest.approx(-30.0)


def test_normalise_range() -> None:
    assert g.normalise(190.0) == pytest.approx(-170.0)
    assert g.normalise(-180.0) == pytest.approx(180.0)
    assert g.normalise(540.0) == pytest.approx(180.0)


NASIUM = {
    "csl_lower": (100.0, 50.0),
    "csl_upper": (98.0, 150.0),  # top 2 mm to image left over 100 mm
    "apl_left": (40.0, 60.0),
    "apl_right": (160.0, 64.0),  # right end 4 mm higher over 120 mm
    "neck_lower": (100.0, 0.0),
    "neck_upper": (101.0, 40.0),  # top 1 mm to image right over 40 mm
}


def test_nasium_hand_case() -> None:
    p = NASIUM
    # θ_H = atan2(−(98 − 100), 150 − 50) = atan(2/100) = +1.14576°
    assert g.head_tilt(p["csl_lower"], p["csl_upper"]) == pytest.approx(ATAN_2_100, abs=1e-5)
    # θ_A = atan2(64 − 60, 160 − 40) = atan(1/30) = +1.90915°
    assert g.atlas_plane_angle(p["apl_left"], p["apl_right"]) == pytest.approx(ATAN_1_30, abs=1e-5)
    # laterality = 1.90915 − 1.14576 = 0.76339°; upper angle = 90 − 0.76339 = 89.23661°
    lat = g.atlas_laterality(p["apl_left"], p["apl_right"], p["csl_lower"], p["csl_upper"])
    assert lat == pytest.approx(0.76339, abs=1e-5)
    assert g.upper_angle(lat) == pytest.approx(89.23661, abs=1e-5)
    # θ_N = atan2(−1, 40) = −1.43210°; lower angle = 1.90915 − (−1.43210) = 3.34125°
    low = g.lower_angle(p["apl_left"], p["apl_right"], p["neck_lower"], p["neck_upper"])
    assert low == pytest.approx(ATAN_1_30 + ATAN_1_40, abs=1e-5)
    assert low == pytest.approx(3.34125, abs=1e-5)


def test_nasium_measure_rounds_to_one_decimal() -> None:
    out = lm.measure("nasium", {k: list(v) for k, v in NASIUM.items()})
    assert out == {
        "head_tilt_deg": 1.1,
        "atlas_plane_deg": 1.9,
        "atlas_laterality_deg": 0.8,
        "upper_angle_deg": 89.2,
        "lower_angle_deg": 3.3,
    }


def test_orthogonal_atlas_gives_zero_laterality_and_right_angle() -> None:
    lat = g.atlas_laterality((0, 0), (10, 0), (5, -5), (5, 20))
    assert lat == pytest.approx(0.0)
    assert g.upper_angle(lat) == pytest.approx(90.0)


def test_patient_side_conversion() -> None:
    # Nasium viewed in anatomical position: image right is the patient's LEFT.
    assert g.patient_side_of_image_end("right", Side.LEFT) == Side.LEFT
    assert g.patient_side_of_image_end("left", Side.LEFT) == Side.RIGHT
    # Posterior view: image right is the patient's right.
    assert g.patient_side_of_image_end("left", Side.RIGHT) == Side.LEFT
    # +0.76° raises the image-right end → the patient's left on a nasium film
    assert g.raised_side(0.76, Side.LEFT) == Side.LEFT
    assert g.raised_side(-0.76, Side.LEFT) == Side.RIGHT
    assert g.raised_side(0.3, Side.LEFT, tolerance=0.5) == Side.NONE
    with pytest.raises(ValidationError):
        g.patient_side_of_image_end("up", Side.LEFT)
    with pytest.raises(ValidationError):
        g.patient_side_of_image_end("left", Side.NONE)


LATERAL_FACING_RIGHT = {
    "apl_anterior": (60.0, 10.0),
    "apl_posterior": (0.0, 0.0),
    "c2_endplate_anterior": (50.0, -30.0),
    "c2_endplate_posterior": (20.0, -30.0),
    "c7_endplate_anterior": (40.0, -100.0),
    "c7_endplate_posterior": (10.0, -90.0),
    "c2_posterior_inferior": (20.0, -30.0),
    "c2_posterior_superior": (17.0, 0.0),
    "c7_posterior_inferior": (10.0, -90.0),
    "c7_posterior_superior": (13.0, -75.0),
}


def test_lateral_hand_case_facing_right() -> None:
    p = LATERAL_FACING_RIGHT
    # APL: anterior 10 higher over 60 → atan(1/6) = 9.46232° (inside the 7–20° normal range)
    apl = g.sagittal_angle(p["apl_anterior"], p["apl_posterior"])
    assert apl == pytest.approx(ATAN_1_6, abs=1e-5)
    # C7 endplate: anterior 10 lower over 30 → −atan(1/3) = −18.43495°
    # lordotic curve = 9.46232 − (−18.43495) = 27.89727°
    curve = g.lordotic_curve_angle(
        p["apl_anterior"], p["apl_posterior"], p["c7_endplate_anterior"], p["c7_endplate_posterior"]
    )
    assert curve == pytest.approx(27.89727, abs=1e-5)
    # Cobb C2–C7: C2 endplate level (0°) − (−18.43495°) = 18.43495° (Harrison sign: −18.4°)
    cobb = g.cobb_angle(
        p["c2_endplate_anterior"],
        p["c2_endplate_posterior"],
        p["c7_endplate_anterior"],
        p["c7_endplate_posterior"],
    )
    assert cobb == pytest.approx(ATAN_1_3, abs=1e-5)
    # ARA: C2 tangent top 3 posterior (image left) over 30 → +5.71059°;
    # C7 tangent top 3 anterior over 15 → −11.30993°; ARA = 5.71059 + 11.30993 = 17.02052°
    ara = g.posterior_tangent_angle(
        p["c2_posterior_inferior"],
        p["c2_posterior_superior"],
        p["c7_posterior_inferior"],
        p["c7_posterior_superior"],
        facing="right",
    )
    assert ara == pytest.approx(ATAN_1_10 + ATAN_1_5, abs=1e-5)
    assert ara == pytest.approx(17.02052, abs=1e-5)


def test_lateral_mirrored_film_gives_the_same_angles() -> None:
    mirrored = {k: [-x, y] for k, (x, y) in LATERAL_FACING_RIGHT.items()}
    right = lm.measure("lateral", {k: list(v) for k, v in LATERAL_FACING_RIGHT.items()})
    left = lm.measure("lateral", mirrored, facing="left")
    assert (
        right
        == left
        == {
            "lateral_atlas_plane_deg": 9.5,
            "lordotic_curve_deg": 27.9,
            "cobb_c2_c7_deg": 18.4,
            "ara_c2_c7_deg": 17.0,
        }
    )
    # Wrong facing flips the ARA sign (kyphosis) — the orientation matters and is stored.
    wrong = lm.measure("lateral", mirrored, facing="right")
    assert wrong["ara_c2_c7_deg"] == -17.0


def test_vertex_rotation_and_anterior_end() -> None:
    pts = {
        "midline_posterior": (0.0, 0.0),
        "midline_anterior": (0.0, 100.0),  # nasal septum up the image; θ_M = 0
        "transverse_left": (-40.0, 2.0),
        "transverse_right": (40.0, -2.0),  # falls 4 over 80 → −atan(1/20) = −2.86241°
    }
    rot = g.atlas_rotation(
        pts["transverse_left"],
        pts["transverse_right"],
        pts["midline_anterior"],
        pts["midline_posterior"],
    )
    assert rot == pytest.approx(-ATAN_1_20, abs=1e-5)
    # the image-left end lies further toward the septum (y 2 > −2)
    assert (
        g.anterior_image_end(
            pts["transverse_left"],
            pts["transverse_right"],
            pts["midline_anterior"],
            pts["midline_posterior"],
        )
        == "left"
    )
    assert lm.measure("vertex", {k: list(v) for k, v in pts.items()}) == {
        "atlas_rotation_deg": -2.9
    }


def test_coronal_posture_from_front_and_back() -> None:
    # From behind: patient's right on image right; right acromion 2 higher over 100.
    back = g.coronal_unlevelling((120, 102), (20, 100))
    # From the front: patient's right on image left; same heights.
    front = g.coronal_unlevelling((20, 102), (120, 100))
    assert back == pytest.approx(ATAN_2_100, abs=1e-5)
    assert front == pytest.approx(ATAN_2_100, abs=1e-5)
    assert g.coronal_unlevelling((20, 100), (120, 102)) == pytest.approx(-ATAN_2_100, abs=1e-5)


def test_craniovertebral_angle_and_image_clicks() -> None:
    # tragus 50 above and 30 in front of C7: atan(50/30) = 59.03624°
    assert g.craniovertebral_angle((30, 50), (0, 0)) == pytest.approx(ATAN_5_3, abs=1e-5)
    # the same posture clicked on an image (y grows downward): tragus (30, 150), C7 (0, 200)
    out = lm.measure("posture_sagittal", {"tragus": [30, 150], "c7": [0, 200]}, y_down=True)
    assert out == {"craniovertebral_angle_deg": 59.0}


def test_partial_landmarks_give_only_computable_measures() -> None:
    out = lm.measure("posture_coronal", {"shoulder_right": [120, 102], "shoulder_left": [20, 100]})
    assert out == {"shoulder_unlevel_deg": 1.1}
    assert lm.measure("nasium", {}) == {}


def test_bad_input_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        lm.measure(
            "nasium",
            {"apl_left": [1, "x"], "nose": [0, 0], "csl_upper": [1, float("nan")]},
            facing="up",
        )
    fields = {p.field for p in info.value.problems}
    assert fields == {"facing", "landmarks.apl_left", "landmarks.nose", "landmarks.csl_upper"}
    with pytest.raises(ValidationError) as info2:
        lm.measure("sideways", {})
    assert info2.value.problems[0].field == "view"


def test_coincident_landmarks_are_refused() -> None:
    with pytest.raises(ValidationError):
        g.angle_from_horizontal((1, 1), (1, 1))
    with pytest.raises(ValidationError) as info:
        lm.measure("posture_sagittal", {"tragus": [5, 5], "c7": [5, 5]})
    assert info.value.problems[0].field == "craniovertebral_angle_deg"


def test_every_view_names_methods_for_its_measures() -> None:
    for view_id, view in lm.views().items():
        methods = lm.method_of(view_id)
        assert set(methods) == {m.key for m in view.measures}
        assert all(set(m.landmarks) <= set(view.landmarks) for m in view.measures)


def _rotate(p: tuple[float, float], deg: float) -> tuple[float, float]:
    r = math.radians(deg)
    return (p[0] * math.cos(r) - p[1] * math.sin(r), p[0] * math.sin(r) + p[1] * math.cos(r))


@settings(max_examples=100, deadline=None)
@given(
    alpha=st.floats(-20, 20),
    dx=st.floats(-500, 500),
    dy=st.floats(-500, 500),
    scale=st.floats(0.1, 10),
)
def test_laterality_is_invariant_to_film_rotation_shift_and_scale(
    alpha: float, dx: float, dy: float, scale: float
) -> None:
    """Rotating the whole film by α adds α to θ_H and θ_A but leaves laterality unchanged."""
    moved = {k: tuple(c * scale for c in _rotate(v, alpha)) for k, v in NASIUM.items()}
    moved = {k: (x + dx, y + dy) for k, (x, y) in moved.items()}
    base_lat = g.atlas_laterality(
        NASIUM["apl_left"], NASIUM["apl_right"], NASIUM["csl_lower"], NASIUM["csl_upper"]
    )
    lat = g.atlas_laterality(
        moved["apl_left"], moved["apl_right"], moved["csl_lower"], moved["csl_upper"]
    )
    assert lat == pytest.approx(base_lat, abs=1e-6)
    tilt = g.head_tilt(moved["csl_lower"], moved["csl_upper"])
    assert tilt == pytest.approx(ATAN_2_100 + alpha, abs=1e-4)
