r"""Coercion (furlough / drawdown threats), reverberation and dated opinion shocks.

**Pressure.**  A coercive action is a dated event :math:`e` with magnitude :math:`m_e`
(pressure units; 1 = the reference action, e.g. the 1 April 2020 furlough of ~4,000 workers;
a negative magnitude is a counter-move such as Seoul funding the workers) that decays with
half-life :math:`h_e` (:math:`\lambda_e = \ln 2 / h_e`; :math:`h_e = \infty` never decays).
Pressure at date :math:`t` is a sum of rally-form terms (Mueller 1970; THEORY.md §15):

.. math::

    A(t) = A_0 + \Delta\,e^{-\lambda (t - t_0)}\,\mathbf 1[t \ge t_0],\qquad
    p(t) = \sum_e m_e\,e^{-\lambda_e (t - t_e)}\,\mathbf 1[t \ge t_e].

**Two effects, both parameters** (the record shows both signs):

(a) *cost of no deal* :math:`\beta \ge 0` (``no_deal_cost``): pressure makes no deal costlier,
    so a given amount is accepted by more people;
(b) *reverberation* :math:`\rho` (``reverberation``; Putnam 1988): :math:`\rho < 0` backlash
    (opinion hardens), :math:`\rho > 0` persuasion.

Each event feeds one or both channels (``channel``).  On the **log scale** (default)

.. math::

    \ln WTP' = \ln WTP + \beta\,p_{\text{cost}}(t) + \rho_g\,p_{\text{rev}}(t),

i.e. :math:`\mu_g` shifts and every quantile is multiplied by the same factor; on the
**level scale** :math:`WTP' = WTP + \beta\,p_{\text{cost}}(t) + \rho_g\,p_{\text{rev}}(t)` with
:math:`\beta, \rho` in won per pressure unit (THEORY.md §15's literal form; the WTP model
carries the displacement as ``shift_krw``); on the **proportional scale** (the scenario
schema's ``backlash_rho`` form) :math:`WTP' = WTP\,(1 + \beta p_{\text{cost}} + \rho_g p_{\text{rev}})`,
i.e. :math:`\mu_g \mathrel{+}= \ln(1 + \beta p_{\text{cost}} + \rho_g p_{\text{rev}})` (the factor must
stay > 0).  :math:`\rho` may differ by group.

**Opinion shocks** (:class:`OpinionShock`) are other dated events (a scandal, a rally round
the flag) that shift log-WTP directly in the same rally form.

References
----------
.. [Putnam1988] Putnam, R. D. (1988). "Diplomacy and domestic politics: the logic of
   two-level games". *International Organization* 42(3), 427-460 ("reverberation").
.. [Mueller1970] Mueller, J. E. (1970). "Presidential popularity from Truman to Johnson".
   *American Political Science Review* 64(1), 18-34.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from burdenshare.errors import SpecError
from burdenshare.opinion.wtp import WTPModel, _per_group
from burdenshare.theory.opinion import rally_approval

Channel = Literal["both", "no_deal_cost", "reverberation"]
Scale = Literal["log", "level", "proportional"]


def decay_rate(half_life_days: float) -> float:
    """:math:`\\lambda = \\ln 2 / h` per day (0 for an infinite half-life)."""
    if not (half_life_days > 0):
        raise SpecError(f"half_life_days must be > 0, got {half_life_days}", field="half_life_days")
    return 0.0 if math.isinf(half_life_days) else math.log(2.0) / half_life_days


def rally(t: float, *, t0: float, delta: float, decay: float, baseline: float = 0.0) -> float:
    r"""Rally form :math:`A(t) = A_0 + \Delta e^{-\lambda (t - t_0)} \mathbf 1[t \ge t_0]`.

    Parameters
    ----------
    t, t0
        Time and event time (same unit, e.g. days).
    delta
        Jump :math:`\Delta` at :math:`t_0`.
    decay
        :math:`\lambda \ge 0` per time unit (half-life :math:`\ln 2/\lambda`).
    baseline
        :math:`A_0`.

    Examples
    --------
    >>> rally(10.0, t0=0.0, delta=2.0, decay=math.log(2) / 10.0)
    1.0
    >>> rally(-1.0, t0=0.0, delta=2.0, decay=0.1, baseline=0.5)
    0.5
    """
    if not (decay >= 0 and math.isfinite(decay)):
        raise SpecError(f"decay must be finite and >= 0, got {decay}", field="decay")
    return float(rally_approval(t, baseline, delta, decay, onset=t0))


@dataclass(frozen=True, slots=True)
class PressureEvent:
    """A dated coercive action (or counter-move, with a negative magnitude).

    Parameters
    ----------
    date
        Date the action takes effect (e.g. ``date(2020, 4, 1)`` for the furlough).
    magnitude
        Pressure units (1 = reference action).
    half_life_days
        Half-life of its effect; ``inf`` = permanent while the model runs.
    channel
        ``"both"``, ``"no_deal_cost"`` or ``"reverberation"``.
    label
        Free text for reports.
    """

    date: dt.date
    magnitude: float = 1.0
    half_life_days: float = math.inf
    channel: Channel = "both"
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.date, dt.date):
            raise SpecError("date must be a datetime.date", field="date")
        if not math.isfinite(self.magnitude):
            raise SpecError("magnitude must be finite", field="magnitude")
        decay_rate(self.half_life_days)
        if self.channel not in ("both", "no_deal_cost", "reverberation"):
            raise SpecError(f"unknown channel {self.channel!r}", field="channel")

    def at(self, date: dt.date) -> float:
        """This event's pressure on ``date`` (rally form, 0 before the event)."""
        t = float((_as_date(date) - self.date).days)
        return rally(t, t0=0.0, delta=self.magnitude, decay=decay_rate(self.half_life_days))


@dataclass(frozen=True, slots=True)
class OpinionShock:
    r"""A dated direct shift of log-WTP (rally round the flag, scandal, ...).

    Parameters
    ----------
    date
        Date of the shock.
    log_shift
        Jump of :math:`\mu_g` (one number, or per group; missing groups 0).
    half_life_days
        Decay half-life (``inf`` = permanent).
    label
        Free text.
    scale
        ``"log"``: :math:`\mu_g \mathrel{+}= k(t)\,\text{shift}`; ``"proportional"`` (the scenario
        schema's ``wtp_shift_share``): :math:`WTP \to WTP\,(1 + k(t)\,\text{shift})`, with
        :math:`k(t)` the rally decay factor.
    """

    date: dt.date
    log_shift: float | Mapping[str, float] = field(default=0.0, hash=False)
    half_life_days: float = math.inf
    label: str = ""
    scale: Literal["log", "proportional"] = "log"

    def __post_init__(self) -> None:
        if not isinstance(self.date, dt.date):
            raise SpecError("date must be a datetime.date", field="date")
        decay_rate(self.half_life_days)
        if self.scale not in ("log", "proportional"):
            raise SpecError(f"scale must be 'log' or 'proportional', got {self.scale!r}", field="scale")

    def factor(self, date: dt.date) -> float:
        """Decay factor :math:`e^{-\\lambda(t - t_0)}\\mathbf 1[t \\ge t_0]` on ``date``."""
        t = float((_as_date(date) - self.date).days)
        return rally(t, t0=0.0, delta=1.0, decay=decay_rate(self.half_life_days))


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise SpecError(f"expected a datetime.date, got {value!r}", field="date")
    return value


def pressure_at(events: Iterable[PressureEvent], date: dt.date, channel: Channel = "both") -> float:
    """Total pressure on ``date`` from the events feeding ``channel``.

    ``channel="no_deal_cost"`` sums events whose channel is that or ``"both"``; likewise for
    ``"reverberation"``; ``"both"`` sums all events.
    """
    total = 0.0
    for e in events:
        if channel == "both" or e.channel in ("both", channel):
            total += e.at(date)
    return total


@dataclass(frozen=True, slots=True)
class CoercionParams:
    """Effect sizes of coercion (assumptions; both signs are in the record).

    Parameters
    ----------
    no_deal_cost
        :math:`\\beta \\ge 0`: log-WTP shift (log scale) or won (level scale) per unit of
        no-deal pressure.
    reverberation
        :math:`\\rho`: per unit of pressure, < 0 backlash, > 0 persuasion; one number or
        ``{group: rho}`` (missing groups 0).
    scale
        ``"log"`` (default), ``"level"`` (won per unit) or ``"proportional"``.
    """

    no_deal_cost: float = 0.0
    reverberation: float | Mapping[str, float] = field(default=0.0, hash=False)
    scale: Scale = "log"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.no_deal_cost) and self.no_deal_cost >= 0):
            raise SpecError(f"no_deal_cost must be >= 0, got {self.no_deal_cost}", field="no_deal_cost")
        if self.scale not in ("log", "level", "proportional"):
            raise SpecError(f"scale must be 'log', 'level' or 'proportional', got {self.scale!r}", field="scale")
        vals = self.reverberation.values() if isinstance(self.reverberation, Mapping) else [self.reverberation]
        if not all(math.isfinite(float(v)) for v in vals):
            raise SpecError("reverberation must be finite", field="reverberation")


def coercion_shift(
    groups: tuple[str, ...], date: dt.date, events: Iterable[PressureEvent], params: CoercionParams
) -> dict[str, float]:
    r"""Per-group shift :math:`\beta p_{\text{cost}}(t) + \rho_g p_{\text{rev}}(t)` on ``date``."""
    events = tuple(events)
    p_cost = pressure_at(events, date, "no_deal_cost")
    p_rev = pressure_at(events, date, "reverberation")
    rho = _per_group(params.reverberation, groups, "reverberation")
    return {g: params.no_deal_cost * p_cost + rho[g] * p_rev for g in groups}


def apply_coercion(
    model: WTPModel, date: dt.date, events: Iterable[PressureEvent], params: CoercionParams
) -> WTPModel:
    """Shift every group's WTP by the coercion effects on ``date`` (log or level scale).

    Returns the model unchanged when all shifts are 0.
    """
    shift = coercion_shift(model.group_names, date, events, params)
    if all(v == 0.0 for v in shift.values()):
        return model
    move = f"coercion on {_as_date(date).isoformat()} ({params.scale} scale): " + ", ".join(
        f"{g}={v:+.4g}" for g, v in shift.items()
    )
    if params.scale == "log":
        return model.with_log_shift(shift, move)
    if params.scale == "proportional":
        return _proportional(model, shift, move)
    return model.with_level_shift(shift, move)


def _proportional(model: WTPModel, change: Mapping[str, float], move: str) -> WTPModel:
    """Multiply every WTP of group g by ``1 + change[g]`` (mu and the level shift scale)."""
    new = []
    for g in model.groups:
        k = 1.0 + change[g.name]
        if not k > 0:
            raise SpecError(
                f"proportional shift makes WTP of {g.name!r} non-positive (factor {k:.4g})", field="reverberation"
            )
        if k != 1.0:
            new.append(replace(g, mu=g.mu + math.log(k), shift_krw=g.shift_krw * k))
    return model.with_groups(new, move)


def apply_shocks(model: WTPModel, date: dt.date, shocks: Iterable[OpinionShock]) -> WTPModel:
    """Apply the dated :class:`OpinionShock` events in force on ``date`` (log scale)."""
    total = {g: 0.0 for g in model.group_names}
    labels = []
    for s in shocks:
        k = s.factor(date)
        if k == 0.0:
            continue
        per = _per_group(s.log_shift, model.group_names, "log_shift")
        for g in total:
            if s.scale == "log":
                total[g] += k * per[g]
            else:
                factor = 1.0 + k * per[g]
                if not factor > 0:
                    raise SpecError(f"shock makes WTP of {g!r} non-positive", field="log_shift")
                total[g] += math.log(factor)
        labels.append(s.label or s.date.isoformat())
    if all(v == 0.0 for v in total.values()):
        return model
    return model.with_log_shift(total, "shocks " + ", ".join(labels))
