"""The generated notebooks run: solutions top to bottom, stubs up to their first question.

Executed with nbclient on a real kernel, for one epoch on the offline digits (``TP_AE_EPOCHS``
and ``TP_AE_DATA`` reach the kernel through the environment), figures to a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
STEMS = ("part1_autoencoders", "part2_vae")
FIRST_CALLED = {"part1_autoencoders": "build_mlp_autoencoder", "part2_vae": "build_vae"}
CELL_TIMEOUT_S = 300


@pytest.fixture
def tiny_run(monkeypatch, tmp_path: Path) -> Path:
    """One epoch, offline digits, figures under tmp_path/figures; returns that folder."""
    monkeypatch.setenv("TP_AE_EPOCHS", "1")
    monkeypatch.setenv("TP_AE_DATA", "offline")
    monkeypatch.setenv("TP_AE_OUT", str(tmp_path / "figures"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    return tmp_path / "figures"


def client_for(notebook: nbformat.NotebookNode, cwd: Path) -> NotebookClient:
    """A client running ``notebook`` on the python3 kernel with ``cwd`` as working folder."""
    return NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_solution_notebook_runs_top_to_bottom(stem, tiny_run, tmp_path):
    """Does every cell of the solution notebook run without error, drawing its figures?"""
    notebook = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    client_for(notebook, tmp_path).execute()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "no figure shown in the notebook"
    assert len(images) == len(list(tiny_run.glob("*.png")))


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_exercise_notebook_runs_until_its_first_unanswered_question(stem, tiny_run, tmp_path):
    """Do the given cells of the untouched exercise run, and does the run stop at the first
    training cell with a NotImplementedError naming that cell's question?"""
    notebook = nbformat.read(ROOT / "exercises" / f"{stem}.ipynb", as_version=4)
    with pytest.raises(CellExecutionError) as error:
        client_for(notebook, tmp_path).execute()
    assert error.value.ename == "NotImplementedError"
    assert error.value.evalue.startswith(f"{FIRST_CALLED[stem]}: question ")
    code = [c for c in notebook.cells if c.cell_type == "code"]
    failed = next(i for i, c in enumerate(code) if any(o.output_type == "error" for o in c.outputs))
    assert "train" in code[failed].metadata["tags"]
    assert all(c.execution_count for c in code[:failed])
