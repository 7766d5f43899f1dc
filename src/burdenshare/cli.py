"""The ``burdenshare`` command line.

Verbs mirror the Python API.  Every user-input error (:class:`~burdenshare.errors.BurdenshareError`)
is printed as one line on standard error and exits with code 2; nothing is written half-way.
"""

from __future__ import annotations

import sys

import typer

from burdenshare import __version__
from burdenshare.errors import BurdenshareError

app = typer.Typer(
    name="burdenshare",
    help="Model, simulate and explain alliance cost-sharing negotiations as two-level games.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        app(args=argv, prog_name="burdenshare", standalone_mode=False)
    except BurdenshareError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
