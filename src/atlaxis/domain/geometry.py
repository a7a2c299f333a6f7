"""Radiographic and posture angles from landmark coordinates (pure Python, no framework).

Coordinate convention (every function here)
-------------------------------------------
Points are ``(x, y)`` with **x to image right** and **y up**, in any unit (mm on the film or
pixels). Browser/image clicks have y pointing *down*: convert them with :func:`flip_y` (or pass
``y_down=True`` to :func:`measure`). Angles are in degrees and positive **counter-clockwise**
as the image is viewed.

Primitive angles
----------------
* ``angle_from_horizontal(P, Q) = atan2(Qy - Py, Qx - Px)`` with P the image-left point
  (points are ordered by x first, so the caller's order does not matter).
* ``angle_from_vertical(L, U) = atan2(-(Ux - Lx), Uy - Ly)`` with L the lower point; positive
  when the top of the line leans to image left (counter-clockwise).

Frontal (nasium / AP) film — NUCCA/Orthospinology factors (Gregory's NUCCA analysis; Sweat's
Atlas Orthogonal construction for the atlas plane line):

* head tilt ``θ_H`` = angle_from_vertical of the central skull line (CSL);
* atlas plane line ``θ_A`` = angle_from_horizontal of the APL;
* atlas laterality = ``θ_A - θ_H`` (atlas relative to skull; 0 when orthogonal);
  upper angle = ``90 - laterality`` (90 when orthogonal);
* lower angle = ``θ_A - θ_N`` with ``θ_N`` the angle_from_vertical of the lower (axis/neck)
  vertical line.

A positive frontal angle means the image-right end of the atlas line is raised relative to the
reference. Which *patient* side that is depends on the film orientation: see
:func:`patient_side_of_image_end` (the single place that converts image sides to patient sides).
Naming a technique's laterality side (e.g. "side of the wide A/O joint") is a textbook rule and
is deliberately NOT derived here, nor is any Palmer letter listing.

Lateral film (orientation-independent; the patient may face either way):

* sagittal line angle = ``atan2(y_anterior - y_posterior, |x_anterior - x_posterior|)``,
  positive when the anterior end is higher;
* lateral atlas plane line = sagittal angle through the anterior and posterior tubercles of C1
  (normal about 7-20 degrees, chiro.org lateral cervical analysis form);
* lordotic curve angle = APL angle - C7 inferior endplate angle (normal about 35-40 degrees);
* Cobb C2-C7 = C2 inferior endplate angle - C7 inferior endplate angle;
* ARA C2-C7 (Harrison posterior tangents) = ``s * (θv(C2) - θv(C7))`` where θv is
  angle_from_vertical of the tangent to the posterior body margin and ``s = +1`` when the
  patient faces image right, ``-1`` when facing left.

Lordosis is reported **positive** here (the convention of the normal ranges quoted with these
methods). Harrison et al. 2000 (Spine 25:2072-2078) report lordosis as a negative number:
negate to compare with their means. Methods give different values for the same film, so the
method name must always be stored with the value.

Vertex (base-posterior) film: atlas rotation = ``θ(atlas transverse line) - θ(perpendicular
to the skull midline)``; the midline runs from the nasal septum through the centre of the
basilar process. Because rotating a line rotates its perpendicular by the same amount, the
perpendicular's angle from horizontal equals the midline's angle from vertical.

Posture photographs (Singla, Veqar & Hussain 2017, J Chiropr Med 16:131-138):

* coronal unlevelling (shoulders, hips, head tilt through two facial landmarks) =
  ``atan2(y_R - y_L, |x_R - x_L|)`` with R/L the **patient's** right/left landmarks; positive
  when the patient's right landmark is higher (for the head: tilted toward the patient's left).
  Using ``|dx|`` makes the result the same from the front or from behind.
* craniovertebral angle (Lau, Chiu & Lam 2009, Man Ther 14:363-368) =
  ``atan2(y_tragus - y_C7, |x_tragus - x_C7|)``; smaller means more forward head posture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from atlaxis.domain.care import Side
from atlaxis.errors import ValidationError


class Point(NamedTuple):
    """A landmark in y-up coordinates."""

    x: float
    y: float


PointLike = Point | Sequence[float]

#: Points closer than this (in coordinate units) cannot define a line.
MIN_SEPARATION = 1e-9


def as_point(value: PointLike, name: str = "point") -> Point:
    """A :class:`Point` from any pair of finite numbers."""
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a pair of numbers (x, y)") from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValidationError(f"{name} must have finite coordinates")
    return Point(x, y)


def flip_y(point: PointLike) -> Point:
    """Convert an image click (y down) to the y-up convention (the origin does not matter)."""
    p = as_point(point)
    return Point(p.x, -p.y)


def _check_distinct(p: Point, q: Point) -> None:
    if math.hypot(q.x - p.x, q.y - p.y) < MIN_SEPARATION:
        raise ValidationError("two landmarks of a line are at the same place")


def normalise(angle: float) -> float:
    """An angle in degrees mapped to the half-open range (-180, 180]."""
    out = math.fmod(angle, 360.0)
    if out <= -180.0:
        out += 360.0
    elif out > 180.0:
        out -= 360.0
    return out


def angle_from_horizontal(p: PointLike, q: PointLike) -> float:
    """Angle of line PQ from horizontal, counter-clockwise positive, in (-90, 90]."""
    a, b = as_point(p), as_point(q)
    _check_distinct(a, b)
    left, right = (a, b) if (a.x, a.y) <= (b.x, b.y) else (b, a)
    return math.degrees(math.atan2(right.y - left.y, right.x - left.x))


def angle_from_vertical(p: PointLike, q: PointLike) -> float:
    """Angle of a near-vertical line from vertical; positive when the top leans image-left."""
    a, b = as_point(p), as_point(q)
    _check_distinct(a, b)
    lower, upper = (a, b) if (a.y, a.x) <= (b.y, b.x) else (b, a)
    return math.degrees(math.atan2(-(upper.x - lower.x), upper.y - lower.y))


def sagittal_angle(anterior: PointLike, posterior: PointLike) -> float:
    """Lateral-view line angle from horizontal; positive when the anterior end is higher."""
    a, p = as_point(anterior), as_point(posterior)
    _check_distinct(a, p)
    return math.degrees(math.atan2(a.y - p.y, abs(a.x - p.x)))


def coronal_unlevelling(right: PointLike, left: PointLike) -> float:
    """Frontal-plane tilt of the line between the patient's right and left landmarks.

    Positive when the patient's right landmark is higher; same value from front or back.
    """
    r, lft = as_point(right), as_point(left)
    _check_distinct(r, lft)
    return math.degrees(math.atan2(r.y - lft.y, abs(r.x - lft.x)))


def craniovertebral_angle(tragus: PointLike, c7: PointLike) -> float:
    """CVA: angle between the horizontal through C7 and the line C7 → tragus."""
    t, c = as_point(tragus), as_point(c7)
    _check_distinct(t, c)
    return math.degrees(math.atan2(t.y - c.y, abs(t.x - c.x)))


# --- frontal (nasium / AP) film ------------------------------------------------------------


def head_tilt(csl_lower: PointLike, csl_upper: PointLike) -> float:
    """θ_H: central skull line from vertical (counter-clockwise positive)."""
    return angle_from_vertical(csl_lower, csl_upper)


def atlas_plane_angle(apl_a: PointLike, apl_b: PointLike) -> float:
    """θ_A: frontal atlas plane line from horizontal (counter-clockwise positive)."""
    return angle_from_horizontal(apl_a, apl_b)


def atlas_laterality(
    apl_a: PointLike, apl_b: PointLike, csl_lower: PointLike, csl_upper: PointLike
) -> float:
    """Atlas relative to skull: θ_A − θ_H (0 when the atlas is orthogonal to the skull line)."""
    return normalise(atlas_plane_angle(apl_a, apl_b) - head_tilt(csl_lower, csl_upper))


def upper_angle(laterality_deg: float) -> float:
    """Angle between CSL and APL on the relevant side: 90 − laterality."""
    return 90.0 - laterality_deg


def lower_angle(
    apl_a: PointLike, apl_b: PointLike, neck_lower: PointLike, neck_upper: PointLike
) -> float:
    """Atlas relative to the axis/neck line: θ_A − θ_N."""
    theta_n = angle_from_vertical(neck_lower, neck_upper)
    return normalise(atlas_plane_angle(apl_a, apl_b) - theta_n)


def patient_side_of_image_end(image_end: str, image_right_is: Side) -> Side:
    """The patient side shown at ``image_end`` ("left"/"right" of the image).

    ``image_right_is`` comes from the film's R/L marker: on an AP or nasium film viewed in
    anatomical position the image right is the patient's LEFT; on a posterior view or a
    photograph taken from behind it is the patient's RIGHT.
    """
    if image_end not in ("left", "right"):
        raise ValidationError("image_end must be 'left' or 'right'")
    if image_right_is not in (Side.LEFT, Side.RIGHT):
        raise ValidationError("image_right_is must be the patient's left or right")
    if image_end == "right":
        return image_right_is
    return Side.LEFT if image_right_is == Side.RIGHT else Side.RIGHT


def raised_side(angle_deg: float, image_right_is: Side, tolerance: float = 0.0) -> Side:
    """Patient side of the raised end of a line with a signed frontal angle (CCW positive).

    A positive angle raises the image-right end. Within ``tolerance`` degrees → ``Side.NONE``.
    """
    if abs(angle_deg) <= tolerance:
        return Side.NONE
    return patient_side_of_image_end("right" if angle_deg > 0 else "left", image_right_is)


# --- lateral film ---------------------------------------------------------------------------


def lordotic_curve_angle(
    apl_anterior: PointLike,
    apl_posterior: PointLike,
    c7_anterior: PointLike,
    c7_posterior: PointLike,
) -> float:
    """Angle between the lateral atlas plane line and the C7 inferior endplate (lordosis +)."""
    return sagittal_angle(apl_anterior, apl_posterior) - sagittal_angle(c7_anterior, c7_posterior)


def cobb_angle(
    upper_anterior: PointLike,
    upper_posterior: PointLike,
    lower_anterior: PointLike,
    lower_posterior: PointLike,
) -> float:
    """Cobb-type angle between two endplate lines (e.g. C2 and C7 inferior endplates).

    Lordosis positive. Equals the angle between the perpendiculars to the endplates.
    """
    return sagittal_angle(upper_anterior, upper_posterior) - sagittal_angle(
        lower_anterior, lower_posterior
    )


def posterior_tangent_angle(
    upper_inferior: PointLike,
    upper_superior: PointLike,
    lower_inferior: PointLike,
    lower_superior: PointLike,
    *,
    facing: str,
) -> float:
    """Harrison ARA between tangents to two posterior vertebral body margins (lordosis +).

    Each tangent is given by its inferior and superior posterior corner; ``facing`` is the image
    direction the patient faces ("left" or "right").
    """
    if facing not in ("left", "right"):
        raise ValidationError("facing must be 'left' or 'right'")
    sign = 1.0 if facing == "right" else -1.0
    upper = angle_from_vertical(upper_inferior, upper_superior)
    lower = angle_from_vertical(lower_inferior, lower_superior)
    return sign * (upper - lower)


# --- vertex / base-posterior film -----------------------------------------------------------


def atlas_rotation(
    transverse_a: PointLike,
    transverse_b: PointLike,
    midline_anterior: PointLike,
    midline_posterior: PointLike,
) -> float:
    """θ(atlas transverse line) − θ(perpendicular to the skull midline), CCW positive."""
    theta_t = angle_from_horizontal(transverse_a, transverse_b)
    theta_m = angle_from_vertical(midline_posterior, midline_anterior)
    return normalise(theta_t - theta_m)


def anterior_image_end(
    transverse_a: PointLike,
    transverse_b: PointLike,
    midline_anterior: PointLike,
    midline_posterior: PointLike,
) -> str:
    """Which image end ("left"/"right") of the atlas transverse line is more anterior.

    Projects both ends onto the midline direction posterior → anterior (nasal septum).
    """
    a, b = as_point(transverse_a), as_point(transverse_b)
    ant, post = as_point(midline_anterior), as_point(midline_posterior)
    _check_distinct(ant, post)
    dx, dy = ant.x - post.x, ant.y - post.y
    left, right = (a, b) if (a.x, a.y) <= (b.x, b.y) else (b, a)
    proj_left = left.x * dx + left.y * dy
    proj_right = right.x * dx + right.y * dy
    return "right" if proj_right > proj_left else "left"
