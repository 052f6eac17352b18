"""The `tp-ae` command: fast help without TensorFlow, one-line errors on bad flags."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import cli_env


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=cli_env()
    )


@pytest.mark.parametrize("argv", [["--help"], ["data", "--help"], ["train", "--help"]])
def test_help_does_not_import_tensorflow(argv):
    """Does `tp-ae ... --help` answer without importing TensorFlow or Keras?"""
    code = (
        "import sys\nfrom tp_ae.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = run_python(code)
    assert "usage: tp-ae" in result.stdout, result.stderr
    assert "HEAVY []" in result.stdout


def test_unknown_subcommand_is_a_usage_error():
    """Does a wrong subcommand give argparse's one-line error and exit status 2?"""
    result = run_python("from tp_ae.cli import main; main(['trian'])")
    assert result.returncode == 2
    assert "invalid choice: 'trian'" in result.stderr
    assert "Traceback" not in result.stderr


def test_importing_tp_ae_is_cheap():
    """Does `import tp_ae` (and tp_ae.data) leave TensorFlow unimported?"""
    result = run_python(
        "import sys, tp_ae, tp_ae.data, tp_ae.cli; print('tensorflow' in sys.modules)"
    )
    assert result.stdout.strip() == "False", result.stderr
