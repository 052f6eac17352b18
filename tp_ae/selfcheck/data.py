"""The public checks prepared at release time: ``checks.json`` and one ``<question_id>.npz`` each.

``checks.json`` holds, per visible question, its points, time limit, the names and weights of
its checks, its hints and settings; the ``.npz`` holds arrays only (inputs, expected outputs,
the outputs of known mistakes), read with ``allow_pickle=False``. ``tp-ae release`` writes them
(``grader/release/public_checks.py`` in the course repository).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tp_ae.errors import TpAeError

FORMAT = 1
DATA_ENV = "TP_AE_SELFCHECK_DATA"  # another folder of prepared checks (for instructors' tests)


def data_dir() -> Path:
    """``$TP_AE_SELFCHECK_DATA``, else the ``data/`` folder shipped inside this package."""
    return Path(os.environ.get(DATA_ENV) or Path(__file__).resolve().parent / "data")


@dataclass(frozen=True)
class QuestionData:
    """One question's prepared checks."""

    question_id: str
    spec: dict  # from checks.json: points, bonus, timeout_seconds, checks, hints, settings
    arrays: dict[str, np.ndarray]

    def check_names(self) -> list[tuple[str, float]]:
        """(name, weight) of each check, in the grader's order."""
        return [(c["name"], float(c["weight"])) for c in self.spec["checks"]]

    def name(self, index: int) -> str:
        return self.spec["checks"][index]["name"]

    def weight(self, index: int) -> float:
        return float(self.spec["checks"][index]["weight"])

    def hint(self, key: str) -> str:
        return self.spec["hints"][key]

    def setting(self, key: str):
        return self.spec["settings"][key]

    def known_mistakes(self, case: str) -> list[tuple[np.ndarray, str]]:
        """(values, hint) of each known mistake on a case's inputs."""
        hints = self.spec.get("mistakes", {}).get(case, [])
        return [(self.arrays[f"mistake.{case}.{i}"], hint) for i, hint in enumerate(hints)]


@dataclass(frozen=True)
class PreparedChecks:
    course: dict  # the seed, the questions hidden by the course, points_possible of the rest
    questions: dict[str, QuestionData]


def load_prepared(folder: Path | None = None) -> PreparedChecks:
    """Read the prepared checks; a one-line TpAeError when they are missing or of another
    format (a release built by another version of tp-ae)."""
    folder = Path(folder) if folder else data_dir()
    index = folder / "checks.json"
    if not index.is_file():
        raise TpAeError(
            f"{index}: no prepared checks here; tp-ae check works in the student release "
            "(built by the instructor with `tp-ae release`): reinstall it"
        )
    meta = json.loads(index.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise TpAeError(
            f"{index}: prepared checks of format {meta.get('format')}, this tp-ae reads "
            f"format {FORMAT}: reinstall the release"
        )
    questions = {}
    for qid, spec in meta["questions"].items():
        with np.load(folder / f"{qid}.npz", allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        questions[qid] = QuestionData(qid, spec, arrays)
    return PreparedChecks(meta.get("course", {}), questions)
