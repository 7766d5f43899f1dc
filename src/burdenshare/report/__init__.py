"""Reports: a self-contained HTML file with interactive plotly figures and PNG figures (matplotlib)
(extra ``report``; docs/reports.md).  The counterfactual comparisons they show are computed by
:mod:`burdenshare.analysis.compare`.

* :mod:`~burdenshare.report.data` - the numbers of every section (no plotting imports).
* :mod:`~burdenshare.report.figures` - the list of figures and their plotly versions.
* :mod:`~burdenshare.report.png` - the matplotlib versions.
* :mod:`~burdenshare.report.html` - the HTML file; :func:`report_from_result`, :func:`report_from_store`.
"""

from burdenshare.report.html import ReportFiles, report_from_result, report_from_store, write_report

__all__ = ["ReportFiles", "report_from_result", "report_from_store", "write_report"]
