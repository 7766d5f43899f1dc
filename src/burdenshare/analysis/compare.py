r"""Counterfactuals: a baseline and its variants on the **same draws**, as paired differences.

Common random numbers: every scenario is simulated with the same seed and number of draws.  The
engine draws one stream per fixed block of draws, in a fixed column order (the ``[[uncertainty]]``
entries, the type and administration uniforms, the bank uniform, one vote uniform per round), so
draw *i* of the baseline and draw *i* of a variant share their parameter and vote uniforms as long
as the variant keeps the same draw layout (the same uncertain parameters and number of rounds;
``common_draws`` says whether it does).  A variant identical to the baseline therefore gives
differences of exactly zero.

For each outcome the per-draw difference :math:`\Delta_i = y_i^{variant} - y_i^{baseline}` is
averaged over the draws where it is defined (all draws for ``ratified``, ``agreed``, furlough
days and utilities; draws ratified in both runs for amounts, durations and rounds), with a
normal 95 % interval :math:`\bar\Delta \pm 1.96\, s_\Delta/\sqrt n` (paired: the draw-to-draw
variation common to both runs cancels).

Parameter vs vote-level variation of ``p_ratified``: with :math:`c_i` the consent probability of
the last text put to a vote (0 where none), :math:`R_i = c_i + \varepsilon_i` where
:math:`\varepsilon_i` is the vote-level noise of the final vote (mean zero given the path).  So
:math:`\Delta R_i = \Delta c_i + \Delta\varepsilon_i`: ``consent_component`` (the difference in
per-draw consent probability, driven by parameters and the path) and ``vote_component`` (the
remaining vote-level difference), each with its interval.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from numpy.typing import NDArray

from burdenshare.engine import simulate
from burdenshare.errors import ScenarioError
from burdenshare.scenario import load_scenario

__all__ = ["Comparison", "Variant", "compare", "paired_difference", "parse_variants"]

Z95 = 1.959963984540054
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Variant:
    """A named set of overrides (applied after the baseline's)."""

    name: str
    overrides: tuple[str, ...]


def parse_variants(variant_opts: Sequence[str] = (), set_opts: Sequence[str] = ()) -> list[Variant]:
    """Variants from the CLI: ``--variant NAME:PATH=VALUE`` (repeat a NAME to add overrides to it)
    and ``--set PATH=VALUE`` (all ``--set`` together form one variant named ``set``).

    Examples
    --------
    >>> [(v.name, v.overrides) for v in parse_variants(["late:levers.us_ask_usd=1.3e9",
    ...     "multi:levers.allowed_durations=[1,3,5]", "late:levers.furlough_from='none'"])]
    [('late', ('levers.us_ask_usd=1.3e9', "levers.furlough_from='none'")), ('multi', ('levers.allowed_durations=[1,3,5]',))]

    Raises
    ------
    ScenarioError
        A ``--variant`` without ``NAME:`` or an override without ``=``; no variant at all.
    """
    order: list[str] = []
    groups: dict[str, list[str]] = {}
    for text in variant_opts:
        name, sep, ovr = text.partition(":")
        name = name.strip()
        if not sep or not _NAME.match(name) or "=" in name:
            raise ScenarioError(f"got {text!r}; expected NAME:path.to.field=VALUE (NAME: letters, digits, _ . -)",
                                field="--variant")
        if "=" not in ovr:
            raise ScenarioError(f"got {text!r}; expected NAME:path.to.field=VALUE", field="--variant")
        if name not in groups:
            order.append(name)
            groups[name] = []
        groups[name].append(ovr.strip())
    if set_opts:
        if "set" in groups:
            raise ScenarioError("the variant name 'set' is taken by the --set overrides", field="--variant")
        order.append("set")
        groups["set"] = [s.strip() for s in set_opts]
    if not order:
        raise ScenarioError("give at least one variant: --set PATH=VALUE or --variant NAME:PATH=VALUE",
                            field="--variant")
    return [Variant(n, tuple(groups[n])) for n in order]


def paired_difference(diff: NDArray[np.float64]) -> dict[str, Any]:
    """Mean of paired per-draw differences with its normal 95 % interval.

    Returns ``{"mean", "lo", "hi", "sd", "n"}`` (``None`` values when ``n == 0``; ``lo == hi ==
    mean`` when ``n == 1`` or every difference is equal).

    Examples
    --------
    >>> paired_difference(np.zeros(5))
    {'mean': 0.0, 'lo': 0.0, 'hi': 0.0, 'sd': 0.0, 'n': 5}
    """
    d = np.asarray(diff, dtype=float)
    n = int(d.size)
    if n == 0:
        return {"mean": None, "lo": None, "hi": None, "sd": None, "n": 0}
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n)
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "sd": sd, "n": n}


def _consent(o: dict[str, NDArray[Any]]) -> NDArray[np.float64]:
    return np.where(o["votes"] > 0, np.nan_to_num(np.asarray(o["p_consent"], dtype=float)), 0.0)


def differences(base: dict[str, NDArray[Any]], var: dict[str, NDArray[Any]]) -> dict[str, dict[str, Any]]:
    """Paired differences (variant - baseline) of every outcome (module docstring)."""
    rb, rv = base["ratified"] == 1, var["ratified"] == 1
    both = rb & rv
    cb, cv = _consent(base), _consent(var)
    f = lambda k: np.asarray(var[k], dtype=float) - np.asarray(base[k], dtype=float)  # noqa: E731
    out = {
        "p_ratified": paired_difference(rv.astype(float) - rb.astype(float)),
        "consent_component": paired_difference(cv - cb),
        "vote_component": paired_difference((rv - cv) - (rb - cb)),
        "p_agreement": paired_difference((var["agreed"] == 1).astype(float) - (base["agreed"] == 1).astype(float)),
        "amount_krw": paired_difference(f("amount_krw")[both]),
        "duration_years": paired_difference(f("duration_years")[both]),
        "rounds_to_agreement": paired_difference(f("signed_round")[both]),
        "furlough_worker_days": paired_difference(f("furlough_worker_days")),
        "utility_us_krw": paired_difference(f("utility_us_krw")),
        "utility_rok_krw": paired_difference(f("utility_rok_krw")),
    }
    return out


@dataclass(frozen=True)
class Comparison:
    """Baseline and variants on common random numbers (see :func:`compare`)."""

    scenario: str
    seed: int
    draws: int
    base_overrides: tuple[str, ...]
    baseline: Any
    variants: tuple[tuple[Variant, Any], ...]
    common_draws: tuple[bool, ...] = field(default=())

    def _repr_html_(self) -> str:
        """Notebook display (:mod:`burdenshare.report.notebook`)."""
        from burdenshare.report.notebook import comparison_html

        return comparison_html(self)

    def to_json(self) -> dict[str, Any]:
        """``{"scenario", "seed", "draws", "hindsight", "base_overrides", "baseline": summary, "variants":
        [{"name", "overrides", "common_draws", "summary", "differences": {outcome: {"mean", "lo", "hi", "sd",
        "n"}}, "note"}]}``; ``hindsight`` is true where the scenario cites facts known only after its as_of;
        ``note``: why the variant changes nothing, when it does not and the model says why; else ``""``."""
        base = self.baseline.summary()
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "draws": self.draws,
            "hindsight": bool(base.get("hindsight", False)),
            "base_overrides": list(self.base_overrides),
            "baseline": base,
            "variants": [
                {"name": v.name, "overrides": list(v.overrides), "common_draws": same, "summary": r.summary(),
                 "differences": differences(self.baseline.outcomes, r.outcomes), "note": self._note(v, r)}
                for (v, r), same in zip(self.variants, self.common_draws)
            ],
        }

    def _note(self, variant: Variant, result: Any) -> str:
        """Why a variant changes no draw's outcome, when it does not and the model says why
        (:func:`burdenshare.analysis.briefing.why_no_effect`); else ``""``."""
        from burdenshare.analysis.briefing import why_no_effect

        b, r = self.baseline.outcomes, result.outcomes
        if not variant.overrides or any(not np.array_equal(b[k], r[k], equal_nan=True) for k in b):
            return ""
        paths = {o.partition("=")[0].strip() for o in variant.overrides}
        if len(paths) != 1 or self.baseline._scenario_obj is None:
            return ""
        return why_no_effect(self.baseline._scenario_obj, paths.pop(), b, [])


def _layout(result: Any) -> tuple[Any, ...]:
    return (result.plan.n_rounds, tuple(k for k in result.params if k.startswith("param:")), result.bank.size)


def compare(
    scenario: str,
    variants: Sequence[Variant],
    *,
    base_overrides: Sequence[str] = (),
    draws: int = 10_000,
    seed: int = 0,
    **simulate_options: Any,
) -> Comparison:
    """Simulate the baseline and each variant with the same seed and draws.

    Parameters
    ----------
    scenario
        Bundled scenario name or TOML path.
    variants
        Named override sets (:func:`parse_variants`), applied after ``base_overrides``.
    base_overrides
        Overrides of the baseline (and so of every variant).
    draws, seed
        Shared by every run (common random numbers).
    simulate_options
        Passed to :func:`~burdenshare.engine.simulate` (``bank_size``, ...).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> c = compare("sma-2020-hindsight", [Variant("same", ())], draws=1024, seed=0)
    >>> c.to_json()["variants"][0]["differences"]["p_ratified"]["mean"]
    0.0
    """
    from burdenshare.scenario.io import Override

    # errors name the option each override came from (--base, --variant NAME:..., --set)
    based = [Override(o, f"--base {o}") for o in base_overrides]
    base_sc = load_scenario(scenario, based)
    scs = [load_scenario(scenario, [*based, *(o if v.name == "set" else Override(o, f"--variant {v.name}:{o}")
                                               for o in v.overrides)])
           for v in variants]  # validate all first
    base = simulate(base_sc, draws=draws, seed=seed, **simulate_options)
    runs = []
    same = []
    for v, sc in zip(variants, scs):
        r = simulate(sc, draws=draws, seed=seed, **simulate_options)
        runs.append((v, r))
        same.append(_layout(r) == _layout(base))
    return Comparison(str(base_sc.name), int(seed), int(draws), tuple(base_overrides), base, tuple(runs), tuple(same))
