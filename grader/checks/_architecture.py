"""Comparing a model's layers with the handout's architecture (parent side, plain data).

The child describes each layer as a dict (:func:`tp_ae.selfcheck.keras_facts.describe_layer`);
here the layers become tokens such as ``Conv2D(8, 3x3, stride 2, same)`` or ``LeakyReLU(0.2)``
(an activation given as a layer or as ``activation=`` reads the same), and the sequence is
compared with the handout's, naming the first differences.

Where the child recorded the layer graph (which layer feeds which, and the layers called on the
model's tensors that are not part of it: ``grader.collect._keras.layer_graph``), the tokens
become a :class:`TokenGraph` and :func:`graph_findings` states what the graph shows: a block
computed but never used, a layer fed another input than the handout's. Each finding is a fact
of the graph, so it may be given as a hint; without a graph there is no such claim.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

_ACTIVATION_TOKENS = {
    "sigmoid": "sigmoid",
    "leaky_relu": "LeakyReLU(0.2)",  # keras.activations.leaky_relu's default slope is 0.2
    "relu": "ReLU",
    "tanh": "tanh",
    "softmax": "softmax",
}


def layer_tokens(layers: list[dict]) -> list[str]:
    """One token per layer (plus one for an ``activation=`` other than linear)."""
    tokens = []
    for layer in layers:
        cls = layer.get("class", "?")
        activation = layer.get("activation")
        if cls == "Dense":
            tokens.append(f"Dense({layer.get('units')})")
        elif cls in ("Conv2D", "Conv2DTranspose"):
            tokens.append(_conv_token(cls, layer))
        elif cls == "LeakyReLU":
            tokens.append(f"LeakyReLU({float(layer.get('negative_slope', 0.3)):g})")
            activation = None
        elif cls == "Activation":
            pass
        elif cls == "ReLU":
            tokens.append("ReLU")
        elif cls == "Reshape":
            tokens.append(f"Reshape({', '.join(str(s) for s in layer.get('target_shape', []))})")
        else:
            tokens.append(cls)
        if activation and activation != "linear":
            tokens.append(_ACTIVATION_TOKENS.get(str(activation), str(activation)))
    return tokens


def _conv_token(cls: str, layer: dict) -> str:
    kernel = layer.get("kernel_size", "?")
    kernel = "x".join(str(k) for k in kernel) if isinstance(kernel, list) else str(kernel)
    strides = layer.get("strides", 1)
    if isinstance(strides, list):
        strides = strides[0] if len(set(strides)) == 1 else "x".join(map(str, strides))
    return f"{cls}({layer.get('filters')}, {kernel}, stride {strides}, {layer.get('padding')})"


def differences(got: list[str], expected: list[str], limit: int = 2) -> list[str]:
    """Human-readable differences between two token sequences, first ``limit`` of them."""
    found = []
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        want, have = ", ".join(expected[i1:i2]), ", ".join(got[j1:j2])
        if op == "replace":
            found.append(f"got {have} where the handout has {want}")
        elif op == "delete":
            found.append(f"missing {want}")
        else:
            found.append(f"extra {have}")
    return found[:limit]


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


# ---------------------------------------------------------------- the layer graph


@dataclass(frozen=True)
class TokenGraph:
    """A model's layers as tokens and which token feeds which: ``sources[i]`` are the indices
    of the tokens whose outputs token i takes (-1: the model's input; None: unknown)."""

    tokens: list[str]
    sources: list[tuple[int | None, ...]]


def chain(tokens: list[str]) -> TokenGraph:
    """The handout's sequential architectures: each token fed the one before (the first, the
    input)."""
    return TokenGraph(list(tokens), [(i - 1,) for i in range(len(tokens))])


def token_graph(
    layers: list[dict], graph: dict, skip: frozenset[int] = frozenset()
) -> tuple[TokenGraph, TokenGraph] | None:
    """The token graph of a model from its described layers and its recorded ``graph`` (see
    ``grader.collect._keras.layer_graph``), without the layers in ``skip`` (the sampler), and
    the token graph of its unused layers (whose sources count the live tokens first); None when
    the recorded graph does not fit the layers."""
    if not isinstance(graph, dict):
        return None
    inbound, unused = graph.get("inbound"), graph.get("unused") or []
    if not isinstance(inbound, list) or len(inbound) != len(layers):
        return None
    described = list(layers) + [dict(u) for u in unused]
    calls = list(inbound) + [[u.get("inbound") or []] for u in unused]
    tokens, sources, first, last = [], [], {}, {}
    order = [i for i in range(len(described)) if i not in skip]
    live = [i for i in order if i < len(layers)] + [i for i in order if i >= len(layers)]

    def output_of(index, seen=()):
        """The token giving layer ``index``'s output (through token-less layers)."""
        if index is None or index == -1:
            return index
        if index in last:
            return last[index]
        if index in seen or not (0 <= index < len(described)) or not calls[index]:
            return None
        feeding = calls[index][0]
        return output_of(feeding[0], (*seen, index)) if len(feeding) == 1 else None

    n_live = 0
    for index in live:  # tokens first, sources once every layer's tokens are known
        if index < len(layers):
            n_live = len(tokens) + len(layer_tokens([described[index]]))
        own = layer_tokens([described[index]])
        if own:
            first[index] = len(tokens)
            tokens.extend(own)
            last[index] = len(tokens) - 1
            sources.extend([()] * len(own))
    for index, start in first.items():
        feeding = calls[index][0] if calls[index] else []
        sources[start] = tuple(output_of(s) for s in feeding)
        for t in range(start + 1, last[index] + 1):
            sources[t] = (t - 1,)
    live_graph = TokenGraph(tokens[:n_live], sources[:n_live])
    return live_graph, TokenGraph(tokens[n_live:], sources[n_live:])


def _named(graph: TokenGraph, source: int | None) -> str:
    if source == -1:
        return "the model's input"
    if source is None or not 0 <= source < len(graph.tokens):
        return "another layer"
    return f"the output of {graph.tokens[source]}"


def graph_findings(got: TokenGraph, dead: TokenGraph, want: TokenGraph) -> list[str]:
    """What the layer graph shows, as sentences (each a fact of the graph, never a guess):
    layers computed but never used, when the handout has them and the model lacks them; a layer
    that matches one of the handout's, fed another of the matching layers (or the input) than
    the handout's. A missing layer alone is no finding: the token differences name it."""
    findings = []
    missing = Counter(want.tokens) - Counter(got.tokens)
    if dead.tokens and any(t in missing for t in dead.tokens):
        root = dead.sources[0][0] if dead.sources and dead.sources[0] else None
        fed = [got.tokens[j] for j, s in enumerate(got.sources) if root is not None and root in s]
        text = " -> ".join(dead.tokens[:4]) + (" -> ..." if len(dead.tokens) > 4 else "")
        finding = f"{text} is computed but never used"
        if len(fed) == 1:
            finding += f": {fed[0]} is fed {_named(got, root)} instead of its output"
        findings.append(finding)
    matcher = difflib.SequenceMatcher(a=want.tokens, b=got.tokens, autojunk=False)
    to_want = {-1: -1}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            to_want[block.b + k] = block.a + k
    matched = set(to_want.values())
    for j, i in sorted(to_want.items()):
        if j < 0 or not set(want.sources[i]) <= matched:
            continue  # the handout's feeder is missing here: a missing layer, not a wiring
        mapped = tuple(to_want.get(s) for s in got.sources[j])
        if not mapped or None in mapped or set(mapped) == set(want.sources[i]):
            continue
        wanted = " and ".join(_named(want, s) for s in want.sources[i])
        have = " and ".join(_named(got, s) for s in got.sources[j])
        findings.append(f"{got.tokens[j]} is fed {have} where the handout feeds it {wanted}")
    return findings
