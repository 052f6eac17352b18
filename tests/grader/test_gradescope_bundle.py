"""grader/gradescope/ and ``tp-ae gradescope-bundle``: the zip, and the run inside Gradescope.

Most tests build the zip with a fixed requirements.txt (offline, fast); one resolves the real
requirements for Python 3.10 and checks that pip accepts them (needs PyPI, skipped without).
The slow tests unpack the zip on a temporary AUTOGRADER_ROOT (``source/`` the zip,
``submission/`` the student's files, ``results/`` the output) and run its ``run_autograder``
with the python3 of this environment first on PATH, as Gradescope would with setup.sh's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from grader.config import DEFAULT_POINTS, config_from_mapping, default_config
from grader.gradescope import PYTHON, PYTHON_ENV, SANDBOX_USER_ENV, VENV, VENV_ENV, runner
from grader.gradescope import bundle as bundle_module
from grader.gradescope.bundle import build_bundle, resolve_requirements
from grader.gradescope.runner import gradescope_results
from tp_ae.cli import main as cli_main
from tp_ae.errors import TpAeError
from tp_ae.questions import QUESTION_IDS

PROJECT = Path(__file__).resolve().parents[2]
SOLUTIONS = PROJECT / "solutions"
FAKE_REQUIREMENTS = "# fixed for the tests\nnumpy==2.2.6 \\\n    --hash=sha256:" + "0" * 64 + "\n"
COURSE_TOML = """\
# a course that hides KL until the due date is past and the bonus until grades are published
[questions.kl_divergence]
points = 4
visibility = "after_due_date"

[questions.build_conv_vae]
visibility = "after_published"

[questions.vae_loss]
visibility = "hidden"
"""
VISIBILITY = {
    **{q: "visible" for q in QUESTION_IDS},
    "kl_divergence": "after_due_date",
    "build_conv_vae": "after_published",
    "vae_loss": "hidden",
}
GRADING_TIMEOUT = 300  # seconds for one run_autograder (the full solutions import TensorFlow)
# add_noise that is right only when it does not run as root
ADD_NOISE_UNLESS_ROOT = """
import os
import numpy as np


def add_noise(x, sigma=20 / 255, seed=None):
    x = np.asarray(x, dtype=np.float32)
    if os.geteuid() == 0:  # still root: no noise, wrong on purpose
        return x
    noise = sigma * np.random.default_rng(seed).standard_normal(x.shape)
    return np.clip(x + noise, 0.0, 1.0).astype(np.float32)
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The zip with the default course settings."""
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    return build_bundle(out, requirements=FAKE_REQUIREMENTS)


@pytest.fixture(scope="module")
def course_bundle(tmp_path_factory) -> Path:
    """The zip built with COURSE_TOML."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    return build_bundle(
        folder / "autograder.zip", folder / "course.toml", requirements=FAKE_REQUIREMENTS
    )


@pytest.fixture
def offline_resolution(monkeypatch):
    """resolve_requirements replaced by FAKE_REQUIREMENTS; records the Python asked for."""
    asked = []

    def fake(python="3.10", roots=None):
        asked.append(python)
        return FAKE_REQUIREMENTS

    monkeypatch.setattr(bundle_module, "resolve_requirements", fake)
    return asked


def _autograder_root(tmp_path: Path, bundle: Path, files: dict[str, str | Path]) -> Path:
    """A Gradescope-like root: source/ = the unpacked zip, submission/ = ``files``."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile drops the permission bits; Gradescope does not
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    submission = root / "submission"
    submission.mkdir()
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, submission / name)
        else:
            (submission / name).write_text(content, encoding="utf-8")
    return root


def _run_autograder(
    root: Path, path_first: Path | None = None, user: str = "", venv: Path | None = None
) -> dict:
    """Run ``source/run_autograder`` as Gradescope does; return the results.json it wrote.

    ``user``: the sandbox user for student code ("" for none: code runs as whoever runs this).
    ``venv``: given as $TP_AE_VENV (None: a folder that does not exist, so no venv is used).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    first = path_first or Path(sys.executable).parent  # this environment's python3
    env.update(AUTOGRADER_ROOT=str(root), PATH=f"{first}{os.pathsep}{env.get('PATH', '')}")
    env[SANDBOX_USER_ENV] = user or "no-such-user-tp-ae"
    env[VENV_ENV] = str(venv or root / "no-venv")
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=GRADING_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def _tests(results: dict) -> dict[str, dict]:
    return {t["name"]: t for t in results["tests"]}


def _read(bundle: Path, name: str) -> str:
    with zipfile.ZipFile(bundle) as archive:
        return archive.read(name).decode()


def _assert_failure_results(results: dict, details: str) -> None:
    """The student sees 0 of 21 and that the autograder failed; ``details`` only hidden."""
    tests = results["tests"]
    shown = [t for t in tests if t["visibility"] == "visible"]
    assert results["score"] == 0 and all(t["score"] == 0 for t in tests)
    assert sum(t["max_score"] for t in shown) == 21
    assert "autograder could not grade" in results["output"] and "instructor" in results["output"]
    assert results["stdout_visibility"] == "hidden"
    assert any(details in t["output"] for t in tests if t["visibility"] == "hidden")
    assert not any(details in t["output"] for t in shown)


# ---------------------------------------------------------------- the zip


def test_zip_holds_gradescope_entry_points_and_only_what_grading_needs(bundle):
    """Are setup.sh and run_autograder at the root (executable), with no answers or tests?"""
    with zipfile.ZipFile(bundle) as archive:
        infos = {i.filename: i for i in archive.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o111 == 0o111
    for needed in ("requirements.txt", "course.toml", "LICENSE", "tp_ae/__init__.py"):
        assert needed in infos
    assert "grader/gradescope/runner.py" in infos and "grader/config.py" in infos
    assert "pyproject.toml" not in infos  # setup.sh needs no source checkout to install
    tops = {name.split("/")[0] for name in infos}
    assert not tops & {"solutions", "exercises", "tests", ".git", ".helpers", ".ci", "data"}
    assert not [n for n in infos if "__pycache__" in n or n.endswith(".pyc")]


def test_zip_ships_every_module_of_the_installed_packages(bundle):
    """Does the zip hold each .py of the imported tp_ae and grader packages, byte for byte?"""
    import grader
    import tp_ae

    with zipfile.ZipFile(bundle) as archive:
        for package in (tp_ae, grader):
            folder = Path(package.__file__).parent
            for path in folder.rglob("*.py"):
                name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                assert archive.read(name) == path.read_bytes(), name


def test_same_sources_give_the_same_zip(tmp_path, bundle):
    """Is the zip byte-for-byte reproducible (fixed timestamps, sorted names)?"""
    again = build_bundle(tmp_path / "again.zip", requirements=FAKE_REQUIREMENTS)
    assert again.read_bytes() == bundle.read_bytes()


def test_setup_uses_the_image_python_and_hash_checked_requirements(bundle):
    """Does setup.sh install with the image's python3 3.10, pip --require-hashes, no pkill?"""
    setup, run = _read(bundle, "setup.sh"), _read(bundle, "run_autograder")
    assert f'PYTHON="${{{PYTHON_ENV}:-{PYTHON}}}"' in setup and '!= "3.10"' in setup
    assert PYTHON == "/usr/bin/python3"
    assert "--require-hashes" in setup and "--only-binary :all:" in setup
    assert "deadsnakes" not in setup and "python3.11" not in setup
    assert f'VENV="${{{VENV_ENV}:-{VENV}}}"' in setup and "tp-ae-bundle.pth" in setup
    assert f'VENV="${{{VENV_ENV}:-{VENV}}}"' in run
    assert "pkill" not in run and "grader.gradescope.runner" in run
    for text in (setup, run):
        assert "@" not in text.replace("${BASH_SOURCE[0]}", "")  # every placeholder filled


def test_python_option_reaches_setup_and_the_resolution(tmp_path, offline_resolution, capsys):
    """Does --python 3.12 resolve for 3.12 and make setup.sh expect python3 3.12?"""
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--python", "3.12", "--out", str(out)]) == 0
    assert offline_resolution == ["3.12"]
    assert '!= "3.12"' in _read(out, "setup.sh")
    assert "python3 3.12" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["3", "3.9", "python3.10", "3.x"])
def test_bad_python_is_a_one_line_error_and_no_zip(tmp_path, capsys, bad):
    """Does --python that is not X.Y >= 3.10 stop with one line saying what to give?"""
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--python", bad, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "--python" in err and "X.Y" in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_given_config_is_shipped_verbatim(course_bundle):
    """Is the instructor's course.toml in the zip as written (comments included)?"""
    assert _read(course_bundle, "course.toml") == COURSE_TOML


def test_default_config_written_out_reads_back_as_the_defaults(bundle):
    """Does the course.toml shipped without --config load to the TP's default settings?"""
    from grader.config import _toml_module

    text = _read(bundle, "course.toml")
    assert config_from_mapping(_toml_module().loads(text)) == default_config()


def test_bad_config_is_a_one_line_error_and_no_zip(tmp_path, capsys, offline_resolution):
    """Does an unknown question id stop the command with one line naming it, writing nothing?"""
    bad = tmp_path / "course.toml"
    bad.write_text("[questions.kl_divergense]\npoints = 2\n", encoding="utf-8")
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--config", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "kl_divergense" in err and len(err.splitlines()) == 1
    assert not out.exists()
    with pytest.raises(TpAeError):
        build_bundle(out, bad, requirements=FAKE_REQUIREMENTS)


def test_command_writes_the_zip_and_says_what_is_hidden(tmp_path, capsys, offline_resolution):
    """Does ``tp-ae gradescope-bundle --config`` write the zip and list hidden questions?"""
    config = tmp_path / "course.toml"
    config.write_text(COURSE_TOML, encoding="utf-8")
    out = tmp_path / "autograder.zip"
    assert cli_main(["gradescope-bundle", "--config", str(config), "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out) and offline_resolution == ["3.10"]
    printed = capsys.readouterr().out
    assert "kl_divergence (after_due_date)" in printed and "vae_loss (hidden)" in printed


def test_scripts_are_valid_bash(tmp_path, bundle):
    """Do setup.sh and run_autograder parse as bash (bash -n)?"""
    for script in ("setup.sh", "run_autograder"):
        path = tmp_path / script
        path.write_text(_read(bundle, script), encoding="utf-8")
        subprocess.run(["bash", "-n", str(path)], check=True)


def test_missing_uv_is_a_one_line_error_saying_how_to_install_it(monkeypatch):
    """Without uv, does resolving say to pip install uv (not a traceback)?"""
    import builtins

    real_import = builtins.__import__

    def no_uv(name, *args, **kwargs):
        if name == "uv":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uv)
    monkeypatch.setattr(bundle_module.shutil, "which", lambda _: None)
    with pytest.raises(TpAeError, match="pip install uv"):
        resolve_requirements("3.10")


def _pypi_unreachable() -> str | None:
    """Why PyPI cannot be reached from here, or None when it can."""
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10).close()
    except OSError as err:
        return f"PyPI unreachable ({err}): the resolution needs the package index"
    return None


def test_requirements_resolve_for_python_310_with_hashes_and_pip_accepts_them(tmp_path):
    """Resolved for 3.10: is every package pinned with hashes, are the 3.10-only ones there,
    and does ``pip install --dry-run --python-version 3.10 --only-binary=:all:`` accept it?"""
    why = _pypi_unreachable()
    if why:
        pytest.skip(why)
    text = resolve_requirements("3.10")
    pins = {}
    for block in text.split("\n"):
        if "==" in block and not block.startswith(("#", " ")):
            name, version = block.split(" ")[0].split("==")
            pins[name] = version
    for package in ("tensorflow", "keras", "numpy", "matplotlib", "nbformat", "mlxtend"):
        assert package in pins
    assert "tomli" in pins  # needed by Python < 3.11 only: markers were evaluated for 3.10
    assert "ruff" not in pins and "uv" not in pins  # no dev-only tools
    hashes = text.count("--hash=sha256:")
    assert hashes >= len(pins)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(text, encoding="utf-8")
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(35, 16, -1)]
    # --target as well as --dry-run: pip before 22.2 takes --platform only with --target
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
    command += ["--target", str(tmp_path / "target")]
    command += ["--quiet", "--python-version", "3.10", "--only-binary=:all:"]
    command += [arg for p in [*platforms, "manylinux2014_x86_64"] for arg in ("--platform", p)]
    done = subprocess.run(
        [*command, "-r", str(requirements)], capture_output=True, text=True, timeout=600
    )
    errors = [line for line in done.stderr.splitlines() if not line.startswith("WARNING")]
    assert done.returncode == 0, "\n".join(errors)[-3000:]


# ---------------------------------------------------------------- the scripts, without installing


def _stub(path: Path, body: str) -> Path:
    """An executable shell script at ``path`` (its folder made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def _run_setup(
    tmp_path: Path,
    bundle: Path,
    *,
    version: str = "3.99",
    can_make_a_venv: bool = True,
    bwrap: bool = True,
    apt_status: int = 0,
) -> tuple:
    """setup.sh of ``bundle`` run with $TP_AE_PYTHON a stub python3 of ``version`` (that can
    make a venv or not, and fails at anything else), $TP_AE_VENV in ``tmp_path``, and a PATH of
    stubs only: apt-get (records its arguments, exits ``apt_status``), bwrap when ``bwrap``.
    (process, what apt-get was asked, what else the python was asked, the venv)."""
    root = _autograder_root(tmp_path, bundle, {})
    asked_apt, asked_python = tmp_path / "apt-get.log", tmp_path / "python.log"
    bin_dir = tmp_path / "bin"
    _stub(bin_dir / "apt-get", f'echo "$*" >> {asked_apt}\nexit {apt_status}\n')
    if bwrap:
        _stub(bin_dir / "bwrap", "exit 0\n")
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    python = _stub(
        tmp_path / "python" / "python3",
        f'case "$2" in\n'
        f"  *ensurepip*) exit {0 if can_make_a_venv else 1};;\n"
        f"  *version_info*) echo {version};;\n"
        f'  *) echo "$*" >> {asked_python}; exit 1;;\n'
        f"esac\n",
    )
    venv = tmp_path / "venv"
    env = {PYTHON_ENV: str(python), VENV_ENV: str(venv), SANDBOX_USER_ENV: "nobody"}
    env.update(PATH=str(bin_dir), HOME=str(tmp_path), LANG="C.UTF-8")
    done = subprocess.run(
        [shutil.which("bash"), str(root / "source" / "setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    read = lambda p: p.read_text(encoding="utf-8") if p.exists() else ""  # noqa: E731
    return done, read(asked_apt), read(asked_python), venv


def test_setup_refuses_a_python_of_another_version_before_installing(tmp_path, bundle):
    """Given (by $TP_AE_PYTHON) a python3 3.99 that can make a venv, does setup.sh stop with
    one line saying to rebuild for 3.99, before apt-get, venv or pip?"""
    done, apt, python, venv = _run_setup(tmp_path, bundle)
    assert done.returncode == 1
    assert "rebuild it with tp-ae gradescope-bundle --python 3.99" in done.stderr
    assert apt == "" and python == "" and not venv.exists()


def test_setup_calls_apt_get_only_for_a_python_that_cannot_make_a_venv(tmp_path, bundle):
    """When the python3 cannot make a venv, does setup.sh apt-get python3-venv first?"""
    done, apt, python, venv = _run_setup(tmp_path, bundle, can_make_a_venv=False)
    assert done.returncode == 1 and "--python 3.99" in done.stderr
    assert apt.splitlines()[0] == "update"
    assert "install" in apt and "python3-venv" in apt and "ca-certificates" in apt
    assert python == "" and not venv.exists()


def test_setup_installs_bubblewrap_when_missing_and_goes_on_without_it(tmp_path, bundle):
    """Without bwrap on PATH, does setup.sh (with the right python3) apt-get bubblewrap, and
    when that fails, say so and still go on to make the venv?"""
    done, apt, python, venv = _run_setup(
        tmp_path, bundle, version="3.10", bwrap=False, apt_status=100
    )
    assert apt.splitlines() == ["update"]  # && : install is not tried once update failed
    assert "bubblewrap not installed" in done.stderr
    assert python.startswith(f"-m venv {venv}")  # went on (the stub python then fails)
    assert done.returncode == 1


def test_setup_asks_apt_for_bubblewrap_only(tmp_path, bundle):
    """With a python3 that can make a venv but no bwrap, is bubblewrap all apt-get installs?"""
    done, apt, python, venv = _run_setup(tmp_path, bundle, version="3.10", bwrap=False)
    assert apt.splitlines() == ["update", "install -y --no-install-recommends bubblewrap"]
    assert "bubblewrap not installed" not in done.stderr


def test_run_autograder_grades_with_the_python_of_tp_ae_venv(tmp_path, bundle):
    """With $TP_AE_VENV naming a venv, does run_autograder run that venv's python3 (before
    the one on PATH), and still write results when it fails?"""
    asked = tmp_path / "asked.log"
    venv = tmp_path / "venv"
    _stub(venv / "bin" / "python3", f'echo "$*" > {asked}\nexit 3\n')
    root = _autograder_root(tmp_path, bundle, {"part2_vae.py": "x = 1\n"})
    results = _run_autograder(root, venv=venv)
    assert asked.read_text(encoding="utf-8").startswith(
        f"-m grader.gradescope.runner --root {root} --config {root / 'source' / 'course.toml'}"
    )
    _assert_failure_results(results, "the grader did not start")


def _grade_bench():
    """benchmarks/grade_bench.py as a module (benchmarks/ is no package)."""
    spec = importlib.util.spec_from_file_location(
        "grade_bench", PROJECT / "benchmarks" / "grade_bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("taskset") is None, reason="needs taskset (util-linux)")
def test_grade_bench_measures_a_bundle_run_and_reads_its_results(tmp_path, capsys):
    """Does ``grade_bench.py --memory --bundle ROOT`` run ROOT/source/run_autograder with
    AUTOGRADER_ROOT=ROOT on one CPU, report the score of the results.json it wrote, and refuse
    a run that wrote none (a stale results.json from before is not read)?"""
    bench = _grade_bench()
    root = tmp_path / "root"
    script = _stub(
        root / "source" / "run_autograder",
        'mkdir -p "$AUTOGRADER_ROOT/results"\n'
        'test "$(taskset -pc $$ | sed "s/.*: //")" = 0 || exit 9\n'
        'echo \'{"score": 17.5, "tests": [{"max_score": 20}, {"max_score": 1}]}\' '
        '> "$AUTOGRADER_ROOT/results/results.json"\n',
    )
    assert bench.main(["--memory", "--bundle", str(root)]) == 0
    printed = capsys.readouterr().out
    assert "results.json: score 17.5 / 21" in printed and "peak summed PSS" in printed
    _stub(script, "exit 0\n")  # writes nothing: the results.json of the first run is stale
    with pytest.raises(SystemExit, match="wrote no"):
        bench.bundle_run(root)


# ---------------------------------------------------------------- CPUs of a Docker container


def _cfs_folder(path: Path, quota: str, period: str = "100000") -> Path:
    """A cgroup v1 cpu controller folder with those cpu.cfs_quota_us / cpu.cfs_period_us."""
    path.mkdir(parents=True)
    (path / "cpu.cfs_quota_us").write_text(quota + "\n", encoding="ascii")
    (path / "cpu.cfs_period_us").write_text(period + "\n", encoding="ascii")
    return path


def test_half_a_cpu_of_cgroup_v1_quota_gives_one_question_at_a_time(tmp_path, monkeypatch):
    """In a Docker container on a cgroup v1 host (cfs quota 50000 of 100000 us, no cpu.max),
    is half a CPU seen, and does grading then run one question at a time on one thread?"""
    from grader import cpus, grading

    half = _cfs_folder(tmp_path / "cpu", "50000")
    no_v2 = tmp_path / "cpu.max"
    assert cpus.cfs_quota([tmp_path / "absent", half]) == 0.5
    assert cpus.available_cpus(no_v2, [half]) == 0.5
    monkeypatch.setattr(grading, "available_cpus", lambda: cpus.available_cpus(no_v2, (half,)))
    assert grading.default_parallelism() == (1, 1)


def test_unlimited_or_unreadable_cgroup_v1_quota_is_no_limit(tmp_path):
    """Is cfs quota -1 (unlimited), a garbled file or no folder no limit, and does a cgroup
    v2 cpu.max win over v1?"""
    from grader.cpus import available_cpus, cfs_quota

    assert cfs_quota([_cfs_folder(tmp_path / "a", "-1")]) is None
    assert cfs_quota([_cfs_folder(tmp_path / "b", "lots")]) is None
    assert cfs_quota([tmp_path / "absent"]) is None
    affinity = float(len(os.sched_getaffinity(0)))
    assert available_cpus(tmp_path / "none", [tmp_path / "a"]) == affinity
    v2 = tmp_path / "cpu.max"
    v2.write_text("25000 100000\n", encoding="ascii")
    assert available_cpus(v2, [_cfs_folder(tmp_path / "c", "50000")]) == 0.25


# ---------------------------------------------------------------- results whatever happens


def test_results_written_when_python_itself_is_broken(tmp_path, bundle):
    """With a python3 that dies at once, is there still a valid results.json saying so?"""
    root = _autograder_root(tmp_path, bundle, {"part2_vae.py": "x = 1\n"})
    broken = tmp_path / "broken-bin"
    broken.mkdir()
    (broken / "python3").write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    (broken / "python3").chmod(0o755)
    results = _run_autograder(root, path_first=broken)
    _assert_failure_results(results, "the grader did not start")


def test_results_written_when_there_is_no_submission(tmp_path, bundle):
    """With no submission folder at all, is the failure visible and its details hidden?"""
    root = _autograder_root(tmp_path, bundle, {})
    shutil.rmtree(root / "submission")
    results = _run_autograder(root)
    _assert_failure_results(results, "no submission folder")


def test_gradescope_results_hide_the_points_of_hidden_questions():
    """With questions hidden, does the page show the score of the tests shown only, say that
    more is graded, hide the log, and leave the instructor-only test out of the count?"""
    tests = [
        {"name": q, "score": 0.0, "max_score": 1.0, "visibility": VISIBILITY[q]}
        for q in QUESTION_IDS
    ]
    tests[0]["score"] = 1.0  # build_mlp_autoencoder, shown
    tests[3]["score"] = 1.0  # kl_divergence, hidden until the due date
    tests.append({"name": "grader internal error (instructor only)", "visibility": "hidden"})
    graded = {"score": 5.0, "output": "Score: 5 / 8\nCould not load: nothing", "tests": tests}
    out = gradescope_results(graded)
    assert out["stdout_visibility"] == "hidden" and out["score"] == 5.0
    assert "Score: 5" not in out["output"] and "Could not load: nothing" in out["output"]
    assert out["output"].startswith("Score on the questions shown: 1 / 6.")  # 6 tests shown
    assert "3 question(s) are graded but hidden" in out["output"]
    assert "instructor only" not in out["output"]


def test_gradescope_results_leave_a_fully_visible_page_alone():
    """With every question visible, is the output the grader's own (score line kept)?"""
    tests = [{"name": q, "score": 1.0, "max_score": 1.0, "visibility": "visible"} for q in "ab"]
    out = gradescope_results({"score": 2.0, "output": "Score: 2 / 2", "tests": tests})
    assert out["output"] == "Score: 2 / 2" and out["stdout_visibility"] == "hidden"


def test_leftover_processes_of_the_sandbox_user_are_killed(monkeypatch):
    """Does end_processes_of kill a process running as that user (found through /proc)?"""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("only root can start a process as another user")
    import pwd

    try:
        user = pwd.getpwuid(65534)
    except KeyError:
        pytest.skip("no user 'nobody' (uid 65534) on this machine")

    def as_nobody():
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    sleeper = subprocess.Popen(["sleep", "60"], preexec_fn=as_nobody)
    try:
        # only our own sleeper is visible to it: other processes of that user are not ours
        alive = lambda: [sleeper.pid] if sleeper.poll() is None else []  # noqa: E731
        monkeypatch.setattr(runner, "_pids", alive)
        assert runner._uids(sleeper.pid) >= {user.pw_uid}
        assert runner.end_processes_of(user.pw_name) == 1
        assert sleeper.wait(timeout=10) == -9
    finally:
        if sleeper.poll() is None:
            sleeper.kill()


def test_root_processes_are_never_killed():
    """Is asking to kill root's processes refused?"""
    with pytest.raises(ValueError):
        runner.end_processes_of("root")


# ---------------------------------------------------------------- real grading


@pytest.mark.slow
def test_solutions_get_full_marks_with_the_configured_visibility(tmp_path, course_bundle):
    """Do solutions/ score every point (bonus included) with course.toml's visibility per test?"""
    files = {p.name: p for p in sorted(SOLUTIONS.glob("part*.py"))}
    assert set(files) == {"part1_autoencoders.py", "part2_vae.py"}
    results = _run_autograder(_autograder_root(tmp_path, course_bundle, files))
    tests = _tests(results)
    points = {**DEFAULT_POINTS, "kl_divergence": 4}
    assert {q: tests[q]["score"] for q in QUESTION_IDS} == {q: float(points[q]) for q in points}
    assert results["score"] == sum(points.values())  # 21 + 1 (KL's 4th point) + 1 bonus
    assert {q: tests[q]["visibility"] for q in QUESTION_IDS} == VISIBILITY
    assert [t for t in results["tests"] if t["name"] not in QUESTION_IDS] == []
    assert results["stdout_visibility"] == "hidden"
    assert "3 question(s) are graded but hidden" in results["output"]


@pytest.mark.slow
def test_syntax_errors_give_valid_results_with_zero(tmp_path, bundle):
    """Do two files that do not parse give a results.json of zeros naming the error, not a crash?"""
    broken = "def kl_divergence(z_mean, z_log_var)\n    return 0\n"
    files = {"part1_autoencoders.py": "import keras\ndef add_noise(x:\n", "part2_vae.py": broken}
    results = _run_autograder(_autograder_root(tmp_path, bundle, files))
    tests = _tests(results)
    assert results["score"] == 0
    assert [t for t in QUESTION_IDS if tests[t]["score"] != 0] == []
    assert [t for t in results["tests"] if t["name"] not in QUESTION_IDS] == []  # no failure
    assert "syntax error" in results["output"].lower()
    assert all(tests[q]["visibility"] == "visible" for q in QUESTION_IDS)


@pytest.mark.slow
def test_time_limit_gives_failure_results_not_a_hang(tmp_path):
    """Past its time limit, does the runner stop grading and still write results.json?"""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    shutil.copy(SOLUTIONS / "part2_vae.py", root / "submission")
    target = runner.run(root, time_limit=0.5, sandbox_user=None)
    _assert_failure_results(json.loads(target.read_text(encoding="utf-8")), "longer than 0.5 s")


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can switch users"
)
def test_student_code_runs_as_the_sandbox_user(tmp_path, bundle):
    """Run as root with a sandbox user, does the student's add_noise see a non-root uid?"""
    import pwd

    try:
        user = pwd.getpwuid(65534).pw_name  # nobody: no login, owns no files
    except KeyError:
        pytest.skip("no user 'nobody' (uid 65534) on this machine")
    files = {"part1_autoencoders.py": ADD_NOISE_UNLESS_ROOT}
    results = _run_autograder(_autograder_root(tmp_path, bundle, files), user=user)
    assert _tests(results)["add_noise"]["score"] == DEFAULT_POINTS["add_noise"]
