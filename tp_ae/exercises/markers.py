"""Step 1: find the solution regions of a reference file and clear them (nbgrader's convention).

A solution region is the lines from a ``### BEGIN SOLUTION`` comment to the next
``### END SOLUTION`` comment, each alone on its line (any number of ``#``). Clearing replaces a
region, markers included, with a stub at the BEGIN marker's indentation. Nested, unclosed or
unopened markers, and markers after code on the same line, are errors quoting the offending lines.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tp_ae.errors import TpAeError

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"#+\s*(BEGIN|END)\s+SOLUTION\s*$")


class MarkerError(TpAeError):
    """Solution markers that do not pair up; the message quotes the lines and says what to do."""


@dataclass(frozen=True)
class Region:
    """A solution region: 1-based line numbers of its two markers, and the BEGIN's indentation."""

    begin: int
    end: int
    indent: str


def find_regions(source: str, filename: str) -> list[Region]:
    """Every solution region of ``source`` (Python text), in order; MarkerError when unpaired."""
    lines = source.splitlines()
    regions: list[Region] = []
    open_line: int | None = None
    for line_no, kind in _marker_comments(source, filename, lines):
        if kind == "BEGIN":
            if open_line is not None:
                raise MarkerError(
                    f"{filename}:{line_no}: nested solution markers: {_quote(lines, line_no)} "
                    f"opens a region while the one opened by {_quote(lines, open_line)} is "
                    f'still open; put "{END}" before line {line_no}'
                )
            open_line = line_no
        else:
            if open_line is None:
                raise MarkerError(
                    f"{filename}:{line_no}: {_quote(lines, line_no)} closes no region; put "
                    f'"{BEGIN}" where the solution starts, or delete this line'
                )
            opening = lines[open_line - 1]
            regions.append(
                Region(open_line, line_no, opening[: len(opening) - len(opening.lstrip())])
            )
            open_line = None
    if open_line is not None:
        raise MarkerError(
            f"{filename}:{open_line}: unclosed solution region: {_quote(lines, open_line)} has "
            f'no "{END}" after it; add one where the solution ends'
        )
    return regions


def clear_regions(
    source: str, regions: Sequence[Region], stub: Callable[[Region], Sequence[str]]
) -> str:
    """``source`` with each region (markers included) replaced by ``stub(region)``'s lines,
    each prefixed with the region's indentation. ``regions`` come from :func:`find_regions`."""
    lines = source.splitlines()
    out: list[str] = []
    position = 0  # 0-based index of the next line of ``lines`` to copy
    for region in regions:
        out.extend(lines[position : region.begin - 1])
        out.extend(region.indent + line if line else "" for line in stub(region))
        position = region.end
    out.extend(lines[position:])
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def strip_markers(source: str, regions: Sequence[Region]) -> str:
    """``source`` with the marker lines removed and the solutions kept (the solutions' view)."""
    drop = {line for region in regions for line in (region.begin, region.end)}
    lines = [line for no, line in enumerate(source.splitlines(), start=1) if no not in drop]
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")


def _marker_comments(source: str, filename: str, lines: list[str]) -> list[tuple[int, str]]:
    """(line, "BEGIN" or "END") of each marker comment; markers inside strings do not count."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _MARKER.fullmatch(token.string)
            if match is None:
                continue
            line_no = token.start[0]
            if lines[line_no - 1].strip() != token.string.strip():
                raise MarkerError(
                    f"{filename}:{line_no}: solution marker after code: "
                    f"{_quote(lines, line_no)}; put the marker on a line of its own"
                )
            found.append((line_no, match.group(1)))
    except (tokenize.TokenError, SyntaxError) as err:
        raise TpAeError(f"{filename}: cannot read it as Python ({err}); fix the file") from None
    return found


def _quote(lines: list[str], line_no: int) -> str:
    return f'line {line_no} "{lines[line_no - 1].strip()}"'
