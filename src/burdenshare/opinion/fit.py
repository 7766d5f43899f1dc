r"""Interval-censored fit of the WTP model to the poll rows.

The polls do not ask for a number.  Each answer says that the respondent's WTP lies in an
interval anchored on amounts the question names (the US ask, the current contribution,
"2 trillion won").  For a group with WTP c.d.f. :math:`F_\theta` the probability of answer
:math:`k` with interval :math:`(a_k, b_k]` is :math:`p_k(\theta) = F_\theta(b_k) - F_\theta(a_k)`
and a question answered by :math:`n` people with observed shares :math:`\hat o_k` contributes
the multinomial log-likelihood

.. math::

    \ell(\theta) = \sum_k n\,\hat o_k \ln p_k(\theta)

(interval-censored / "double-bounded" contingent-valuation likelihood; Hanemann 1984;
Cameron & James 1987; Hanemann, Loomis & Kanninen 1991).

**Stage 1 - the whole public** (Chicago Council / Hankook Research, 9-11 Dec 2019,
``CCGA-2019-12``, n = 1,000).  Mapping of answers to WTP intervals (assumptions, each a
field of :class:`FitAssumptions`):

1. "Refuse to pay" :math:`\Rightarrow W \le b`, with :math:`b` the current (2019, 10th SMA)
   contribution of 1,038.9 bn won.  The commentary reads the poll as "most are willing to pay
   more than the current amount" and "26 % said South Korea should refuse to pay", i.e. refuse
   any increase.  ``refuse_bound_krw`` changes it.
2. "Negotiate a lower amount than the US proposal" :math:`\Rightarrow b < W < A`, :math:`A` the
   US ask ($5 bn, ``context.csv:us_initial_ask_2020``) at the 2019 average rate
   (1,166.11 won/$), 5.83 tn won.  ``ask_usd`` / ``krw_per_usd`` change it
   (``ask_usd=4700`` is the JoongAng Daily figure).
3. The follow-up among negotiators splits (2): below 2 tn won 60 %, 2-3 tn won 30 %, and the
   unreported rest (10 %) is taken as 3 tn won up to the ask.
4. "Accept/meet the US demand" :math:`\Rightarrow W \ge A`.
5. Don't-knows (2 % in the main reading, 8 % in the alternative) are dropped and the shares
   renormalized (``dont_know="drop"``, effective n = 1,000 x answered share); or counted as
   refusals (``dont_know="refuse"``), a pessimistic bound.

The two readings of the first question (main 26/68/4, alt 25/63/4; ``reading``) share the
follow-up rows.

**Stage 2 - partisan bases.**  RealMeter asked binary questions by party support and
ideology.  Their answers are framed differently (a drawdown threat, "next year", a
different ask) and their overall levels do not match the Chicago Council poll (22 % "need to
accept" the large increase in Nov 2019 against 4 % accepting $5 bn three weeks later), so
each question gets its own free threshold :math:`t_q` on the log-won scale ("accept" means
:math:`\ln W \ge t_q`), pinned by its whole-sample row, while each base :math:`g` is the common
distribution shifted by :math:`\delta_g`:

.. math::

    P(\text{accept}_q \mid g) = 1 - G\!\left(\frac{t_q - \mu - \delta_g}{\sigma}\right),
    \qquad \delta_{\text{all}} = 0,

with :math:`(\mu, \sigma)` fixed at stage 1.  The :math:`\delta_g` are estimated jointly over the
questions by maximizing the binomial log-likelihood plus a weak Gaussian penalty
:math:`-\delta_g^2 / (2 s^2)` (``group_prior_sd`` :math:`s`; it keeps :math:`\delta` finite for a
reported 0.0 % share).  What this identifies: the **ordering** of the bases and their
**relative shifts** in units of the common :math:`\sigma` - nothing about the partisan
dispersion, and the absolute won level only through the stage-1 anchor.  Rows used:

* ``RM-2019-01`` (Jan 2019) "accommodate US demands to increase the share": Favor = accept,
  Oppose = not; don't-knows dropped.  The row "if the US plays the troop-reduction card" has no
  accept share and no subgroups; it is not used.
* ``RM-2019-08`` (Aug 2019) "Raise" = accept; the rest (freeze, cut, don't know) = not, because
  the subgroup rows report only the "raise" share.
* ``RM-2019-11`` (22 Nov 2019, n = 501) "need to accept because USFK could be reduced" =
  accept, "should not accept even if USFK is reduced" = not; don't-knows dropped.

Subgroup sample sizes are not reported: each subgroup row gets the effective n
``subgroup_n`` (100); polls without a recorded n get ``realmeter_default_n`` (500).
``KINU-2019`` (96 % "should not increase") is not used: it has no subgroups, and its level
contradicts "most are willing to pay more than the current amount".

The "all" rows of RealMeter polls are treated as the reference (:math:`\delta = 0`), although
the whole sample is a mixture of the bases; the bases' population weights are not in the data.

References
----------
.. [Hanemann1991] Hanemann, M., Loomis, J., & Kanninen, B. (1991). "Statistical efficiency
   of double-bounded dichotomous choice contingent valuation". *American Journal of
   Agricultural Economics* 73(4), 1255-1263.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np

from burdenshare.data import poll_items
from burdenshare.data.dataset import per_dataset
from burdenshare.errors import SpecError
from burdenshare.opinion import _data
from burdenshare.opinion.wtp import (
    ALL,
    FAMILIES,
    Family,
    FitReport,
    FitRow,
    GroupWTP,
    WTPModel,
    standard_cdf,
    standard_ppf,
)

Reading = Literal["main", "alt"]
DontKnow = Literal["drop", "refuse"]

TRILLION = 1e12

#: The poll-specific readings (subgroup labels, the stage-1 item, the partisan items) are data:
#: :mod:`burdenshare.data.poll_items`.  Re-exported here for the opinion package's API.
SUBGROUP_KEYS: Mapping[str, str] = poll_items.SUBGROUP_KEYS
GROUP_LABELS: Mapping[str, str] = poll_items.GROUP_LABELS
BLOC_BASE: Mapping[str, str] = poll_items.BLOC_BASE


@dataclass(frozen=True, slots=True)
class FitAssumptions:
    r"""Every assumption of the WTP fit, as a field (defaults are the documented choices).

    Parameters
    ----------
    reading
        ``"main"`` (CCGA-2019-12: refuse 26, negotiate 68, accept 4) or ``"alt"``
        (CCGA-2019-12-alt: 25 / 63 / 4).
    family
        ``"lognormal"`` or ``"loglogistic"``.
    refuse_bound_krw
        Upper end of the "refuse to pay" interval in won; ``None`` = the 2019 contribution
        (1,038.9 bn won, ``sma_annual_contributions.csv``).
    ask_usd
        The US ask the question is anchored on, in dollars; ``None`` = $5 bn
        (``context.csv:us_initial_ask_2020``).
    krw_per_usd
        Rate converting the ask; ``None`` = 2019 annual average (``context.csv:krw_usd_avg_2019``).
    dont_know
        ``"drop"`` (renormalize over answers) or ``"refuse"`` (count as the lowest answer).
    overall_n
        Sample size of the Chicago Council poll; ``None`` = as recorded (1,000).
    realmeter_default_n
        Effective n of a RealMeter poll without a recorded sample size.
    subgroup_n
        Effective n of every subgroup row (sizes not reported).
    group_prior_sd
        s.d. of the Gaussian penalty on group shifts (log scale).
    partisan_polls
        RealMeter polls used for the group shifts.
    groups
        ``None`` (default): one group per poll subgroup label (keys in :data:`SUBGROUP_KEYS`).
        Otherwise ``((group_id, (subgroup label, ...)), ...)`` (a mapping is accepted by
        :func:`fit_wtp`): the subgroups listed for a group share its shift :math:`\delta_g`;
        unlisted subgroups are not used; a group with no rows gets :math:`\delta_g = 0`.
    """

    reading: Reading = "main"
    family: Family = "lognormal"
    refuse_bound_krw: float | None = None
    ask_usd: float | None = None
    krw_per_usd: float | None = None
    dont_know: DontKnow = "drop"
    overall_n: float | None = None
    realmeter_default_n: float = 500.0
    subgroup_n: float = 100.0
    group_prior_sd: float = 2.0
    partisan_polls: tuple[str, ...] = poll_items.DEFAULT_PARTISAN_POLLS
    groups: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def __post_init__(self) -> None:
        if self.reading not in ("main", "alt"):
            raise SpecError(f"reading must be 'main' or 'alt', got {self.reading!r}", field="reading")
        if self.family not in FAMILIES:
            raise SpecError(f"family must be one of {FAMILIES}, got {self.family!r}", field="family")
        if self.dont_know not in ("drop", "refuse"):
            raise SpecError(f"dont_know must be 'drop' or 'refuse', got {self.dont_know!r}", field="dont_know")
        for name in ("refuse_bound_krw", "ask_usd", "krw_per_usd", "overall_n"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                raise SpecError(f"{name} must be a positive number, got {v}", field=name)
        for name in ("realmeter_default_n", "subgroup_n", "group_prior_sd"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise SpecError(f"{name} must be a positive number, got {v}", field=name)
        if isinstance(self.groups, Mapping):
            object.__setattr__(self, "groups", tuple((str(g), tuple(v)) for g, v in self.groups.items()))
        elif self.groups is not None:
            object.__setattr__(self, "groups", tuple((str(g), tuple(v)) for g, v in self.groups))
        if self.groups is not None:
            ids = [g for g, _ in self.groups]
            labels = [lab for _, labs in self.groups for lab in labs]
            if not ids or len(set(ids)) != len(ids) or ALL in ids or any(not g for g in ids):
                raise SpecError("group ids must be distinct, non-empty and not 'all'", field="groups")
            if len(set(labels)) != len(labels) or "all" in labels:
                raise SpecError("a poll subgroup may belong to one group only (and not 'all')", field="groups")
        unknown = set(self.partisan_polls) - set(_PARTISAN_ITEMS)
        if unknown:
            raise SpecError(
                f"unknown partisan polls {sorted(unknown)}; allowed: {', '.join(_PARTISAN_ITEMS)}",
                field="partisan_polls",
            )


_Item = poll_items.PollItem
_PARTISAN_ITEMS: Mapping[str, _Item] = poll_items.PARTISAN_ITEMS


# --------------------------------------------------------------------------- cells
@dataclass(frozen=True, slots=True)
class _Cell:
    poll_id: str
    subgroup: str
    answer: str
    lower: float  # won
    upper: float  # won
    share: float  # within block
    n: float  # block effective n


def _pct(row: Mapping[str, str]) -> float:
    return _data.number(row["pct"], where=f"polls.csv:{row['poll_id']}:{row['response_option']}") / 100.0


def _find(rows: Sequence[Mapping[str, str]], prefix: str, subgroup: str = "all", question: str = "") -> float:
    hits = [
        r
        for r in rows
        if r["response_option"].startswith(prefix)
        and r["subgroup"] == subgroup
        and question in r["question_wording_as_reported"]
    ]
    if len(hits) != 1:
        raise SpecError(
            f"expected one row for option {prefix!r} (subgroup {subgroup!r}) in poll "
            f"{rows[0]['poll_id'] if rows else '?'}, found {len(hits)}",
            field="polls",
        )
    return _pct(hits[0])


def resolved_anchors(a: FitAssumptions) -> dict[str, float]:
    """The amounts (won) the answer intervals are anchored on, after defaults are filled in."""
    s1 = poll_items.STAGE1
    rate = a.krw_per_usd if a.krw_per_usd is not None else _data.krw_per_usd(s1.anchor_year)
    ask_usd = a.ask_usd if a.ask_usd is not None else _data.context_number(s1.ask_key) * _data.MILLION
    refuse = a.refuse_bound_krw if a.refuse_bound_krw is not None else _data.sma_contribution_krw(s1.anchor_year)
    out = {
        "refuse_bound_krw": refuse,
        "band_2tn_krw": s1.band_low_krw,
        "band_3tn_krw": s1.band_high_krw,
        "ask_krw": ask_usd * rate,
        "ask_usd": ask_usd,
        "krw_per_usd": rate,
    }
    if not (refuse < out["band_2tn_krw"] < out["band_3tn_krw"] < out["ask_krw"]):
        raise SpecError(
            "anchors must be ordered refuse bound < 2 tn < 3 tn < ask; got "
            f"{refuse:.4g} < 2e12 < 3e12 < {out['ask_krw']:.4g}",
            field="refuse_bound_krw",
        )
    return out


def overall_cells(a: FitAssumptions) -> tuple[_Cell, ...]:
    """Stage-1 cells: the Chicago Council answers as WTP intervals (joint with the follow-up)."""
    s1 = poll_items.STAGE1
    main = _data.poll_rows(s1.poll_id)
    first = main if a.reading == "main" else _data.poll_rows(s1.alt_poll_id)
    pid = first[0]["poll_id"]
    q = s1.question
    refuse = _find(first, s1.refuse, question=q)
    negotiate = _find(first, s1.negotiate, question=q)
    accept = _find(first, s1.accept, question=q)
    below2 = _find(main, s1.below_band, question=s1.followup_question)
    band23 = _find(main, s1.mid_band, question=s1.followup_question)
    rest = 1.0 - below2 - band23
    if rest < -1e-9:
        raise SpecError("follow-up shares exceed 100 %", field="polls")
    answered = refuse + negotiate + accept
    dont_know = max(0.0, 1.0 - answered)
    n_poll = a.overall_n if a.overall_n is not None else _data.leading_int(first[0]["sample_size"])
    if n_poll is None:
        raise SpecError("the Chicago Council poll has no sample size; set overall_n", field="overall_n")
    if a.dont_know == "drop":
        total, n = answered, n_poll * answered
    else:
        refuse, total, n = refuse + dont_know, 1.0, n_poll
    k = resolved_anchors(a)
    b, t2, t3, ask = k["refuse_bound_krw"], k["band_2tn_krw"], k["band_3tn_krw"], k["ask_krw"]
    return (
        _Cell(pid, ALL, "Refuse to pay", 0.0, b, refuse / total, n),
        _Cell(pid, ALL, "Negotiate lower: below 2 tn won", b, t2, negotiate * below2 / total, n),
        _Cell(pid, ALL, "Negotiate lower: 2-3 tn won", t2, t3, negotiate * band23 / total, n),
        _Cell(pid, ALL, "Negotiate lower: rest (3 tn won+)", t3, ask, negotiate * rest / total, n),
        _Cell(pid, ALL, "Accept/meet the US demand", ask, math.inf, accept / total, n),
    )


@dataclass(frozen=True, slots=True)
class _Binary:
    poll_id: str
    group: str
    yes: float  # share accepting, within block
    n: float
    subgroup: str = ""  # the poll's subgroup label


def _label_map(a: FitAssumptions) -> dict[str, str] | None:
    """Poll subgroup label -> group id (``None``: the default one group per label)."""
    if a.groups is None:
        return None
    return {lab: gid for gid, labs in a.groups for lab in labs}


def partisan_rows(a: FitAssumptions) -> tuple[_Binary, ...]:
    """Stage-2 rows: binary accept / not shares by subgroup for each partisan poll."""
    out: list[_Binary] = []
    labels = _label_map(a)
    for pid in a.partisan_polls:
        item = _PARTISAN_ITEMS[pid]
        rows = [r for r in _data.poll_rows(pid) if item.question in r["question_wording_as_reported"]]
        n_poll = _data.leading_int(rows[0]["sample_size"]) or a.realmeter_default_n
        subgroups = list(dict.fromkeys(r["subgroup"] for r in rows))
        for sg in subgroups:
            yes = _find(rows, item.yes, subgroup=sg, question=item.question)
            if item.no is None:
                no, answered = 1.0 - yes, 1.0
            else:
                no = _find(rows, item.no, subgroup=sg, question=item.question)
                answered = yes + no
                if a.dont_know == "refuse":
                    no, answered = 1.0 - yes, 1.0
            if sg == "all":
                key = ALL
            elif labels is None:
                key = SUBGROUP_KEYS.get(sg, sg.strip().lower().replace(" ", "_"))
            elif sg in labels:
                key = labels[sg]
            else:
                continue
            n_block = (n_poll if key == ALL else a.subgroup_n) * answered
            out.append(_Binary(pid, key, yes / (yes + no), n_block, sg))
    return tuple(out)


# --------------------------------------------------------------------------- likelihoods
_TINY = 1e-300


def _interval_probs(lo: np.ndarray, hi: np.ndarray, mu: float, sigma: float, family: Family) -> np.ndarray:
    with np.errstate(divide="ignore"):
        zl = (np.log(lo) - mu) / sigma
        zh = (np.log(hi) - mu) / sigma
    return np.maximum(standard_cdf(zh, family) - standard_cdf(zl, family), _TINY)


def _stage1_negll(theta: np.ndarray, cells: tuple[_Cell, ...], family: Family) -> float:
    mu, sigma = float(theta[0]), float(theta[1])
    if not sigma > 0:
        return math.inf
    lo = np.array([c.lower for c in cells])
    hi = np.array([c.upper for c in cells])
    counts = np.array([c.share * c.n for c in cells])
    return -float(np.sum(counts * np.log(_interval_probs(lo, hi, mu, sigma, family))))


def _stage2_terms(
    theta: np.ndarray,
    rows: tuple[_Binary, ...],
    polls: tuple[str, ...],
    groups: tuple[str, ...],
    mu: float,
    sigma: float,
    family: Family,
) -> tuple[np.ndarray, np.ndarray]:
    """Predicted accept shares and the group-shift vector for parameter vector ``theta``."""
    t = dict(zip(polls, theta[: len(polls)]))
    d = dict(zip(groups, theta[len(polls) :]))
    d[ALL] = 0.0
    z = np.array([(t[r.poll_id] - mu - d[r.group]) / sigma for r in rows])
    p_yes = 1.0 - standard_cdf(z, family)
    return p_yes, np.asarray(theta[len(polls) :], dtype=float)


def _binomial_ll(p_yes: np.ndarray, rows: tuple[_Binary, ...]) -> float:
    yes = np.array([r.yes * r.n for r in rows])
    no = np.array([(1.0 - r.yes) * r.n for r in rows])
    p = np.clip(p_yes, _TINY, 1.0 - 1e-16)
    return float(np.sum(yes * np.log(p) + no * np.log1p(-p)))


def _hessian(f: Callable[[np.ndarray], float], x: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    """Central finite-difference Hessian of ``f`` at ``x``."""
    k = len(x)
    h = rel * np.maximum(1.0, np.abs(x))
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = v
    return out


def _std_errors(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    try:
        cov = np.linalg.inv(_hessian(f, x))
        d = np.diag(cov)
        return np.where(d > 0, np.sqrt(np.abs(d)), np.nan)
    except np.linalg.LinAlgError:  # pragma: no cover - singular information
        return np.full(len(x), np.nan)


def _assumption_text(a: FitAssumptions, k: Mapping[str, float]) -> tuple[str, ...]:
    return (
        f"reading: {poll_items.STAGE1.poll_id if a.reading == 'main' else poll_items.STAGE1.alt_poll_id} ({a.reading}); family: {a.family}",
        f"'refuse to pay' = WTP <= {k['refuse_bound_krw'] / 1e9:,.1f} bn won (refuse bound)",
        f"'negotiate lower' = refuse bound < WTP < ask = ${k['ask_usd'] / 1e9:.2f} bn x "
        f"{k['krw_per_usd']:.2f} won/$ = {k['ask_krw'] / 1e12:.3f} tn won",
        "follow-up among negotiators: <2 tn 60 %, 2-3 tn 30 %, unreported rest 10 % taken as 3 tn..ask",
        "'accept the US demand' = WTP >= ask",
        f"don't-knows: {a.dont_know}",
        f"RealMeter polls without a recorded n: n = {a.realmeter_default_n:g}; every subgroup row: "
        f"n = {a.subgroup_n:g} (not reported)",
        "partisan questions: free threshold per question; groups = common (mu, sigma) shifted by delta_g; "
        f"Gaussian penalty on delta_g with s.d. {a.group_prior_sd:g}",
        "RealMeter 'all' rows are the reference (delta = 0); base population weights not used",
    )


# --------------------------------------------------------------------------- public fit
def fit_wtp(assumptions: FitAssumptions | None = None, /, **changes: Any) -> WTPModel:
    """Fit the WTP model to the poll rows (interval-censored maximum likelihood).

    Parameters
    ----------
    assumptions
        A :class:`FitAssumptions`; defaults to ``FitAssumptions()``.
    **changes
        Field overrides, e.g. ``fit_wtp(reading="alt", family="loglogistic")``.

    Returns
    -------
    WTPModel
        Groups ``all`` plus one per partisan subgroup found in the polls used, each
        ``GroupWTP(mu = mu_all + delta_g, sigma = sigma_all)``; ``fit_report()`` gives
        observed vs predicted shares by row.

    Raises
    ------
    SpecError
        On an invalid assumption (the field is named).

    Examples
    --------
    >>> m = fit_wtp()
    >>> 1.0e12 < m.median() < 2.0e12
    True
    """
    a = assumptions if assumptions is not None else FitAssumptions()
    if not isinstance(a, FitAssumptions):
        raise SpecError("assumptions must be a FitAssumptions", field="assumptions")
    if changes:
        names = {f.name for f in fields(FitAssumptions)}
        unknown = set(changes) - names
        if unknown:
            raise SpecError(f"unknown fit options {sorted(unknown)}; allowed: {', '.join(sorted(names))}",
                            field=sorted(unknown)[0])
        if isinstance(changes.get("groups"), Mapping):
            changes["groups"] = tuple((str(g), tuple(labs)) for g, labs in changes["groups"].items())
        a = replace(a, **changes)
    return _fit_cached(a)


@per_dataset(maxsize=64)
def _fit_cached(a: FitAssumptions) -> WTPModel:
    from scipy import optimize  # heavy; loaded where a fit runs, not at import

    family = a.family
    anchors = resolved_anchors(a)
    cells = overall_cells(a)

    # Stage 1: (mu, sigma) of the whole public.
    f1 = lambda th: _stage1_negll(th, cells, family)  # noqa: E731
    cum = np.cumsum([c.share for c in cells])[:-1]
    qs = np.clip(cum, 0.02, 0.98)
    z = standard_ppf(qs, family)
    logs = np.log([c.upper for c in cells[:-1]])
    slope, intercept = np.polyfit(z, logs, 1)
    x0 = np.array([intercept, max(abs(slope), 0.1)])
    r1 = optimize.minimize(f1, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    mu, sigma = float(r1.x[0]), float(r1.x[1])
    se1 = _std_errors(f1, r1.x)

    # Stage 2: per-question thresholds and group shifts.
    rows = partisan_rows(a)
    polls = tuple(dict.fromkeys(r.poll_id for r in rows))
    groups = tuple(g for g in dict.fromkeys(r.group for r in rows) if g != ALL)
    for pid in polls:
        if not any(r.poll_id == pid and r.group == ALL for r in rows):
            raise SpecError(f"poll {pid} has no whole-sample row to pin its threshold", field="partisan_polls")
    s2 = a.group_prior_sd

    def f2(th: np.ndarray) -> float:
        p, d = _stage2_terms(th, rows, polls, groups, mu, sigma, family)
        return -_binomial_ll(p, rows) + float(np.sum(d**2)) / (2 * s2**2)

    t0 = []
    for pid in polls:
        y = next(r.yes for r in rows if r.poll_id == pid and r.group == ALL)
        t0.append(mu + sigma * float(standard_ppf(min(max(1 - y, 1e-3), 1 - 1e-3), family)))
    x2 = np.concatenate([t0, np.zeros(len(groups))])
    r2 = optimize.minimize(f2, x2, method="BFGS", options={"gtol": 1e-9, "maxiter": 2000})
    th2 = r2.x
    se2 = _std_errors(f2, th2)
    p_yes, deltas = _stage2_terms(th2, rows, polls, groups, mu, sigma, family)

    # Report.
    lo = np.array([c.lower for c in cells])
    hi = np.array([c.upper for c in cells])
    pred1 = _interval_probs(lo, hi, mu, sigma, family)
    fit_rows = [
        FitRow(c.poll_id, c.subgroup, c.answer, c.lower, c.upper, c.share, float(p), c.n)
        for c, p in zip(cells, pred1)
    ]
    thr = dict(zip(polls, th2[: len(polls)]))
    for r, p in zip(rows, p_yes):
        t_krw = math.exp(thr[r.poll_id])
        item = _PARTISAN_ITEMS[r.poll_id]
        sg = r.group if a.groups is None or r.group == ALL else f"{r.group}: {r.subgroup}"
        fit_rows.append(FitRow(r.poll_id, sg, f"accept ({item.yes})", t_krw, math.inf, r.yes, float(p), r.n))
        fit_rows.append(FitRow(r.poll_id, sg, "not accept", 0.0, t_krw, 1 - r.yes, float(1 - p), r.n))
    ll1 = -f1(r1.x)
    ll2 = _binomial_ll(p_yes, rows)
    dev = 0.0
    for fr in fit_rows:
        cnt = fr.observed * fr.n_effective
        if cnt > 0:
            dev += 2 * cnt * math.log(fr.observed / max(fr.predicted, _TINY))
    params: list[tuple[str, float, float]] = [("mu_all", mu, float(se1[0])), ("sigma_all", sigma, float(se1[1]))]
    params += [(f"delta_{g}", float(dg), float(se2[len(polls) + i])) for i, (g, dg) in enumerate(zip(groups, deltas))]
    params += [(f"log_threshold_{pid}", float(thr[pid]), float(se2[i])) for i, pid in enumerate(polls)]
    nominal = {pid: anchors[item.nominal] if item.nominal is not None else math.nan for pid, item in _PARTISAN_ITEMS.items()}
    delta_of = dict(zip(groups, (float(x) for x in deltas)))
    order = groups if a.groups is None else tuple(g for g, _ in a.groups)
    report = FitReport(
        rows=tuple(fit_rows),
        log_likelihood=ll1 + ll2,
        deviance=dev,
        parameters=tuple(params),
        thresholds=tuple((pid, math.exp(thr[pid]), nominal.get(pid, math.nan)) for pid in polls),
        assumptions=_assumption_text(a, anchors)
        + tuple(f"group {g!r} has no poll rows: delta = 0 (the whole public)" for g in order if g not in delta_of),
    )
    groups_out = [GroupWTP(ALL, mu, sigma)] + [GroupWTP(g, mu + delta_of.get(g, 0.0), sigma) for g in order]
    return WTPModel(family, tuple(groups_out), fit=report, moves=())
