"""Named landmark sets per view, and the measures computed from whichever are present.

Used by the visit form (landmarks clicked on an image or typed in) so that the page, the API and
tests all name landmarks the same way. The geometry itself lives in :mod:`atlaxis.domain.geometry`
(conventions documented there). Results are rounded to one decimal place, the precision the
clinics record; raw landmark coordinates should be stored next to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from atlaxis.domain import geometry as g
from atlaxis.domain.care import Side
from atlaxis.errors import Problem, ProblemCollector, ValidationError


@dataclass(frozen=True, slots=True)
class Measure:
    """One derived measure: its key (stored in VisitChecks), the landmarks it needs, a formula."""

    key: str
    landmarks: tuple[str, ...]
    compute: Callable[[Mapping[str, g.Point], Mapping[str, str]], float]
    method: str


@dataclass(frozen=True, slots=True)
class View:
    """A film or photograph view: ordered landmark names and the measures they allow."""

    id: str
    target: str  # "radiographic" or "posture" (which VisitChecks dict the values go to)
    landmarks: tuple[str, ...]
    measures: tuple[Measure, ...]


def _p(pts: Mapping[str, g.Point], *names: str) -> list[g.Point]:
    return [pts[n] for n in names]


def _nasium() -> View:
    return View(
        id="nasium",
        target="radiographic",
        landmarks=("apl_left", "apl_right", "csl_lower", "csl_upper", "neck_lower", "neck_upper"),
        measures=(
            Measure(
                "head_tilt_deg",
                ("csl_lower", "csl_upper"),
                lambda p, o: g.head_tilt(*_p(p, "csl_lower", "csl_upper")),
                "nasium: central skull line from vertical",
            ),
            Measure(
                "atlas_plane_deg",
                ("apl_left", "apl_right"),
                lambda p, o: g.atlas_plane_angle(*_p(p, "apl_left", "apl_right")),
                "nasium: atlas plane line from horizontal",
            ),
            Measure(
                "atlas_laterality_deg",
                ("apl_left", "apl_right", "csl_lower", "csl_upper"),
                lambda p, o: g.atlas_laterality(
                    *_p(p, "apl_left", "apl_right", "csl_lower", "csl_upper")
                ),
                "nasium: APL angle minus head tilt",
            ),
            Measure(
                "upper_angle_deg",
                ("apl_left", "apl_right", "csl_lower", "csl_upper"),
                lambda p, o: g.upper_angle(
                    g.atlas_laterality(*_p(p, "apl_left", "apl_right", "csl_lower", "csl_upper"))
                ),
                "nasium: 90 minus atlas laterality",
            ),
            Measure(
                "lower_angle_deg",
                ("apl_left", "apl_right", "neck_lower", "neck_upper"),
                lambda p, o: g.lower_angle(
                    *_p(p, "apl_left", "apl_right", "neck_lower", "neck_upper")
                ),
                "nasium: APL angle minus lower vertical line angle",
            ),
        ),
    )


def _lateral() -> View:
    names = (
        "apl_anterior",
        "apl_posterior",
        "c2_endplate_anterior",
        "c2_endplate_posterior",
        "c7_endplate_anterior",
        "c7_endplate_posterior",
        "c2_posterior_inferior",
        "c2_posterior_superior",
        "c7_posterior_inferior",
        "c7_posterior_superior",
    )
    return View(
        id="lateral",
        target="radiographic",
        landmarks=names,
        measures=(
            Measure(
                "lateral_atlas_plane_deg",
                names[:2],
                lambda p, o: g.sagittal_angle(*_p(p, *names[:2])),
                "lateral: atlas plane line (anterior-posterior tubercles) from horizontal",
            ),
            Measure(
                "lordotic_curve_deg",
                names[:2] + names[4:6],
                lambda p, o: g.lordotic_curve_angle(*_p(p, *(names[:2] + names[4:6]))),
                "lateral: atlas plane line to C7 inferior endplate",
            ),
            Measure(
                "cobb_c2_c7_deg",
                names[2:6],
                lambda p, o: g.cobb_angle(*_p(p, *names[2:6])),
                "lateral: Cobb C2-C7 (inferior endplates), lordosis positive",
            ),
            Measure(
                "ara_c2_c7_deg",
                names[6:10],
                lambda p, o: g.posterior_tangent_angle(
                    *_p(p, *names[6:10]), facing=o.get("facing", "right")
                ),
                "lateral: Harrison posterior tangents C2-C7, lordosis positive",
            ),
        ),
    )


def _vertex() -> View:
    names = ("transverse_left", "transverse_right", "midline_anterior", "midline_posterior")
    return View(
        id="vertex",
        target="radiographic",
        landmarks=names,
        measures=(
            Measure(
                "atlas_rotation_deg",
                names,
                lambda p, o: g.atlas_rotation(*_p(p, *names)),
                "vertex: atlas transverse line minus perpendicular to skull midline",
            ),
        ),
    )


def _coronal() -> View:
    names = ("eye_right", "eye_left", "shoulder_right", "shoulder_left", "hip_right", "hip_left")
    return View(
        id="posture_coronal",
        target="posture",
        landmarks=names,
        measures=(
            Measure(
                "head_tilt_deg",
                names[:2],
                lambda p, o: g.coronal_unlevelling(*_p(p, *names[:2])),
                "photo: line through lateral canthi, patient's right higher positive",
            ),
            Measure(
                "shoulder_unlevel_deg",
                names[2:4],
                lambda p, o: g.coronal_unlevelling(*_p(p, *names[2:4])),
                "photo: acromia line, patient's right higher positive",
            ),
            Measure(
                "hip_unlevel_deg",
                names[4:6],
                lambda p, o: g.coronal_unlevelling(*_p(p, *names[4:6])),
                "photo: iliac crests line, patient's right higher positive",
            ),
        ),
    )


def _sagittal() -> View:
    names = ("tragus", "c7")
    return View(
        id="posture_sagittal",
        target="posture",
        landmarks=names,
        measures=(
            Measure(
                "craniovertebral_angle_deg",
                names,
                lambda p, o: g.craniovertebral_angle(*_p(p, *names)),
                "photo: craniovertebral angle (C7 horizontal to tragus)",
            ),
        ),
    )


def views() -> dict[str, View]:
    """Every supported view, by id (built on call: no work at import time)."""
    return {v.id: v for v in (_nasium(), _lateral(), _vertex(), _coronal(), _sagittal())}


def _parse_points(
    view: View, landmarks: Mapping[str, Any], y_down: bool, problems: ProblemCollector
) -> dict[str, g.Point]:
    points: dict[str, g.Point] = {}
    for name, value in landmarks.items():
        if name not in view.landmarks:
            problems.add(f"landmarks.{name}", "unknown landmark", ", ".join(view.landmarks))
            continue
        if value is None:
            continue
        try:
            point = g.as_point(value, name)
        except ValidationError as exc:
            problems.add(f"landmarks.{name}", exc.detail, "two finite numbers [x, y]")
            continue
        points[name] = g.flip_y(point) if y_down else point
    return points


def measure(
    view_id: str,
    landmarks: Mapping[str, Any],
    *,
    y_down: bool = False,
    facing: str = "right",
) -> dict[str, float]:
    """Every measure of ``view_id`` whose landmarks are all present, rounded to 0.1 degree.

    ``landmarks`` maps landmark names to ``[x, y]`` (``None`` = not marked). ``y_down`` says the
    coordinates are image clicks (y grows downward). Raises one ValidationError listing every
    problem (unknown view or landmark, bad coordinates, coincident points).
    """
    problems = ProblemCollector()
    all_views = views()
    view = all_views.get(view_id)
    if view is None:
        raise ValidationError(
            "Cannot compute angles",
            problems=[Problem("view", f"unknown view {view_id!r}", ", ".join(all_views))],
        )
    if facing not in ("left", "right"):
        problems.add("facing", "must be left or right", "left, right")
    points = _parse_points(view, landmarks, y_down, problems)
    problems.raise_if_any("Cannot compute angles")
    out: dict[str, float] = {}
    for m in view.measures:
        if not all(n in points for n in m.landmarks):
            continue
        try:
            value = m.compute(points, {"facing": facing})
        except ValidationError as exc:
            problems.add(m.key, exc.detail, "distinct landmarks")
            continue
        out[m.key] = round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    problems.raise_if_any("Cannot compute angles")
    return out


def method_of(view_id: str) -> dict[str, str]:
    """The method text of each measure of a view (stored with the values)."""
    view = views().get(view_id)
    if view is None:
        raise ValidationError(f"unknown view {view_id!r}")
    return {m.key: m.method for m in view.measures}


__all__ = ["Measure", "Side", "View", "measure", "method_of", "views"]
