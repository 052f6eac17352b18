"""The class report: where a batch of submissions went wrong, at a glance, in one HTML file.

``write_report(OUT, results)`` takes the batch's results in memory (and ``OUT/similarity.csv``
when it exists) and writes ``OUT/report.html``, self-contained (figures embedded as base64
PNGs), and the PNGs themselves under ``OUT/report_figures/``: the distribution of total scores,
each question's mean and histogram, the commonest hints across the class with counts, the
submissions that failed to load or hit a grader error, the slowest submissions, how student code
was isolated and, when similarity was computed, the groups of flagged code.

Matplotlib (Agg) only: no TensorFlow. Student text (hints, errors) is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.batch import REPORT_FIGURES, REPORT_HTML, SIMILARITY_CSV
from grader.files import atomic_write_text
from grader.report.figures import draw_figures
from grader.report.page import report_html
from grader.report.summary import class_results, common_hints, flagged_groups
from grader.results import SubmissionResult

__all__ = ["common_hints", "flagged_groups", "write_report"]


def write_report(out_dir: Path, results: Sequence[SubmissionResult]) -> Path:
    """Write ``out_dir/report.html`` and ``out_dir/report_figures/*.png``; returns the page."""
    out_dir = Path(out_dir)
    summary = class_results(results, out_dir / SIMILARITY_CSV)
    figures = draw_figures(summary, out_dir / REPORT_FIGURES)
    target = out_dir / REPORT_HTML
    atomic_write_text(target, report_html(summary, figures, out_dir))
    return target
