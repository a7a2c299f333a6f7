"""Visit windows use the patient's local calendar day (the day the diary is kept in), not the
UTC date: a visit at 23:30 in New York is stored as 04:30 UTC the next day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from atlaxis.domain import Role
from atlaxis.services.diary import add_diary_entry
from atlaxis.services.episodes import create_episode
from atlaxis.services.outcomes import patient_outcomes
from atlaxis.services.visits import record_visit

NEW_YORK = ZoneInfo("America/New_York")  # UTC-5 in January (no daylight saving)
VISIT_DAYS = [date(2025, 1, 10), date(2025, 1, 17), date(2025, 1, 24)]


def _pain_windows(uow_factory, doc, patient) -> dict:
    with uow_factory(read_only=True) as uow:
        body = patient_outcomes(uow, doc, patient.id)
        uow.commit()
    (pain,) = [d for d in body["diary"] if d["item"] == "pain"]
    return pain["visit_windows"]


@pytest.mark.parametrize("zone", ["America/New_York", "Not/A_Zone"])
def test_late_evening_visit_counts_on_the_local_day(uow_factory, factory, zone) -> None:
    clinic = factory.clinic()
    doc = factory.actor(factory.user(Role.CLINICIAN, clinic))
    patient = factory.patient(clinic, timezone=zone)
    with uow_factory() as uow:
        create_episode(uow, doc, patient.id, {"care_start": "2025-01-05"})
        day = date(2025, 1, 1)
        while day <= date(2025, 1, 31):
            pain = 2 if day in VISIT_DAYS else 6  # lower pain on each local visit day
            add_diary_entry(
                uow, doc, patient.id, {"date": day.isoformat(), "items": {"pain": pain}}
            )
            day += timedelta(days=1)
        for d in VISIT_DAYS:
            local = datetime(d.year, d.month, d.day, 23, 30, tzinfo=NEW_YORK)
            assert local.astimezone(ZoneInfo("UTC")).date() == d + timedelta(days=1)
            visit = {"occurred_at": local.isoformat(), "technique": "nucca", "decision": "held"}
            record_visit(uow, doc, patient.id, visit)
        uow.commit()
    lag0 = next(x for x in _pain_windows(uow_factory, doc, patient)["lags"] if x["lag"] == 0)
    if zone == "America/New_York":
        # local visit day v: before = mean(pain on v-3..v-1) = (6 + 6 + 6) / 3 = 6;
        # lag 0 = pain on v = 2; change = 2 - 6 = -4 at each of the 3 visits; mean -4
        assert lag0["estimate"] == pytest.approx(-4.0)
    else:
        # an unknown zone falls back to UTC: the visit day is v + 1 (pain 6) and its window
        # v-2..v holds 6, 6, 2: before = 14 / 3; change = 6 - 14/3 = +4/3
        assert lag0["estimate"] == pytest.approx(4 / 3)
    assert lag0["n_visits"] == 3
