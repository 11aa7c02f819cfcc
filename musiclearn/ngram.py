"""Smoothed n-gram models of symbol sequences (melodies as MIDI pitches).

Notebook: ``09_baselines_and_training_loop.ipynb`` teaches this module
(unigram to 5-gram, smoothing, bits per note and perplexity); notebook
``10_rnn_and_transformer.ipynb`` uses it as the baseline and as the
short-term model of the melody benchmark.

An n-gram model predicts the next symbol from the ``order - 1`` symbols
before it, by counting what followed the same context in the training data.
Counts alone give zero probability to anything never seen after a context,
and one zero costs infinitely many bits, so every model here *smooths*:

``"ppm-c"`` (default)
    Prediction by Partial Matching with escape method C and exclusion
    (Moffat 1990), as used by IDyOM (Pearce 2005). In a context seen ``n``
    times followed by ``t`` different symbols, a symbol seen ``c`` times gets
    ``c / (n + t)``; the remaining ``t / (n + t)`` is the *escape*
    probability, passed down to the next shorter context. *Exclusion*: the
    shorter context only shares its mass among symbols the longer one did
    not predict (their counts are removed before computing ``n`` and ``t``).
    Contexts never seen are skipped (they escape with probability 1).
``"witten-bell"``
    Interpolated Witten–Bell smoothing: the same ``c / (n + t)`` and escape
    ``t / (n + t)``, but *every* symbol also receives the escape mass times
    its probability under the shorter context (blending, no exclusion).
``"add-k"``
    Add-k (Laplace for ``k = 1``) on the longest context only:
    ``(c + k) / (n + k |A|)``, or ``1 / |A|`` in an unseen context.

Below the empty context (order 0) every smoothing ends in the uniform
distribution over the alphabet (order -1), so every symbol of the alphabet
gets a non-zero probability.

**The alphabet.** Pass ``alphabet=`` to fix it. Otherwise it is *learned*:
the symbols seen by :meth:`NGramModel.fit` and :meth:`NGramModel.update`.
A learned alphabet keeps one extra slot at order -1 for "a symbol never seen
before" (as in text compression), so a new pitch in the test data still gets
a probability: the novel slot's mass, shared equally among the
``universe_size - len(alphabet)`` symbols not yet seen when ``universe_size``
is given (128 for MIDI pitches), or given whole to the asked-for symbol when
it is not.

**Start of a sequence.** Every sequence is read as if preceded by one start
symbol (:data:`START`), so the first symbol is predicted from the context
``(START,)``: a model learns which notes begin tunes. The start symbol is
never predicted and is not part of the alphabet.

Examples
--------
>>> from musiclearn.ngram import NGramModel
>>> m = NGramModel(2).fit([[60, 62, 64, 62, 60]])
>>> m.alphabet
(60, 62, 64)
>>> round(m.prob(62, [60]), 3)
0.5
>>> round(float(m.distribution([60]).sum() + m.novel_probability([60])), 6)
1.0
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["NGramModel", "START", "SMOOTHINGS", "entropy_weighted_mixture", "cross_validate"]


class _Start:
    """The start-of-sequence marker (one shared instance, prints as ``START``)."""

    _instance: "_Start | None" = None

    def __new__(cls) -> "_Start":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "START"

    def __reduce__(self) -> str:
        return "START"


#: The symbol every sequence is read as starting with (never predicted).
START = _Start()

#: Smoothing methods :class:`NGramModel` accepts.
SMOOTHINGS = ("ppm-c", "witten-bell", "add-k")

_NOVEL = object()  # key of the novel-symbol slot in internal distributions


class NGramModel:
    """An n-gram model of symbol sequences with PPM-C, Witten–Bell or add-k smoothing.

    Notebook: ``09_baselines_and_training_loop.ipynb`` builds the unigram to 5-gram
    baselines with it.

    Parameters
    ----------
    order : int
        The n of n-gram: 1 is a unigram (no context), 3 a trigram (the two
        previous symbols are the context). At least 1.
    alphabet : iterable of hashable, optional
        The symbols the model predicts over. Default: learned from the data
        (see the module docstring for how never-seen symbols are handled).
    smoothing : {"ppm-c", "witten-bell", "add-k"}, default "ppm-c"
        How probability is shared with unseen continuations (module docstring).
    k : float, default 1.0
        The pseudo-count of ``"add-k"`` (ignored by the others); > 0.
    universe_size : int, optional
        With a learned alphabet: how many distinct symbols could ever occur
        (128 for MIDI pitches). A never-seen symbol then gets the novel-symbol
        mass divided by the number of symbols not seen yet, so probabilities
        over the whole universe sum to 1.

    Attributes
    ----------
    alphabet : tuple
        The symbols predicted over, sorted when they can be.

    Examples
    --------
    >>> from musiclearn.ngram import NGramModel
    >>> tunes = [[67, 64, 67, 64, 62, 64, 60], [67, 64, 67, 64, 65, 67]]
    >>> bigram = NGramModel(2).fit(tunes)
    >>> bigram.prob(64, [67])   # 67 was always followed by 64: 4 / (4 + 1 escape)
    0.8
    >>> round(bigram.bits_per_symbol(tunes), 2)
    1.41
    """

    def __init__(
        self,
        order: int,
        *,
        alphabet: Iterable[Hashable] | None = None,
        smoothing: str = "ppm-c",
        k: float = 1.0,
        universe_size: int | None = None,
    ) -> None:
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise ValueError(f"order must be an int >= 1 (1 = unigram, 3 = trigram), got {order!r}")
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {', '.join(map(repr, SMOOTHINGS))}, got {smoothing!r}")
        if not (isinstance(k, (int, float)) and math.isfinite(k) and k > 0):
            raise ValueError(f"k must be a positive number (the add-k pseudo-count), got {k!r}")
        self.order = int(order)
        self.smoothing = smoothing
        self.k = float(k)
        self._fixed = alphabet is not None
        self._symbols: set[Hashable] = set()
        if alphabet is not None:
            if isinstance(alphabet, (str, bytes)):
                alphabet = list(alphabet)
            self._symbols = set(alphabet)
            if not self._symbols:
                raise ValueError("alphabet must hold at least one symbol (or pass None to learn it from the data)")
            if START in self._symbols:
                raise ValueError("the alphabet cannot contain ngram.START, the start marker")
        if universe_size is not None:
            if isinstance(universe_size, bool) or not isinstance(universe_size, (int, np.integer)) or universe_size < 1:
                raise ValueError(f"universe_size must be a positive int (e.g. 128 for MIDI pitches), got {universe_size!r}")
            if self._fixed:
                raise ValueError("universe_size only applies to a learned alphabet; leave it None when passing alphabet=")
            universe_size = int(universe_size)
        self.universe_size = universe_size
        self._alphabet_cache: tuple | None = None
        self._index_cache: dict[Hashable, int] | None = None
        # _counts[L][context tuple of length L] = {symbol: count}
        self._counts: list[dict[tuple, dict[Hashable, int]]] = [{} for _ in range(self.order)]
        self._totals: list[dict[tuple, int]] = [{} for _ in range(self.order)]

    # ------------------------------------------------------------------ building

    def __repr__(self) -> str:
        return (f"NGramModel(order={self.order}, smoothing={self.smoothing!r}, "
                f"alphabet={len(self._symbols)} symbols{'' if self._fixed else ' (learned)'})")

    @property
    def alphabet(self) -> tuple:
        """The symbols the model predicts over (sorted when comparable)."""
        if self._alphabet_cache is None:
            try:
                self._alphabet_cache = tuple(sorted(self._symbols))
            except TypeError:
                self._alphabet_cache = tuple(sorted(self._symbols, key=repr))
            self._index_cache = {s: i for i, s in enumerate(self._alphabet_cache)}
        return self._alphabet_cache

    def _index(self) -> dict[Hashable, int]:
        self.alphabet
        assert self._index_cache is not None
        return self._index_cache

    def _add_symbol(self, symbol: Hashable) -> None:
        if symbol in self._symbols:
            return
        if self._fixed:
            raise ValueError(
                f"symbol {symbol!r} is not in the model's alphabet; build the model with an alphabet "
                "that includes it, or with alphabet=None to learn the alphabet from the data"
            )
        if symbol is START:
            raise ValueError("ngram.START marks the start of a sequence and cannot be a symbol in it")
        if self.universe_size is not None and len(self._symbols) >= self.universe_size:
            raise ValueError(
                f"symbol {symbol!r} would make the alphabet larger than universe_size={self.universe_size}; "
                "raise universe_size"
            )
        self._symbols.add(symbol)
        self._alphabet_cache = None
        self._index_cache = None

    def _context(self, context: Iterable[Hashable] | None) -> tuple:
        """The last ``order - 1`` symbols of START + context (shorter near the start)."""
        if context is None:
            context = ()
        if isinstance(context, (str, bytes)):
            context = list(context)
        ctx = (START, *context)
        keep = self.order - 1
        return ctx[len(ctx) - keep:] if keep else ()

    def update(self, symbol: Hashable, context: Iterable[Hashable] | None = ()) -> "NGramModel":
        """Count one occurrence of ``symbol`` after ``context`` (for every context length).

        Use it to build a model incrementally, e.g. a short-term model that
        learns the tune it is predicting note by note.

        Parameters
        ----------
        symbol : hashable
            The symbol that occurred.
        context : iterable of hashable, default ()
            The symbols before it, oldest first, *without* the start marker
            (``()`` for the first symbol of a sequence). Only the last
            ``order - 1`` are used.

        Returns
        -------
        NGramModel
            ``self``, so calls chain.

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> stm = NGramModel(3)
        >>> tune = [60, 62, 60, 62]
        >>> for i, pitch in enumerate(tune):
        ...     _ = stm.update(pitch, tune[:i])
        >>> round(stm.prob(60, [60, 62]), 3)
        0.5
        """
        self._add_symbol(symbol)
        ctx = self._context(context)
        for length in range(min(len(ctx), self.order - 1) + 1):
            key = ctx[len(ctx) - length:] if length else ()
            table = self._counts[length].setdefault(key, {})
            table[symbol] = table.get(symbol, 0) + 1
            totals = self._totals[length]
            totals[key] = totals.get(key, 0) + 1
        return self

    def fit(self, sequences: Iterable[Sequence[Hashable]]) -> "NGramModel":
        """Count every symbol of every sequence after its context (adds to existing counts).

        Parameters
        ----------
        sequences : iterable of sequences
            E.g. lists of MIDI pitches, or ``corpus.Melody`` objects (their
            ``pitches`` are used).

        Returns
        -------
        NGramModel
            ``self``.

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> NGramModel(1).fit([[60, 60, 62]]).prob(60)   # 2 / (3 notes + 2 kinds)
        0.4
        """
        for seq in _as_sequences(sequences):
            for i, symbol in enumerate(seq):
                self.update(symbol, seq[max(0, i - self.order + 1):i])
        return self

    # ------------------------------------------------------------------ predicting

    def _weights(self, context: Iterable[Hashable] | None) -> tuple[dict[Hashable, float], float, float]:
        """Probabilities of the symbols seen in some context, the order -1 mass and the novel slot's mass.

        Returns ``(explicit, uniform_mass, novel_mass)``: every alphabet symbol
        not listed in ``explicit`` receives ``uniform_mass`` (PPM-C with
        exclusion gives it nothing but that); listed ones receive their entry
        (which already includes the uniform share where it applies).
        """
        ctx = self._context(context)
        n_symbols = len(self._symbols)
        slots = n_symbols + (0 if self._fixed else 1)
        if slots == 0:
            return {}, 0.0, 1.0
        if self.smoothing == "add-k":
            return self._add_k(ctx, slots)
        exclusion = self.smoothing == "ppm-c"
        probs: dict[Hashable, float] = {}
        mass = 1.0
        top = min(len(ctx), self.order - 1)
        for length in range(top, -1, -1):
            key = ctx[len(ctx) - length:] if length else ()
            counts = self._counts[length].get(key)
            if not counts:
                continue
            if exclusion and probs:
                n = 0
                t = 0
                for s, c in counts.items():
                    if s not in probs:
                        n += c
                        t += 1
                if n == 0:
                    continue
                denom = n + t
                for s, c in counts.items():
                    if s not in probs:
                        probs[s] = mass * c / denom
            else:
                n = self._totals[length][key]
                t = len(counts)
                denom = n + t
                for s, c in counts.items():
                    probs[s] = probs.get(s, 0.0) + mass * c / denom
            mass *= t / denom
        if exclusion:
            remaining = slots - len(probs)
            share = mass / remaining if remaining else 0.0
            if remaining == 0:
                # Every symbol was predicted above: give back the escape mass
                # proportionally, so the distribution still sums to 1.
                total = 1.0 - mass
                probs = {s: p / total for s, p in probs.items()}
            return probs, share, (share if not self._fixed else 0.0)
        share = mass / slots
        for s in probs:
            probs[s] += share
        return probs, share, (share if not self._fixed else 0.0)

    def _add_k(self, ctx: tuple, slots: int) -> tuple[dict[Hashable, float], float, float]:
        key = ctx[len(ctx) - (self.order - 1):] if self.order > 1 else ()
        counts = self._counts[self.order - 1].get(key) if len(key) == self.order - 1 else None
        if not counts:
            share = 1.0 / slots
            return {}, share, (share if not self._fixed else 0.0)
        denom = self._totals[self.order - 1][key] + self.k * slots
        probs = {s: (c + self.k) / denom for s, c in counts.items()}
        share = self.k / denom
        return probs, share, (share if not self._fixed else 0.0)

    def distribution(
        self, context: Iterable[Hashable] | None = (), *, over: Iterable[Hashable] | None = None
    ) -> np.ndarray:
        """Probabilities of the next symbol after ``context``.

        Parameters
        ----------
        context : iterable of hashable, default ()
            The symbols so far, oldest first, without the start marker.
        over : iterable of hashable, optional
            The symbols to return probabilities for, in this order (e.g.
            ``range(128)`` for all MIDI pitches; symbols outside the alphabet
            get their share of the novel-symbol mass). Default: :attr:`alphabet`.

        Returns
        -------
        numpy.ndarray of float64
            One probability per symbol. Over a fixed alphabet they sum to 1;
            over a learned alphabet they sum to ``1 - novel_probability(context)``.

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> m = NGramModel(2, alphabet=[60, 62, 64]).fit([[60, 62, 60, 62, 64]])
        >>> m.distribution([62]).round(3)   # 62 -> 60 once, 62 -> 64 once
        array([0.3, 0.4, 0.3])
        """
        explicit, share, _ = self._weights(context)
        if over is None:
            index = self._index()
            out = np.full(len(index), share, dtype=np.float64)
            for s, p in explicit.items():
                out[index[s]] = p
            return out
        if isinstance(over, range) and over.step == 1:
            # Fast path for integer symbols (e.g. range(128) for MIDI pitches): fill, then patch the few seen ones.
            out = np.full(len(over), self._novel_share(share), dtype=np.float64)
            for s in self._symbols:
                if isinstance(s, (int, np.integer)) and not isinstance(s, bool) and over.start <= s < over.stop:
                    out[s - over.start] = explicit.get(s, share)
            return out
        symbols = tuple(over)
        out = np.empty(len(symbols), dtype=np.float64)
        for i, s in enumerate(symbols):
            if s in explicit:
                out[i] = explicit[s]
            elif s in self._symbols:
                out[i] = share
            else:
                out[i] = self._novel_share(share)
        return out

    def _novel_share(self, novel_mass: float) -> float:
        if self._fixed:
            return 0.0
        if self.universe_size is None:
            return novel_mass
        unseen = self.universe_size - len(self._symbols)
        return novel_mass / unseen if unseen > 0 else 0.0

    def novel_probability(self, context: Iterable[Hashable] | None = ()) -> float:
        """Probability that the next symbol is one never seen (0 for a fixed alphabet).

        Parameters
        ----------
        context : iterable of hashable, default ()
            The symbols so far, oldest first.

        Returns
        -------
        float
        """
        if self._fixed:
            return 0.0
        return self._weights(context)[2]

    def prob(self, symbol: Hashable, context: Iterable[Hashable] | None = ()) -> float:
        """Probability of ``symbol`` after ``context``.

        Parameters
        ----------
        symbol : hashable
            The symbol to score.
        context : iterable of hashable, default ()
            The symbols before it, oldest first, without the start marker.

        Returns
        -------
        float
            In [0, 1]; 0 only for a symbol outside a fixed alphabet.

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> m = NGramModel(1, smoothing="add-k", k=1, alphabet=[0, 1]).fit([[0, 0, 0]])
        >>> m.prob(1)   # (0 + 1) / (3 + 2)
        0.2
        """
        explicit, share, _ = self._weights(context)
        if symbol in explicit:
            return explicit[symbol]
        if symbol in self._symbols:
            return share
        return self._novel_share(share)

    def sequence_bits(self, sequence: Sequence[Hashable]) -> np.ndarray:
        """Information content ``-log2 p`` of each symbol of one sequence, given those before it.

        Parameters
        ----------
        sequence : sequence of hashable
            Symbols (or a ``corpus.Melody``, whose pitches are used).

        Returns
        -------
        numpy.ndarray of float64
            Bits, one per symbol (``inf`` where a symbol has probability 0).
        """
        (seq,) = _as_sequences([sequence])
        out = np.empty(len(seq), dtype=np.float64)
        for i, symbol in enumerate(seq):
            p = self.prob(symbol, seq[max(0, i - self.order + 1):i])
            out[i] = -math.log2(p) if p > 0 else math.inf
        return out

    def bits_per_symbol(self, sequences: Iterable[Sequence[Hashable]]) -> float:
        """Mean information content in bits over every symbol of ``sequences`` (cross-entropy).

        Each sequence is predicted from its start; ``2 ** bits`` is the
        perplexity.

        Parameters
        ----------
        sequences : iterable of sequences
            Test sequences (or melodies).

        Returns
        -------
        float
            Bits per symbol (bits per note for melodies).

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> m = NGramModel(1, alphabet=[0, 1, 2, 3], smoothing="add-k", k=1)
        >>> m.bits_per_symbol([[0, 1, 2, 3]])   # an untrained model: uniform over 4
        2.0
        """
        total = 0.0
        count = 0
        for seq in _as_sequences(sequences):
            bits = self.sequence_bits(seq)
            total += float(bits.sum())
            count += len(bits)
        if count == 0:
            raise ValueError("bits_per_symbol needs at least one non-empty sequence")
        return total / count

    def generate(
        self,
        steps: int,
        *,
        prompt: Sequence[Hashable] = (),
        seed: int | None = None,
    ) -> list[Hashable]:
        """Sample ``steps`` symbols after ``prompt`` (the prompt is not repeated).

        Parameters
        ----------
        steps : int
            How many symbols to draw (>= 0).
        prompt : sequence of hashable, default ()
            Symbols to continue; empty starts a new sequence.
        seed : int, optional
            Seed of the sampler, for a repeatable result.

        Returns
        -------
        list
            The sampled symbols (alphabet symbols only).

        Examples
        --------
        >>> from musiclearn.ngram import NGramModel
        >>> m = NGramModel(2).fit([[60, 62, 64, 65, 67]])
        >>> len(m.generate(8, seed=0))
        8
        """
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps must be a non-negative int, got {steps!r}")
        if not self._symbols:
            raise ValueError("the model has no alphabet yet; call fit() first")
        rng = random.Random(seed)
        seq = list(prompt)
        out: list[Hashable] = []
        symbols = self.alphabet
        for _ in range(int(steps)):
            weights = self.distribution(seq[len(seq) - self.order + 1:] if self.order > 1 else ())
            choice = rng.choices(symbols, weights=weights.tolist())[0]
            seq.append(choice)
            out.append(choice)
        return out


def _as_sequences(sequences: Any) -> list[list[Hashable]]:
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
        raise ValueError("pass a list of sequences (e.g. lists of MIDI pitches or melodies), not a single value")
    out = []
    for seq in sequences:
        pitches = getattr(seq, "pitches", None)
        if pitches is not None:
            seq = pitches
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
            raise ValueError(
                f"each sequence must be a list of symbols (e.g. MIDI pitches) or a melody, got {type(seq).__name__}; "
                "to score one sequence, wrap it in a list"
            )
        out.append(list(seq))
    return out


def entropy_weighted_mixture(distributions: Sequence[np.ndarray], *, bias: float = 2.0,
                             geometric: bool = False) -> np.ndarray:
    """Combine next-symbol distributions, trusting the more certain ones more (as IDyOM does).

    Notebook: ``10_rnn_and_transformer.ipynb`` mixes the long- and short-term models of the
    benchmark with it.

    Each distribution gets the weight ``(H_rel) ** -bias`` where ``H_rel`` is
    its entropy divided by the largest possible entropy (``log2`` of the
    number of symbols), so a confident model (low entropy) dominates an unsure
    one. Pearce (2005) combines IDyOM's long- and short-term models this way.

    Parameters
    ----------
    distributions : sequence of numpy.ndarray
        Probability vectors over the same symbols, in the same order. Arrays
        of shape ``(..., n_symbols)`` (say one row per note of a tune) are
        mixed row by row, each row with its own weights, in one vectorised
        step.
    bias : float, default 2.0
        The exponent b >= 0 (0 gives equal weights).
    geometric : bool, default False
        Weighted geometric mean (a product of experts, renormalised) instead
        of the weighted arithmetic mean.

    Returns
    -------
    numpy.ndarray
        The combined distribution(s), the shape of one input; each row sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.ngram import entropy_weighted_mixture
    >>> sure, unsure = np.array([0.97, 0.01, 0.01, 0.01]), np.full(4, 0.25)
    >>> entropy_weighted_mixture([sure, unsure]).round(2)
    array([0.96, 0.01, 0.01, 0.01])
    >>> entropy_weighted_mixture([np.stack([sure, unsure]), np.stack([unsure, sure])]).round(2)
    array([[0.96, 0.01, 0.01, 0.01],
           [0.96, 0.01, 0.01, 0.01]])
    """
    if len(distributions) == 0:
        raise ValueError("pass at least one distribution")
    dists = [np.asarray(d, dtype=np.float64) for d in distributions]
    shape = dists[0].shape
    if any(d.shape != shape for d in dists) or len(shape) < 1 or shape[-1] < 2:
        raise ValueError("all distributions must be arrays over the same symbols (at least 2), of the same shape")
    if bias < 0:
        raise ValueError(f"bias must be >= 0, got {bias!r}")
    stack = np.stack(dists)  # (models, ..., symbols)
    stack = stack / stack.sum(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(stack > 0, stack * np.log2(stack), 0.0).sum(-1) / math.log2(shape[-1])
    w = np.maximum(h, 1e-6) ** -bias
    w = (w / w.sum(0, keepdims=True))[..., np.newaxis]
    if geometric:
        logs = (w * np.log(np.maximum(stack, 1e-300))).sum(0)
        out = np.exp(logs - logs.max(-1, keepdims=True))
    else:
        out = (w * stack).sum(0)
    return out / out.sum(-1, keepdims=True)


def cross_validate(
    melodies: Sequence[Sequence[Hashable]],
    *,
    orders: Iterable[int] = (1, 2, 3, 4, 5),
    folds: int = 10,
    smoothing: str = "ppm-c",
    universe_size: int | None = 128,
) -> dict[int, list[float]]:
    """Bits per note of n-gram models of several orders by k-fold cross-validation.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Tune ``i`` is in fold ``i % folds``; each fold is predicted by a model
    trained on the other folds (learned alphabet, novel pitches handled as in
    the module docstring).

    Parameters
    ----------
    melodies : sequence of sequences
        Melodies (``corpus.Melody``) or lists of symbols.
    orders : iterable of int, default (1, 2, 3, 4, 5)
        The n-gram orders to evaluate.
    folds : int, default 10
        Number of folds (2 to the number of melodies).
    smoothing : str, default "ppm-c"
        As for :class:`NGramModel`.
    universe_size : int or None, default 128
        As for :class:`NGramModel` (128: MIDI pitches).

    Returns
    -------
    dict
        ``{order: [bits per note of fold 0, fold 1, ...]}``; the benchmark's
        score of an order is the mean of its list.

    Examples
    --------
    >>> from musiclearn.ngram import cross_validate
    >>> tunes = [[60, 62, 64, 62, 60]] * 4
    >>> scores = cross_validate(tunes, orders=[1, 2], folds=2)
    >>> scores[2][0] < scores[1][0]
    True
    """
    seqs = _as_sequences(melodies)
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= len(seqs):
        raise ValueError(f"folds must be an int from 2 to the number of melodies ({len(seqs)}), got {folds!r}")
    out: dict[int, list[float]] = {}
    for order in orders:
        scores = []
        for f in range(folds):
            train = [s for i, s in enumerate(seqs) if i % folds != f]
            test = [s for i, s in enumerate(seqs) if i % folds == f]
            model = NGramModel(order, smoothing=smoothing, universe_size=universe_size).fit(train)
            scores.append(model.bits_per_symbol(test))
        out[int(order)] = scores
    return out
