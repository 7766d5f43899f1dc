"""Every report figure renders (plotly and PNG) for a small (1,000 draws) and a large (20,000 draws)
run, and the fixes of issue 13 hold: the settlement's top axis is drawn, the win-set labels and the
votes legend cover nothing, the furlough histogram has readable ticks, the compare table names the
variant and uses one number format per outcome, and the PNGs carry only glyphs the bundled font has."""

from __future__ import annotations

import re

import pytest

from burdenshare.analysis.briefing import bottom_line
from burdenshare.analysis.compare import Variant, compare
from burdenshare.engine import simulate
from burdenshare.report.data import report_data
from burdenshare.report.figures import figure_specs, plotly_figures
from burdenshare.report.html import _compare_table
from burdenshare.report.png import _DRAW, _plt, plain_glyphs, write_pngs
from burdenshare.scenario import load_scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _data(draws: int):
    sc = load_scenario("sma-2020-hindsight")
    r = simulate(sc, draws=draws, seed=0)
    s = r.summary()
    s["bottom_line"] = bottom_line(r, tornado_draws=1024).to_json()
    c = compare("sma-2020-hindsight", [Variant("set", ("levers.transparency=1",))], draws=1024, seed=0).to_json()
    sweep = {"run_id": "x", "rows": [{"point": {"levers.transparency": t}, "p_ratified": 0.3 + 0.1 * t,
                                      "p_agreement": 0.5} for t in (0, 0.5, 1)]}
    sobol = {"outputs": {"p_ratified": {"names": ["a", "b"], "S1": [0.2, 0.1], "ST": [0.3, 0.2],
                                        "S1_conf": [0.05, 0.05], "ST_conf": [0.05, 0.05]}}}
    return report_data(sc, s, r.outcomes, r.params, r.plan.round_dates, source="test", compare=c, sweep=sweep,
                       sobol=sobol)


@pytest.fixture(scope="module", params=[1_000, 20_000], ids=["small", "large"])
def data(request):
    return _data(request.param)


def test_every_figure_renders(data, tmp_path):
    keys = [s.key for s in figure_specs(data)]
    assert keys[0] == "tornado" and {"counterfactuals", "sweep_p_ratified", "sobol_p_ratified"} <= set(keys)
    figs = plotly_figures(data)
    assert [s.key for s, _ in figs] == keys and all(len(f.data) > 0 for _, f in figs)
    written = write_pngs(data, tmp_path)
    assert [s.key for s, _ in written] == keys
    for _, path in written:
        assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 8_000


def _draw(data, key):
    plt = _plt()
    spec = next(s for s in figure_specs(data) if s.key == key)
    fig = plt.figure(figsize=(8, 4.5))
    _DRAW[key](data, spec, fig)
    fig.tight_layout()
    fig.canvas.draw()
    return plt, fig


def test_settlement_draws_the_top_axis_its_caption_names(data):
    spec = next(s for s in figure_specs(data) if s.key == "settlement")
    assert "top axis: increase over the current agreement" in spec.caption
    plt, fig = _draw(data, "settlement")
    labels = [a.get_xlabel() for a in fig.axes] + [c.get_xlabel() for a in fig.axes for c in a.child_axes]
    assert "increase over the current agreement (%)" in labels
    plt.close(fig)
    (pf,) = [f for s, f in plotly_figures(data) if s.key == "settlement"]
    assert pf.layout.xaxis2.side == "top" and pf.layout.xaxis2.overlaying == "x"
    cur = data.current_agreement_krw / 1e9
    lo, hi = pf.layout.xaxis.range
    assert pf.layout.xaxis2.range == pytest.approx((100 * (lo / cur - 1), 100 * (hi / cur - 1)))


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_legends_and_labels_cover_no_plot(data):
    for key in ("votes", "winset_2d"):
        plt, fig = _draw(data, key)
        r = fig.canvas.get_renderer()
        for ax in fig.axes:
            leg = ax.get_legend()
            if leg is None:
                continue
            for other in fig.axes:
                if other.get_label() == "<colorbar>":
                    continue
                assert not _overlaps(leg.get_window_extent(r), other.get_window_extent(r)), key
        if key == "winset_2d":  # no free text labels on the heatmap (they overlapped): the legend names the lines
            assert [t for t in fig.axes[0].texts] == []
        plt.close(fig)


def test_furlough_ticks_are_readable(data):
    plt, fig = _draw(data, "furlough")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"[\d,]+k", t) for t in ticks), ticks
    assert "thousands" in fig.axes[0].get_xlabel()
    plt.close(fig)


def test_compare_table_names_the_variant_and_formats_numbers(data):
    html = _compare_table(data)
    assert "<td>set</td>" not in html and "<td>--set levers.transparency=1</td>" in html
    nums = re.findall(r"<td>([+-][\d.,]+)</td>", html)
    assert nums and not any("e+" in n or "e-" in n for n in nums)
    assert re.search(r"<td>p_ratified</td><td>[+-]0\.\d{4}</td>", html)
    assert "amount_krw (KRW bn)" in html


def test_pngs_use_only_bundled_glyphs():
    assert plain_glyphs("日本 1,979億円 (FY2019)") == "?? JPY 197.9 bn (FY2019)"
    assert plain_glyphs("KRW 1,000 bn ≥ 0.5") == "KRW 1,000 bn ≥ 0.5"
