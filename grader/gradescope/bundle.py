"""Building Gradescope's autograder.zip (``tp-ae gradescope-bundle``); no TensorFlow here.

The zip holds, at its root, what Gradescope's autograder specification asks for:

- ``setup.sh`` (run once, as root, when Gradescope builds the image) and ``run_autograder``
  (run for each submission), rendered from ``templates/``;
- ``requirements.txt``: tp-ae's runtime dependencies resolved for the image's Python
  (``--python``, default :data:`~grader.gradescope.DEFAULT_PYTHON`) on Linux x86-64, every
  package pinned with its hashes (``uv pip compile``);
- ``course.toml``: the instructor's settings verbatim, or the defaults written out;
- ``tp_ae/`` and ``grader/``: the code that grades, copied from the installed packages (a wheel
  install works: nothing is read from a source checkout), and ``LICENSE``.

Nothing else goes in: no solutions, exercises, tests, notebooks, data or caches. The same
inputs give the same bytes (fixed timestamps, sorted names).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from importlib import metadata, resources
from pathlib import Path

import grader
import tp_ae
from grader.gradescope import (
    DEFAULT_PYTHON,
    DEFAULT_ROOT,
    PYTHON,
    PYTHON_ENV,
    SANDBOX_USER,
    SANDBOX_USER_ENV,
    VENV,
    VENV_ENV,
)
from tp_ae.errors import TpAeError

# glibc of Ubuntu 22.04 (Gradescope's default image); wheels for it also run on newer images
PLATFORM = "x86_64-manylinux_2_35"
DISTRIBUTION = "tp-ae"
PACKAGES = (tp_ae, grader)  # shipped as folders of the same name
SCRIPTS = ("setup.sh", "run_autograder")  # executable, rendered from templates/
SKIPPED_PARTS = ("__pycache__", ".ipynb_checkpoints")
SKIPPED_SUFFIXES = (".pyc", ".pyo")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same zip
UV_TIMEOUT_SECONDS = 300


def build_bundle(
    out: Path,
    config_path: Path | None = None,
    *,
    python: str = DEFAULT_PYTHON,
    requirements: str | None = None,
) -> Path:
    """Write Gradescope's autograder zip to ``out``; returns its path.

    ``config_path``: the course TOML (validated, shipped verbatim); None ships the defaults.
    ``python``: "X.Y", the image's python3. ``requirements``: the text of requirements.txt;
    None resolves it for ``python`` with :func:`resolve_requirements` (needs uv and PyPI).
    Raises TpAeError for a bad config, a bad ``python`` or a failed resolution.
    """
    from grader.config import load_config

    python = check_python_version(python)
    config = load_config(config_path)  # a bad file is a one-line error before anything is written
    config_text = (
        Path(config_path).read_text(encoding="utf-8") if config_path else default_config_toml()
    )
    if requirements is None:
        requirements = resolve_requirements(python)
    files: dict[str, bytes] = {
        "setup.sh": render_template("setup.sh", python=python).encode(),
        "run_autograder": render_template(
            "run_autograder", python=python, fallback_json=fallback_results_json(config)
        ).encode(),
        "requirements.txt": requirements.encode(),
        "course.toml": config_text.encode(),
    }
    license_text = _license_text()
    if license_text is not None:
        files["LICENSE"] = license_text
    files.update(package_files())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = (0o100755 if name in SCRIPTS else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    out.write_bytes(buffer.getvalue())
    return out


def check_python_version(python: str) -> str:
    """``python`` when it reads "X.Y" with X.Y at least tp-ae's lowest (3.10); else TpAeError."""
    match = re.fullmatch(r"(\d+)\.(\d+)", python.strip())
    if not match or (int(match[1]), int(match[2])) < (3, 10):
        raise TpAeError(
            f"--python {python!r}: give the image's Python as X.Y, 3.10 or later "
            f"(Gradescope's default Ubuntu 22.04 image has {DEFAULT_PYTHON})"
        )
    return f"{int(match[1])}.{int(match[2])}"


def package_files() -> dict[str, bytes]:
    """zip name -> bytes for every file of the installed ``tp_ae`` and ``grader`` packages."""
    files = {}
    for package in PACKAGES:
        folder = Path(package.__file__).resolve().parent
        for path in sorted(folder.rglob("*")):
            relative = Path(folder.name) / path.relative_to(folder)
            if path.is_file() and _shipped(relative):
                files[relative.as_posix()] = path.read_bytes()
    return files


def _shipped(relative: Path) -> bool:
    parts = relative.parts
    if any(p in SKIPPED_PARTS or p.startswith(".") for p in parts):
        return False
    return relative.suffix not in SKIPPED_SUFFIXES


def _license_text() -> bytes | None:
    """LICENSE from the installed distribution's metadata, else the checkout's, else None."""
    try:
        for file in metadata.distribution(DISTRIBUTION).files or []:
            if file.name in ("LICENSE", "LICENSE.txt") and "licenses" in file.parts:
                return Path(file.locate()).read_bytes()
    except (metadata.PackageNotFoundError, OSError):
        pass
    beside = Path(grader.__file__).resolve().parent.parent / "LICENSE"
    return beside.read_bytes() if beside.is_file() else None


# ---------------------------------------------------------------------------------------------
# requirements.txt


def runtime_dependencies() -> list[str]:
    """tp-ae's ``[project] dependencies`` (no extras), as requirement strings.

    From the source checkout's pyproject.toml when the packages are imported from one (an
    editable install's metadata lags behind edits), else from the installed metadata.
    """
    pyproject = Path(grader.__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        from grader.config import _toml_module

        project = _toml_module().loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION:
            return list(project.get("dependencies", []))
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise TpAeError(
            "tp-ae is not installed (no package metadata): pip install tp-ae, then rebuild"
        ) from None
    return [r for r in requires if "extra ==" not in r.replace("'", '"')]


def resolve_requirements(python: str = DEFAULT_PYTHON, roots: list[str] | None = None) -> str:
    """requirements.txt text: ``roots`` (default: tp-ae's runtime dependencies) and all of
    theirs, resolved for CPython ``python`` ("X.Y") on :data:`PLATFORM`, wheels only, each
    pinned with the hashes of all its files.

    setuptools is kept: TensorFlow declares it, and pip's hash-checking mode refuses an
    unpinned dependency. Needs uv and PyPI; raises TpAeError saying which is missing.
    """
    python = check_python_version(python)
    roots = runtime_dependencies() if roots is None else roots
    command = [
        *uv_command(),
        "pip",
        "compile",
        "-",
        "--python-version",
        python,
        "--python-platform",
        PLATFORM,
        "--only-binary",
        ":all:",
        "--generate-hashes",
        "--no-header",
        "--quiet",
    ]
    try:
        done = subprocess.run(
            command,
            input="\n".join(roots) + "\n",
            capture_output=True,
            text=True,
            timeout=UV_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TpAeError(
            f"resolving the requirements for Python {python} took over "
            f"{UV_TIMEOUT_SECONDS} s: check the connection to PyPI and retry"
        ) from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        why = " ".join(lines[-3:])[-600:] or f"uv exited with status {done.returncode}"
        raise TpAeError(f"cannot resolve tp-ae's requirements for Python {python}: {why}")
    header = (
        f"# requirements.txt written by `tp-ae gradescope-bundle --python {python}`: tp-ae's\n"
        f"# runtime dependencies resolved by uv for CPython {python} on {PLATFORM},\n"
        "# wheels only, with hashes. setup.sh installs them with pip --require-hashes.\n"
    )
    return header + done.stdout


def uv_command() -> list[str]:
    """How to run uv: the ``uv`` Python package's binary, else ``uv`` on PATH; else TpAeError."""
    try:
        import uv

        return [uv.find_uv_bin()]
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found:
        return [found]
    raise TpAeError(
        "gradescope-bundle resolves the bundle's requirements with uv, which is not installed: "
        'pip install uv (or pip install "tp-ae[gradescope]")'
    )


# ---------------------------------------------------------------------------------------------
# The scripts and course.toml


def render_template(name: str, *, python: str, fallback_json: str = "") -> str:
    """The text of ``templates/<name>`` with its ``@PLACEHOLDER@`` fields filled in."""
    text = resources.files("grader.gradescope").joinpath("templates", name).read_text("utf-8")
    values = {
        "PYTHON_VERSION": python,
        "VENV": VENV,
        "VENV_ENV": VENV_ENV,
        "PYTHON": PYTHON,
        "PYTHON_ENV": PYTHON_ENV,
        "SANDBOX_USER": SANDBOX_USER,
        "SANDBOX_USER_ENV": SANDBOX_USER_ENV,
        "DEFAULT_ROOT": DEFAULT_ROOT,
        "FALLBACK_JSON": fallback_json,
    }
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = sorted(set(re.findall(r"@([A-Z_]+)@", text)))
    if left:  # a template names a field this function does not fill: a bug, say which
        raise RuntimeError(f"templates/{name}: unknown placeholder(s) {', '.join(left)}")
    return text


def fallback_results_json(config) -> str:
    """The results.json run_autograder writes when python3 itself fails (one line of JSON)."""
    from grader.gradescope.runner import failure_results

    results = failure_results("the grader did not start (see the autograder log)", config)
    return json.dumps(results, allow_nan=False, default=str)


def default_config_toml() -> str:
    """The default course settings written out as course.toml, to edit and pass as --config."""
    from grader.config import default_config
    from tp_ae.questions import QUESTION_IDS

    config = default_config()
    first = config[QUESTION_IDS[0]]
    lines = [
        "# course.toml written by `tp-ae gradescope-bundle`: the TP specification's defaults.",
        "# Edit, then rebuild with `tp-ae gradescope-bundle --config course.toml`.",
        "[defaults]",
        f"timeout_seconds = {first.timeout_seconds:g}",
        f"memory_mb = {first.memory_mb}",
        f'visibility = "{first.visibility}"',
    ]
    for qid in QUESTION_IDS:
        q = config[qid]
        lines += ["", f"[questions.{qid}]", f"points = {_points(q):g}"]
        if q.bonus:
            lines.append("bonus = true")
    return "\n".join(lines) + "\n"


def _points(question) -> float:
    """A question's points in the config (named ``points_possible`` or, before, ``points``)."""
    return getattr(question, "points_possible", getattr(question, "points", 0.0))
