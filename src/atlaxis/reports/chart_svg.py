"""Scene → SVG text: accessible (role="img", <title>, <desc>), no script, print-friendly.

Ids inside one SVG are prefixed with the chart id so several charts can sit in one page.
Hatch patterns are defined once per (pattern, colour) pair in ``<defs>``.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from atlaxis.reports.chart_scene import Item, Line, Marker, Polyline, Rect, Scene, Stroke, Text

_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def _n(v: float) -> str:
    """Compact coordinate text: at most 2 decimals, no trailing zeros."""
    out = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def _stroke(s: Stroke) -> str:
    out = f' stroke="{s.colour}" stroke-width="{_n(s.width)}"'
    if s.dash:
        out += f' stroke-dasharray="{s.dash}"'
    return out


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>" if text else ""


def _pattern_id(prefix: str, pattern: str, colour: str) -> str:
    return f"{prefix}-{pattern}-{colour.lstrip('#')}"


def _pattern_def(pid: str, pattern: str, colour: str) -> str:
    body = f'<rect width="8" height="8" fill="{colour}" fill-opacity="0.25"/>'
    marks = {
        "diagonal": f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{colour}" '
        'stroke-width="1.5"/>',
        "crosshatch": f'<path d="M0,0 l8,8 M8,0 l-8,8" stroke="{colour}" stroke-width="1.2"/>',
        "dots": f'<circle cx="4" cy="4" r="1.8" fill="{colour}"/>',
        "horizontal": f'<path d="M0,4 h8" stroke="{colour}" stroke-width="1.6"/>',
        "vertical": f'<path d="M4,0 v8" stroke="{colour}" stroke-width="1.6"/>',
    }
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{body}{marks.get(pattern, '')}</pattern>"
    )


def _marker(m: Marker) -> str:
    x, y, s = m.x, m.y, m.size
    fill = m.colour if m.filled else "#FFFFFF"
    common = f' fill="{fill}" stroke="{m.colour}" stroke-width="1.5" class="mk {m.role}"'
    if m.shape == "square":
        shape = f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}"'
    elif m.shape in ("triangle", "triangle_down", "diamond"):
        if m.shape == "triangle":
            pts = [(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)]
        elif m.shape == "triangle_down":
            pts = [(x, y + s * 1.2), (x + s * 1.1, y - s * 0.8), (x - s * 1.1, y - s * 0.8)]
        else:
            pts = [(x, y - s * 1.3), (x + s, y), (x, y + s * 1.3), (x - s, y)]
        shape = '<polygon points="' + " ".join(f"{_n(a)},{_n(b)}" for a, b in pts) + '"'
    elif m.shape == "cross":
        d = (
            f"M{_n(x - s)},{_n(y - s)} L{_n(x + s)},{_n(y + s)} M{_n(x - s)},{_n(y + s)} "
            f"L{_n(x + s)},{_n(y - s)}"
        )
        return (
            f'<path d="{d}" stroke="{m.colour}" stroke-width="2.2" class="mk {m.role}">'
            f"{_title(m.title)}</path>"
        )
    else:
        shape = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}"'
    tag = shape.split(" ", 1)[0][1:]
    return f"{shape}{common}>{_title(m.title)}</{tag}>"


def _text(t: Text) -> str:
    attrs = f'x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"'
    if t.anchor != "start":
        attrs += f' text-anchor="{t.anchor}"'
    if t.bold:
        attrs += ' font-weight="bold"'
    if t.colour != "#000000":
        attrs += f' fill="{t.colour}"'
    if t.rotate:
        attrs += f' transform="rotate({_n(t.rotate)} {_n(t.x)} {_n(t.y)})"'
    return f"<text {attrs}>{escape(t.text)}</text>"


def _item(item: Item, prefix: str, patterns: dict[str, str]) -> str:
    if isinstance(item, Line):
        return (
            f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" '
            f'y2="{_n(item.y2)}"{_stroke(item.stroke)}/>'
        )
    if isinstance(item, Polyline):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in item.points)
        return (
            f'<polyline points="{pts}" fill="none"{_stroke(item.stroke)} '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    if isinstance(item, Rect):
        if item.pattern == "solid":
            fill = item.colour
        else:
            pid = _pattern_id(prefix, item.pattern, item.colour)
            patterns.setdefault(pid, _pattern_def(pid, item.pattern, item.colour))
            fill = f"url(#{pid})"
        stroke = _stroke(item.stroke) if item.stroke else ""
        return (
            f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" '
            f'height="{_n(item.h)}" fill="{fill}"{stroke}>{_title(item.title)}</rect>'
        )
    if isinstance(item, Marker):
        return _marker(item)
    return _text(item)


def scene_to_svg(scene: Scene) -> str:
    prefix = _ID_SAFE.sub("-", scene.chart_id) or "chart"
    patterns: dict[str, str] = {}
    body = "".join(_item(i, prefix, patterns) for i in scene.items)
    w, h = _n(scene.width), _n(scene.height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(prefix)} '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="sans-serif">'
        f'<title id="{prefix}-title">{escape(scene.title)}</title>'
        f'<desc id="{prefix}-desc">{escape(scene.description)}</desc>'
        f'<rect width="{w}" height="{h}" fill="#FFFFFF"/>'
    )
    defs = f"<defs>{''.join(patterns.values())}</defs>" if patterns else ""
    return f"{head}{defs}{body}</svg>"
