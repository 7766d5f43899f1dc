"""The opinion model built from the bundled sma-2020 scenario."""

from __future__ import annotations

import pytest

import burdenshare.scenario as scenario_mod
from burdenshare.errors import SpecError
from burdenshare.opinion import ALL, fit_wtp, scenario_opinion


@pytest.fixture(scope="module")
def scenario():
    return scenario_mod.load_scenario("sma-2020")


def test_groups_and_fit_follow_the_scenario(scenario):
    so = scenario_opinion(scenario)
    assert so.model.group_names == (ALL,) + tuple(g.id for g in scenario.opinion.groups)
    assert so.model.median() == pytest.approx(fit_wtp().median())  # same anchors as the defaults
    ids = {g.id for g in scenario.opinion.groups}
    assert {"dp", "conservative"} <= ids
    assert so.model.median("dp") < so.model.median(ALL) < so.model.median("conservative")


def test_furlough_and_event_effects_are_dated(scenario):
    so = scenario_opinion(scenario)
    before = so.at(scenario.levers.as_of)
    assert before == so.model  # nothing has happened yet at as_of (furlough 1 Apr 2020)
    furlough = scenario.levers.furlough_from
    assert furlough != "none"
    assert any(e.date == furlough for e in so.events)


def test_transparency_lever_moves_beliefs_toward_the_justified_amount(scenario):
    s2 = scenario_mod.load_scenario("sma-2020", ["levers.transparency=0.8"])
    so = scenario_opinion(s2)
    assert so.transparency is not None and so.transparency.transparency == 0.8
    with pytest.raises(SpecError):
        so.at(s2.levers.as_of)
    high = so.at(s2.levers.as_of, justified_amount_krw=3e12)
    low = so.at(s2.levers.as_of, justified_amount_krw=0.8e12)
    assert low.median() < so.model.median() < high.median()


def test_unimplemented_family_is_rejected_by_the_schema(scenario):
    from burdenshare.errors import ScenarioError

    with pytest.raises(ScenarioError) as e:
        scenario_mod.load_scenario("sma-2020", ['opinion.wtp_family="normal"'])
    assert e.value.field == "opinion.wtp_family"
    assert "loglogistic" in str(e.value)
