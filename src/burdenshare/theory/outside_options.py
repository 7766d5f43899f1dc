r"""Outside options in alternating offers: the outside-option principle (BSS 1989).

A proposes first on a unit pie; when it is B's turn to respond B may opt out for
:math:`w_B`.  In the stationary SPE an outside option matters only if it binds::

    a = 1 - max(w_B, 1 - x1*)  =  min(x1*, 1 - w_B)

where :math:`x_1^*` is the Rubinstein proposer share.  For a common δ the option binds
iff :math:`w_B > \delta/(1+\delta)`.  If :math:`w_B > 1` no split is acceptable and B
opts out.  Unlike a breakdown payoff, an outside option does **not** enter the Nash
disagreement point (THEORY.md §4-§5).

References
----------
Binmore, K., Shaked, A. & Sutton, J. (1989). An Outside Option Experiment.
*Quarterly Journal of Economics* 104(4), 753-770.
"""

from __future__ import annotations

from dataclasses import dataclass

from burdenshare.theory import _validate as v

__all__ = ["OutsideOptionOutcome", "outside_option_share"]


@dataclass(frozen=True, slots=True)
class OutsideOptionOutcome:
    """SPE of alternating offers with a responder outside option.

    Attributes
    ----------
    agreement
        False when the option exceeds the pie and B opts out.
    proposer_share
        A's share when A proposes (``None`` without agreement).
    binds
        Whether the outside option changes the outcome.
    """

    agreement: bool
    proposer_share: float | None
    binds: bool


def outside_option_share(
    outside_option: float, delta_a: float, delta_b: float | None = None
) -> OutsideOptionOutcome:
    r"""A's SPE share when responder B holds outside option :math:`w_B`.

    Stationary equations (A proposes, B may opt out when responding)::

        b = delta_A a                    (A's share when B proposes)
        a = 1 - max(w_B, delta_B (1 - b))

    whose solution is :math:`a = \min(x_1^*, 1 - w_B)`.

    Parameters
    ----------
    outside_option
        :math:`w_B \ge 0`, received by B when it opts out.
    delta_a, delta_b
        Discount factors of A and B (``delta_b`` defaults to ``delta_a``).

    Returns
    -------
    OutsideOptionOutcome
        Agreement flag, A's share and whether the option binds.

    Raises
    ------
    SpecError
        If a discount factor is outside (0, 1) or the option is negative.

    References
    ----------
    Binmore, Shaked & Sutton (1989), *QJE* 104(4); THEORY.md §5.

    Examples
    --------
    >>> round(outside_option_share(0.3, 0.9).proposer_share, 6)
    0.526316
    >>> round(outside_option_share(0.6, 0.9).proposer_share, 6)
    0.4
    """
    w = v.nonnegative(outside_option, "outside_option")
    da = v.discount(delta_a, "delta_a")
    db = da if delta_b is None else v.discount(delta_b, "delta_b")
    if w > 1.0:
        return OutsideOptionOutcome(agreement=False, proposer_share=None, binds=True)
    x1 = (1.0 - db) / (1.0 - da * db)
    if w > 1.0 - x1:
        return OutsideOptionOutcome(agreement=True, proposer_share=1.0 - w, binds=True)
    return OutsideOptionOutcome(agreement=True, proposer_share=x1, binds=False)
