"""The release's handout and notebooks: post-processing of the generated ``exercises/``.

``exercises/README.md`` (the source) and its generator (``tp_ae/exercises/``) are not changed:
the release's copy gets a set-up section that installs the release, question titles and a
points table with the course's points and visibility (course.toml), and no note for
instructors. Each notebook gets a first code cell that installs the release where ``tp_ae`` is
missing (Colab: no kernel restart needed).
"""

from __future__ import annotations

import re

import nbformat

from grader.config import CourseConfig, QuestionConfig
from tp_ae.questions import CODE_QUESTIONS, WRITTEN_QUESTIONS

SETUP_TITLE = "## Set-up"


def setup_section(address: str) -> str:
    """The release's set-up section; ``address``: what ``pip install`` is given."""
    return f"""{SETUP_TITLE}

You need Python 3.10 or newer. Install the course package (the helpers and `tp-ae check`),
then work in this folder:

```bash
python3 -m venv .venv && . .venv/bin/activate     # Windows: .venv\\Scripts\\activate
pip install "{address}"
pip install notebook             # only if you want to work in the notebooks
```

On Colab, or in a notebook opened anywhere else, the first code cell of each notebook installs
it for you. `tp-ae check .` checks your answers; `tp-ae train-mine part2_vae.py --epochs 3`
trains your models and saves their figures (the same as `python part2_vae.py --epochs 3`).

No GPU is needed: every model here trains in seconds to a few minutes on a laptop CPU.

"""


def install_cell(address: str) -> str:
    return (
        "# Installs the course package where it is missing (Colab, a fresh kernel);\n"
        "# nothing to do when you installed it yourself. No restart needed.\n"
        "import importlib, importlib.util, subprocess, sys\n"
        "\n"
        'if importlib.util.find_spec("tp_ae") is None:\n'
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", {address!r}], '
        "check=True)\n"
        "    importlib.invalidate_caches()\n"
    )


def release_handout(text: str, config: CourseConfig, address: str) -> str:
    """The release's README.md from the generated one."""
    text = _replace_section(text, SETUP_TITLE, setup_section(address))
    text = _titles(text, config)
    text = re.sub(
        r"^Default points \(your instructor may change them\):.*?"
        r"(?=A\s+function\s+that\s+is\s+missing)",
        points_table(config) + "\n",
        text,
        flags=re.S | re.M,
    )
    text = re.sub(r"\n---\n\n<small>For instructors:.*?</small>\n?", "\n", text, flags=re.S)
    return text


def points_table(config: CourseConfig) -> str:
    """Markdown table of the questions: points, bonus, whether tp-ae check covers it (the
    written ones are marked by hand)."""
    hidden = set(config.hidden_questions())
    lines = ["Points of this course:", "", "| question | points | checked by `tp-ae check` |"]
    lines.append("| --- | ---: | --- |")
    for q in CODE_QUESTIONS:
        qc = config[q.id]
        points = f"{_points(qc):g}" + (" (bonus, outside the maximum)" if qc.bonus else "")
        shown = "no: graded after hand-in" if q.id in hidden else "yes"
        lines.append(f"| {q.handout} `{q.id}` | {points} | {shown} |")
    for q in WRITTEN_QUESTIONS:
        points = config.written[q.id].points_possible
        lines.append(f"| {q.handout} `{q.id}` (written) | {points:g} | no: marked by hand |")
    total = sum(_points(config[q.id]) for q in CODE_QUESTIONS if not config[q.id].bonus)
    written = sum(config.written[q.id].points_possible for q in WRITTEN_QUESTIONS)
    lines += ["", f"Maximum: {total:g} points for the code, {written:g} for the written answers "
              "(marked by hand).", ""]  # fmt: skip
    return "\n".join(lines)


def _points(qc: QuestionConfig) -> float:
    """A question's full marks in the course."""
    return float(qc.points_possible)


def _titles(text: str, config: CourseConfig) -> str:
    """``### Question 1.1 · `id` (3 points)`` with the course's points."""
    for q in CODE_QUESTIONS:
        qc = config[q.id]
        label = f"bonus, {_points(qc):g} point" if qc.bonus else f"{_points(qc):g} points"
        if _points(qc) == 1 and not qc.bonus:
            label = "1 point"
        if q.id in config.hidden_questions():
            label += "; not in the self-check"
        pattern = rf"^(### Question {re.escape(q.handout)} · `{q.id}`) \([^)]*\)"
        text = re.sub(pattern, rf"\1 ({label})", text, flags=re.M)
    for q in WRITTEN_QUESTIONS:
        points = config.written[q.id].points_possible
        label = f"written, {points:g} point" + ("" if points == 1 else "s")
        pattern = rf"^(### Question {re.escape(q.handout)} · [^\n]*) \(written\)$"
        text = re.sub(pattern, lambda m, label=label: f"{m.group(1)} ({label})", text, flags=re.M)
    return text


def _replace_section(text: str, title: str, new: str) -> str:
    """Replace the section that starts with ``title`` up to the next ``## `` heading."""
    start = text.find(title + "\n")
    if start < 0:
        return text
    end = text.find("\n## ", start + len(title))
    end = len(text) if end < 0 else end + 1
    return text[:start] + new + text[end:]


def release_notebook(text: str, address: str) -> str:
    """A notebook with the install cell first among its code cells."""
    notebook = nbformat.reads(text, as_version=4)
    first_code = next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code"), 0)
    notebook.cells.insert(first_code, nbformat.v4.new_code_cell(install_cell(address)))
    return nbformat.writes(notebook)


__all__ = ["points_table", "release_handout", "release_notebook"]
