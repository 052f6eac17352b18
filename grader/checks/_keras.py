"""Moved to :mod:`grader.collect._keras` (child side); kept so that old imports still work."""

from grader.collect._keras import (  # noqa: F401 - re-exported
    _activation_name,
    describe_layer,
    model_facts,
    run_compiled,
    sampler_index,
)
