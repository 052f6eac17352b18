"""The package's shape: the question table defined once, no import cycle, and the library
(tp_ae) independent of its grader."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tp_ae.questions import ALL_IDS, QUESTIONS, question

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("tp_ae", "grader")
TABLE = REPO / "tp_ae" / "questions.py"


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "templates" in path.parts:
                continue
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """Modules of tp_ae/grader that ``path`` imports (at module level only, if asked)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n in MODULES}


def test_the_library_never_imports_its_grader():
    """Does no module of tp_ae import grader, even inside a function?"""
    offenders = {
        name: sorted(n for n in _imports(path, False) if n.startswith("grader"))
        for name, path in MODULES.items()
        if name.startswith("tp_ae")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_module_level_imports_have_no_cycle():
    """Is the graph of module-level imports between our modules free of cycles?"""
    graph = {name: _imports(path, True) - {name} for name, path in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def _table_copies(tree: ast.AST, ids: set[str]) -> list[list[str]]:
    """Literal collections that list three or more question ids: a tuple, list or set of ids,
    or a dict from ids to plain values (a module, a number, a word): a copy of a table column.
    A dict from ids to per-question content (code cells, say) is not a copy."""

    def is_id(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in ids

    def plain(node: ast.AST) -> bool:
        if isinstance(node, (ast.Name, ast.Attribute)):
            return True
        return isinstance(node, ast.Constant) and not (
            isinstance(node.value, str) and len(node.value) > 40
        )

    copies = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            listed = [e.value for e in node.elts if is_id(e)]
        elif isinstance(node, ast.Dict):
            pairs = zip(node.keys, node.values, strict=True)
            listed = [k.value for k, v in pairs if k is not None and is_id(k) and plain(v)]
        else:
            continue
        if len(set(listed)) >= 3:
            copies.append(sorted(set(listed)))
    return copies


def test_question_ids_are_listed_only_in_the_question_table():
    """Does no other module spell out a list of question ids (a copy of the table)?"""
    ids = set(ALL_IDS)
    copies = {}
    for name, path in MODULES.items():
        if path == TABLE:
            continue
        found = _table_copies(ast.parse(path.read_text(encoding="utf-8")), ids)
        if found:
            copies[name] = found
    assert copies == {}


def test_every_code_question_names_a_reference_that_defines_it():
    """Does every code question's reference module define a function of the question's id?"""
    for q in QUESTIONS:
        if q.kind == "written":
            assert q.reference is None
            continue
        path = REPO / Path(*q.reference.split(".")).with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert q.id in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}, q.id


def test_unknown_question_id_names_the_known_ones():
    """Does asking for a misspelt id fail with the list of known ids?"""
    with pytest.raises(KeyError, match="kl_divergence"):
        question("kl_divergenc")


def test_readme_layout_table_names_only_paths_that_exist():
    """Does every path in README.md's layout table exist in the tree?"""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n\n", 2)[1]
    paths = [p for row in table.splitlines()[2:] for p in row.split("|")[1].split("`")[1::2]]
    assert paths and [p for p in paths if not (REPO / p.rstrip("/")).exists()] == []
