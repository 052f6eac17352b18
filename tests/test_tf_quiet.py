"""tp_ae.tf_quiet: TensorFlow's known start-up noise is kept off standard error, every other line
(a real error, a crash's last words) still comes out, in order."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tp_ae.tf_quiet import SHOW_ALL_ENV, is_noise

# Lines TensorFlow 2.21 printed on this project's machine (no GPU), and the older format's.
NOISE_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796288298.352910   20623 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors from "
    "different computation orders. To turn them off, set the environment variable "
    "`TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 00:00:1796288298.353211   20623 cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.",
    "I0000 00:00:1796288267.345061   19718 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI FMA, in other operations, "
    "rebuild TensorFlow with the appropriate compiler flags.",
    "E0000 00:00:1796288303.230870   20623 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
    "CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
    "E0000 00:00:1796288304.246447   20623 meta_optimizer.cc:967] remapper failed: "
    "INVALID_ARGUMENT: Mutation::Apply error: fanout 'StatefulPartitionedCall/gradient_tape/x' "
    "exist for missing node 'StatefulPartitionedCall/y/BiasAdd'.",
    "2024-01-31 12:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations "
    "are on. You may see slightly different numerical results.",
    "2024-01-31 12:00:00.123456: E external/local_xla/xla/stream_executor/cuda/cuda_dnn.cc:9261] "
    "Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one "
    "has already been registered",
]
REAL_LINES = [
    "Traceback (most recent call last):",
    "ValueError: Input 0 of layer 'dense' is incompatible with the layer",
    "E0000 00:00:1796288304.246447   20623 op_kernel.cc:1857] OP_REQUIRES failed at "
    "matmul_op.cc:91 : RESOURCE_EXHAUSTED: OOM when allocating tensor with shape[4096,4096]",
    "F0000 00:00:1796288304.246447   20623 check.cc:12] Check failed: remapper failed: boom",
    "my own message: remapper failed: not from TensorFlow",
    "W0000 00:00:1796288304.246447   20623 loader.cc:1] could not load the saved model",
]


def quiet_env(**extra: str) -> dict[str, str]:
    """A student's environment: no TF_CPP_MIN_LOG_LEVEL chosen, no TP_AE_TF_LOGS."""
    drop = ("TF_CPP_MIN_LOG_LEVEL", SHOW_ALL_ENV, "TP_AE_DATA")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def run_python(code: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=quiet_env(**env),
    )


@pytest.mark.parametrize("line", NOISE_LINES)
def test_known_tensorflow_noise_is_recognised(line):
    """Is each start-up line TensorFlow printed here (and the pre-2.16 format) known noise?"""
    assert is_noise(line)
    assert is_noise(line + "\n")


@pytest.mark.parametrize("line", REAL_LINES)
def test_real_errors_are_not_noise(line):
    """Are errors that matter (an OOM, a traceback, a fatal check, a user's own line that
    merely mentions a noise phrase) kept?"""
    assert not is_noise(line)


FILTER_SCRIPT = """
import os, sys
from tp_ae.tf_quiet import filtered_stderr
noise, real = {noise!r}, {real!r}
with filtered_stderr():
    for a, b in zip(noise, real):
        os.write(2, (a + "\\n").encode())
        os.write(2, (b + "\\n").encode())
    print("python-level line", file=sys.stderr)
os.write(2, b"after the block\\n")
"""


def test_filter_drops_noise_and_passes_every_other_line_in_order():
    """Inside the block, are the noise lines written to file descriptor 2 dropped and the
    others (C-level and Python-level) passed on unchanged and in order, and is file
    descriptor 2 itself again after the block?"""
    n = min(len(NOISE_LINES), len(REAL_LINES))
    code = FILTER_SCRIPT.format(noise=NOISE_LINES[:n], real=REAL_LINES[:n])
    result = run_python(code, timeout=60)
    assert result.returncode == 0, result.stderr
    expected = [*REAL_LINES[:n], "python-level line", "after the block"]
    assert result.stderr.splitlines() == expected


def test_tp_ae_tf_logs_shows_everything():
    """With TP_AE_TF_LOGS=1, does the noise come through too?"""
    code = FILTER_SCRIPT.format(noise=NOISE_LINES[:1], real=REAL_LINES[:1])
    result = run_python(code, timeout=60, **{SHOW_ALL_ENV: "1"})
    assert result.stderr.splitlines()[:2] == [NOISE_LINES[0], REAL_LINES[0]]


def test_a_process_that_dies_inside_the_block_still_shows_its_last_words():
    """When the process exits abruptly inside the block, does what it wrote just before still
    reach standard error (the filter outlives it)?"""
    code = (
        "import os\nfrom tp_ae.tf_quiet import filtered_stderr\n"
        "with filtered_stderr():\n"
        "    os.write(2, b'Fatal: the last words\\n')\n"
        "    os._exit(3)\n"
    )
    result = run_python(code, timeout=60)
    assert result.returncode == 3
    assert result.stderr.splitlines() == ["Fatal: the last words"]


@pytest.mark.slow
def test_importing_tp_ae_layers_prints_no_tensorflow_noise_and_keeps_real_errors():
    """Does a process that imports tp_ae.layers (so Keras and TensorFlow), queries its devices
    and trains one step print none of the known noise, while a real error written to standard
    error afterwards (C-level and Python-level) still appears?"""
    pytest.importorskip("keras")
    code = (
        "import os, sys\nimport numpy as np\nimport tp_ae.layers\nimport keras\n"
        "import tensorflow as tf\ntf.config.list_physical_devices()\n"
        "from tp_ae.autoencoders import build_conv_autoencoder\n"
        "from tp_ae.training import fit_autoencoder\n"
        "x = np.zeros((64, 28, 28, 1), np.float32)\n"
        "fit_autoencoder(build_conv_autoencoder()[2], x, x[:8], epochs=1, verbose=0)\n"
        "os.write(2, b'E0000 00:00:1.0 1 op.cc:1] OOM when allocating tensor\\n')\n"
        "print('ValueError: a real error', file=sys.stderr)\n"
    )
    result = run_python(code, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert not [line for line in lines if is_noise(line)]
    for phrase in ("absl::InitializeLog", "oneDNN", "cuInit", "remapper failed"):
        assert phrase not in result.stderr
    assert lines[-2:] == [
        "E0000 00:00:1.0 1 op.cc:1] OOM when allocating tensor",
        "ValueError: a real error",
    ]
