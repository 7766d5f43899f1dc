"""Standard errors of a run's headline figures (the summary's ``se`` object).

Each headline probability and quantile of :meth:`burdenshare.engine.run.RunResult.summary` gets
the linearized random-group standard error of :func:`burdenshare.engine.bank_sampling.ratio_group_se`
(Wolter 2007, ch. 2 and 6; Cochran 1977, ch. 6): the draws are split by the bank replicate of
their Level-II member, the figure is recomputed on each replicate's draws, and the deviations of
the R replicate figures from the full-sample figure, each weighted by the number of draws it rests
on (the figure's domain: all draws, the ratified draws, the draws that reached a vote), give the
error, which includes both the Level-II sampling (the bank's members) and the Monte-Carlo error of
the draws.  The definitions of the figures are the summary's (docs/simulation.md §4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.bank_sampling import BANK_REPLICATES, member_replicate, ratio_group_se

__all__ = ["draw_members", "summary_se"]

_Q3 = (0.1, 0.5, 0.9)


def draw_members(scenario: Any, seed: int, draws: int, bank_size: int, n_rounds: int) -> NDArray[np.int64]:
    """The bank member of each draw of a run, recomputed from its draws (same rule as the engine)."""
    from burdenshare.engine.draws import BLOCK_SIZE, DrawLayout, draw_range

    layout = DrawLayout.from_scenario(scenario, n_rounds)
    n_blocks = -(-draws // BLOCK_SIZE)
    out = np.empty(draws, dtype=np.int64)
    step = 16  # blocks at a time: a large run never holds all its draws
    for start in range(0, n_blocks, step):
        d = draw_range(layout, seed, start, min(step, n_blocks - start), draws)
        u = d.column(layout, "u_bank")
        at = start * BLOCK_SIZE
        out[at:at + u.size] = np.minimum((u * bank_size).astype(np.int64), bank_size - 1)
    return out


def _quantiles(x: NDArray[np.float64]) -> dict[str, float] | None:
    if x.size == 0:
        return None
    return dict(zip(("p10", "p50", "p90"), (float(v) for v in np.quantile(x, _Q3))))


def summary_se(outcomes: dict[str, NDArray[Any]], members: NDArray[np.int64], bank_size: int,
               current_agreement_krw: float, key_dates: dict[str, int]) -> dict[str, Any]:
    """The ``se`` object: the summary's headline figures with their standard errors.

    Parameters
    ----------
    outcomes
        The run's outcome columns.
    members
        (N,) bank member of each draw.
    bank_size
        Members of the bank (fixes the replicate of a member).
    current_agreement_krw
        The amount the increases are measured from.
    key_dates
        ``{date: rounds on or before it}`` of the summary's ``p_agreement_by``.

    Returns
    -------
    dict
        Keys as in the summary (``p_agreement``, ``p_ratified``, ``increase_pct.p10`` ...), plus
        ``replicates`` (R) and ``method``.
    """
    r_n = min(BANK_REPLICATES, max(1, int(bank_size)))
    groups = member_replicate(members, bank_size)
    agreed = outcomes["agreed"] == 1
    rat = outcomes["ratified"] == 1
    voted = outcomes["votes"] > 0
    x = outcomes["amount_krw"]
    dur = outcomes["duration_years"].astype(float)
    rounds = (outcomes["signed_round"] + 1).astype(float)
    sr = outcomes["first_signed_round"]

    def stat(mask: NDArray[np.bool_]) -> dict[str, Any]:
        if not mask.any():
            return {}
        r = rat & mask
        xr = x[r]
        v = voted & mask
        return {
            "p_agreement": float(agreed[mask].mean()),
            "p_ratified": float(rat[mask].mean()),
            "mean_p_consent": float(outcomes["p_consent"][v].mean()) if v.any() else None,
            "amount_first_year_krw": _quantiles(xr),
            "increase_pct": _quantiles(100.0 * (xr / current_agreement_krw - 1.0)),
            "duration_years": None if not r.any() else {"mean": float(dur[r].mean()),
                                                          "p_multiyear": float((dur[r] > 1).mean())},
            "rounds_to_agreement": None if not r.any() else dict(zip(("p50", "p90"), (
                float(q) for q in np.quantile(rounds[r], (0.5, 0.9))))),
            "p_agreement_by": {day: float(((sr[mask] >= 0) & (sr[mask] < k)).mean()) for day, k in key_dates.items()},
            "p_rejected_by_president": float((outcomes["rejections_president"][mask] > 0).mean()),
            "p_rejected_by_assembly": float((outcomes["rejections_assembly"][mask] > 0).mean()),
        }

    def domain(mask: NDArray[np.bool_]) -> dict[str, Any]:
        """The number of draws each figure of ``stat(mask)`` rests on (its weight)."""
        n, n_rat, n_vote = int(mask.sum()), int((rat & mask).sum()), int((voted & mask).sum())
        return {
            "p_agreement": n, "p_ratified": n, "mean_p_consent": n_vote,
            "amount_first_year_krw": dict.fromkeys(("p10", "p50", "p90"), n_rat),
            "increase_pct": dict.fromkeys(("p10", "p50", "p90"), n_rat),
            "duration_years": dict.fromkeys(("mean", "p_multiyear"), n_rat),
            "rounds_to_agreement": dict.fromkeys(("p50", "p90"), n_rat),
            "p_agreement_by": dict.fromkeys(key_dates, n),
            "p_rejected_by_president": n, "p_rejected_by_assembly": n,
        }

    full = stat(np.ones(agreed.shape, dtype=bool))
    masks = [groups == r for r in range(r_n)]
    reps = [stat(m) for m in masks]
    counts = [domain(m) for m in masks]
    out: dict[str, Any] = {k: ratio_group_se([r.get(k) for r in reps], [c[k] for c in counts], full[k], r_n)
                           if full[k] is not None else None for k in full}
    out["replicates"] = r_n
    out["method"] = ("linearized random groups over the bank's scrambled Sobol' replicates "
                     "(weighted by each group's draws, centred on the full-sample figure)")
    return out

