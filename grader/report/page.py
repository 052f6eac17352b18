"""The class report's HTML page: self-contained, figures embedded, student text escaped."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from grader.report.figures import shorten
from grader.report.summary import (
    ClassResults,
    ReportEntry,
    common_hints,
    finite,
    flagged_groups,
    mean_of,
    median_of,
    reference_copies,
)

TOP_HINTS_TABLE = 30
TOP_SLOWEST = 10
TOP_FLAGGED = 20


_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.card b { display: block; font-size: 1.5em; } .card.bad b { color: #c44e52; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3em 0.7em; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .err { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
.err { white-space: pre-wrap; color: #8a1f11; max-width: 60em; }
.none { color: #55a868; }
"""


def report_html(results: ClassResults, figures: Mapping[str, Path], out_dir: Path) -> str:
    subs = results.submissions
    scores = finite(s.score for s in subs)
    max_scores = finite(s.max_score for s in subs)
    max_score = max(max_scores) if max_scores else math.nan
    failed = [s for s in subs if s.load_error or s.grader_errors]
    full = [s for s in subs if s.max_score > 0 and s.score >= s.max_score]  # False for NaN
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Class report: {_e(out_dir.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Class report: {_e(out_dir.name)}</h1>",
        '<p class="sub">Written by <code>tp-ae grade</code> from the results of this run'
        f"{_isolation_note(subs)}.</p>",
        '<div class="cards">',
        _card("submissions", f"{len(subs)}"),
        _card("mean score", f"{mean_of(scores):.2f} / {max_score:g}" if scores else "n/a"),
        _card("median score", f"{median_of(scores):.2f}" if scores else "n/a"),
        _card("full marks", f"{len(full)}"),
        _card("failed to load", f"{len(failed)}", bad=bool(failed)),
    ]
    if results.similarity_pairs is not None:
        parts.append(_card("flagged pairs", f"{len(results.flagged)}", bad=bool(results.flagged)))
    parts.append("</div>")

    parts.append("<h2>Total scores</h2>")
    parts.append(_img(figures.get("scores"), "distribution of total scores"))
    parts.append("<h2>Questions</h2>")
    parts.append(_img(figures.get("question_means"), "mean score per question"))
    parts.append(_question_table(results))
    parts.append(_img(figures.get("question_histograms"), "histogram of points per question"))

    parts.append("<h2>Commonest mistakes</h2>")
    hints = common_hints(subs)
    if hints:
        parts.append(_img(figures.get("hints"), "most frequent hints"))
        parts.append(
            _table(
                ("submissions", "question", "hint"),
                [(n, q or "-", text) for n, q, text in hints[:TOP_HINTS_TABLE]],
                numeric=(0,),
            )
        )
    else:
        parts.append('<p class="none">No hints were given: no mistakes found.</p>')

    parts.append(f"<h2>Failed to load ({len(failed)})</h2>")
    if failed:
        parts.append(
            _table(
                ("submission", "error"),
                [(s.name, _failure_text(s)) for s in failed],
                error_column=1,
            )
        )
    else:
        parts.append('<p class="none">Every submission loaded.</p>')

    parts.append("<h2>Slowest submissions</h2>")
    timed = sorted((s for s in subs if s.seconds is not None), key=lambda s: -(s.seconds or 0))
    if timed:
        parts.append(_img(figures.get("times"), "grading time per submission"))
        parts.append(
            _table(
                ("submission", "seconds", "score"),
                [(s.name, f"{s.seconds:.1f}", f"{s.score:g}") for s in timed[:TOP_SLOWEST]],
                numeric=(1, 2),
            )
        )
    else:
        parts.append("<p>No timings in the results.</p>")

    if results.similarity_pairs is not None:
        parts.append(f"<h2>Similar code ({len(results.flagged)} flagged pairs)</h2>")
        parts.append(
            f"<p>similarity.csv scores {results.similarity_pairs} pairs (per question, "
            "including each submission against the reference). A flag is a lead to read "
            "the answers side by side, not a verdict. Flagged pairs, grouped:</p>"
        )
        groups = flagged_groups(results.flagged)
        if groups:
            rows = [
                (q, len(names), shorten(", ".join(names), 300), f"{low:.2f}")
                for q, names, low in groups[:TOP_FLAGGED]
            ]
            header = ("question", "submissions", "who (flagged together)", "lowest score")
            parts.append(_table(header, rows, numeric=(1, 3)))
            if len(groups) > TOP_FLAGGED:
                parts.append(f"<p>... and {len(groups) - TOP_FLAGGED} smaller groups.</p>")
        parts.append(_copies_section(results))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _copies_section(results: ClassResults) -> str:
    """Per question, the submissions whose answer is the reference's (``copy_of_reference``)."""
    copies = reference_copies(results.copies)
    title = f"<h3>Copies of the reference ({sum(len(n) for _, n in copies)})</h3>"
    if not copies:
        return title + '<p class="none">No answer is a copy of the reference.</p>'
    note = (
        "<p>Answers whose normalised code matches the reference in <code>tp_ae</code> from "
        "the flag threshold, short ones included (many honest one-line answers are the "
        "reference's too: read them before concluding anything).</p>"
    )
    rows = [(q, len(names), shorten(", ".join(names), 300)) for q, names in copies]
    return title + note + _table(("question", "copies", "who"), rows, numeric=(1,))


def _isolation_note(subs: list[ReportEntry]) -> str:
    """'; student code isolated by: bubblewrap (12)' from each submission's isolation level."""
    levels: dict[str, int] = {}
    for sub in subs:
        if sub.isolation:
            levels[sub.isolation] = levels.get(sub.isolation, 0) + 1
    if not levels:
        return ""
    return "; student code isolated by: " + ", ".join(f"{k} ({n})" for k, n in levels.items())


def _failure_text(sub: ReportEntry) -> str:
    parts = [shorten(sub.load_error, 400)] if sub.load_error else []
    if sub.grader_errors:
        where = ", ".join(sub.grader_errors) if len(sub.grader_errors) < 4 else "most questions"
        parts.append(
            f"grader error on {where} (not the student's fault: "
            "the traceback is in its results.json, then regrade with --force)"
        )
    return "; ".join(parts)


def _question_table(results: ClassResults) -> str:
    rows = []
    for q in results.questions:
        earned = finite(s.points_earned.get(q, math.nan) for s in results.submissions)
        full = results.points_possible.get(q) or 0.0
        zero = sum(1 for v in earned if v <= 0)
        perfect = sum(1 for v in earned if full and v >= full)
        mean = mean_of(earned)
        rows.append(
            (
                q,
                f"{full:g}",
                f"{mean:.2f}" if earned else "n/a",
                f"{100 * mean / full:.0f}%" if earned and full else "n/a",
                perfect,
                zero,
            )
        )
    header = ("question", "points", "mean", "mean %", "full marks", "zero")
    return _table(header, rows, numeric=(1, 2, 3, 4, 5))


def _card(label: str, value: str, bad: bool = False) -> str:
    return f'<div class="card{" bad" if bad else ""}"><b>{_e(value)}</b>{_e(label)}</div>'


def _img(path: Path | None, alt: str) -> str:
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _table(
    header: Iterable[str],
    rows: Iterable[Iterable[object]],
    numeric: Iterable[int] = (),
    error_column: int | None = None,
) -> str:
    numeric = set(numeric)
    out = ["<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for k, value in enumerate(row):
            cls = ' class="num"' if k in numeric else ' class="err"' if k == error_column else ""
            cells.append(f"<td{cls}>{_e(value)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)
