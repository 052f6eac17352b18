"""The student's self-check, as shipped in the release (``tp-ae check`` there).

It runs the public checks of the visible questions on the student's own functions, in this
process, and prints what the grader prints: per check "got ..., expected ...", a hint, and a
score line. Everything it compares with was prepared when the instructor built the release
(``tp-ae release``): the test inputs on fixed seeds, the reference's outputs on them, the outputs
of the classic mistakes with their hints, the handout's layer tables and parameter counts, all in
``tp_ae/selfcheck/data/`` as ``.npz`` and JSON. No code here computes an answer, and nothing
here imports the grader.

Modules, each one job:

- ``data``: read the prepared checks (``checks.json`` and one ``<question_id>.npz`` each);
- ``loading``: read a submission's files and run only its imports, definitions and constants;
- ``recorder``: call the student's code, record values and errors (never raise);
- ``timer``: a per-question time limit where the platform allows it (SIGALRM, not on Windows);
- ``judge``: the shared comparisons ("got ..., expected ...", the reduction slips, mistakes);
- ``checks/<question_id>``: what each question calls and how it is scored;
- ``results``: check and question results, and their text;
- ``command``: ``tp-ae check``; ``train_command``: ``tp-ae train-mine`` (the student's training).
"""
