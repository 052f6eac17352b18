"""A batch of submissions and its output folder: names, reserved outputs, content hashes, and
the results of earlier runs that can be reused.

``tp-ae grade`` writes ``OUT/<submission>/`` per submission and a few class-wide files whose
names no submission may take (:data:`RESERVED`). A rerun regrades a submission unless ``OUT``
already holds its result for the very same files (same :func:`content_hash`) with no grader
failure, so replacing ``alice.zip`` by ``alice/`` is regraded, not skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from grader.results import SubmissionResult

RESULTS_JSON = "results.json"
FEEDBACK_MD = "feedback.md"
GRADEBOOK_CSV = "gradebook.csv"
REPORT_HTML = "report.html"
REPORT_FIGURES = "report_figures"
SIMILARITY_CSV = "similarity.csv"
WRITTEN_DIR = "written"  # review pages and the marks sheet of the written questions
RESERVED: frozenset[str] = frozenset(
    name.lower()
    for name in (GRADEBOOK_CSV, REPORT_HTML, REPORT_FIGURES, SIMILARITY_CSV, WRITTEN_DIR)
)
HASH_LIMIT_BYTES = 64 * 1024 * 1024  # files past this are hashed by size only
_HASH_MAX_FILES = 2000


def output_name(name: str, taken: set[str]) -> str:
    """A folder name under OUT for submission ``name``: never a reserved output name, never
    one already ``taken`` (compared case-insensitively); stable for the same inputs."""
    candidate = name if name.lower() not in RESERVED else f"{name}_submission"
    base, n = candidate, 2
    while candidate.lower() in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def content_hash(path: Path) -> str:
    """SHA-256 of a submission's regular files (names and bytes), links and special files
    left out; the same files give the same hash wherever they are."""
    digest = hashlib.sha256()
    path = Path(path)
    for relative, file in _regular_files(path):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        size = file.stat().st_size
        if size > HASH_LIMIT_BYTES:
            digest.update(f"size:{size}".encode())
            continue
        with open(file, "rb") as handle:
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def _regular_files(path: Path) -> list[tuple[str, Path]]:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return []
    if stat.S_ISREG(mode):
        return [(path.name, path)]
    if not stat.S_ISDIR(mode):
        return []
    found: list[tuple[str, Path]] = []
    for root, dirs, files in os.walk(path):  # os.walk does not follow links to folders
        dirs.sort()
        for name in sorted(files):
            file = Path(root) / name
            if stat.S_ISREG(os.lstat(file).st_mode):
                found.append((file.relative_to(path).as_posix(), file))
            if len(found) >= _HASH_MAX_FILES:
                return found
    return found


def previous_result(out_dir: Path, name: str) -> SubmissionResult | None:
    """The result an earlier run wrote for ``name`` under ``out_dir``, or None when there is
    none or it cannot be read (it is then regraded)."""
    file = Path(out_dir) / name / RESULTS_JSON
    try:
        if not file.is_file() or file.stat().st_size > HASH_LIMIT_BYTES:
            return None
        data = json.loads(file.read_text(encoding="utf-8"))
        return SubmissionResult.from_json(data["extra_data"]["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def reusable(previous: SubmissionResult | None, digest: str) -> bool:
    """True when an earlier result graded the same files without a grader failure."""
    return previous is not None and previous.content_hash == digest and not previous.failed
