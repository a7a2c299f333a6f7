"""The visit form: reading posted fields into a visit payload, with angles from landmarks.

Works without JavaScript: landmark coordinates are plain number inputs (static/landmarks.js
only fills them from clicks on an image that never leaves the browser). The geometry is
computed here by :mod:`atlaxis.domain.landmarks` — the one tested implementation — when the
clinician presses "Compute angles" (the form comes back with the values) or saves the visit.
Every problem is reported next to its field with a catalogue key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from atlaxis.domain import Reaction, Side, VisitDecision
from atlaxis.domain import landmarks as lm
from atlaxis.errors import ValidationError
from atlaxis.web.pages.common import FormValues

MM_PER_INCH = 25.4
STAGES = ("pre", "post")
POSTURE_KEYS = (
    "head_tilt_deg",
    "shoulder_unlevel_deg",
    "hip_unlevel_deg",
    "craniovertebral_angle_deg",
)
TECHNIQUES = (
    "NUCCA",
    "Atlas Orthogonal",
    "Advanced Orthogonal",
    "Blair",
    "Orthospinology",
    "Knee-chest",
    "Toggle recoil (HIO)",
    "QSM3",
)
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*(in|inch|inches|\")?\s*$")
_INCHES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(in|inch|inches|\")\s*$")


@dataclass
class VisitForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    computed: dict[str, dict[str, float]] = field(default_factory=dict)  # view -> measures

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def landmark_field(view: str, name: str, axis: str) -> str:
    return f"lm__{view}__{name}__{axis}"


def parse_leg(text: str) -> tuple[float, str | None] | None:
    """Millimetres from "3.2" (mm), "1/8", "1/8 in" or "0.25 in"; None when not understood."""
    text = text.strip().lower()
    if text.endswith("mm"):
        text = text[:-2].strip()
    frac = _FRACTION.match(text)
    if frac:
        num, den = int(frac.group(1)), int(frac.group(2))
        if den == 0:
            return None
        return round(num / den * MM_PER_INCH, 3), f"{num}/{den} in"
    inches = _INCHES.match(text)
    if inches:
        return round(float(inches.group(1)) * MM_PER_INCH, 3), f"{inches.group(1)} in"
    try:
        return float(text), None
    except ValueError:
        return None


def _number(form: VisitForm, name: str) -> float | None:
    raw = form.get(name).strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        form.errors[name] = "visit.error.number"
        return None
    if value != value or value in (float("inf"), float("-inf")):
        form.errors[name] = "visit.error.number"
        return None
    return value


def _landmarks(form: VisitForm, view: lm.View) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for name in view.landmarks:
        xn, yn = landmark_field(view.id, name, "x"), landmark_field(view.id, name, "y")
        x, y = _number(form, xn), _number(form, yn)
        if (x is None) != (y is None) and xn not in form.errors and yn not in form.errors:
            form.errors[xn if x is None else yn] = "visit.error.pair"
        elif x is not None and y is not None:
            out[name] = [x, y]
    return out


def compute_angles(form: VisitForm) -> None:
    """Fill ``form.computed`` from every view with landmarks (errors next to the view)."""
    y_down = form.get("coords") != "film"
    facing = form.get("facing") if form.get("facing") in ("left", "right") else "right"
    for view in lm.views().values():
        points = _landmarks(form, view)
        if not points:
            continue
        try:
            found = lm.measure(view.id, points, y_down=y_down, facing=facing)
        except ValidationError:
            form.errors[f"lm__{view.id}"] = "visit.error.landmarks"
            continue
        if found:
            form.computed[view.id] = found


def _leg(form: VisitForm, stage: str) -> dict[str, Any] | None:
    raw, side = form.get(f"{stage}_leg"), form.get(f"{stage}_leg_side")
    if not raw.strip():
        if side and side != "none":
            form.errors[f"{stage}_leg"] = "visit.error.leg_missing"
        return None
    parsed = parse_leg(raw)
    if parsed is None or not 0 <= parsed[0] <= 50:
        form.errors[f"{stage}_leg"] = "visit.error.leg"
        return None
    if side not in {s.value for s in Side}:
        form.errors[f"{stage}_leg_side"] = "visit.error.side"
        return None
    mm, entered = parsed
    out: dict[str, Any] = {"mm": mm, "side": side}
    if entered:
        out["entered_as"] = entered
    return out


def _checks(form: VisitForm, stage: str) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    leg = _leg(form, stage)
    if leg is not None:
        checks["leg_check"] = leg
    posture: dict[str, float] = {}
    radiographic: dict[str, float] = {}
    if form.get("film_stage") == stage:
        for view_id, values in form.computed.items():
            target = lm.views()[view_id].target
            (posture if target == "posture" else radiographic).update(values)
    for key in POSTURE_KEYS:
        typed = _number(form, f"{stage}_{key}")
        if typed is not None:
            posture[key] = typed
    if posture:
        checks["posture"] = posture
    if radiographic:
        checks["radiographic"] = radiographic
        views = [v for v in form.computed if lm.views()[v].target == "radiographic"]
        coords = "film mm" if form.get("coords") == "film" else "image px"
        checks["radiographic_method"] = f"landmarks: {', '.join(views)} ({coords})"[:80]
    return checks


def read_visit(values: FormValues) -> tuple[VisitForm, dict[str, Any]]:
    """The form as posted and the payload for ``services.visits.record_visit``."""
    form = VisitForm({k: v[0] for k, v in values.items() if v and not k.startswith("csrf")})
    compute_angles(form)
    payload: dict[str, Any] = {}
    when = form.get("occurred_at").strip()
    try:
        payload["occurred_at"] = datetime.fromisoformat(when).isoformat() if when else None
    except ValueError:
        form.errors["occurred_at"] = "visit.error.when"
    if not payload.get("occurred_at"):
        form.errors.setdefault("occurred_at", "visit.error.when")
    technique = form.get("technique").strip()
    if not technique:
        form.errors["technique"] = "visit.error.technique"
    payload["technique"] = technique[:80]
    payload["listing"] = form.get("listing").strip()[:80]
    if form.get("decision") not in {d.value for d in VisitDecision}:
        form.errors["decision"] = "visit.error.decision"
    payload["decision"] = form.get("decision")
    reaction = form.get("reaction")
    if reaction:
        if reaction not in {r.value for r in Reaction}:
            form.errors["reaction"] = "visit.error.reaction"
        payload["reaction"] = reaction
    payload["reaction_note"] = form.get("reaction_note").strip()[:2000]
    payload["notes"] = form.get("notes").strip()[:10_000]
    for stage in STAGES:
        checks = _checks(form, stage)
        if checks:
            payload[f"{stage}_checks"] = checks
    return form, payload


def service_field(problem_field: str) -> str:
    """The form field for a service problem (``pre_checks.leg_check.mm`` → ``pre_leg``)."""
    parts = problem_field.split(".")
    if parts[0] in ("pre_checks", "post_checks"):
        stage = parts[0].split("_")[0]
        if len(parts) > 1 and parts[1] == "leg_check":
            return f"{stage}_leg_side" if parts[-1] == "side" else f"{stage}_leg"
        if len(parts) > 2 and parts[1] == "posture":
            return f"{stage}_{parts[2]}"
        return "film_stage"
    return parts[0]
