"""``tp-ae release [--config course.toml] --out DIR``: what an instructor hands out to students.

DIR is installable (``pip install DIR``: ``tp_ae`` without any answer, ``tp-ae check``,
``tp-ae train-mine``, ``tp-ae data``) and holds ``exercises/``; ``DIR.zip`` is the same for an
LMS. The self-check's data (inputs, expected outputs, known mistakes) is computed here, from
the reference and the grader's checks; questions the course hides are left out.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="a new folder")
    parser.add_argument(
        "--config", type=Path, metavar="TOML", help="course settings (default: the TP's)"
    )
    parser.add_argument(
        "--address",
        metavar="URL_OR_PATH",
        help="what students pip install (the handout and notebooks say it; default: "
        "course.toml's [release] url, else ./DIR)",
    )


def run(args: argparse.Namespace) -> int:
    from grader.config import load_config
    from grader.release.build import build_release

    release = build_release(args.out, load_config(args.config), args.address)
    for warning in release.warnings:
        print(f"warning: {warning}")
    print(
        f"release: wrote {release.folder}/ and {release.zip_path} "
        f"(self-check covers {len(release.questions)} questions; no answer found inside); "
        f"the handout and notebooks install it with: pip install {release.address}"
    )
    return 0
