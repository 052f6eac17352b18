"""The class report's figures (Matplotlib, Agg backend): scores, questions, hints, times."""

from __future__ import annotations

import math
from pathlib import Path

from grader.report.summary import ClassResults, common_hints, finite, mean_of, median_of

TOP_HINTS = 15  # hints shown in the figure


def draw_figures(results: ClassResults, folder: Path) -> dict[str, Path]:
    """Draw every figure into ``folder``; returns figure name -> PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, Path] = {}
    for name, draw in (
        ("scores", _plot_scores),
        ("question_means", _plot_question_means),
        ("question_histograms", _plot_question_histograms),
        ("hints", _plot_hints),
        ("times", _plot_times),
    ):
        figure = draw(results, plt)
        if figure is None:
            continue
        path = folder / f"{name}.png"
        figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(figure)
        drawn[name] = path
    return drawn


def _plot_scores(results: ClassResults, plt):
    scores = finite(s.score for s in results.submissions)
    if not scores:
        return None
    top = max(finite(s.max_score for s in results.submissions) or [max(scores)])
    high = max(top, max(scores))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 1.0 if high <= 40 else high / 40  # one bar per point, at most 40 bars
    bins = [(i - 0.5) * width for i in range(int(math.ceil(high / width)) + 2)]
    ax.hist(scores, bins=bins, color="#4c72b0", edgecolor="white")  # bars centred on points
    mean, median = mean_of(scores), median_of(scores)
    ax.axvline(mean, color="#dd8452", lw=2, label=f"mean {mean:.1f}")
    ax.axvline(median, color="#55a868", lw=2, ls="--", label=f"median {median:.1f}")
    ax.axvline(top, color="#555555", lw=1, ls=":", label=f"max_score {top:g}")
    ax.set_xlabel("total score (points; the bonus can exceed max_score)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Total scores of {len(scores)} submissions")
    ax.legend(frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def _plot_question_means(results: ClassResults, plt):
    if not results.submissions or not results.questions:
        return None
    labels, fractions, texts = [], [], []
    for q in results.questions:
        earned = finite(s.points_earned.get(q, math.nan) for s in results.submissions)
        full = results.points_possible.get(q) or 0.0
        mean = mean_of(earned)
        labels.append(q)
        fractions.append(100 * mean / full if full and not math.isnan(mean) else 0.0)
        texts.append(f"{mean:.2f} / {full:g}" if not math.isnan(mean) else "n/a")
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(labels) + 1.0))
    y = range(len(labels))
    colors = [score_color(f / 100) for f in fractions]
    ax.barh(list(y), fractions, color=colors)
    for yi, f, t in zip(y, fractions, texts, strict=True):
        ax.text(min(f, 100) + 1, yi, t, va="center", fontsize=9)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 118)
    ax.set_xlabel("class mean, % of the question's points")
    ax.set_title("Mean score per question (red: where the class struggled)")
    return fig


def _plot_question_histograms(results: ClassResults, plt):
    if not results.submissions or not results.questions:
        return None
    n = len(results.questions)
    cols = 3
    rows = int(math.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.2 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, q in zip(axes.flat, results.questions, strict=False):
        earned = finite(s.points_earned.get(q, math.nan) for s in results.submissions)
        full = results.points_possible.get(q) or max(earned, default=1.0) or 1.0
        edges = [full * k / 10 for k in range(11)]
        counts = [0] * 10
        for v in earned:
            counts[min(9, max(0, int(10 * v / full))) if full else 0] += 1
        centers = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
        ax.bar(
            centers, counts, width=full / 10 * 0.9, color=[score_color(k / 9) for k in range(10)]
        )
        ax.set_title(f"{q} (/{full:g})", fontsize=10)
        ax.set_xlim(0, full)
        ax.tick_params(labelsize=8)
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle("Points per question: how many submissions earned how much", y=1.0)
    fig.tight_layout()
    return fig


def _plot_hints(results: ClassResults, plt):
    hints = common_hints(results.submissions)[:TOP_HINTS]
    if not hints:
        return None
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(hints) + 1.0))
    labels = [shorten(f"[{q}] {text}" if q else text, 80) for _, q, text in hints]
    counts = [n for n, _, _ in hints]
    y = list(range(len(hints)))
    ax.barh(y, counts, color="#c44e52")
    for yi, n in zip(y, counts, strict=True):
        ax.text(n, yi, f" {n}", va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlabel("submissions given this hint")
    ax.set_title("Commonest mistakes across the class")
    ax.set_xlim(0, max(counts) * 1.12)
    return fig


def _plot_times(results: ClassResults, plt):
    seconds = [s.seconds for s in results.submissions if s.seconds is not None]
    if not seconds:
        return None
    fig, ax = plt.subplots(figsize=(9, 2.8))
    ax.hist(seconds, bins=min(30, max(5, len(seconds) // 3)), color="#8172b3", edgecolor="white")
    ax.set_xlabel("grading time per submission (s)")
    ax.set_ylabel("submissions")
    ax.set_title(f"Grading time (median {median_of(seconds):.1f} s, max {max(seconds):.1f} s)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def score_color(fraction: float) -> str:
    """Red (0) through amber to green (1)."""
    stops = [(0.0, (0xC4, 0x4E, 0x52)), (0.5, (0xDD, 0xA0, 0x3A)), (1.0, (0x55, 0xA8, 0x68))]
    fraction = min(1.0, max(0.0, fraction))
    for (f0, c0), (f1, c1) in zip(stops, stops[1:], strict=False):
        if fraction <= f1:
            t = (fraction - f0) / (f1 - f0)
            return "#" + "".join(
                f"{round(a + t * (b - a)):02x}" for a, b in zip(c0, c1, strict=True)
            )
    return "#55a868"


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
