"""Exercise checks: every registered exercise accepts its reference and explains its typical mistakes."""

from __future__ import annotations

from pathlib import Path
import math

import numpy as np
import pytest

from musiclearn import exercises
from musiclearn.exercises import Exercise, Mistake, check, hint, reset_hints, solution

IDS = exercises.list_exercises()
MISTAKES = [(ex_id, i) for ex_id in IDS for i in range(len(exercises.get(ex_id).mistakes))]


def _right_answer(ex: Exercise):
    return ex.reference if ex.kind == "function" else ex.reference()


# --------------------------------------------------------------------------- every registered exercise

def test_exercise_modules_all_loaded():
    for number in exercises.NOTEBOOKS:
        assert exercises.list_exercises(f"{number}."), f"notebook {number} has no exercises"
    assert {"00.amplitude_to_db", "00.seconds_to_samples", "02.hann"} <= set(IDS)
    assert exercises.available() == IDS == sorted(IDS)


@pytest.mark.parametrize("ex_id", IDS)
def test_reference_passes(ex_id):
    result = check(ex_id, _right_answer(exercises.get(ex_id)))
    assert result.passed, result.message
    assert result.message.startswith("Correct")


@pytest.mark.parametrize("ex_id", IDS)
def test_each_exercise_knows_at_least_two_typical_mistakes(ex_id):
    ex = exercises.get(ex_id)
    assert len(ex.mistakes) >= 2, f"{ex_id}: register at least two typical mistakes"
    assert all(m.says.strip() for m in ex.mistakes)


@pytest.mark.parametrize("ex_id, index", MISTAKES, ids=[f"{e}-mistake{i}" for e, i in MISTAKES])
def test_typical_mistake_is_rejected_with_a_specific_message(ex_id, index):
    mistake = exercises.get(ex_id).mistakes[index]
    result = check(ex_id, mistake.answer)
    assert not result.passed, f"{ex_id}: mistake {index} was accepted"
    assert mistake.says.lower() in result.message.lower(), (
        f"{ex_id}: the message for mistake {index} should mention {mistake.says!r}, got:\n{result.message}")


@pytest.mark.parametrize("ex_id", IDS)
def test_exercise_has_a_prompt_hints_and_a_runnable_solution(ex_id):
    ex = exercises.get(ex_id)
    assert len(ex.prompt) > 20 and ex.hints
    code = exercises.solution_code(ex_id).text
    assert code.startswith("def ") and "@exercise" not in code
    namespace = {"np": np, "math": math}
    exec(code, namespace)  # the shown solution must itself be a correct answer
    shown = namespace[ex.reference.__name__]
    assert check(ex_id, shown if ex.kind == "function" else shown()).passed


@pytest.mark.parametrize("ex_id", IDS)
def test_hints_come_one_after_another(ex_id):
    ex = exercises.get(ex_id)
    reset_hints(ex_id)
    seen = [hint(ex_id) for _ in ex.hints]
    assert [m.text for m in seen] == ex.hints
    assert seen[0].title == f"Hint 1 of {len(ex.hints)} for {ex_id}"
    assert hint(ex_id).title == f"No more hints for {ex_id}"
    reset_hints(ex_id)
    assert hint(ex_id).text == ex.hints[0]
    reset_hints()


@pytest.mark.parametrize("ex_id", IDS)
def test_passing_the_result_instead_of_the_function_is_explained(ex_id):
    ex = exercises.get(ex_id)
    if ex.kind == "value":
        assert not check(ex_id, "some text").passed
        return
    result = check(ex_id, ex.reference(*ex.inputs[0]))
    assert not result.passed and "Expected a function" in result.message


# --------------------------------------------------------------------------- the exercises say what the references do

@pytest.mark.parametrize("n", [8, 9, 16, 1024, 2048])
def test_hann_reference_is_scipys_periodic_window(n):
    from scipy.signal import get_window

    np.testing.assert_allclose(exercises.get("02.hann").reference(n), get_window("hann", n), atol=1e-12)


def test_hann_messages_quote_the_window():
    message = check("02.hann", np.hanning).message
    assert "symmetric Hann window" in message and "w[-1] = 0.146" in message and "N=8" in message


def test_notebook_00_examples_hold():
    to_db = exercises.get("00.amplitude_to_db").reference
    assert to_db(10.0) == pytest.approx(20.0) and to_db(2.0) == pytest.approx(6.0206, abs=1e-4)
    assert to_db(1.0) == 0.0
    np.testing.assert_allclose(to_db(np.array([10.0, 100.0])), [20.0, 40.0])
    samples = exercises.get("00.seconds_to_samples").reference
    assert samples(0.5, 16000) == 8000 and samples(0.29, 100) == 29 and isinstance(samples(0.29, 100), int)
    assert exercises.get("00.samples_per_millisecond").reference() == pytest.approx(16)


# --------------------------------------------------------------------------- generic checks on an unregistered exercise

def _square() -> Exercise:
    return Exercise("99.square", "Write `square(x)` returning x**2 for an array x.",
                    reference=lambda x: np.asarray(x, dtype=float) ** 2,
                    inputs=[(np.array([1.0, 2.0, 3.0]),), (np.array([[0.5, -2.0]]),)], arg_names=("x",))


@pytest.mark.parametrize("answer, message", [
    (lambda x: None, "Your function returned None for x=array([1., 2., 3.]): did you forget `return`?"),
    (lambda x: np.ravel(x) ** 2, "Wrong shape: expected (1, 2), got (2,) for x=array([[ 0.5, -2. ]])."),
    (lambda x: 2 * x ** 2, "Off by a factor of 2 (yours ÷ expected)"),
    (lambda x: x ** 2 + (x == 3), "1 of 3 values differ; the largest difference is at index 2: expected 9, got 10"),
    (lambda x: np.where(x == 2, np.inf, x ** 2), "Your result contains inf where 4 was expected at index 1"),
    (lambda x: x ** 2 + 0j, "complex"),
    (lambda x: "squares", "Expected an array of numbers, got str 'squares'"),
    (lambda x: 1 / 0, "Your function raised ZeroDivisionError (division by zero) for x=array([1., 2., 3.])."),
    (lambda x: undefined_name, "Is everything your function uses defined"),  # noqa: F821
    (lambda x: [math.sqrt(v) ** 4 for v in x], "use the NumPy one"),
    ([1.0, 4.0, 9.0], "Expected a function (pass its name without parentheses"),
])
def test_generic_messages(answer, message):
    result = _square().check(answer)
    assert not result.passed and message in result.message, result.message
    assert "hint('99.square')" in result.message


def test_tiny_differences_are_printed_with_enough_digits():
    result = _square().check(lambda x: x ** 2 * (1 + 1e-5))
    assert not result.passed and "expected 9, got 9.00009" in result.message


def test_learner_function_cannot_corrupt_the_reference_inputs():
    def squares_in_place(x):
        x **= 2
        return x

    ex = _square()
    assert ex.check(squares_in_place).passed
    np.testing.assert_array_equal(ex.inputs[0][0], [1.0, 2.0, 3.0])


def test_integer_exercises_insist_on_int():
    ex = Exercise("99.count", "How many?", reference=lambda n: n + 1, inputs=[(3,)], arg_names=("n",),
                  integer=True)
    assert ex.check(lambda n: np.int64(n + 1)).passed
    assert "Expected an int (a whole number such as 4), got float 4.0 for n=3." in ex.check(lambda n: n + 1.0).message
    assert "got bool True" in ex.check(lambda n: True).message
    assert "Expected 4, got 5 for n=3." in ex.check(lambda n: n + 2).message


def test_value_exercises_compare_numbers_and_words():
    number = Exercise("99.answer", "Six times seven?", reference=lambda: 42)
    assert number.check(42.0).passed and number.check(np.int64(42)).passed
    assert number.check(41).message.startswith("Expected 42, got 41.")
    assert "Your answer is None" in number.check(None).message
    word = Exercise("99.word", "Hann's nationality?", reference=lambda: "Austrian")
    assert word.check(" austrian ").passed
    assert "'Australian' is not the answer" in word.check("Australian").message
    assert "expected text, got int 3" in word.check(3).message.lower()


def test_a_crashing_diagnostic_is_ignored():
    def crashes(got, expected, case):
        raise IndexError("diagnostic bug")

    ex = _square()
    ex.diagnostics = [crashes]
    assert "Off by a factor of 3" in ex.check(lambda x: 3 * x ** 2).message


# --------------------------------------------------------------------------- results and messages render

def test_result_renders_green_or_red_and_escapes_html():
    good = exercises.Result("00.x", True, "Correct: fine.")
    bad = exercises.Result("00.x", False, "w[0] < 0: use `np.cos`")
    assert bool(good) and not bool(bad)
    assert "#1a7f37" in good._repr_html_() and "#cf222e" in bad._repr_html_()
    assert "w[0] &lt; 0" in bad._repr_html_() and "<code>np.cos</code>" in bad._repr_html_()
    assert repr(bad) == str(bad) == "✘ 00.x, not yet: w[0] < 0: use `np.cos`"
    assert str(good) == "✔ 00.x: Correct: fine."


def test_solution_renders_as_code():
    page = exercises.solution_code("02.hann")._repr_html_()
    assert "<pre" in page and "def hann(N):" in page


def test_show_states_the_task_and_how_to_check_it():
    text = exercises.show("02.hann").text
    assert "periodic" in text and "check('02.hann', hann)" in text
    assert "check('00.samples_per_millisecond', your_answer)" in exercises.show("00.samples_per_millisecond").text


# --------------------------------------------------------------------------- the registry

def test_unknown_id_suggests_close_matches():
    with pytest.raises(ValueError, match=r"There is no exercise '02\.han'\. Did you mean '02\.hann'"):
        check("02.han", np.hanning)


@pytest.mark.parametrize("bad_id", ["hann", "2.hann", "02.Hann", "02-hann", 2])
def test_exercise_ids_are_validated(bad_id):
    with pytest.raises(ValueError, match="must look like '02.hann'"):
        Exercise(bad_id, "prompt", reference=lambda: 1)


def test_register_refuses_duplicates_unless_replacing():
    first = Exercise("99.dup", "A number.", reference=lambda: 1, mistakes=[(2, "2"), (3, "3")])
    try:
        exercises.register(first)
        with pytest.raises(ValueError, match="already registered"):
            exercises.register(Exercise("99.dup", "Another.", reference=lambda: 2))
        exercises.register(Exercise("99.dup", "Another.", reference=lambda: 2), replace=True)
        assert check("99.dup", 2).passed
        assert "99.dup" in exercises.list_exercises("99.")
    finally:
        exercises._engine._REGISTRY.pop("99.dup", None)


def test_decorator_registers_and_shows_the_undecorated_source():
    try:
        @exercises.exercise("99.triple", prompt="Write `triple(x)`.", inputs=[(1,), (2.5,)], arg_names=("x",),
                            mistakes=[Mistake(lambda x: x + 3, "x=1"), Mistake(lambda x: x, "factor")])
        def triple(x):
            return 3 * x

        assert isinstance(triple, Exercise) and exercises.get("99.triple") is triple
        assert exercises.solution_code("99.triple").text == "def triple(x):\n    return 3 * x\n"
        assert check("99.triple", lambda x: x * 3).passed
        assert "Expected 3, got 4 for x=1." in check("99.triple", lambda x: x + 3).message
        assert "Expected 7.5, got 5 for x=2.5." in check("99.triple", lambda x: 2 * x if x > 2 else 3 * x).message
    finally:
        exercises._engine._REGISTRY.pop("99.triple", None)


def test_solution_shows_the_code_once_and_returns_the_answer(capsys):
    hann = solution("02.hann")
    shown = capsys.readouterr().out
    assert "def hann(N):" in shown
    assert check("02.hann", hann).passed and np.allclose(hann(8), exercises.get("02.hann").reference(8))
    assert solution("00.samples_per_millisecond", display=False) == 16.0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("how", ["env", "switch"])
def test_teacher_switch_hides_solutions_but_notebooks_still_run(how, monkeypatch, capsys):
    if how == "env":
        monkeypatch.setenv(exercises.SOLUTIONS_ENV, "hide")
    else:
        exercises.show_solutions(False)
    try:
        assert not exercises.solutions_shown()
        hann = solution("02.hann")
        shown = capsys.readouterr().out
        assert "switched off" in shown and "def hann" not in shown and "np.cos" not in shown
        assert check("02.hann", hann).passed
    finally:
        exercises.show_solutions(None)
    monkeypatch.delenv(exercises.SOLUTIONS_ENV, raising=False)
    assert exercises.solutions_shown()


def test_a_missing_notebook_module_is_a_clear_error(tmp_path):
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "musiclearn"
    shutil.copytree(Path(exercises.__file__).parents[1], copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "exercises" / "nb05.py").unlink()
    run = subprocess.run([sys.executable, "-c", "import musiclearn.exercises"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "exercises for notebook 05" in run.stderr and "musiclearn.exercises.nb05 is missing" in run.stderr
    reset_hints()
