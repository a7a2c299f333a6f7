"""docs/reference/safety-rules.md is generated from the rule data and kept fresh; the
safety_screen definition and the rules agree."""

from __future__ import annotations

from pathlib import Path

from atlaxis.instruments import get_instrument, score
from atlaxis.outcomes.reading import wording_problems
from atlaxis.screening import RULES
from atlaxis.screening.docs import render

DOC = Path(__file__).resolve().parents[3] / "docs" / "reference" / "safety-rules.md"
CCR_ITEMS = (
    "age",
    "dangerous_mechanism",
    "extremity_paresthesia",
    "simple_rear_end_mvc",
    "sitting_comfortably",
    "ambulatory_any_time",
    "delayed_onset_neck_pain",
    "no_midline_tenderness",
    "rotate_45_left",
    "rotate_45_right",
)


def test_safety_rules_doc_is_fresh() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/reference/safety-rules.md is stale: run "
        "`python -m atlaxis.screening.docs > docs/reference/safety-rules.md`"
    )


def test_every_rule_is_documented_with_its_source() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### `{rule.id}`" in text
        assert rule.source.citation in text
    to_confirm = text.split("## To confirm before clinical use", 1)[1]
    for rule in RULES:
        if rule.source.evidence == "unverified":
            assert f"`{rule.id}`" in to_confirm


def test_definition_shape() -> None:
    inst = get_instrument("safety_screen")
    assert inst.kind == "screen"
    assert inst.item("neck_trauma") is not None
    assert inst.item("neck_trauma").enable_when == ()  # type: ignore[union-attr]
    for item_id in CCR_ITEMS:
        item = inst.item(item_id)
        assert item is not None, item_id
        assert item.type == ("integer" if item_id == "age" else "boolean")
        assert [(c.question, c.operator, c.answer) for c in item.enable_when] == [
            ("neck_trauma", "=", True)
        ]


def test_rules_and_questions_match() -> None:
    inst = get_instrument("safety_screen")
    used = {i for r in RULES for i in r.inputs}
    assert used <= set(inst.item_ids)  # every input is a question
    assert set(inst.item_ids) <= used  # every question feeds a rule
    assert len({r.id for r in RULES}) == len(RULES)


def test_scoring_the_screen_reports_the_decision() -> None:
    result = score("safety_screen", {"night_pain": True})
    assert result.total is None
    assert "safety:refer" in result.flags
    assert result.details["safety"]["decision"] == "refer"
    assert not result.complete


def test_reasons_do_not_overclaim() -> None:
    # decision support in plain words: no "cures", "works", "restores", "caused"
    for rule in RULES:
        assert wording_problems(rule.reason) == [], rule.id
        assert "diagnos" not in rule.reason.lower(), rule.id
