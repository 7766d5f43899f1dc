r"""The report's legislature fit: the role fit with random attendance the model uses.

The run's legislature (:func:`burdenshare.legislature.legislature_model`) takes its attendance
spread and, where the scenario says ``"calibrated"``, its yes-propensities from the role fit to
the consent votes recorded before ``levers.as_of``
(:func:`burdenshare.legislature.vote_fit.fit_recorded_votes`: presence rate
:math:`\pi_v = \mu + \tau z_v`, yes given present :math:`\operatorname{expit}(\alpha + \gamma g_b)`
by government/opposition role, posterior mode with Laplace errors; docs/legislature.md §5b).
:func:`legislature_fit` gives the report that fit, the values the model at the first round date
actually uses, each recorded vote beside its in-sample prediction (present and yes, with the
predictive sd) and the leave-one-out prediction of each vote from the others
(:func:`~burdenshare.legislature.vote_fit.leave_one_out`).

A scenario that fixes the government's propensity to a number gets the fit with that value fixed
(``YesPrior(ruling_fixed=...)``, the earlier calibration), which is what its opposition
``"calibrated"`` then uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from burdenshare.legislature import legislature_model
from burdenshare.legislature.record import recorded_votes
from burdenshare.legislature.vote_fit import YesPrior, fit_recorded_votes, leave_one_out

__all__ = ["legislature_fit"]


def legislature_fit(scenario: Any, date: dt.date) -> dict[str, Any]:
    """The fit the model uses, JSON-ready (module docstring).

    Parameters
    ----------
    scenario
        The run's scenario.
    date
        A round date (the model's values shown are those at this date).

    Returns
    -------
    dict
        ``method``, ``as_of``, ``n_votes``; the fit (``attendance`` :math:`\\hat\\mu` and its
        ``attendance_se``, ``attendance_between_sd`` :math:`\\hat\\tau`, ``attendance_sd``
        :math:`\\sigma_\\pi`, ``government_yes`` / ``opposition_yes`` with ``_se``); ``model``: the
        values of the run's legislature at ``date`` (``attendance``, ``attendance_sd``,
        ``ruling_bloc``, ``government_yes``, ``opposition_yes``, ``source``); ``votes``: per
        recorded vote ``recorded`` and ``predicted`` {yes, not_yes, absent}, ``predicted_sd``
        {present, yes} and ``loo`` (present, yes and their sds from a fit to the other votes;
        ``None`` with one vote).  ``votes`` is empty and the fit ``None`` when no vote is recorded
        before ``as_of``.
    """
    leg = scenario.legislature
    as_of = scenario.levers.as_of
    role_fit = leg.ruling_yes_propensity == "calibrated"
    model = legislature_model(scenario, date)
    ruling = scenario.parties.host_executive.base_bloc
    rho = dict(zip(model.blocs, model.yes_propensity))
    presence = dict(zip(model.blocs, model.p_present))
    others = [b for b in model.blocs if b != ruling]
    used = {
        "attendance": presence.get(ruling, model.p_present[0]),
        "attendance_sd": model.attendance_sd,
        "ruling_bloc": ruling,
        "government_yes": rho.get(ruling),
        "opposition_yes": rho[others[0]] if others else None,
        "source": ("role fit (ruling_yes_propensity = \"calibrated\")" if role_fit
                   else f"ruling_yes_propensity fixed at {leg.ruling_yes_propensity}"),
    }
    votes = recorded_votes(as_of)
    out: dict[str, Any] = {
        "method": ("role fit with random attendance (burdenshare.legislature.vote_fit.fit_recorded_votes): "
                   "presence rate mu + tau z per vote; yes given present expit(alpha + gamma * government), "
                   "posterior mode with Laplace errors"),
        "as_of": as_of.isoformat(),
        "n_votes": len(votes),
        "model": used,
        "votes": [],
    }
    if not votes:
        return out | dict.fromkeys(("attendance", "attendance_se", "attendance_between_sd", "attendance_sd",
                                    "government_yes", "government_yes_se", "opposition_yes", "opposition_yes_se"))
    prior = YesPrior() if role_fit else YesPrior(ruling_fixed=float(leg.ruling_yes_propensity))
    fit = fit_recorded_votes(votes, prior)
    loo = {row.sma_number: row for row in leave_one_out(as_of, prior)}
    out.update(attendance=fit.attendance, attendance_se=fit.attendance_se,
               attendance_between_sd=fit.attendance_between_sd, attendance_sd=fit.attendance_sd,
               government_yes=fit.government_yes, government_yes_se=fit.government_yes_se,
               opposition_yes=fit.opposition_yes, opposition_yes_se=fit.opposition_yes_se)
    for v in votes:
        present, present_sd, yes, yes_sd = fit.predict(v)
        held = loo.get(v.sma_number)
        out["votes"].append({
            "sma": v.sma_number, "date": v.date.isoformat(), "seated": v.seated,
            "recorded": {"yes": v.yes, "not_yes": v.not_yes, "absent": v.seated - v.present},
            "predicted": {"yes": yes, "not_yes": present - yes, "absent": v.seated - present},
            "predicted_sd": {"present": present_sd, "yes": yes_sd},
            "loo": None if held is None else {"present": held.predicted_present, "present_sd": held.present_sd,
                                              "yes": held.predicted_yes, "yes_sd": held.yes_sd},
        })
    return out
