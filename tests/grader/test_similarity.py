"""grader/similarity.py: normalised code similarity per question, pairs and the reference."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.config import QUESTION_IDS
from grader.similarity import (
    COLUMNS,
    MIN_TOKENS,
    REFERENCE,
    Answer,
    answer_of,
    jaccard_matrix,
    reference_sources,
    scaffolds,
    similarity_rows,
    write_similarity,
)

KL = '''
def kl_divergence(z_mean, z_log_var):
    """Per-sample KL."""
    var = ops.exp(z_log_var)
    terms = var + ops.square(z_mean) - 1.0 - z_log_var
    return 0.5 * ops.sum(terms, axis=-1)
'''

# KL with every local renamed, comments, another docstring, other formatting and parentheses
KL_DISGUISED = '''
def kl_divergence(mu, logvar):
    # my own work, honest
    """Computes the Kullback-Leibler divergence (see lecture 4)."""
    v = (ops.exp(logvar))   # variance
    t = v + ops.square(mu) \\
        - 1.0 - logvar
    return (0.5
            * ops.sum(t, axis=-1))
'''

# a genuinely different way to the same value
KL_OTHER = """
def kl_divergence(z_mean, z_log_var):
    total = 0
    for k in range(z_mean.shape[-1]):
        m, lv = z_mean[:, k], z_log_var[:, k]
        total = total + np.exp(lv) + m * m - 1 - lv
    return total / 2
"""

STUB = '''
def kl_divergence(z_mean, z_log_var):
    """Per-sample KL."""
    # YOUR CODE HERE
    raise NotImplementedError("kl_divergence")
'''

VAE_LOSS = """
def vae_loss(x, y, z_mean, z_log_var):
    return ops.mean(reconstruction_loss(x, y) + kl_divergence(z_mean, z_log_var))
"""


def _score(a: str, b: str) -> float:
    first, second = answer_of(a), answer_of(b)
    assert first is not None and second is not None
    return float(jaccard_matrix([first, second])[0, 1])


def _write(folder: Path, name: str, *functions: str) -> Path:
    path = folder / f"{name}.py"
    body = "\n\n".join(textwrap.dedent(f) for f in functions)
    path.write_text("from keras import ops\nimport numpy as np\n\n" + body, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_renaming_comments_docstrings_and_layout_change_nothing():
    """Does renaming every local, adding comments and reflowing the code keep the score at 1?"""
    assert _score(KL, KL_DISGUISED) == 1.0


def test_a_different_implementation_scores_low():
    """Does a loop-based KL score far below the threshold against the vectorised one?"""
    assert _score(KL, KL_OTHER) < 0.3


def test_library_names_are_kept():
    """Is ops.sum vs ops.mean a difference (library calls are the answer, not renamed)?"""
    assert _score(KL, KL.replace("ops.sum", "ops.mean")) < 1.0


def test_stub_and_unparsable_code_are_no_answer():
    """Are the untouched stub, a syntax error and a missing function left out (None)?"""
    assert answer_of(STUB) is None
    assert answer_of("def kl_divergence(:\n    pass") is None
    assert answer_of("") is None


def test_a_lambda_is_an_answer_like_a_def():
    """Does ``kl_divergence = lambda ...`` compare equal to the same ``def`` with a return?"""
    as_lambda = "kl_divergence = lambda m, lv: 0.5 * ops.sum(ops.exp(lv) + m**2 - 1 - lv, -1)"
    as_def = "def kl_divergence(a, b):\n    return 0.5*ops.sum(ops.exp(b)+a**2-1-b, -1)"
    assert _score(as_lambda, as_def) == 1.0


def test_jaccard_matrix_matches_python_sets():
    """Does the matrix-product Jaccard equal |A & B| / |A | B| computed on Python sets?"""
    rng = np.random.default_rng(0)
    answers = []
    for _ in range(12):
        grams = {(str(g),) for g in rng.choice(40, size=rng.integers(1, 25), replace=False)}
        answers.append(Answer(tokens=tuple(g[0] for g in grams), grams=frozenset(grams)))
    got = jaccard_matrix(answers)
    for i, a in enumerate(answers):
        for j, b in enumerate(answers):
            expected = len(a.grams & b.grams) / len(a.grams | b.grams)
            assert got[i, j] == pytest.approx(expected)


def test_reference_is_read_as_text_without_markers_or_keras():
    """Are the 9 reference functions read with their markers stripped and Keras not imported?"""
    code = (
        "import sys; from grader.similarity import reference_sources as r; s = r(); "
        "print(len(s), any('### ' in v for v in s.values()), 'keras' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(len(QUESTION_IDS)), "False", "False"]
    sources = reference_sources()
    assert list(sources) == list(QUESTION_IDS)
    assert all(sources[q].lstrip().startswith(f"def {q}(") for q in QUESTION_IDS)


def test_the_given_scaffold_is_not_part_of_the_answer():
    """Does the reference's answer leave out the lines every stub gives (``return ...``)?"""
    given = scaffolds()
    assert given["build_vae"] and given["build_mlp_autoencoder"]  # the VAE(...) / return lines
    full = answer_of(reference_sources()["build_vae"])
    answer = answer_of(reference_sources()["build_vae"], given["build_vae"])
    assert answer is not None and full is not None
    assert "VAE" in full.tokens and "VAE" not in answer.tokens


def test_pairs_and_reference_rows_with_flags(tmp_path):
    """Are copies flagged, honest answers not, stubs skipped, and short answers never flagged?"""
    reference = reference_sources()
    folder = tmp_path / "subs"
    folder.mkdir()
    submissions = {
        "alice": _write(folder, "alice", KL, VAE_LOSS),
        "bob": _write(folder, "bob", KL_DISGUISED, VAE_LOSS),  # alice's KL, disguised
        "carol": _write(folder, "carol", KL_OTHER, reference["sample_images"]),
        "dan": _write(folder, "dan", STUB),
    }
    path = write_similarity(tmp_path / "out", submissions)
    rows = _rows(path)
    assert tuple(rows[0]) == COLUMNS
    by_pair = {(r["question"], r["submission_a"], r["submission_b"]): r for r in rows}

    copied = by_pair[("kl_divergence", "alice", "bob")]
    assert (copied["score"], copied["flagged"]) == ("1.0", "yes")
    assert by_pair[("kl_divergence", "alice", "carol")]["flagged"] == "no"
    assert not any("dan" in (r["submission_a"], r["submission_b"]) for r in rows)  # stub only
    # carol pasted the reference's sample_images: flagged against <reference>
    assert by_pair[("sample_images", "carol", REFERENCE)]["flagged"] == "yes"
    # vae_loss is one line: identical, scored 1.0, too short to flag
    short = by_pair[("vae_loss", "alice", "bob")]
    assert short["score"] == "1.0" and int(short["tokens_a"]) < MIN_TOKENS
    assert short["flagged"] == "no"
    # flagged rows come first
    flags = [r["flagged"] for r in rows]
    assert flags == sorted(flags, key=lambda f: f != "yes")


def test_rows_cover_every_pair_once():
    """With n answers to a question (reference included), are there n(n-1)/2 rows for it?"""
    sources = {f"s{k}": {"kl_divergence": KL.replace("1.0", f"{k}.0")} for k in range(6)}
    rows = similarity_rows(sources)
    kl = [r for r in rows if r[0] == "kl_divergence"]
    n = 6 + 1  # six submissions and the reference
    assert len(kl) == n * (n - 1) // 2
    assert len({(r[1], r[2]) for r in kl}) == len(kl)
    assert {r[0] for r in rows} == {"kl_divergence"}  # nobody answered anything else


def test_exercise_stubs_have_no_answer_and_solutions_match_the_reference(tmp_path):
    """Are the untouched exercises/ left out and solutions/ scored 1.0 against the reference?"""
    project = Path(__file__).resolve().parents[2]
    submissions = {"stubs": project / "exercises", "solution": project / "solutions"}
    rows = _rows(write_similarity(tmp_path, submissions))
    assert {r["submission_a"] for r in rows} == {"solution"}
    assert sorted(r["question"] for r in rows) == sorted(QUESTION_IDS)
    assert {(r["submission_b"], r["score"]) for r in rows} == {(REFERENCE, "1.0")}


@pytest.mark.parametrize("qid", ["build_vae", "kl_divergence", "build_conv_autoencoder"])
def test_dead_code_hides_no_copy_of_the_reference(qid):
    """Does a copied reference answer with dead lines inserted (an unused assignment, a chain
    of them, code after the return) still score 1.0 against the reference?"""
    reference, given = reference_sources()[qid], scaffolds()[qid]
    lines = reference.splitlines()
    after_doc = next(k for k, line in enumerate(lines) if k and line.strip().endswith('"""')) + 1
    dead = ["    unused = 0", "    junk = unused + 1"]
    copied = "\n".join(lines[:after_doc] + dead + lines[after_doc:] + ["    unreachable = 1"])
    pair = [answer_of(reference, given), answer_of(copied, given)]
    assert jaccard_matrix(pair)[0, 1] == 1.0


def test_copy_of_the_reference_reported_even_when_short(tmp_path):
    """Is a pasted one-line vae_loss (under MIN_TOKENS: never 'flagged') reported as a copy of
    the reference, and an honest different KL not?"""
    vae_loss = reference_sources()["vae_loss"]
    sources = {"dan": {"vae_loss": vae_loss, "kl_divergence": KL_OTHER}}
    rows = {(r[0], r[1], r[2]): r for r in similarity_rows(sources)}
    pasted = rows[("vae_loss", "dan", REFERENCE)]
    assert pasted[COLUMNS.index("tokens_a")] < MIN_TOKENS
    assert pasted[COLUMNS.index("flagged")] == "no"
    assert pasted[COLUMNS.index("copy_of_reference")] == "yes"
    assert rows[("kl_divergence", "dan", REFERENCE)][COLUMNS.index("copy_of_reference")] == "no"
