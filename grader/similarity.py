"""Code similarity per question: every pair of submissions, and each submission vs the reference.

A question's code is the body of the student's function for that question id, minus what every
student starts from (the stub's docstring, the lines around the solution region, ``raise
NotImplementedError``). It is normalised before comparing: comments, docstrings and whitespace
go (the code is parsed and unparsed), and the names the function binds (its parameters and local
variables) are renamed ``v0, v1, ...`` in order of first use, so renaming variables or reformatting
hides nothing. Dead code goes too (assignments nothing reads, statements after a ``return``),
so an inserted ``unused = 0`` hides nothing either. Library names (``ops.sum``,
``layers.Dense``) are kept: they are the answer. The reference is read, as text, from the module
the question table names (``tp_ae.questions``), its markers found by ``tp_ae.exercises.markers``.

The score of a pair is the Jaccard index of their sets of ``KGRAM``-token windows, in [0, 1]
(1.0: the same normalised code). A pair is flagged when its score reaches the threshold and both
answers are long enough to be telling: a one-line ``vae_loss`` has few ways to be written.
Each row against ``<reference>`` also says whether the answer is a copy of the reference
(``copy_of_reference``, from the same threshold and for any length: many honest one-line
``vae_loss`` answers are "copies" too). Flags are leads for a human to read, not verdicts.
"""

from __future__ import annotations

import ast
import copy
import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.writers import atomic_write_text
from tp_ae.exercises.markers import END, clear_regions, find_regions, strip_markers
from tp_ae.questions import QUESTION_IDS, question

REFERENCE = "<reference>"  # the submission_b of a row comparing a submission with tp_ae's answer
DEFAULT_THRESHOLD = 0.9  # Jaccard score from which a pair is flagged
MIN_TOKENS = 20  # an answer shorter than this (normalised tokens) is scored but never flagged
KGRAM = 4  # tokens per window
COLUMNS = (
    "question",
    "submission_a",
    "submission_b",
    "score",
    "tokens_a",
    "tokens_b",
    "flagged",
    "copy_of_reference",  # "yes": submission_a's answer is the reference's, whatever its length
)


@dataclass(frozen=True)
class Answer:
    """One submission's normalised code for one question: its tokens and their k-gram windows."""

    tokens: tuple[str, ...]
    grams: frozenset[tuple[str, ...]]


# ---------------------------------------------------------------------------------------------
# Normalisation


def answer_of(source: str, scaffold: Iterable[tuple[str, ...]] = ()) -> Answer | None:
    """Normalise one function's source; ``None`` when there is no answer to compare.

    ``scaffold`` holds the :func:`_shape` of the statements every student is given (they are
    dropped). ``name = lambda ...`` counts as a function returning the lambda's body. No answer:
    unparsable source, no function, or nothing left but the stub.
    """
    try:
        tree = ast.parse(_dedent(source))
    except (SyntaxError, ValueError):
        return None
    node = tree.body[0] if tree.body else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments, statements = node.args, node.body
    elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
        arguments, statements = node.value.args, [ast.Return(node.value.body)]
    else:
        return None
    given = set(scaffold)
    body = [s for s in statements if not _is_stub(s) and _shape(s) not in given]
    body = without_dead_code(body, context=[s for s in statements if _shape(s) in given])
    if not body:
        return None
    tokens = _canonical_tokens(arguments, body)
    return Answer(tokens, frozenset(_windows(tokens)))


def without_dead_code(body: list[ast.stmt], context: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` without the code that cannot change the answer: statements after a ``return``
    or ``raise`` in their block, and assignments to names that nothing reads (in ``body`` or
    in ``context``, the given lines around it), repeated until none is left.
    Inserting ``unused = 0`` into a copied answer then changes nothing."""
    body = copy.deepcopy(body)
    while True:
        read = {
            node.id
            for statement in context + body
            for node in ast.walk(statement)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        pruned = _prune(body, read)
        if ast.dump(ast.Module(pruned, [])) == ast.dump(ast.Module(body, [])):
            return pruned
        body = pruned


def _prune(block: list[ast.stmt], read: set[str]) -> list[ast.stmt]:
    kept: list[ast.stmt] = []
    for statement in block:
        if _dead_store(statement, read) or isinstance(statement, ast.Pass):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(statement, field, _prune(inner, read))
        kept.append(statement)
        if isinstance(statement, (ast.Return, ast.Raise)):
            break  # the rest of the block never runs
    return kept


def _dead_store(statement: ast.stmt, read: set[str]) -> bool:
    """An assignment whose every target is a plain name that nothing reads."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    else:
        return False
    names = [n for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    plain = all(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets)
    return plain and bool(names) and not any(n.id in read for n in names)


def _dedent(source: str) -> str:
    lines = source.splitlines()
    indent = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
    return "\n".join(s[indent:] for s in lines)


def _shape(statement: ast.stmt) -> tuple[str, ...]:
    """A statement's tokens with every identifier blanked: how the given lines are recognised,
    even where a student renamed the variables they mention."""
    tokens: list[str] = []
    _emit(statement, tokens, set())
    return tuple("_" if t.startswith(_NAME) else t for t in tokens)


def _is_stub(statement: ast.stmt) -> bool:
    """Docstrings, bare constants, ``pass`` and ``raise NotImplementedError``: nobody's answer."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        exc = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


_NAME = "\0"  # marks a token as an identifier until names are made canonical
_SKIP = (ast.expr_context, ast.Pass)  # Load/Store carry no code; pass is nobody's answer


def _canonical_tokens(arguments: ast.arguments, body: list[ast.stmt]) -> tuple[str, ...]:
    """The body as a pre-order list of AST tokens, bound names renamed v0, v1, ...

    A token is a node type (``Assign``, ``Call``, ``Add``), an attribute or keyword name, a
    constant's repr, or an identifier. Parameters come first (v0 = the first parameter), then
    names the code binds, in order of first appearance; free names (``ops``, ``np``) stay.
    """
    params = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    params += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    raw: list[str] = []
    bound = set(params)
    for statement in body:
        _emit(statement, raw, bound)
    names = {name: f"v{i}" for i, name in enumerate(params)}
    tokens = []
    for token in raw:
        if token.startswith(_NAME):
            name = token[1:]
            token = names.setdefault(name, f"v{len(names)}") if name in bound else name
        tokens.append(token)
    return tuple(tokens)


def _emit(node: ast.AST, out: list[str], bound: set[str]) -> None:
    """Append ``node``'s tokens to ``out`` (pre-order); add the names it binds to ``bound``."""
    if isinstance(node, _SKIP):
        return
    if isinstance(node, ast.Name):  # a name or a constant is its own token, no type needed
        out.append(_NAME + node.id)
        if not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
    elif isinstance(node, ast.Constant):
        out.append(repr(node.value))
    else:
        out.append(type(node).__name__)
    if isinstance(node, ast.Attribute):
        out.append("." + node.attr)
    elif isinstance(node, ast.keyword):
        out.append(f"{node.arg}=")
    elif isinstance(node, ast.arg):
        out.append(_NAME + node.arg)
        bound.add(node.arg)
        return  # annotations are not code
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.append(_NAME + node.name)
        bound.add(node.name)
        node.body = [s for s in node.body if not _is_stub(s)]
    elif isinstance(node, ast.ExceptHandler) and node.name:
        out.append(_NAME + node.name)
        bound.add(node.name)
    elif isinstance(node, ast.alias):
        out.append(f"{node.name} as {node.asname}")
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        out.extend(node.names)
    for child in ast.iter_child_nodes(node):
        _emit(child, out, bound)


def _windows(tokens: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    if len(tokens) < KGRAM:
        yield tokens
        return
    for i in range(len(tokens) - KGRAM + 1):
        yield tokens[i : i + KGRAM]


# ---------------------------------------------------------------------------------------------
# The reference, read as text from tp_ae (never imported: that would import Keras)


def reference_sources(package_dir: Path | None = None) -> dict[str, str]:
    """Question id -> the reference function's source, solution marker lines removed."""
    out = {}
    for qid, source in _reference_functions(package_dir).items():
        out[qid] = strip_markers(source, find_regions(source, qid))
    return out


def scaffolds(package_dir: Path | None = None) -> dict[str, frozenset[tuple[str, ...]]]:
    """Question id -> the :func:`_shape` of its reference's statements outside the solution region.

    Those are the lines the stub gives every student (e.g. ``return encoder, decoder, ae``).
    """
    out: dict[str, frozenset[tuple[str, ...]]] = {}
    for qid, source in _reference_functions(package_dir).items():
        given = clear_regions(source, find_regions(source, qid), lambda region: ["pass"])
        function = ast.parse(_dedent(given)).body[0]
        out[qid] = frozenset(_shape(s) for s in function.body if not _is_stub(s))
    return out


def _reference_functions(package_dir: Path | None) -> dict[str, str]:
    """Question id -> its reference function's source, read from the module the question table
    names (``question(qid).reference``, e.g. ``tp_ae.losses``)."""
    folder = package_dir or _tp_ae_dir()
    found: dict[str, str] = {}
    for qid in QUESTION_IDS:
        module = question(qid).reference
        if module is None:
            continue
        path = folder / (module.split(".", 1)[1].replace(".", "/") + ".py")
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name == qid:
                end = node.end_lineno  # a closing marker after the last statement belongs too
                while end < len(lines) and lines[end].strip() == END:
                    end += 1
                found[qid] = "\n".join(lines[node.lineno - 1 : end])
    return found


def _tp_ae_dir() -> Path:
    import tp_ae  # cheap: no Keras

    return Path(tp_ae.__file__).resolve().parent


# ---------------------------------------------------------------------------------------------
# Pairwise scores


def jaccard_matrix(answers: list[Answer]) -> np.ndarray:
    """(n, n) float64 Jaccard index of the answers' k-gram sets, in [0, 1].

    Intersections come from one matrix product over the windows that at least two answers
    share, so 300 answers cost milliseconds, not 45,000 set operations.
    """
    n = len(answers)
    counts: dict[tuple[str, ...], int] = {}
    for answer in answers:
        for gram in answer.grams:
            counts[gram] = counts.get(gram, 0) + 1
    shared = {gram: j for j, gram in enumerate(g for g, c in counts.items() if c > 1)}
    incidence = np.zeros((n, len(shared)), dtype=np.float32)
    for i, answer in enumerate(answers):
        columns = [shared[g] for g in answer.grams if g in shared]
        incidence[i, columns] = 1.0
    inter = (incidence @ incidence.T).astype(np.float64)  # exact: counts < 2**24
    sizes = np.array([len(a.grams) for a in answers], dtype=np.float64)
    union = sizes[:, None] + sizes[None, :] - inter
    scores = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    np.fill_diagonal(scores, 1.0)  # windows only one answer has were left out of ``inter``
    return scores


def similarity_rows(
    sources: Mapping[str, Mapping[str, str]],
    threshold: float = DEFAULT_THRESHOLD,
    package_dir: Path | None = None,
) -> list[tuple[str, str, str, float, int, int, str, str]]:
    """Rows of ``similarity.csv`` (see ``COLUMNS``), flagged rows first, then by score.

    ``sources``: submission name -> {question id: function source}. Pairs where either side
    has no answer to that question (missing, unparsable, stub) get no row.
    """
    reference = reference_sources(package_dir)
    given = scaffolds(package_dir)
    keys, rows = [], []
    for q, qid in enumerate(QUESTION_IDS):
        names, answers = [], []
        for name in sorted(sources):
            answer = answer_of(sources[name].get(qid, ""), given.get(qid, ()))
            if answer is not None:
                names.append(name)
                answers.append(answer)
        ref = answer_of(reference.get(qid, ""), given.get(qid, ()))
        if ref is not None:
            names.append(REFERENCE)
            answers.append(ref)
        i, j = np.triu_indices(len(answers), k=1)
        scores = np.round(jaccard_matrix(answers)[i, j], 3)
        lengths = np.array([len(a.tokens) for a in answers], dtype=np.int64)
        flagged = (scores >= threshold) & (np.minimum(lengths[i], lengths[j]) >= MIN_TOKENS)
        # sort keys: flagged first, then highest score, question order, names (already sorted)
        keys.append(np.stack([~flagged, -scores, np.full_like(scores, q), i, j]))
        labels = np.where(flagged, "yes", "no")
        is_reference = np.array([names[k] == REFERENCE for k in j], dtype=bool)
        copies = np.where(is_reference & (scores >= threshold), "yes", "no")
        rows.extend(
            zip(
                [qid] * len(i),
                [names[k] for k in i],
                [names[k] for k in j],
                scores.tolist(),
                lengths[i].tolist(),
                lengths[j].tolist(),
                labels.tolist(),
                copies.tolist(),
                strict=True,
            )
        )
    if not rows:
        return []
    key = np.concatenate(keys, axis=1)
    order = np.lexsort(key[::-1])  # lexsort's primary key is the last row
    return [rows[k] for k in order]


def write_similarity(
    out_dir: Path,
    submissions: Mapping[str, Path],
    threshold: float = DEFAULT_THRESHOLD,
) -> Path:
    """Write ``out_dir/similarity.csv``: a score per pair and question, and flags.

    ``submissions``: submission name (as in the gradebook) -> its path (file or folder).
    Columns ``question, submission_a, submission_b, score, tokens_a, tokens_b, flagged,
    copy_of_reference`` (the last: "yes" on a row against ``<reference>`` scoring from the
    threshold, short answers included, where ``flagged`` needs 20 tokens);
    ``submission_b`` is ``<reference>`` for the comparison with tp_ae's answer. Written
    atomically; returns the path.
    """
    sources = {name: _question_sources(path) for name, path in submissions.items()}
    rows = similarity_rows(sources, threshold)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "similarity.csv"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    atomic_write_text(target, text.getvalue())
    return target


def _question_sources(path: Path) -> dict[str, str]:
    """A submission's question id -> function source; {} when it cannot be read at all."""
    from grader.submission import question_sources

    try:
        return dict(question_sources(Path(path)))
    except Exception:  # a file that does not load has no code to compare; grading reports it
        return {}
