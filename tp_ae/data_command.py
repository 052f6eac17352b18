"""``tp-ae data``: load MNIST and report where it came from, the sizes and the label counts."""

from __future__ import annotations

import argparse

import numpy as np

from tp_ae.data import DOWNLOAD_TIMEOUT_S, load_dataset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        default="auto",
        metavar="SOURCE",
        help="auto (default), keras, offline, or a path to mnist.npz / a folder of idx .gz files",
    )
    parser.add_argument("--source", dest="data", help=argparse.SUPPRESS)  # the old name
    parser.add_argument(
        "--timeout",
        type=float,
        default=DOWNLOAD_TIMEOUT_S,
        help=f"seconds to wait for the download (default {DOWNLOAD_TIMEOUT_S:g})",
    )


def run(args: argparse.Namespace) -> int:
    data = load_dataset(args.data, timeout=args.timeout)
    print(f"source: {data.source}")
    for split, x, y in (("train", data.x_train, data.y_train), ("test", data.x_test, data.y_test)):
        counts = " ".join(str(c) for c in np.bincount(y, minlength=10))
        print(
            f"{split:5s}: {len(x):6d} images {tuple(x.shape[1:])} {x.dtype} "
            f"in [{x.min():.0f}, {x.max():.0f}]; label counts 0..9: {counts}"
        )
    return 0
