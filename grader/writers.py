"""Writing one submission's files: ``OUT/<submission>/feedback.md`` for the student, then
``results.json`` (Gradescope's format, carrying the whole result in ``extra_data``)."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch import FEEDBACK_MD, RESULTS_JSON
from grader.feedback import feedback_markdown
from grader.files import atomic_write_text
from grader.results import SubmissionResult

__all__ = ["atomic_write_text", "write_submission"]


def write_submission(result: SubmissionResult, out_dir: Path) -> Path:
    """Write feedback.md, then results.json (last: its presence marks the submission graded)."""
    folder = Path(out_dir) / result.name
    atomic_write_text(folder / FEEDBACK_MD, feedback_markdown(result))
    atomic_write_text(folder / RESULTS_JSON, json.dumps(result.to_gradescope_dict(), indent=2))
    return folder
