r"""Consent probabilities for the kernels: exact tables over a bank of Level-II parameter sets.

The consent probability of an amount at a date (:mod:`burdenshare.legislature`: the exact
Art. 49 probability averaged over the bloc latents) costs about 0.2 ms per amount, far too much
to compute per draw and per round.  The engine therefore **tabulates it exactly** and never
interpolates:

1. **Bank.**  The uncertain parameters that move consent (``[[uncertainty]]`` entries under
   ``opinion.*``, ``legislature.*``, ``cost_model.*``: transparency credibility and noise,
   backlash, the no-deal cost weight, party discipline, the pre-election opinion weight, seats
   where sources conflict) are drawn ``bank_size`` times from their distributions, from the
   quasi-random points of :func:`~burdenshare.engine.bank_sampling.bank_uniforms` (independent
   scrambled Sobol' replicates seeded from ``SeedSequence(seed, spawn_key=(BANK_SPAWN_KEY, r))``);
   each draw of the run picks one bank member with its uniform ``u_bank``.  This is a nested
   Monte-Carlo design: the Level-II parameter uncertainty is represented by ``bank_size``
   support points of the prior (default :data:`DEFAULT_BANK_SIZE`); the run summary's ``se``
   gives the error this and the draws leave in each headline figure
   (:mod:`burdenshare.engine.bank_sampling`).
   With no such entries the bank has one member, the scenario itself.
2. **Table.**  For every member, round date k, allowed duration m and grid amount
   :math:`x_j` with :math:`j_0 \le j < J` the table holds
   :math:`C[b, k, m, j] = P(\text{consent} \mid x_j, m, \text{date}_k, \theta_b)` computed by
   :meth:`burdenshare.legislature.model.LegislatureModel.consent_probability` (exact given the
   model; the quorum handled by the legislature's default, within its certified bound of about
   1e-7), all durations of a date in one kernel call (:func:`burdenshare.legislature.table.consent_table`,
   bit-identical to the per-duration calls), and a date whose legislature model equals an earlier
   date's (the bundled ``sma-2020`` has 3 distinct models over its 12 round dates) takes that
   date's table.  :math:`J - 1` is the grid index of the highest amount the host can ever accept (the
   upper end of the support of its reservation value plus the drawdown shift): no signed text
   lies above it, so no lookup needs it.  :math:`j_0` (``offset``) is the grid index of the
   lowest amount any US demand can reach (:func:`demand_floor_krw`): no text below it is ever
   initialled, and a lookup below it never changes an action (the US rejects any host offer
   below its demand whether or not the host withdraws it), so it returns 1 there.
3. **Win-set.**  :math:`W[b, k, m] = \max\{j : C[b, k, m, j] \ge \theta\}` (−1 if empty), the
   largest amount inside the win-set at the threshold θ (Putnam 1988): ``parties.host_executive.submit_threshold``
   (:attr:`~burdenshare.engine.plan.Plan.winset_threshold`), which the executive applies
   under strategic submission and a ``winset_aware`` negotiator keeps to.

Everything is computed before the kernels run; tables are cached in memory by scenario hash,
seed and options, and each member's table on disk by exactly the inputs it is computed from
(:mod:`burdenshare.engine.consent_cache`), so other processes, other seeds whose members
coincide, and sweep points whose legislatures coincide reuse it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.data.dataset import cache_key as data_cache_key
from burdenshare.engine.config import DEFAULT_BANK_SIZE
from burdenshare.engine import consent_cache
from burdenshare.engine.bank_sampling import bank_uniforms, distribution_quantile
from burdenshare.engine.member_threads import map_members
from burdenshare.engine.plan import Plan, _opening_us, level_two_params
from burdenshare.engine.reference import ceil_index
from burdenshare.legislature.from_scenario import base_median_krw, legislature_model
from burdenshare.legislature.table import consent_table
from burdenshare.scenario import scenario_hash
from burdenshare.scenario.schema import Scenario
from burdenshare.scenario.vintage import reads_as_of

__all__ = ["DEFAULT_BANK_SIZE", "ConsentBank", "bank_members", "bank_scenarios", "build_consent_bank", "demand_floor_krw", "fit_seats",
           "host_cap_krw", "prefetch_members", "set_path", "winset_of"]


_CACHE: dict[tuple[Any, ...], ConsentBank] = {}


@dataclass(frozen=True, slots=True)
class ConsentBank:
    """Exact consent tables (module docstring).

    Attributes
    ----------
    params
        Dotted paths of the Level-II parameters that vary across members.
    values
        (K, len(params)) their values per member.
    table
        (K, R, D, J) consent probabilities; column i is grid index ``offset + i``.
    winset
        (K, R, D) largest grid index with consent >= the win-set threshold
        (:attr:`~burdenshare.engine.plan.Plan.winset_threshold`, the executive's submission
        threshold under strategic submission); ``offset - 1`` when no
        amount of the table clears it (an offer the US never accepts; −1 with offset 0).
    offset
        Grid index of the table's first column: the lowest amount any US demand can reach.
    base_log_median
        (K, R) natural log of the median willingness to pay of the host executive's partisan
        base (:func:`~burdenshare.legislature.from_scenario.base_median_krw`) at each round's
        date under each member's Level-II parameters: the opinion the executive answers to as a
        ratifier in its own right (:mod:`burdenshare.engine.reference`).
    """

    params: tuple[str, ...]
    values: NDArray[np.float64]
    table: NDArray[np.float64]
    winset: NDArray[np.int64]
    offset: int = 0
    base_log_median: NDArray[np.float64] = field(default_factory=lambda: np.zeros((1, 0)))
    #: The tables as the legislature model specifies them, where ``table`` holds them at a floor-vote
    #: noise scale below 1 (:mod:`burdenshare.engine.record_vote`); None: ``table`` is as specified.
    specified: NDArray[np.float64] | None = None
    #: The floor vote's noise scale :math:`\kappa` ``table`` is at (1: as specified).
    vote_noise_scale: float = 1.0

    @property
    def size(self) -> int:
        """Members of the bank."""
        return int(self.table.shape[0])


def set_path(data: Any, path: str, value: Any) -> None:
    """Set the field at dotted ``path`` of a scenario dump (``model_dump(by_alias=True)``) in place.

    Parameters
    ----------
    data
        Nested dicts and lists, as :meth:`pydantic.BaseModel.model_dump` gives them.
    path
        Dotted path of an ``[[uncertainty]]`` entry (``legislature.periods.0.seats.ppp``); a
        segment under a list is its index.
    value
        The new value.

    Raises
    ------
    KeyError, IndexError
        The path does not exist in ``data``.

    Examples
    --------
    >>> d = {"a": {"b": [1, {"c": 2}]}}
    >>> set_path(d, "a.b.1.c", 5); d
    {'a': {'b': [1, {'c': 5}]}}
    """
    parts = path.split(".")
    cur = data
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value


def fit_seats(data: Any, paths: Sequence[str]) -> None:
    """Keep drawn seats within the house, in place: an excess is taken from the ``unattributed``
    bloc, then from the largest other bloc (the rule of
    :meth:`burdenshare.legislature.seats.SeatTable.pick`).

    Parameters
    ----------
    data
        A scenario dump (``model_dump(by_alias=True)``) after :func:`set_path` calls.
    paths
        The dotted paths that were set; only the periods whose seats appear among them are fitted.

    Examples
    --------
    >>> d = {"legislature": {"total_seats": 10, "periods": [{"seats": {"a": 6, "b": 3, "unattributed": 2}}]}}
    >>> fit_seats(d, ["legislature.periods.0.seats.a"]); d["legislature"]["periods"][0]["seats"]
    {'a': 6, 'b': 3, 'unattributed': 1}
    """
    leg = data["legislature"]
    for i, period in enumerate(leg["periods"]):
        seats = period.get("seats")
        if not seats or not any(p.startswith(f"legislature.periods.{i}.seats.") for p in paths):
            continue
        excess = sum(seats.values()) - int(leg["total_seats"])
        order = (["unattributed"] if "unattributed" in seats else []) + sorted(
            (b for b in seats if b != "unattributed"), key=lambda b: (-seats[b], b))
        for b in order:
            if excess <= 0:
                break
            take = min(excess, seats[b])
            seats[b] -= take
            excess -= take


@reads_as_of
def bank_members(scenario: Any, seed: int, size: int, only: Sequence[int] | None = None
                 ) -> tuple[tuple[str, ...], NDArray[np.float64], list[Any]]:
    """Draw the bank's members as data: ``(paths, values (K, P), data)``; integer fields (seats) are rounded.

    Member b takes point b of :func:`~burdenshare.engine.bank_sampling.bank_uniforms` (scrambled
    Sobol' replicates), mapped through each distribution's quantile function; ``data[b]`` is the
    scenario's dump (``model_dump(mode="python", by_alias=True)``) with those values set, which
    :func:`bank_scenarios` validates into member b's scenario.  It names the member in the disk
    cache (:func:`~burdenshare.engine.consent_cache.member_key`), so a cached member is never validated.
    With ``only``, the other members' data are ``None``."""
    idx = level_two_params(scenario)
    if not idx:
        return (), np.zeros((1, 0)), [scenario.model_dump(mode="python", by_alias=True)]
    dists = [scenario.uncertainty[i] for i in idx]
    u = bank_uniforms(seed, size, len(dists))
    values = np.column_stack([distribution_quantile(d, u[:, j]) for j, d in enumerate(dists)])
    out: list[Any] = []
    for b in range(size):
        if only is not None and b not in only:
            out.append(None)
            continue
        data = scenario.model_dump(mode="python", by_alias=True)
        for j, d in enumerate(dists):
            v: Any = float(values[b, j])
            if ".seats." in d.param:
                v = int(round(v))
                values[b, j] = v
            set_path(data, d.param, v)
        fit_seats(data, [d.param for d in dists])
        out.append(data)
    return tuple(d.param for d in dists), values, out


@reads_as_of
def bank_scenarios(scenario: Any, seed: int, size: int) -> tuple[tuple[str, ...], NDArray[np.float64], list[Any]]:
    """Draw the bank: ``(paths, values (K, P), scenarios)`` (:func:`bank_members`, each member validated)."""
    paths, values, data = bank_members(scenario, seed, size)
    if not paths:
        return paths, values, [scenario]
    return paths, values, [Scenario.model_validate(d) for d in data]


@reads_as_of
def host_cap_krw(scenario: Any, plan: Plan) -> float:
    """The highest amount the host can ever accept: the top of its reservation value's support
    (or its value), at least its opening, plus the drawdown shift."""
    rok = scenario.parties.host.id
    s = scenario.strategies[rok]
    top = float(s.reservation_value_krw)
    for d in scenario.uncertainty:
        if d.param == f"strategies.{rok}.reservation_value_krw":
            hi = getattr(d, "high", None)
            top = float(hi) if hi is not None and d.dist in ("uniform", "truncnorm", "beta", "triangular") else math.inf
    if s.opening_offer_krw is not None:
        top = max(top, float(s.opening_offer_krw))
    return top + plan.drawdown_shift_krw


def _support_low(scenario: Any, path: str, nominal: float | None) -> float:
    """Lowest value a parameter can take in a draw: its distribution's lower support, else the value."""
    for d in scenario.uncertainty:
        if d.param == path:
            if d.dist in ("uniform", "truncnorm", "beta", "triangular"):
                return float(d.low)
            if d.dist in ("lognormal", "bernoulli"):
                return 0.0
            return -math.inf
    return math.inf if nominal is None else float(nominal)


@reads_as_of
def demand_floor_krw(scenario: Any, plan: Plan) -> float:
    """The lowest amount any US demand can reach in any draw (module docstring, step 2).

    A US demand lies between the negotiator's floor and its opening; the floor is at least
    ``min(r_US, opening)`` and, under a new administration, ``min(r_US, r_new)``.  No text below
    this amount is ever initialled, so the tables start there.
    """
    us = scenario.parties.proposer.id
    s = scenario.strategies[us]
    pre = f"strategies.{us}."
    low = min(
        _support_low(scenario, pre + "reservation_value_krw", s.reservation_value_krw),
        _support_low(scenario, pre + "opening_offer_krw", _opening_us(scenario)),
    )
    pr = scenario.parties.principal
    low = min(low, _support_low(scenario, "parties.principal.reservation_value_after_change_krw",
                                pr.reservation_value_after_change_krw))
    return low


def _member_table(data: Any, plan: Plan, amounts: NDArray[np.float64], member: Any = None
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One member's consent table (R, D, J) and log base medians (R,), through the disk cache
    (:mod:`burdenshare.engine.consent_cache`): by the member key of its data (:func:`bank_members`),
    else by the exact key of its legislature models, else computed and stored under both.  The
    member's scenario (``member``, else ``data`` validated) is built only on a member-key miss."""
    dates, durations = plan.round_dates, plan.durations
    shape = (plan.n_rounds, durations.size, amounts.size)
    mkey = consent_cache.member_key(data, dates, durations, amounts)
    hit = consent_cache.load_table(mkey, shape, alias=True)
    if hit is not None:
        return hit
    if member is None:
        member = Scenario.model_validate(data)
    models = [legislature_model(member, day) for day in dates]
    medians = [base_median_krw(member, day) for day in dates]
    ekey = consent_cache.exact_key(models, medians, dates, durations, amounts)
    hit = consent_cache.load_table(ekey, shape)
    if hit is None:
        table = np.zeros(shape)
        first: dict[Any, int] = {}  # a date whose legislature equals an earlier date's has its table
        for k, model in enumerate(models):
            same = first.setdefault(model, k)
            if same != k:
                table[k] = table[same]
            else:
                table[k] = consent_table(model, amounts, durations.tolist())  # all durations in one kernel call
        hit = table, np.log(np.asarray(medians, dtype=np.float64))
    consent_cache.store_table(ekey, hit[0], hit[1], alias_of=mkey)
    return hit


def winset_of(table: NDArray[np.float64], offset: int, threshold: float) -> NDArray[np.int64]:
    """:math:`W[b, k, m] = \\max\\{j : C[b, k, m, j] \\ge \\theta\\}` (``offset - 1`` where empty; module docstring).

    Parameters
    ----------
    table
        (K, R, D, J) consent probabilities; column i is grid index ``offset + i``.
    offset
        Grid index of the table's first column.
    threshold
        The win-set level θ.

    Returns
    -------
    numpy.ndarray
        (K, R, D) contiguous int64 grid indices.
    """
    ok = table >= threshold
    j_idx = np.arange(table.shape[-1])
    w = np.where(ok.any(axis=3), np.where(ok, offset + j_idx, -1).max(axis=3), offset - 1)
    return np.ascontiguousarray(w.astype(np.int64))


def _table_amounts(scenario: Any, plan: Plan, full: bool = False) -> tuple[int, NDArray[np.float64]]:
    """The table's first grid index and its amounts (module docstring, step 2)."""
    cap = host_cap_krw(scenario, plan)
    j_cap = plan.n_grid - 1 if not math.isfinite(cap) else min(plan.n_grid - 1, int(math.floor((cap - plan.amount_min) / plan.amount_step + 1e-9)))
    low = demand_floor_krw(scenario, plan)
    off = 0 if full or not math.isfinite(low) else min(j_cap, ceil_index(low, plan.amount_min, plan.amount_step, plan.n_grid))
    n_j = max(1, j_cap - off + 1)
    amounts = plan.amount_min + plan.amount_step * np.arange(off, off + n_j)
    return off, np.maximum(amounts, 1.0)  # the legislature needs positive amounts


@reads_as_of
def prefetch_members(scenario: Any, plan: Plan, seed: int, size: int, members: Sequence[int]) -> int:
    """Compute the tables of some members of a bank into the disk cache, without building the bank.

    The bank's members are independent, so processes can each compute a share of them
    (:mod:`burdenshare.web.prefetch`); :func:`build_consent_bank` then loads every member from
    :mod:`burdenshare.engine.consent_cache`.  This only saves time: the tables are the ones
    :func:`build_consent_bank` computes (same member scenarios, same code), and a table that is
    not found there is computed again.

    Returns
    -------
    int
        Members whose tables are now in the cache (0 when the cache is off).
    """
    if consent_cache.cache_dir() is None:
        return 0
    _, amounts = _table_amounts(scenario, plan)
    paths, _, data = bank_members(scenario, int(seed), int(size), only=list(members))
    keep = [b for b in members if 0 <= b < len(data) and data[b] is not None]
    map_members(lambda b: _member_table(data[b], plan, amounts, None if paths else scenario), keep)
    return len(keep)


@reads_as_of
def build_consent_bank(scenario: Any, plan: Plan, seed: int, size: int = DEFAULT_BANK_SIZE, *,
                       full: bool = False) -> ConsentBank:
    """Tabulate the exact consent probability (module docstring) for ``scenario``'s run.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        Its :class:`~burdenshare.engine.plan.Plan`.
    seed
        The run's seed (the bank's stream is derived from it).
    size
        Members of the bank when Level-II parameters are uncertain.
    full
        Start the table at grid index 0 instead of the lowest reachable demand (for tests: the
        outcomes must not change).

    Returns
    -------
    ConsentBank
    """
    key = (data_cache_key(), scenario_hash(scenario), int(seed), int(size), plan.winset_threshold, plan.round_dates,
           tuple(plan.durations.tolist()), plan.drawdown_shift_krw, full)
    if key in _CACHE:
        return _CACHE[key]
    paths, values, members = bank_members(scenario, int(seed), int(size))
    off, amounts = _table_amounts(scenario, plan, full)
    n_j = amounts.size
    k_n, r_n, d_n = len(members), plan.n_rounds, plan.durations.size
    table = np.zeros((k_n, r_n, d_n, n_j))
    base = np.zeros((k_n, r_n))
    # the members in threads: one member's compiled kernel beside the next one's Python (bit-identical)
    for b, (t_b, base_b) in enumerate(map_members(lambda d: _member_table(d, plan, amounts, None if paths else scenario),
                                                  members)):
        table[b], base[b] = t_b, base_b
    winset = winset_of(table, off, plan.winset_threshold)
    bank = ConsentBank(paths, values, np.ascontiguousarray(table), winset, off,
                       np.ascontiguousarray(base))
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = bank
    return bank
