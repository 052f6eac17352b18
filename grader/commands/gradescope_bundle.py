"""``tp-ae gradescope-bundle``: write the autograder.zip to upload to Gradescope.

No TensorFlow here: the bundle is files and resolved requirements, nothing is built or run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.gradescope import DEFAULT_PYTHON


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="course TOML (points, bonus, timeouts, visibility); default: the TP's defaults",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("autograder.zip"),
        help="where to write the zip (default: autograder.zip)",
    )
    parser.add_argument(
        "--python",
        default=DEFAULT_PYTHON,
        metavar="X.Y",
        help="python3 version of the Gradescope image the requirements are resolved for "
        f"(default {DEFAULT_PYTHON}: Gradescope's default Ubuntu 22.04 image)",
    )


def run(args: argparse.Namespace) -> int:
    import zipfile

    from grader.config import load_config
    from grader.gradescope.bundle import PLATFORM, build_bundle, check_python_version

    python = check_python_version(args.python)
    path = build_bundle(args.out, args.config, python=python)
    config = load_config(args.config)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pins = [
            line
            for line in archive.read("requirements.txt").decode().splitlines()
            if "==" in line and not line.startswith(("#", " "))
        ]
    hidden = {qid: config[qid].visibility for qid in config.hidden_questions()}
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, {len(names)} files)")
    print(f"  course settings: {args.config or 'defaults'}; max_score {config.max_score:g}")
    if hidden:
        print("  not visible to students: " + ", ".join(f"{q} ({v})" for q, v in hidden.items()))
    print(
        f"  setup.sh installs {len(pins)} packages, hash-checked, resolved for the image's "
        f"python3 {python} ({PLATFORM})"
    )
    print("Upload it on Gradescope: assignment > Configure Autograder > Zip file upload.")
    return 0
