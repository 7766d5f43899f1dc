r"""Transparency works both ways (DESIGN.md §4, THEORY.md §15).

For a scenario and an ask, :func:`transparency_effect` computes the Assembly's consent
probability with no itemized statement (``levers.transparency = 0``) and with a full one
(``= 1``), through the real pipeline:

1. the **justified amount** s of the ask (:func:`burdenshare.opinion.justified_amount_krw`,
   re-exported here): the first-year items of the ask (the cost model's itemisation,
   :func:`burdenshare.costs.itemise_first_year_krw`) counted at
   ``opinion.transparency.justified_share_covered`` (covered categories) and
   ``justified_share_sought`` (sought ones: out-of-area rotations, strategic assets), i.e. the
   host's share of the itemized costs under the scenario's cost-sharing principle;
2. the opinion model moves every partisan base's WTP to its credibility-weighted posterior
   (:func:`burdenshare.opinion.scenario_opinion`, which computes s from the variant's own ask:
   the variants below set ``levers.us_ask_usd`` to the ask studied; Lupia & McCubbins 1998);
3. the legislature model mixes the moved WTP into the bloc positions and gives the exact Art. 49
   consent probability (:func:`burdenshare.legislature.legislature_model`), read at the floor
   vote's noise scale :math:`\kappa` of the scenario (:mod:`burdenshare.engine.floor_vote`, the
   Assembly ``run``, ``solve`` and ``winset`` read).

Because the update moves each base's log-median toward :math:`\ln s`, transparency **raises**
consent when the justified part exceeds what the public believes and **lowers** it when the
statement exposes the ask as padded.  Which holds for a given ask is an output.  Only information
available at ``levers.as_of`` enters (the statement is public from that date).

References
----------
Lupia, A. & McCubbins, M. D. (1998). *The Democratic Dilemma*. Cambridge University Press.
Putnam, R. D. (1988). *International Organization* 42(3) (reverberation).
THEORY.md §15 (Bayesian transparency oracle: μ1 = 1.48, σ1 = 0.223607).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from burdenshare.costs import to_krw
from burdenshare.data import case, fact
from burdenshare.errors import SpecError
from burdenshare.legislature import (
    LegislatureParams,
    amount_grid,
    legislature_model,
    win_set_from_curve,
)
from burdenshare.legislature.seats import as_date
from burdenshare.legislature.winset import _duration, _kappa, _sharpened
from burdenshare.opinion.transparency import justified_amount_krw
from burdenshare.scenario import Scenario, validate_dict

__all__ = ["RECORD_ASKS", "TransparencyEffect", "justified_amount_krw", "record_asks", "transparency_effect",
           "with_overrides"]

#: The US asks of the record (``burdenshare.data.fact`` keys, USD million per year): data, in
#: :mod:`burdenshare.data.case`.
RECORD_ASKS: tuple[tuple[str, str], ...] = case.RECORD_ASKS


def with_overrides(scenario: Scenario, overrides: list[str]) -> Scenario:
    """A validated copy of ``scenario`` with ``--set``-style overrides applied."""
    return validate_dict(scenario.model_dump(mode="json", by_alias=True), overrides, source=str(scenario.name))


@dataclass(frozen=True, slots=True)
class TransparencyEffect:
    r"""Consent with no statement vs a full itemized statement, for one ask.

    Attributes
    ----------
    ask_usd, ask_krw
        The ask (dollars; won at the base year's rate).
    amount_krw
        The amount voted on (default: the ask).
    justified_krw
        The justified part s the statement reveals.
    belief_krw
        The public's prior belief about the fair amount: the median WTP of the executive's
        base (the group whose bloc is ``parties.host_executive.base_bloc``) at the date.
    belief_after_krw
        That median after the full statement.
    p_consent_opaque, p_consent_transparent
        Consent probability of ``amount_krw`` at transparency 0 and 1.
    win_set_opaque_krw, win_set_transparent_krw
        Largest amount with consent probability >= 0.5 (``None`` if empty) at 0 and 1.
    direction
        ``"raises"``, ``"lowers"`` or ``"unchanged"``: the sign of the change in the consent
        probability at the amount, or, where that is below 1e-9 (the ask is far outside the
        win-set either way), the sign of the win-set's change.
    date, duration_years
        The vote date and the deal's duration.
    vote_noise_scale
        The floor vote's noise scale :math:`\kappa` both probabilities and win-sets are read at
        (:mod:`burdenshare.engine.floor_vote`; 1: the model as specified).
    """

    ask_usd: float
    ask_krw: float
    amount_krw: float
    justified_krw: float
    belief_krw: float
    belief_after_krw: float
    p_consent_opaque: float
    p_consent_transparent: float
    win_set_opaque_krw: float | None
    win_set_transparent_krw: float | None
    direction: str
    date: dt.date
    duration_years: int
    vote_noise_scale: float = 1.0

    @property
    def padded(self) -> bool:
        """Whether the statement exposes the ask as padded (justified part below the belief)."""
        return self.justified_krw < self.belief_krw

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (base units, ``null`` when absent)."""
        return {
            "ask_usd": self.ask_usd,
            "ask_krw": self.ask_krw,
            "amount_krw": self.amount_krw,
            "justified_krw": self.justified_krw,
            "belief_krw": self.belief_krw,
            "belief_after_krw": self.belief_after_krw,
            "p_consent_opaque": self.p_consent_opaque,
            "p_consent_transparent": self.p_consent_transparent,
            "win_set_opaque_krw": self.win_set_opaque_krw,
            "win_set_transparent_krw": self.win_set_transparent_krw,
            "direction": self.direction,
            "date": self.date.isoformat(),
            "duration_years": self.duration_years,
            "vote_noise_scale": self.vote_noise_scale,
        }


def _sign(delta: float, tol: float) -> str:
    if delta > tol:
        return "raises"
    if delta < -tol:
        return "lowers"
    return "unchanged"


def transparency_effect(
    scenario: Scenario,
    ask_usd: float | None = None,
    *,
    date: dt.date | str | None = None,
    amount_krw: float | None = None,
    duration_years: int | None = None,
    params: LegislatureParams | None = None,
    vote_noise_scale: float | None = None,
) -> TransparencyEffect:
    r"""Consent probability of an ask with transparency 0 vs 1, and which way it moves.

    Parameters
    ----------
    scenario
        A validated scenario (its own ``levers.transparency`` is replaced by 0 and by 1).
    ask_usd
        The ask in dollars per year (default ``levers.us_ask_usd``); the statement itemizes it.
    date
        The vote date (default ``levers.as_of``).
    amount_krw
        The amount voted on (default the ask in won at the base year's rate).
    duration_years
        Default: the shortest allowed.
    params
        Overrides of the scenario's legislature parameters (:class:`~burdenshare.legislature.LegislatureParams`).
    vote_noise_scale
        The floor vote's noise scale :math:`\kappa` in (0, 1] (default the scenario's
        ``legislature.vote_noise_scale``, :mod:`burdenshare.engine.floor_vote`: the Assembly ``run``,
        ``solve`` and ``winset`` read).  Both variants are voted by the same Assembly, the scenario's
        (its :math:`\kappa`, not one recalibrated per variant); each consent probability :math:`C`
        is read as :math:`\Phi(\Phi^{-1}(C)/\kappa)`, which keeps its order, so the direction
        and the win-sets at 0.5 are those of the model as specified; far from the win-set the
        probabilities may round to 0 and the direction then follows the win-set.

    Returns
    -------
    TransparencyEffect

    Raises
    ------
    SpecError
        A non-positive ask or amount.
    """
    ask = float(scenario.levers.us_ask_usd if ask_usd is None else ask_usd)
    if not (math.isfinite(ask) and ask > 0):
        raise SpecError(f"got {ask_usd!r}; the ask must be a positive amount in dollars", field="ask_usd")
    cm = scenario.cost_model
    ask_krw = float(to_krw(ask, int(cm.base_year), dict(cm.exchange_rates_krw_per_usd)))
    x = ask_krw if amount_krw is None else float(amount_krw)
    if not (math.isfinite(x) and x > 0):
        raise SpecError(f"got {amount_krw!r}; a positive amount in won", field="amount_krw")
    day = scenario.levers.as_of if date is None else as_date(date)
    dur = _duration(scenario, duration_years)
    s = justified_amount_krw(scenario, ask)
    opaque = with_overrides(scenario, ["levers.transparency=0.0", f"levers.us_ask_usd={ask!r}"])
    clear = with_overrides(scenario, ["levers.transparency=1.0", f"levers.us_ask_usd={ask!r}"])
    grid = amount_grid(scenario)
    kappa = _kappa(scenario, vote_noise_scale)
    out = {}
    for key, variant in (("opaque", opaque), ("clear", clear)):
        model = legislature_model(variant, day, params=params)
        p = float(_sharpened(model.consent_probability([x], dur), kappa)[0])
        w = win_set_from_curve(day, 0.5, dur, grid, _sharpened(model.consent_probability(grid, dur), kappa),
                               vote_noise_scale=kappa)
        base = scenario.parties.host_executive.base_bloc
        i = model.blocs.index(base) if base in model.blocs else 0
        out[key] = (p, w.max_amount_krw, float(model.wtp_krw[i]))
    p0, w0, b0 = out["opaque"]
    p1, w1, b1 = out["clear"]
    direction = _sign(p1 - p0, 1e-9)
    if direction == "unchanged":
        direction = _sign((w1 or 0.0) - (w0 or 0.0), 0.5)
    return TransparencyEffect(ask, ask_krw, x, s, b0, b1, p0, p1, w0, w1, direction, day, dur, kappa)


def record_asks(scenario: Scenario, **options: Any) -> list[tuple[str, str, TransparencyEffect]]:
    """:func:`transparency_effect` at each US ask of the record (:data:`RECORD_ASKS`).

    Returns
    -------
    list of (fact key, label, TransparencyEffect)
    """
    rows = []
    for key, label in RECORD_ASKS:
        usd = float(fact(key).value) * 1e6
        rows.append((key, label, transparency_effect(scenario, usd, **options)))
    return rows
