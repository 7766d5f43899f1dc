"""Standard errors of a run's headline figures (the summary's ``se`` object).

Each headline probability and quantile of :meth:`burdenshare.engine.run.RunResult.summary` gets
the linearized random-group standard error of :func:`burdenshare.engine.bank_sampling.ratio_group_se`
(Wolter 2007, ch. 2 and 6; Cochran 1977, ch. 6): the draws are split by the bank replicate of
their Level-II member, the figure is recomputed on each replicate's draws, and the deviations of
the R replicate figures from the full-sample figure, each weighted by the number of draws it rests
on (the figure's domain: all draws, the ratified draws, the draws that reached a vote), give the
error, which includes both the Level-II sampling (the bank's members) and the Monte-Carlo error of
the draws.  A quantile of a variable on a lattice (the amount on its 10 bn grid, the round) jumps
between support points from seed to seed, which the groups' own quantiles, often all on the same
point, understate (about 2x on the bundled run's amount quantiles): its error is the larger of the
random-group one and :func:`lattice_quantile_se`, the spread of the quantile's move to a
neighbouring support point (Ma, Genton & Parzen 2011).  The definitions of the figures are the
summary's (docs/simulation.md §4).

References
----------
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., Wiley, ch. 6.
Ma, Y., Genton, M. G. & Parzen, E. (2011). Asymptotic properties of sample quantiles of discrete
distributions. *Annals of the Institute of Statistical Mathematics* 63(2), 227-243.
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed., Springer, ch. 2 and 6.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine.bank_sampling import BANK_REPLICATES, member_replicate, ratio_group_se

__all__ = ["draw_members", "lattice_quantile_se", "summary_se"]

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


def lattice_quantile_se(x: NDArray[np.float64], groups: NDArray[np.int64], r_n: int, alpha: float) -> float | None:
    r"""Standard error of the sample quantile of a variable on a lattice (an amount on the grid).

    The sample quantile :math:`\hat q` of a discrete variable does not vary smoothly: it stays
    on its support point or moves to a neighbour (Ma, Genton & Parzen 2011: asymptotically a
    distribution on at most two support points), which the random groups of :func:`summary_se`
    cannot see when every group's quantile lands on the same point.  With :math:`v_-` and
    :math:`v_+` the support points next below and above :math:`\hat q`, the estimator moves down
    when :math:`\hat F(v_-) \ge \alpha` and up when :math:`\hat F(\hat q) < \alpha`; with
    :math:`\hat F` approximately normal with the linearized random-group SE
    (:func:`~burdenshare.engine.bank_sampling.ratio_group_se`),

    .. math:: p_- = \Phi\Big(\frac{\hat F(v_-) - \alpha}{\mathrm{SE}(\hat F(v_-))}\Big), \quad
              p_+ = \Phi\Big(\frac{\alpha - \hat F(\hat q)}{\mathrm{SE}(\hat F(\hat q))}\Big),

    and the variance of the three-point law is :math:`p_+ d_+^2 + p_- d_-^2 - (p_+ d_+ - p_- d_-)^2`
    with :math:`d_\pm = |v_\pm - \hat q|`.  For a continuous variable the steps are tiny and
    this is negligible.  ``None`` if a group has no value.
    """
    from scipy.stats import norm

    if x.size == 0:
        return None
    q = float(np.quantile(x, alpha))
    m = [int((groups == r).sum()) for r in range(r_n)]
    if min(m) == 0:
        return None

    def cdf_z(t: float, sign: float) -> float:
        """P(the CDF at t falls on the side that moves the quantile), normal approximation."""
        f = float((x <= t).mean())
        se = ratio_group_se([float((x[groups == r] <= t).mean()) for r in range(r_n)], m, f, r_n)
        num = sign * (f - alpha)
        if se is None or se == 0.0:
            return 0.5 if num == 0.0 else float(num > 0)
        return float(norm.cdf(num / se))

    below, above = x[x < q], x[x > q]
    p_dn = d_dn = p_up = d_up = 0.0
    if below.size:
        v = float(below.max())
        p_dn, d_dn = cdf_z(v, 1.0), q - v
    if above.size:
        p_up, d_up = cdf_z(q, -1.0), float(above.min()) - q
    var = p_up * d_up**2 + p_dn * d_dn**2 - (p_up * d_up - p_dn * d_dn) ** 2
    return float(np.sqrt(max(var, 0.0)))


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
    groups = member_replicate(members, bank_size).astype(np.int16)  # R <= 16
    agreed = outcomes["agreed"] == 1
    rat = outcomes["ratified"] == 1
    voted = outcomes["votes"] > 0
    x = outcomes["amount_krw"]
    sr = outcomes["first_signed_round"]

    def stat(mask: NDArray[np.bool_]) -> dict[str, Any]:
        if not mask.any():
            return {}
        r = rat & mask
        xr = x[r]
        v = voted & mask
        dur = outcomes["duration_years"][r].astype(float)  # the domain's rows only (exact integers)
        rounds = (outcomes["signed_round"][r].astype(np.int64) + 1).astype(float)
        return {
            "p_agreement": float(agreed[mask].mean()),
            "p_ratified": float(rat[mask].mean()),
            "mean_p_consent": float(outcomes["p_consent"][v].mean()) if v.any() else None,
            "amount_first_year_krw": _quantiles(xr),
            "increase_pct": _quantiles(100.0 * (xr / current_agreement_krw - 1.0)),
            "duration_years": None if not r.any() else {"mean": float(dur.mean()),
                                                          "p_multiyear": float((dur > 1).mean())},
            "rounds_to_agreement": None if not r.any() else dict(zip(("p50", "p90"), (
                float(q) for q in np.quantile(rounds, (0.5, 0.9))))),
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
    reps, counts = [], []
    for g in range(r_n):  # one replicate's mask at a time
        m = groups == g
        reps.append(stat(m))
        counts.append(domain(m))
    out: dict[str, Any] = {k: ratio_group_se([r.get(k) for r in reps], [c[k] for c in counts], full[k], r_n)
                           if full[k] is not None else None for k in full}
    # quantiles on the amount grid: the larger of the random-group and the lattice error
    rat_groups = groups[rat]
    rounds_rat = (outcomes["signed_round"][rat].astype(np.int64) + 1).astype(float)
    for key, vals in (("amount_first_year_krw", x[rat]), ("increase_pct", 100.0 * (x[rat] / current_agreement_krw - 1.0)),
                      ("rounds_to_agreement", rounds_rat)):
        if not isinstance(out.get(key), dict):
            continue
        for name, alpha in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9)):
            if name not in out[key] or out[key][name] is None:
                continue
            lat = lattice_quantile_se(vals, rat_groups, r_n, alpha)
            if lat is not None:
                out[key][name] = max(out[key][name], lat)
    out["replicates"] = r_n
    out["method"] = ("linearized random groups over the bank's scrambled Sobol' replicates "
                     "(weighted by each group's draws, centred on the full-sample figure)")
    return out

