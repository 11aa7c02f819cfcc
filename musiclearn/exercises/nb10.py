"""Exercises for notebook ``10_rnn_and_transformer.ipynb``: a causal mask, LSTM parameters, the LR schedule.

Importing this module registers ``10.causal_mask``, ``10.lstm_parameters`` and
``10.cosine_lr`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from ._engine import Case, Mistake, exercise
from ._compare import as_array as _array
from ._compare import same

_same = partial(same, rtol=1e-6, atol=1e-12)


def _whole(value: Any) -> int | None:
    """``value`` as an int when it is one whole number (int or float), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


# ----------------------------------------------------------------------------- 10.causal_mask


def _no_diagonal(got: Any, expected: Any, case: Case | None) -> str | None:
    (T,) = case.args
    if _same(got, np.tril(np.ones((T, T), dtype=bool), k=-1)):
        return ("Your mask leaves out the diagonal: position i must also attend to itself (j = i), "
                "the note it has just read. Use np.tril(..., k=0), i.e. j <= i")
    return None


def _future(got: Any, expected: Any, case: Case | None) -> str | None:
    (T,) = case.args
    if T > 1 and (_same(got, np.triu(np.ones((T, T), dtype=bool)))
                  or _same(got, np.triu(np.ones((T, T), dtype=bool), k=1))):
        return ("Your mask lets position i attend to later positions j > i, the future it is supposed "
                "to predict: row i (the query) may only see columns j <= i. You built the upper "
                "triangle; causal attention needs the lower one (np.tril)")
    return None


def _everything(got: Any, expected: Any, case: Case | None) -> str | None:
    (T,) = case.args
    if T > 1 and _same(got, np.ones((T, T))):
        return ("Every entry of your mask is True: every position may attend to every other, "
                "including the future. That is a bidirectional encoder, not a causal language model")
    return None


@exercise(
    "10.causal_mask",
    prompt="""
        Write `causal_mask(T)` that returns a boolean NumPy array of shape (T, T) whose entry
        [i, j] is True when position i may attend to position j in causal self-attention: the
        positions up to and including i (j <= i), never later ones.

        Example: causal_mask(3) is
            [[ True, False, False],
             [ True,  True, False],
             [ True,  True,  True]]
    """,
    inputs=[(1,), (3,), (6,)],
    arg_names=("T",),
    diagnostics=[_no_diagonal, _future, _everything],
    mistakes=[
        Mistake(lambda T: np.tril(np.ones((T, T), dtype=bool), k=-1), says="diagonal"),
        Mistake(lambda T: np.triu(np.ones((T, T), dtype=bool)), says="future"),
        Mistake(lambda T: np.ones((T, T), dtype=bool), says="every position"),
    ],
    hints=[
        "Row i is the position asking (the query), column j the position it looks at (the key).",
        "Allowed: j <= i, the lower triangle including the diagonal.",
        "np.tril(np.ones((T, T), dtype=bool)), or np.arange(T)[None, :] <= np.arange(T)[:, None].",
    ],
)
def causal_mask(T):
    i = np.arange(T)[:, None]   # query positions (rows)
    j = np.arange(T)[None, :]   # key positions (columns)
    return j <= i


# ----------------------------------------------------------------------------- 10.lstm_parameters


def _one_bias(got: Any, expected: Any, case: Case | None) -> str | None:
    x, h = case.args
    if _whole(got) == 4 * h * (x + h + 1):
        return ("Close: that is the textbook count with one bias vector per gate. PyTorch's nn.LSTM keeps "
                "two bias vectors per gate (b_ih and b_hh, kept for compatibility with cuDNN), so add "
                f"another 4 · hidden_size = {4 * h}")
    return None


def _no_bias(got: Any, expected: Any, case: Case | None) -> str | None:
    x, h = case.args
    if _whole(got) == 4 * h * (x + h):
        return ("You counted the weight matrices only: every gate also has bias vectors "
                "(in PyTorch two per gate, b_ih and b_hh, each of length hidden_size)")
    return None


def _one_gate(got: Any, expected: Any, case: Case | None) -> str | None:
    x, h = case.args
    if _whole(got) in (h * (x + h + 2), h * (x + h + 1), h * (x + h)):
        return ("You counted one set of weights; an LSTM has four: the input, forget and output gates "
                "and the candidate cell value, each with its own weights and biases (multiply by 4)")
    return None


def _swapped(got: Any, expected: Any, case: Case | None) -> str | None:
    x, h = case.args
    if x != h and _whole(got) == 4 * x * (x + h + 2):
        return ("You swapped input_size and hidden_size: each of the 4 gates has hidden_size outputs, "
                "so the count is 4 · hidden_size · (input_size + hidden_size + 2)")
    return None


@exercise(
    "10.lstm_parameters",
    prompt="""
        Write `lstm_parameters(input_size, hidden_size)` that returns (as an int) how many
        parameters a one-layer torch.nn.LSTM(input_size, hidden_size) has.

        An LSTM has four gates (input, forget, cell candidate, output). Each gate has a weight
        matrix for the input (hidden_size × input_size), one for the previous state
        (hidden_size × hidden_size), and, in PyTorch, two bias vectors of length hidden_size
        (b_ih and b_hh).

        Check yours: sum(p.numel() for p in torch.nn.LSTM(8, 16).parameters()) is 1664.
    """,
    inputs=[(8, 16), (32, 128), (64, 64), (141, 10)],
    arg_names=("input_size", "hidden_size"),
    integer=True,
    diagnostics=[_one_bias, _no_bias, _one_gate, _swapped],
    mistakes=[
        Mistake(lambda x, h: 4 * h * (x + h + 1), says="two bias vectors"),
        Mistake(lambda x, h: 4 * h * (x + h), says="weight matrices only"),
        Mistake(lambda x, h: h * (x + h + 2), says="four"),
        Mistake(lambda x, h: 4 * x * (x + h + 2), says="swapped"),
    ],
    hints=[
        "Count one gate first: hidden_size · input_size + hidden_size · hidden_size + 2 · hidden_size.",
        "There are four gates with the same shapes.",
        "4 * hidden_size * (input_size + hidden_size + 2)",
    ],
)
def lstm_parameters(input_size, hidden_size):
    one_gate = hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size
    return 4 * one_gate


# ----------------------------------------------------------------------------- 10.cosine_lr


def _cosine(progress: float) -> float:
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def _lr_reference(step, peak, warmup, total):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * _cosine((step - warmup) / max(1, total - warmup))


def _no_warmup(got: Any, expected: Any, case: Case | None) -> str | None:
    step, peak, warmup, total = case.args
    if step < warmup and _same(got, peak * _cosine(step / max(1, total))):
        return (f"At step {step} the warm-up (the first warmup = {warmup} steps) is not over: the rate "
                "must still be climbing linearly, peak · (step + 1) / warmup, not decaying yet")
    return None


def _zero_start(got: Any, expected: Any, case: Case | None) -> str | None:
    step, peak, warmup, total = case.args
    if step < warmup and _same(got, peak * step / warmup):
        return ("Your warm-up starts at 0: an optimiser step with learning rate 0 does nothing. "
                "Use peak · (step + 1) / warmup, so the last warm-up step reaches the peak")
    return None


def _plain_cosine(got: Any, expected: Any, case: Case | None) -> str | None:
    step, peak, warmup, total = case.args
    have = _array(got)
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    if step >= warmup and _same(got, peak * math.cos(math.pi * progress)):
        sign = " and goes negative" if have is not None and have.ndim == 0 and float(have) < 0 else ""
        return ("You used peak · cos(π · progress), which falls to -peak" + sign + ": the schedule is "
                "peak · 0.5 · (1 + cos(π · progress)), which glides from peak to 0")
    return None


def _linear_decay(got: Any, expected: Any, case: Case | None) -> str | None:
    step, peak, warmup, total = case.args
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    if step >= warmup and 0 < progress < 1 and _same(got, peak * (1 - progress)):
        return ("That is a linear decay; the schedule is a cosine: peak · 0.5 · (1 + cos(π · progress)), "
                "flat at first, steepest in the middle, flat again at the end")
    return None


@exercise(
    "10.cosine_lr",
    prompt="""
        Write `lr_at(step, peak, warmup, total)`: the learning rate that musiclearn.train.train uses
        for optimiser step `step` (counting from 0) of a run of `total` steps.

        - warm-up, while step < warmup:  peak · (step + 1) / warmup   (a linear climb to peak);
        - afterwards: peak · 0.5 · (1 + cos(π · progress)) with
          progress = min(1, (step - warmup) / max(1, total - warmup))  (a cosine glide to 0).

        Example: peak = 0.01, warmup = 10, total = 110: step 4 gives 0.005, step 10 gives 0.01,
        step 60 gives 0.005 and step 110 gives 0.
    """,
    inputs=[(4, 0.01, 10, 110), (0, 0.003, 20, 400), (10, 0.01, 10, 110), (35, 0.01, 10, 110),
            (60, 0.01, 10, 110), (95, 0.002, 10, 110), (110, 0.01, 10, 110), (50, 1e-3, 0, 200)],
    arg_names=("step", "peak", "warmup", "total"),
    rtol=1e-9, atol=1e-12,
    diagnostics=[_zero_start, _no_warmup, _plain_cosine, _linear_decay],
    mistakes=[
        Mistake(lambda step, peak, warmup, total: peak * _cosine(step / max(1, total)), says="warm-up"),
        Mistake(lambda step, peak, warmup, total: (peak * step / warmup if step < warmup else
                                                   _lr_reference(step, peak, warmup, total)), says="starts at 0"),
        Mistake(lambda step, peak, warmup, total: (
            _lr_reference(step, peak, warmup, total) if step < warmup else
            peak * math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup)))), says="0.5 · (1 + cos"),
        Mistake(lambda step, peak, warmup, total: (
            _lr_reference(step, peak, warmup, total) if step < warmup else
            peak * (1 - min(1.0, (step - warmup) / max(1, total - warmup)))), says="linear decay"),
    ],
    hints=[
        "Two cases: `if step < warmup:` the linear climb, otherwise the cosine.",
        "In the cosine part, progress runs from 0 (just after warm-up) to 1 (the last step); "
        "0.5 · (1 + cos(π · progress)) runs from 1 to 0.",
        "import math, then math.cos(math.pi * progress); remember min(1, ...) and max(1, ...).",
    ],
)
def lr_at(step, peak, warmup, total):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * 0.5 * (1.0 + math.cos(math.pi * progress))
