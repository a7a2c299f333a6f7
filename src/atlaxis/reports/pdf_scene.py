"""Draw a chart :class:`~atlaxis.reports.chart_scene.Scene` with ReportLab graphics.

The same layout that becomes SVG on the pages becomes vector graphics in the PDF: one chart
module, two renderers. The scene's y axis points down (as SVG); ReportLab's points up, so
every y is flipped once here. Hatch patterns become a light tint plus a dashed outline whose
dash differs per pattern (colour is never the only cue, as on the pages).
"""

from __future__ import annotations

from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib.colors import Color, HexColor

from atlaxis.reports import chart_scene as s
from atlaxis.reports.pdf_fonts import BOLD, REGULAR, safe_text

_PATTERN_DASH = {
    "diagonal": [4, 2],
    "crosshatch": [1, 1],
    "dots": [1, 3],
    "horizontal": [6, 2],
    "vertical": [2, 2],
}


def _dash(text: str) -> list[float] | None:
    parts = [float(p) for p in text.replace(",", " ").split()]
    return parts or None


def _colour(hex_colour: str, alpha: float = 1.0) -> Color:
    base = HexColor(hex_colour)
    return Color(base.red, base.green, base.blue, alpha=alpha)


def _line(item: s.Line, h: float) -> Line:
    return Line(
        item.x1,
        h - item.y1,
        item.x2,
        h - item.y2,
        strokeColor=_colour(item.stroke.colour),
        strokeWidth=item.stroke.width,
        strokeDashArray=_dash(item.stroke.dash),
    )


def _polyline(item: s.Polyline, h: float) -> PolyLine:
    points = [v for x, y in item.points for v in (x, h - y)]
    return PolyLine(
        points,
        strokeColor=_colour(item.stroke.colour),
        strokeWidth=item.stroke.width,
        strokeDashArray=_dash(item.stroke.dash),
        strokeLineJoin=1,
    )


def _rect(item: s.Rect, h: float) -> Rect:
    solid = item.pattern == "solid"
    outline = item.stroke or s.Stroke(item.colour, 1.0)
    return Rect(
        item.x,
        h - item.y - item.h,
        item.w,
        item.h,
        fillColor=_colour(item.colour, 1.0 if solid else 0.3),
        strokeColor=_colour(outline.colour),
        strokeWidth=outline.width,
        strokeDashArray=None if solid else _PATTERN_DASH.get(item.pattern),
    )


def _marker(m: s.Marker, h: float) -> Group | Circle | Rect | Polygon:
    x, y, r = m.x, h - m.y, m.size
    fill = _colour(m.colour) if m.filled else _colour("#FFFFFF")
    style = {"fillColor": fill, "strokeColor": _colour(m.colour), "strokeWidth": 1.2}
    if m.shape == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, **style)
    if m.shape == "cross":
        stroke = {"strokeColor": _colour(m.colour), "strokeWidth": 2.0}
        return Group(
            Line(x - r, y - r, x + r, y + r, **stroke), Line(x - r, y + r, x + r, y - r, **stroke)
        )
    shapes = {
        "triangle": [(x, y + r * 1.2), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)],
        "triangle_down": [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)],
        "diamond": [(x, y + r * 1.3), (x + r, y), (x, y - r * 1.3), (x - r, y)],
    }
    if m.shape in shapes:
        return Polygon([v for p in shapes[m.shape] for v in p], **style)
    return Circle(x, y, r, **style)


def _text(t: s.Text, h: float) -> String | Group:
    anchor = t.anchor if t.anchor in ("start", "middle", "end") else "start"
    if not t.rotate:
        return String(
            t.x,
            h - t.y,
            safe_text(t.text),
            fontName=BOLD if t.bold else REGULAR,
            fontSize=t.size,
            fillColor=_colour(t.colour),
            textAnchor=anchor,
        )
    label = String(
        0,
        0,
        safe_text(t.text),
        fontName=BOLD if t.bold else REGULAR,
        fontSize=t.size,
        fillColor=_colour(t.colour),
        textAnchor=anchor,
    )
    group = Group(label)
    group.translate(t.x, h - t.y)
    group.rotate(-t.rotate)
    return group


def scene_drawing(scene: s.Scene, width: float) -> Drawing:
    """The scene scaled to ``width`` points, as a ReportLab flowable drawing."""
    h = scene.height
    body = Group()
    for item in scene.items:
        if isinstance(item, s.Line):
            body.add(_line(item, h))
        elif isinstance(item, s.Polyline):
            body.add(_polyline(item, h))
        elif isinstance(item, s.Rect):
            body.add(_rect(item, h))
        elif isinstance(item, s.Marker):
            body.add(_marker(item, h))
        else:
            body.add(_text(item, h))
    scale = width / scene.width
    body.scale(scale, scale)
    drawing = Drawing(width, h * scale)
    drawing.add(body)
    return drawing
