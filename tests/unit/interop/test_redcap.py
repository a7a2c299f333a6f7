"""REDCap data dictionary export/import, records CSV, custom instrument store.

Format facts (REDCap "Data Dictionary" help of any REDCap installation, and the public
readers/writers of it, e.g. PyCap's metadata field names): 18 columns in a fixed order,
choices ``code, label | code, label``, calc formulas in the Choices column, checkbox
records as ``<variable>___<code>`` columns, ``<form>_complete`` with 2 = Complete.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaxis.errors import Conflict, NotFound, ValidationError
from atlaxis.instruments import get_instrument, instrument_ids, score
from atlaxis.instruments.model import Instrument
from atlaxis.interop import redcap_format as rf
from atlaxis.interop.custom_instruments import CustomInstrumentStore, build_instrument, to_spec
from atlaxis.interop.redcap_dictionary import dictionary_rows, export_dictionary
from atlaxis.interop.redcap_import import import_dictionary
from atlaxis.interop.redcap_records import RecordInput, export_records, record_columns

DATA = Path(__file__).resolve().parents[2] / "data" / "redcap"
GOLDEN_IDS = ("phq9", "ndi", "fiqr", "compass31", "dhi")

# Typed from the REDCap data dictionary template, not from our module.
REDCAP_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
]  # fmt: skip


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _by_var(text: str) -> dict[str, dict[str, str]]:
    return {r["Variable / Field Name"]: r for r in _rows(text)}


def test_header_is_the_18_redcap_columns_in_order() -> None:
    text = export_dictionary([get_instrument("phq9")])
    assert next(csv.reader(io.StringIO(text))) == REDCAP_HEADER


def test_golden_dictionary() -> None:
    expected = (DATA / "golden_dictionary.csv").read_text(encoding="utf-8")
    assert export_dictionary([get_instrument(i) for i in GOLDEN_IDS]) == expected


def test_phq9_fields_by_hand() -> None:
    """PHQ-9 (Kroenke 2001): 9 items coded 0-3, total = sum; the published missing-item rule
    (up to 3 missing, prorated; DC/TMD scoring manual) is not expressible, so it is noted."""
    rows = _by_var(export_dictionary([get_instrument("phq9")]))
    first = next(iter(rows.values()))
    assert first["Variable / Field Name"] == "record_id"  # REDCap's record id comes first
    item = rows["phq9_1"]
    assert item["Field Type"] == "radio"
    assert item["Choices, Calculations, OR Slider Labels"] == (
        "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"
    )
    assert item["Required Field?"] == "y"
    total = rows["phq9_total"]
    assert total["Field Type"] == "calc"
    assert total["Choices, Calculations, OR Slider Labels"] == "+".join(
        f"[phq9_{k}]" for k in range(1, 10)
    )
    assert "up to 3 missing" in total["Field Note"]
    assert "cannot express" in total["Field Note"]


def test_weighted_subscale_and_subscale_total() -> None:
    """NDI percent = raw sum x 2 (Vernon & Mior 1991: 10 items x 0-5 = 50 → %);
    FIQR total = function/3 + overall + symptoms/2 (Bennett 2009)."""
    rows = _by_var(export_dictionary([get_instrument("ndi"), get_instrument("fiqr")]))
    ndi = rows["ndi_percent"]["Choices, Calculations, OR Slider Labels"]
    assert ndi == "(" + "+".join(f"[ndi_{k}]" for k in range(1, 11)) + ")*2"
    function = rows["fiqr_function"]["Choices, Calculations, OR Slider Labels"]
    assert function == "(" + "+".join(f"[fiqr_{k}]" for k in range(1, 10)) + ")/3"
    total = rows["fiqr_total"]["Choices, Calculations, OR Slider Labels"]
    assert total == "[fiqr_function]+[fiqr_overall]+[fiqr_symptoms]"


def test_branching_checkbox_and_non_calc_totals() -> None:
    """COMPASS-31 skip rules (Sletten 2012) become REDCap branching; its weighted,
    recoded total is not a sum of codes, so it is an imported number with a note."""
    rows = _by_var(export_dictionary([get_instrument("compass31"), get_instrument("dhi")]))
    assert rows["compass31_2"]["Branching Logic (Show field only if...)"] == "[compass31_1] = '1'"
    assert rows["compass31_28"]["Branching Logic (Show field only if...)"] == (
        "[compass31_27] <> '1'"
    )
    checkbox = [r for r in rows.values() if r["Field Type"] == "checkbox"]
    assert checkbox and checkbox[0]["Form Name"] == "compass31"
    for var in ("compass31_total", "dhi_total"):
        assert rows[var]["Field Type"] == "text"
        assert rows[var]["Text Validation Type OR Show Slider Number"] == "number"
        assert rows[var]["Field Note"].startswith("Calculated by atlaxis")


def _structure(inst: Instrument) -> list[tuple[Any, ...]]:
    return [
        (
            i.id,
            i.type,
            tuple((o.code, o.label) for o in i.options),
            i.enable_when,
            i.required,
            i.minimum,
            i.maximum,
        )
        for i in inst.items
    ]


def _roundtrip(ids: tuple[str, ...]) -> dict[str, Instrument]:
    text = export_dictionary([get_instrument(i) for i in ids])
    result = import_dictionary(text, "export.csv", {i: f"{i}_copy" for i in ids})
    return {inst.id.removesuffix("_copy"): inst for inst in result.instruments}


def test_round_trip_keeps_every_instrument_structure() -> None:
    ids = instrument_ids()
    back = _roundtrip(ids)
    assert sorted(back) == sorted(ids)
    for i in ids:
        original = get_instrument(i)
        assert _structure(back[i]) == _structure(original), i


DECLARATIVE = ("phq9", "gad7", "ndi", "fiqr", "jfls8", "jfls20", "csi", "pgic")


def _complete_answers(inst: Instrument, draw: Any) -> dict[str, Any]:
    return {it.id: draw(st.sampled_from([o.code for o in it.options])) for it in inst.items}


@settings(max_examples=60, deadline=None)
@given(data=st.data(), which=st.sampled_from(DECLARATIVE))
def test_round_trip_scores_complete_responses_the_same(data: Any, which: str) -> None:
    """The calc formulas carry the published arithmetic: re-imported, they score every
    complete response exactly as the built-in definition does."""
    original = get_instrument(which)
    copy = _ROUNDTRIP[which]
    answers = _complete_answers(original, data.draw)
    a, b = score(original, answers), score(copy, answers)
    assert b.total == pytest.approx(a.total)
    for name, value in a.subscales.items():
        assert b.subscales[name] == pytest.approx(value), name


_ROUNDTRIP = _roundtrip(DECLARATIVE)


def test_records_columns_match_the_dictionary() -> None:
    instruments = [get_instrument(i) for i in ("phq9", "compass31")]
    fields = {r[rf.VARIABLE]: r for r in dictionary_rows(instruments)}
    columns = record_columns(instruments)
    assert columns[:3] == ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance"]
    expected: list[str] = []
    for var, row in fields.items():
        if var == "record_id" or row[rf.FIELD_TYPE] == "calc":
            continue  # REDCap calculates calc fields itself
        if row[rf.FIELD_TYPE] == "checkbox":
            codes = [c for c, _ in rf.parse_choices(row[rf.CHOICES])[0]]
            expected += [f"{var}___{c}" for c in codes]
        else:
            expected.append(var)
    complete = {f"{i.id}_complete" for i in instruments}
    assert [c for c in columns[3:] if c not in complete] == expected
    assert complete <= set(columns)


def test_records_rows_hand_checked() -> None:
    from datetime import UTC, datetime

    phq9 = get_instrument("phq9")
    answers = {str(k): 1 for k in range(1, 10)}
    result = score(phq9, answers).to_dict()
    rec = RecordInput(
        "p123", -10, "phq9", datetime(2024, 3, 15, 9, 30, tzinfo=UTC), answers, result
    )
    rows = _rows(export_records([phq9], [rec, rec]))
    assert [r["redcap_repeat_instance"] for r in rows] == ["1", "2"]
    first = rows[0]
    assert first["record_id"] == "p123"
    assert first["phq9_taken_at"] == "2024-03-05 09:30"  # shifted by -10 days
    assert first["phq9_9"] == "1"
    assert first["phq9_complete"] == "2"
    assert "phq9_total" not in first  # a calc field: REDCap computes 9


def test_import_hand_written_dictionary_every_supported_type() -> None:
    result = import_dictionary(
        (DATA / "custom_fatigue_dictionary.csv").read_text(encoding="utf-8"), "fatigue.csv"
    )
    (inst,) = result.instruments
    assert inst.id == "fatigue_check"
    kinds = {i.id: i.type for i in inst.items}
    assert kinds == {
        "fat_q1": "choice", "fat_q2": "choice", "fat_nap": "boolean", "fat_nap_hours": "decimal",
        "fat_work": "boolean", "fat_triggers": "multi_choice", "fat_trigger_other": "text",
        "fat_vas": "integer", "fat_days": "integer", "fat_onset": "date",
    }  # fmt: skip
    vas = inst.item("fat_vas")
    assert vas is not None and (vas.minimum, vas.maximum) == (0, 100)  # REDCap slider 0-100
    days = inst.item("fat_days")
    assert days is not None and [(c.question, c.operator, c.answer) for c in days.enable_when] == [
        ("fat_work", "=", True),
        ("fat_q1", ">=", 2),
    ]
    other = inst.item("fat_trigger_other")
    assert other is not None and other.enable_when[0].answer == 3
    # total = [fat_q1]+[fat_q2]: 2 + 3 = 5; with an item blank REDCap's '+' gives blank
    assert score(inst, {"fat_q1": 2, "fat_q2": 3, "fat_nap": False}).total == 5
    assert score(inst, {"fat_q1": 2}).total is None


def test_sum_function_ignores_blanks_like_redcap() -> None:
    text = (DATA / "custom_fatigue_dictionary.csv").read_text(encoding="utf-8")
    text = text.replace("[fat_q1]+[fat_q2]", '"sum([fat_q1],[fat_q2])"')
    (inst,) = import_dictionary(text, "sum.csv").instruments
    assert score(inst, {"fat_q1": 2}).total == 2  # REDCap sum() skips the blank field


def test_every_bad_field_is_named_by_row_and_variable() -> None:
    text = (DATA / "bad_dictionary.csv").read_text(encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        import_dictionary(text, "bad_dictionary.csv")
    found = {p.field: p.message for p in info.value.problems}
    expected = {
        "row 3 [b_intro]": "field type 'descriptive' is not supported",
        "row 4 [b_photo]": "field type 'file' is not supported",
        "row 5 [b_email]": "text validation 'email' is not supported",
        "row 6 [b_name]": "identifier fields are not imported",
        "row 7 [b_q1]": "is not 'code, label'",
        "row 8 [b_q2]": "'or' in branching logic is not supported",
        "row 9 [b_q3]": "[b_unknown], which is not an earlier field",
        "row 10 [b_score]": "is not a sum atlaxis can represent",
        "row 11 [B-Bad]": "is not a valid REDCap variable name",
        "row 12 [b_rank]": "matrix ranking is not supported",
        "row 13 [b_ct]": "action tag @CALCTEXT is not supported",
    }
    assert set(found) == set(expected)
    for field, words in expected.items():
        assert words in found[field], field


def test_wrong_header_and_short_rows_are_explained() -> None:
    with pytest.raises(ValidationError) as info:
        import_dictionary("Variable,Form Name\nx,y\n", "odd.csv")
    assert "18 REDCap columns" in info.value.detail
    assert any(p.field == "odd.csv header column 1" for p in info.value.problems)
    header = ",".join(f'"{h}"' for h in REDCAP_HEADER)
    with pytest.raises(ValidationError) as info:
        import_dictionary(header + "\nrecord_id,f,,text\n", "short.csv")
    assert info.value.problems[0].field == "row 2"


def test_built_in_ids_are_refused_unless_renamed() -> None:
    text = export_dictionary([get_instrument("gad7")])
    with pytest.raises(ValidationError) as info:
        import_dictionary(text, "gad7.csv")
    assert "built-in instrument" in str(info.value)
    assert import_dictionary(text, "gad7.csv", {"gad7": "my_gad7"}).instruments[0].id == "my_gad7"


def test_store_round_trip_and_conflict(tmp_path: Path) -> None:
    (inst,) = import_dictionary(
        (DATA / "custom_fatigue_dictionary.csv").read_text(encoding="utf-8"), "f.csv"
    ).instruments
    store = CustomInstrumentStore(tmp_path / "custom_instruments")
    store.save(inst)
    assert store.ids() == ["fatigue_check"]
    loaded = store.load("fatigue_check")
    assert _structure(loaded) == _structure(inst)
    assert to_spec(build_instrument(to_spec(inst))) == to_spec(inst)
    with pytest.raises(Conflict):
        store.save(inst)
    store.save(inst, replace_existing=True)
    with pytest.raises(NotFound):
        store.load("nothing_here")
