r"""The bottom line of a run, computed once: what is likely, when, for how much, and which levers move it.

:func:`bottom_line` turns a :class:`~burdenshare.engine.RunResult` into a :class:`BottomLine`: the
run summary (terminal), the report's opening section, the notebook display, ``run --json``
(``"bottom_line"``) and the web dashboard all show this one object, so they never disagree.

Definitions (all from the run's own draws; the numbers equal the summary's):

* ``p_ratified`` - :meth:`~burdenshare.engine.RunResult.summary`'s ``p_ratified``: the share of
  draws in which a signed text obtains the Assembly's consent by ``protocol.horizon``;
* ``p_no_deal_by_horizon`` = 1 - ``p_ratified``: no ratified agreement by the named horizon
  (``horizon``, the scenario's ``protocol.horizon``);
* ``most_likely`` - the likeliest of three mutually exclusive outcomes by the horizon: a ratified
  agreement, a text signed but never ratified, no signed text;
* ``window`` - the calendar dates of the rounds in which the 10th and the 90th percentile of the
  ratified signings fall (the scenario's round dates, :meth:`~burdenshare.scenario.Scenario.round_dates`;
  the summary's ``rounds_to_agreement`` counts the same rounds from 1);
* ``amount_krw`` - the median first-year amount of ratified agreements (the summary's
  ``amount_first_year_krw.p50``); ``amount_usd`` - the same at the base year's rate
  (``cost_model.exchange_rates_krw_per_usd``, :func:`burdenshare.costs.krw_per_usd`);
  ``increase_pct`` - the summary's ``increase_pct.p50``, the change from today's contribution
  (``cost_model.current_agreement_krw``);
* ``drivers`` - the levers that move P(ratified) most, from a **tornado** of one-at-a-time lever
  changes (:func:`tornado`): each lever is moved to each of its documented steps
  (:data:`LEVER_STEPS`) with every other input kept, and the change is measured as a **paired
  difference on common draws** (the same seed and draw indices: the first ``n`` draws of the run,
  ``n = min(draws, TORNADO_DRAWS)``, on the first ``min(bank_size, TORNADO_BANK)`` members of the
  run's Level-II bank) through :func:`burdenshare.engine.simulate` and
  :func:`burdenshare.analysis.compare.differences`, the path of ``burdenshare compare``.  A lever's
  effect is its step with the largest absolute change; the drivers are the levers whose effect is
  non-zero, largest first, at most three.

Cost: one ``simulate`` of ``n`` draws per step (six steps at most); measured for ``sma-2020-hindsight`` at
10,000 draws, about 10 s on a loaded 2-core machine, almost all of it the two consent banks that
must be rebuilt (transparency and the furlough move Level II); the kernel runs take well under a
second.  The Level-II consent bank
(:mod:`burdenshare.engine.consent`) is reused where a step does not touch Level II: the ask at
``levers.transparency = 0`` (the ask reaches opinion only through the itemized statement,
:mod:`burdenshare.opinion.from_scenario`), and a change of ``levers.allowed_durations`` (the
tables of the remaining durations are the same; the bank is sliced).  Other steps rebuild it.

When a lever changes nothing (every draw's outcome is identical), :func:`why_no_effect` says
why, from the model: the notes travel with the bottom line (``notes``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.analysis.compare import differences
from burdenshare.analysis.glossary import GLOSSARY
from burdenshare.costs import krw_per_usd
from burdenshare.engine.draws import DrawLayout
from burdenshare.engine.plan import relative_times
from burdenshare.engine.prepare import Prepared, check_run, prepare
from burdenshare.engine.record_vote import record_conditioned, specified_table
from burdenshare.engine.run import RunResult, simulate
from burdenshare.errors import ScenarioError, SpecError

__all__ = ["DRIVERS_PENDING", "GLOSSARY", "LEVER_STEPS", "TORNADO_BANK", "TORNADO_DRAWS", "run_summary", "BottomLine", "Driver", "bottom_line", "tornado",
           "why_no_effect"]

#: Draws of each tornado step: the first ``min(draws, TORNADO_DRAWS)`` draws of the run (common draws).
TORNADO_DRAWS: int = 4096
#: Level-II bank members of the tornado's steps: the run's first ``min(bank_size, TORNADO_BANK)``
#: members (one point of each of 8 of the bank's 16 scrambled Sobol' replicates), for the baseline and every
#: step alike, so the differences stay paired while a step that moves Level II builds 8 members, not 64.
TORNADO_BANK: int = 8

#: The lever steps of the tornado (one at a time, from the run's own settings).
LEVER_STEPS: dict[str, str] = {
    "levers.transparency": "to 0 and to 1 (no itemized statement; a fully itemized one), where different from now",
    "levers.us_ask_usd": "to half the ask and to 1.5 times the ask, capped at the amount grid's top (left out when "
                         "the cap leaves less than a 10 % step)",
    "levers.furlough_from": "to 'none' (no furlough) when a furlough date is set",
    "levers.allowed_durations": "to [1] (single-year agreements only), or to [1, 2, 3, 4, 5] when only 1 is allowed",
}

@dataclass(frozen=True)
class Driver:
    """One lever's tornado bar (:func:`tornado`).

    Attributes
    ----------
    lever
        Dotted path (``levers.transparency``).
    steps
        ``[{"setting", "override", "p_ratified", "lo", "hi", "increase_pct", "common_draws"}]``: the
        paired mean change of P(ratified) with its 95 % interval, and the change of the median
        increase over today (percentage points; ``None`` when no draw is ratified in both runs).
    effect
        The change of P(ratified) of the step with the largest absolute change.
    setting
        That step's setting, as a phrase (``"0 -> 1"``).
    note
        Why the lever changes nothing, when it does not (:func:`why_no_effect`), else ``""``.
    """

    lever: str
    steps: tuple[dict[str, Any], ...]
    effect: float
    setting: str
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """``{"lever", "effect", "setting", "steps", "note"}``."""
        return {"lever": self.lever, "effect": self.effect, "setting": self.setting, "steps": list(self.steps),
                "note": self.note}


@dataclass(frozen=True)
class BottomLine:
    """The bottom line of a run (module docstring for each field)."""

    text: str
    most_likely: str
    window: tuple[str, str] | None
    currency: str
    amount: float | None
    amount_usd: float | None
    increase_pct: float | None
    p_ratified: float
    p_no_deal_by_horizon: float
    horizon: str
    drivers: tuple[Driver, ...]
    tornado: tuple[Driver, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    tornado_draws: int = 0

    def to_json(self) -> dict[str, Any]:
        """``{"text", "most_likely", "window", "amount_<currency>", "amount_usd", "increase_pct", "p_ratified",
        "p_no_deal_by_horizon", "horizon", "drivers": [{"lever", "effect", ...}], "tornado", "notes",
        "tornado_draws"}``."""
        return {
            "text": self.text, "most_likely": self.most_likely,
            "window": None if self.window is None else list(self.window),
            f"amount_{self.currency.lower()}": self.amount, "amount_usd": self.amount_usd,
            "increase_pct": self.increase_pct, "p_ratified": self.p_ratified,
            "p_no_deal_by_horizon": self.p_no_deal_by_horizon, "horizon": self.horizon,
            "drivers": [d.to_json() for d in self.drivers], "tornado": [d.to_json() for d in self.tornado],
            "notes": list(self.notes), "tornado_draws": self.tornado_draws,
        }

    def _repr_html_(self) -> str:
        rows = "".join(f"<li><code>{html.escape(d.lever)}</code> {html.escape(d.setting)}: P(ratified) "
                       f"{d.effect:+.3f}</li>" for d in self.drivers)
        notes = "".join(f"<p><i>{html.escape(n)}</i></p>" for n in self.notes)
        return f"<div><p><b>Bottom line.</b> {html.escape(self.text)}</p><ul>{rows}</ul>{notes}</div>"


# --------------------------------------------------------------------------- the tornado


def _fmt_setting(path: str, value: Any) -> str:
    if path == "levers.us_ask_usd":
        return f"USD {float(value) / 1e9:,.2f} bn"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _steps(scenario: Any) -> list[tuple[str, str, Any]]:
    """``(lever, override text, value)`` of every tornado step at the scenario's settings."""
    lev = scenario.levers
    out: list[tuple[str, str, Any]] = []
    for tau in (0.0, 1.0):
        if float(lev.transparency) != tau:
            out.append(("levers.transparency", f"levers.transparency={tau}", tau))
    ask = float(lev.us_ask_usd)
    cm = scenario.cost_model
    top_usd = float(scenario.agreement_space.amount_max_krw) / krw_per_usd(int(cm.base_year),
                                                                              dict(cm.exchange_rates_krw_per_usd))
    for v in (0.5 * ask, min(1.5 * ask, math.floor(top_usd / 1e6) * 1e6)):
        if abs(v - ask) > 0.1 * ask:  # a step cut to less than 10 % by the grid's top is left out
            out.append(("levers.us_ask_usd", f"levers.us_ask_usd={v!r}", v))
    if lev.furlough_from != "none":
        out.append(("levers.furlough_from", "levers.furlough_from='none'", "none"))
    durs = list(lev.allowed_durations)
    new = [1, 2, 3, 4, 5] if durs == [1] else [1]
    out.append(("levers.allowed_durations", f"levers.allowed_durations={new}", new))
    return out


def _with_override(scenario: Any, path: str, value: Any) -> Any:
    """The scenario with one lever set (validated like ``--set``)."""
    from burdenshare.scenario.schema import Scenario

    data = scenario.model_dump(mode="python", by_alias=True)
    data["levers"][path.split(".", 1)[1]] = value
    return Scenario.model_validate(data)


def bank_prefix(bank: Any, k: int) -> Any:
    """The first ``k`` members of a consent bank: the bank :func:`~burdenshare.engine.prepare.prepare`
    builds with ``bank_size = k`` for the same scenario and seed (the members are a prefix of a larger
    bank's, :mod:`burdenshare.engine.bank_sampling`)."""
    size = int(bank.table.shape[0])
    if k >= size:
        return bank
    changes = {f.name: np.ascontiguousarray(getattr(bank, f.name)[:k]) for f in dataclasses.fields(bank)
               if isinstance(getattr(bank, f.name), np.ndarray) and getattr(bank, f.name).ndim >= 1
               and getattr(bank, f.name).shape[0] == size}
    return dataclasses.replace(bank, **changes)


def _prepared_for(base: Prepared, scenario: Any, path: str, config: Any) -> Prepared:
    """The setup of a step: the base's consent bank where the step does not touch Level II."""
    if path == "levers.us_ask_usd" and float(scenario.levers.transparency) == 0.0:
        plan = check_run(scenario)
        if plan.round_dates == base.plan.round_dates and np.array_equal(plan.durations, base.plan.durations):
            return record_conditioned(Prepared(scenario, config, plan, base.bank, DrawLayout.from_scenario(scenario, plan.n_rounds)))
    if path == "levers.allowed_durations":
        plan = check_run(scenario)
        old = base.plan.durations.tolist()
        if plan.round_dates == base.plan.round_dates and all(m in old for m in plan.durations.tolist()):
            idx = [old.index(m) for m in plan.durations.tolist()]
            b = base.bank
            bank = dataclasses.replace(b, table=np.ascontiguousarray(specified_table(b)[:, :, idx, :]),
                                       winset=np.ascontiguousarray(b.winset[:, :, idx]), specified=None)
            return record_conditioned(Prepared(scenario, config, plan, bank, DrawLayout.from_scenario(scenario, plan.n_rounds)))
    return prepare(scenario, config)


def _median_increase(o: dict[str, NDArray[Any]], current: float) -> float | None:
    x = o["amount_krw"][o["ratified"] == 1]
    return None if x.size == 0 else float(100.0 * (np.median(x) / current - 1.0))


def tornado(result: RunResult, *, draws: int = TORNADO_DRAWS) -> tuple[Driver, ...]:
    """One-at-a-time lever changes as paired differences on common draws (module docstring).

    Parameters
    ----------
    result
        A run (with its scenario and config: :func:`~burdenshare.engine.simulate` gives both).
    draws
        Draws per step: the first ``min(result.draws, draws)`` draws of the run.

    Returns
    -------
    tuple of Driver
        One per lever with at least one step, in :data:`LEVER_STEPS` order.

    Raises
    ------
    SpecError
        The result carries no scenario or config.
    """
    sc, cfg = result._scenario_obj, result.config
    if sc is None or cfg is None:
        raise SpecError("the run result carries no scenario or config", field="result")
    n = min(int(result.draws), int(draws))
    k = min(int(cfg.bank_size), TORNADO_BANK)
    config = dataclasses.replace(cfg, draws=n, bank_size=k)
    base_prep = Prepared(sc, config, result.plan, bank_prefix(result.bank, k),
                         DrawLayout.from_scenario(sc, result.plan.n_rounds))
    if k != int(cfg.bank_size):  # a calibrated threshold is the smaller bank's, as in the steps' prepare()
        base_prep = record_conditioned(base_prep)
    if k == int(cfg.bank_size):
        base = {key: v[:n] for key, v in result.outcomes.items()}  # draw i is the same whatever the run's size
    else:  # the same draws on the bank's first k members (a bank of k is the prefix of a larger one)
        base = simulate(sc, config, prepared=base_prep, keep_rows=False).outcomes
    current = result.plan.current_agreement_krw
    inc0 = _median_increase(base, current)
    by_lever: dict[str, list[dict[str, Any]]] = {}
    for path, text, value in _steps(sc):
        try:
            var_sc = _with_override(sc, path, value)
            prep = _prepared_for(base_prep, var_sc, path, config)
        except (ScenarioError, SpecError, ValueError):
            continue  # a step the engine cannot play at these settings (e.g. an ask off the grid) is left out
        var = simulate(var_sc, config, prepared=prep, keep_rows=False).outcomes
        diff = differences(base, var)["p_ratified"]
        inc1 = _median_increase(var, current)
        same = (prep.plan.n_rounds == result.plan.n_rounds
                and prep.layout.params == base_prep.layout.params)
        identical = all(np.array_equal(base[k], var[k], equal_nan=True) for k in ("agreed", "ratified", "amount_krw",
                                                                                    "signed_round", "duration_years"))
        by_lever.setdefault(path, []).append({
            "setting": f"{_fmt_setting(path, getattr(sc.levers, path.split('.', 1)[1]))} -> {_fmt_setting(path, value)}",
            "override": text, "p_ratified": float(diff["mean"]), "lo": float(diff["lo"]), "hi": float(diff["hi"]),
            "increase_pct": None if inc0 is None or inc1 is None else inc1 - inc0,
            "common_draws": bool(same), "identical": bool(identical),
            "_scenario": var_sc, "_outcomes": var})
    out = []
    for path in LEVER_STEPS:
        steps = by_lever.get(path)
        if not steps:
            continue
        best = max(steps, key=lambda s: abs(s["p_ratified"]))
        note = why_no_effect(sc, path, base, steps) if all(s["identical"] for s in steps) else ""
        if not note and path == "levers.us_ask_usd" and float(sc.levers.transparency) > 0:
            note = _ask_under_transparency(sc, steps)
        clean = tuple({k: v for k, v in s.items() if not k.startswith("_")} for s in steps)
        out.append(Driver(path, clean, float(best["p_ratified"]), str(best["setting"]), note))
    return tuple(out)


def why_no_effect(scenario: Any, path: str, base: dict[str, NDArray[Any]], steps: list[dict[str, Any]]) -> str:
    """Why moving ``path`` changed no draw's outcome, from the model (``""`` when no reason is known).

    The ask (``levers.us_ask_usd``) enters the model in two places: Level II, through the itemized
    statement only (``levers.transparency`` > 0: the statement reveals the justified part of the
    ask; at 0 opinion never sees the ask), and Level I, as the US negotiator's opening demand,
    from which the Boulware demand concedes to its reservation value by its
    ``concession_deadline`` (NegMAS relative time reaches 1 in the first round after it,
    :func:`burdenshare.engine.plan.relative_times`).  So at transparency 0 the ask can matter only
    in the rounds before that deadline; when no draw signs a text there, it changes nothing.
    """
    if path == "levers.us_ask_usd" and float(scenario.levers.transparency) == 0.0:
        us = scenario.parties.proposer.id
        deadline = scenario.strategies[us].concession_deadline
        dates = scenario.round_dates()
        t = relative_times(dates, deadline)
        early = int((t < 1.0).sum())
        first = base["first_signed_round"]
        signed_early = int(((first >= 0) & (first < early)).sum())
        when = "" if deadline is None else f" (strategies.{us}.concession_deadline {deadline.isoformat()})"
        return (f"The US ask changes nothing here: at levers.transparency = 0 no itemized statement is published, so "
                f"the ask never reaches public opinion or the Assembly; it acts only as the US negotiator's opening "
                f"demand, which concedes to the negotiator's reservation value by its concession deadline{when}. "
                f"Only the first {early} round(s) come before that deadline, and {signed_early} of "
                f"{first.size:,} draws sign a text in them. Set levers.transparency above 0 for the ask to matter.")
    return ""


def _ask_under_transparency(scenario: Any, steps: list[dict[str, Any]]) -> str:
    """Explain a larger ask raising P(ratified) under transparency (docs/opinion.md §6)."""
    from burdenshare.opinion.transparency import justified_amount_krw

    up = [s for s in steps if s["_scenario"].levers.us_ask_usd > scenario.levers.us_ask_usd]
    down = [s for s in steps if s["_scenario"].levers.us_ask_usd < scenario.levers.us_ask_usd]
    if not down or down[0]["p_ratified"] >= 0:
        if not up or up[0]["p_ratified"] <= 0:
            return ""
    s_now = justified_amount_krw(scenario)
    other = (down or up)[0]
    s_other = justified_amount_krw(other["_scenario"])
    return (f"A larger ask raises P(ratified) here because levers.transparency = {float(scenario.levers.transparency):g} "
            f"publishes an itemized statement of the ask: its justified part (KRW {s_now / 1e9:,.0f} bn at this ask, "
            f"KRW {s_other / 1e9:,.0f} bn at {other['setting'].split('-> ')[-1]}) is the signal the public updates its "
            "belief of the fair cost on, and willingness to pay is a fairness share of the believed cost "
            "(docs/opinion.md §6): a bigger itemized ask raises what the public and the Assembly accept.")


# --------------------------------------------------------------------------- the bottom line


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f} %" if x >= 0.005 or x == 0 else f"{100.0 * x:.1f} %"


#: The key an interim bottom line carries (``run_summary(result, drivers=False)``): its drivers are not computed yet.
DRIVERS_PENDING: str = "drivers_pending"


def run_summary(result: RunResult, *, drivers: bool = True) -> dict[str, Any]:
    """The summary a run is recorded and shown with: :meth:`RunResult.summary` plus its
    ``"bottom_line"`` (:func:`bottom_line`, with the drivers), computed once per result and cached
    with it, so the CLI, the store and the web API give the same object value for value.

    ``drivers=False`` gives the **interim** summary the web server shows first (the tornado is the
    bottom line's costly part, :func:`tornado`): every value of the full summary except the bottom
    line's drivers, its tornado, its notes and the sentence naming the drivers -- the bottom line
    of :func:`bottom_line` with ``drivers=False`` (``"drivers": []``, ``"tornado": []``,
    ``"tornado_draws": 0``), marked ``"drivers_pending": true`` (:data:`DRIVERS_PENDING`) so no
    reader takes it for "no lever moves it".  The full summary replaces it when the drivers are
    computed; only the full one equals ``burdenshare run --json``.
    """
    import copy

    if not drivers and "bottom_line" not in result._cache:
        summary = result.summary()
        summary["bottom_line"] = {**bottom_line(result, drivers=False).to_json(), DRIVERS_PENDING: True}
        return summary
    if "bottom_line" not in result._cache:
        result._cache["bottom_line"] = bottom_line(result).to_json()
    summary = result.summary()
    summary["bottom_line"] = copy.deepcopy(result._cache["bottom_line"])
    return summary


def bottom_line(result: RunResult, *, drivers: bool = True, tornado_draws: int = TORNADO_DRAWS) -> BottomLine:
    """The bottom line of ``result`` (module docstring).

    Parameters
    ----------
    result
        A run with its scenario (:func:`~burdenshare.engine.simulate`, or rebuilt from the store).
    drivers
        Run the tornado (:func:`tornado`) for the drivers (``False``: none, no extra simulation).
    tornado_draws
        Draws per tornado step.

    Returns
    -------
    BottomLine

    Examples
    --------
    >>> from burdenshare import load_scenario, simulate
    >>> b = bottom_line(simulate(load_scenario("sma-2020-hindsight"), draws=2048, seed=0), drivers=False)
    >>> b.horizon, round(b.p_ratified + b.p_no_deal_by_horizon, 12)
    ('2021-03-31', 1.0)
    """
    sc = result._scenario_obj
    if sc is None:
        raise SpecError("the run result carries no scenario", field="result")
    from burdenshare.data import using
    from burdenshare.scenario.vintage import vintage_view

    with using(vintage_view(sc)):  # rates and every other read: the data known on the scenario's as_of
        return _bottom_line(result, sc, drivers=drivers, tornado_draws=tornado_draws)


def _bottom_line(result: RunResult, sc: Any, *, drivers: bool, tornado_draws: int) -> BottomLine:
    s = result.summary()
    o = result.outcomes
    rat = o["ratified"] == 1
    p_rat = float(s["p_ratified"])
    p_signed_only = float(s["p_agreement"]) - p_rat
    p_none = 1.0 - float(s["p_agreement"])
    horizon = sc.protocol.horizon.isoformat()
    dates = result.plan.round_dates
    window: tuple[str, str] | None = None
    if rat.any():
        k = np.sort(o["signed_round"][rat])
        lo = int(k[int(math.floor(0.1 * (k.size - 1)))])
        hi = int(k[int(math.ceil(0.9 * (k.size - 1)))])
        window = (dates[lo].isoformat(), dates[hi].isoformat())
    cm = sc.cost_model
    rate = krw_per_usd(int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))
    amt = s["amount_first_year_krw"]
    amount = None if amt is None else float(amt["p50"])
    amount_usd = None if amount is None else amount / rate
    inc = None if s["increase_pct"] is None else float(s["increase_pct"]["p50"])
    outcomes = [(p_rat, "a ratified agreement"), (p_signed_only, "a text signed but not ratified"),
                (p_none, "no signed text")]
    p_top, top = max(outcomes, key=lambda t: t[0])
    most_likely = f"{top} by {horizon} ({_pct(p_top)})"
    tor = tornado(result, draws=tornado_draws) if drivers else ()
    ranked = sorted((d for d in tor if d.effect != 0.0), key=lambda d: -abs(d.effect))[:3]
    notes = tuple(d.note for d in tor if d.note)
    others = "; ".join(f"{name} {_pct(p)}" for p, name in outcomes if name != top)
    parts = [f"Most likely: {most_likely} (otherwise {others})."]
    if window is not None and amount is not None and amount_usd is not None and inc is not None:
        when = window[0] if window[0] == window[1] else f"between {window[0]} and {window[1]}"
        parts.append(f"If ratified, the text is most often signed {when} (80 % of ratified draws), at a median "
                     f"first-year KRW {amount / 1e9:,.0f} bn (USD {amount_usd / 1e9:,.2f} bn), {inc:+.1f} % on today's "
                     f"KRW {result.plan.current_agreement_krw / 1e9:,.1f} bn.")
    parts.append(f"P(ratified) {p_rat:.3f}; P(no ratified deal by {horizon}) {1.0 - p_rat:.3f}.")
    if ranked:
        parts.append("Moves it most: " + "; ".join(
            f"{d.lever.split('.', 1)[1]} {d.setting} ({d.effect:+.3f})" for d in ranked) + ".")
    elif drivers:
        parts.append("No lever step changes P(ratified) at these settings.")
    return BottomLine(text=" ".join(parts), most_likely=most_likely, window=window, currency="KRW", amount=amount,
                      amount_usd=amount_usd, increase_pct=inc, p_ratified=p_rat, p_no_deal_by_horizon=1.0 - p_rat,
                      horizon=horizon, drivers=tuple(ranked), tornado=tor, notes=notes,
                      tornado_draws=min(int(result.draws), int(tornado_draws)) if drivers else 0)
