"""The justified amount s of the ask (THEORY.md §15, DESIGN.md §4) has one definition, in the opinion
model (:func:`burdenshare.opinion.justified_amount_krw`), computed from the cost model's itemisation.

The goldens below were obtained on main at commit 930256959c02 (before this function existed),
from the two copies the code then had, both of which built a whole ``explain`` statement and
summed its first-year items times ``justified_share_covered`` / ``justified_share_sought``::

    from burdenshare.scenario import load_scenario
    from burdenshare.analysis.transparency_effect import justified_amount_krw as j     # copy 1
    from burdenshare.engine.plan import justified_amount_krw as jp            # copy 2
    s = load_scenario("sma-2020-hindsight")
    j(s, a)  ==  jp(load_scenario("sma-2020-hindsight", [f"levers.us_ask_usd={a!r}"]))  # for each ask a

Both copies gave the same float for every ask.  They are also checked by hand: the 2020 rate is
KRW 1,180.2 per dollar and the scenario counts the covered categories (40 % of the ask:
labor, construction, logistics) in full and the sought ones (60 %) at a quarter, so
s = ask x 1180.2 x (0.4 + 0.6 x 0.25) = ask x 649.11 up to the whole-won rounding of the items.
"""

from __future__ import annotations

import pytest

from burdenshare.costs.statement import explain
from burdenshare.opinion import justified_amount_krw, scenario_opinion
from burdenshare.scenario import load_scenario

#: (ask in dollars, s in won) recorded on main 930256959c02 with both old copies (module docstring).
OLD_MAIN = (
    (1.0e9, 649110000000.0),
    (1.3e9, 843843000000.0),
    (1.5e9, 973665000000.0),
    (2.0e9, 1298220000000.0),
    (3.6e9, 2336796000000.0),
    (4.7e9, 3050817000000.0),
    (5.0e9, 3245550000000.0),  # the scenario's own ask, levers.us_ask_usd
    (1234567891.5, 801370364051.25),  # items with a remainder: the whole-won split matters
)


@pytest.mark.parametrize(("ask", "old"), OLD_MAIN)
def test_justified_amount_equals_the_old_formula(ask: float, old: float) -> None:
    sma = load_scenario("sma-2020-hindsight")
    assert justified_amount_krw(sma, ask) == old  # bit for bit
    # the scenario's own ask (override) gives the same, and so does the opinion adapter
    own = load_scenario("sma-2020-hindsight", [f"levers.us_ask_usd={ask!r}", "levers.transparency=0.5"])
    assert justified_amount_krw(own) == old
    assert scenario_opinion(own).justified_amount_krw == old
    assert old == pytest.approx(ask * 1180.2 * (0.4 + 0.6 * 0.25), rel=1e-11)  # by hand


def test_default_ask_and_other_shares_equal_the_old_formula() -> None:
    assert justified_amount_krw(load_scenario("sma-2020-hindsight")) == 3245550000000.0
    s = load_scenario("sma-2020-hindsight", ["opinion.transparency.justified_share_sought=0.3",
                                   "opinion.transparency.justified_share_covered=0.9"])
    assert justified_amount_krw(s) == 3186540000000.0  # main 930256959c02, same recipe


def test_the_statement_and_the_opinion_model_itemise_alike() -> None:
    """The items the public reads in ``burdenshare explain`` are the ones the opinion model counts."""
    s = load_scenario("sma-2020-hindsight")
    t = s.opinion.transparency
    statement = explain(s)
    first = [i for i in statement.items if i.year == s.cost_model.base_year]
    by_statement = 0.0
    for item in first:
        by_statement += item.amount_krw * (t.justified_share_covered if item.status == "covered"
                                           else t.justified_share_sought)
    assert justified_amount_krw(s) == by_statement


def test_transparency_report_reexports_the_one_function() -> None:
    import burdenshare.engine.plan as plan
    import burdenshare.analysis.transparency_effect as tr

    assert tr.justified_amount_krw is justified_amount_krw
    assert not hasattr(plan, "justified_amount_krw")


def test_transparency_effect_follows_each_asks_own_statement() -> None:
    """``transparency_effect`` varies the ask: its clear variant (``levers.us_ask_usd`` = the ask)
    carries that ask's statement, so the moved belief is the one main computed by passing s.

    Goldens: ``transparency_effect(load_scenario("sma-2020-hindsight"), ask)``: justified_krw and
    belief_after_krw as on main 930256959c02 (opinion unchanged); p_consent_transparent and
    win_set_transparent_krw since the legislature's role fit with random attendance (issue 11; the
    win-set moved one grid step, 1,850 -> 1,860 and 1,010 -> 1,020). They agree with docs/solve.md's
    table (3,246 / 2,449 / 1,860 and 844 / 892 / 1,020, KRW bn).
    """
    from burdenshare.analysis.transparency_effect import transparency_effect, with_overrides

    sma = load_scenario("sma-2020-hindsight")
    main_values = {
        5e9: (3245550000000.0, 2449217428890.625, 2.1896388964980756e-27, 1860e9, "raises"),
        1.3e9: (843843000000.0, 892365054783.5674, 1.3273960523543502e-09, 1020e9, "lowers"),
    }
    for ask, (s, after, p1, w1, direction) in main_values.items():
        e = transparency_effect(sma, ask, vote_noise_scale=1.0)  # the model as specified (docs/solve.md §4)
        assert (e.justified_krw, e.win_set_transparent_krw, e.direction) == (s, w1, direction)
        assert e.belief_after_krw == pytest.approx(after, rel=1e-12)
        assert e.p_consent_transparent == pytest.approx(p1, rel=1e-9)
        clear = with_overrides(sma, ["levers.transparency=1.0", f"levers.us_ask_usd={ask!r}"])
        assert scenario_opinion(clear).justified_amount_krw == s
