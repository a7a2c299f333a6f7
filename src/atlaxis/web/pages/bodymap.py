"""The body map: front and back figures whose tappable regions are the 19 WPI sites.

Each site appears once in the keyboard order (``focus=True``) and possibly again on the
other view for pointer users (``focus=False``: hidden from assistive technology, since the
focusable copy already names it). The site ids are those of the ACR 2016 criteria
(Wolfe F, et al. Semin Arthritis Rheum 2016;46:319-329), as the diary instrument uses them.
The front view faces us, so the patient's right side is on our left; the back view is seen
from behind, so the patient's left is on our left.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlaxis.instruments.definitions.diary import WPI_SITES

SITE_IDS: tuple[str, ...] = tuple(site for site, _ in WPI_SITES)


@dataclass(frozen=True, slots=True)
class Region:
    site: str
    shape: str  # "rect" or "ellipse"
    x: float  # rect: left, ellipse: centre
    y: float
    w: float  # rect: width, ellipse: x radius
    h: float  # rect: height, ellipse: y radius
    focus: bool


def _limbs(right_on_our_left: bool, focus: bool) -> list[Region]:
    """Shoulders, arms, hips and legs of both sides, drawn on the side where we see them."""
    out: list[Region] = []
    for side in ("right", "left"):
        mirror = (side == "right") != right_on_our_left  # True: drawn on our right
        out += [
            Region(f"shoulder_girdle_{side}", "ellipse", 106 if mirror else 54, 70, 14, 9, focus),
            Region(f"upper_arm_{side}", "rect", 112 if mirror else 34, 80, 14, 48, focus),
            Region(f"lower_arm_{side}", "rect", 118 if mirror else 28, 132, 14, 52, focus),
            Region(f"hip_{side}", "rect", 81 if mirror else 58, 148, 21, 26, focus),
            Region(f"upper_leg_{side}", "rect", 82 if mirror else 58, 178, 20, 70, focus),
            Region(f"lower_leg_{side}", "rect", 83 if mirror else 60, 254, 17, 72, focus),
        ]
    return out


def front() -> list[Region]:
    """Front view: jaw, chest and abdomen live here; neck is a pointer copy."""
    return [
        Region("jaw_right", "ellipse", 71, 42, 7, 5, True),
        Region("jaw_left", "ellipse", 89, 42, 7, 5, True),
        Region("neck", "rect", 72, 50, 16, 12, False),
        *_limbs(True, True),
        Region("chest", "rect", 62, 64, 36, 40, True),
        Region("abdomen", "rect", 62, 106, 36, 38, True),
    ]


def back() -> list[Region]:
    """Back view (patient's left on our left): neck, upper and lower back live here."""
    limbs = _limbs(False, False)
    return [
        Region("neck", "rect", 72, 50, 16, 12, True),
        Region("upper_back", "rect", 62, 64, 36, 40, True),
        Region("lower_back", "rect", 62, 106, 36, 38, True),
        *limbs,
    ]
