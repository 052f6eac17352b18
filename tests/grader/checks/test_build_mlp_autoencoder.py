"""build_mlp_autoencoder (parent side, NumPy only): the handout's parameter counts, and its six
checks (grader.checks._autoencoder.AutoencoderChecks, shared with build_conv_autoencoder) as the
grader's pytest file records them."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import check_module
from grader.observations import ErrorInfo, Observations

from .helpers import checked

ENCODER, DECODER, COMPOSITION, PARAMS = 1, 2, 3, 5  # indices in the list of checks


def test_mlp_autoencoder_parameter_counts_follow_the_handout():
    """Are the MLP autoencoder's counts those of its Dense layers at z_dim = 2 (1,570 and
    2,352)?"""
    mlp = check_module("build_mlp_autoencoder")
    assert (mlp.encoder_params(2), mlp.decoder_params(2)) == (1570, 2352)


def handout_mlp() -> dict:
    """What the child observes of the handout's MLP for z_dim = 2 and 10 (layer dicts as
    tp_ae.selfcheck.keras_facts.describe_layer writes them; counts by hand: Dense 784 -> z has
    785 z parameters, Dense z -> 784 has 784 (z + 1))."""
    values = {}
    image = np.full((6, 28, 28, 1), 0.5, dtype=np.float32)
    for z in (2, 10):
        encoder = [
            {"class": "Flatten"},
            {"class": "Dense", "units": z, "activation": "linear"},
            {"class": "LeakyReLU", "negative_slope": 0.2},
        ]
        decoder = [
            {"class": "Dense", "units": 784, "activation": "sigmoid"},
            {"class": "Reshape", "target_shape": [28, 28, 1]},
        ]
        values[f"z{z}.returned"] = {"type": "tuple", "len": 3}
        values[f"z{z}.encoder.facts"] = model(785 * z, encoder)
        values[f"z{z}.decoder.facts"] = model(784 * (z + 1), decoder)
        values[f"z{z}.autoencoder.facts"] = model(785 * z + 784 * (z + 1), encoder + decoder)
        values[f"z{z}.encoded"] = np.zeros((6, z), dtype=np.float32)
        for key in ("decoded", "reconstructed", "reconstructed.again", "composed"):
            values[f"z{z}.{key}"] = image.copy()
    return values


def model(params: int, layers: list[dict]) -> dict:
    return {"type": "Functional", "is_model": True, "params": params, "layers": layers}


def mlp_checks(rng, values: dict, errors: dict | None = None):
    module = check_module("build_mlp_autoencoder")
    return checked(module, module.make_inputs(rng), Observations(values, errors))


def test_the_handouts_mlp_earns_every_check(rng):
    """Do the six checks, in the grader's order, all pass on the handout's MLP, no message, no
    hint?"""
    checks = mlp_checks(rng, handout_mlp())
    assert [c.weight for c in checks] == [0.1, 0.2, 0.2, 0.1, 0.25, 0.15]
    assert all(c.passed and c.message == c.hint == "" for c in checks)


def test_one_code_size_for_both_z_dims_names_the_z_dim_argument(rng):
    """A z_dim ignored (both codes (6, 10)): half the encoder check, that z_dim's message, and
    the hint that the argument is unused rather than the Dense(z_dim) one?"""
    values = handout_mlp()
    values["z2.encoded"] = values["z10.encoded"]
    check = mlp_checks(rng, values)[ENCODER]
    assert check.fraction == 0.5
    assert check.message == "z_dim=2: got shape (6, 10), expected (6, 2)"
    assert check.hint.startswith("use the z_dim argument")


def test_decoder_out_of_range_for_one_z_dim_costs_half_its_part(rng):
    """Values outside [0, 1] at z_dim = 2 only: 3/4 of the decoder check, the sigmoid hint?"""
    values = handout_mlp()
    values["z2.decoded"] = values["z2.decoded"] * 4
    check = mlp_checks(rng, values)[DECODER]
    assert check.fraction == 0.75
    assert check.message == "z_dim=2: got values in [2, 2], expected [0, 1]"
    assert "sigmoid" in check.hint


def test_an_autoencoder_random_at_inference_is_named_from_two_calls(rng):
    """autoencoder(x) off decoder(encoder(x)) and two calls differing: no composition points,
    the measured spread in the message and the dropout hint (not the composition one)?"""
    values = handout_mlp()
    values["z10.reconstructed"] = values["z10.composed"] + 0.25
    values["z10.reconstructed.again"] = values["z10.composed"] - 0.25
    check = mlp_checks(rng, values)[COMPOSITION]
    assert check.fraction == 0
    assert check.message == (
        "autoencoder(x) differs from decoder(encoder(x)); "
        "two calls of autoencoder(x) differ by up to 0.5"
    )
    assert check.hint.startswith("the autoencoder is random at inference")
    values["z10.reconstructed.again"] = values["z10.reconstructed"]
    assert mlp_checks(rng, values)[COMPOSITION].hint.startswith("build the autoencoder from")


def test_wrong_parameter_counts_list_two_and_elide_the_rest(rng):
    """Every count off: no parameter points, the first two differences then "...", the hint?"""
    values = handout_mlp()
    for key in [k for k in values if k.endswith((".encoder.facts", ".decoder.facts"))]:
        values[key] = {**values[key], "params": 7}
    check = mlp_checks(rng, values)[PARAMS]
    assert check.fraction == 0
    assert check.message == (
        "encoder, z_dim=2: got 7 parameters, expected 1,570; "
        "decoder, z_dim=2: got 7 parameters, expected 2,352; ..."
    )
    assert check.hint.startswith("a different parameter count")


@pytest.mark.parametrize("errors", [None, {"z2.build": ErrorInfo("ValueError", "no")}])
def test_nothing_built_fails_every_check_with_a_message(rng, errors):
    """No observations (or a build error only): every check fails, none crashes, and each says
    why (the student's error where there is one)?"""
    checks = mlp_checks(rng, {}, errors)
    assert len(checks) == 6
    assert all(c.fraction == 0 and c.message for c in checks)
    if errors:
        assert checks[0].message.startswith("build_mlp_autoencoder(z_dim=2) raised ValueError: no")
