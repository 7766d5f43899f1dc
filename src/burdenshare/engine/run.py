r"""Monte-Carlo runs of the two-level model: :func:`simulate` and its :class:`RunResult`.

Steps (DESIGN.md §5):

1. build the :class:`~burdenshare.engine.plan.Plan` (calendar, grid, furlough, drawdown) and the
   exact consent tables over the Level-II bank (:mod:`burdenshare.engine.consent`);
2. for each chunk of whole blocks of :data:`~burdenshare.engine.draws.BLOCK_SIZE` draws
   (:func:`run_chunk`, the one public per-chunk step that the backends and the sensitivity
   analysis use too): draw (:mod:`burdenshare.engine.draws`), form the per-draw columns, run the
   batch kernel (:mod:`burdenshare.engine.kernel`; the text's opening amount is the level
   equivalent over the expected schedule's level, fixed at signing, and where the escalator's index
   is drawn per draw, :mod:`burdenshare.engine.index_draws`, the draw's path moves only the later
   payments) and write the chunk's columns into arrays
   preallocated for the whole run (no concatenation); optionally hand each chunk to a callback
   (a store writing rows unit by unit) and keep only the outcome columns the summary needs,
   integers as int16 (``keep_rows=False``, :func:`keep_compact`);
3. summarise from the complete, ordered outcome columns (:meth:`RunResult.summary`), so the
   result is bit-identical whatever the chunk size.

Summary definitions (DESIGN.md §6 units: won, percent, probabilities, ``null`` when absent):
``p_agreement`` = share of draws in which a text is signed (initialled and approved by the US
President) within the horizon; ``p_ratified`` = share in which a signed text obtains the
Assembly's consent (≤ ``p_agreement``); distributions are over ratified agreements;
``mean_p_consent`` = mean consent probability of the last text put to a vote, over draws with a
vote; ``p_agreement_by[d]`` = share of draws with a text signed on or before d, for the key dates
(``outputs.key_dates``), the round dates after them and ``protocol.horizon``;
``rounds_to_agreement`` = rounds played up to the ratified signing (1 = the first round);
``expected_lapses`` over the planning horizon H (THEORY.md §16): the current lapse (no ratified
agreement by ``protocol.deadline``) plus :math:`(\lceil H/m\rceil - 1)\hat p` renewals that lapse,
with m the agreed duration (the shortest allowed without one) and :math:`\hat p` the run's own
probability that talks fail to end in consent within the renewal window.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare._version import __version__
from burdenshare.engine.config import DEFAULT_CHUNK_BLOCKS, MAX_DRAWS, RunConfig, run_identity
from burdenshare.engine.consent import ConsentBank
from burdenshare.engine.draws import BLOCK_SIZE, DrawLayout, Draws, draw_range
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.plan import Plan, draw_columns
from burdenshare.engine.prepare import Prepared, prepare
from burdenshare.engine.record_vote import sharpen
from burdenshare.engine.reference import FLOAT_OUTPUTS, INT_OUTPUTS
from burdenshare.errors import SpecError
from burdenshare.legislature.from_scenario import legislature_model
from burdenshare.scenario import scenario_hash
from burdenshare.scenario.vintage import reads_as_of

__all__ = ["CAP_COLUMN", "DEFAULT_CHUNK_BLOCKS", "MAX_DRAWS", "OUTCOME_COLUMNS", "PARAM_COLUMNS", "Chunk", "ChunkFn",
           "RunResult", "escalator_text", "issue_column", "play_draws", "run_chunk", "simulate", "summary_rows"]

#: The per-draw kernel columns of :attr:`RunResult.params`, in order (won, NegMAS exponents,
#: discount factors, audience costs, the President's values: float64; obstinate types, change of
#: administration, bank member: int64).  ``param:<dotted path>`` columns follow them.
PARAM_COLUMNS: tuple[str, ...] = (
    "r_us", "r_rok", "open_us", "open_rok", "e_us", "e_rok", "delta_us", "delta_rok", "aud_us", "aud_rok",
    "r_pres", "r_pres_after", "obst_us", "obst_rok", "change", "bank",
)
#: The per-draw outcome columns of :attr:`RunResult.outcomes`, in order (int64, then float64).
OUTCOME_COLUMNS: tuple[str, ...] = (*(k for k in INT_OUTPUTS if k != "escalator_index"), *FLOAT_OUTPUTS)
#: The signed escalator rate (percent; NaN without an agreement), an outcome only where the scenario
#: bargains the rate (``cost_model.escalator.rate_grid_pct``; :mod:`burdenshare.bargaining.rate_value`).
RATE_COLUMN: str = "escalator_pct"
#: The signed cap of an index-linked escalator (percent; NaN without an agreement), an outcome only
#: where the scenario bargains the cap (``cost_model.escalator.cap_grid_pct``;
#: :mod:`burdenshare.bargaining.index_cap`).
CAP_COLUMN: str = "escalator_cap_pct"


def issue_column(grid: Any) -> str:
    """The outcome column and summary key of a bargained escalator parameter (:data:`RATE_COLUMN` or
    :data:`CAP_COLUMN`, by the grid's ``issue``)."""
    return CAP_COLUMN if getattr(grid, "issue", "rate") == "cap" else RATE_COLUMN


@dataclass(frozen=True)
class Chunk:
    """Played draws of one chunk (:func:`run_chunk`).

    Attributes
    ----------
    index
        (n,) global draw indices (int64).
    params
        Parameter columns: :data:`PARAM_COLUMNS`, then ``param:<dotted path>`` for every
        ``[[uncertainty]]`` entry (Level-II ones: the value of the draw's bank member); empty when
        the caller asked for outcomes only.
    outcomes
        Outcome columns :data:`OUTCOME_COLUMNS`.

    All columns are 1-D, C-contiguous and of length n.
    """

    index: NDArray[np.int64]
    params: dict[str, NDArray[Any]]
    outcomes: dict[str, NDArray[Any]]

    def __len__(self) -> int:
        return int(self.index.size)


#: Called by :func:`simulate` with each finished :class:`Chunk`, in draw order.
ChunkFn = Callable[[Chunk], None]


_Target = tuple[dict[str, NDArray[Any]], int, int]  # (columns, first row, rows of a new array)


def _fill(scenario: Any, plan: Plan, bank: ConsentBank, layout: DrawLayout, d: Draws,
          outcomes: _Target, params: _Target | None) -> None:
    """Play ``d`` and write its outcome and parameter columns into the targets.

    A target is ``(columns, at, total)``: the chunk's rows go to ``columns[name][at:at + n]``;
    a missing array is created with ``total`` rows (the dtype of the chunk's column), so a caller
    can preallocate a whole run.  ``params=None`` skips the parameter columns.
    """
    n = len(d)
    cols = draw_columns(scenario, layout, d, bank.size)
    ix = plan.index_draws
    if ix is not None and (d.z_index is None or d.z_index.shape[1] != ix.n):
        raise SpecError(f"the draws carry no index normals for {ix.n} years; draw them with the scenario's layout",
                        field="draws")
    # the opening amount is the level equivalent over the expected schedule's level, fixed at signing
    # (plan.level_factor, or the signed cap's; bargaining.index_cap): a draw's index path moves only
    # the later payments (engine.index_draws)
    oi, of = run_kernel(plan, bank.table, bank.winset, cols, d.u_vote, bank.offset, base_log_median=bank.base_log_median)

    def put(target: _Target, name: str, src: NDArray[Any]) -> None:
        out, at, total = target
        arr = out.get(name)
        if arr is None:
            arr = out[name] = np.empty(total, dtype=src.dtype)
        arr[at:at + n] = src

    for j, name in enumerate(INT_OUTPUTS):
        if name == "escalator_index":
            if plan.rate_grid is not None:  # the signed rate or cap, where it is bargained
                g = oi[:, j]
                put(outcomes, issue_column(plan.rate_grid),
                    np.where(g >= 0, plan.rate_grid.rates_pct[np.maximum(g, 0)], np.nan))
            continue
        put(outcomes, name, oi[:, j])
    for j, name in enumerate(FLOAT_OUTPUTS):
        put(outcomes, name, of[:, j])
    if params is None:
        return
    for k in PARAM_COLUMNS:
        put(params, k, cols[k])
    for j, path in enumerate(layout.params):
        put(params, f"param:{path}", d.params[:, j])
    member = cols["bank"]
    for j, path in enumerate(bank.params):
        put(params, f"param:{path}", bank.values[member, j])


def play_draws(prepared: Prepared, draws: Draws, *, params: bool = True
               ) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
    """Play given draws through the batch kernel: the engine's per-chunk step on any :class:`Draws`.

    Parameters
    ----------
    prepared
        The run's :class:`~burdenshare.engine.prepare.Prepared` setup (scenario, plan, consent
        bank, draw layout; each draw uses its bank member ``bank``).
    draws
        The draws (from :func:`~burdenshare.engine.draws.draw_range`, or built by the caller,
        e.g. the same vote-level uniforms at many parameter points), laid out as ``prepared.layout``.
    params
        Also return the parameter columns (``False``: outcomes only, cheaper).

    Returns
    -------
    params, outcomes
        Dicts of 1-D contiguous columns (:class:`Chunk`), one row per draw.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> from burdenshare.engine.config import RunConfig
    >>> prep = prepare(load_scenario("sma-2020-hindsight"), RunConfig(draws=10, seed=0, bank_size=1))
    >>> p, o = play_draws(prep, draw_range(prep.layout, 0, 0, 1, 10))
    >>> o["agreed"].shape, list(p)[:3]
    ((10,), ['r_us', 'r_rok', 'open_us'])
    """
    n = len(draws)
    pcols: dict[str, NDArray[Any]] = {}
    ocols: dict[str, NDArray[Any]] = {}
    _fill(prepared.scenario, prepared.plan, prepared.bank, prepared.layout, draws, (ocols, 0, n),
          (pcols, 0, n) if params else None)
    return pcols, ocols


def run_chunk(prepared: Prepared, start_block: int, n_blocks: int, *, params: bool = True) -> Chunk:
    """Draw and play blocks ``start_block .. start_block + n_blocks - 1`` of a run (cut at its draws).

    Exactly what :func:`simulate` does for each of its chunks: a chunk's rows depend only on
    (scenario, seed, bank size, blocks), so chunks computed anywhere, in any order, concatenate
    to :func:`simulate`'s arrays.

    Parameters
    ----------
    prepared
        The run's :class:`~burdenshare.engine.prepare.Prepared` setup (its config gives the seed
        and the total draws, where the last block is cut).
    start_block, n_blocks
        The chunk, in whole blocks of :data:`~burdenshare.engine.draws.BLOCK_SIZE` draws.
    params
        Also compute the parameter columns.

    Returns
    -------
    Chunk
    """
    cfg = prepared.config
    d = draw_range(prepared.layout, cfg.seed, start_block, n_blocks, cfg.draws)
    p, o = play_draws(prepared, d, params=params)
    return Chunk(np.ascontiguousarray(d.index, dtype=np.int64), p, o)


def _q(x: NDArray[np.float64], qs: tuple[float, ...]) -> list[float] | None:
    if x.size == 0:
        return None
    return [float(v) for v in np.quantile(x, qs)]


def _by_dates(plan: Plan, scenario: Any) -> list[dt.date]:
    """The dates of ``p_agreement_by``: the key dates, then the round dates after the last of them and
    ``protocol.horizon`` (the scenario's own timeline up to the horizon), sorted, without repeats."""
    days = list(plan.key_dates)
    last = max(days) if days else None
    days += [d for d in plan.round_dates if last is None or d > last]
    if scenario is not None:
        days.append(scenario.protocol.horizon)
    return sorted(set(days))


def _term_summary(dur: NDArray[np.float64]) -> dict[str, Any] | None:
    """Mean, quantiles and the distribution of the ratified terms (years); None without one."""
    if dur.size == 0:
        return None
    q = np.quantile(dur, (0.1, 0.5, 0.9))
    years, counts = np.unique(dur.astype(np.int64), return_counts=True)
    return {"mean": float(dur.mean()), "p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2]),
            "p": {str(int(y)): float(c) / dur.size for y, c in zip(years, counts)}}


def schedule_quantiles(plan: Plan, x: NDArray[np.float64], dur: NDArray[np.int64],
                       currency: str = "krw", year_factor_rows: NDArray[np.float64] | None = None
                       ) -> tuple[str, dict[str, Any]]:
    """``("schedule_<currency>", {year: {p10, p50, p90} | None})`` for every calendar year from the
    agreement's first to first + longest allowed term - 1, over the ratified draws (opening amounts
    ``x``, terms ``dur``) whose term covers that year.  ``year_factor_rows`` (len(x), D, max term):
    each draw's own year factors (a drawn index path, :mod:`burdenshare.engine.index_draws`);
    default the plan's."""
    top = int(plan.durations.max())
    yf = plan.year_factor
    if yf is None:
        yf = np.where(np.arange(top)[None, :] < plan.durations[:, None], 1.0, np.nan)
    d_idx = np.searchsorted(plan.durations, dur)
    rows = np.arange(x.size)
    out: dict[str, Any] = {}
    for i in range(top):
        cover = dur > i
        f = yf[d_idx[cover], i] if year_factor_rows is None else year_factor_rows[rows[cover], d_idx[cover], i]
        vals = x[cover] * f
        q = _q(vals, (0.1, 0.5, 0.9))
        out[str(plan.first_year + i)] = None if q is None else dict(zip(("p10", "p50", "p90"), q))
    return f"schedule_{currency}", out


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


@dataclass(frozen=True)
class RunResult:
    """The tidy outcome of :func:`simulate`: one row per draw.

    Attributes
    ----------
    scenario, scenario_hash, seed, draws
        What was run.
    config
        The run options (:class:`~burdenshare.engine.config.RunConfig`); with the scenario they
        give :attr:`run_id`.
    plan
        The static inputs (calendar, grid).
    bank
        The consent tables and the Level-II parameter values of each bank member.
    params
        Per-draw parameter columns (:data:`PARAM_COLUMNS`: won, NegMAS exponents, 0/1 types, bank
        member; then ``param:<dotted path>``); empty for ``simulate(..., keep_rows=False)``.
    outcomes
        Per-draw outcome columns (:data:`OUTCOME_COLUMNS`), 1-D arrays.

    :meth:`summary` is computed once and cached (each call returns a fresh copy).
    """

    scenario: str
    scenario_hash: str
    seed: int
    draws: int
    plan: Plan
    bank: ConsentBank
    params: dict[str, NDArray[Any]]
    outcomes: dict[str, NDArray[Any]]
    version: str = field(default="")
    config: RunConfig | None = field(default=None)
    _scenario_obj: Any = field(default=None, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, prepared: Prepared, params: dict[str, NDArray[Any]], outcomes: dict[str, NDArray[Any]], *,
           version: str = __version__) -> RunResult:
        """The result of a run played with ``prepared`` (its scenario, config, plan and bank) from its
        columns: what :func:`simulate` returns, and what the store rebuilds from stored rows."""
        cfg = prepared.config
        return cls(scenario=str(prepared.scenario.name), scenario_hash=scenario_hash(prepared.scenario), seed=cfg.seed,
                   draws=cfg.draws, plan=prepared.plan, bank=prepared.bank, params=params, outcomes=outcomes,
                   version=version, config=cfg, _scenario_obj=prepared.scenario)

    @property
    def run_id(self) -> str | None:
        """The run identity (:func:`~burdenshare.engine.config.run_identity`), the id the store,
        the CLI and the web API give these inputs (``None`` without the scenario and config)."""
        if self._scenario_obj is None or self.config is None:
            return None
        if "run_id" not in self._cache:
            self._cache["run_id"] = run_identity(self._scenario_obj, self.config)
        return str(self._cache["run_id"])

    @property
    def index(self) -> NDArray[np.int64]:
        """Draw indices 0..draws-1."""
        return np.arange(self.draws, dtype=np.int64)

    def signed_dates(self) -> list[dt.date | None]:
        """Date of the last signed text per draw (None where none)."""
        d = self.plan.round_dates
        return [d[k] if k >= 0 else None for k in self.outcomes["signed_round"].tolist()]

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Self-describing outcome rows (DESIGN.md §5): run identity, draw, parameters, outcomes."""
        n = self.draws if limit is None else min(limit, self.draws)
        out = []
        for i in range(n):
            row: dict[str, Any] = {"scenario": self.scenario, "scenario_hash": self.scenario_hash,
                                   "seed": self.seed, "version": self.version, "draw": i}
            for k, v in self.params.items():
                row[k] = v[i].item()
            for k, v in self.outcomes.items():
                row[k] = v[i].item()
            out.append(row)
        return out

    def _repr_html_(self) -> str:
        """Notebook display: the bottom line first, then the summary (:mod:`burdenshare.report.notebook`)."""
        from burdenshare.report.notebook import run_html

        return run_html(self)

    def summary(self) -> dict[str, Any]:
        """The run's summary (module docstring for the definitions), JSON-ready.

        Computed once from the outcome columns and cached; every call returns a fresh copy.
        """
        if "summary" not in self._cache:
            self._cache["summary"] = self._summary()
        return copy.deepcopy(self._cache["summary"])

    def _summary(self) -> dict[str, Any]:
        o = self.outcomes
        n = self.draws
        agreed = o["agreed"] == 1
        rat = o["ratified"] == 1
        voted = o["votes"] > 0
        x = o["amount_krw"][rat]
        cur = self.plan.current_agreement_krw
        inc = 100.0 * (x / cur - 1.0)
        dur = o["duration_years"][rat].astype(float)
        rounds = (o["signed_round"][rat] + 1).astype(float)
        q3 = (0.1, 0.5, 0.9)
        amt = _q(x, q3)
        incq = _q(inc, q3)
        rq = _q(rounds, (0.5, 0.9))
        window = rat & (o["ratified_round"] < self.plan.renewal_window_rounds)
        p_hat = 1.0 - float(window.mean())
        # lapses = lapse_now + renewals * p_hat and p_any = 1 - (1 - lapse_now) * (1 - p_hat)^renewals,
        # each formed in one array (exact integers in, the same float64 values out, means taken once)
        renew, lapse_now = o["renewals"], o["lapse_now"]
        lapses = renew * p_hat
        lapses += lapse_now
        expected_lapses = float(lapses.mean())
        del lapses
        p_any = np.power(1.0 - p_hat, renew, dtype=np.float64)
        p_any *= 1.0 - lapse_now
        np.subtract(1.0, p_any, out=p_any)
        p_any_lapse = float(p_any.mean())
        del p_any
        by: dict[str, float] = {}
        dates = self.plan.round_dates
        sr = o["first_signed_round"]
        signed_last = o["signed_round"]
        for day in _by_dates(self.plan, self._scenario_obj):
            last_ok = sum(1 for d in dates if d <= day)  # rounds 0..last_ok-1 fall on or before day
            by[day.isoformat()] = float(((sr >= 0) & (sr < last_ok)).mean()) if n else 0.0
        votes = self._predicted_votes(x, o["duration_years"][rat], signed_last[rat])
        sched_key, sched = self._schedule(x, o["duration_years"][rat])
        return {
            "run_id": self.run_id,
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "draws": n,
            "seed": self.seed,
            "hindsight": bool(getattr(self._scenario_obj, "hindsight", False)),
            "p_agreement": float(agreed.mean()),
            "p_ratified": float(rat.mean()),
            "mean_p_consent": _num(float(o["p_consent"][voted].mean())) if voted.any() else None,
            "amount_first_year_krw": None if amt is None else dict(zip(("p10", "p50", "p90"), amt)),
            "increase_pct": None if incq is None else dict(zip(("p10", "p50", "p90"), incq)),
            "duration_years": None if dur.size == 0 else {"mean": float(dur.mean()), "p_multiyear": float((dur > 1).mean())},
            "rounds_to_agreement": None if rq is None else dict(zip(("p50", "p90"), rq)),
            "furlough_worker_days_mean": float(o["furlough_worker_days"].mean()),
            "p_agreement_by": by,
            "p_rejected_by_president": float((o["rejections_president"] > 0).mean()),
            "p_rejected_by_assembly": float((o["rejections_assembly"] > 0).mean()),
            "impasse_cost_krw_mean": {"us": float(o["impasse_cost_us_krw"].mean()), "rok": float(o["impasse_cost_rok_krw"].mean())},
            "utility_krw_mean": {"us": float(o["utility_us_krw"].mean()), "rok": float(o["utility_rok_krw"].mean())},
            "lapses": {
                "planning_horizon_years": self.plan.planning_horizon_years,
                "p_renewal_lapse": p_hat,
                "expected_lapses": expected_lapses,
                "p_any_lapse": p_any_lapse,
            },
            "predicted_votes_by_bloc": votes,
            "bank_size": self.bank.size,
            "se": self._se(),
            sched_key: sched,
            "term_years": _term_summary(dur),
            **self._rate_summary(rat),
        }

    def _rate_summary(self, rat: NDArray[np.bool_]) -> dict[str, Any]:
        """``{"escalator_pct": {"mean", "p": {"<rate>": share}}}`` over the ratified draws where the
        rate is bargained (:mod:`burdenshare.bargaining.rate_value`; ``null`` without a ratified
        draw), ``{"escalator_cap_pct": ...}`` alike where the cap is
        (:mod:`burdenshare.bargaining.index_cap`), else nothing (the summary keeps its keys)."""
        rg = self.plan.rate_grid
        col = issue_column(rg)
        if rg is None or col not in self.outcomes:
            return {}
        g = np.asarray(self.outcomes[col])[rat]
        if g.size == 0:
            return {col: None}
        return {col: {"mean": float(g.mean()),
                      "p": {f"{v:g}": float((g == v).mean()) for v in rg.rates_pct.tolist()}}}

    def _se(self) -> dict[str, Any] | None:
        """Standard errors of the headline figures (:mod:`burdenshare.engine.standard_errors`)."""
        from burdenshare.engine.standard_errors import draw_members, summary_se

        members = self.params.get("bank")
        if members is None:
            if self._scenario_obj is None or self.draws == 0:
                return None
            members = draw_members(self._scenario_obj, self.seed, self.draws, self.bank.size, self.plan.n_rounds)
        dates = self.plan.round_dates
        by = {day.isoformat(): sum(1 for d in dates if d <= day) for day in self.plan.key_dates}
        return summary_se(self.outcomes, members, self.bank.size, self.plan.current_agreement_krw, by)

    def _schedule(self, x: NDArray[np.float64], dur: NDArray[np.int64]) -> tuple[str, dict[str, Any]]:
        """Quantiles of each calendar year's payment over the ratified draws whose term covers it
        (:func:`burdenshare.agreement.year_factors`); the key names the host's currency."""
        return schedule_quantiles(self.plan, x, dur, self._currency(), self._index_factors()[1])

    def _index_factors(self) -> tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]:
        """Level and year factors of the ratified draws at their drawn index paths (None, None
        without index draws; :mod:`burdenshare.engine.index_draws`), from the run's seed; where the
        escalator rate is bargained, at each draw's signed rate (:mod:`burdenshare.bargaining.rate_value`);
        where the cap is, the level of the signed cap's expected schedule (what was voted on) and the
        year factors of the draw's index path at its signed cap (:mod:`burdenshare.bargaining.index_cap`)."""
        ix = self.plan.index_draws
        rg = self.plan.rate_grid
        col = issue_column(rg)
        if ix is not None and rg is not None and rg.issue == "cap" and col in self.outcomes:
            # a bargained cap: the voted level at the signed cap's expected schedule, the payments at
            # the draw's index path capped at it (bargaining.index_cap)
            if "cap_factors" not in self._cache:
                from burdenshare.engine.index_draws import index_z

                rows = np.flatnonzero(self.outcomes["ratified"] == 1)
                caps = np.asarray(self.outcomes[col], dtype=np.float64)[rows]
                gi = np.searchsorted(rg.rates_pct, caps)
                year = ix.factors(index_z(self.seed, rows, ix.n), caps=caps)[1]
                self._cache["cap_factors"] = (np.ascontiguousarray(rg.level[:, gi].T), year)
            lv, yr = self._cache["cap_factors"]
            return lv, yr
        if ix is None and rg is not None and col in self.outcomes:  # each draw's signed rate (or sure-path cap)
            if "rate_factors" not in self._cache:
                rat = self.outcomes["ratified"] == 1
                gi = np.searchsorted(rg.rates_pct, np.asarray(self.outcomes[col])[rat])
                top = rg.weights.shape[2]
                w = np.where(np.arange(top)[None, None, :] < self.plan.durations[:, None, None], rg.weights, np.nan)
                self._cache["rate_factors"] = (np.ascontiguousarray(rg.level[:, gi].T),
                                               np.ascontiguousarray(np.transpose(w[:, gi, :], (1, 0, 2))))
            lv, yr = self._cache["rate_factors"]
            return lv, yr
        if ix is None:
            return None, None
        if "index_factors" not in self._cache:
            from burdenshare.engine.index_draws import index_z

            rows = np.flatnonzero(self.outcomes["ratified"] == 1)
            year = ix.factors(index_z(self.seed, rows, ix.n))[1]
            # the level voted on: the expected schedule's, the same for every draw (plan.level_factors())
            level = np.broadcast_to(self.plan.level_factors(), (rows.size, self.plan.durations.size))
            self._cache["index_factors"] = (level, year)
        level, year = self._cache["index_factors"]
        return level, year

    def _currency(self) -> str:
        sc = self._scenario_obj
        return "krw" if sc is None else str(sc.parties.host.currency).lower()

    def _predicted_votes(self, x: NDArray[np.float64], dur: NDArray[np.int64], rounds: NDArray[np.int64]) -> dict[str, Any] | None:
        r"""Expected votes by bloc for the median ratified agreement (nominal legislature) and its
        probability of passing at the run's floor vote, :math:`\Phi(\Phi^{-1}(C)/\kappa)` of the
        model's :math:`C` at the noise scale the run's tables are at
        (:attr:`~burdenshare.engine.consent.ConsentBank.vote_noise_scale`; the counts do not depend on it)."""
        if x.size == 0 or self._scenario_obj is None:
            return None

        order = np.lexsort((np.arange(x.size), x))
        mid = int(order[(x.size - 1) // 2])
        amount, m, k = float(x[mid]), int(dur[mid]), int(rounds[mid])
        day = self.plan.round_dates[k]
        model = legislature_model(self._scenario_obj, day)
        lf = self.plan.level_factor
        d = int(np.searchsorted(self.plan.durations, m))
        rows_lf = self._index_factors()[0]
        level = (amount * float(rows_lf[mid, d]) if rows_lf is not None
                 else amount if lf is None else amount * float(lf[d]))
        pred = model.predicted_votes(level, m)  # the schedule at its level equivalent (burdenshare.agreement)
        yes, not_yes, absent = pred.totals
        kappa = float(self.bank.vote_noise_scale)
        return {
            "amount_krw": amount,
            "duration_years": m,
            "date": day.isoformat(),
            "p_consent": float(sharpen(np.array([pred.p_consent]), kappa)[0]),
            "vote_noise_scale": kappa,
            "blocs": pred.rows(),
            "totals": {"yes": yes, "not_yes": not_yes, "absent": absent},
        }


def keep_compact(columns: dict[str, NDArray[Any]], chunk: dict[str, NDArray[Any]], at: int, total: int) -> None:
    """Copy a chunk's outcome columns into a run's arrays of ``total`` rows at row ``at``, integer
    columns as int16 (the engine's integer outcomes are flags, rounds, grid indices and counts,
    far inside its range; a column whose values leave it is widened to int64), float columns as
    they are.  The values are exact, so every figure computed from them is the same to the bit
    as from the int64 columns, at 2 instead of 8 bytes per integer (:func:`simulate` with
    ``keep_rows=False``: 80 instead of 152 bytes per draw).
    """
    info = np.iinfo(np.int16)
    for name, src in chunk.items():
        arr = columns.get(name)
        if arr is None:
            arr = columns[name] = np.empty(total, dtype=np.int16 if src.dtype.kind in "iu" else src.dtype)
        if arr.dtype == np.int16 and src.size and (int(src.min()) < info.min or int(src.max()) > info.max):
            arr = columns[name] = arr.astype(np.int64)  # rows not yet written are overwritten later
        arr[at:at + src.size] = src


@reads_as_of
def simulate(
    scenario: Any,
    config: RunConfig | None = None,
    *,
    prepared: Prepared | None = None,
    keep_rows: bool = True,
    on_chunk: ChunkFn | None = None,
    **options: Any,
) -> RunResult:
    """Run the two-level model of ``scenario`` under ``config``.

    Parameters
    ----------
    scenario
        A validated :class:`~burdenshare.scenario.Scenario` (every model assumption is a field).
    config
        The run options (:class:`~burdenshare.engine.config.RunConfig`: draws, seed, bank size,
        chunk size).  Instead of a config, its fields may be given as keywords
        (``simulate(sc, draws=2048, seed=1)``), not both.
    prepared
        The setup of :func:`~burdenshare.engine.prepare.prepare` for this scenario and config,
        when the caller has it already (default: built here).
    keep_rows
        Keep the parameter columns in the result (default).  ``False`` keeps only the outcome
        columns the summary reads (``RunResult.params`` is then empty), the integer ones as
        int16 (:func:`keep_compact`; same values, same summary): about 80 instead of 390 bytes
        per draw.
    on_chunk
        Called with each finished :class:`Chunk` (parameters and outcomes), in draw order, e.g.
        to write rows to a store unit by unit; with ``keep_rows`` its arrays are views of the
        result's (do not modify them).
    **options
        :class:`~burdenshare.engine.config.RunConfig` fields when ``config`` is not given.

    Returns
    -------
    RunResult

    Raises
    ------
    SpecError
        Bad run options, unsupported strategies.
    ScenarioError
        Lever values the engine cannot play (an ask outside the amount grid).

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> r = simulate(load_scenario("sma-2020-hindsight"), RunConfig(draws=2048, seed=1))
    >>> s = r.summary()
    >>> s["p_ratified"] <= s["p_agreement"], s["run_id"] == r.run_id
    (True, True)
    """
    if config is None:
        config = RunConfig(**options)
    elif options:
        raise SpecError(f"give run options in the config or as keywords, not both (got {sorted(options)})",
                        field="config")
    if not isinstance(config, RunConfig):
        raise SpecError(f"got {type(config).__name__}; allowed: a RunConfig", field="config")
    if prepared is None:
        prepared = prepare(scenario, config)
    elif prepared.scenario is not scenario or prepared.config.identity() != config.identity():
        raise SpecError("the prepared setup belongs to another scenario or config", field="prepared")
    draws, seed = config.draws, config.seed
    plan, bank, layout = prepared.plan, prepared.bank, prepared.layout
    n_blocks = -(-draws // BLOCK_SIZE)
    per_chunk = config.chunk_blocks(BLOCK_SIZE)
    # one array per column for the whole run, filled chunk by chunk (no lists, no concatenation)
    outcomes: dict[str, NDArray[Any]] = {}
    pcols: dict[str, NDArray[Any]] = {}
    want_params = keep_rows or on_chunk is not None
    for start in range(0, n_blocks, per_chunk):
        d = draw_range(layout, seed, start, min(per_chunk, n_blocks - start), draws)
        at, n = start * BLOCK_SIZE, len(d)
        # parameters: into the run's arrays (keep_rows), or the chunk's own for on_chunk, or nowhere
        ch_p: dict[str, NDArray[Any]] = {}
        ch_o: dict[str, NDArray[Any]] = {}
        ptarget = (pcols, at, draws) if keep_rows else (ch_p, 0, n) if want_params else None
        # outcomes: into the run's arrays (keep_rows), or the chunk's own, kept compact (keep_compact)
        _fill(scenario, plan, bank, layout, d, (outcomes, at, draws) if keep_rows else (ch_o, 0, n), ptarget)
        if not keep_rows:
            keep_compact(outcomes, ch_o, at, draws)
        if on_chunk is not None:
            sl = slice(at, at + n)
            on_chunk(Chunk(d.index.astype(np.int64, copy=False),
                           {k: v[sl] for k, v in pcols.items()} if keep_rows else ch_p,
                           {k: v[sl] for k, v in outcomes.items()} if keep_rows else ch_o))
    return RunResult.of(dataclasses.replace(prepared, config=config), pcols if keep_rows else {}, outcomes)


def escalator_text(rates: dict[str, Any] | None) -> str:
    """The signed escalator rate of the ratified draws as text: ``2.50 %, 0 % 0.250, 4 % 0.750``
    (mean, then share by rate of the bargained grid; ``n/a`` without a ratified draw)."""
    if rates is None:
        return "n/a"
    return f"{rates['mean']:.2f} %, " + ", ".join(f"{g} % {v:.3f}" for g, v in rates["p"].items())


def summary_rows(summary: dict[str, Any], *, krw_per_usd: float | None = None,
                 round_dates: tuple[dt.date, ...] | None = None) -> list[tuple[str, str]]:
    """The summary as (quantity, text) rows for a table (won in billions, percent, probabilities).

    With ``krw_per_usd`` (the base year's rate) amounts show USD beside won; with ``round_dates``
    (the run's round dates) rounds show their calendar dates.
    """

    def p(x: Any) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    def bn(x: Any) -> str:
        if x is None:
            return "n/a"
        usd = "" if not krw_per_usd else f" (USD {x / krw_per_usd / 1e9:,.2f} bn)"
        return f"{x / 1e9:,.0f} bn won{usd}"

    def rd(k: Any) -> str:
        i = int(math.ceil(k)) - 1
        return f"{k:g}" if round_dates is None or not 0 <= i < len(round_dates) else f"{k:g} ({round_dates[i].isoformat()})"

    rows = [("HINDSIGHT", "the scenario cites facts known only after its as_of: a reconstruction, not a forecast")
            ] if summary.get("hindsight") else []
    rows += [
        ("P(agreement signed)", p(summary["p_agreement"])),
        ("P(ratified)", p(summary["p_ratified"])),
        ("mean P(consent) at the vote", p(summary["mean_p_consent"])),
    ]
    amt, inc = summary["amount_first_year_krw"], summary["increase_pct"]
    for q in ("p10", "p50", "p90"):
        rows.append((f"first-year amount {q}", "n/a" if amt is None else f"{bn(amt[q])} ({inc[q]:+.1f} %)"))
    dur = summary["duration_years"]
    rows.append(("duration (mean, P(multiyear))", "n/a" if dur is None else f"{dur['mean']:.2f} y, {dur['p_multiyear']:.3f}"))
    terms = summary.get("term_years")
    if terms is not None:
        rows.append(("term (share by years)", ", ".join(f"{m} y {v:.3f}" for m, v in terms["p"].items())))
    if "escalator_pct" in summary:  # only where the rate is bargained (bargaining.rate_value)
        rows.append(("escalator rate signed (mean, share by % a year)", escalator_text(summary["escalator_pct"])))
    if CAP_COLUMN in summary:  # only where the cap is bargained (bargaining.index_cap)
        rows.append(("escalator cap signed (mean, share by cap %)", escalator_text(summary[CAP_COLUMN])))
    sched = next((summary[k] for k in summary if k.startswith("schedule_")), None)
    if sched is not None:
        rows.append(("schedule p50 by year", ", ".join(
            f"{y} {'n/a' if q is None else bn(q['p50'])}" for y, q in sched.items())))
    rta = summary["rounds_to_agreement"]
    rows.append(("rounds to agreement (p50, p90)", "n/a" if rta is None else f"{rd(rta['p50'])}, {rd(rta['p90'])}"))
    rows.append(("furlough worker-days (mean)", f"{summary['furlough_worker_days_mean']:,.0f}"))
    for day, v in summary["p_agreement_by"].items():
        rows.append((f"P(agreement by {day})", p(v)))
    rows.append(("P(rejected by the President)", p(summary["p_rejected_by_president"])))
    rows.append(("P(rejected by the Assembly)", p(summary["p_rejected_by_assembly"])))
    lap = summary["lapses"]
    rows.append((f"expected lapses over {lap['planning_horizon_years']} y", f"{lap['expected_lapses']:.2f}"))
    votes = summary["predicted_votes_by_bloc"]
    if votes is not None:
        for b in votes["blocs"]:
            rows.append((f"predicted votes {b['bloc']} ({b['seats']})",
                         f"yes {b['yes']:.1f}, not yes {b['not_yes']:.1f}, absent {b['absent']:.1f}"))
    return rows
