"""The tp-ae autograder: ``tp-ae grade``, ``tp-ae check``, ``python -m grader``.

Split by job, each module named for what it holds:

- ``config``: course settings (points, bonus, timeout, memory cap, Gradescope visibility) from
  a TOML file; ``QUESTION_IDS`` in the TP's order;
- ``submission``: finding and reading a submission (.py, .ipynb, folder, .zip) without running
  it; only imports, definitions and constants are kept;
- ``sandbox`` (parent side) and ``_child`` (the sandboxed child): student code runs only in the
  child, one forked worker per question, and comes back as plain values (``observations``,
  ``probe``);
- ``checks/<question_id>.py``: what each question is checked for (inputs drawn and scored in
  the parent with NumPy, values collected in the child);
- ``scoring``, ``results``: points, messages and hints as plain dataclasses, Gradescope's dict at
  one edge; ``writers``: results.json, feedback.md, gradebook.csv;
- ``grading.grade_submission(path, config)``: the programmatic entry point;
- ``commands/``: the ``grade`` and ``check`` subcommands.

Importing ``grader`` (or any module of it but ``_child``) never imports TensorFlow.
"""
