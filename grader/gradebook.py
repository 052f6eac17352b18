"""``gradebook.csv``: one row per submission, columns ``submission, score, max_score``, then the
points earned per question id in the TP's order, then the course's own checks' questions.
Written once per run, atomically, from the results in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.batch import GRADEBOOK_CSV
from grader.files import atomic_write_text
from grader.results import SubmissionResult, format_points
from tp_ae.questions import QUESTION_IDS, WRITTEN_IDS

# Then the course's own checks' questions. A written question's cell is empty until the
# instructor's marks are merged (tp-ae grade --written FILE).
GRADEBOOK_COLUMNS = ("submission", "score", "max_score", *QUESTION_IDS, *WRITTEN_IDS)


@dataclass(frozen=True)
class GradebookRow:
    """One gradebook line: points earned per question id."""

    submission: str
    score: float
    max_score: float
    points_earned: dict[str, float]  # question id -> points earned

    @classmethod
    def of(cls, result: SubmissionResult) -> GradebookRow:
        points = {q.question_id: q.points_earned for q in result.questions}
        return cls(result.name, result.score, result.max_score, points)


def gradebook_text(results: Iterable[SubmissionResult], *, statuses: bool = False) -> str:
    """The gradebook as CSV text, one row per result in the order given; ``statuses`` adds one
    ``<question id>:status`` column per question (for the golden test)."""
    results = list(results)
    ids = list(GRADEBOOK_COLUMNS[3:])  # then the course's own questions, in order of appearance
    ids += list(
        dict.fromkeys(
            q.question_id for r in results for q in r.questions if q.question_id not in ids
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [*GRADEBOOK_COLUMNS[:3], *ids]
    if statuses:
        header += [f"{qid}:status" for qid in ids]
    writer.writerow(header)
    for result in results:
        row = GradebookRow.of(result)
        cells = [row.submission, format_points(row.score), format_points(row.max_score)]
        earned = row.points_earned
        cells += [format_points(earned[qid]) if qid in earned else "" for qid in ids]
        if statuses:
            by_id = {q.question_id: str(q.status) for q in result.questions}
            cells += [by_id.get(qid, "") for qid in ids]
        writer.writerow(cells)
    return buffer.getvalue()


def write_gradebook(out_dir: Path, results: Iterable[SubmissionResult]) -> Path:
    """OUT/gradebook.csv from these results, sorted by submission name."""
    path = Path(out_dir) / GRADEBOOK_CSV
    atomic_write_text(path, gradebook_text(sorted(results, key=lambda r: r.name)))
    return path
