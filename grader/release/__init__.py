"""The student release (``tp-ae release``), built in the trusted course repository.

- ``public_checks``: the self-check's data: inputs on the grader's seeds, the reference's
  expected outputs, the known mistakes' outputs and hints, the handout's layer tables;
- ``handout``: the release's handout and notebooks (set-up, points table from course.toml);
- ``package``: the answer-free ``tp_ae`` of the release and its pyproject.toml;
- ``leaks``: the search of a built release for the reference's lines and other answers;
- ``build``: puts it together: ``DIR/`` (installable), ``DIR/exercises/``, ``DIR.zip``.
"""
