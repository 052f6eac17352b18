"""What the class report says, computed from the results in memory: per-submission entries,
the commonest hints, the groups of flagged code, and small statistics."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.results import Status, SubmissionResult
from tp_ae.questions import QUESTION_IDS

NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)


@dataclass
class ReportEntry:
    """What the report needs of one graded submission."""

    name: str
    score: float
    max_score: float
    points_earned: dict[str, float]  # question id -> points earned (gradebook columns)
    seconds: float | None = None  # wall time of its grading
    load_error: str | None = None
    grader_errors: list[str] = field(default_factory=list)  # questions the grader failed on
    hints: set[tuple[str, str]] = field(default_factory=set)  # (question id, hint text)
    isolation: str = ""  # how its code was isolated

    @classmethod
    def of(cls, result: SubmissionResult) -> ReportEntry:
        failed = [q.question_id for q in result.questions if q.status == Status.GRADER_ERROR]
        if result.grader_error:
            failed = ["all questions"]
        return cls(
            name=result.name,
            score=result.score,
            max_score=result.max_score,
            points_earned={q.question_id: q.points_earned for q in result.questions},
            seconds=result.wall_seconds,
            load_error=result.load_error,
            grader_errors=failed,
            hints=set(result.hints()),
            isolation=result.isolation,
        )


@dataclass
class ClassResults:
    """A batch: its submissions, question ids (TP order) and their points, similar code."""

    submissions: list[ReportEntry]
    questions: list[str]
    points_possible: dict[str, float]  # question id -> points for a full answer
    flagged: list[dict[str, str]]  # flagged rows of similarity.csv, best first
    similarity_pairs: int | None  # rows in similarity.csv, None when there is none
    copies: list[dict[str, str]] = field(default_factory=list)  # copy_of_reference rows


def class_results(
    results: Sequence[SubmissionResult], similarity_csv: Path | None = None
) -> ClassResults:
    """The report's view of a batch; ``similarity_csv`` is read when it exists."""
    entries = [ReportEntry.of(r) for r in sorted(results, key=lambda r: r.name)]
    points_possible: dict[str, float] = {}
    for result in results:
        for q in result.questions:
            best = max(points_possible.get(q.question_id, 0.0), q.points_possible)
            points_possible[q.question_id] = best
    similarity = read_similarity(similarity_csv) if similarity_csv else Similarity([], None, [])
    return ClassResults(
        entries, list(QUESTION_IDS), points_possible, similarity.flagged, similarity.pairs,
        similarity.copies,
    )  # fmt: skip


@dataclass(frozen=True)
class Similarity:
    """What the report reads of ``similarity.csv``."""

    flagged: list[dict[str, str]]  # rows flagged as similar, in the file's order (best first)
    pairs: int | None  # rows in the file; None when there is no file
    copies: list[dict[str, str]]  # rows whose copy_of_reference is "yes", short answers too


def read_similarity(path: Path) -> Similarity:
    if not path.is_file():
        return Similarity([], None, [])
    flagged, copies, total = [], [], 0
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            total += 1
            if row.get("flagged") == "yes":
                flagged.append(row)
            if row.get("copy_of_reference") == "yes":
                copies.append(row)
    return Similarity(flagged, total, copies)


def reference_copies(copies: Iterable[Mapping[str, str]]) -> list[tuple[str, list[str]]]:
    """(question id, submissions whose answer is a copy of the reference), in question order;
    questions without a copy are left out."""
    by_question: dict[str, set[str]] = defaultdict(set)
    for row in copies:
        by_question[row.get("question", "")].add(row.get("submission_a", ""))
    order = {q: k for k, q in enumerate(QUESTION_IDS)}
    return [
        (q, sorted(by_question[q]))
        for q in sorted(by_question, key=lambda q: (order.get(q, len(order)), q))
    ]


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
        lowest[group] = min(lowest.get(group, 1.0), number(row.get("score")))
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in list(parent):
        members[root(node)].append(node[1])
    groups = []
    for group, names in members.items():
        names.sort(key=lambda n: (n.startswith("<"), n))
        groups.append((group[0], names, lowest[group]))
    groups.sort(key=lambda g: (-len(g[1]), g[0], g[1]))
    return groups


def common_hints(submissions: Iterable[ReportEntry]) -> list[tuple[int, str, str]]:
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


def finite(values: Iterable[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def median_of(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def mean_of(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def number(text: object) -> float:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
