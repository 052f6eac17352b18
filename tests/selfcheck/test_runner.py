"""tp_ae/selfcheck/runner.py: what the self-check says around a question's own checks."""

from __future__ import annotations

from tp_ae.selfcheck.results import CheckResult
from tp_ae.selfcheck.runner import _with_hint


def test_an_answer_reaching_for_the_reference_is_told_it_gets_zero():
    """Does an answer whose call fails for want of a reference module (absent from the
    release) get the hint that it uses the reference, not the generic 'fix the line'?"""
    message = (
        "vae_loss(x, y, mu, lv) raised ModuleNotFoundError: No module named 'tp_ae.losses' "
        "(part2_vae.py, line 9)"
    )
    hint = _with_hint(CheckResult("values", 1.0, 0.0, message)).hint
    assert "tp_ae.losses is the reference implementation" in hint and "0" in hint
    other = message.replace("tp_ae.losses", "scipy")
    assert "fix the line" in _with_hint(CheckResult("values", 1.0, 0.0, other)).hint
