"""``tp-ae make-exercises``: the exercises, the solutions and their notebooks, from one source.

The reference answers (``tp_ae/autoencoders.py``, ``losses.py``, ``vae.py``) hold each
question's body between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the handout
(``exercises/README.md``) holds each question's text. The generator is a list of small steps,
one module each, and never imports the reference (no TensorFlow):

1. ``markers``: find the solution regions, clear them (nbgrader's convention);
2. ``extract``: read a reference module's imports, constants and functions with ``ast``;
3. ``imports``: merge the imports of a part's modules and template;
4. ``handout``: read the question texts from the handout;
5. ``template``: read a part's given code (training, figures) from ``templates/``;
6. ``assemble``: put a part together (``parts`` says what each part is) and check it;
7. ``render_script``: the ``.py`` file, exercise or solution;
8. ``render_notebook``: the ``.ipynb`` file, exercise or solution;
9. ``output``: write the files, or list the stale ones (``--check``);

with ``answers`` (the written questions' answer cells and ``exercises/answers.md``) and ``key``
(the answer key ``solutions/answers.md``, from ``templates/answers.md`` and the numbers of the
recorded run ``solutions/recorded.json``, which ``python -m tp_ae.exercises.record`` writes: the
one step that trains, run by hand, never by the generator). ``command`` is the
``tp-ae make-exercises`` subcommand.
"""

from __future__ import annotations

from tp_ae.exercises.command import add_arguments, run

__all__ = ["add_arguments", "run"]
