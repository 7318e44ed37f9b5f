"""Practice: a student answers an exercise part by part and gets instant feedback and hints (issue 18).

One engine (:mod:`practice.engine`) drives two front ends:

- ``solve practice ID… [--lang zh] [--seed N] [--review]`` — the terminal (:mod:`practice.terminal`);
- ``solve serve [--port 8000] [--host 127.0.0.1]`` — a local web page (:mod:`practice.web`, Starlette + uvicorn).

Every answer is graded by the grader itself (:func:`grader.grade.grade_part`: the same parser, named mistakes
and feedback as ``grade``); hints come from the solver's own steps (:mod:`practice.hints`); progress is kept in a
small SQLite file (:mod:`practice.store`).

How the commands reach ``solve``: the solver never imports the grader, so it cannot import this package either.
``pyproject.toml`` declares them as entry points of the group ``cnn_exercises.commands``::

    [project.entry-points."cnn_exercises.commands"]
    practice = "practice.terminal:practice_cmd"
    serve = "practice.web:serve_cmd"

and ``solver.cli``'s group looks that group up lazily — only when a command it does not define itself is asked
for, or when ``solve --help`` lists the commands — so ``solve exercise`` never loads this package.
"""

from solver.i18n import add_catalogues as _add_catalogues

_add_catalogues("practice.messages")        # its wording, loaded on the first lookup that needs it
