r"""Willingness-to-pay (WTP) distributions of the host public, by partisan base.

WTP is the annual amount (won per year, base units) a respondent would accept the host
paying for the stationing of the ally's forces.  For a group :math:`g` it is a
log-location-scale variable, optionally displaced by a level shift :math:`c_g` (used by
the level-scale reverberation of :mod:`burdenshare.opinion.coercion`):

.. math::

    W_g = c_g + e^{\mu_g + \sigma_g Z}, \qquad
    F_g(x) = P(W_g \le x) = G\!\left(\frac{\ln(x - c_g) - \mu_g}{\sigma_g}\right)
    \quad (x > c_g),\qquad F_g(x) = 0 \quad (x \le c_g),

where :math:`G` is the standard normal CDF :math:`\Phi` (``family="lognormal"``) or the
standard logistic CDF :math:`1/(1+e^{-z})` (``family="loglogistic"``, fatter tails).
The share of group :math:`g` that accepts paying ``x`` is :math:`1 - F_g(x)`; the median is
:math:`c_g + e^{\mu_g}`.

The model is a frozen record.  Fitting lives in :mod:`burdenshare.opinion.fit`; moving
the distribution (transparency, coercion, social influence) returns a new model.

References
----------
.. [Hanemann1984] Hanemann, W. M. (1984). "Welfare evaluations in contingent valuation
   experiments with discrete responses". *American Journal of Agricultural Economics*
   66(3), 332-341.
.. [Cameron1987] Cameron, T. A., & James, M. D. (1987). "Estimating willingness to pay
   from survey data: an alternative pre-test-market evaluation procedure". *Journal of
   Marketing Research* 24(4), 389-395.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from burdenshare.errors import SpecError

Family = Literal["lognormal", "loglogistic"]
FAMILIES: tuple[Family, ...] = ("lognormal", "loglogistic")

#: Name of the whole-public group (the Chicago Council overall fit).
ALL = "all"


# --------------------------------------------------------------------------- families
def standard_cdf(z: ArrayLike, family: Family) -> NDArray[np.float64]:
    """Standard CDF :math:`G(z)` of the family (normal or logistic)."""
    z = np.asarray(z, dtype=float)
    if family == "lognormal":
        return special.ndtr(z)
    if family == "loglogistic":
        return special.expit(z)
    raise SpecError(f"unknown family {family!r}; allowed: {', '.join(FAMILIES)}", field="family")


def standard_ppf(q: ArrayLike, family: Family) -> NDArray[np.float64]:
    """Standard quantile :math:`G^{-1}(q)` of the family."""
    q = np.asarray(q, dtype=float)
    if family == "lognormal":
        return special.ndtri(q)
    if family == "loglogistic":
        return special.logit(q)
    raise SpecError(f"unknown family {family!r}; allowed: {', '.join(FAMILIES)}", field="family")


def wtp_cdf(
    amount_krw: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    shift_krw: ArrayLike = 0.0,
    family: Family = "lognormal",
) -> NDArray[np.float64]:
    r"""Array kernel :math:`F(x) = G((\ln(x - c) - \mu)/\sigma)` for :math:`x > c`, else 0.

    All arguments broadcast (e.g. a leading draw axis on ``mu``); no validation beyond the
    family, so the engine can call it on drawn arrays.  :meth:`WTPModel.cdf` uses it.

    Examples
    --------
    >>> wtp_cdf([1.0, math.e], mu=[[0.0], [1.0]], sigma=1.0).round(4).tolist()
    [[0.5, 0.8413], [0.1587, 0.5]]
    """
    x = np.asarray(amount_krw, dtype=float) - np.asarray(shift_krw, dtype=float)
    pos = x > 0
    z = (np.log(np.where(pos, x, 1.0)) - np.asarray(mu, dtype=float)) / np.asarray(sigma, dtype=float)
    return np.where(pos, standard_cdf(z, family), 0.0)


def _as_output(x: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(x) if x.ndim == 0 else x


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class GroupWTP:
    """WTP distribution of one group: :math:`W = c + e^{\\mu + \\sigma Z}`.

    Parameters
    ----------
    name
        Group key (``"all"``, ``"dp"``, ``"lkp"``, ...).
    mu
        Location on the log-won scale (:math:`\\ln` of the median when ``shift_krw == 0``).
    sigma
        Scale on the log-won scale, > 0.
    shift_krw
        Level displacement :math:`c` in won (0 for a fitted model).
    """

    name: str
    mu: float
    sigma: float
    shift_krw: float = 0.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.mu):
            raise SpecError(f"mu must be finite, got {self.mu}", field=f"groups.{self.name}.mu")
        if not (math.isfinite(self.sigma) and self.sigma > 0):
            raise SpecError(
                f"sigma must be finite and > 0, got {self.sigma}", field=f"groups.{self.name}.sigma"
            )
        if not math.isfinite(self.shift_krw):
            raise SpecError("shift_krw must be finite", field=f"groups.{self.name}.shift_krw")


@dataclass(frozen=True, slots=True)
class FitRow:
    """One cell of a fit: an answer of a poll mapped to a WTP interval.

    ``observed`` and ``predicted`` are shares of the cell within its own
    question-and-subgroup block (after the don't-know handling), so they sum to 1 per block.
    """

    poll_id: str
    subgroup: str
    answer: str
    lower_krw: float
    upper_krw: float
    observed: float
    predicted: float
    n_effective: float


@dataclass(frozen=True, slots=True)
class FitReport:
    """Observed vs predicted shares, log-likelihood and the assumptions of a fit.

    Attributes
    ----------
    rows
        One :class:`FitRow` per cell.
    log_likelihood
        Multinomial log-likelihood :math:`\\sum_k n_k \\ln p_k(\\theta)` at the estimate
        (stage 1 plus stage 2; stage 2 includes the Gaussian penalty on group effects).
    deviance
        :math:`G^2 = 2\\sum_k n_k \\ln(\\hat o_k/p_k)` over cells with :math:`n_k > 0`.
    parameters
        Estimated parameters (name, value, standard error from the observed information;
        ``nan`` where not available).
    thresholds
        For each binary partisan question: (poll id, implied threshold in won, nominal anchor
        in won or ``nan``).  The threshold is a free nuisance parameter (see
        :mod:`burdenshare.opinion.fit`).
    assumptions
        Plain-language list of every mapping and number that was assumed.
    """

    rows: tuple[FitRow, ...]
    log_likelihood: float
    deviance: float
    parameters: tuple[tuple[str, float, float], ...]
    thresholds: tuple[tuple[str, float, float], ...] = ()
    assumptions: tuple[str, ...] = ()

    def max_abs_error(self, poll_id: str | None = None) -> float:
        """Largest ``|observed - predicted|`` over rows (of one poll if given)."""
        errs = [abs(r.observed - r.predicted) for r in self.rows if poll_id in (None, r.poll_id)]
        return max(errs) if errs else 0.0

    def as_text(self) -> str:
        """Render the report as a plain-text table."""
        out = [
            f"{'poll':<17} {'subgroup':<22} {'answer':<34} {'interval (tn won)':<16}"
            f" {'obs':>6} {'pred':>6} {'n':>6}"
        ]
        for r in self.rows:
            lo = f"{r.lower_krw / 1e12:.2f}"
            hi = "inf" if math.isinf(r.upper_krw) else f"{r.upper_krw / 1e12:.2f}"
            out.append(
                f"{r.poll_id:<17} {r.subgroup:<22} {r.answer[:34]:<34} {lo + '-' + hi:<16}"
                f" {r.observed:6.3f} {r.predicted:6.3f} {r.n_effective:6.0f}"
            )
        out.append(f"log-likelihood {self.log_likelihood:.3f}   deviance G2 {self.deviance:.3f}")
        for name, value, se in self.parameters:
            out.append(f"  {name:<28} {value:10.4f}  (se {se:.4f})")
        for pid, thr, anchor in self.thresholds:
            a = "n/a" if math.isnan(anchor) else f"{anchor / 1e12:.3f} tn"
            out.append(f"  threshold {pid:<12} {thr / 1e12:.3f} tn won (nominal anchor {a})")
        return "\n".join(out)


@dataclass(frozen=True, slots=True)
class WTPModel:
    """Frozen WTP model: per-group distributions on the log-won scale.

    Parameters
    ----------
    family
        ``"lognormal"`` or ``"loglogistic"``.
    groups
        One :class:`GroupWTP` per group; names must be unique.
    fit
        The :class:`FitReport` of the fit this model derives from (``None`` if built by hand).
    moves
        Human-readable log of the moves applied after the fit (transparency, coercion, ...).

    Examples
    --------
    >>> m = WTPModel("lognormal", (GroupWTP("all", mu=math.log(1.5e12), sigma=0.6),))
    >>> round(m.median() / 1e12, 3)
    1.5
    >>> round(m.share_accepting(1.5e12), 3)
    0.5
    """

    family: Family
    groups: tuple[GroupWTP, ...]
    fit: FitReport | None = field(default=None, compare=False)
    moves: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise SpecError(
                f"unknown family {self.family!r}; allowed: {', '.join(FAMILIES)}", field="family"
            )
        names = [g.name for g in self.groups]
        if not names:
            raise SpecError("a WTP model needs at least one group", field="groups")
        if len(set(names)) != len(names):
            raise SpecError(f"duplicate group names in {names}", field="groups")

    # ------------------------------------------------------------------ access
    @property
    def group_names(self) -> tuple[str, ...]:
        """Names of the groups, in order."""
        return tuple(g.name for g in self.groups)

    def group(self, name: str = ALL) -> GroupWTP:
        """Return the :class:`GroupWTP` called ``name``.

        Raises
        ------
        SpecError
            If there is no such group.
        """
        for g in self.groups:
            if g.name == name:
                return g
        raise SpecError(
            f"unknown group {name!r}; known: {', '.join(self.group_names)}", field="group"
        )

    # ------------------------------------------------------------------ distribution
    def cdf(self, amount_krw: ArrayLike, group: str = ALL) -> float | NDArray[np.float64]:
        r"""Share of ``group`` whose WTP is at most ``amount_krw``: :math:`F_g(x)`.

        Parameters
        ----------
        amount_krw
            Annual amount(s) in won; scalar or array (any shape).
        group
            Group name.

        Returns
        -------
        float or ndarray
            :math:`F_g(x)` in [0, 1], same shape as ``amount_krw``.
        """
        g = self.group(group)
        return _as_output(np.asarray(wtp_cdf(amount_krw, g.mu, g.sigma, g.shift_krw, self.family), dtype=float))

    def share_accepting(self, amount_krw: ArrayLike, group: str = ALL) -> float | NDArray[np.float64]:
        """Share of ``group`` that would accept paying ``amount_krw`` a year: :math:`1 - F_g(x)`.

        Non-increasing in the amount.
        """
        return _as_output(1.0 - np.asarray(self.cdf(amount_krw, group), dtype=float))

    def quantile(self, q: ArrayLike, group: str = ALL) -> float | NDArray[np.float64]:
        r"""WTP quantile :math:`F_g^{-1}(q) = c_g + e^{\mu_g + \sigma_g G^{-1}(q)}` in won.

        Raises
        ------
        SpecError
            If any ``q`` lies outside (0, 1).
        """
        qa = np.asarray(q, dtype=float)
        if np.any((qa <= 0) | (qa >= 1)) or np.any(~np.isfinite(qa)):
            raise SpecError("quantile levels must lie strictly between 0 and 1", field="q")
        g = self.group(group)
        out = g.shift_krw + np.exp(g.mu + g.sigma * standard_ppf(qa, self.family))
        return _as_output(np.asarray(out, dtype=float))

    def median(self, group: str = ALL) -> float:
        """Median WTP of ``group`` in won (:math:`c_g + e^{\\mu_g}`)."""
        g = self.group(group)
        return g.shift_krw + math.exp(g.mu)

    def fit_report(self) -> FitReport:
        """Observed vs predicted shares by row and the log-likelihood of the underlying fit.

        Raises
        ------
        SpecError
            If the model was built by hand (no fit attached).
        """
        if self.fit is None:
            raise SpecError("this WTP model was not fitted; it has no fit report", field="fit")
        return self.fit

    # ------------------------------------------------------------------ moves
    def with_groups(self, groups: Iterable[GroupWTP], move: str | None = None) -> WTPModel:
        """Return a copy with ``groups`` replacing the groups of the same name."""
        new = {g.name: g for g in groups}
        unknown = set(new) - set(self.group_names)
        if unknown:
            raise SpecError(f"unknown groups {sorted(unknown)}", field="groups")
        moves = self.moves + ((move,) if move else ())
        return replace(self, groups=tuple(new.get(g.name, g) for g in self.groups), moves=moves)

    def with_log_shift(self, shift: float | Mapping[str, float], move: str | None = None) -> WTPModel:
        r"""Shift :math:`\mu_g` by ``shift`` (one number for all groups, or per group).

        A log shift of :math:`d` multiplies every WTP quantile above :math:`c_g` by :math:`e^d`.
        """
        per = _per_group(shift, self.group_names, "shift")
        return self.with_groups(
            (replace(g, mu=g.mu + per[g.name]) for g in self.groups if per[g.name] != 0.0), move
        )

    def with_level_shift(self, shift_krw: float | Mapping[str, float], move: str | None = None) -> WTPModel:
        """Add ``shift_krw`` won to every WTP of the group(s) (:math:`c_g \\mathrel{+}= s`)."""
        per = _per_group(shift_krw, self.group_names, "shift_krw")
        return self.with_groups(
            (replace(g, shift_krw=g.shift_krw + per[g.name]) for g in self.groups if per[g.name] != 0.0),
            move,
        )


def _per_group(value: float | Mapping[str, float], names: tuple[str, ...], fld: str) -> dict[str, float]:
    """Expand a scalar or a partial group mapping into a full ``{group: value}`` dict."""
    if isinstance(value, Mapping):
        unknown = set(value) - set(names)
        if unknown:
            raise SpecError(f"unknown groups {sorted(unknown)}; known: {', '.join(names)}", field=fld)
        out = {n: float(value.get(n, 0.0)) for n in names}
    else:
        out = {n: float(value) for n in names}
    for n, v in out.items():
        if not math.isfinite(v):
            raise SpecError(f"{fld} for group {n!r} must be finite, got {v}", field=fld)
    return out
