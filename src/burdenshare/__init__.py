"""burdenshare: alliance cost-sharing negotiations as two-level games.

Two governments bargain over how to split the cost of stationing troops (Level I); the
deal must survive the host legislature's consent vote, whose members answer to public
opinion (Level II).  The flagship case is the 2019-2020 US-ROK Special Measures
Agreement (SMA) talks (Putnam 1988, "Diplomacy and Domestic Politics").
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
