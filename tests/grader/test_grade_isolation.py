"""tp-ae grade says first how student code is isolated, and each result records it (issue 11)."""

from __future__ import annotations

import json
import subprocess

from grader import isolation
from tests.conftest import cli_env

from .corpus_tools import REPO


def test_grade_prints_the_isolation_level_first_and_results_record_it(tmp_path):
    """Is the first line of ``tp-ae grade`` the level's description, and is that level in the
    submission's results.json (a submission that needs no child: nothing to run)?"""
    submission = tmp_path / "part1_autoencoders.py"
    submission.write_text("X = 1\n", encoding="utf-8")
    out = tmp_path / "OUT"
    done = subprocess.run(
        ["tp-ae", "grade", str(submission), "--out", str(out), "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    level = isolation.isolation_level()
    assert done.stdout.splitlines()[0] == isolation.describe(level)
    results = json.loads((out / "part1_autoencoders" / "results.json").read_text())
    assert results["extra_data"]["result"]["isolation"] == level
