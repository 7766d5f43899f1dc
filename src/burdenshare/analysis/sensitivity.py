r"""Variance-based (Sobol) sensitivity of the two-level model to its uncertain parameters.

Mathematics
-----------
For a model output :math:`Y = f(X_1, \dots, X_D)` with independent inputs, the first-order and
total-order Sobol indices of input :math:`i` are (Sobol 2001)

.. math::

    S_i = \frac{V_{X_i}\bigl(E_{X_{\sim i}}[Y \mid X_i]\bigr)}{V(Y)}, \qquad
    S_{T_i} = \frac{E_{X_{\sim i}}\bigl[V_{X_i}(Y \mid X_{\sim i})\bigr]}{V(Y)}
            = 1 - \frac{V_{X_{\sim i}}\bigl(E_{X_i}[Y \mid X_{\sim i}]\bigr)}{V(Y)} .

They are estimated from two independent base samples :math:`A, B` (``n`` rows each) and the
:math:`D` matrices :math:`A_B^{(i)}` (column :math:`i` from :math:`B`, the rest from :math:`A`):
:math:`n (D + 2)` model evaluations (Saltelli 2002; the estimators of Saltelli et al. 2010,
Table 2: :math:`S_i \approx \frac1n\sum_j f(B)_j (f(A_B^{(i)})_j - f(A)_j) / V`, and Jansen's
:math:`S_{T_i} \approx \frac1{2n}\sum_j (f(A)_j - f(A_B^{(i)})_j)^2 / V`), with bootstrap
confidence intervals, as implemented by SALib (Herman & Usher 2017; ``SALib.sample.sobol`` and
``SALib.analyze.sobol`` with ``calc_second_order=False``).

Sampling
--------
The base samples are drawn **in the unit hypercube** (scrambled Sobol' sequence, SALib) and each
coordinate :math:`u` is mapped through the inverse CDF of its ``[[uncertainty]]`` distribution
(:func:`inverse_cdf`), so non-uniform priors (beta, triangular, lognormal, truncated normal, ...)
are honoured exactly; a uniform prior gives :math:`low + u (high - low)`.  Coordinates are clipped
to :math:`[10^{-12}, 1 - 10^{-12}]` so unbounded distributions stay finite.

The model output at a sample point
----------------------------------
The two-level model has two kinds of randomness: **parameter uncertainty** (the ``[[uncertainty]]``
entries: what we do not know about the world) and **vote-level noise** (obstinate types, the US
election, the Assembly's vote uniforms: what would differ if history were replayed).  Sobol indices
apportion the first; the second is integrated out at every sample point:

1. fix the uncertain parameters at the sample point :math:`x` (Level-I parameters become constant
   kernel columns; Level-II parameters - ``opinion.*``, ``legislature.*``, ``cost_model.*`` - are
   written into the scenario, which then has a one-member consent bank tabulated exactly at
   :math:`x`, :mod:`burdenshare.engine.consent`);
2. run the engine's per-chunk step (:func:`burdenshare.engine.run.play_draws`: per-draw columns and
   the batch kernel :func:`burdenshare.engine.kernel.run_kernel`) on ``draws``
   vote-level draws - the uniforms of :func:`burdenshare.engine.draws.draw_range` for ``seed``, the
   **same at every sample point** (common random numbers, so differences between points come from
   the parameters, not from resampled vote noise);
3. the outputs are averages over those draws (:data:`OUTPUTS`): ``p_ratified`` = share of draws
   ending with a ratified agreement; ``p_agreement`` = share with a signed text; ``increase_pct``
   = mean of :math:`100 (x/x_{cur} - 1)` for the ratified first-year amount, **counting 0 % for a
   draw without a ratified agreement** (the current amount stays in force; this keeps the output
   defined at every point, and mixes "whether" with "how much": read it beside ``p_ratified``);
   ``utility_us_krw``, ``utility_rok_krw``, ``furlough_worker_days`` = means of the engine's
   per-draw outputs.

Parameters not selected (``params``) are held at their nominal scenario values.  The nested
Monte-Carlo error of step 3 (finite ``draws``) adds a small noise term to every output; with common
random numbers it is the same function of :math:`x` at every point, so it biases rather than
inflates the indices; raise ``draws`` to shrink it.

References
----------
Sobol, I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their Monte
Carlo estimates. *Mathematics and Computers in Simulation* 55(1-3), 271-280.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
*Computer Physics Communications* 145(2), 280-297.
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010). Variance
based sensitivity analysis of model output. *Computer Physics Communications* 181(2), 259-270.
Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
*Journal of Open Source Software* 2(9), 97.
Ishigami, T. & Homma, T. (1990). An importance quantification technique in uncertainty analysis
for computer models. *Proc. ISUMA '90*, 398-403.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from burdenshare.engine.config import RunConfig
from burdenshare.engine.consent import fit_seats, set_path
from burdenshare.engine.draws import BLOCK_SIZE, Draws, draw_range
from burdenshare.engine.plan import level_two_params
from burdenshare.engine.prepare import prepare
from burdenshare.engine.run import play_draws
from burdenshare.errors import SpecError
from burdenshare.scenario.schema import Scenario
from burdenshare.scenario.vintage import reads_as_of

__all__ = [
    "OUTPUTS",
    "SensitivityResult",
    "SobolIndices",
    "inverse_cdf",
    "ishigami",
    "scenario_model",
    "sensitivity",
    "sobol_indices",
]

#: Outputs :func:`sensitivity` can analyse (module docstring, "The model output at a sample point").
OUTPUTS: tuple[str, ...] = (
    "p_ratified", "p_agreement", "increase_pct", "utility_us_krw", "utility_rok_krw", "furlough_worker_days",
)
_EPS = 1e-12

ModelFn = Callable[[NDArray[np.float64]], Mapping[str, NDArray[np.float64]]]


def inverse_cdf(dist: Any, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map unit-interval coordinates ``u`` to values of one ``[[uncertainty]]`` distribution.

    Parameters
    ----------
    dist
        A distribution model of the scenario schema (``dist`` = ``uniform``, ``normal``,
        ``truncnorm``, ``beta`` on [low, high], ``triangular``, ``lognormal``, ``bernoulli``).
    u
        Coordinates in [0, 1] (clipped to [1e-12, 1 - 1e-12]).

    Returns
    -------
    numpy.ndarray
        :math:`F^{-1}(u)`; ``bernoulli`` gives 1.0 iff :math:`u > 1 - p`.

    Raises
    ------
    SpecError
        For an unknown distribution kind (``field="dist"``).

    Examples
    --------
    >>> from burdenshare.scenario.schema import Uniform
    >>> inverse_cdf(Uniform(param="x", dist="uniform", low=2.0, high=4.0), np.array([0.25])).tolist()
    [2.5]
    """
    q = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
    kind = getattr(dist, "dist")
    if kind == "uniform":
        return dist.low + q * (dist.high - dist.low)
    if kind == "normal":
        return stats.norm.ppf(q, loc=dist.mean, scale=dist.sd)
    if kind == "truncnorm":
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        return np.clip(stats.truncnorm.ppf(q, a, b, loc=dist.mean, scale=dist.sd), dist.low, dist.high)
    if kind == "beta":
        return dist.low + (dist.high - dist.low) * stats.beta.ppf(q, dist.a, dist.b)
    if kind == "triangular":
        c = (dist.mode - dist.low) / (dist.high - dist.low)
        return stats.triang.ppf(q, c, loc=dist.low, scale=dist.high - dist.low)
    if kind == "lognormal":
        return stats.lognorm.ppf(q, dist.sigma, scale=math.exp(dist.mu))
    if kind == "bernoulli":
        return (q > 1.0 - dist.p).astype(float)
    raise SpecError(f"unknown distribution {kind!r}", field="dist")


@dataclass(frozen=True, slots=True)
class SobolIndices:
    """First- and total-order Sobol indices of one output, with confidence half-widths.

    Attributes
    ----------
    params
        Parameter names, in order.
    S1, S1_conf, ST, ST_conf
        Indices and the half-widths of their bootstrap confidence intervals (SALib, 95 % default).
    variance
        Variance of the output over the sample (0: a constant output, all indices 0).
    """

    params: tuple[str, ...]
    S1: tuple[float, ...]
    S1_conf: tuple[float, ...]
    ST: tuple[float, ...]
    ST_conf: tuple[float, ...]
    variance: float

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (non-finite numbers as ``null``)."""
        f = lambda xs: [float(x) if math.isfinite(x) else None for x in xs]  # noqa: E731
        return {"params": list(self.params), "S1": f(self.S1), "S1_conf": f(self.S1_conf),
                "ST": f(self.ST), "ST_conf": f(self.ST_conf), "variance": float(self.variance)}


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or n > 2**20:
        raise SpecError(f"got {n!r}; allowed: an integer 2..1048576 (a power of 2 is best)", field="n")
    return int(n)


def sobol_indices(
    dists: Sequence[Any],
    model: ModelFn,
    n: int,
    seed: int = 0,
    *,
    names: Sequence[str] | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> tuple[dict[str, SobolIndices], int]:
    r"""Sobol S1/ST of every output of ``model`` over inputs with distributions ``dists``.

    Steps: 1. Saltelli sample of the unit hypercube (SALib ``sobol.sample``, scrambled Sobol',
    ``calc_second_order=False``: :math:`n(D+2)` rows); 2. inverse-CDF map of each column
    (:func:`inverse_cdf`); 3. one call ``model(X)`` → ``{output: (rows,) array}``; 4. SALib
    ``sobol.analyze`` per output (Saltelli et al. 2010 estimators, bootstrap intervals).

    Parameters
    ----------
    dists
        One distribution (schema model) per input.
    model
        Vectorized model: ``X`` (rows, D) → mapping of output name → (rows,) values.
    n
        Base sample size (2..2**20; a power of 2 keeps the Sobol' sequence balanced).
    seed
        Seed of the scrambling and of the bootstrap.
    names
        Input names (default: each distribution's ``param``).
    num_resamples, conf_level
        Bootstrap resamples and confidence level of the intervals.

    Returns
    -------
    (dict, int)
        Output name → :class:`SobolIndices`, and the number of model evaluations.

    Raises
    ------
    SpecError
        Bad ``n``, no inputs, or a model output that is not finite.

    Examples
    --------
    >>> from burdenshare.scenario.schema import Uniform
    >>> d = [Uniform(param=f"x{i}", dist="uniform", low=-math.pi, high=math.pi) for i in range(3)]
    >>> idx, rows = sobol_indices(d, lambda X: {"y": ishigami(X)}, 1024, seed=1)
    >>> rows, [round(s, 1) for s in idx["y"].S1]
    (5120, [0.3, 0.4, 0.0])
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample
    import warnings

    n = _check_n(n)
    d = len(dists)
    if d == 0:
        raise SpecError("no uncertain parameters to analyse", field="uncertainty")
    labels = tuple(names) if names is not None else tuple(str(getattr(x, "param")) for x in dists)
    problem = {"num_vars": d, "names": list(labels), "bounds": [[0.0, 1.0]] * d}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns about n not a power of 2
        u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    x = np.column_stack([inverse_cdf(dist, u[:, j]) for j, dist in enumerate(dists)])
    outs = model(x)
    result: dict[str, SobolIndices] = {}
    for name, y in outs.items():
        y = np.asarray(y, dtype=float)
        if y.shape != (x.shape[0],) or not np.all(np.isfinite(y)):
            raise SpecError(f"output {name!r} must be finite at every sample point", field="outputs")
        var = float(np.var(y))
        if var <= 1e-300 * max(1.0, float(np.max(np.abs(y))) ** 2) or var == 0.0:
            zero = tuple(0.0 for _ in labels)
            result[name] = SobolIndices(labels, zero, zero, zero, zero, 0.0)
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            # SALib seeds its bootstrap only for a truthy seed: derive a non-zero one from ``seed``
            boot = int(np.random.SeedSequence(int(seed)).generate_state(1)[0]) or 1
            si = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                                       conf_level=conf_level, seed=boot)
        tup = lambda k: tuple(float(v) for v in np.asarray(si[k], dtype=float))  # noqa: E731
        result[name] = SobolIndices(labels, tup("S1"), tup("S1_conf"), tup("ST"), tup("ST_conf"), var)
    return result, int(x.shape[0])


def ishigami(x: NDArray[np.float64], a: float = 7.0, b: float = 0.1) -> NDArray[np.float64]:
    r"""The Ishigami function :math:`\sin x_1 + a \sin^2 x_2 + b x_3^4 \sin x_1` (Ishigami & Homma 1990).

    With :math:`x_i \sim U(-\pi, \pi)`, :math:`a = 7`, :math:`b = 0.1`:
    :math:`S = (0.3139, 0.4424, 0)`, :math:`S_T = (0.5576, 0.4424, 0.2437)`.
    """
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


# --------------------------------------------------------------------------- the two-level model


def _working_scenario(scenario: Any, params: Sequence[str] | None) -> Any:
    """The scenario with its ``uncertainty`` list cut to ``params`` (the others stay nominal)."""
    known = [d.param for d in scenario.uncertainty]
    if params is None:
        return scenario
    unknown = [p for p in params if p not in known]
    if unknown or not params:
        raise SpecError(f"got {', '.join(unknown) or 'none'}; allowed: {', '.join(known)} (the scenario's "
                        "[[uncertainty]] params)", field="params")
    data = scenario.model_dump(mode="python", by_alias=True)
    data["uncertainty"] = [u for u in data["uncertainty"] if u["param"] in set(params)]
    return Scenario.model_validate(data)


@reads_as_of
def scenario_model(scenario: Any, draws: int = 256, seed: int = 0) -> tuple[tuple[Any, ...], ModelFn]:
    """The two-level model as a vectorized function of the scenario's uncertain parameters.

    Parameters
    ----------
    scenario
        A validated scenario (its ``uncertainty`` entries are the inputs).
    draws
        Vote-level draws per sample point (common random numbers: the same at every point).
    seed
        Seed of the vote-level draws.

    Returns
    -------
    (tuple, callable)
        The distributions of the inputs (scenario order) and ``f(X) -> {output: (rows,) array}``
        for every name in :data:`OUTPUTS` (module docstring, "The model output at a sample point").

    Raises
    ------
    SpecError
        Bad ``draws``; anything :func:`burdenshare.engine.plan.build_plan` rejects.
    """
    import dataclasses

    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= 1_000_000:
        raise SpecError(f"got {draws!r}; allowed: an integer 1..1000000", field="draws")
    draws = int(draws)
    config = RunConfig(draws=draws, seed=int(seed), bank_size=1)
    prep0 = prepare(scenario, config)
    layout = prep0.layout
    base = draw_range(layout, int(seed), 0, -(-draws // BLOCK_SIZE), draws)
    lvl2 = level_two_params(scenario)
    lvl2_paths = [scenario.uncertainty[i].param for i in lvl2]
    # the member scenarios keep the Level-I entries (the tables' amount range reads their supports)
    raw = scenario.model_dump(mode="python", by_alias=True)
    raw["uncertainty"] = [u for i, u in enumerate(raw["uncertainty"]) if i not in set(lvl2)]
    if raw["parties"]["host_executive"]["submit_threshold"] == "calibrated":  # the scenario's rule, fixed across members
        raw["parties"]["host_executive"]["submit_threshold"] = float(prep0.plan.winset_threshold)

    def member(values: tuple[float, ...]) -> Any:
        import copy

        data = copy.deepcopy(raw)
        for path, v in zip(lvl2_paths, values):
            set_path(data, path, int(round(v)) if ".seats." in path else float(v))
        fit_seats(data, lvl2_paths)
        return Scenario.model_validate(data)

    def model(x: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        x = np.asarray(x, dtype=float)
        rows = x.shape[0]
        out = {k: np.empty(rows) for k in OUTPUTS}
        keys = [tuple(float(round(v)) if ".seats." in p else float(v) for p, v in zip(lvl2_paths, x[r, list(lvl2)]))
                for r in range(rows)]
        groups: dict[tuple[float, ...], list[int]] = {}
        for r, k in enumerate(keys):
            groups.setdefault(k, []).append(r)
        for k, idx in groups.items():
            # the member's plan and exact consent tables, played with the scenario's own draw layout
            prep = dataclasses.replace(prepare(member(k), config), scenario=scenario, layout=layout) if lvl2 else prep0
            plan = prep.plan
            pts = np.asarray(idx)
            m = pts.size
            d = Draws(np.tile(base.index, m), np.repeat(x[pts], draws, axis=0),
                      np.tile(base.uniforms, (m, 1)), np.tile(base.u_vote, (m, 1)),
                      None if base.z_index is None else np.tile(base.z_index, (m, 1)))
            _, o = play_draws(prep, d, params=False)  # the engine's per-chunk step
            rat = o["ratified"] == 1
            inc = np.where(rat, 100.0 * (o["amount_krw"] / plan.current_agreement_krw - 1.0), 0.0)
            per = lambda v: v.reshape(m, draws).mean(axis=1)  # noqa: E731
            out["p_ratified"][pts] = per(rat.astype(float))
            out["p_agreement"][pts] = per((o["agreed"] == 1).astype(float))
            out["increase_pct"][pts] = per(inc)
            for name in ("utility_us_krw", "utility_rok_krw", "furlough_worker_days"):
                out[name][pts] = per(o[name])
        return out

    return tuple(scenario.uncertainty), model


@dataclass(frozen=True, slots=True)
class SensitivityResult:
    """Sobol indices of the two-level model (:func:`sensitivity`).

    Attributes
    ----------
    scenario
        Scenario name.
    outputs
        Output name → :class:`SobolIndices`.
    n, samples, draws, seed
        Base sample size, model evaluations :math:`n(D+2)`, vote-level draws per point, seed.
    """

    scenario: str
    outputs: dict[str, SobolIndices]
    n: int
    samples: int
    draws: int
    seed: int

    def to_json(self) -> dict[str, Any]:
        """``{"scenario", "outputs": {name: {"params", "S1", "S1_conf", "ST", "ST_conf", "variance"}}, "n",
        "samples", "draws", "seed", "sampling", "model_output"}``."""
        return {
            "scenario": self.scenario,
            "outputs": {k: v.to_json() for k, v in self.outputs.items()},
            "n": self.n,
            "samples": self.samples,
            "draws": self.draws,
            "seed": self.seed,
            "sampling": "Saltelli/Sobol' sample of the unit hypercube mapped through each prior's inverse CDF",
            "model_output": ("averages over the vote-level draws at each parameter point, the same draws at "
                             "every point (common random numbers); increase_pct counts 0 % where not ratified"),
        }


@reads_as_of
def sensitivity(
    scenario: Any,
    outputs: Sequence[str] = ("p_ratified", "increase_pct"),
    n: int = 64,
    seed: int = 0,
    *,
    draws: int = 256,
    params: Sequence[str] | None = None,
    num_resamples: int = 100,
) -> SensitivityResult:
    """Sobol first- and total-order indices of two-level outputs over the scenario's uncertainty.

    Parameters
    ----------
    scenario
        A validated scenario; its ``[[uncertainty]]`` entries are the inputs.
    outputs
        Names from :data:`OUTPUTS`.
    n
        Base sample size; the model runs at :math:`n(D+2)` points.  Each distinct value of the
        Level-II parameters costs one exact consent table (about 1 s for ``sma-2020-hindsight``).
    seed
        Seed of the sample, the bootstrap and the vote-level draws.
    draws
        Vote-level draws per point (module docstring).
    params
        Analyse only these uncertain parameters (the others held at their nominal values).
    num_resamples
        Bootstrap resamples of the confidence intervals.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    SpecError
        Unknown outputs or params, bad ``n``, ``draws`` or ``seed``.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> s = load_scenario("sma-2020-hindsight")
    >>> r = sensitivity(s, n=4, draws=64, params=["strategies.rok.reservation_value_krw"])
    >>> r.samples, r.outputs["p_ratified"].params
    (12, ('strategies.rok.reservation_value_krw',))
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"got {seed!r}; allowed: an integer >= 0", field="seed")
    bad = [o for o in outputs if o not in OUTPUTS]
    if bad or not outputs:
        raise SpecError(f"got {', '.join(bad) or 'none'}; allowed: {', '.join(OUTPUTS)}", field="outputs")
    n = _check_n(n)
    work = _working_scenario(scenario, params)
    dists, model = scenario_model(work, draws=draws, seed=int(seed))
    wanted = tuple(dict.fromkeys(outputs))
    sub: ModelFn = lambda x: {k: v for k, v in model(x).items() if k in wanted}  # noqa: E731
    idx, rows = sobol_indices(dists, sub, n, int(seed), num_resamples=num_resamples)
    return SensitivityResult(str(scenario.name), {k: idx[k] for k in wanted}, n, rows, int(draws), int(seed))
