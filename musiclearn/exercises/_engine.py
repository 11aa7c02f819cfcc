"""The exercise engine: exercises, checks, hints and solutions (see the package docstring)."""


from __future__ import annotations

import copy
import difflib
import html
import inspect
import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "Case", "Mistake", "Exercise", "Result", "Message",
    "exercise", "register", "get", "check", "hint", "solution", "show",
    "list_exercises", "available", "reset_hints", "solution_code", "show_solutions",
    "solutions_shown", "SOLUTIONS_ENV",
]

_ID_PATTERN = re.compile(r"^\d\d\.[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------- data types

@dataclass(frozen=True)
class Case:
    """One test input of a function exercise: positional arguments and their names.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.
    """

    args: tuple
    names: tuple = ()

    def describe(self) -> str:
        """``"N=8"`` or ``"seconds=0.29, sr=100"``: how messages name this input."""
        parts = []
        for i, value in enumerate(self.args):
            name = self.names[i] if i < len(self.names) else f"argument {i + 1}"
            parts.append(f"{name}={_short(value)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and a phrase the check's message about it must contain.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Parameters
    ----------
    answer : object
        For function exercises a callable; for value exercises a value.
    says : str
        Words (case-insensitive) the message must contain, naming the specific
        problem, e.g. ``"symmetric"`` or ``"factor of 2"``.
    """

    answer: Any
    says: str


Diagnostic = Callable[[Any, Any, Case | None], str | None]


@dataclass
class Exercise:
    """One exercise: the task, a reference answer, test inputs, and how to explain mistakes.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Attributes
    ----------
    id : str
        ``"NN.name"``, where ``NN`` is the notebook number.
    prompt : str
        The task, as shown by :func:`show`.
    reference : callable
        The reference solution. For a value exercise (``inputs`` is None) it
        takes no arguments and returns the expected value.
    inputs : list of tuple, optional
        Positional arguments for each test case; None for a value exercise.
    arg_names : tuple of str
        Names of the arguments, used in messages ("for N=8").
    diagnostics : list of callable
        ``f(got, expected, case) -> str | None``, tried in order on a wrong
        answer; the first message returned is shown.
    mistakes : list of Mistake
        Typical wrong answers that the check must reject with a specific message.
    hints : list of str
        Shown one at a time by :func:`hint`.
    rtol, atol : float
        Tolerances for comparing numbers (as in ``numpy.allclose``).
    integer : bool
        The answer must be an int (e.g. a number of samples), not a float.
    solution_code : str
        The code :func:`solution` shows; by default the reference's source.
    """

    id: str
    prompt: str
    reference: Callable[..., Any]
    inputs: list[tuple] | None = None
    arg_names: tuple = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    rtol: float = 1e-6
    atol: float = 1e-9
    integer: bool = False
    solution_code: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID_PATTERN.match(self.id):
            raise ValueError(f"exercise id {self.id!r} must look like '02.hann': two digits for the notebook, "
                             "a dot, and a lowercase name")
        if not callable(self.reference):
            raise ValueError(f"exercise {self.id}: reference must be a function, got {type(self.reference).__name__}")
        if self.inputs is not None:
            self.inputs = [tuple(args) if isinstance(args, (tuple, list)) else (args,) for args in self.inputs]
            if not self.inputs:
                raise ValueError(f"exercise {self.id}: give at least one test input, or inputs=None "
                                 "for a value exercise")
        for m in self.mistakes:
            if not isinstance(m, Mistake) and not (isinstance(m, tuple) and len(m) == 2):
                raise ValueError(f"exercise {self.id}: give each mistake as Mistake(answer, says='words "
                                 f"its message must contain'), got {_short(m)}")
        self.mistakes = [m if isinstance(m, Mistake) else Mistake(*m) for m in self.mistakes]
        if not self.solution_code:
            self.solution_code = _source_without_decorators(self.reference)

    @property
    def kind(self) -> str:
        """``"function"`` (the answer is a function run on ``inputs``) or ``"value"``."""
        return "value" if self.inputs is None else "function"

    def cases(self) -> list[Case]:
        """The test cases, with argument names attached."""
        return [Case(args, tuple(self.arg_names)) for args in (self.inputs or [])]

    def check(self, answer: Any) -> "Result":
        """Check ``answer`` against the reference (see :func:`check`)."""
        if self.kind == "value":
            problem = self._problem(answer, _call_reference(self, ()), None)
        else:
            problem = self._check_function(answer)
        if problem is None:
            what = (f"your function matches the reference on all {len(self.inputs or [])} test inputs"
                    if self.kind == "function" else "that is the right answer")
            return Result(self.id, True, f"Correct: {what}.")
        return Result(self.id, False, f"{problem}\n(Stuck? hint({self.id!r}) gives a hint.)")

    def _check_function(self, answer: Any) -> str | None:
        if not callable(answer):
            return (f"Expected a function (pass its name without parentheses, e.g. check({self.id!r}, "
                    f"{self.reference.__name__})), got {type(answer).__name__} {_short(answer)}.")
        for case in self.cases():
            expected = _call_reference(self, case.args)
            try:
                got = answer(*copy.deepcopy(case.args))
            except Exception as error:
                return _explain_exception(error, case)
            problem = self._problem(got, expected, case)
            if problem is not None:
                return problem
        return None

    def _problem(self, got: Any, expected: Any, case: Case | None) -> str | None:
        where = f" for {case.describe()}" if case is not None else ""
        if got is None and expected is not None:
            return ("Your function returned None" + where + ": did you forget `return`?"
                    if case is not None else "Your answer is None: assign a value to it.")
        # Wrong answers may hold inf/nan (e.g. masked logits): judging them must not spray warnings.
        with np.errstate(all="ignore"):
            generic = _compare(got, expected, rtol=self.rtol, atol=self.atol, integer=self.integer)
        if generic is None:
            return None
        for diagnostic in self.diagnostics:
            try:
                with np.errstate(all="ignore"):
                    message = diagnostic(got, expected, case)
            except Exception:  # a diagnostic that cannot read this answer simply does not apply
                message = None
            if message:
                return f"{message} (seen{where})." if where else f"{message}."
        return generic[0].upper() + generic[1:] + where + "."


class _Display:
    """Shared rendering: plain text in a terminal, a coloured box in Jupyter."""

    _colour = "#0969da"
    _background = "#ddf4ff"

    def _text(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        return self._text()

    def _repr_html_(self) -> str:
        body = _html_with_code(self._text())
        return (f"<div style='border-left:4px solid {self._colour};background:{self._background};"
                f"color:#1f2328;padding:6px 10px;margin:4px 0;white-space:pre-wrap'>{body}</div>")


@dataclass(frozen=True, repr=False)
class Result(_Display):
    """The outcome of :func:`check`.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Attributes
    ----------
    exercise_id : str
    passed : bool
        True when the answer is right; ``assert check(...).passed`` in solution cells.
    message : str
        Why it is right or, specifically, what is wrong.
    """

    exercise_id: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    @property
    def _colour(self) -> str:  # type: ignore[override]
        return "#1a7f37" if self.passed else "#cf222e"

    @property
    def _background(self) -> str:  # type: ignore[override]
        return "#dafbe1" if self.passed else "#ffebe9"

    def _text(self) -> str:
        if self.passed:
            return f"✔ {self.exercise_id}: {self.message}"
        return f"✘ {self.exercise_id}, not yet: {self.message}"


@dataclass(frozen=True, repr=False)
class Message(_Display):
    """Text from :func:`show`, :func:`hint` or :func:`solution`; renders as a box in Jupyter.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.
    """

    title: str
    text: str
    code: bool = False

    def _text(self) -> str:
        return f"{self.title}\n{self.text}"

    def _repr_html_(self) -> str:
        if not self.code:
            return super()._repr_html_()
        return (f"<div style='border-left:4px solid {self._colour};background:{self._background};"
                f"color:#1f2328;padding:6px 10px;margin:4px 0'><strong>{html.escape(self.title)}</strong>"
                f"<pre style='margin:4px 0'>{html.escape(self.text)}</pre></div>")


# --------------------------------------------------------------------------- registry

_REGISTRY: dict[str, Exercise] = {}
_HINTS_SHOWN: dict[str, int] = {}


def register(ex: Exercise, *, replace: bool = False) -> Exercise:
    """Add an exercise to the registry.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Parameters
    ----------
    ex : Exercise
    replace : bool, keyword-only
        Allow replacing an exercise with the same id (default: a duplicate id
        is an error, since two notebooks would silently share it).

    Returns
    -------
    Exercise
        ``ex`` itself.

    Examples
    --------
    >>> from musiclearn.exercises import Exercise, Mistake, register
    >>> from musiclearn import exercises
    >>> ex = Exercise("99.answer", "What is six times seven?", reference=lambda: 42,
    ...               mistakes=[Mistake(24, says="24"), Mistake(67, says="67")])
    >>> register(ex).kind  # doctest: +SKIP
    'value'
    """
    if not isinstance(ex, Exercise):
        raise ValueError(f"register() takes an Exercise, got {type(ex).__name__}")
    if ex.id in _REGISTRY and not replace:
        raise ValueError(f"exercise {ex.id!r} is already registered; pick another name or pass replace=True")
    _REGISTRY[ex.id] = ex
    _HINTS_SHOWN.pop(ex.id, None)
    return ex


def exercise(exercise_id: str, *, prompt: str, inputs: Sequence[Any] | None = None,
             arg_names: Sequence[str] = (), diagnostics: Sequence[Diagnostic] = (),
             mistakes: Sequence[Any] = (), hints: Sequence[str] = (), rtol: float = 1e-6,
             atol: float = 1e-9, integer: bool = False,
             replace: bool = False) -> Callable[[Callable], Exercise]:
    """Decorator: register the decorated reference solution as exercise ``exercise_id``.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    The keyword arguments are the fields of :class:`Exercise`. The decorated
    name is bound to the :class:`Exercise`, not to the function.

    Parameters
    ----------
    exercise_id : str
        ``"NN.name"``.
    prompt, inputs, arg_names, diagnostics, mistakes, hints, rtol, atol, integer
        See :class:`Exercise`.
    replace : bool
        Replace an exercise registered under the same id (see :func:`register`).

    Returns
    -------
    callable
        The decorator.

    Examples
    --------
    In ``musiclearn/exercises/nb03.py``:

    >>> @exercise("03.bin_frequency", prompt="Write `bin_frequency(k, n_fft, sr)` ...",
    ...           inputs=[(1, 8, 8000), (3, 2048, 22050)], arg_names=("k", "n_fft", "sr"),
    ...           mistakes=[Mistake(lambda k, n_fft, sr: k * sr / (n_fft - 1), says="n_fft - 1"),
    ...                     Mistake(lambda k, n_fft, sr: k / n_fft, says="factor")])
    ... def bin_frequency(k, n_fft, sr):
    ...     return k * sr / n_fft  # doctest: +SKIP
    """
    def decorate(reference: Callable) -> Exercise:
        ex = Exercise(exercise_id, textwrap.dedent(prompt).strip(), reference,
                      inputs=None if inputs is None else list(inputs), arg_names=tuple(arg_names),
                      diagnostics=list(diagnostics), mistakes=list(mistakes), hints=list(hints),
                      rtol=rtol, atol=atol, integer=integer)
        return register(ex, replace=replace)

    return decorate


def get(exercise_id: str) -> Exercise:
    """The registered :class:`Exercise` with this id; a ValueError names close matches if there is none.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.
    """
    try:
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        pass
    close = difflib.get_close_matches(str(exercise_id), list(_REGISTRY), n=3, cutoff=0.5)
    suggestion = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"There is no exercise {exercise_id!r}.{suggestion} "
                     "list_exercises() shows all exercise ids.")


def list_exercises(prefix: str = "") -> list[str]:
    """Ids of the registered exercises, sorted; ``prefix="02."`` keeps one notebook's.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Examples
    --------
    >>> from musiclearn.exercises import list_exercises
    >>> "02.hann" in list_exercises()
    True
    """
    return sorted(ex_id for ex_id in _REGISTRY if ex_id.startswith(prefix))


available = list_exercises


def check(exercise_id: str, answer: Any) -> Result:
    """Check an answer and say specifically what is wrong with it.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Parameters
    ----------
    exercise_id : str
        E.g. ``"00.amplitude_to_db"``; see :func:`list_exercises`.
    answer : callable or value
        Your function (its name, without calling it) or your value.

    Returns
    -------
    Result
        ``passed`` (bool) and ``message`` (str). In Jupyter it shows as a green
        or red box when it is the last line of a cell.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.exercises import check
    >>> check("00.amplitude_to_db", lambda ratio: 20 * np.log10(ratio)).passed
    True
    >>> print(check("00.amplitude_to_db", lambda ratio: 10 * np.log10(ratio)).message.splitlines()[0])
    Half the expected value: you used 10·log10, which is for power ratios; amplitude ratios use 20·log10 (seen for ratio=2.0).
    """
    return get(exercise_id).check(answer)


def hint(exercise_id: str) -> Message:
    """The next hint for an exercise (the first, then the second, ... on repeated calls).

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Parameters
    ----------
    exercise_id : str

    Returns
    -------
    Message
        The hint, numbered ("Hint 1 of 3").

    Examples
    --------
    >>> from musiclearn.exercises import hint, reset_hints
    >>> reset_hints("00.amplitude_to_db")
    >>> hint("00.amplitude_to_db").title
    'Hint 1 of 3 for 00.amplitude_to_db'
    """
    ex = get(exercise_id)
    if not ex.hints:
        return Message(f"No hints for {ex.id}", f"solution({ex.id!r}) shows the reference code.")
    shown = _HINTS_SHOWN.get(ex.id, 0)
    if shown >= len(ex.hints):
        return Message(f"No more hints for {ex.id}",
                       f"You have seen all {len(ex.hints)}; solution({ex.id!r}) shows the reference code, "
                       f"reset_hints({ex.id!r}) starts the hints again.")
    _HINTS_SHOWN[ex.id] = shown + 1
    return Message(f"Hint {shown + 1} of {len(ex.hints)} for {ex.id}", ex.hints[shown])


def reset_hints(exercise_id: str | None = None) -> None:
    """Start the hints of one exercise (or of all, with no argument) from the first again.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.
    """
    if exercise_id is None:
        _HINTS_SHOWN.clear()
    else:
        _HINTS_SHOWN.pop(get(exercise_id).id, None)


def solution_code(exercise_id: str) -> Message:
    """The reference solution's code, as a :class:`Message` (a box in Jupyter).

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Examples
    --------
    >>> from musiclearn.exercises import solution_code
    >>> print(solution_code("00.amplitude_to_db").text.splitlines()[0])
    def amplitude_to_db(ratio):
    """
    ex = get(exercise_id)
    return Message(f"Solution for {ex.id}", ex.solution_code, code=True)


#: Environment variable a teacher sets to ``hide`` to hand out the course without solutions.
SOLUTIONS_ENV = "MUSICLEARN_SOLUTIONS"
_SOLUTIONS_OVERRIDE: bool | None = None


def show_solutions(shown: bool | None = True) -> None:
    """Switch the display of solutions on or off for this session (``None``: follow the environment).

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    A teacher hands out the course without solutions with one switch: start
    JupyterLab with ``python3 course.py lab --no-solutions`` (or set
    ``MUSICLEARN_SOLUTIONS=hide`` in the environment). :func:`solution` then
    shows a note instead of the code, and the notebooks still run top to bottom.
    """
    global _SOLUTIONS_OVERRIDE
    _SOLUTIONS_OVERRIDE = shown


def solutions_shown() -> bool:
    """True unless solutions were switched off (see :func:`show_solutions`).

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Examples
    --------
    >>> from musiclearn.exercises import show_solutions, solutions_shown
    >>> show_solutions(False); solutions_shown()
    False
    >>> show_solutions(None)
    """
    if _SOLUTIONS_OVERRIDE is not None:
        return _SOLUTIONS_OVERRIDE
    import os

    return os.environ.get(SOLUTIONS_ENV, "show").strip().lower() not in {"hide", "hidden", "0", "no", "off"}


def solution(exercise_id: str, *, display: bool = True) -> Any:
    """Show the reference solution and return it, so the notebook can go on with it.

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    In a notebook the solution cell is one line, and the reference code lives
    only in the library::

        n_frames = solution("04.n_frames")   # shows the code, gives you the function

    When solutions are switched off (:func:`show_solutions`), a note replaces
    the code; the answer is still returned so that later cells run.

    Parameters
    ----------
    exercise_id : str
        E.g. ``"00.amplitude_to_db"``.
    display : bool
        Show the code (in Jupyter as a box, elsewhere printed). False only returns the answer.

    Returns
    -------
    callable or value
        The reference function for a function exercise; the expected value for a value exercise.

    Examples
    --------
    >>> from musiclearn.exercises import solution
    >>> to_db = solution("00.amplitude_to_db", display=False)
    >>> float(to_db(10.0))
    20.0
    """
    ex = get(exercise_id)
    if display:
        if solutions_shown():
            message = solution_code(ex.id)
        else:
            message = Message(f"Solution for {ex.id}",
                              "Solutions are switched off for this class: your teacher will share them. "
                              "The notebook goes on with the reference answer, so later cells still run.")
        _display(message)
    return ex.reference if ex.kind == "function" else _call_reference(ex, ())


def _display(message: Message) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(message)
        return
    if get_ipython() is None:
        print(message)
    else:
        display(message)


def show(exercise_id: str) -> Message:
    """The task of an exercise, as text (a box in Jupyter).

    Notebook: ``00_welcome.ipynb`` shows how exercises work; every notebook has some.

    Examples
    --------
    >>> from musiclearn.exercises import show
    >>> show("02.hann").title
    'Exercise 02.hann'
    """
    ex = get(exercise_id)
    how = (f"Check it with check({ex.id!r}, {ex.reference.__name__})." if ex.kind == "function"
           else f"Check it with check({ex.id!r}, your_answer).")
    return Message(f"Exercise {ex.id}", f"{ex.prompt}\n\n{how}")


# --------------------------------------------------------------------------- comparison

def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=6, edgeitems=2, suppress=True):
            text = "array(" + np.array2string(value, separator=", ") + ")"
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
        text = text if len(text) <= 12 else f"{float(value):.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(value: float) -> str:
    return f"{float(value):.6g}"


def _call_reference(ex: Exercise, args: tuple) -> Any:
    return ex.reference(*copy.deepcopy(args))


def _explain_exception(error: Exception, case: Case) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    message = (f"Your function raised {type(error).__name__}"
               + (f" ({text})" if text else "") + f" for {case.describe()}.")
    if isinstance(error, TypeError) and ("length-1" in text or "0-dimensional" in text or "size-1" in text):
        message += (" A function from `math` only takes single numbers; use the NumPy one "
                    "(np.log10, np.cos, ...), which works on whole arrays.")
    elif isinstance(error, NameError):
        message += " Is everything your function uses defined (and imported, e.g. `import numpy as np`)?"
    return message


def _as_number_array(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value)
    except Exception:
        return None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return None
    return array


def _compare(got: Any, expected: Any, *, rtol: float, atol: float, integer: bool = False) -> str | None:
    """None when ``got`` matches ``expected``; otherwise a lowercase description of the difference."""
    if isinstance(expected, str):
        if not isinstance(got, str):
            return f"expected text, got {type(got).__name__} {_short(got)}"
        return None if got.strip().lower() == expected.strip().lower() else f"{got!r} is not the answer"
    if integer:
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            return f"expected an int (a whole number such as {int(expected)}), got {type(got).__name__} {_short(got)}"
        return None if int(got) == int(expected) else f"expected {int(expected)}, got {int(got)}"
    want = np.asarray(expected)
    have = _as_number_array(got)
    if have is None:
        return f"expected {'a number' if want.ndim == 0 else 'an array of numbers'}, got {type(got).__name__} {_short(got)}"
    if np.iscomplexobj(have) and not np.iscomplexobj(want):
        return "your result is complex; expected real numbers (take np.abs or .real?)"
    if have.shape != want.shape:
        if want.ndim == 0:
            return f"expected a single number, got an array of shape {have.shape}"
        return f"wrong shape: expected {want.shape}, got {have.shape}"
    have = have.astype(np.complex128 if np.iscomplexobj(have) else np.float64)
    want = want.astype(np.complex128 if np.iscomplexobj(want) else np.float64)
    bad = (~np.isfinite(have) & np.isfinite(want)).ravel()
    if bad.any():
        flat = int(np.argmax(bad))
        return (f"your result contains {_short(have.ravel()[flat])} where {_num(want.ravel()[flat].real)} "
                f"was expected{_at(_index(flat, have.shape))}")
    close = np.isclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    factor = _constant_factor(have, want, rtol=rtol, atol=atol)
    if factor is not None:
        return f"off by a factor of {factor:.4g} (yours ÷ expected)"
    flat = np.argmax(np.abs(have - want).ravel())
    index = _index(flat, have.shape)
    if want.ndim == 0:
        return "expected {}, got {}".format(*_pair(want.item(), have.item()))
    return (f"{int((~close).sum())} of {close.size} values differ; the largest difference is{_at(index)}: "
            "expected {}, got {}".format(*_pair(want[index], have[index])))


def _pair(expected: Any, got: Any) -> tuple[str, str]:
    """Both numbers with enough digits to tell them apart."""
    for digits in (6, 10, 17):
        a, b = f"{complex(expected).real:.{digits}g}", f"{complex(got).real:.{digits}g}"
        if np.iscomplexobj(expected) or np.iscomplexobj(got):
            a, b = f"{complex(expected):.{digits}g}", f"{complex(got):.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _index(flat: int, shape: tuple) -> tuple:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


def _at(index: tuple) -> str:
    if not index:
        return ""
    return f" at index {index[0]}" if len(index) == 1 else f" at index {index}"


def _constant_factor(have: np.ndarray, want: np.ndarray, *, rtol: float, atol: float) -> float | None:
    """The c with have == c·want everywhere (c != 1), if there is one."""
    nonzero = np.abs(want) > max(atol, 1e-12)
    if not nonzero.any() or np.iscomplexobj(have) or np.iscomplexobj(want):
        return None
    ratios = have[nonzero] / want[nonzero]
    factor = float(np.median(ratios))
    # Within 0.1 % of 1 it is a precision problem, not a factor.
    if not np.isfinite(factor) or abs(factor) < 1e-12 or math.isclose(factor, 1.0, rel_tol=1e-3):
        return None
    if not np.allclose(have, factor * want, rtol=max(rtol, 1e-6), atol=atol):
        return None
    if nonzero.sum() < 2:
        # Any two numbers differ by "a factor"; for a single number only a whole one (x2, /1000) means something.
        whole = [abs(v) for v in (factor, 1 / factor)
                 if abs(v) >= 2 and math.isclose(v, round(v), rel_tol=1e-6)]
        if not whole:
            return None
    return factor


def _html_with_code(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _source_without_decorators(function: Callable) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return f"# (the source of {getattr(function, '__name__', 'the reference')} is not available)"
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("def ", "async def ")):
            return "\n".join(lines[i:]).rstrip() + "\n"
    return source
