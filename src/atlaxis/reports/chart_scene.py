"""Positioned drawing primitives: what a chart layout produces and any renderer draws.

Coordinates are in points on a canvas of ``Scene.width`` × ``Scene.height`` with the origin at
the top left and y growing downward (as in SVG; a ReportLab renderer flips y once).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stroke:
    colour: str = "#000000"
    width: float = 1.0
    dash: str = ""  # SVG dash array, "" = solid


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: Stroke = Stroke()
    role: str = ""  # semantic tag for tests/renderers, e.g. "grid", "axis", "reference"


@dataclass(frozen=True, slots=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: Stroke
    role: str = ""


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: str
    pattern: str = "solid"  # one of charts.PATTERNS
    stroke: Stroke | None = None
    title: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    shape: str  # one of charts.MARKERS
    colour: str
    size: float = 4.5
    filled: bool = True
    title: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12.0
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    colour: str = "#000000"
    rotate: float = 0.0
    role: str = ""


Item = Line | Polyline | Rect | Marker | Text


@dataclass(frozen=True, slots=True)
class Scene:
    chart_id: str
    width: float
    height: float
    title: str
    description: str
    items: tuple[Item, ...]

    def by_role(self, role: str) -> list[Item]:
        return [i for i in self.items if i.role == role]
