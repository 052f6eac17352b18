"""The class report: where a batch of submissions went wrong, at a glance, in one HTML file.

``write_report(DIR)`` reads what ``tp-ae grade`` wrote (``DIR/gradebook.csv`` and
``DIR/<submission>/results.json``, plus ``DIR/similarity.csv`` when it exists) and writes
``DIR/report.html``, self-contained (figures embedded as base64 PNGs), and the PNGs themselves
under ``DIR/report_figures/``: the distribution of total scores, each question's mean and
histogram, the commonest hints across the class with counts, the submissions that failed to load,
the slowest submissions and, when similarity was computed, the groups of flagged code.

Matplotlib (Agg) only: no TensorFlow. Student text (hints, errors) is HTML-escaped.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grader.writers import atomic_write_text

FIGURES_DIR = "report_figures"
TOP_HINTS = 15  # hints shown in the figure (the table lists up to TOP_HINTS_TABLE)
TOP_HINTS_TABLE = 30
TOP_SLOWEST = 10
TOP_FLAGGED = 20
HINT_LINE = re.compile(r"^[\s>*_`#-]*hint[*_`]*\s*:[*_`]*\s*(?P<text>.+?)\s*$", re.IGNORECASE)
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)


@dataclass
class Submission:
    """What the report needs of one graded submission."""

    name: str
    score: float
    max_score: float
    points: dict[str, float]  # question id -> points earned (gradebook columns)
    seconds: float | None = None  # wall time of its grading
    load_error: str | None = None
    grader_errors: list[str] = field(default_factory=list)  # questions the grader failed on
    hints: set[tuple[str, str]] = field(default_factory=set)  # (question id or "", hint text)


@dataclass
class ClassResults:
    """A batch as read from DIR: its submissions, question ids (TP order) and their points."""

    submissions: list[Submission]
    questions: list[str]
    possible: dict[str, float]  # question id -> points for a full answer
    flagged: list[dict[str, str]]  # flagged rows of similarity.csv, best first
    similarity_pairs: int | None  # rows in similarity.csv, None when there is none


# ---------------------------------------------------------------------------------------------
# Reading what the grader wrote


def read_results(out_dir: Path) -> ClassResults:
    """Read ``gradebook.csv``, each ``<submission>/results.json`` and ``similarity.csv``."""
    out_dir = Path(out_dir)
    gradebook = out_dir / "gradebook.csv"
    if not gradebook.is_file():
        from tp_ae.errors import TpAeError

        raise TpAeError(f"{gradebook} not found: run `tp-ae grade ... --out {out_dir}` first")
    with gradebook.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    questions = columns[3:]
    possible: dict[str, float] = {}
    submissions = []
    for row in rows:
        name = row.get("submission", "")
        sub = Submission(
            name=name,
            score=_number(row.get("score")),
            max_score=_number(row.get("max_score")),
            points={q: _number(row.get(q)) for q in questions},
        )
        _read_results_json(out_dir / name / "results.json", sub, possible)
        submissions.append(sub)
    for q in questions:
        if not possible.get(q):  # no results.json, or a bonus (Gradescope max_score 0)
            possible[q] = _default_points(q, submissions)
    flagged, pairs = _read_similarity(out_dir / "similarity.csv")
    return ClassResults(submissions, questions, possible, flagged, pairs)


def _number(text: object) -> float:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _read_results_json(path: Path, sub: Submission, possible: dict[str, float]) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(data, dict):
        return
    extra = data.get("extra_data") if isinstance(data.get("extra_data"), dict) else {}
    seconds = extra.get("wall_seconds", data.get("execution_time"))
    sub.seconds = float(seconds) if isinstance(seconds, (int, float)) else None
    error = extra.get("load_error")
    sub.load_error = str(error) if error else None
    status = extra.get("status") if isinstance(extra.get("status"), dict) else {}
    sub.grader_errors = [q for q, v in status.items() if v == "grader_error"]
    if extra.get("autograder_failed"):
        sub.grader_errors = ["all questions"]
    for hint in extra.get("hints") or []:
        sub.hints.add(_hint_entry(hint))
    for test in data.get("tests") or []:
        if not isinstance(test, dict):
            continue
        name = str(test.get("name", ""))
        full = (test.get("extra_data") or {}).get("points", test.get("max_score"))
        if isinstance(full, (int, float)):
            possible[name] = max(possible.get(name, 0.0), float(full))
        for line in str(test.get("output") or "").splitlines():
            match = HINT_LINE.match(line)
            if match:
                sub.hints.add((name, match["text"]))
    # a hint listed in extra_data without its question and also found in a test's output
    # is the same hint: keep the copy that names the question
    attributed = {text for question, text in sub.hints if question}
    sub.hints -= {("", text) for text in attributed}


def _hint_entry(hint: object) -> tuple[str, str]:
    """A hint from ``extra_data.hints``: a string, or a dict naming its question and text."""
    if isinstance(hint, dict):
        question = hint.get("question") or hint.get("name") or ""
        text = next((hint[k] for k in ("hint", "text", "message") if hint.get(k)), "")
        return str(question), str(text).strip()
    return "", str(hint).strip()


def _default_points(question: str, submissions: list[Submission]) -> float:
    """A question's full points when the results do not say: the TP's default, or more if
    someone earned more (a course that raised a bonus's points)."""
    from grader.config import DEFAULT_POINTS

    earned = _finite(s.points.get(question, math.nan) for s in submissions)
    return max([float(DEFAULT_POINTS.get(question, 0.0)), *earned])


def _read_similarity(path: Path) -> tuple[list[dict[str, str]], int | None]:
    if not path.is_file():
        return [], None
    flagged, total = [], 0
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            total += 1
            if row.get("flagged") == "yes":
                flagged.append(row)
    return flagged, total


# ---------------------------------------------------------------------------------------------
# Summaries


def flagged_groups(flagged: Iterable[Mapping[str, str]]) -> list[tuple[str, list[str], float]]:
    """(question id, submissions, lowest score) per group of flagged code, biggest first.

    A group is a connected set of flagged pairs for one question: with 300 students, 40 who
    share one answer make one line, not 780 pairs. The reference, when in a group, comes last.
    """
    rows = list(flagged)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    def ends(row: Mapping[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
        q = row.get("question", "")
        return (q, row.get("submission_a", "")), (q, row.get("submission_b", ""))

    for row in rows:
        a, b = ends(row)
        parent[root(a)] = root(b)
    lowest: dict[tuple[str, str], float] = {}
    for row in rows:
        group = root(ends(row)[0])
        lowest[group] = min(lowest.get(group, 1.0), _number(row.get("score")))
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in list(parent):
        members[root(node)].append(node[1])
    groups = []
    for group, names in members.items():
        names.sort(key=lambda n: (n.startswith("<"), n))
        groups.append((group[0], names, lowest[group]))
    groups.sort(key=lambda g: (-len(g[1]), g[0], g[1]))
    return groups


def common_hints(submissions: Iterable[Submission]) -> list[tuple[int, str, str]]:
    """(number of submissions, question id, hint text), commonest first.

    Hints that differ only in the numbers they quote ("got 0.25", "got 0.5") count as one,
    shown by their commonest wording; a submission counts once per hint.
    """
    counts: Counter[tuple[str, str]] = Counter()
    wordings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for sub in submissions:
        keys = set()
        for question, text in sub.hints:
            if not text:
                continue
            key = (question, NUMBER.sub("#", " ".join(text.lower().split())))
            wordings[key][text] += 1
            keys.add(key)
        counts.update(keys)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(n, q, wordings[(q, k)].most_common(1)[0][0]) for (q, k), n in ranked]


def _finite(values: Iterable[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


# ---------------------------------------------------------------------------------------------
# Figures


def _figures(results: ClassResults, folder: Path) -> dict[str, Path]:
    """Draw every figure into ``folder``; returns figure name -> PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, Path] = {}
    for name, draw in (
        ("scores", _plot_scores),
        ("question_means", _plot_question_means),
        ("question_histograms", _plot_question_histograms),
        ("hints", _plot_hints),
        ("times", _plot_times),
    ):
        figure = draw(results, plt)
        if figure is None:
            continue
        path = folder / f"{name}.png"
        figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(figure)
        drawn[name] = path
    return drawn


def _plot_scores(results: ClassResults, plt):
    scores = _finite(s.score for s in results.submissions)
    if not scores:
        return None
    top = max(_finite(s.max_score for s in results.submissions) or [max(scores)])
    high = max(top, max(scores))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 1.0 if high <= 40 else high / 40  # one bar per point, at most 40 bars
    bins = [(i - 0.5) * width for i in range(int(math.ceil(high / width)) + 2)]
    ax.hist(scores, bins=bins, color="#4c72b0", edgecolor="white")  # bars centred on points
    mean, median = _mean(scores), _median(scores)
    ax.axvline(mean, color="#dd8452", lw=2, label=f"mean {mean:.1f}")
    ax.axvline(median, color="#55a868", lw=2, ls="--", label=f"median {median:.1f}")
    ax.axvline(top, color="#555555", lw=1, ls=":", label=f"max_score {top:g}")
    ax.set_xlabel("total score (points; the bonus can exceed max_score)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Total scores of {len(scores)} submissions")
    ax.legend(frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def _plot_question_means(results: ClassResults, plt):
    if not results.submissions or not results.questions:
        return None
    labels, fractions, texts = [], [], []
    for q in results.questions:
        earned = _finite(s.points.get(q, math.nan) for s in results.submissions)
        full = results.possible.get(q) or 0.0
        mean = _mean(earned)
        labels.append(q)
        fractions.append(100 * mean / full if full and not math.isnan(mean) else 0.0)
        texts.append(f"{mean:.2f} / {full:g}" if not math.isnan(mean) else "n/a")
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(labels) + 1.0))
    y = range(len(labels))
    colors = [_score_color(f / 100) for f in fractions]
    ax.barh(list(y), fractions, color=colors)
    for yi, f, t in zip(y, fractions, texts, strict=True):
        ax.text(min(f, 100) + 1, yi, t, va="center", fontsize=9)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xlabel("class mean, % of the question's points")
    ax.set_title("Mean score per question (red: where the class struggled)")
    return fig


def _plot_question_histograms(results: ClassResults, plt):
    if not results.submissions or not results.questions:
        return None
    n = len(results.questions)
    cols = 3
    rows = int(math.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.2 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, q in zip(axes.flat, results.questions, strict=False):
        earned = _finite(s.points.get(q, math.nan) for s in results.submissions)
        full = results.possible.get(q) or max(earned, default=1.0) or 1.0
        edges = [full * k / 10 for k in range(11)]
        counts = [0] * 10
        for v in earned:
            counts[min(9, max(0, int(10 * v / full))) if full else 0] += 1
        centers = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
        ax.bar(
            centers, counts, width=full / 10 * 0.9, color=[_score_color(k / 9) for k in range(10)]
        )
        ax.set_title(f"{q} (/{full:g})", fontsize=10)
        ax.set_xlim(0, full)
        ax.tick_params(labelsize=8)
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle("Points per question: how many submissions earned how much", y=1.0)
    fig.tight_layout()
    return fig


def _plot_hints(results: ClassResults, plt):
    hints = common_hints(results.submissions)[:TOP_HINTS]
    if not hints:
        return None
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(hints) + 1.0))
    labels = [_shorten(f"[{q}] {text}" if q else text, 80) for _, q, text in hints]
    counts = [n for n, _, _ in hints]
    y = list(range(len(hints)))
    ax.barh(y, counts, color="#c44e52")
    for yi, n in zip(y, counts, strict=True):
        ax.text(n, yi, f" {n}", va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlabel("submissions given this hint")
    ax.set_title("Commonest mistakes across the class")
    ax.set_xlim(0, max(counts) * 1.12)
    return fig


def _plot_times(results: ClassResults, plt):
    seconds = [s.seconds for s in results.submissions if s.seconds is not None]
    if not seconds:
        return None
    fig, ax = plt.subplots(figsize=(9, 2.8))
    ax.hist(seconds, bins=min(30, max(5, len(seconds) // 3)), color="#8172b3", edgecolor="white")
    ax.set_xlabel("grading time per submission (s)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Grading time (median {_median(seconds):.1f} s, max {max(seconds):.1f} s)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def _score_color(fraction: float) -> str:
    """Red (0) through amber to green (1)."""
    stops = [(0.0, (0xC4, 0x4E, 0x52)), (0.5, (0xDD, 0xA0, 0x3A)), (1.0, (0x55, 0xA8, 0x68))]
    fraction = min(1.0, max(0.0, fraction))
    for (f0, c0), (f1, c1) in zip(stops, stops[1:], strict=False):
        if fraction <= f1:
            t = (fraction - f0) / (f1 - f0)
            return "#" + "".join(
                f"{round(a + t * (b - a)):02x}" for a, b in zip(c0, c1, strict=True)
            )
    return "#55a868"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------------
# HTML


def write_report(out_dir: Path) -> Path:
    """Write ``out_dir/report.html`` (self-contained) and ``out_dir/report_figures/*.png``.

    Reads ``out_dir/gradebook.csv`` and ``out_dir/*/results.json`` (and ``similarity.csv``
    if present); returns the report's path. Raises TpAeError when there is no gradebook.
    """
    out_dir = Path(out_dir)
    results = read_results(out_dir)
    figures = _figures(results, out_dir / FIGURES_DIR)
    page = _html(results, figures, out_dir)
    target = out_dir / "report.html"
    atomic_write_text(target, page)
    return target


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


def _html(results: ClassResults, figures: Mapping[str, Path], out_dir: Path) -> str:
    subs = results.submissions
    scores = _finite(s.score for s in subs)
    max_scores = _finite(s.max_score for s in subs)
    max_score = max(max_scores) if max_scores else math.nan
    failed = [s for s in subs if s.load_error or s.grader_errors]
    full = [s for s in subs if s.max_score > 0 and s.score >= s.max_score]  # False for NaN
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Class report: {_e(out_dir.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Class report: {_e(out_dir.name)}</h1>",
        '<p class="sub">Written by <code>tp-ae grade</code> from gradebook.csv and each '
        "submission's results.json.</p>",
        '<div class="cards">',
        _card("submissions", f"{len(subs)}"),
        _card("mean score", f"{_mean(scores):.2f} / {max_score:g}" if scores else "n/a"),
        _card("median score", f"{_median(scores):.2f}" if scores else "n/a"),
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
                (q, len(names), _shorten(", ".join(names), 300), f"{low:.2f}")
                for q, names, low in groups[:TOP_FLAGGED]
            ]
            header = ("question", "submissions", "who (flagged together)", "lowest score")
            parts.append(_table(header, rows, numeric=(1, 3)))
            if len(groups) > TOP_FLAGGED:
                parts.append(f"<p>... and {len(groups) - TOP_FLAGGED} smaller groups.</p>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _failure_text(sub: Submission) -> str:
    parts = [_shorten(sub.load_error, 400)] if sub.load_error else []
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
        earned = _finite(s.points.get(q, math.nan) for s in results.submissions)
        full = results.possible.get(q) or 0.0
        zero = sum(1 for v in earned if v <= 0)
        perfect = sum(1 for v in earned if full and v >= full)
        mean = _mean(earned)
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
