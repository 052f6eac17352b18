"""The grader as a pytest plugin: each question's checks are pytest tests.

A check file is ``grader/checks/test_<question_id>.py`` (or any ``test_*.py`` of a course's
``--checks DIR``). It names its question once, and each test is one check::

    pytestmark = pytest.mark.question("kl_divergence")

    @pytest.mark.weight(0.2)                       # share of the question's points
    @pytest.mark.hint("sum over the latent axis")  # shown when the check fails
    def test_one_value_per_sample(answer, inputs):
        \"\"\"returns one value per sample, shape (N,)\"\"\"
        got = answer.array("random")
        assert got is not None and got.shape == (16,), f"got {got.shape}, expected (16,)"

Tests run in the trusted parent, on plain values: ``answer`` is the :class:`Observations` the
sandboxed child collected from the student's function (``grader.checks.<id>.collect``), and
``inputs`` the seeded inputs it was called on. A failed ``assert`` loses the check's weight; its
message is the "got ..., expected ..." the student reads. ``raise Partial(f, msg)`` earns the
fraction ``f``; the ``hint`` fixture sets a hint from what the test found (a known mistake).

A course check may grade a new column from an existing question's observations::

    pytestmark = pytest.mark.question("kl_is_nonnegative", points=1, uses="kl_divergence")

Two ways in: ``tp-ae grade``/``tp-ae check`` call :func:`run_checks` with a :class:`CheckSession`
over every submission of a child (one pytest session per batch; each case waits for its
observations and each result is handed over as soon as its checks ran);
``python -m pytest --pyargs grader.checks --submission PATH`` grades a submission directly (the
child runs first) and exits 0 only when every check passes. No TensorFlow is imported here.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.results import CheckResult

CHECKS_PACKAGE = "grader.checks"


class Partial(AssertionError):
    """A check earned part of its weight: ``fraction`` in [0, 1], and why not all of it."""

    def __init__(self, fraction: float, message: str = "", hint: str = ""):
        super().__init__(message)
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.message = message
        self.hint = hint


def settle(parts: Sequence[float], messages: Iterable[str], hints: Iterable[str] = ()) -> None:
    """The end of a check made of equal parts (one per build, image, model...), each in [0, 1]:
    nothing when all are whole, else ``Partial`` with their mean, the non-empty messages and
    the distinct non-empty hints, each joined by "; "."""
    fraction = float(np.mean(parts))
    if fraction < 1:
        shown = "; ".join(m for m in messages if m)
        raise Partial(fraction, shown, "; ".join(dict.fromkeys(h for h in hints if h)))


@dataclass
class Case:
    """One question of one submission to check: its inputs and what the child observed.

    ``error`` is set when the question could not run (missing, timeout...): every check of
    the case then fails with it (only in direct ``--submission`` runs). A case made before its
    question has run carries ``arrived`` (set by :meth:`arrive`, from the thread that runs the
    child): its checks wait for it, and are skipped when ``skip`` says the question needs no
    checks (its result was settled without them). ``source`` is the case a course check's view
    reads (a custom question reads another one's answer)."""

    submission: str
    question_id: str
    inputs: Mapping[str, Any]
    answer: Any = None  # grader.observations.Observations
    error: str = ""
    skip: str = ""
    arrived: threading.Event | None = None
    source: Case | None = None

    @classmethod
    def awaited(cls, submission: str, question_id: str, inputs: Mapping[str, Any]) -> Case:
        """A case whose observations come later, through :meth:`arrive`."""
        return cls(submission, question_id, inputs, arrived=threading.Event())

    def arrive(self, answer: Any = None, *, skip: str = "") -> None:
        """The observations are in (or, with ``skip``, the question needs no checks)."""
        self.answer, self.skip = answer, skip
        if self.arrived is not None:
            self.arrived.set()

    @property
    def real(self) -> Case:
        return self.source or self


@dataclass(frozen=True)
class CustomQuestion:
    """A question a course added through ``--checks``: its points, and whose answer it reads."""

    id: str
    points: float
    uses: str


@dataclass
class _Recorder:
    """Collects, per (submission, question id), the CheckResults of the tests that ran."""

    results: dict[tuple[str, str], list[CheckResult]] = field(default_factory=dict)
    crashes: dict[tuple[str, str], str] = field(default_factory=dict)  # grader bugs


class Hint:
    """The ``hint`` fixture: a test sets ``hint.text`` when it can name the mistake."""

    def __init__(self, text: str = ""):
        self.text = text

    def __call__(self, text: str) -> None:
        self.text = text


class CheckSession:
    """The plugin object: hands the cases to the tests and records their outcomes.

    A batch is one session: its items run submission by submission, in the cases' order. With
    ``on_done``, the session calls ``on_done(submission)`` as soon as every check of that
    submission has run and ``ready(submission)`` says all its questions are back from the
    child, so results are written while the next submissions are still running; waiting for a
    case that has not arrived, it keeps handing over the submissions that are done."""

    def __init__(
        self,
        cases: Sequence[Case],
        *,
        on_done: Callable[[str], None] | None = None,
        ready: Callable[[str], bool] | None = None,
    ):
        self.cases = list(cases)
        self.recorder = _Recorder()
        self.custom: dict[str, CustomQuestion] = {}
        self.order = list(dict.fromkeys(c.submission for c in self.cases))
        self.on_done, self.ready = on_done, ready
        self._left: dict[str, int] = {}  # checks not yet run, per submission
        self._handed: set[str] = set()
        self.interrupted = False  # Ctrl-C while the checks ran
        self.handover_error: Exception | None = None  # on_done failed (e.g. a full disk)
        self._session: pytest.Session | None = None
        self.collect_errors: list[str] = []  # check files that could not be imported

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._session = session

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        # pytest stops a session (collection errors, shouldstop) by an "Interrupted" of its own
        if not excinfo.errisinstance(pytest.Session.Interrupted):
            self.interrupted = True

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    # -- collection ---------------------------------------------------------------------------

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" not in metafunc.fixturenames:
            return
        marker = metafunc.definition.get_closest_marker("question")
        if marker is None:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: a check needs pytest.mark.question('<id>')"
            )
        qid, uses = _question_of(marker)
        if marker.kwargs.get("points") is not None:
            self.custom[qid] = CustomQuestion(qid, float(marker.kwargs["points"]), uses)
        cases = [_as(c, qid) for c in self.cases if c.question_id in (qid, uses)]
        cases = [c for c in cases if c is not None]
        metafunc.parametrize("case", cases, ids=[c.submission for c in cases])

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Submission by submission (stable: each file's order kept within a submission)."""
        rank = {name: i for i, name in enumerate(self.order)}
        items.sort(key=lambda item: rank.get(_submission_of(item), -1))
        for item in items:
            name = _submission_of(item)
            if name is not None:
                self._left[name] = self._left.get(name, 0) + 1

    # -- running ------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        case = _case_of(item)
        if case is None:
            return
        real = case.real
        while real.arrived is not None and not real.arrived.wait(0.25):
            self.hand_over()  # results of the submissions already done, while this one runs
        if real.skip:
            pytest.skip(real.skip)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem):
        yield
        name = _submission_of(item)
        if name is not None:
            self._left[name] -= 1
        self.hand_over()

    def pytest_sessionfinish(self) -> None:
        self.hand_over()

    def hand_over(self) -> None:
        """``on_done`` for every submission, in order, whose checks have all run and whose
        questions are all back. When ``on_done`` fails (writing the results), the session stops
        and :func:`run_checks` raises that error: nothing more is graded without being kept."""
        if self.on_done is None or self.handover_error is not None:
            return
        for name in self.order:
            if name in self._handed or self._left.get(name, 0) > 0:
                continue
            if self.ready is not None and not self.ready(name):
                continue
            self._handed.add(name)
            try:
                self.on_done(name)
            except Exception as err:  # noqa: BLE001 - raised again by run_checks
                self.handover_error = err
                if self._session is not None:
                    self._session.shouldstop = f"handing over {name} failed: {err}"
                return

    def results_of(self, submission: str, question_id: str) -> tuple[list[CheckResult], str]:
        """(the CheckResults, a crash text or "") of one question, forgotten once taken."""
        key = (submission, question_id)
        return self.recorder.results.pop(key, []), self.recorder.crashes.pop(key, "")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        case = _case_of(item)
        if case is None or call.when not in ("setup", "call"):
            return
        report = outcome.get_result()
        if report.skipped or (call.when == "setup" and report.passed):
            return
        key = (case.submission, case.question_id)
        if call.excinfo is not None and not call.excinfo.errisinstance(AssertionError):
            if call.when == "call" or not call.excinfo.errisinstance(pytest.fail.Exception):
                self.recorder.crashes.setdefault(key, f"{item.nodeid}: {report.longreprtext}")
                return
        found = self.recorder.results.setdefault(key, [])
        several = getattr(item, "check_results", None)  # a test that scores several checks
        found.extend(several if several is not None else [_check_result(item, call)])


def _case_of(item: pytest.Item) -> Case | None:
    case = getattr(item, "callspec", None) and item.callspec.params.get("case")
    return case if isinstance(case, Case) else None


def _submission_of(item: pytest.Item) -> str | None:
    case = _case_of(item)
    return case.submission if case is not None else None


def _question_of(marker) -> tuple[str, str]:
    qid = marker.args[0] if marker.args else marker.kwargs.get("id")
    if not isinstance(qid, str):
        raise pytest.UsageError("pytest.mark.question needs the question id as a string")
    return qid, str(marker.kwargs.get("uses") or qid)


def _as(case: Case, qid: str) -> Case | None:
    """The case seen by a test of ``qid`` (a custom question reads another one's answer)."""
    if case.question_id == qid:
        return case
    return Case(case.submission, qid, case.inputs, source=case)


def _check_result(item: pytest.Item, call: pytest.CallInfo) -> CheckResult:
    weight_marker = item.get_closest_marker("weight")
    weight = float(weight_marker.args[0]) if weight_marker else 1.0
    doc = (getattr(item, "obj", None).__doc__ or "").strip().splitlines()
    name = doc[0].strip() if doc else item.originalname.removeprefix("test_").replace("_", " ")
    hint_marker = item.get_closest_marker("hint")
    found = item.funcargs.get("hint") if hasattr(item, "funcargs") else None
    hint = (found.text if isinstance(found, Hint) else "") or (
        hint_marker.args[0] if hint_marker else ""
    )
    if call.excinfo is None:
        return CheckResult(name, weight, 1.0)
    error = call.excinfo.value
    if isinstance(error, Partial):
        return CheckResult(name, weight, error.fraction, error.message, error.hint or hint)
    return CheckResult(name, weight, 0.0, _assertion_text(error), hint)


def _assertion_text(error: BaseException) -> str:
    """The test's own message ("got ..., expected ..."), without pytest's explanation."""
    text = str(error.args[0]) if error.args else ""
    return text.split("\nassert ")[0].strip()


# -- fixtures (registered when the plugin is loaded) -------------------------------------------


@pytest.fixture
def answer(case: Case):
    """The plain values the sandboxed child observed for this question."""
    if case.real.error:
        pytest.fail(case.real.error, pytrace=False)
    return case.real.answer


@pytest.fixture
def inputs(case: Case) -> Mapping[str, Any]:
    """The seeded inputs the student's function was called on."""
    return case.real.inputs


@pytest.fixture
def reference(case: Case):
    """The grader's own side of the question the test reads: its check module
    (``grader.checks.<id>``, NumPy formulas such as ``expected_kl``), in this trusted process."""
    from grader.checks import check_module

    return check_module(case.real.question_id)


@pytest.fixture
def case() -> Case:
    """Replaced by the submissions' cases; without any, the checks are skipped."""
    pytest.skip("no submission to check: give --submission PATH")


@pytest.fixture
def record(request: pytest.FixtureRequest):
    """``record(check_results)``: a test that scores several checks at once hands them over."""

    def keep(results: Iterable[CheckResult]) -> None:
        request.node.check_results = list(results)

    return keep


@pytest.fixture
def hint() -> Hint:
    """Call ``hint("...")`` to name the mistake a failing check found."""
    return Hint()


# -- hooks of the plugin module itself -----------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tp-ae", "tp-ae grader")
    group.addoption(
        "--submission",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="grade this submission (.py, .ipynb, folder or zip) with the checks collected",
    )
    group.addoption("--course-config", type=Path, metavar="TOML", help="course settings")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "question(id, points=None, uses=None): a check's question")
    config.addinivalue_line("markers", "weight(w): the check's share of its question's points")
    config.addinivalue_line("markers", "hint(text): what to change when the check fails")
    paths = config.getoption("submission", default=[])
    if paths and not config.pluginmanager.has_plugin("tp-ae-checks"):
        config.pluginmanager.register(
            CheckSession(_direct_cases(paths, config.getoption("course_config"))), "tp-ae-checks"
        )


def _direct_cases(paths: Iterable[Path], config_path: Path | None) -> list[Case]:
    """Run the sandboxed child on every submission and question; one Case each."""
    from grader.config import load_config
    from grader.grading import observe_submissions

    course = load_config(config_path)
    named = {Path(p).stem or str(p): Path(p) for p in paths}
    return observe_submissions(named, course)


def custom_questions(folders: Iterable[Path]) -> list[CustomQuestion]:
    """The questions a course's check files declare with ``points=`` (read, not imported),
    in file order: ``pytestmark = pytest.mark.question("id", points=1, uses="kl_divergence")``."""
    import ast

    found: dict[str, CustomQuestion] = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("test_*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("question")):
                    continue
                kwargs = {k.arg: k.value for k in node.keywords}
                if not node.args or "points" not in kwargs:
                    continue
                try:
                    qid = ast.literal_eval(node.args[0])
                    points = float(ast.literal_eval(kwargs["points"]))
                    uses = ast.literal_eval(kwargs["uses"]) if "uses" in kwargs else qid
                except (ValueError, TypeError, SyntaxError):
                    raise ValueError(f"{path}: pytest.mark.question needs literal values") from None
                found.setdefault(qid, CustomQuestion(qid, points, uses))
    return list(found.values())


def run_checks(
    cases: Sequence[Case] | CheckSession, extra_dirs: Sequence[Path] = ()
) -> CheckSession:
    """Run every check of the cases' questions in one quiet pytest session (a batch: all its
    submissions are parameters of the same tests); the returned session's ``recorder`` holds
    the CheckResults per (submission, question id). Pass a :class:`CheckSession` to have its
    ``on_done`` called per submission as the session goes."""
    if sys.flags.optimize:  # python -O strips assert statements: every check would pass
        raise RuntimeError("the checks cannot run under python -O (it removes their asserts)")
    session = cases if isinstance(cases, CheckSession) else CheckSession(cases)
    package = Path(importlib.util.find_spec(CHECKS_PACKAGE).origin).parent
    wanted = {c.question_id for c in session.cases}
    files = [str(package / f"test_{qid}.py") for qid in sorted(wanted)]
    files = [f for f in files if Path(f).exists()] + [str(d) for d in extra_dirs]
    args = [
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:tp_ae_grader",  # the entry point's copy: this module is passed as a plugin below
        "--import-mode=importlib",  # a course's test_x.py may share a name with ours
        "--rootdir",
        str(package),
        "-c",
        str(package / "pytest.ini"),
        *files,
    ]
    plugins = [session, sys.modules[__name__]]  # this module's fixtures and hooks
    status = pytest.main(args, plugins=plugins)
    if session.interrupted:
        raise KeyboardInterrupt
    if session.handover_error is not None:
        raise session.handover_error
    if session.collect_errors:
        raise RuntimeError("the checks could not be collected: " + session.collect_errors[0])
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise RuntimeError(f"the checks could not run (pytest exit status {int(status)})")
    return session
