# part: part1_autoencoders
# breaks: add_noise
# status: exited
"""Patches the grader from inside add_noise: its checks and scoring (in the child: no effect on
the parent, which scores) and its result writer (the bytes are refused: add_noise gets 0)."""


def add_noise(x, sigma=20 / 255, seed=None):
    import grader.checks.add_noise
    import grader.observations
    import grader.scoring

    grader.checks.add_noise.score = lambda *args, **kwargs: []
    grader.scoring.score_question = lambda *args, **kwargs: None
    grader.observations.Observations.to_bytes = lambda self: b"{'score': 100}"
    return x
