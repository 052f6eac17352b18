"""The generated .py files: the stubs import and fail at their own question; the solutions run.

The stubs are imported here (TensorFlow in this process); the solutions' ``__main__`` runs in a
subprocess for one epoch on the offline digits, writing its figures to a temporary folder.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parent.parent
X = np.full((2, 28, 28, 1), 0.5, dtype=np.float32)
Z = np.zeros((2, 10), dtype=np.float32)
# Question id -> arguments valid for the reference; the stub must still raise.
CALLS = {
    "part1_autoencoders": {
        "build_mlp_autoencoder": (),
        "build_conv_autoencoder": (),
        "add_noise": (X,),
    },
    "part2_vae": {
        "kl_divergence": (Z, Z),
        "reconstruction_loss": (X, X),
        "vae_loss": (X, X, Z, Z),
        "build_vae": (),
        "sample_images": (None, 3),
        "build_conv_vae": (),
    },
}
STUB_CASES = [(stem, qid) for stem, calls in CALLS.items() for qid in calls]
FIRST_CALLED = {"part1_autoencoders": "build_mlp_autoencoder", "part2_vae": "build_vae"}
# The figures each solution's __main__ must write, by file name.
FIGURES = {
    "part1_autoencoders": [
        "mlp_reconstructions.png",
        "mlp_loss.png",
        "conv_reconstructions.png",
        "conv_loss.png",
        "denoising_conv.png",
    ],
    "part2_vae": [
        f"{name}_{figure}.png"
        for name in ("vae", "conv_vae")
        for figure in (
            "reconstructions",
            "loss",
            "latent_space",
            "samples",
            "traversal",
            "interp",
        )
    ]
    + [f"z2_beta{beta}_{figure}.png" for beta in (0, 1) for figure in ("codes", "grid")]
    + ["beta_sweep.png"],
}


def load(path: Path) -> ModuleType:
    """Import a generated file as a module (its ``__main__`` block does not run)."""
    name = f"generated_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stubs() -> dict[str, ModuleType]:
    return {stem: load(ROOT / "exercises" / f"{stem}.py") for stem in CALLS}


@pytest.mark.parametrize("stem, question_id", STUB_CASES)
def test_stub_raises_not_implemented_naming_its_question(stubs, stem, question_id):
    """Does the untouched stub import, and does each question raise NotImplementedError that
    names it (not a NameError or another question's error)?"""
    function = getattr(stubs[stem], question_id)
    with pytest.raises(NotImplementedError, match=rf"^{question_id}: question \d\.\d"):
        function(*CALLS[stem][question_id])


@pytest.mark.parametrize("stem", CALLS)
def test_stub_script_stops_at_the_first_question(stem, tmp_path):
    """Run untouched, does the script stop with NotImplementedError naming its first question?"""
    result = run_script(ROOT / "exercises" / f"{stem}.py", tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"NotImplementedError: {FIRST_CALLED[stem]}: question ")


@pytest.mark.slow
@pytest.mark.parametrize("stem", CALLS)
def test_solution_script_trains_and_saves_its_figures(stem, tmp_path):
    """Does the solution's __main__ run to the end on one epoch and write every figure?"""
    result = run_script(ROOT / "solutions" / f"{stem}.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert sorted(FIGURES[stem]) == written
    assert "bonus skipped" not in result.stdout


def run_script(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """``python path --epochs 1 --out tmp/figures`` on the offline digits, from ``tmp_path``."""
    return subprocess.run(
        [sys.executable, str(path), "--epochs", "1", "--out", str(tmp_path / "figures")],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=tmp_path,
        env=cli_env(TP_AE_DATA="offline", KERAS_HOME=str(tmp_path / "keras")),
    )
