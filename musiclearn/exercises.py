"""Exercises with automatic checks, hints and solutions.

In a notebook::

    from musiclearn.exercises import check, hint, solution, show

    show("00.amplitude_to_db")        # the task
    def amplitude_to_db(ratio):
        ...
    check("00.amplitude_to_db", amplitude_to_db)   # green when right, a specific reason when not
    hint("00.amplitude_to_db")        # the next hint each time you call it
    solution("00.amplitude_to_db")    # the reference code

:func:`check` runs your function (or compares your value) against a reference
on several inputs. When the answer is wrong it says *what* is wrong: a wrong
shape, a missing ``return``, a result off by a constant factor, or one of the
typical mistakes the exercise knows about ("you built the symmetric Hann
window..."). The returned :class:`Result` renders green or red in Jupyter, and
``check(...).passed`` is a plain bool, so solution cells can ``assert`` it.

Adding exercises
----------------
Exercises have ids ``"NN.name"`` (``NN`` = the notebook number) and are
registered in one block per notebook: at the end of this module (notebooks 00
and 02 below), or in a module ``musiclearn/_exercises/nbNN.py``, which is
imported automatically with this one (``from ..exercises import exercise,
Mistake, Case``). Decorate the reference solution with :func:`exercise`; its
source (without the decorator) is what :func:`solution` shows, so write it the
way a learner should::

    def _notebook_02() -> None:
        @exercise(
            "02.hann",
            prompt="Write `hann(N)` ...",
            inputs=[(8,), (9,)],                 # positional arguments per test case
            arg_names=("N",),                    # used in messages: "for N=8"
            diagnostics=[_looks_like_hamming],   # recognise typical mistakes
            mistakes=[Mistake(np.hamming, says="Hamming")],  # tests prove they are caught
            hints=["...", "..."],
        )
        def hann(N):
            ...

    _notebook_02()

A *value* exercise (the answer is a number, array or word, not a function)
leaves ``inputs`` out; its reference is a function of no arguments returning
the expected value. A *diagnostic* is ``f(got, expected, case) -> str | None``:
it receives your output, the reference output and the :class:`Case` (``None``
for value exercises) and returns a message when it recognises the mistake.
Every registered exercise needs at least two ``mistakes``: each is a wrong
answer plus a phrase its message must contain. ``tests/test_exercises.py``
checks all of them, so new exercises are tested automatically.

Notebook: ``00_welcome.ipynb`` shows how exercises work.
"""

from __future__ import annotations

import copy
import difflib
import html
import inspect
import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np

__all__ = [
    "Case", "Mistake", "Exercise", "Result", "Message",
    "exercise", "register", "get", "check", "hint", "solution", "show",
    "list_exercises", "available", "reset_hints", "LOAD_ERRORS",
]

_ID_PATTERN = re.compile(r"^\d\d\.[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------- data types

@dataclass(frozen=True)
class Case:
    """One test input of a function exercise: positional arguments and their names."""

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


Diagnostic = Callable[[Any, Any, Optional[Case]], Optional[str]]


@dataclass
class Exercise:
    """One exercise: the task, a reference answer, test inputs, and how to explain mistakes.

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
    inputs: Optional[list[tuple]] = None
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

    def _check_function(self, answer: Any) -> Optional[str]:
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

    def _problem(self, got: Any, expected: Any, case: Optional[Case]) -> Optional[str]:
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
    """Text from :func:`show`, :func:`hint` or :func:`solution`; renders as a box in Jupyter."""

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


def exercise(exercise_id: str, *, prompt: str, inputs: Optional[Sequence[Any]] = None,
             arg_names: Sequence[str] = (), diagnostics: Sequence[Diagnostic] = (),
             mistakes: Sequence[Any] = (), hints: Sequence[str] = (), rtol: float = 1e-6,
             atol: float = 1e-9, integer: bool = False,
             replace: bool = False) -> Callable[[Callable], Exercise]:
    """Decorator: register the decorated reference solution as exercise ``exercise_id``.

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
    In ``musiclearn/exercises.py``, inside the block of notebook 03:

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
    """The registered :class:`Exercise` with this id; a ValueError names close matches if there is none."""
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


def reset_hints(exercise_id: Optional[str] = None) -> None:
    """Start the hints of one exercise (or of all, with no argument) from the first again."""
    if exercise_id is None:
        _HINTS_SHOWN.clear()
    else:
        _HINTS_SHOWN.pop(get(exercise_id).id, None)


def solution(exercise_id: str) -> Message:
    """The reference solution's code.

    Examples
    --------
    >>> from musiclearn.exercises import solution
    >>> print(solution("00.amplitude_to_db").text.splitlines()[0])
    def amplitude_to_db(ratio):
    """
    ex = get(exercise_id)
    return Message(f"Solution for {ex.id}", ex.solution_code, code=True)


def show(exercise_id: str) -> Message:
    """The task of an exercise, as text (a box in Jupyter).

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


def _as_number_array(value: Any) -> Optional[np.ndarray]:
    try:
        array = np.asarray(value)
    except Exception:
        return None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return None
    return array


def _compare(got: Any, expected: Any, *, rtol: float, atol: float, integer: bool = False) -> Optional[str]:
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


def _constant_factor(have: np.ndarray, want: np.ndarray, *, rtol: float, atol: float) -> Optional[float]:
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


def _ratio_everywhere(got: Any, expected: Any, factor: float, *, rtol: float = 1e-6) -> bool:
    """True when ``got == factor * expected`` (arrays or numbers)."""
    have = _as_number_array(got)
    if have is None:
        return False
    want = np.asarray(expected, dtype=float)
    return have.shape == want.shape and bool(np.allclose(have, factor * want, rtol=rtol, atol=1e-9))


# =========================================================================== notebook 00: welcome

def _notebook_00() -> None:
    def used_power_formula(got, expected, case):
        if _ratio_everywhere(got, expected, 0.5):
            return ("Half the expected value: you used 10·log10, which is for power ratios; "
                    "amplitude ratios use 20·log10")
        return None

    def used_natural_log(got, expected, case):
        if _ratio_everywhere(got, expected, math.log(10)):
            return ("Too large by a factor of ln(10) ≈ 2.303: you used the natural logarithm np.log; "
                    "decibels use the base-10 logarithm np.log10")
        return None

    def forgot_twenty(got, expected, case):
        if _ratio_everywhere(got, expected, 1 / 20):
            return "20 times too small: you computed log10(ratio) but forgot to multiply by 20"
        return None

    @exercise(
        "00.amplitude_to_db",
        prompt="""
            Write `amplitude_to_db(ratio)` that converts an amplitude ratio (for example
            2.0 = twice as loud in amplitude) to decibels: dB = 20 · log10(ratio).
            It should work on a single number and on a NumPy array of ratios.
            Examples: a ratio of 10 is 20 dB, a ratio of 2 is about 6.02 dB, a ratio of 1 is 0 dB.
        """,
        inputs=[(2.0,), (10.0,), (0.5,), (1.0,), (np.array([1.0, 2.0, 0.001]),)],
        arg_names=("ratio",),
        diagnostics=[used_power_formula, used_natural_log, forgot_twenty],
        mistakes=[
            Mistake(lambda ratio: 10 * np.log10(ratio), says="10·log10"),
            Mistake(lambda ratio: 20 * np.log(ratio), says="natural logarithm"),
            Mistake(lambda ratio: np.log10(ratio), says="forgot to multiply by 20"),
            Mistake(lambda ratio: 20 * math.log10(ratio), says="np.log10"),
            Mistake(lambda ratio: None, says="return"),
        ],
        hints=[
            "A decibel value is 20 times the base-10 logarithm of an amplitude ratio.",
            "NumPy's base-10 logarithm is np.log10; unlike math.log10 it also works on arrays.",
            "The whole body is one line: return 20 * np.log10(ratio)",
        ],
    )
    def amplitude_to_db(ratio):
        return 20 * np.log10(ratio)

    def divided_by_rate(got, expected, case):
        seconds, sr = case.args
        if _close_number(got, seconds / sr):
            return (f"You divided: seconds / sr = {_num(seconds / sr)}. The sampling rate counts samples "
                    "per second, so multiply: samples = seconds · sr")
        return None

    def used_milliseconds(got, expected, case):
        seconds, sr = case.args
        if _close_number(got, seconds * sr * 1000):
            return "1000 times too many: the duration is already in seconds, not milliseconds"
        return None

    def truncated(got, expected, case):
        seconds, sr = case.args
        exact = seconds * sr
        if isinstance(got, (int, np.integer)) and int(got) == math.floor(exact) and int(got) != expected:
            return (f"Off by one: in floating point {seconds!r} * {sr!r} = {exact!r}, and int() "
                    f"cuts that down to {math.floor(exact)}. Use int(round(seconds * sr)) to get {expected}")
        return None

    def returned_float(got, expected, case):
        if isinstance(got, (float, np.floating)) and _close_number(got, expected):
            return (f"Right number, wrong type: you returned the float {_short(got)}. A number of samples "
                    "is used as an index or length (y[:n]), which must be an int: return int(round(...))")
        return None

    @exercise(
        "00.seconds_to_samples",
        prompt="""
            Write `seconds_to_samples(seconds, sr)` that returns how many samples a duration
            of `seconds` seconds lasts at a sampling rate of `sr` samples per second (Hz),
            as an int, rounded to the nearest sample.
            Example: 0.5 s at 16000 Hz is 8000 samples.
        """,
        inputs=[(1.0, 22050), (0.5, 16000), (0.29, 100), (0.001, 16000), (2.5, 44100)],
        arg_names=("seconds", "sr"),
        integer=True,
        diagnostics=[returned_float, divided_by_rate, used_milliseconds, truncated],
        mistakes=[
            Mistake(lambda seconds, sr: seconds * sr, says="wrong type"),
            Mistake(lambda seconds, sr: seconds / sr, says="multiply"),
            Mistake(lambda seconds, sr: int(seconds * sr), says="round"),
            Mistake(lambda seconds, sr: int(round(seconds * sr * 1000)), says="milliseconds"),
        ],
        hints=[
            "The sampling rate sr says how many samples there are in one second.",
            "So a duration of `seconds` seconds holds seconds * sr samples; that product is a float.",
            "Floating point can give 28.999999999999996 instead of 29: round before converting, "
            "int(round(seconds * sr)).",
        ],
    )
    def seconds_to_samples(seconds, sr):
        return int(round(seconds * sr))

    def gave_rate(got, expected, case):
        if _close_number(got, 16000):
            return "16000 is the number of samples in a whole second; one millisecond is 1/1000 of a second"
        return None

    def gave_sample_period(got, expected, case):
        if _close_number(got, 1 / 16000):
            return ("1/16000 s = 62.5 µs is the duration of one sample (the sampling period); "
                    "the question asks how many samples fit in 1 ms")
        return None

    def used_microseconds(got, expected, case):
        if _close_number(got, 16000 * 1e-6):
            return "You multiplied by 1e-6, which is a microsecond; a millisecond is 1e-3 s"
        return None

    def in_milliseconds(got, expected, case):
        if _close_number(got, 1000 / 16000):
            return ("1000/16000 = 0.0625 is the duration of one sample in milliseconds; "
                    "the question asks how many samples fit in 1 ms")
        return None

    @exercise(
        "00.samples_per_millisecond",
        prompt="""
            Speech models such as WaveNet work at 16 kHz: 16000 samples per second.
            How many samples are there in one millisecond of such audio?
            Compute it (don't type the number) and check your value.
        """,
        diagnostics=[gave_rate, gave_sample_period, used_microseconds, in_milliseconds],
        mistakes=[
            Mistake(16000, says="whole second"),
            Mistake(1 / 16000, says="duration of one sample"),
            Mistake(16000 * 1e-6, says="microsecond"),
            Mistake(1000 / 16000, says="in milliseconds"),
        ],
        hints=[
            "Samples per millisecond = samples per second × seconds per millisecond.",
            "One millisecond is 1e-3 seconds: 16000 * 1e-3.",
        ],
    )
    def samples_per_millisecond():
        sr = 16000  # samples per second
        return sr * 1e-3  # 1 ms = 0.001 s


def _close_number(got: Any, value: float, *, rtol: float = 1e-6) -> bool:
    have = _as_number_array(got)
    return have is not None and have.ndim == 0 and math.isclose(float(have), value, rel_tol=rtol, abs_tol=1e-12)


_notebook_00()


# =========================================================================== notebook 02: frames and windows

def _notebook_02() -> None:
    def _periodic_mirror_problem(w: np.ndarray) -> Optional[tuple[int, float, float]]:
        """(n, w[n], w[N-n]) where a periodic window breaks w[n] == w[N-n]; None if it does not."""
        n_points = len(w)
        for n in range(1, n_points):
            if not math.isclose(w[n], w[n_points - n], rel_tol=1e-6, abs_tol=1e-9):
                return n, float(w[n]), float(w[n_points - n])
        return None

    def _window(got) -> Optional[np.ndarray]:
        have = _as_number_array(got)
        return have.astype(float) if have is not None and have.ndim == 1 and len(have) >= 2 else None

    def wrong_length(got, expected, case):
        w = _window(got)
        if w is None or len(w) == len(expected):
            return None
        n_points = len(expected)
        extra = ""
        if len(w) == n_points + 1:
            extra = (": a symmetric window of N+1 points has the N periodic points plus a repeated last 0, "
                     "so drop that last point (w[:-1])")
        return f"Wrong length: for N={n_points} the window has N={n_points} values, yours has {len(w)}{extra}"

    def symmetric_instead_of_periodic(got, expected, case):
        w = _window(got)
        n_points = len(expected)
        if w is None or len(w) != n_points:
            return None
        n = np.arange(n_points)
        symmetric = 0.5 - 0.5 * np.cos(2 * np.pi * n / (n_points - 1))
        if np.allclose(w, symmetric, atol=1e-9):
            return (f"You built the symmetric Hann window (as np.hanning does: cos(2πn/(N−1)), so "
                    f"w[-1] = {w[-1]:.3g} equals w[0]). The periodic window divides by N instead, "
                    f"so w[-1] = {expected[-1]:.3g}: it repeats seamlessly frame after frame, which is what "
                    "spectral analysis (scipy.signal.get_window, librosa) uses")
        return None

    def hamming_instead_of_hann(got, expected, case):
        w = _window(got)
        n_points = len(expected)
        if w is None or len(w) != n_points:
            return None
        n = np.arange(n_points)
        for denominator in (n_points, n_points - 1):
            hamming = 0.54 - 0.46 * np.cos(2 * np.pi * n / denominator)
            if np.allclose(w, hamming, atol=1e-9):
                return (f"That is a Hamming window (0.54 − 0.46·cos): w[0] = {w[0]:.3g}, not 0. "
                        "Hann uses 0.5 − 0.5·cos, so it starts at exactly 0")
        return None

    def not_symmetric(got, expected, case):
        w = _window(got)
        if w is None or len(w) != len(expected):
            return None
        broken = _periodic_mirror_problem(w)
        if broken is None:
            return None
        n, left, right = broken
        return (f"Your window is not symmetric: w[{n}] = {left:.3g} but w[N−{n}] = w[{len(w) - n}] = {right:.3g}. "
                "A periodic Hann window rises and falls like a cosine bump: w[n] = w[N−n] for n = 1..N−1 "
                "(check you used cos, and 2πn/N: one full period over the frame)")

    @exercise(
        "02.hann",
        prompt="""
            Write `hann(N)` that returns the *periodic* Hann window of length N (N >= 2) as a
            NumPy array of N floats:

                w[n] = 0.5 − 0.5 · cos(2π n / N),   n = 0, 1, ..., N−1

            This is the window spectral analysis uses: scipy.signal.get_window('hann', N) and
            librosa's STFT. (np.hanning(N) is the *symmetric* variant, which divides by N−1;
            it is not what is asked here.)
        """,
        inputs=[(8,), (9,), (16,), (1024,)],
        arg_names=("N",),
        rtol=1e-6, atol=1e-7,  # float32 arithmetic is fine too
        diagnostics=[wrong_length, symmetric_instead_of_periodic, hamming_instead_of_hann, not_symmetric],
        mistakes=[
            Mistake(lambda N: np.hanning(N), says="symmetric Hann window"),
            Mistake(lambda N: 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(N) / N), says="Hamming"),
            Mistake(lambda N: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N + 1) / N), says="wrong length"),
            Mistake(lambda N: 0.5 - 0.5 * np.cos(np.pi * np.arange(N) / N), says="not symmetric"),
            Mistake(lambda N: 0.5 - 0.5 * np.sin(2 * np.pi * np.arange(N) / N), says="not symmetric"),
            Mistake(lambda N: 1 - np.cos(2 * np.pi * np.arange(N) / N), says="factor of 2"),
        ],
        hints=[
            "Make the sample indices first: n = np.arange(N).",
            "The periodic window divides by N (not N − 1): np.cos(2 * np.pi * n / N).",
            "Hann's coefficients are 0.5 and 0.5 (Hamming's are 0.54 and 0.46): return 0.5 - 0.5 * np.cos(...).",
        ],
    )
    def hann(N):
        n = np.arange(N)
        return 0.5 - 0.5 * np.cos(2 * np.pi * n / N)


_notebook_02()


# =========================================================================== exercises kept in other files

#: Modules in ``musiclearn/_exercises`` that failed to import: {module name: error}.
#: ``tests/test_exercises.py`` asserts this is empty.
LOAD_ERRORS: dict[str, str] = {}


def _load_exercise_modules() -> None:
    """Import every ``musiclearn/_exercises/nbNN.py``; each registers its exercises when imported.

    A broken module must not take the working exercises down with it, so its
    error is recorded in :data:`LOAD_ERRORS` and shown as a warning.
    """
    import importlib
    import pkgutil
    import warnings

    try:
        package = importlib.import_module(f"{__package__}._exercises")
    except ImportError:
        return
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{package.__name__}.{info.name}"
        try:
            importlib.import_module(name)
        except Exception as error:
            LOAD_ERRORS[name] = f"{type(error).__name__}: {error}"
            warnings.warn(f"exercises in {name} are unavailable: {LOAD_ERRORS[name]}", RuntimeWarning,
                          stacklevel=2)


_load_exercise_modules()
