"""Progress reports as PDF (ReportLab platypus), from the blocks of
:mod:`atlaxis.reports.pdf_content`; charts drawn from the shared chart module's scene.

>>> # pdf_bytes = render_pdf(build_report(report_input))
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from atlaxis.reports.chart_layout import layout
from atlaxis.reports.charts import ChartText
from atlaxis.reports.pdf_content import Block, Bullets, Heading, Para, Report, Table
from atlaxis.reports.pdf_fonts import BOLD, REGULAR, register, safe_text
from atlaxis.reports.pdf_scene import scene_drawing

MARGIN = 16 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN


@cache
def _styles() -> dict[str, ParagraphStyle]:
    register()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=18, leading=22, spaceAfter=8
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=10.5,
            leading=13,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#333333")
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=9,
            leading=11.5,
            textColor=colors.HexColor("#1a1a1a"),
            borderPadding=4,
            backColor=colors.HexColor("#F2F2F2"),
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cellhead": ParagraphStyle(
            "cellhead", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(safe_text(text)), _styles()[style])


def _table(block: Table) -> RLTable:
    head = any(block.columns)
    rows = [[_p(c, "cellhead") for c in block.columns]] if head else []
    rows += [[_p(cell, "cell") for cell in row] for row in block.rows]
    widths = [w * FRAME_WIDTH for w in block.widths] if block.widths else None
    table = RLTable(rows, colWidths=widths, repeatRows=1 if head else 0)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(block: Block) -> list[Any]:
    if isinstance(block, Heading):
        return [_p(block.text, "h1" if block.level == 1 else "h2")]
    if isinstance(block, Para):
        return [_p(block.text, block.style)]
    if isinstance(block, Table):
        return [_table(block), Spacer(1, 4)]
    if isinstance(block, Bullets):
        items = [ListItem(_p(t, "body"), leftIndent=10) for t in block.items]
        return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=10)]
    scene = layout(block.chart, ChartText())
    return [KeepTogether([scene_drawing(scene, FRAME_WIDTH)])]


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, embedded fonts, a footer with the page number)."""
    register()
    out = io.BytesIO()
    footer = safe_text(report.footer)

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(MARGIN, 9 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=report.title,
        author="atlaxis",
        subject="Change measured during care",
    )
    story: list[Any] = [_p(report.title, "title")]
    for block in report.blocks:
        story += _flowables(block)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
