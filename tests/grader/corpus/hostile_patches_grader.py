# part: part1_autoencoders
# breaks: add_noise
# status: exited
"""Patches the grader from inside add_noise: its checks and scoring (not even in the sandbox
since issue 11; in the child they would have no effect on the parent, which scores) and its
result writer (the bytes are refused: add_noise gets 0)."""


def add_noise(x, sigma=20 / 255, seed=None):
    import importlib

    import grader.observations

    for name, attribute in (
        ("grader.pytest_plugin", "run_checks"),
        ("grader.scoring", "score_question"),
    ):
        try:
            setattr(
                importlib.import_module(name), attribute, lambda *args, **kwargs: None
            )
        except ImportError:  # the sandbox holds the child's modules only
            pass
    grader.observations.Observations.to_bytes = lambda self: b"{'score': 100}"
    return x
