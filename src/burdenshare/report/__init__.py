"""Reports: a self-contained HTML file with interactive plotly figures, PNG figures (matplotlib)
and counterfactual comparisons on common random numbers (extra ``report``; docs/reports.md).

* :mod:`~burdenshare.report.data` - the numbers of every section (no plotting imports).
* :mod:`~burdenshare.report.figures` - the list of figures and their plotly versions.
* :mod:`~burdenshare.report.png` - the matplotlib versions.
* :mod:`~burdenshare.report.html` - the HTML file; :func:`report_from_result`, :func:`report_from_store`.
* :mod:`~burdenshare.report.compare` - baseline vs variants as paired differences on the same draws.
"""

from burdenshare.report.compare import Comparison, compare, parse_variants
from burdenshare.report.html import ReportFiles, report_from_result, report_from_store, write_report

__all__ = ["Comparison", "ReportFiles", "compare", "parse_variants", "report_from_result", "report_from_store",
           "write_report"]
