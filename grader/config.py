"""Course settings: points, bonus, timeout, memory cap and Gradescope visibility per question.

Defaults are the TP specification's points table (``build_conv_vae`` is a 1-point bonus: its
points are added to ``score`` but not to ``max_score``). An instructor overrides them in one TOML
file passed as ``tp-ae grade --config course.toml`` (read with ``tomllib``; on Python 3.10 the
``tomli`` package, the same parser, is used instead)::

    # course.toml: every key is optional; unknown tables or keys are an error naming them.
    [defaults]                  # applies to every question unless its own table says otherwise
    timeout_seconds = 60        # wall-clock limit for one question's checks (student code included)
    memory_mb = 2048            # memory the checked code may use on top of the grader's own
    visibility = "visible"      # Gradescope: visible | after_due_date | after_published | hidden

    [questions.kl_divergence]
    points = 4                  # points for a fully correct answer (>= 0)

    [questions.build_conv_vae]
    points = 2
    bonus = true                # counts in score, not in max_score
    visibility = "after_due_date"

A written question's table (``[questions.written_2_1]``) takes ``points`` and ``rubric`` (text
shown on its review page). A top-level ``checks = "course_checks"`` (a folder, or a list,
relative to the file) adds the course's own pytest checks (see :mod:`grader.pytest_plugin`). A
question table takes ``points``, ``bonus``, ``timeout_seconds``, ``memory_mb`` and
``visibility``; ``[defaults]`` takes the last three. ``tp-ae check`` does not run the questions
whose visibility is not ``visible`` and says so.

A ``[release]`` table takes ``url``: what students ``pip install`` (an address or a path), which
``tp-ae release`` writes into the handout's set-up and the notebooks' first cell (without it,
the release folder's path; ``tp-ae release --address`` overrides it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tp_ae.errors import TpAeError
from tp_ae.questions import (
    CODE_QUESTIONS,
    QUESTION_IDS,
    VISIBILITIES,
    WRITTEN_IDS,
    WRITTEN_QUESTIONS,
    question,
)

QUESTION_PART: dict[str, str] = {q.id: q.part for q in CODE_QUESTIONS}  # id -> file stem
DEFAULT_POINTS: dict[str, float] = {q.id: float(q.points_possible) for q in CODE_QUESTIONS}

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 2048

_DEFAULTS_KEYS = ("timeout_seconds", "memory_mb", "visibility")
_QUESTION_KEYS = ("points", "bonus", *_DEFAULTS_KEYS)
_TOP_LEVEL_KEYS = ("defaults", "questions", "checks", "release")
_RELEASE_KEYS = ("url",)
_FIELDS = {"points": "points_possible"}  # TOML key -> QuestionConfig field, where they differ


@dataclass(frozen=True)
class QuestionConfig:
    """How one question is graded."""

    points_possible: float  # points for a fully correct answer (TOML key: points)
    bonus: bool  # True: counts in score but not in max_score
    timeout_seconds: float  # wall-clock limit for the question's checks
    memory_mb: int  # memory cap for the checked code, on top of the grader process's own
    visibility: str  # Gradescope visibility: one of VISIBILITIES


@dataclass(frozen=True)
class WrittenSettings:
    """How a written question is marked by hand: its points and the rubric markers see."""

    points_possible: float
    rubric: str = ""


def default_written() -> dict[str, WrittenSettings]:
    """The question table's points for every written question, and grader.written's rubric."""
    from grader.written import DEFAULT_RUBRICS  # here: grader.written imports this module

    return {
        q.id: WrittenSettings(float(q.points_possible), DEFAULT_RUBRICS.get(q.id, ""))
        for q in WRITTEN_QUESTIONS
    }


@dataclass(frozen=True)
class CourseConfig:
    """Per-question settings for every id in QUESTION_IDS, and the file they came from."""

    questions: Mapping[str, QuestionConfig]
    source: Path | None = None  # the TOML file read, None for the defaults
    checks: tuple[Path, ...] = ()  # folders of the course's own pytest checks
    written: Mapping[str, WrittenSettings] = field(default_factory=lambda: default_written())
    release_url: str | None = None  # [release] url: what students pip install

    def __getitem__(self, question_id: str) -> QuestionConfig:
        return self.questions[question_id]

    @property
    def max_score(self) -> float:
        """Sum of the points of the questions that are not bonus."""
        return float(sum(q.points_possible for q in self.questions.values() if not q.bonus))

    def hidden_questions(self) -> list[str]:
        """Question ids whose visibility is not ``visible``, in TP order."""
        return [qid for qid in QUESTION_IDS if self.questions[qid].visibility != "visible"]


def default_config() -> CourseConfig:
    """The TP specification's points table; bonus build_conv_vae; everything visible."""
    return CourseConfig(
        {
            qid: QuestionConfig(
                points_possible=DEFAULT_POINTS[qid],
                bonus=question(qid).bonus,
                timeout_seconds=DEFAULT_TIMEOUT_SECONDS,
                memory_mb=DEFAULT_MEMORY_MB,
                visibility=question(qid).visibility,
            )
            for qid in QUESTION_IDS
        }
    )


def load_config(path: Path | None) -> CourseConfig:
    """Read a course TOML file (format in the module docstring); None gives the defaults.

    Raises TpAeError (one line naming the file and the bad table, key or value).
    """
    if path is None:
        return default_config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TpAeError(f"{path}: cannot read the course config ({err.strerror})") from None
    toml = _toml_module()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as err:
        raise TpAeError(f"{path}: not valid TOML: {err}") from None
    return config_from_mapping(data, path)


def config_from_mapping(data: Mapping[str, object], source: Path | None = None) -> CourseConfig:
    """Build a CourseConfig from already-parsed TOML data (the same rules as load_config)."""
    where = f"{source}: " if source else ""
    _reject_unknown(data, _TOP_LEVEL_KEYS, f"{where}unknown table [{{key}}]")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise TpAeError(f"{where}[defaults] must be a table")
    _reject_unknown(defaults, _DEFAULTS_KEYS, f"{where}unknown key '{{key}}' in [defaults]")
    questions = data.get("questions", {})
    if not isinstance(questions, Mapping):
        raise TpAeError(f"{where}[questions] must hold one table per question id")
    _reject_unknown(
        questions,
        (*QUESTION_IDS, *WRITTEN_IDS),
        f"{where}unknown question id '{{key}}' in [questions]",
    )

    for key, value in defaults.items():
        _validate(key, value, f"{where}[defaults]")
    base = default_config()
    settings: dict[str, QuestionConfig] = {}
    for qid in QUESTION_IDS:
        table = questions.get(qid, {})
        if not isinstance(table, Mapping):
            raise TpAeError(f"{where}[questions.{qid}] must be a table")
        _reject_unknown(table, _QUESTION_KEYS, f"{where}unknown key '{{key}}' in [questions.{qid}]")
        merged = {**defaults, **table}
        values = {
            _FIELDS.get(key, key): _validate(key, merged[key], f"{where}[questions.{qid}]")
            for key in merged
        }
        settings[qid] = replace(base[qid], **values)
    written = {
        qid: _written(questions.get(qid, {}), f"{where}[questions.{qid}]", qid)
        for qid in WRITTEN_IDS
    }
    return CourseConfig(
        settings,
        source,
        _checks(data.get("checks", []), source, where),
        written,
        _release_url(data.get("release", {}), where),
    )


def _release_url(table: object, where: str) -> str | None:
    """``[release] url``: a non-empty text (an address or a path), or None when absent."""
    if not isinstance(table, Mapping):
        raise TpAeError(f"{where}[release] must be a table")
    _reject_unknown(table, _RELEASE_KEYS, f"{where}unknown key '{{key}}' in [release]")
    url = table.get("url")
    if url is not None and (not isinstance(url, str) or not url.strip()):
        raise TpAeError(f"{where}[release] url = {url!r}: expected the address students install")
    return url.strip() if url else None


def _written(table: object, where: str, qid: str) -> WrittenSettings:
    """A written question's table: ``points`` (>= 0) and ``rubric`` (text)."""
    if not isinstance(table, Mapping):
        raise TpAeError(f"{where} must be a table")
    _reject_unknown(table, ("points", "rubric"), f"{where}: unknown key '{{key}}'")
    points = table.get("points", default_written()[qid].points_possible)
    points = _validate("points", points, where)
    rubric = table.get("rubric", default_written()[qid].rubric)
    if not isinstance(rubric, str):
        raise TpAeError(f"{where} rubric = {rubric!r}: expected text")
    return WrittenSettings(float(points), rubric)


def with_course_checks(config: CourseConfig, folders: Iterable[Path]) -> CourseConfig:
    """``config`` with more check folders (``--checks DIR``); a folder that is not one is a
    one-line error."""
    extra = []
    for folder in folders:
        if not Path(folder).is_dir():
            raise TpAeError(f"--checks {folder}: not a folder of pytest check files")
        extra.append(Path(folder).resolve())
    return replace(config, checks=(*config.checks, *extra))


def _checks(value: object, source: Path | None, where: str) -> tuple[Path, ...]:
    """``checks = "dir"`` or a list of folders, relative to the course file."""
    folders = [value] if isinstance(value, str) else value
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        raise TpAeError(f"{where}checks = {value!r}: expected a folder or a list of folders")
    base = source.parent if source else Path.cwd()
    found = []
    for folder in folders:
        path = (base / folder).resolve()
        if not path.is_dir():
            raise TpAeError(f"{where}checks: {path} is not a folder of pytest check files")
        found.append(path)
    return tuple(found)


def _reject_unknown(table: Mapping[str, object], allowed: tuple[str, ...], message: str) -> None:
    for key in table:
        if key not in allowed:
            raise TpAeError(message.format(key=key) + f" (allowed: {', '.join(allowed)})")


def _validate(key: str, value: object, where: str) -> object:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if key == "points" and number and value >= 0:
        return float(value)
    if key == "bonus" and isinstance(value, bool):
        return value
    if key == "timeout_seconds" and number and value > 0:
        return float(value)
    if key == "memory_mb" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if key == "visibility" and value in VISIBILITIES:
        return value
    wanted = {
        "points": "a number >= 0",
        "bonus": "true or false",
        "timeout_seconds": "a number of seconds > 0",
        "memory_mb": "a whole number of MB > 0",
        "visibility": "one of " + ", ".join(f'"{v}"' for v in VISIBILITIES),
    }[key]
    raise TpAeError(f"{where} {key} = {value!r}: expected {wanted}")


def _toml_module():
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # Python 3.10: the same parser, published as tomli
        import tomli
    except ModuleNotFoundError:
        raise TpAeError(
            "reading course.toml on Python 3.10 needs the 'tomli' package: pip install tomli"
        ) from None
    return tomli
