r"""The opinion state at a date: the fitted WTP moved by influence, transparency and coercion.

:func:`opinion_at` composes the parts in a fixed, documented order:

1. **Social influence** among bases (:mod:`~burdenshare.opinion.dynamics`), on the fitted
   log-medians (the bases' prejudices).
2. **Transparency** (:mod:`~burdenshare.opinion.transparency`): if an itemized statement has
   been published by ``date`` (``statement_date`` is ``None`` or on/before ``date``), each
   base updates its belief about the fair cost, whose prior is its current log-median.  Only
   information available at ``date`` enters: a statement dated later has no effect.
3. **Coercion and shocks** (:mod:`~burdenshare.opinion.coercion`): pressure events and opinion
   shocks in force on ``date`` shift willingness (not beliefs), so they are applied after the
   belief update.

Every step is a pure function of its inputs; the result is a new frozen
:class:`~burdenshare.opinion.wtp.WTPModel` whose ``moves`` list what was applied.  The
legislature reads ``share_accepting`` / ``quantile`` of a bloc's base from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from burdenshare.errors import SpecError
from burdenshare.opinion.coercion import (
    CoercionParams,
    OpinionShock,
    PressureEvent,
    _as_date,
    apply_coercion,
    apply_shocks,
)
from burdenshare.opinion.dynamics import InfluenceParams, apply_influence
from burdenshare.opinion.transparency import TransparencyParams, apply_transparency
from burdenshare.opinion.wtp import WTPModel


def opinion_at(
    model: WTPModel,
    date: dt.date,
    *,
    events: Iterable[PressureEvent | OpinionShock] = (),
    coercion: CoercionParams | None = None,
    transparency: TransparencyParams | None = None,
    justified_amount_krw: float | None = None,
    statement_date: dt.date | None = None,
    influence: InfluenceParams | None = None,
) -> WTPModel:
    """Public WTP by partisan base on ``date``.

    Parameters
    ----------
    model
        The fitted WTP model (:func:`~burdenshare.opinion.fit.fit_wtp`).
    date
        The date of the opinion state.
    events
        :class:`~burdenshare.opinion.coercion.PressureEvent` and
        :class:`~burdenshare.opinion.coercion.OpinionShock` items (any order); those dated after
        ``date`` have no effect.
    coercion
        Effect sizes of pressure; ``None`` = no effect (β = ρ = 0).
    transparency
        Transparency parameters; ``None`` = no itemized statement.
    justified_amount_krw
        Justified amount revealed by the statement (required with ``transparency``).
    statement_date
        Publication date of the statement; ``None`` = already public.
    influence
        Social-influence network; ``None`` = none.

    Returns
    -------
    WTPModel
        The moved model (the input itself when nothing applies).

    Raises
    ------
    SpecError
        If ``transparency`` is given without ``justified_amount_krw``, or on invalid inputs.

    Examples
    --------
    >>> import datetime as dt
    >>> from burdenshare.opinion import fit_wtp, PressureEvent, CoercionParams
    >>> base = fit_wtp()
    >>> furlough = PressureEvent(dt.date(2020, 4, 1), magnitude=1.0, half_life_days=30.0)
    >>> later = opinion_at(base, dt.date(2020, 4, 1), events=[furlough],
    ...                    coercion=CoercionParams(reverberation=-0.2))
    >>> later.median() < base.median()
    True
    """
    day = _as_date(date)
    events = tuple(events)
    pressure = tuple(e for e in events if isinstance(e, PressureEvent))
    shocks = tuple(e for e in events if isinstance(e, OpinionShock))
    if len(pressure) + len(shocks) != len(events):
        raise SpecError("events must be PressureEvent or OpinionShock items", field="events")
    out = model
    if influence is not None:
        out = apply_influence(out, influence)
    if transparency is not None:
        if justified_amount_krw is None:
            raise SpecError("transparency needs the justified amount (won per year)", field="justified_amount_krw")
        if statement_date is None or _as_date(statement_date) <= day:
            out = apply_transparency(out, justified_amount_krw, transparency)
    if pressure and coercion is not None:
        out = apply_coercion(out, day, pressure, coercion)
    if shocks:
        out = apply_shocks(out, day, shocks)
    return out
