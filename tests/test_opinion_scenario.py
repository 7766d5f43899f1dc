"""The opinion model built from the bundled sma-2020-hindsight scenario."""

from __future__ import annotations

import dataclasses
import math

import pytest

import burdenshare.scenario as scenario_mod
from burdenshare.errors import SpecError
from burdenshare.opinion import ALL, fit_wtp, justified_amount_krw, scenario_opinion


@pytest.fixture(scope="module")
def scenario():
    return scenario_mod.load_scenario("sma-2020-hindsight")


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
    s2 = scenario_mod.load_scenario("sma-2020-hindsight", ["levers.transparency=0.8"])
    so = scenario_opinion(s2)
    assert so.transparency is not None and so.transparency.transparency == 0.8
    # the adapter computes the justified amount of the scenario's own ask itself
    assert so.justified_amount_krw == justified_amount_krw(s2) == 3_245_550_000_000.0
    # every item justified (s = the ask, ~5.8 tn won) vs only a tenth of the covered items
    high_s = scenario_mod.load_scenario("sma-2020-hindsight", ["levers.transparency=0.8",
                                                     "opinion.transparency.justified_share_sought=1.0"])
    low_s = scenario_mod.load_scenario("sma-2020-hindsight", ["levers.transparency=0.8",
                                                    "opinion.transparency.justified_share_covered=0.1"])
    high = scenario_opinion(high_s).at(s2.levers.as_of)
    low = scenario_opinion(low_s).at(s2.levers.as_of)
    assert math.log(scenario_opinion(low_s).justified_amount_krw) < so.model.group(ALL).mu
    assert math.log(scenario_opinion(high_s).justified_amount_krw) > so.model.group(ALL).mu
    assert low.median() < so.model.median() < high.median()
    # a transparency update without its amount cannot be built
    with pytest.raises(SpecError) as e:
        dataclasses.replace(so, justified_amount_krw=None)
    assert e.value.field == "justified_amount_krw"
    # no statement: nothing to compute, the opinion is the fit
    assert scenario_opinion(scenario).justified_amount_krw is None


def test_unimplemented_family_is_rejected_by_the_schema(scenario):
    from burdenshare.errors import ScenarioError

    with pytest.raises(ScenarioError) as e:
        scenario_mod.load_scenario("sma-2020-hindsight", ['opinion.wtp_family="normal"'])
    assert e.value.field == "opinion.wtp_family"
    assert "loglogistic" in str(e.value)
