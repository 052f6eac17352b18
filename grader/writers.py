"""Writing results: ``DIR/<submission>/results.json`` (Gradescope's format), ``feedback.md``
for the student, and ``DIR/gradebook.csv`` (written atomically: a temporary file, then rename).

The gradebook has one row per graded submission folder in DIR (so grading a class in several
runs accumulates), columns ``submission, score, max_score`` then one per question id.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader import results as r
from grader.config import QUESTION_IDS
from grader.results import SubmissionResult, format_points

RESULTS_JSON = "results.json"
FEEDBACK_MD = "feedback.md"
GRADEBOOK_CSV = "gradebook.csv"
GRADEBOOK_COLUMNS = ("submission", "score", "max_score", *QUESTION_IDS)

_STATUS_WORDS = {
    r.GRADED: "",
    r.MISSING: "missing",
    r.NOT_IMPLEMENTED: "not implemented",
    r.LOAD_ERROR: "file not loadable",
    r.TIMEOUT: "time limit",
    r.MEMORY: "memory limit",
    r.EXITED: "process ended",
    r.INTEGRITY: "calls the reference",
    r.NOT_RUN: "not run (hidden)",
    r.GRADER_ERROR: "grader error",
}


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_submission(result: SubmissionResult, out_dir: Path) -> Path:
    """Write feedback.md, then results.json (last: its presence marks the submission graded)."""
    folder = Path(out_dir) / result.name
    atomic_write_text(folder / FEEDBACK_MD, feedback_markdown(result))
    atomic_write_text(folder / RESULTS_JSON, json.dumps(result.to_gradescope_dict(), indent=2))
    return folder


def feedback_markdown(result: SubmissionResult) -> str:
    """The student's feedback: a table of points, then per question what was checked, what
    failed ("got ..., expected ...") and a hint."""
    lines = [f"# Feedback: {result.name}", ""]
    bonus = [q for q in result.questions if q.bonus]
    score_line = f"**Score: {format_points(result.score)} / {format_points(result.max_score)}**"
    if bonus:
        names = ", ".join(q.question_id for q in bonus)
        score_line += f" (bonus {names} counts in the score, not in the maximum)"
    not_run = [q.question_id for q in result.questions if q.status == r.NOT_RUN]
    if not_run:
        score_line += f"; {len(not_run)} question(s) not run here"
    lines += [score_line, ""]
    if result.load_error:
        lines += [f"> Could not load: {result.load_error}", ""]
    for warning in result.warnings:
        lines += [f"> Warning: {warning}", ""]
    if result.grader_error:
        lines += [
            "> The autograder failed on this submission; your instructor has the details.",
            "",
        ]
    lines += ["| question | points | note |", "| --- | --- | --- |"]
    for q in result.questions:
        note = _STATUS_WORDS.get(q.status, q.status)
        if q.status == r.GRADED:
            failed = sum(1 for c in q.checks if not c.passed)
            note = "all checks passed" if failed == 0 else f"{failed} check(s) lost points"
        if q.visibility != "visible":
            note += f" (Gradescope: {q.visibility})"
        shown = "-" if q.status == r.NOT_RUN else format_points(q.points)
        lines.append(f"| {q.question_id} | {shown} / {format_points(q.max_points)} | {note} |")
    lines.append("")
    for q in result.questions:
        shown = "not run" if q.status == r.NOT_RUN else format_points(q.points)
        title = f"## {q.question_id}: {shown} / {format_points(q.max_points)}"
        lines += [title + (" (bonus)" if q.bonus else ""), ""]
        if q.message:
            lines += [q.message, ""]
        if not q.checks:
            lines += [f"What is checked: {what_is_checked(q.question_id)}", ""]
        for check in q.checks:
            mark = "x" if check.passed else " "
            lost_points = q.max_points * check.weight * (1 - check.fraction)
            lost = "" if check.passed else f" (lost {format_points(lost_points)} pt)"
            lines.append(f"- [{mark}] {check.name}{lost}")
            if check.message:
                lines.append(f"  - {check.message}")
            if check.hint and not check.passed:
                lines.append(f"  - hint: {check.hint}")
        lines.append("")
    return "\n".join(lines)


def what_is_checked(question_id: str) -> str:
    """The check module's description (its docstring after the first line), on one line."""
    from grader.checks import check_module

    doc = check_module(question_id).__doc__ or ""
    paragraphs = [p for p in doc.strip().split("\n\n")[1:] if p.strip()]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    return text.replace("``", "`")


@dataclass(frozen=True)
class GradebookRow:
    """One gradebook line: points per question id."""

    submission: str
    score: float
    max_score: float
    points: dict[str, float]


def row_from_results_json(name: str, data: dict) -> GradebookRow:
    """Read back a results.json this grader wrote (tests named by question id)."""
    points = {
        t["name"]: float(t["score"]) for t in data.get("tests", []) if t["name"] in QUESTION_IDS
    }
    max_score = data.get("extra_data", {}).get("max_score")
    if max_score is None:
        max_score = sum(float(t["max_score"]) for t in data.get("tests", []))
    return GradebookRow(name, float(data.get("score", 0.0)), float(max_score), points)


def collect_rows(out_dir: Path) -> list[GradebookRow]:
    """Every DIR/<submission>/results.json, sorted by submission name."""
    rows = []
    for results in sorted(Path(out_dir).glob(f"*/{RESULTS_JSON}")):
        try:
            data = json.loads(results.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        rows.append(row_from_results_json(results.parent.name, data))
    return rows


def gradebook_text(results: Iterable[SubmissionResult], *, statuses: bool = False) -> str:
    """The gradebook as CSV text, one row per result in the order given; ``statuses`` adds one
    ``<question id>:status`` column per question (for the golden test)."""
    rows = [row_of(result) for result in results]
    return _csv_text(rows, [list(result_statuses(res)) for res in results] if statuses else None)


def row_of(result: SubmissionResult) -> GradebookRow:
    """The gradebook row of an in-memory result."""
    points = {q.question_id: q.points for q in result.questions}
    return GradebookRow(result.name, result.score, result.max_score, points)


def result_statuses(result: SubmissionResult) -> tuple[str, ...]:
    by_id = {q.question_id: q.status for q in result.questions}
    return tuple(by_id.get(qid, "") for qid in QUESTION_IDS)


def _csv_text(rows: list[GradebookRow], statuses: list[list[str]] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = list(GRADEBOOK_COLUMNS)
    if statuses is not None:
        header += [f"{qid}:status" for qid in QUESTION_IDS]
    writer.writerow(header)
    for i, row in enumerate(rows):
        writer.writerow(
            [row.submission, format_points(row.score), format_points(row.max_score)]
            + [format_points(row.points.get(qid, 0.0)) for qid in QUESTION_IDS]
            + (statuses[i] if statuses is not None else [])
        )
    return buffer.getvalue()


def write_gradebook(out_dir: Path, rows: list[GradebookRow] | None = None) -> Path:
    """DIR/gradebook.csv from the rows given, or from every results.json in DIR."""
    rows = collect_rows(out_dir) if rows is None else rows
    path = Path(out_dir) / GRADEBOOK_CSV
    atomic_write_text(path, _csv_text(rows))
    return path
