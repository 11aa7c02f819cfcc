"""Exercises with automatic checks, hints and solutions.

In a notebook::

    from musiclearn.exercises import check, hint, solution, show

    show("00.amplitude_to_db")        # the task
    def amplitude_to_db(ratio):
        ...
    check("00.amplitude_to_db", amplitude_to_db)   # green when right, a specific reason when not
    hint("00.amplitude_to_db")        # the next hint each time you call it
    amplitude_to_db = solution("00.amplitude_to_db")   # shows the reference code and returns it

:func:`check` runs your function (or compares your value) against a reference
on several inputs. When the answer is wrong it says *what* is wrong: a wrong
shape, a missing ``return``, a result off by a constant factor, or one of the
typical mistakes the exercise knows about ("you built the symmetric Hann
window..."). The returned :class:`Result` renders green or red in Jupyter, and
``check(...).passed`` is a plain bool, so cells can ``assert`` it.

Each reference solution exists once, here; a notebook's solution cell calls
:func:`solution`, which shows the code and returns the answer. A teacher hands
out the course without solutions with one switch: ``python3 course.py lab
--no-solutions`` (or ``MUSICLEARN_SOLUTIONS=hide``); see :func:`show_solutions`.

Layout
------
``_engine.py`` holds the machinery (:class:`Exercise`, :func:`check`, ...);
``nbNN.py`` holds the exercises of notebook ``NN``, one file per notebook;
``_compare.py`` the answer comparisons they share. Every ``nbNN`` module
listed in :data:`NOTEBOOKS` is imported with this package: a missing or broken
one raises an error instead of silently losing exercises.

Adding exercises
----------------
Exercises have ids ``"NN.name"`` (``NN`` = the notebook number). Decorate the
reference solution with :func:`exercise` in ``nbNN.py``; its source (without
the decorator) is what :func:`solution` shows, so write it the way a learner
should::

    from ._engine import Mistake, exercise

    @exercise(
        "02.hann",
        prompt="Write `hann(N)` ...",
        inputs=[(8,), (9,)],                 # positional arguments per test case
        arg_names=("N",),                    # used in messages: "for N=8"
        diagnostics=[looks_like_hamming],    # recognise typical mistakes
        mistakes=[Mistake(np.hamming, says="Hamming")],  # tests prove they are caught
        hints=["...", "..."],
    )
    def hann(N):
        ...

A *value* exercise (the answer is a number, array or word, not a function)
leaves ``inputs`` out; its reference is a function of no arguments returning
the expected value. A *diagnostic* is ``f(got, expected, case) -> str | None``:
it receives your output, the reference output and the :class:`Case` (``None``
for value exercises) and returns a message when it recognises the mistake.
Every registered exercise needs at least two ``mistakes``: each is a wrong
answer plus a phrase its message must contain. ``tests/test_exercises.py``
checks all of them, so new exercises are tested automatically. A new
notebook's module is added to :data:`NOTEBOOKS`.

Notebook: ``00_welcome.ipynb`` shows how exercises work.
"""

from __future__ import annotations

import importlib

from ._engine import (
    SOLUTIONS_ENV,
    Case,
    Exercise,
    Message,
    Mistake,
    Result,
    available,
    check,
    exercise,
    get,
    hint,
    list_exercises,
    register,
    reset_hints,
    show,
    show_solutions,
    solution,
    solution_code,
    solutions_shown,
)

__all__ = [
    "Case", "Mistake", "Exercise", "Result", "Message",
    "exercise", "register", "get", "check", "hint", "solution", "solution_code", "show",
    "show_solutions", "solutions_shown", "SOLUTIONS_ENV",
    "list_exercises", "available", "reset_hints", "NOTEBOOKS",
]

#: The notebooks that have exercises; module ``nbNN`` of this package holds notebook NN's.
NOTEBOOKS: tuple[str, ...] = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16")


def _load_notebook_modules() -> None:
    for number in NOTEBOOKS:
        name = f"{__name__}.nb{number}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            raise ImportError(
                f"musiclearn is installed without its exercises for notebook {number} ({name} is missing); "
                "reinstall musiclearn from a complete copy of the course (pip install --force-reinstall)"
            ) from error


_load_notebook_modules()
