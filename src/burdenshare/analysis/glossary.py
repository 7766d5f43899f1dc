"""Definitions of the metrics a run shows (summary, bottom line), in one place: the report's glossary,
``burdenshare run --help`` and the notebook display read them from here.  No imports: the CLI loads it
at start-up.  The formulas: :mod:`burdenshare.engine.run` (summary) and
:mod:`burdenshare.analysis.briefing` (bottom line).
"""

from __future__ import annotations

__all__ = ["GLOSSARY", "glossary_text"]

#: Each metric of the summary and the bottom line, defined where it is shown (report, ``--help``).
GLOSSARY: dict[str, str] = {
    "P(agreement signed)": "share of draws in which a text is initialled and approved by the US President by the "
                           "horizon (protocol.horizon)",
    "P(ratified)": "share of draws in which a signed text also obtains the National Assembly's consent by the horizon",
    "P(no ratified deal by the horizon)": "1 - P(ratified): no agreement in force by protocol.horizon",
    "mean P(consent) at the vote": "the model's probability that the Assembly consents to the last text put to a "
                                   "vote, averaged over draws with a vote",
    "first-year amount p10/p50/p90": "percentiles of the first-year contribution of ratified agreements (won), with "
                                     "the change from today's contribution (cost_model.current_agreement_krw)",
    "window of agreement": "the dates of the rounds in which the 10th and 90th percentile of ratified signings fall",
    "duration (mean, P(multiyear))": "mean agreed term of ratified agreements in years, and the share longer than "
                                      "one year",
    "rounds to agreement (p50, p90)": "round of the ratified signing, counted from 1 = the first round of the "
                                      "talks (the same numbering in run, report and solve), with its date",
    "P(agreement by DATE)": "share of draws with a text signed (approved by the President) on or before DATE",
    "P(rejected by the President)": "share of draws in which the US President refuses to approve at least one text "
                                    "his negotiators initialled",
    "P(rejected by the Assembly)": "share of draws in which the Assembly votes down at least one submitted text",
    "expected lapses over H y": "expected number of periods without an agreement in force over the planning "
                                "horizon H (protocol.planning_horizon_years): the current one (no ratified agreement "
                                "by protocol.deadline) plus renewals whose own talks fail within the renewal window",
    "furlough worker-days": "Korean USFK employees on unpaid leave times days, from levers.furlough_from until a "
                            "signed text, the host's direct payment or the horizon",
    "drivers": "the levers whose one-at-a-time change moves P(ratified) most (paired differences on common draws)",
}


def glossary_text() -> str:
    """The glossary as ``name: definition`` lines (for ``--help``)."""
    return "\n\n".join(f"{k}: {v}." for k, v in GLOSSARY.items())
