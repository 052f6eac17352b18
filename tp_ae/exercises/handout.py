"""Step 4: read the question texts from the handout, ``exercises/README.md``.

The handout is the one place a question's text is written; the notebooks copy it. A part is a
``## Part N ...`` section; a question is a ``### Question N.M ...`` section inside it, running to
the next heading of level 3 or less. A coded question names its question id in backticks in
its heading (``### Question 1.1 · `build_mlp_autoencoder` (3 points)``); a written one names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tp_ae.errors import TpAeError

_PART = re.compile(r"^## Part (\d+)\b")
_QUESTION = re.compile(r"^### Question (\d+)\.(\d+)\b")
_HEADING = re.compile(r"^#{1,3} ")
_BACKTICKED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


@dataclass(frozen=True)
class QuestionText:
    """One question of the handout: its number, its question id (None if written) and text."""

    number: str  # "1.1"
    question_id: str | None
    markdown: str  # the whole section, heading included, without trailing blank lines


@dataclass(frozen=True)
class PartText:
    """One part of the handout: its introduction (heading included) and its questions."""

    number: int
    intro: str
    questions: tuple[QuestionText, ...]

    def question(self, question_id: str) -> QuestionText:
        return next(q for q in self.questions if q.question_id == question_id)


def read_handout(path: Path, display: str) -> dict[int, PartText]:
    """The parts of the handout at ``path`` by number; TpAeError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TpAeError(
            f"{display}: cannot read the handout ({err.strerror}); make-exercises takes the "
            "question texts from it"
        ) from None
    return parse_handout(text, display)


def parse_handout(text: str, display: str) -> dict[int, PartText]:
    """Split the handout's Markdown into parts and questions (see the module docstring)."""
    parts: dict[int, PartText] = {}
    for start, end in _sections(text.splitlines(), _PART, level=2):
        lines = text.splitlines()[start:end]
        number = int(_PART.match(lines[0]).group(1))
        if number in parts:
            raise TpAeError(f"{display}:{start + 1}: a second '## Part {number}'; renumber it")
        questions = [
            _question(lines, s, e, number, display, start) for s, e in _question_spans(lines)
        ]
        first = min((s for s, _ in _question_spans(lines)), default=len(lines))
        parts[number] = PartText(number, _trim(lines[:first]), tuple(questions))
    return parts


def _sections(lines: list[str], pattern: re.Pattern, level: int) -> list[tuple[int, int]]:
    """(start, end) line spans of the headings matching ``pattern``, each running to the next
    heading of level <= ``level``; lines inside fenced code blocks are not headings."""
    heads = _headings(lines)
    spans = []
    for i, (line_no, heading_level) in enumerate(heads):
        if heading_level == level and pattern.match(lines[line_no]):
            end = next((n for n, lv in heads[i + 1 :] if lv <= level), len(lines))
            spans.append((line_no, end))
    return spans


def _question_spans(lines: list[str]) -> list[tuple[int, int]]:
    return _sections(lines, _QUESTION, level=3)


def _headings(lines: list[str]) -> list[tuple[int, int]]:
    """(0-based line, level) of each Markdown heading of level 1 to 3 outside code fences."""
    heads, fenced = [], False
    for line_no, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            heads.append((line_no, len(line) - len(line.lstrip("#"))))
    return heads


def _question(
    lines: list[str], start: int, end: int, part: int, display: str, offset: int
) -> QuestionText:
    heading = lines[start]
    match = _QUESTION.match(heading)
    where = f"{display}:{offset + start + 1}"
    if int(match.group(1)) != part:
        raise TpAeError(
            f"{where}: question {match.group(1)}.{match.group(2)} is in Part {part}; "
            f"number it {part}.{match.group(2)}"
        )
    ids = _BACKTICKED.findall(heading)
    if len(ids) > 1:
        raise TpAeError(
            f"{where}: the heading names {len(ids)} question ids ({', '.join(ids)}); "
            "a question heading names at most one, in backticks"
        )
    number = f"{match.group(1)}.{match.group(2)}"
    return QuestionText(number, ids[0] if ids else None, _trim(lines[start:end]))


def _trim(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)
