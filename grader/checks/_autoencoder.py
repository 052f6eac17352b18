"""The checks shared by the two autoencoder builders (MLP and convolutional), as pytest tests.

Built with z_dim = 2 and 10: three Models returned; encoder (N, 28, 28, 1) -> (N, z_dim);
decoder (N, z_dim) -> (N, 28, 28, 1) in [0, 1]; autoencoder = decoder(encoder(x)); the
handout's layers and parameter counts (shapes right with another architecture keep the shape
points).

:class:`AutoencoderChecks` holds the six checks, one test method each; a question's file
(``test_build_mlp_autoencoder.py``, ``test_build_conv_autoencoder.py``) subclasses it with its
:class:`AutoencoderSpec`. A check judged per z_dim earns the mean of its parts
(:class:`~grader.pytest_plugin.Partial`); its hint sits next to the assert whose evidence it
reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from grader.checks._architecture import architecture_hint
from grader.checks._common import close, decoder_check, error_text, shape_text
from grader.collect._autoencoder import IMAGE, Z_DIMS, N
from grader.observations import Observations
from grader.pytest_plugin import Partial, settle
from tp_ae.selfcheck.builds import autoencoder_layers, code_shapes, param_counts

MODELS = ("encoder", "decoder", "autoencoder")
COMPOSE = (
    "build the autoencoder from the same encoder and decoder: keras.Model(x, decoder(encoder(x)))"
)
SAME_CODE_SIZE = "use the z_dim argument: both z_dim values gave the same code size"
RANDOM_AT_INFERENCE = (
    "the autoencoder is random at inference: dropout or noise is left on (training=True); "
    "keras.layers.Dropout is off by default outside fit"
)


@dataclass(frozen=True)
class AutoencoderSpec:
    """The handout's architecture of one autoencoder, as functions of z_dim."""

    question_id: str
    encoder_layers: Callable[[int], list[str]]
    decoder_layers: Callable[[int], list[str]]
    encoder_params: Callable[[int], int]
    decoder_params: Callable[[int], int]


def make_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Images x (6, 28, 28, 1) in [0, 1]; codes z (6, z_dim) ~ 3 N(0, 1) to push the decoder."""
    inputs = {"x": rng.random((N, *IMAGE)).astype(np.float32)}
    for z_dim in Z_DIMS:
        inputs[f"z{z_dim}"] = (3 * rng.normal(size=(N, z_dim))).astype(np.float32)
    return inputs


def build_error(spec: AutoencoderSpec, obs: Observations, z_dim: int) -> str:
    """Why nothing was built for ``z_dim``: the student's error, else that nothing came back."""
    key, call = f"z{z_dim}", f"{spec.question_id}(z_dim={z_dim})"
    return (
        error_text(obs, f"{key}.build", call)
        or error_text(obs, f"{key}.returned", f"unpacking {call}")
        or f"z_dim={z_dim}: nothing came back to check"
    )


class AutoencoderChecks:
    """The checks of one autoencoder builder: subclass as ``Test...`` with ``spec`` set."""

    spec: AutoencoderSpec

    @pytest.mark.weight(0.1)
    @pytest.mark.hint("return encoder, decoder, autoencoder (each a keras.Model)")
    def test_returns_three_keras_models(self, answer):
        """returns (encoder, decoder, autoencoder), three keras Models"""
        parts, messages = [], []
        for z_dim in Z_DIMS:
            returned = answer.get(f"z{z_dim}.returned")
            if returned is None:
                parts.append(0.0)
                messages.append(build_error(self.spec, answer, z_dim))
                continue
            facts = [answer.get(f"z{z_dim}.{m}.facts") or {} for m in MODELS]
            ok = returned.get("len") == 3 and all(f.get("is_model") for f in facts)
            parts.append(float(ok))
            if not ok:
                kinds = ", ".join(f.get("type", "?") for f in facts)
                kinds = f" ({kinds})" if returned.get("len") == 3 else ""
                messages.append(
                    f"z_dim={z_dim}: got a {returned.get('type')} of {returned.get('len')} items"
                    f"{kinds}, expected 3 keras.Model objects"
                )
        settle(parts, messages)

    @pytest.mark.weight(0.2)
    @pytest.mark.hint("the encoder's last layer must be Dense(z_dim) (after Flatten)")
    def test_encoder_maps_images_to_codes(self, answer):
        """encoder: (N, 28, 28, 1) -> (N, z_dim) for z_dim = 2 and 10"""
        parts, messages, same = code_shapes(
            answer,
            list(Z_DIMS),
            N,
            lambda z_dim: (
                error_text(answer, f"z{z_dim}.encoded", "encoder(x)")
                or build_error(self.spec, answer, z_dim)
            ),
        )
        settle(parts, messages, [SAME_CODE_SIZE if same else ""])  # else the Dense(z_dim) hint

    @pytest.mark.weight(0.2)
    def test_decoder_maps_codes_to_images_in_the_unit_range(self, answer):
        """decoder: (N, z_dim) -> (N, 28, 28, 1), values in [0, 1]"""
        # half of each z_dim's part is the shape (hint: the Reshape), half the range (sigmoid)
        found = decoder_check(
            answer,
            N,
            Z_DIMS,
            0.2,
            lambda z_dim: build_error(self.spec, answer, z_dim),
            "end the decoder with a sigmoid so that pixels are in [0, 1]",
        )
        if found.fraction < 1:
            raise Partial(found.fraction, found.message, found.hint)

    @pytest.mark.weight(0.1)
    def test_autoencoder_is_the_decoder_of_the_encoder(self, answer, hint):
        """autoencoder(x) == decoder(encoder(x)), shape (N, 28, 28, 1)"""
        got, want = answer.array("z10.reconstructed"), answer.array("z10.composed")
        assert got is not None, (
            error_text(answer, "z10.reconstructed", "autoencoder(x)") or "no model to call"
        )
        right = want is not None and got.shape == (N, *IMAGE)
        right = right and close(got, want, rtol=1e-4, atol=1e-5)
        message = f"got shape {shape_text(got.shape)}" + (
            "" if want is None else f", decoder(encoder(x)) has shape {shape_text(want.shape)}"
        )
        if want is not None and got.shape == want.shape:
            message = "autoencoder(x) differs from decoder(encoder(x))"
        hint(COMPOSE)
        again = answer.array("z10.reconstructed.again")
        if not right and again is not None and again.shape == got.shape:
            if not close(got, again, 1e-6, 1e-7):
                # evidence: the same x gives two different outputs: random at inference
                spread = float(np.max(np.abs(np.float64(got) - again)))
                message += f"; two calls of autoencoder(x) differ by up to {spread:.3g}"
                hint(RANDOM_AT_INFERENCE)
        assert right, message

    @pytest.mark.weight(0.25)
    def test_layers_follow_the_handout(self, answer):
        """layers as in the handout"""
        # the handout's layers in order and, where the child recorded the layer graph, fed as
        # in the handout (a graph finding is the hint: it is a fact of the graph)
        handout = [
            ("encoder", self.spec.encoder_layers(10)),
            ("decoder", self.spec.decoder_layers(10)),
        ]
        parts, messages, findings = autoencoder_layers(answer, handout)
        settle(parts, messages, [findings[0] if findings else architecture_hint(messages)])

    @pytest.mark.weight(0.15)
    @pytest.mark.hint(
        "a different parameter count means different layers or sizes: compare with the "
        "handout's list"
    )
    def test_parameter_counts_follow_the_handout(self, answer):
        """parameter counts as in the handout (z_dim = 2 and 10)"""
        counts = [
            (z, f"z_dim={z}", (self.spec.encoder_params(z), self.spec.decoder_params(z)))
            for z in Z_DIMS
        ]
        right, messages = param_counts(answer, counts)
        shown = messages[:2] + (["..."] if len(messages) > 2 else [])
        settle([float(r) for r in right], shown)
