r"""Recorded NegMAS runs replayed through the engine's own Level I (the kernel ``simulate`` runs).

The two-level kernel (:func:`burdenshare.engine.kernel.run_kernel`) with ratification, the
President's veto and actions switched off is NegMAS's alternating-offers protocol over a
one-issue amount grid: each time-based negotiator decides with
:func:`burdenshare.bargaining.strategies.linear_decision` (NegMAS's thresholds and nearest rule on
:math:`u(i) = i / n`).  :func:`replay` builds that game for the ``1issue`` configurations of a
reference file (``shared/bench/negmas/outcomes.json`` format; payment :math:`x \in \{0..100\}`,
:math:`u_{US} = x/100`, :math:`u_{ROK} = (100 - x)/100`):

* the amount grid is :math:`0, 1, \dots, 100`; the US opens at 100 with floor
  :math:`100\,rv_{US}`, the host at 0 with cap :math:`100 - 100\,rv_{ROK}` (each chosen so that the
  engine's normalised reservation value is the recorded float exactly);
* ``n_steps`` rounds with NegMAS's relative time :math:`(k+1)/(n+1)` for both; the first mover;
  NegMAS's variant (``TB``/``ASP``) of each side;
* no approval, immediate submission with a consent probability of 1, talks end at the first
  signature, no furlough, deadline costs, administration change, obstinate types or executive
  ceiling;

and returns results in the reference file's format (agreement, round, acceptor, proposer,
timeout, final step, utilities and the offer trace).  Multi-issue configurations (``3issue``) are
outside the engine's one-issue amount grid; :mod:`burdenshare.bargaining.parity` replays those
through :func:`burdenshare.bargaining.batch.run_batch`, which plays the same loop
(:func:`burdenshare.bargaining.rounds.play_rounds`) in its multi-issue decision mode
(:mod:`burdenshare.bargaining.multi_issue`).
NegMAS itself is never imported.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from burdenshare.bargaining.space import one_issue_domain
from burdenshare.engine.kernel import run_kernel
from burdenshare.engine.plan import Plan
from burdenshare.errors import SpecError

__all__ = ["ENGINE_SCENARIOS", "level_one_plan", "replay"]

#: Recorded scenarios the engine's Level I replays.
ENGINE_SCENARIOS: tuple[str, ...] = ("1issue",)
_N = 100  # the 1issue domain: payment 0..100


def level_one_plan(n_steps: int, us_first: bool, variant_us: int = 0, variant_rok: int = 0) -> Plan:
    """The engine's :class:`Plan` of a bare Level-I game on the ``1issue`` grid (module docstring)."""
    if n_steps < 1:
        raise SpecError(f"n_steps must be >= 1, got {n_steps}", field="n_steps")
    t = np.array([min(1.0, (k + 1) / (n_steps + 1)) for k in range(n_steps)], dtype=np.float64)
    zeros = np.zeros(n_steps, dtype=np.int64)
    day = dt.date(2000, 1, 1)
    return Plan(
        scenario="negmas-1issue",
        round_dates=tuple(day + dt.timedelta(days=k) for k in range(n_steps)),
        t_us=t, t_rok=t.copy(), after_deadline=zeros, post_inauguration=zeros.copy(),
        cum_impasse=np.zeros(n_steps + 1, dtype=np.int64), furlough_days=np.zeros(n_steps + 1), workers=0.0,
        amount_min=0.0, amount_step=1.0, n_grid=_N + 1, durations=np.array([1], dtype=np.int64),
        pref_us=0, pref_rok=0, us_first=1 if us_first else 0, approval_required=0, end_after_rejection=1,
        strategic_submission=0, submit_threshold=0.0, cost_us=0.0, cost_rok=0.0, drawdown_shift_krw=0.0,
        current_agreement_krw=1.0, lapsed_rounds=0, renewal_window_rounds=n_steps, planning_horizon_years=1,
        executive_weight=0.0, policy_us=0, policy_rok=0, winset_threshold=0.0,
        variant_us=int(variant_us), variant_rok=int(variant_rok),
    )


def _exact(target: float, f: Any, x0: float, field: str) -> float:
    """An x near x0 with f(x) == target exactly (a few ulps around x0)."""
    cand = [x0]
    lo = hi = x0
    for _ in range(8):
        lo = math.nextafter(lo, -math.inf)
        hi = math.nextafter(hi, math.inf)
        cand += [lo, hi]
    for x in cand:
        if f(x) == target:
            return x
    raise SpecError(f"cannot represent {target!r} on the engine's grid", field=field)


def _variant(kind: str, field: str) -> int:
    if kind not in ("TB", "ASP"):
        raise SpecError(f"unknown kind {kind!r}; allowed: TB, ASP", field=field)
    return 0 if kind == "TB" else 1


def replay(configs: Sequence[Mapping[str, Any]], *, record_trace: bool = True) -> list[dict[str, Any]]:
    """Play the ``1issue`` configs' ``params`` through the engine's kernel; results in file format.

    Configurations are grouped by (``n_steps``, first mover, variants), one kernel call per group
    with one draw per configuration (reservation values and exponents as per-draw columns).

    Raises
    ------
    SpecError
        For a configuration of another scenario (``field="params.scenario"``) or unknown kinds.
    """
    domain = one_issue_domain()
    names = domain.parties  # ("US", "ROK")
    out: list[dict[str, Any] | None] = [None] * len(configs)
    groups: dict[tuple[int, bool, int, int], list[int]] = {}
    for i, c in enumerate(configs):
        p = c["params"]
        if p["scenario"] not in ENGINE_SCENARIOS:
            raise SpecError(f"{p['scenario']!r} is not played by the engine's one-issue Level I; allowed: "
                            f"{', '.join(ENGINE_SCENARIOS)}", field="params.scenario")
        key = (int(p["n_steps"]), p["first"] == names[0], _variant(p["US"]["kind"], "params.US.kind"),
               _variant(p["ROK"]["kind"], "params.ROK.kind"))
        groups.setdefault(key, []).append(i)
    for (n_steps, us_first, v_us, v_rok), idx in groups.items():
        plan = level_one_plan(n_steps, us_first, v_us, v_rok)
        n = len(idx)
        ps = [configs[i]["params"] for i in idx]
        f64 = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731
        cols: dict[str, NDArray[Any]] = {
            "r_us": f64([_exact(float(p["US"]["rv"]), lambda x: x / float(_N), float(p["US"]["rv"]) * _N, "params.US.rv")
                         for p in ps]),
            "r_rok": f64([_exact(float(p["ROK"]["rv"]), lambda x: (_N - x) / float(_N), _N - float(p["ROK"]["rv"]) * _N,
                                 "params.ROK.rv") for p in ps]),
            "open_us": np.full(n, float(_N)), "open_rok": np.zeros(n),
            "e_us": f64([p["US"]["exponent"] for p in ps]), "e_rok": f64([p["ROK"]["exponent"] for p in ps]),
            "delta_us": np.ones(n), "delta_rok": np.ones(n), "aud_us": np.zeros(n), "aud_rok": np.zeros(n),
            "r_pres": np.zeros(n), "r_pres_after": np.full(n, math.nan),
            "obst_us": np.zeros(n, dtype=np.int64), "obst_rok": np.zeros(n, dtype=np.int64),
            "change": np.zeros(n, dtype=np.int64), "bank": np.zeros(n, dtype=np.int64),
        }
        table = np.ones((1, n_steps, 1, _N + 1))
        winset = np.full((1, n_steps, 1), _N, dtype=np.int64)
        tr: dict[str, NDArray[np.int64]] | None = {} if record_trace else None
        oi, _ = run_kernel(plan, table, winset, cols, np.zeros((n, n_steps)), 0,
                           base_log_median=np.zeros((1, n_steps)), trace=tr)
        res_i = oi[:, :3].tolist()  # Python ints once per group, not one numpy scalar at a time
        tr_kp = tr["round_party"].tolist() if tr is not None else []
        tr_jj = tr["index"].tolist() if tr is not None else []
        for r, i in enumerate(idx):
            agreed = res_i[r][0] == 1
            j = res_i[r][2]
            rnd = res_i[r][1]
            res: dict[str, Any] = {
                "agreement": [j] if agreed else None,
                "agreement_round": rnd if agreed else None,
                "accepted_by": None,
                "proposed_by": None,
                "timedout": not agreed,
                "final_state_step": rnd + 1 if agreed else n_steps,
                "utilities": {names[q]: float(domain.table[q, j]) for q in (0, 1)} if agreed else None,
            }
            if tr is not None:
                kp, jj = tr_kp[r], tr_jj[r]
                m = kp.index(-1) if -1 in kp else len(kp)  # offers fill a prefix; -1 after the last
                res["trace"] = [[k >> 1, names[k & 1], [j]] for k, j in zip(kp[:m], jj[:m])]
                if agreed and m:
                    proposer = kp[m - 1] & 1  # the accepted offer is the last one made
                    res["proposed_by"], res["accepted_by"] = names[proposer], names[1 - proposer]
            out[i] = res
    return [o for o in out if o is not None]
