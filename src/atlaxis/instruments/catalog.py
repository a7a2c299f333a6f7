"""The instrument catalogue (``docs/reference/instruments.md``), rendered from the registry.

    python -m atlaxis.instruments.catalog > docs/reference/instruments.md

Every fact on the page comes from the definitions themselves (citation, licence,
items, scoring and missing-data rule, bands, change thresholds, reliability, LOINC),
each with its source and evidence tag, so the page cannot drift from the code;
``tests/test_docs.py`` fails when it is stale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from atlaxis.instruments.model import Instrument, Source
from atlaxis.instruments.registry import all_instruments

HEADER = """# Instrument library

Generated from the instrument registry; do not edit by hand. Regenerate with
`python -m atlaxis.instruments.catalog > docs/reference/instruments.md`.

Every fact carries its source and an evidence tag: **verified** (read in the primary
source), **secondary** (read in a source quoting it), **unverified** (named but not
read: confirm before clinical use). Totals are reported unrounded; a band starts at its
lower bound (inclusive) and ends where the next band begins. Where the licence does not
let the wording ship, items carry short topic labels and a clinic holding a licence
loads the wording with `atlaxis instruments load-text`.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _num(value: float) -> str:
    return f"{value:g}"


def cite(source: Source) -> str:
    """A citation with its evidence tag (and note, if any)."""
    text = f"{source.citation} *[{source.evidence}]*"
    if source.note:
        text += f" — {source.note}"
    return _cell(text)


def _summary_table(instruments: Iterable[Instrument]) -> list[str]:
    lines = [
        "| id | title | version | items | item text shipped |",
        "|---|---|---|---:|---|",
    ]
    for inst in instruments:
        shipped = "yes" if inst.licence.ship_text else "no (topic labels)"
        lines.append(
            f"| [`{inst.id}`](#{inst.id}) | {_cell(inst.title)} | {_cell(inst.version)} "
            f"| {len(inst.items)} | {shipped} |"
        )
    return lines


def _items_line(inst: Instrument) -> str:
    kinds = Counter(i.type for i in inst.items)
    parts = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    labels = sum(i.text_is_label for i in inst.items)
    tail = f"; {labels} shown as topic labels" if labels else ""
    return f"- **Items:** {len(inst.items)} ({parts}){tail}"


def _scoring_lines(inst: Instrument) -> list[str]:
    sc = inst.scoring
    if inst.custom_scorer is not None:
        how = "custom algorithm"
        if inst.batch_scorer is not None:
            how += " (with a vectorised batch scorer)"
    else:
        how = {
            "sum_items": "sum of the items",
            "mean_items": "mean of the answered items",
            "sum_subscales": "sum of the subscale scores",
            "mean_subscales": "mean of the subscale scores",
            "custom": "custom algorithm",
        }[sc.total]
    lines = [f"- **Total:** {how}"]
    if inst.score_range is not None:
        lo, hi = inst.score_range
        better = "lower" if inst.lower_is_better else "higher"
        lines.append(f"- **Score range:** {_num(lo)}–{_num(hi)} ({better} is better)")
    for s in sc.subscales:
        detail = f"{s.statistic} of items {', '.join(s.items)}"
        if s.divisor != 1.0:
            detail += f", ÷ {_num(s.divisor)}"
        if s.weight != 1.0:
            detail += f", × {_num(s.weight)}"
        if s.max_missing:
            detail += f"; up to {s.max_missing} missing"
            detail += " (pro-rated)" if s.prorate and s.statistic == "sum" else ""
        if not s.in_total:
            detail += "; reported, not in the total"
        lines.append(f"- **Subscale `{s.name}`:** {detail}")
    lines.append(f"- **Missing data:** {_cell(sc.missing_rule)}")
    if sc.source is not None:
        lines.append(f"- **Scoring source:** {cite(sc.source)}")
    lines.append(f"- **Rounding:** {_cell(sc.rounding)}")
    return lines


def _band_lines(inst: Instrument) -> list[str]:
    interp = inst.interpretation
    if interp is None:
        return []
    top = _num(inst.score_range[1]) if inst.score_range else "…"
    lines = ["", "| band | from (inclusive) | to |", "|---|---:|---:|"]
    for k, band in enumerate(interp.bands):
        nxt = interp.bands[k + 1].lower if k + 1 < len(interp.bands) else None
        end = f"< {_num(nxt)}" if nxt is not None else f"≤ {top}"
        lines.append(f"| {band.label} | {_num(band.lower)} | {end} |")
    lines += ["", f"Bands: {cite(interp.source)}"]
    if interp.note:
        lines.append(f"({_cell(interp.note)})")
    return lines


def _threshold_lines(inst: Instrument) -> list[str]:
    if not inst.thresholds:
        return ["", "Change thresholds: none published (or none found)."]
    lines = ["", "| change threshold | value | source |", "|---|---:|---|"]
    for t in inst.thresholds:
        note = f" ({_cell(t.note)})" if t.note else ""
        lines.append(f"| {t.kind}{note} | {_num(t.value)} {t.unit} | {cite(t.source)} |")
    return lines


def _other_lines(inst: Instrument) -> list[str]:
    lines = [""]
    if inst.reliability is not None:
        r = inst.reliability
        note = f" ({_cell(r.note)})" if r.note else ""
        lines.append(f"- **Reliability:** {r.kind} {_num(r.coefficient)}{note}; {cite(r.source)}")
    if inst.normative_sd is not None:
        sd = inst.normative_sd
        note = f" ({_cell(sd.note)})" if sd.note else ""
        lines.append(f"- **Normative SD:** {_num(sd.value)}{note}; {cite(sd.source)}")
    item_codes = [i for i in inst.items if i.loinc]
    if inst.loinc_panel or inst.loinc_total or item_codes:
        parts = []
        if inst.loinc_panel:
            parts.append(f"panel {inst.loinc_panel}")
        if inst.loinc_total:
            parts.append(f"total {inst.loinc_total}")
        if item_codes:
            parts.append("items " + ", ".join(f"{i.id}: {i.loinc}" for i in item_codes))
        lines.append(f"- **LOINC:** {'; '.join(parts)}")
    else:
        lines.append("- **LOINC:** none known")
    return lines


def instrument_section(inst: Instrument) -> str:
    lic = inst.licence
    shipped = "yes" if lic.ship_text else "no — topic labels only"
    lines = [
        f'<a id="{inst.id}"></a>',
        f"## `{inst.id}` — {_cell(inst.title)}",
        "",
        f"- **Version:** {_cell(inst.version)}",
        f"- **Citation:** {cite(inst.citation)}",
        f"- **Licence:** {_cell(lic.holder)}; item text shipped: {shipped}. {_cell(lic.note)}",
        _items_line(inst),
    ]
    if inst.recall_period:
        lines.append(f"- **Recall period:** {_cell(inst.recall_period)}")
    lines += _scoring_lines(inst)
    lines += _band_lines(inst)
    lines += _threshold_lines(inst)
    lines += _other_lines(inst)
    return "\n".join(lines) + "\n"


def render_catalog(instruments: Iterable[Instrument] | None = None) -> str:
    """The whole page for ``instruments`` (default: every registered instrument)."""
    chosen = list(all_instruments() if instruments is None else instruments)
    parts = [HEADER, "\n".join(_summary_table(chosen)) + "\n"]
    parts += [instrument_section(i) for i in chosen]
    return "\n".join(parts)


def main() -> None:
    print(render_catalog(), end="")


if __name__ == "__main__":
    main()
