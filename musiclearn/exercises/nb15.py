"""Exercises for notebook ``15_next_sample.ipynb``: μ-law compression, the receptive field, bits per sample.

Importing this module registers the exercises ``15.mu_compress``,
``15.receptive_field`` and ``15.bits_per_sample`` with :mod:`musiclearn.exercises`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._compare import as_array as _array
from ._compare import same as _same
from ._engine import Case, Mistake, exercise

# ----------------------------------------------------------------------------- 15.mu_compress


def _mu(x: Any, mu: float) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)


def _no_sign(got: Any, expected: Any, case: Case | None) -> str | None:
    x, mu = case.args
    if _same(got, np.abs(_mu(x, mu))) and not _same(got, expected):
        return ("Every output is positive: negative samples must stay negative. Compress |x| and put the "
                "sign back with np.sign(x)")
    return None


def _log_without_one(got: Any, expected: Any, case: Case | None) -> str | None:
    x, mu = case.args
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        wrong_top = np.sign(x) * np.log(mu * np.abs(x)) / np.log1p(mu)
        wrong_bottom = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log(mu)
    have = _array(got)
    if have is not None and have.shape == x.shape:
        if np.allclose(np.nan_to_num(have), np.nan_to_num(wrong_top), atol=1e-9) and not _same(got, expected):
            return ("You took log(μ|x|): it is -inf at silence and negative for small samples. The curve is "
                    "log(1 + μ|x|) (np.log1p), which is 0 at 0")
        if _same(got, wrong_bottom) and not _same(got, expected):
            return ("You divided by log(μ); divide by log(1 + μ) so that full scale, |x| = 1, maps to exactly 1")
    return None


_X1 = np.array([-1.0, -0.5, -0.01, 0.0, 0.001, 0.01, 0.1, 0.5, 1.0])
_X2 = np.random.default_rng(15).uniform(-1, 1, 20)


@exercise(
    "15.mu_compress",
    prompt="""
        μ-law companding squeezes samples x in [-1, 1] with
        F(x) = sign(x) · ln(1 + μ|x|) / ln(1 + μ): quiet samples get most of the output range.
        Write `mu_compress(x, mu)` returning F(x) for a NumPy array x (no quantisation).
    """,
    inputs=[(_X1, 255), (_X2, 255), (_X1, 15)],
    arg_names=("x", "mu"),
    diagnostics=[_no_sign, _log_without_one],
    mistakes=[
        Mistake(lambda x, mu: np.abs(_mu(x, mu)), says="sign"),
        Mistake(lambda x, mu: np.sign(x) * np.log1p(mu * np.abs(x)) / np.log(mu), says="divided by log(μ)"),
    ],
    hints=[
        "np.log1p(v) is ln(1 + v), accurate for small v.",
        "return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)",
    ],
)
def mu_compress(x, mu):
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)   # odd: negative samples stay negative


# ----------------------------------------------------------------------------- 15.receptive_field


def _forgot_current(got: Any, expected: Any, case: Case | None) -> str | None:
    k, dilations = case.args
    if _same(got, (k - 1) * sum(dilations)) and not _same(got, expected):
        return ("One short: (k − 1) · Σd counts the past samples an output sees; it also sees the current "
                "sample, so add 1")
    return None


def _k_not_k_minus_1(got: Any, expected: Any, case: Case | None) -> str | None:
    k, dilations = case.args
    if _same(got, 1 + k * sum(dilations)) and not _same(got, expected):
        return ("A kernel of k taps with dilation d spans (k − 1) · d samples beyond the current one, not k · d: "
                "the taps sit at 0, d, 2d, …, (k − 1)d samples ago")
    if _same(got, 1 + (k - 1) * len(dilations)) and not _same(got, expected):
        return "You counted layers; each layer reaches further by its dilation, so sum the dilations"
    return None


@exercise(
    "15.receptive_field",
    prompt="""
        A stack of causal convolutions, each with `k` taps and its own dilation (taps d samples apart),
        one layer per entry of `dilations`. How many input samples does one output see, the current
        one included? Write `receptive_field(k, dilations)` returning an int.
    """,
    inputs=[(2, [1, 2, 4, 8]), (3, [1, 2, 4] * 2), (2, [1, 2, 4, 8, 16, 32, 64, 128]), (4, [1, 1, 3])],
    arg_names=("k", "dilations"),
    diagnostics=[_forgot_current, _k_not_k_minus_1],
    integer=True,
    mistakes=[
        Mistake(lambda k, dilations: (k - 1) * sum(dilations), says="add 1"),
        Mistake(lambda k, dilations: 1 + k * sum(dilations), says="not k · d"),
        Mistake(lambda k, dilations: 1 + (k - 1) * len(dilations), says="counted layers"),
    ],
    hints=[
        "A layer with dilation d and k taps reads its input at 0, d, …, (k − 1)·d samples ago.",
        "Each layer adds (k − 1)·d samples of past to what the layer below already saw.",
    ],
)
def receptive_field(k, dilations):
    past = 0
    for d in dilations:
        past += (k - 1) * d        # this layer reaches (k - 1)·d samples further back
    return past + 1                # and every output sees the current sample too


# ----------------------------------------------------------------------------- 15.bits_per_sample


def _bits(p: Any, targets: Any) -> float:
    p = np.asarray(p, dtype=float)
    t = np.asarray(targets)
    return float(-np.mean(np.log2(p[np.arange(len(t)), t])))


def _nats(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, expected * np.log(2)) and not _same(got, expected):
        return "That is in nats (natural log); bits use log base 2: np.log2, or divide nats by ln 2"
    return None


def _entropy(got: Any, expected: Any, case: Case | None) -> str | None:
    p, _ = case.args
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = float(np.mean(-np.nansum(np.where(p > 0, p * np.log2(p), 0.0), axis=1)))
    if _same(got, entropy) and not _same(got, expected):
        return ("That is the mean entropy of the predicted distributions: how unsure the model is, not how "
                "well it predicted. Score the probability each row gave to the sample that really came, p[n, targets[n]]")
    return None


def _sign(got: Any, expected: Any, case: Case | None) -> str | None:
    if _same(got, -expected) and not _same(got, expected):
        return "The sign: log2 of a probability is negative; a code length is −log2 p"
    return None


_P1 = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]])
_T1 = np.array([0, 1, 0, 2])
_P2 = np.random.default_rng(5).dirichlet(np.ones(8), size=12)
_T2 = np.random.default_rng(6).integers(0, 8, 12)


@exercise(
    "15.bits_per_sample",
    prompt="""
        A model gave, for each of n samples, a distribution over the classes: row p[i] (n × classes).
        targets[i] is the class that really came. Write `bits_per_sample(p, targets)`: the average
        code length −log2 p[i, targets[i]] over the n samples, in bits.
    """,
    inputs=[(_P1, _T1), (_P2, _T2)],
    arg_names=("p", "targets"),
    diagnostics=[_nats, _entropy, _sign],
    mistakes=[
        Mistake(lambda p, t: _bits(p, t) * np.log(2), says="nats"),
        Mistake(lambda p, t: float(np.mean(-np.sum(np.asarray(p) * np.log2(p), axis=1))), says="entropy"),
        Mistake(lambda p, t: -_bits(p, t), says="sign"),
    ],
    hints=[
        "p[np.arange(len(targets)), targets] picks, in each row, the probability of the class that came.",
        "Take -np.log2 of those and average them.",
    ],
)
def bits_per_sample(p, targets):
    chosen = p[np.arange(len(targets)), targets]   # the probability the model gave to what happened
    return float(np.mean(-np.log2(chosen)))
