"""The ``burdenshare`` command line.

Verbs mirror the Python API.  Every user-input error (:class:`~burdenshare.errors.BurdenshareError`)
is printed as one line on standard error and exits with code 2; nothing is written half-way.
Machine output (``--json``) follows DESIGN.md §6: money in base units with the currency in the
key, percentages as percent, probabilities in [0, 1], absent values as ``null``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from burdenshare import __version__
from burdenshare.errors import BurdenshareError, ScenarioError

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
    """List the bundled scenarios."""
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
def scenarios_show(
    name: str = typer.Argument(..., help="Bundled scenario name or path to a TOML file."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Print a scenario (after overrides) as TOML, or as JSON with --json."""
    from burdenshare.scenario import dump_scenario, load_scenario

    scenario = load_scenario(name, overrides or ())
    if as_json:
        typer.echo(scenario.model_dump_json(indent=2))
    else:
        typer.echo(dump_scenario(scenario), nl=False)


@scenarios_app.command("validate")
def scenarios_validate(
    path: str = typer.Argument(..., help="Scenario TOML file (or bundled name)."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Validate a scenario file; exit 2 with a one-line error naming the field if it is invalid."""
    from burdenshare.scenario import load_scenario, scenario_hash

    scenario = load_scenario(path, overrides or ())
    digest = scenario_hash(scenario)
    if as_json:
        _print_json({"valid": True, "name": scenario.name, "hash": digest})
    else:
        typer.echo(f"ok: {scenario.name} (schema {scenario.schema_version}, sha256 {digest[:12]})")


# --------------------------------------------------------------------------- explain


@app.command("explain")
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
    """The transparency statement: the ask by category (and year), both currencies, with sources."""
    from burdenshare.explain import explain
    from burdenshare.scenario import load_scenario

    currency = currency.upper()
    if currency not in ("USD", "KRW"):
        raise ScenarioError(f"got {currency!r}; allowed: USD, KRW", field="--currency")
    if ask is not None and not (ask > 0 and ask < float("inf")):
        raise ScenarioError(f"got {ask!r}; the ask must be a positive finite amount", field="--ask")
    if years is not None and years < 1:
        raise ScenarioError(f"got {years}; allowed: an integer >= 1", field="--years")
    scenario = load_scenario(scenario_name, overrides or ())
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


@app.command("run")
def run_cmd(
    scenario_name: str = typer.Argument(..., metavar="SCENARIO", help="Bundled scenario name or TOML path."),
    draws: int = typer.Option(10_000, "--draws", help="Monte-Carlo draws (>= 1)."),
    seed: int = typer.Option(0, "--seed", help="Seed (integer >= 0); same seed, same output."),
    overrides: list[str] | None = SetOption,
    as_json: bool = JsonOption,
) -> None:
    """Simulate the two-level negotiation over many draws and print the summary."""
    from burdenshare.engine import simulate
    from burdenshare.engine.run import summary_rows
    from burdenshare.scenario import load_scenario

    if draws < 1:
        raise ScenarioError(f"got {draws}; allowed: an integer >= 1", field="--draws")
    if seed < 0:
        raise ScenarioError(f"got {seed}; allowed: an integer >= 0", field="--seed")
    scenario = load_scenario(scenario_name, overrides or ())
    summary = simulate(scenario, draws=draws, seed=seed).summary()
    if as_json:
        _print_json(summary)
        return
    from rich.table import Table

    table = Table("quantity", "value", title=f"burdenshare run {summary['scenario']} ({draws} draws, seed {seed})")
    for name, value in summary_rows(summary):
        table.add_row(name, value)
    _console().print(table)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code.

    Usage errors are reported by Typer itself (exit code 2); input errors raised by the
    model (:class:`BurdenshareError`) become one line on standard error and exit code 2.
    """
    try:
        app(args=argv, prog_name="burdenshare")
    except BurdenshareError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        return 2
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
