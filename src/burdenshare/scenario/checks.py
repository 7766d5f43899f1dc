"""Cross-field checks of a scenario that the field types alone cannot express (issue 13).

``scenarios validate`` and every command that loads a scenario run them (through
:func:`burdenshare.scenario.io.load_scenario`), so ``validate`` accepts exactly what ``run`` can
run and a refused scenario names the user's field, never an internal one:

* ``opinion.polls``: each id is a poll of the bundled data (``polls.csv``), listed once, and the
  whole-public poll the willingness-to-pay fit needs (``burdenshare.data.poll_items.STAGE1``) is
  among them when any poll is listed (no polls: the documented wide prior);
* ``events.N.parameters``: the engine reads parameters of ``furlough`` events only, and only
  :data:`FURLOUGH_PARAMETERS` (counts positive, days non-negative, dates dates); every other
  kind carries at most :data:`MAX_DESCRIPTIVE_PARAMETERS` descriptive entries;
* amounts in US dollars (``levers.us_ask_usd``, ``opinion.anchor_ask_usd``) at most
  :data:`MAX_ASK_USD` a year (a larger one overflows the opinion model's log scale);
* the poll anchors of the willingness-to-pay fit are ordered: ``cost_model.current_agreement_krw``
  below KRW 2 tn and ``opinion.anchor_ask_usd`` above KRW 3 tn (docs/opinion.md).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from burdenshare.data import poll_items

__all__ = ["FURLOUGH_PARAMETERS", "MAX_ASK_USD", "MAX_DESCRIPTIVE_PARAMETERS", "scenario_checks"]

#: The parameters of a ``furlough`` event the model reads, and what each allows.
FURLOUGH_PARAMETERS: dict[str, str] = {
    "workers": "a positive number (furloughed employees)",
    "workforce": "a positive number (employees paid under the agreement)",
    "notice_date": "a date YYYY-MM-DD (the furlough notice)",
    "counter_move_days": "an integer 0..3650 (days until the host pays the workers itself)",
}
#: Descriptive parameters allowed on an event of another kind (the model reads none of them).
MAX_DESCRIPTIVE_PARAMETERS: int = 16
#: Largest yearly amount in US dollars a scenario may name (USD 1 trillion: more than the US
#: defence budget; the 2020 ask was USD 5 bn).
MAX_ASK_USD: float = 1e12
#: The poll the willingness-to-pay fit is anchored on (docs/opinion.md).
ANCHOR_POLL: str = poll_items.STAGE1.poll_id


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _iso_date(value: Any) -> bool:
    """ISO text ``YYYY-MM-DD`` (a scenario's JSON form: dates travel as text, as in the date fields)."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _furlough_problem(key: str, value: Any) -> str | None:
    if key in ("workers", "workforce"):
        ok = _is_number(value) and value > 0
    elif key == "notice_date":
        ok = (isinstance(value, dt.date) and not isinstance(value, dt.datetime)) or _iso_date(value)
    else:  # counter_move_days
        ok = not isinstance(value, bool) and isinstance(value, int) and 0 <= value <= 3650
    if ok:
        return None
    shown = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return f"got {shown}; allowed: {FURLOUGH_PARAMETERS[key]}"


def scenario_checks(scenario: Any) -> tuple[str, str] | None:
    """The first cross-field problem of a validated scenario as ``(field, message)``, or None."""
    from burdenshare.data.polls import poll_ids

    known = set(poll_ids())
    polls = list(scenario.opinion.polls)
    seen: set[str] = set()
    for i, pid in enumerate(polls):
        if pid not in known:
            return f"opinion.polls.{i}", f"unknown poll {pid!r}; allowed: {', '.join(sorted(known))} (polls.csv)"
        if pid in seen:
            return f"opinion.polls.{i}", f"poll {pid!r} is listed twice; list each poll once"
        seen.add(pid)
    if polls and not any(p.startswith(ANCHOR_POLL) for p in polls):
        return ("opinion.polls", f"the willingness-to-pay fit needs the whole-public poll {ANCHOR_POLL}; add it "
                "(or list no polls: the documented wide prior)")
    for i, ev in enumerate(scenario.events):
        params = dict(ev.parameters)
        if ev.kind == "furlough":
            for key, value in params.items():
                if key not in FURLOUGH_PARAMETERS:
                    return (f"events.{i}.parameters.{key}",
                            f"unknown parameter of a furlough event; allowed: {', '.join(FURLOUGH_PARAMETERS)}")
                problem = _furlough_problem(key, value)
                if problem is not None:
                    return f"events.{i}.parameters.{key}", problem
        elif len(params) > MAX_DESCRIPTIVE_PARAMETERS:
            return (f"events.{i}.parameters", f"{len(params)} entries; allowed: at most {MAX_DESCRIPTIVE_PARAMETERS} "
                    f"descriptive entries on a {ev.kind!r} event (the model reads parameters of furlough events only)")
    for field, value in (("levers.us_ask_usd", scenario.levers.us_ask_usd),
                         ("opinion.anchor_ask_usd", scenario.opinion.anchor_ask_usd)):
        if value is not None and float(value) > MAX_ASK_USD:
            return field, f"got {float(value):.15g}; allowed: at most {MAX_ASK_USD:.15g} USD a year"
    if not polls:  # no poll: the wide prior (opinion.from_scenario.prior_wtp) has no answer bands to anchor
        return None
    # the willingness-to-pay fit anchors the poll's answer bands (docs/opinion.md): today's amount
    # below the lowest band, the anchor ask above the highest at the poll year's rate
    from burdenshare.opinion._data import krw_per_usd

    item = poll_items.STAGE1
    rate = krw_per_usd(item.anchor_year)
    low, high = item.band_low_krw, item.band_high_krw
    if not float(scenario.opinion.anchor_ask_usd) * rate > high:
        return ("opinion.anchor_ask_usd", f"got {float(scenario.opinion.anchor_ask_usd):.4g}; the poll's answer "
                f"bands need an anchor ask above KRW {high / 1e12:g} tn: more than USD {high / rate:.4g} "
                f"({item.anchor_year} rate)")
    if not float(scenario.cost_model.current_agreement_krw) < low:
        return ("cost_model.current_agreement_krw", f"got {float(scenario.cost_model.current_agreement_krw):.4g}; "
                f"the poll's answer bands need today's amount below KRW {low / 1e12:g} tn")
    return None
