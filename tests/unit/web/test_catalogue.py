"""The English catalogue covers the keys the templates build at run time ("severity." ~ value
and the like), which the literal-key scan of test_shell.py cannot see: every value each
family can take, from its source (enums, the body map, landmark views, services)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from atlaxis.domain import CoTherapyKind, Reaction, Severity, Side, VisitDecision
from atlaxis.domain import landmarks as lm
from atlaxis.screening.rules import Decision
from atlaxis.services.outcomes import DIARY_OUTCOMES
from atlaxis.web.i18n import catalogue
from atlaxis.web.pages import bodymap, clinician, visit_form
from atlaxis.web.pages.checkin import RATINGS
from atlaxis.web.pages.common import TEMPLATE_DIR

DYNAMIC = re.compile(r'"([a-z_.]+\.)" ~ ')


def _families() -> dict[str, set[str]]:
    views = lm.views().values()
    return {
        "item.": set(RATINGS) | set(DIARY_OUTCOMES),
        "site.": set(bodymap.SITE_IDS),
        "cotherapy.kind.": {k.value for k in CoTherapyKind},
        "direction.": {"better", "worse", "same"},
        "landmark.": {name for v in views for name in v.landmarks},
        "landmarks.view.": {v.id for v in views},
        "measure.": {m.key for v in views for m in v.measures},
        "posture.": set(visit_form.POSTURE_KEYS),
        "safety.decision.": set(get_args(Decision)),
        "severity.": {s.value for s in Severity},
        "side.": {s.value for s in Side},
        "timeline.range.": {*clinician.RANGES, "all"},
        "visit.decision.": {d.value for d in VisitDecision},
        "visit.reaction.": {r.value for r in Reaction},
        "visit.stage.": {"pre_checks", "post_checks"},
        "visit.stage_title.": {"pre", "post"},
        "patient.saved.": set(clinician.SAVED),
        "outcome.reason.": {"one_group"},
    }


def test_every_family_used_by_a_template_is_listed_here() -> None:
    used = {m for p in Path(TEMPLATE_DIR).glob("*.html") for m in DYNAMIC.findall(p.read_text())}
    assert used, "the scan found no built keys"
    assert used <= set(_families()), sorted(used - set(_families()))


def test_every_built_key_is_in_the_english_catalogue() -> None:
    english = catalogue("en")
    missing = sorted(
        prefix + value
        for prefix, values in _families().items()
        for value in values
        if prefix + value not in english
    )
    assert missing == []
