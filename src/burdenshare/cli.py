"""The ``burdenshare`` command line.

Verbs mirror the Python API.  Every user-input error (:class:`~burdenshare.errors.BurdenshareError`)
is printed as one line on standard error and exits with code 2; nothing is written half-way.
Machine output (``--json``) follows DESIGN.md §6: money in base units with the currency in the
key, percentages as percent, probabilities in [0, 1], absent values as ``null``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextvars import ContextVar
from typing import Any

import typer

from burdenshare._version import __version__
from burdenshare.errors import BurdenshareError, ScenarioError, printable

app = typer.Typer(
    name="burdenshare",
    help="Model, simulate and explain alliance cost-sharing negotiations as two-level games.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scenarios_app = typer.Typer(help="List, show and validate scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

SetOption = typer.Option(
    None,
    "--set",
    help="Override a scenario field: path.to.field=VALUE (VALUE read as TOML). Repeatable.",
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")
StoreOption = typer.Option(
    None, "--store", metavar="PATH", help="Results store (DuckDB file; default ./burdenshare.duckdb or $BURDENSHARE_STORE)."
)
ForceOption = typer.Option(
    False, "--force", help="Replace an existing output file (a report this tool wrote is replaced without it).")
BankOption = typer.Option(
    None, "--bank-size", metavar="K",
    help="Level-II parameter sets drawn for the exact consent tables (1..256; default 64; about 1 s each, cached on disk).",
)


DataOption = typer.Option(
    None, "--data", metavar="DIR",
    help="Data directory under the data contract (docs/data-contract.md; default: the bundled data).",
)


def data_context(directory: str | None) -> Any:
    """The context of ``--data DIR``: the directory checked against the data contract (a one-line
    error naming file, line and column otherwise) and made the active dataset; the bundled data
    when None."""
    from contextlib import nullcontext

    from burdenshare.data import open_dataset, using

    if directory is None:
        return nullcontext()
    return using(open_dataset(directory))


def reads_data(command: Any) -> Any:
    """Give a command the ``--data DIR`` option and run it inside :func:`data_context`.

    Put it under ``@app.command(...)``; the command's own parameters are unchanged.
    """
    import functools
    import inspect

    signature = inspect.signature(command)
    option = inspect.Parameter("data_dir", inspect.Parameter.KEYWORD_ONLY, default=DataOption,
                               annotation="str | None")

    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: str | None = None, **kwargs: Any) -> Any:
        token = _NOTES.set([])
        try:
            with data_context(data_dir):
                result = command(*args, **kwargs)
            for note in dict.fromkeys(_NOTES.get() or ()):  # after the output, on success only
                typer.echo(note, err=True)
            return result
        finally:
            _NOTES.reset(token)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), option])
    wrapper.__annotations__ = {**getattr(command, "__annotations__", {}), "data_dir": "str | None"}
    return wrapper


_NOTES: ContextVar[list[str] | None] = ContextVar("burdenshare_cli_notes", default=None)


def _hindsight_note(scenario_or_json: Any) -> None:
    """Where the scenario (or a result's JSON) declares ``hindsight = true``, one line for standard
    error, printed by :func:`reads_data` after the command's output when it succeeds."""
    from burdenshare.scenario.vintage import hindsight_note

    if isinstance(scenario_or_json, dict):
        note = None
        if scenario_or_json.get("hindsight"):
            rows = scenario_or_json.get("rows") or [{}]
            name = scenario_or_json.get("scenario") or rows[0].get("scenario") or "of this run"
            note = (f"note: scenario {name} declares hindsight = true: "
                    "it cites facts known only after its as_of; it is a reconstruction, not a forecast")
    else:
        note = hindsight_note(scenario_or_json)
    pending = _NOTES.get()
    if note is not None and pending is not None:
        pending.append(note)


def _bank_size(value: int | None) -> int:
    """``--bank-size``: the engine's default when unset, else 1..MAX_BANK_SIZE (64) (one-line error otherwise)."""
    from burdenshare.engine.config import DEFAULT_BANK_SIZE, MAX_BANK_SIZE

    if value is None:
        return DEFAULT_BANK_SIZE
    if not 1 <= value <= MAX_BANK_SIZE:
        raise ScenarioError(f"got {value}; allowed: an integer in 1..{MAX_BANK_SIZE}", field="--bank-size")
    return int(value)


def _run_config(draws: int, seed: int, bank_size: int | None, chunk_size: int | None = None) -> Any:
    """The :class:`~burdenshare.engine.config.RunConfig` of the CLI options (errors name the option)."""
    from burdenshare.engine.config import RunConfig
    from burdenshare.errors import SpecError

    bank = _bank_size(bank_size)
    try:
        return RunConfig(draws=draws, seed=seed, bank_size=bank, chunk_size=chunk_size)
    except SpecError as exc:
        option = {"draws": "--draws", "seed": "--seed", "chunk_size": "--chunk-size"}.get(exc.field or "", exc.field)
        raise ScenarioError(exc.message, field=option) from None


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False))


def _console():
    from rich.console import Console

    return Console()


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"burdenshare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Alliance cost-sharing negotiations as two-level games."""


# --------------------------------------------------------------------------- scenarios


@scenarios_app.command("list")
def scenarios_list(as_json: bool = JsonOption) -> None:
    """List the bundled scenarios.

    Example: burdenshare scenarios list
    """
    from burdenshare.scenario import list_scenarios

    entries = list_scenarios()
    if as_json:
        _print_json([{"name": name, "title": title} for name, title in entries])
        return
    from rich.table import Table

    table = Table("name", "title")
    for name, title in entries:
        table.add_row(name, title)
    _console().print(table)


@scenarios_app.command("show")
@reads_data
def scenarios_show(
    name: str = typer.Argument(..., help="Bundled scenario name or path to a TOML file."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Print a scenario (after overrides) as TOML followed by its provenance table (as TOML
    comments, so the output still loads), or with --json as {"toml", "scenario", "provenance"}.

    Example: burdenshare scenarios show sma-2020-hindsight --set levers.transparency=1
    """
    from burdenshare.scenario import dump_scenario, load_scenario, provenance_rows

    scenario = load_scenario(name, overrides or ())
    _hindsight_note(scenario)
    text = dump_scenario(scenario)
    if as_json:
        _print_json(
            {
                "toml": text,
                "scenario": scenario.model_dump(mode="json", by_alias=True),
                "provenance": {
                    path: entry.model_dump(mode="json", by_alias=True)
                    for path, entry in scenario.provenance.values.items()
                },
            }
        )
        return
    typer.echo(text, nl=False)
    typer.echo(_provenance_comment(provenance_rows(scenario)), nl=False)


def _provenance_comment(rows: list[tuple[str, str, str, str]]) -> str:
    """The provenance table as TOML comment lines (path, value, kind, source)."""
    out = ["", "# ---- provenance: where each value comes from (the map itself is [provenance.values]) ----"]
    if not rows:
        out.append("# (this scenario has no provenance map)")
        return "\n".join(out) + "\n"
    header = ("path", "value", "kind", "source")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(2)]
    widths[1] = min(widths[1], 24)
    kind_width = max(len("kind"), *(len(r[2]) for r in rows))

    def line(r: tuple[str, str, str, str]) -> str:
        value = r[1] if len(r[1]) <= widths[1] else r[1][: widths[1] - 1] + "…"
        return f"# {r[0]:<{widths[0]}}  {value:<{widths[1]}}  {r[2]:<{kind_width}}  {r[3]}".rstrip()

    out.append(line(header))
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"


@scenarios_app.command("validate")
@reads_data
def scenarios_validate(
    path: str = typer.Argument(..., help="Scenario TOML file (or bundled name)."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Validate a scenario file; exit 2 with a one-line error naming the field if it is invalid.

    Example: burdenshare scenarios validate my.toml --set levers.transparency=0.5
    """
    from burdenshare.engine.prepare import check_run
    from burdenshare.scenario import load_scenario, scenario_hash

    scenario = load_scenario(path, overrides or ())
    _hindsight_note(scenario)
    check_run(scenario)  # what `run` checks before it starts: validate accepts exactly what run can run
    digest = scenario_hash(scenario)
    if as_json:
        _print_json({"valid": True, "name": scenario.name, "hash": digest, "hindsight": scenario.hindsight})
    else:
        typer.echo(f"ok: {scenario.name} (schema {scenario.schema_version}, sha256 {digest[:12]})"
                   f"{'; hindsight = true: cites facts known only after its as_of' if scenario.hindsight else ''}")


@scenarios_app.command("build")
def scenarios_build(
    round_: int = typer.Option(..., "--round", help="SMA number N: the talks on SMA N (SMA N-1 is the current agreement)."),
    as_of: str = typer.Option(..., "--as-of", help="Date (YYYY-MM-DD): only data rows known then are used."),
    data: str | None = DataOption,
    out: str | None = typer.Option(None, "--out", metavar="FILE", help="Write the scenario here (default: standard output)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
    name: str | None = typer.Option(None, "--name", help="The scenario's name (default sma-N-DATE)."),
) -> None:
    """Build a scenario for the talks on SMA N from the data known at a date (docs/builder.md).

    Example: burdenshare scenarios build --round 11 --as-of 2020-03-11 --out sma-11.toml
    """
    import datetime as dt
    from pathlib import Path

    from burdenshare.builder import build_text

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise ScenarioError(f"got {as_of!r}; allowed: a date YYYY-MM-DD", field="--as-of") from None
    from burdenshare.outputs import atomic_output, check_output

    if out is not None:  # before any work: the store, links, devices, an existing file without --force
        check_output(out, "--out", force=force)
    if name is not None and not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name):
        raise ScenarioError(f"got {name!r}; allowed: 1-64 letters, digits, '_' or '-'", field="--name")
    text = build_text(round_, day, data, name=name)
    if out is None:
        typer.echo(text, nl=False)
    else:
        with atomic_output(out, "--out") as tmp:
            Path(tmp).write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- explain


@app.command("explain")
@reads_data
def explain_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    ask: float | None = typer.Option(
        None, "--ask", help="The ask per year, in --currency units (default: the scenario's levers.us_ask_usd)."
    ),
    currency: str = typer.Option("USD", "--currency", help="Currency of --ask and of the table: USD or KRW."),
    years: int | None = typer.Option(None, "--years", help="Break the ask down by year over N years."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """The transparency statement: the ask by category (and year), both currencies, with sources.

    Example: burdenshare explain sma-2020-hindsight --ask 1.3e9 --years 3
    """
    from burdenshare.costs.statement import explain
    from burdenshare.scenario import load_scenario

    currency = currency.upper()
    if currency not in ("USD", "KRW"):
        raise ScenarioError(f"got {currency!r}; allowed: USD, KRW", field="--currency")
    from burdenshare.scenario.checks import MAX_ASK_USD

    top = MAX_ASK_USD * (1.0 if currency == "USD" else 1e4)  # KRW: well above any exchange rate
    if ask is not None and not (0 < ask <= top):
        raise ScenarioError(f"got {ask!r}; allowed: a positive amount up to {top:.0e} {currency} a year", field="--ask")
    from burdenshare.costs.statement import MAX_YEARS

    if years is not None and not 1 <= years <= MAX_YEARS:
        raise ScenarioError(f"got {years}; allowed: an integer 1..{MAX_YEARS}", field="--years")
    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    statement = explain(scenario, ask=ask, currency=currency, years=years)
    if as_json:
        _print_json(statement.to_json())
        return
    _render_statement(statement, currency)


def _render_statement(statement: Any, currency: str) -> None:
    """Print the statement: one table of items, the sources as numbered notes, then comparisons."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 110))
    title, header, rows, footer = statement.render(currency=currency)
    source_col = header.index("Source") if "Source" in header else None
    sources: list[str] = []
    table = Table(*(h for i, h in enumerate(header) if i != source_col), "Src", title=title)
    for row in rows:
        cells = [str(cell) for cell in row]
        ref = ""
        if source_col is not None:
            text = cells.pop(source_col)
            if text:
                if text not in sources:
                    sources.append(text)
                ref = f"({sources.index(text) + 1})"
        table.add_row(*cells, ref)
    console.print(table, markup=False)
    for i, text in enumerate(sources, start=1):
        console.print(f"({i}) {text}", markup=False, highlight=False)
    console.print()
    for line in footer:
        console.print(line, markup=False, highlight=False)


# --------------------------------------------------------------------------- run


def _run_epilog() -> str:
    from burdenshare.analysis.glossary import glossary_text

    return "What the summary shows:\n\n" + glossary_text()


@app.command("run", epilog=_run_epilog())
@reads_data
def run_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    draws: int = typer.Option(10_000, "--draws", help="Monte-Carlo draws (>= 1)."),
    seed: int = typer.Option(0, "--seed", help="Seed (integer >= 0); same seed, same output."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
    store_path: str | None = StoreOption,
    summary_only: bool = typer.Option(False, "--summary-only", help="Record the run and its summary, not its rows."),
    report_path: str | None = typer.Option(
        None, "--report", metavar="PATH.html", help="Also write the HTML report (and PATH_figures/*.png)."),
    bank_size: int | None = BankOption,
    force: bool = ForceOption,
) -> None:
    """Simulate the two-level negotiation over many draws, record it in the store, print the bottom line and the
    summary (each metric is defined below).

    Example: burdenshare run sma-2020 --draws 2000 --report sma.html
    """
    if report_path is not None:
        from burdenshare.report.html import check_report_path
        from burdenshare.store import default_store_path

        # before simulating or recording: a report that cannot be written fails at once
        check_report_path(report_path, store=store_path or default_store_path(), force=force)
    from burdenshare.analysis.runs import record_run
    from burdenshare.engine.run import summary_rows
    from burdenshare.engine.prepare import check_run
    from burdenshare.scenario import dump_scenario, load_scenario
    from burdenshare.store import open_store

    config = _run_config(draws, seed, bank_size)
    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    check_run(scenario)  # a lever the engine cannot play fails before the store is touched

    with open_store(store_path) as store:  # before simulating: a locked or corrupt store fails at once
        # rows stream into the store chunk by chunk; a --summary-only run never holds its rows
        run_id, result, reused = record_run(
            store, scenario, config, scenario_toml=dump_scenario(load_scenario(scenario_name)),
            overrides=list(overrides or ()), summary_only=summary_only, keep_rows=report_path is not None)
        summary = store.points(run_id)[0]["summary"]
        typer.echo(f"{'reused run' if reused else 'recorded as run'} {run_id} in {store.path}"
                   f"{' (the same inputs were recorded before: nothing recomputed)' if reused else ''}", err=True)
    from burdenshare.analysis.briefing import run_summary
    from burdenshare.engine import simulate

    # a run recorded before its bottom line was stored with it, or by `serve` before its drivers were ready
    stale = "bottom_line" not in summary or bool(summary["bottom_line"].get("drivers_pending"))
    if result is None and (report_path is not None or not as_json or stale):
        # a reused summary-only record holds no rows: play the same draws again
        result = simulate(scenario, config, keep_rows=report_path is not None)
    if stale:
        assert result is not None
        summary["bottom_line"] = run_summary(result)["bottom_line"]
    brief = summary["bottom_line"]
    if report_path is not None:
        from burdenshare.report import report_from_result

        files = report_from_result(result, report_path, scenario=scenario, bottom_line=summary["bottom_line"], force=force,
                                   source=f"run {run_id} ({draws:,} draws, seed {seed})")
        typer.echo(f"wrote report {files.html} ({len(files.figures)} figures; PNGs in {files.html.stem}_figures/)",
                   err=True)
    if as_json:
        _print_json(summary)
        return
    from rich.table import Table

    from burdenshare.costs import krw_per_usd

    cm = scenario.cost_model
    rate = krw_per_usd(int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))
    console = _console()
    console.print(brief["text"], markup=False, highlight=False)
    for note in brief["notes"]:
        console.print(note, markup=False, highlight=False)
    table = Table("quantity", "value", title=f"burdenshare run {summary['scenario']} ({draws} draws, seed {seed})")
    assert result is not None
    for name, value in summary_rows(summary, krw_per_usd=rate, round_dates=result.plan.round_dates):
        table.add_row(name, value)
    console.print(table)


# --------------------------------------------------------------------------- winset, solve


def _floor_vote_line(console: Any, scenario: Any) -> None:
    """The floor vote's noise scale the command read (engine.floor_vote; computed once per process)."""
    from burdenshare.engine.floor_vote import floor_vote

    console.print(floor_vote(scenario).line(), markup=False, highlight=False)


def _cli_date(value: str | None, scenario: Any, option: str) -> Any:
    """A date option: ISO, inside the data range and covered by a legislature period."""
    import datetime as _dt

    from burdenshare.scenario.schema import DATE_MAX, DATE_MIN

    if value is None:
        return scenario.levers.as_of
    try:
        day = _dt.date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"got {value!r}; allowed: an ISO date YYYY-MM-DD", field=option) from None
    first = min(p.from_ for p in scenario.legislature.periods)
    if not (max(DATE_MIN, first) <= day <= DATE_MAX):
        raise ScenarioError(f"got {day.isoformat()}; allowed: {max(DATE_MIN, first).isoformat()}..{DATE_MAX.isoformat()} "
                            "(the scenario's first legislature period .. the last date a scenario may name)",
                            field=option)
    return day


@app.command("winset")
@reads_data
def winset_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    date: str | None = typer.Option(None, "--date", help="Vote date YYYY-MM-DD (default: levers.as_of)."),
    level: float = typer.Option(0.5, "--level", help="Consent-probability level in (0, 1]."),
    duration: int | None = typer.Option(None, "--duration", help="Duration in years (default: shortest allowed)."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """The Assembly's win-set: the largest amount whose consent probability clears --level.

    Example: burdenshare winset sma-2020-hindsight --date 2020-06-01 --level 0.5
    """
    import math

    from burdenshare.costs import to_usd
    from burdenshare.legislature import win_set
    from burdenshare.scenario import load_scenario

    if not (math.isfinite(level) and 0.0 < level <= 1.0):
        raise ScenarioError(f"got {level!r}; allowed: (0, 1]", field="--level")
    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    day = _cli_date(date, scenario, "--date")
    allowed = sorted(scenario.levers.allowed_durations)
    if duration is not None and duration not in allowed:
        raise ScenarioError(f"got {duration}; allowed: {allowed} (levers.allowed_durations)", field="--duration")
    ws = win_set(scenario, day, level, duration)
    from burdenshare.actors import executive_ceiling_krw

    if as_json:  # exactly the documented keys (docs/solve.md §2)
        _print_json(ws.to_json())
        return
    executive_max = executive_ceiling_krw(scenario, day)
    cm = scenario.cost_model
    usd = lambda krw: to_usd(krw, int(cm.base_year), dict(cm.exchange_rates_krw_per_usd))  # noqa: E731
    console = _console()
    head = f"win-set of {scenario.name} on {ws.date.isoformat()}, level {ws.level:g}, {ws.duration_years}-year deal"
    if ws.max_amount_krw is None:
        console.print(f"{head}: EMPTY - {ws.message}", markup=False)
    else:
        console.print(f"{head}: up to KRW {ws.max_amount_krw / 1e9:,.0f} bn (${usd(ws.max_amount_krw) / 1e6:,.0f} M) "
                      f"a year", markup=False)
    if executive_max is not None:
        console.print(f"the executive itself signs up to KRW {executive_max / 1e9:,.0f} bn a year "
                      "(parties.host_executive.opinion_weight: its base's opinion)", markup=False)
    _floor_vote_line(console, scenario)
    from rich.table import Table

    table = Table("amount (KRW bn)", "amount ($ M)", "P(consent)")
    points = [cm.current_agreement_krw * f for f in (1.0, 1.05, 1.1, 1.13, 1.2, 1.3, 1.5)]
    for target in points:
        a, p = min(ws.curve, key=lambda ap: abs(ap[0] - target))
        table.add_row(f"{a / 1e9:,.0f}", f"{usd(a) / 1e6:,.0f}", f"{p:.3f}")
    console.print(table)


@app.command("solve")
@reads_data
def solve_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """The rational benchmark: exact backward induction with consent probabilities (docs/solve.md).

    Example: burdenshare solve sma-2020-hindsight
    """
    from burdenshare.solver.scenario import solve_scenario
    from burdenshare.scenario import load_scenario

    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    eq = solve_scenario(scenario)
    if as_json:
        _print_json(eq.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 110))
    krw, usd, when = eq.amount_krw, eq.amount_usd, eq.date
    if eq.agreement and krw is not None and usd is not None and when is not None:
        console.print(
            f"{scenario.name}: agreement at KRW {krw / 1e9:,.0f} bn (${usd / 1e6:,.0f} M) a year "
            f"for {eq.duration_years} year(s)"
            + ("" if eq.escalator_pct is None else f" growing {eq.escalator_pct:g} % a year")
            + ("" if eq.escalator_cap_pct is None else f" with the index growth capped at {eq.escalator_cap_pct:g} %")
            + f", {eq.increase_pct:+.1f} %, offered by {eq.proposer} on "
            f"{when.isoformat()}" + ("" if eq.branch is None else f" ({eq.branch} of administration)")
            + f"; P(consent) {eq.p_consent:.3f}; P(agreement by the horizon) {eq.p_agreement:.3f}",
            markup=False)
    else:
        console.print(f"{scenario.name}: no ratified agreement in equilibrium by the horizon "
                      f"(P = {eq.p_agreement:.3g})", markup=False)
    console.print(f"values (won, relative to reservation values): US {eq.value_us_krw / 1e9:,.1f} bn, "
                  f"host {eq.value_rok_krw / 1e9:,.1f} bn", markup=False)
    _floor_vote_line(console, scenario)
    table = Table("round (1 = first)", "date", "US election", "proposer", "offer (KRW bn)", "years", "accepted", "P(consent)",
                  "P(agree here)")
    for r in eq.path:
        table.add_row(str(r.round + 1), r.date.isoformat(), "-" if r.branch is None else r.branch, r.proposer,
                      "-" if r.offer_krw is None else f"{r.offer_krw / 1e9:,.0f}",
                      "-" if r.duration_years is None else str(r.duration_years), "yes" if r.accepted else "no",
                      "-" if r.p_consent is None else f"{r.p_consent:.3f}", f"{r.p_agreement:.3f}")
    console.print(table)


# --------------------------------------------------------------------------- runs (results store), sweep

runs_app = typer.Typer(help="List, show and export the runs in the results store.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def runs_list(store_path: str | None = StoreOption, as_json: bool = JsonOption) -> None:
    """List the recorded runs, newest first.

    Example: burdenshare runs list --store burdenshare.duckdb
    """
    from burdenshare.store import open_store

    with open_store(store_path, read_only=True) as store:
        recs = store.runs()
        counts = {r.run_id: len(store.chunks_done(r.run_id)) for r in recs}
    if as_json:
        _print_json([r.to_json(with_toml=False) for r in recs])
        return
    from rich.table import Table

    # the full id first and never cut (every command takes it, or a unique prefix of 4+ hex digits);
    # points, backend and units are in `runs show` and --json
    table = Table("id", "created (UTC)", "kind", "scenario", "draws", "seed", "status")
    table.columns[0].no_wrap = True
    table.columns[0].min_width = max([len(r.run_id) for r in recs] or [2])
    for r in recs:
        status = r.status if r.status == "complete" else f"{r.status} {counts[r.run_id]}/{r.n_points * r.n_chunks}"
        table.add_row(r.run_id, r.created[:16].replace("T", " "), r.kind, r.scenario, str(r.draws), str(r.seed), status)
    _console().print(table)


@runs_app.command("show")
def runs_show(
    run_id: str = typer.Argument(..., metavar="RUN_ID"),
    store_path: str | None = StoreOption,
    as_json: bool = JsonOption,
) -> None:
    """Show one run: its record, grid points and summaries.

    Example: burdenshare runs show 5c70
    """
    from burdenshare.store import open_store

    with open_store(store_path, read_only=True) as store:
        run_id = store.resolve_id(run_id)
        rec = store.run(run_id)
        points = store.points(run_id)
        units, rows = len(store.chunks_done(run_id)), store.row_count(run_id)
    if as_json:
        _print_json({**rec.to_json(), "units_done": units, "rows": rows, "points": points})
        return
    console = _console()
    for key, value in rec.to_json(with_toml=False).items():
        if key != "columns":
            console.print(f"{key}: {value}", markup=False, highlight=False)
    console.print(f"units done: {units}/{rec.n_points * rec.n_chunks}; rows: {rows}", markup=False)
    from rich.table import Table

    table = Table("point", "values", "P(agreement)", "P(ratified)", "increase p50 %")
    for p in points:
        s = p["summary"] or {}
        inc = (s.get("increase_pct") or {}).get("p50")
        table.add_row(str(p["point"]), json.dumps(p["values"]), _fmt(s.get("p_agreement")), _fmt(s.get("p_ratified")),
                      _fmt(inc, ".1f"))
    console.print(table)


def _resolve_run(store_path: str | None, text: str) -> str:
    """A run id or its unique prefix (4+ hex digits) -> the full id (:meth:`ResultsStore.resolve_id`)."""
    from burdenshare.store import open_store

    with open_store(store_path, read_only=True) as store:
        return store.resolve_id(text)


def _fmt(x: Any, spec: str = ".3f") -> str:
    return "n/a" if x is None else format(x, spec)


#: The format an ``--out`` suffix names (``runs export``).
_EXPORT_SUFFIX: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _export_format(fmt: str | None, out: str) -> str:
    """``--format`` of ``runs export``: given, or from ``--out``'s suffix (``.csv``: csv, else parquet);
    one naming the other format than ``--out``'s suffix is refused (a ``.csv`` file of Parquet bytes)."""
    suffix = _EXPORT_SUFFIX.get(os.path.splitext(out)[1].lower())
    if fmt is None:
        return suffix or "parquet"
    chosen = fmt.lower()
    if chosen not in ("parquet", "csv"):
        raise ScenarioError(f"got {fmt!r}; allowed: parquet, csv", field="--format")
    if suffix is not None and suffix != chosen:
        raise ScenarioError(f"got {fmt!r} but --out {out!r} names a {suffix} file; give --format {suffix} "
                            f"or an --out ending in .{chosen}", field="--format")
    return chosen


@runs_app.command("export")
def runs_export(
    run_id: str = typer.Argument(..., metavar="RUN_ID"),
    fmt: str | None = typer.Option(None, "--format",
                                   help="parquet or csv (default: csv for an --out ending in .csv, else parquet)."),
    out: str = typer.Option(..., "--out", metavar="PATH", help="Output file (written whole, then renamed)."),
    store_path: str | None = StoreOption,
    as_json: bool = JsonOption,
    force: bool = ForceOption,
) -> None:
    """Export a run's outcome rows to Parquet or CSV (streamed by DuckDB; never over the store).

    Example: burdenshare runs export 5c70 --format csv --out rows.csv
    """
    from burdenshare.store import open_store

    fmt = _export_format(fmt, out)
    with open_store(store_path, read_only=True) as store:
        run_id = store.resolve_id(run_id)
        n = store.export(run_id, out, fmt, force=force)
    if as_json:
        _print_json({"run_id": run_id, "format": fmt, "out": out, "rows": n})
    else:
        typer.echo(f"wrote {n} rows of run {run_id} to {out}")


def _progress_reporter(mode: str) -> Any:
    """A context manager giving (on_start, progress) callbacks: a rich bar, lines on stderr, or nothing."""
    import contextlib

    if mode not in ("auto", "bar", "lines", "none"):
        raise ScenarioError(f"got {mode!r}; allowed: auto, bar, lines, none", field="--progress")
    if mode == "auto":
        mode = "bar" if sys.stderr.isatty() else "none"

    @contextlib.contextmanager
    def cm() -> Any:
        if mode == "none":
            yield None, None
        elif mode == "lines":
            def start(rid: str) -> None:
                print(f"run {rid}", file=sys.stderr, flush=True)

            def step(done: int, total: int, unit: Any) -> None:
                print(f"unit {done}/{total} committed (point {unit.point}, chunk {unit.chunk})", file=sys.stderr,
                      flush=True)

            yield start, step
        else:
            from rich.console import Console
            from rich.progress import Progress

            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("sweep", total=None)

                def start_bar(rid: str) -> None:
                    bar.update(task, description=f"run {rid}")

                def step_bar(done: int, total: int, unit: Any) -> None:
                    bar.update(task, completed=done, total=total)

                yield start_bar, step_bar

    return cm()


@app.command("sweep")
@reads_data
def sweep_cmd(
    scenario_name: str | None = typer.Argument(None, metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    grid: list[str] | None = typer.Option(None, "--grid", help="Axis path.to.field=V1,V2,... (TOML values). Repeatable."),
    draws: int = typer.Option(10_000, "--draws", help="Monte-Carlo draws per grid point."),
    seed: int = typer.Option(0, "--seed", help="Seed shared by every point (common random numbers)."),
    overrides: list[str] | None = SetOption,
    backend: str = typer.Option("local", "--backend", help="local or dask."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Dask scheduler address."),
    workers: int | None = typer.Option(None, "--workers", help="Workers of the local Dask cluster (default 2)."),
    chunk_size: int | None = typer.Option(None, "--chunk-size", help="Draws per unit (whole blocks of 1024)."),
    resume: str | None = typer.Option(None, "--resume", metavar="RUN_ID", help="Finish an interrupted run."),
    progress: str = typer.Option("auto", "--progress", help="auto (bar on a terminal), bar, lines, none."),
    store_path: str | None = StoreOption,
    as_json: bool = JsonOption,
    bank_size: int | None = BankOption,
) -> None:
    """Run a scenario over a grid of overrides with common random numbers; record and summarise it.

    Example: burdenshare sweep sma-2020-hindsight --grid levers.transparency=0,0.5,1 --draws 2000
    """
    from burdenshare.analysis.sweep import resume_sweep, sweep

    if resume is not None:
        if scenario_name is not None or grid or overrides or chunk_size is not None or bank_size is not None:
            raise ScenarioError("--resume reads the scenario, grid, overrides, draws, seed, chunking and bank size from the "
                                "store; give none of them", field="--resume")
    elif scenario_name is None:
        raise ScenarioError("missing SCENARIO (or --resume RUN_ID)", field="SCENARIO")
    with _progress_reporter(progress) as (on_start, step):
        if resume is not None:
            result = resume_sweep(_resolve_run(store_path, resume), store=store_path, backend=backend,
                                  scheduler=scheduler, workers=workers,
                                  progress=step)
        else:
            assert scenario_name is not None  # refused above when neither SCENARIO nor --resume is given
            result = sweep(scenario_name, grid or (), draws=draws, seed=seed, overrides=overrides or (),
                           store=store_path, backend=backend, scheduler=scheduler, workers=workers,
                           chunk_size=chunk_size, progress=step, on_start=on_start, bank_size=_bank_size(bank_size))
    data = result.to_json()
    _hindsight_note(data)
    if as_json:
        _print_json(data)
        return
    from rich.table import Table

    axes = list(dict.fromkeys(k for row in data["rows"] for k in row["point"])) or ["point"]
    # one column per grid axis, headed by the field's last part (the full paths are in the title)
    table = Table(*(a.rsplit(".", 1)[-1] for a in axes), "P(agreement)", "P(ratified)", "increase p50 %",
                  "mean P(consent)", title=f"burdenshare sweep, run {data['run_id']} (axes: {', '.join(axes)})")
    for row in data["rows"]:
        inc = (row["increase_pct"] or {}).get("p50")
        table.add_row(*(str(row["point"].get(a, "-")) for a in axes), _fmt(row["p_agreement"]),
                      _fmt(row["p_ratified"]), _fmt(inc, ".1f"), _fmt(row["mean_p_consent"]))
    _console().print(table)


# --------------------------------------------------------------------------- report, compare


#: Largest --sweep / --sobol JSON file read (a 256-point sweep's --json is under 1 MiB).
MAX_JSON_BYTES: int = 16 * 1024 * 1024


def _read_json_file(path: str | None, option: str) -> Any:
    """A ``--sweep`` / ``--sobol`` JSON file, read with a size limit (a FIFO or device is refused
    before it is opened), checked to have the shape the report reads - before any work."""
    import stat

    if path is None:
        return None
    from burdenshare.outputs import check_path_length

    p = check_path_length(path, option)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ScenarioError(f"{path!r} is not a regular file (a folder, device, FIFO or socket)", field=option)
        if st.st_size > MAX_JSON_BYTES:
            raise ScenarioError(f"{path!r} has {st.st_size:,} bytes; allowed: at most {MAX_JSON_BYTES:,}", field=option)
        with open(p, encoding="utf-8") as fh:
            data = json.loads(fh.read(MAX_JSON_BYTES + 1))
    except ScenarioError:
        raise
    except (OSError, ValueError, RecursionError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(f"cannot read JSON from {path!r}: {reason}", field=option) from None
    _check_json_shape(data, option)
    return data


def _check_json_shape(data: Any, option: str) -> None:
    """Refuse a ``--sweep`` that is not a sweep's ``--json`` output, or a ``--sobol`` that is not a
    sensitivity ``--json`` output, using the report's own readers (one line, exit 2)."""
    from burdenshare.report.figures import sobol_table, sweep_grid

    number = (int, float, type(None))
    try:
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        if option == "--sweep":
            rows = data.get("rows")
            if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("point"), dict)
                                                     for r in rows):
                raise TypeError('no "rows" list of {"point": {...}, ...} objects')
            axes = [tuple(r["point"]) for r in rows]
            if len(set(axes)) > 1:
                raise TypeError("the rows have different axes")
            for key in ("p_ratified", "p_agreement", "mean_p_consent"):
                grid = sweep_grid(data, key)
                if not all(isinstance(v, number) and not isinstance(v, bool) for row in grid["z"] for v in row):
                    raise TypeError(f"{key} values are not numbers")
        else:
            table = sobol_table(data)
            if not table or not all(isinstance(rows, list) and rows for rows in table.values()):
                raise TypeError("no indices")
            for rows in table.values():
                for r in rows:
                    if not all(isinstance(r[k], number) and not isinstance(r[k], bool)
                               for k in ("S1", "ST", "S1_conf", "ST_conf")):
                        raise TypeError("indices are not numbers")
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        what = "a sweep's --json output" if option == "--sweep" else "a sensitivity --json output"
        raise ScenarioError(f"not {what} ({exc})", field=option) from None


@app.command("report")
@reads_data
def report_cmd(
    run_id: str = typer.Argument(..., metavar="RUN_ID", help="A run in the results store (burdenshare runs list)."),
    out: str = typer.Option(..., "--out", metavar="PATH.html", help="The HTML file (PNGs go to PATH_figures/)."),
    store_path: str | None = StoreOption,
    sweep_json: str | None = typer.Option(None, "--sweep", metavar="FILE", help="A sweep's --json output (heatmaps)."),
    sobol_json: str | None = typer.Option(None, "--sobol", metavar="FILE", help="A sensitivity --json output (bars)."),
    no_png: bool = typer.Option(False, "--no-png", help="Write the HTML file only."),
    as_json: bool = JsonOption,
    force: bool = ForceOption,
) -> None:
    """Write the self-contained HTML report (and PNG figures) of a recorded run (docs/reports.md).

    Example: burdenshare report 5c70 --out sma.html
    """
    from burdenshare.report import report_from_store
    from burdenshare.report.html import check_report_path
    from burdenshare.store import default_store_path

    check_report_path(out, png=not no_png, option="--out", store=store_path or default_store_path(), force=force)

    extra = {k: v for k, v in (("sweep", _read_json_file(sweep_json, "--sweep")),
                               ("sobol", _read_json_file(sobol_json, "--sobol"))) if v is not None}
    rid = _resolve_run(store_path, run_id)
    files = report_from_store(rid, out, store=store_path, png=not no_png, force=force, **extra)
    from burdenshare.store import open_store

    with open_store(store_path, read_only=True) as st:
        _hindsight_note(st.points(rid)[0]["summary"] or {})
    if as_json:
        _print_json(files.to_json())
    else:
        typer.echo(f"wrote {files.html} ({len(files.figures)} figures, {len(files.pngs)} PNG files)")


@app.command("compare")
@reads_data
def compare_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    overrides: list[str] | None = typer.Option(
        None, "--set", help="Override of the variant named 'set' (path.to.field=VALUE, TOML). Repeatable."),
    variant_opts: list[str] | None = typer.Option(
        None, "--variant", metavar="NAME:PATH=VALUE", help="Override of variant NAME; repeat NAME to add more."),
    base_opts: list[str] | None = typer.Option(
        None, "--base", metavar="PATH=VALUE", help="Override of the baseline (and so of every variant)."),
    draws: int = typer.Option(10_000, "--draws", help="Monte-Carlo draws, shared by every run (>= 1)."),
    seed: int = typer.Option(0, "--seed", help="Seed shared by every run (common random numbers)."),
    report_path: str | None = typer.Option(None, "--report", metavar="PATH.html", help="Also write the HTML report."),
    as_json: bool = JsonOption,
    bank_size: int | None = BankOption,
    force: bool = ForceOption,
) -> None:
    """Baseline vs variants on the same draws: paired differences with 95 % intervals (docs/reports.md).

    Example: burdenshare compare sma-2020-hindsight --variant open:levers.transparency=1 --draws 2000
    """
    from burdenshare.analysis.compare import compare, parse_variants

    config = _run_config(draws, seed, bank_size)
    variants = parse_variants(variant_opts or (), overrides or ())
    if report_path is not None:
        from burdenshare.report.html import check_report_path

        check_report_path(report_path, force=force)  # before simulating
    result = compare(scenario_name, variants, base_overrides=base_opts or (), draws=config.draws, seed=config.seed,
                     bank_size=config.bank_size)
    data = result.to_json()
    _hindsight_note(data)
    if report_path is not None:
        from burdenshare.report import report_from_result

        files = report_from_result(result.baseline, report_path, compare=data, force=force,
                                   source=f"compare baseline ({draws:,} draws, seed {seed})")
        typer.echo(f"wrote report {files.html} ({len(files.figures)} figures)", err=True)
    if as_json:
        _print_json(data)
        return
    from rich.table import Table

    table = Table("variant", "outcome", "baseline", "mean difference", "95 % interval",
                  title=f"burdenshare compare {data['scenario']} ({draws} draws, seed {seed}, same draws)")
    base = data["baseline"]
    for v in data["variants"]:
        for key, label, ref in (("p_ratified", "P(ratified)", base["p_ratified"]),
                                ("consent_component", "  consent-probability part", None),
                                ("p_agreement", "P(agreement)", base["p_agreement"]),
                                ("amount_krw", "amount (KRW bn, both ratified)", None),
                                ("furlough_worker_days", "furlough worker-days", base["furlough_worker_days_mean"])):
            d = v["differences"][key]
            scale = 1e9 if key == "amount_krw" else 1.0
            table.add_row(v["name"] if key == "p_ratified" else "", label, _fmt(ref, ".3f" if scale == 1 else ".0f"),
                          "n/a" if d["mean"] is None else f"{d['mean'] / scale:+.4g}",
                          "n/a" if d["mean"] is None else f"{d['lo'] / scale:+.4g} .. {d['hi'] / scale:+.4g}")
    from rich.console import Console

    Console(width=max(Console().width, 120)).print(table)
    for v in data["variants"]:
        if v.get("note"):
            typer.echo(f"note: variant {v['name']}: {v['note']}", err=True)
        if not v["common_draws"]:
            typer.echo(f"note: variant {v['name']} changes the draw layout (rounds or uncertain parameters); "
                       "its draws are not fully common with the baseline's", err=True)


# --------------------------------------------------------------------------- sensitivity, advise


#: ``sensitivity`` warns when a bootstrap 95 % half-width of an index exceeds this (the indices
#: lie in [0, 1]; an interval of ±0.1 cannot tell a weak parameter from a strong one).
SOBOL_CONF_WARN: float = 0.1


@app.command("sensitivity")
@reads_data
def sensitivity_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    outputs: str = typer.Option("p_ratified,increase_pct", "--outputs", help="Comma-separated outputs (docs/sensitivity-and-advice.md)."),
    n: int = typer.Option(64, "--n", help="Base sample size N (model runs N*(D+2); a power of 2 is best)."),
    seed: int = typer.Option(0, "--seed", help="Seed (integer >= 0) of the sample, bootstrap and vote-level draws."),
    draws: int = typer.Option(256, "--draws", help="Vote-level draws per sample point (the same at every point)."),
    params: str | None = typer.Option(None, "--params", help="Comma-separated uncertain params to analyse (default all)."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Sobol first/total-order indices of outputs over the scenario's uncertain parameters (SALib).

    Example: burdenshare sensitivity sma-2020-hindsight --n 512 --outputs p_ratified
    """
    from burdenshare.analysis.sensitivity import sensitivity
    from burdenshare.errors import SpecError
    from burdenshare.scenario import load_scenario

    from burdenshare.limits import check_cap

    check_cap(n, "MAX_SOBOL_N", "--n", "base samples")
    check_cap(draws, "MAX_SENSITIVITY_DRAWS", "--draws", "draws per sample point")
    names = [o.strip() for o in outputs.split(",") if o.strip()]
    chosen = None if params is None else [p.strip() for p in params.split(",") if p.strip()]
    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    try:
        res = sensitivity(scenario, names, n=n, seed=seed, draws=draws, params=chosen)
    except SpecError as exc:
        if exc.field in ("n", "seed", "draws", "outputs", "params"):
            raise ScenarioError(exc.message, field=f"--{exc.field}") from None
        raise
    widest = max((float(c) for idx in res.outputs.values() for c in (*idx.S1_conf, *idx.ST_conf)
                  if c is not None and c == c), default=0.0)
    if widest > SOBOL_CONF_WARN:
        typer.echo(f"warning: --n {n} is too small for these indices: a 95 % interval is ±{widest:.3f} wide "
                   f"(more than ±{SOBOL_CONF_WARN}); the estimates are noise. Use --n {max(512, 4 * n)} or more "
                   "(intervals shrink as 1/sqrt(N)).", err=True)
    if as_json:
        _print_json(res.to_json())
        return
    from rich.table import Table

    console = _console()
    for name, idx in res.outputs.items():
        table = Table("parameter", "S1", "±", "ST", "±",
                      title=f"Sobol indices of {name} ({res.scenario}, N={res.n}, {res.samples} points, {res.draws} draws each)")
        for k, p in enumerate(idx.params):
            table.add_row(p, _fmt(idx.S1[k]), _fmt(idx.S1_conf[k]), _fmt(idx.ST[k]), _fmt(idx.ST_conf[k]))
        console.print(table)


@app.command("advise")
@reads_data
def advise_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    side: str = typer.Option(..., "--side", help="Whose utility to maximize: us or host."),
    min_consent: float = typer.Option(..., "--min-consent", help="Consent-probability floor P in [0, 1]."),
    date: str | None = typer.Option(None, "--date", help="Vote date YYYY-MM-DD (default: the first round on or after levers.as_of)."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """The agreement (amount, duration, escalator) that maximizes a side's expected utility s.t. P(consent) >= P.

    Example: burdenshare advise sma-2020-hindsight --side host --min-consent 0.5
    """
    import math

    from burdenshare.analysis.advise import advise
    from burdenshare.scenario import load_scenario

    if side not in ("us", "host"):
        raise ScenarioError(f"got {side!r}; allowed: us, host", field="--side")
    if not (math.isfinite(min_consent) and 0.0 <= min_consent <= 1.0):
        raise ScenarioError(f"got {min_consent!r}; allowed: a probability in [0, 1]", field="--min-consent")
    scenario = load_scenario(scenario_name, overrides or ())
    _hindsight_note(scenario)
    day = None if date is None else _cli_date(date, scenario, "--date")
    adv = advise(scenario, side, min_consent, day)
    if as_json:
        _print_json(adv.to_json())
        return
    console = _console()
    head = f"advice for {side} on {adv.date.isoformat()} with P(consent) >= {min_consent:g}"
    krw, usd, utility = adv.amount_krw, adv.amount_usd, adv.expected_utility
    if krw is None or usd is None or utility is None:
        console.print(f"{head}: none - {adv.message}", markup=False)
        _floor_vote_line(console, scenario)
        return
    today = float(scenario.cost_model.current_agreement_krw)
    growth = dict(adv.growth_pct)

    def esc(kind: Any) -> str:  # the escalator with its expected yearly rate (analysis.advise.escalator_growth_pct)
        g = growth.get(str(kind))
        return str(kind) if g is None else f"{kind} ({g:+.1f} %/yr)"

    console.print(f"{head}: KRW {krw / 1e9:,.0f} bn (${usd / 1e6:,.0f} M) a year, {100 * (krw / today - 1):+.1f} % on "
                  f"today's KRW {today / 1e9:,.1f} bn; {adv.duration_years} years, escalator {esc(adv.escalator)}; "
                  f"P(consent) {adv.p_consent:.3f}, expected utility KRW {utility / 1e9:,.0f} bn", markup=False)
    console.print("schedule: " + ", ".join(f"{y} KRW {a / 1e9:,.0f} bn" for y, a in adv.schedule_krw.items()),
                  markup=False)
    _floor_vote_line(console, scenario)
    from rich.table import Table

    table = Table("amount (KRW bn)", "vs today", "years", "escalator", "P(consent)", "E[U] (KRW bn)",
                  title="alternatives")
    for a in adv.alternatives:
        table.add_row(f"{a['amount_krw'] / 1e9:,.0f}", f"{100 * (a['amount_krw'] / today - 1):+.1f} %",
                      str(a["duration_years"]), esc(a["escalator"]), f"{a['p_consent']:.3f}",
                      f"{a['expected_utility'] / 1e9:,.0f}")
    console.print(table)


# --------------------------------------------------------------------------- warmup


@app.command("warmup")
def warmup_cmd(as_json: bool = JsonOption) -> None:
    """Compile the Numba kernels into their on-disk cache (set-up: the first run is then not the slow one).

    Example: burdenshare warmup
    """
    from burdenshare.warmup import warm

    steps = warm()
    if as_json:
        _print_json({"steps": [{"what": what, "seconds": round(sec, 3)} for what, sec in steps]})
        return
    for what, sec in steps:
        typer.echo(f"{what}: {sec:.1f} s")


# --------------------------------------------------------------------------- serve (the [web] extra)


def _register_serve() -> None:
    """``burdenshare serve`` (burdenshare.web.serve); without the [web] extra, a one-line hint and exit 2."""
    import importlib.util

    if importlib.util.find_spec("fastapi") is None or importlib.util.find_spec("uvicorn") is None:
        @app.command("serve", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
        def serve_missing() -> None:
            """Serve the dashboard and HTTP API (needs the [web] extra)."""
            raise ScenarioError("the web server needs the [web] extra: pip install 'burdenshare[web]'", field="serve")
        return
    from burdenshare.web.serve import serve

    app.command("serve")(serve)


_register_serve()


# --------------------------------------------------------------------------- entry point


@app.command("backtest")
def backtest_cmd(
    rounds: str = typer.Option("9,10", "--rounds", help="Comma-separated SMA numbers whose outcome is in the data."),
    data: str | None = DataOption,
    draws: int = typer.Option(2000, "--draws", help="Draws per run."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    as_json: bool = JsonOption,
    report: str | None = typer.Option(None, "--report", metavar="PATH.html", help="Write the table as an HTML page."),
    force: bool = ForceOption,
) -> None:
    """Build each round's scenario as of two dates, run it and score it against what happened (docs/backtest.md).

    Example: burdenshare backtest --rounds 9,10 --draws 2000 --json
    """
    from pathlib import Path

    from burdenshare.analysis.backtest import HEADER, backtest, render_html, table_rows

    try:
        wanted = [int(x) for x in rounds.split(",") if x.strip()]
    except ValueError:
        raise ScenarioError(f"got {rounds!r}; allowed: comma-separated SMA numbers such as 9,10", field="--rounds") from None
    if not wanted:
        raise ScenarioError("got no round; allowed: comma-separated SMA numbers such as 9,10", field="--rounds")
    if report is not None and not report.endswith(".html"):
        raise ScenarioError(f"got {report!r}; allowed: a path ending in .html", field="--report")
    from burdenshare.outputs import atomic_output, check_output, is_own_report

    if report is not None:  # before any work; an existing page is replaced only if this tool wrote it, or --force
        check_output(report, "--report", force=force, replaceable=is_own_report)
    _run_config(draws, seed, None)
    result = backtest(wanted, data_dir=data, draws=draws, seed=seed)
    if report is not None:
        with atomic_output(report, "--report") as tmp:
            Path(tmp).write_text(render_html(result), encoding="utf-8")
    if as_json:
        _print_json(result)
        return
    typer.echo(" | ".join(HEADER))
    for row in table_rows(result):
        typer.echo(" | ".join(row))


#: Optional dependencies by the module a command imports, and the extra that installs them.
EXTRAS: dict[str, str] = {"SALib": "sensitivity", "plotly": "report", "matplotlib": "report",
                          "pyarrow": "parquet", "dask": "distributed", "distributed": "distributed"}


def _usage_line(exc: Any) -> str:
    """A Typer/click usage error as one line naming the option or argument, and where to read
    the usage."""
    text = " ".join(exc.format_message().split())
    param = getattr(exc, "param", None)
    if param is not None:
        opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
        name = max(opts, key=len) if opts else (getattr(param, "metavar", None) or str(param.name).upper())
        if name not in text:
            text = f"{name}: {text}"
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "burdenshare"
    return printable(f"error: {text} (see `{where} --help`)")


def _click_exceptions() -> Any:
    """The exceptions module of the click Typer parses with (Typer >= 0.20 vendors its own)."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - an older Typer on click
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


_COMMAND: Any = None


def _is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB's form of a Ctrl-C that arrived while a store query ran (it raises
    its ``InterruptException`` or ``RuntimeError("Query interrupted")`` instead of KeyboardInterrupt)."""
    return type(exc).__name__ == "InterruptException" or (
        isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code.

    Every error a user can cause is one line on standard error, ``error: <option or field>:
    <what is wrong and what is allowed>``, with exit code 2: usage errors (unknown option,
    missing argument, a value of the wrong type: Typer's boxes are not drawn), input errors of
    the model (:class:`BurdenshareError`), a bad ``BURDENSHARE_TABLE_THREADS`` (checked before the
    command runs) and a missing optional dependency (a hint naming the extra to install).  Ctrl-C
    is ``error: interrupted``, exit code 130, also where it stops a store query.  Anything else is
    an internal error: its traceback and exit code 1.
    """
    global _COMMAND
    cx = _click_exceptions()
    if _COMMAND is None:  # building the click command from the Typer app takes tens of milliseconds
        _COMMAND = typer.main.get_command(app)
    command = _COMMAND
    try:
        from burdenshare.engine.member_threads import table_threads

        table_threads()  # the environment, before any work: a bad BURDENSHARE_TABLE_THREADS is one line
        result = command.main(args=argv, prog_name="burdenshare", standalone_mode=False)
    except BurdenshareError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        return 2
    except cx.NoArgsIsHelpError as exc:  # a bare command or group: its help, as --help prints it
        typer.echo(exc.ctx.get_help())
        return 0
    except cx.UsageError as exc:
        typer.echo(_usage_line(exc), err=True)
        return 2
    except cx.ClickException as exc:
        typer.echo(printable(f"error: {' '.join(exc.format_message().split())}"), err=True)
        return 2
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("error: interrupted", err=True)
        return 130
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        typer.echo(f"error: {exc.name} is not installed; this command needs the {extra!r} extra: "
                   f"pip install 'burdenshare[{extra}]'", err=True)
        return 2
    except Exception as exc:
        if not _is_interrupt(exc):
            raise
        typer.echo("error: interrupted", err=True)  # Ctrl-C inside a store query: DuckDB's own error
        return 130
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
