"""Comparing a model's layers with the handout's architecture (parent side, plain data).

The child describes each layer as a dict (:func:`tp_ae.selfcheck.keras_facts.describe_layer`);
here the layers become tokens such as ``Conv2D(8, 3x3, stride 2, same)`` or ``LeakyReLU(0.2)``
(an activation given as a layer or as ``activation=`` reads the same), and the sequence is
compared with the handout's, naming the first differences.

Where the child recorded the layer graph (which layer feeds which, and the layers called on the
model's tensors that are not part of it: ``tp_ae.selfcheck.keras_facts.layer_graph``), the tokens
become a :class:`TokenGraph` and :func:`graph_findings` states what the graph shows: a block
computed but never used, a layer fed another input than the handout's. Each finding is a fact
of the graph, so it may be given as a hint; without a graph there is no such claim.
"""

from __future__ import annotations

import re

# the tokens, the differences and the graph's findings are shared with the release's
# self-check (answer-free, plain data): one copy, the same words on both sides
from tp_ae.selfcheck.checks._graph import (
    TokenGraph,
    chain,
    graph_findings,
    head_finding,
    token_graph,
    two_heads,
)
from tp_ae.selfcheck.checks._models import differences, layer_tokens

__all__ = [
    "TokenGraph",
    "architecture_hint",
    "chain",
    "differences",
    "graph_findings",
    "head_finding",
    "layer_tokens",
    "token_graph",
    "two_heads",
]


def architecture_hint(diffs: list[str]) -> str:
    """A hint for the commonest architecture slips, read off the differences."""
    text = " ".join(diffs)
    if "LeakyReLU(0.3)" in text:
        return "keras.layers.LeakyReLU() defaults to slope 0.3: write LeakyReLU(negative_slope=0.2)"
    if re.search(r"(?<!Leaky)ReLU", text) and "LeakyReLU(0.2)" in text:
        return "the handout uses LeakyReLU(0.2), not ReLU"
    if "stride 1" in text:
        return "the convolutions have stride 2 (strides=2), which halves 28 -> 14 -> 7"
    if "valid" in text:
        return 'use padding="same" so that the sizes go 28 -> 14 -> 7 and back'
    return "follow the handout's layers in order (see the differences listed)"
