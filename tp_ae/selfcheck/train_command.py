"""``tp-ae train-mine FILE``: train with your own code, as ``python FILE`` would.

FILE is your ``part1_autoencoders`` or ``part2_vae`` (``.py`` or ``.ipynb``). A script runs as
``__main__`` with ``--epochs/--out/--data``; a notebook's code cells run in order in one
namespace, with ``TP_AE_EPOCHS``/``TP_AE_OUT`` set (its settings cell reads them) and IPython
magics skipped. The figures go where your file says (``figures/part1``... by default).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path

from tp_ae.errors import TpAeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="your part1_autoencoders or part2_vae (.py/.ipynb)")
    parser.add_argument("--epochs", type=int, help="epochs per model (default: the file's)")
    parser.add_argument("--out", type=Path, help="folder for the figures (default: the file's)")
    parser.add_argument("--data", default="auto", help="auto (default), keras, offline, or a path")


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file() or path.suffix not in (".py", ".ipynb"):
        raise TpAeError(f"{path}: give your part1_autoencoders or part2_vae, .py or .ipynb")
    if args.epochs is not None and args.epochs < 1:
        raise TpAeError(f"--epochs {args.epochs}: give a number of epochs >= 1")
    if args.epochs:
        os.environ["TP_AE_EPOCHS"] = str(args.epochs)
    if args.out:
        os.environ["TP_AE_OUT"] = str(args.out)
    sys.path.insert(0, str(path.resolve().parent))  # part 2 may import part 1
    if path.suffix == ".py":
        argv = [str(path), "--data", args.data]
        argv += ["--epochs", str(args.epochs)] if args.epochs else []
        argv += ["--out", str(args.out)] if args.out else []
        saved, sys.argv = sys.argv, argv
        try:
            runpy.run_path(str(path), run_name="__main__")
        except SystemExit as done:
            return int(done.code or 0) if not isinstance(done.code, str) else 1
        finally:
            sys.argv = saved
        return 0
    return _run_notebook(path)


def _run_notebook(path: Path) -> int:
    import nbformat

    from tp_ae.selfcheck.loading import without_magics

    notebook = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__main__", "__file__": str(path)}
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        code = without_magics(cell.source)
        if code and code.strip():
            exec(compile(code, f"{path.name}, cell {index}", "exec"), namespace)
    return 0
