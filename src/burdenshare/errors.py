"""Error types shared by every part of burdenshare.

Every error a user can cause by bad input is a :class:`BurdenshareError`.  The CLI turns
it into one line on standard error and exit code 2; the Python API lets it propagate.
Each error names the offending field (a dotted path such as ``levers.transparency``),
the line where the input format gives one, and what is allowed.
"""

from __future__ import annotations


class BurdenshareError(ValueError):
    """Base class of all user-facing input errors.

    Parameters
    ----------
    message
        What is wrong and what is allowed.
    field
        Dotted path of the offending field, if any (``"levers.transparency"``).
    line
        1-based line number in the input file, where known.
    source
        The file or bundled-scenario name the input came from, where known.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.line = line
        self.source = source
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Render the error as a single line: ``source:line: field: message``."""
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}{field}{self.message}".replace("\n", " "))


def printable(text: str) -> str:
    """``text`` with every non-printable character (line and paragraph separators, ``\x85``,
    controls) written as its escape, so an error quoting the user's input stays one line."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class ScenarioError(BurdenshareError):
    """A scenario file, bundled name or ``--set`` override is invalid."""


class DataError(BurdenshareError):
    """A request to the reference data falls outside what the data holds."""


class SpecError(BurdenshareError):
    """A negotiation, strategy or model specification is invalid."""
