r"""Transparency as a credibility-weighted Bayesian update of the public's belief.

The public of group :math:`g` holds a prior belief about the **log** of the annual cost that
is fair for the host to bear, centred on the group's fitted log-median WTP:
:math:`\ln C \sim N(\mu_0, \sigma_0^2)` with :math:`\mu_0 = \mu_g` and a spread
:math:`\sigma_0` (``prior_sd``, an assumption).  An itemized statement reveals
the justified amount :math:`s` (won per year, :func:`justified_amount_krw`, from the scenario's
cost model) as a noisy signal :math:`\ln s = \ln C + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma_s^2)`.

**Transparency map.**  The signal precision is linear in the transparency lever
:math:`\tau \in [0, 1]`:

.. math::

    \pi_s(\tau) = \frac{1}{\sigma_s(\tau)^2}
    = \frac{1 - \tau}{\sigma_{\max}^2} + \frac{\tau}{\sigma_{\min}^2},

so :math:`\sigma_s` falls from :math:`\sigma_{\max}` at :math:`\tau = 0` to :math:`\sigma_{\min}`
at :math:`\tau = 1`.  With the default :math:`\sigma_{\max} = \infty` (no itemization, no
information) :math:`\sigma_s = \sigma_{\min}/\sqrt{\tau}` and :math:`\tau = 0` changes nothing.

**Credibility.**  A statement from the asking side is discounted (Lupia & McCubbins 1998):
its precision is multiplied by :math:`\kappa \in [0, 1]` (``credibility``, per group if wanted).

**Update** (THEORY.md §15, normal-normal conjugacy):

.. math::

    w = \frac{\kappa\pi_s}{1/\sigma_0^2 + \kappa\pi_s},\qquad
    \mu_1 = (1 - w)\mu_0 + w\ln s
          = \frac{\mu_0/\sigma_0^2 + \kappa\pi_s \ln s}{1/\sigma_0^2 + \kappa\pi_s},\qquad
    \sigma_1^2 = \frac{1}{1/\sigma_0^2 + \kappa\pi_s} = (1 - w)\sigma_0^2 .

**WTP moves to the posterior.**  WTP is read as a fairness share of the believed fair cost
(THEORY.md §15: :math:`WTP_i = \theta_i \cdot C`), so every member's log-WTP moves by
:math:`w(\ln s - \mu_0)`: the group's :math:`\mu_g` becomes :math:`\mu_1`.  If a share
:math:`f` of the cross-sectional log-variance is disagreement about the cost
(``belief_dispersion_share``, default 0), a common signal also shrinks it:
:math:`\sigma_g'^2 = \sigma_g^2\,(1 - f + f(1 - w)^2)`.

Consequences (tested): with :math:`f = 0`, transparency **raises** the acceptance of every
amount when the justified part exceeds the group's belief (:math:`\ln s > \mu_g`) and
**lowers** it when the statement exposes padding (:math:`\ln s < \mu_g`); the effect grows
with :math:`\tau` and :math:`\kappa`.  With :math:`f > 0` a shrinking spread can lower the
acceptance of amounts far in the upper tail even when the belief rises.

**The justified amount** (DESIGN.md §4, THEORY.md §15) is computed here, once, from the
scenario's cost model (:func:`justified_amount_krw`):

.. math::

    s = \sum_c a_c\,j(\text{status}_c),\qquad
    j(\text{covered}) = \texttt{justified\_share\_covered},\quad
    j(\text{sought}) = \texttt{justified\_share\_sought},

where :math:`a_c` are the first-year items of the ask in whole won
(:func:`burdenshare.costs.itemise_first_year_krw`: the ask at the base year's KRW/USD rate,
split over ``cost_model.categories`` by ``share_of_ask``; the same items the statement of
``burdenshare explain`` prints).  The scenario adapter
(:func:`~burdenshare.opinion.from_scenario.scenario_opinion`) calls it with the scenario's own
ask, so every consumer of the opinion state (legislature, consent tables, solver, reports) sees
the statement of the ask it simulates, with nothing to pass.

References
----------
.. [LupiaMcCubbins1998] Lupia, A., & McCubbins, M. D. (1998). *The Democratic Dilemma: Can
   Citizens Learn What They Need to Know?* Cambridge University Press.
.. [DeGroot1970] DeGroot, M. H. (1970). *Optimal Statistical Decisions*. McGraw-Hill, §9.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from burdenshare.costs import itemise_first_year_krw
from burdenshare.errors import SpecError
from burdenshare.opinion.wtp import WTPModel, _per_group
from burdenshare.scenario import Scenario
from burdenshare.scenario.vintage import reads_as_of
from burdenshare.theory.opinion import bayesian_update


def _check_unit(value: float, name: str) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise SpecError(f"{name} must lie in [0, 1], got {value}", field=name)


def _check_positive(value: float, name: str, *, allow_inf: bool = False) -> None:
    ok = value > 0 and (math.isfinite(value) or (allow_inf and value == math.inf))
    if not ok:
        raise SpecError(f"{name} must be a positive number, got {value}", field=name)


def signal_precision(transparency: float, signal_sd_min: float, signal_sd_max: float = math.inf) -> float:
    r"""Signal precision :math:`\pi_s(\tau) = (1-\tau)/\sigma_{\max}^2 + \tau/\sigma_{\min}^2`.

    Parameters
    ----------
    transparency
        :math:`\tau \in [0, 1]`.
    signal_sd_min
        :math:`\sigma_{\min} > 0`, the noise of a fully itemized statement (log scale).
    signal_sd_max
        :math:`\sigma_{\max} \ge \sigma_{\min}`; ``inf`` (default) = no information at
        :math:`\tau = 0`.

    Returns
    -------
    float
        Precision (0 when :math:`\tau = 0` and :math:`\sigma_{\max} = \infty`).

    Examples
    --------
    >>> signal_precision(1.0, 0.25)
    16.0
    >>> signal_precision(0.0, 0.25)
    0.0
    """
    _check_unit(transparency, "transparency")
    _check_positive(signal_sd_min, "signal_sd_min")
    _check_positive(signal_sd_max, "signal_sd_max", allow_inf=True)
    if signal_sd_max < signal_sd_min:
        raise SpecError("signal_sd_max must be >= signal_sd_min", field="signal_sd_max")
    return (1.0 - transparency) / (signal_sd_max * signal_sd_max) + transparency / (signal_sd_min * signal_sd_min)


def signal_sd(transparency: float, signal_sd_min: float, signal_sd_max: float = math.inf) -> float:
    """Signal noise :math:`\\sigma_s(\\tau) = \\pi_s(\\tau)^{-1/2}` (``inf`` when the precision is 0)."""
    p = signal_precision(transparency, signal_sd_min, signal_sd_max)
    return math.inf if p == 0 else 1.0 / math.sqrt(p)


def normal_update(
    prior_mean: float, prior_sd: float, signal: float, signal_sd: float, credibility: float = 1.0
) -> tuple[float, float]:
    r"""Credibility-weighted normal-normal update of a belief.

    .. math::

        \mu_1 = \frac{\mu_0/\sigma_0^2 + \kappa s/\sigma_s^2}{1/\sigma_0^2 + \kappa/\sigma_s^2},
        \qquad \sigma_1 = \left(1/\sigma_0^2 + \kappa/\sigma_s^2\right)^{-1/2}.

    Parameters
    ----------
    prior_mean, prior_sd
        :math:`\mu_0`, :math:`\sigma_0 > 0`.
    signal, signal_sd
        :math:`s` and its noise :math:`\sigma_s > 0` (``inf`` = no signal).
    credibility
        :math:`\kappa \in [0, 1]`, multiplies the signal precision.

    Returns
    -------
    tuple of float
        :math:`(\mu_1, \sigma_1)`.

    Examples
    --------
    THEORY.md §15 oracle:

    >>> mu1, sd1 = normal_update(1.0, 0.5, 1.6, 0.25)
    >>> round(mu1, 6), round(sd1, 6)
    (1.48, 0.223607)
    """
    _check_positive(prior_sd, "prior_sd")
    _check_positive(signal_sd, "signal_sd", allow_inf=True)
    _check_unit(credibility, "credibility")
    if not (math.isfinite(prior_mean) and math.isfinite(signal)):
        raise SpecError("prior_mean and signal must be finite", field="signal")
    # Weight on the signal below float resolution (kappa = 0, sigma_s = inf, or nearly so):
    # the posterior is the prior.
    if credibility / (signal_sd * signal_sd) * (prior_sd * prior_sd) < 1e-17:
        return float(prior_mean), float(prior_sd)
    # kappa scales the precision: the same as a noise of sigma_s / sqrt(kappa).
    post = bayesian_update(prior_mean, prior_sd, signal, signal_sd / math.sqrt(credibility))
    return post.mean, post.sd


def signal_weight(transparency: float, params: TransparencyParams, credibility: float | None = None) -> float:
    r"""Weight :math:`w = \kappa\pi_s/(1/\sigma_0^2 + \kappa\pi_s)` the posterior puts on the signal."""
    kappa = params.credibility if credibility is None else credibility
    if isinstance(kappa, Mapping):
        raise SpecError("pass one group's credibility", field="credibility")
    _check_unit(kappa, "credibility")
    ps = kappa * signal_precision(transparency, params.signal_sd_min, params.signal_sd_max)
    return ps / (1.0 / params.prior_sd**2 + ps)


@dataclass(frozen=True, slots=True)
class TransparencyParams:
    """Parameters of the transparency update (all assumptions, see the module docstring).

    Parameters
    ----------
    transparency
        Lever :math:`\\tau \\in [0, 1]` (0 = no itemization, 1 = full itemization).
    credibility
        :math:`\\kappa \\in [0, 1]`, one number or a ``{group: kappa}`` mapping (missing groups: 1).
    prior_sd
        :math:`\\sigma_0`, spread of the public's belief about the log fair cost (default 0.5,
        i.e. a factor of about 1.65 either way).
    signal_sd_min
        :math:`\\sigma_{\\min}`, noise of a fully itemized statement on the log scale (default 0.2).
    signal_sd_max
        :math:`\\sigma_{\\max}` (default ``inf``: no information at :math:`\\tau = 0`).
    belief_dispersion_share
        :math:`f \\in [0, 1]`, share of the WTP log-variance due to disagreement about the cost.
    """

    transparency: float
    credibility: float | Mapping[str, float] = field(default=1.0, hash=False)
    prior_sd: float = 0.5
    signal_sd_min: float = 0.2
    signal_sd_max: float = math.inf
    belief_dispersion_share: float = 0.0

    def __post_init__(self) -> None:
        _check_unit(self.transparency, "transparency")
        _check_positive(self.prior_sd, "prior_sd")
        signal_precision(self.transparency, self.signal_sd_min, self.signal_sd_max)  # validates
        _check_unit(self.belief_dispersion_share, "belief_dispersion_share")
        if isinstance(self.credibility, Mapping):
            for g, k in self.credibility.items():
                _check_unit(float(k), f"credibility.{g}")
        else:
            _check_unit(float(self.credibility), "credibility")


def log_sd_from_krw(sd_krw: float, reference_krw: float) -> float:
    r"""Log-scale spread of a log-normal with mean ``reference_krw`` and s.d. ``sd_krw``.

    :math:`\sigma_{\log} = \sqrt{\ln(1 + (\mathrm{sd}/m)^2)}` (moment matching), to translate
    won-denominated inputs (the scenario's ``prior_sd_krw``, ``signal_noise_sd_krw``) to this
    module's log scale.

    Examples
    --------
    >>> round(log_sd_from_krw(0.5e12, 1.5e12), 4)
    0.3246
    """
    _check_positive(sd_krw, "sd_krw")
    _check_positive(reference_krw, "reference_krw")
    return math.sqrt(math.log1p((sd_krw / reference_krw) ** 2))


def apply_transparency(model: WTPModel, justified_amount_krw: float, params: TransparencyParams) -> WTPModel:
    r"""Move every group's WTP to its posterior after an itemized statement.

    Parameters
    ----------
    model
        The current WTP model (prior: :math:`\mu_0 = \mu_g`).
    justified_amount_krw
        The justified amount :math:`s` (won per year) the statement reveals: the host's share
        of the itemized costs under the scenario's cost-sharing principle.
    params
        :class:`TransparencyParams`.

    Returns
    -------
    WTPModel
        :math:`\mu_g \to (1 - w_g)\mu_g + w_g \ln s`;
        :math:`\sigma_g \to \sigma_g\sqrt{1 - f + f(1 - w_g)^2}`.

    Raises
    ------
    SpecError
        If the amount is not positive or a credibility names an unknown group.
    """
    if not (math.isfinite(justified_amount_krw) and justified_amount_krw > 0):
        raise SpecError(
            f"justified_amount_krw must be a positive amount in won, got {justified_amount_krw}",
            field="justified_amount_krw",
        )
    if params.transparency == 0.0 and params.signal_sd_max == math.inf:
        return model
    log_s = math.log(justified_amount_krw)
    if isinstance(params.credibility, Mapping):
        _per_group(dict(params.credibility), model.group_names, "credibility")  # unknown names
        kappas = {g: float(params.credibility.get(g, 1.0)) for g in model.group_names}
    else:
        kappas = {g: float(params.credibility) for g in model.group_names}
    f = params.belief_dispersion_share
    new = []
    for g in model.groups:
        w = signal_weight(params.transparency, params, kappas[g.name])
        if w == 0.0:
            continue
        scale = math.sqrt(1.0 - f + f * (1.0 - w) ** 2)
        new.append(replace(g, mu=(1.0 - w) * g.mu + w * log_s, sigma=g.sigma * scale))
    if not new:
        return model
    move = (
        f"transparency tau={params.transparency:g}, justified {justified_amount_krw / 1e12:.4g} tn won, "
        f"credibility={params.credibility!r}"
    )
    return model.with_groups(new, move)


@reads_as_of
def justified_amount_krw(scenario: Scenario, ask_usd: float | None = None) -> float:
    r"""The justified part of an ask that an itemized statement reveals (won per year, first year).

    :math:`s = \sum_c a_c\,j(\text{status}_c)` (module docstring): :math:`a_c` the first-year
    items of the ask in whole won (:func:`burdenshare.costs.itemise_first_year_krw` over
    ``cost_model.categories``), :math:`j` = ``opinion.transparency.justified_share_covered`` for
    covered categories and ``justified_share_sought`` for sought ones.

    Parameters
    ----------
    scenario
        A validated scenario (reads ``levers.us_ask_usd``, ``cost_model`` and
        ``opinion.transparency``).
    ask_usd
        The ask in dollars per year (default ``levers.us_ask_usd``, the scenario's own ask).

    Returns
    -------
    float
        Won per year.

    Raises
    ------
    SpecError
        A non-positive ask.
    DataError
        No exchange rate for ``cost_model.base_year``.

    Examples
    --------
    >>> from burdenshare.scenario import load_scenario
    >>> round(justified_amount_krw(load_scenario("sma-2020-hindsight")) / 1e9)   # the $5 bn ask of 2019
    3246
    """
    cm = scenario.cost_model
    t = scenario.opinion.transparency
    ask = float(scenario.levers.us_ask_usd if ask_usd is None else ask_usd)
    categories = list(cm.categories)
    items = itemise_first_year_krw(
        ask, int(cm.base_year), [float(c.share_of_ask) for c in categories],
        dict(cm.exchange_rates_krw_per_usd or {}),
    )
    total = 0.0
    for c, amount in zip(categories, items):
        share = t.justified_share_covered if c.status == "covered" else t.justified_share_sought
        total += float(amount) * float(share)
    return total
