"""Reading the recorded layer graph (:func:`tp_ae.selfcheck.keras_facts.layer_graph`): plain
data, no Keras. Shared by the release's self-check and the grader's parent (the same findings,
in the same words, on both sides).

A model's layers become tokens (``Conv2D(8, 3x3, stride 2, same)``, ``LeakyReLU(0.2)``: see
:func:`tp_ae.selfcheck.checks._models.layer_tokens`) and a :class:`TokenGraph` says which token
feeds which. :func:`graph_findings` and :func:`head_finding` state only what the graph shows (a
block computed but never used, a layer fed another input than the handout's, one layer for both
VAE heads, a head fed the other): each is a fact of the graph, so it may be given as a hint;
without a recorded graph there is no such claim.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from tp_ae.selfcheck.checks._models import layer_tokens


@dataclass(frozen=True)
class TokenGraph:
    """A model's layers as tokens and which token feeds which: ``sources[i]`` are the indices
    of the tokens whose outputs token i takes (-1: the model's input; None: unknown)."""

    tokens: list[str]
    sources: list[tuple[int | None, ...]]


def chain(tokens: list[str]) -> TokenGraph:
    """A sequential architecture: each token fed the one before (the first, the input)."""
    return TokenGraph(list(tokens), [(i - 1,) for i in range(len(tokens))])


def two_heads(tokens: list[str]) -> TokenGraph:
    """A VAE encoder's architecture: a chain, then two heads (z_mean, z_log_var) both fed the
    chain's last token, then, when the last token is ``Sampling``, the sampler fed both heads."""
    sampler = bool(tokens) and tokens[-1] == "Sampling"
    first_head = len(tokens) - 2 - sampler
    sources = [(i - 1,) for i in range(first_head)]
    sources += [(first_head - 1,), (first_head - 1,)]
    if sampler:
        sources.append((first_head, first_head + 1))
    return TokenGraph(list(tokens), sources)


def token_graph(
    layers: list[dict], graph: object, skip: frozenset[int] = frozenset()
) -> tuple[TokenGraph, TokenGraph] | None:
    """The token graph of a model from its described layers and its recorded ``graph``,
    without the layers in ``skip`` (the sampler), and the token graph of its unused layers
    (whose sources count the live tokens first); None when the recorded graph does not fit the
    layers (or there is none)."""
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


def head_finding(graph: object) -> str:
    """What a VAE encoder's recorded graph shows of its two heads (outputs 0 and 1): one layer
    giving both, or one head fed the other; "" when neither (or no graph)."""
    if not isinstance(graph, dict):
        return ""
    outputs, inbound = graph.get("outputs"), graph.get("inbound")
    if not isinstance(outputs, list) or len(outputs) < 2 or not isinstance(inbound, list):
        return ""
    mean, log_var = outputs[:2]
    if not all(isinstance(i, int) and 0 <= i < len(inbound) for i in (mean, log_var)):
        return ""
    if mean == log_var:
        return (
            "one Dense layer gives both z_mean and z_log_var (so z_log_var == z_mean): give each "
            "head its own Dense(z_dim), both fed the hidden layer"
        )

    def fed(index: int) -> set:
        return {s for call in inbound[index] for s in call}

    for head, other, name, other_name in (
        (log_var, mean, "z_log_var", "z_mean"),
        (mean, log_var, "z_mean", "z_log_var"),
    ):
        if other in fed(head):
            return (
                f"{name} is computed from {other_name} (its Dense is fed {other_name}'s "
                "output): both heads are Dense(z_dim) layers fed the hidden layer's output"
            )
    return ""
