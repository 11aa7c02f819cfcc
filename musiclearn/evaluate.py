"""Evaluating melody models: bits per note, accuracy, musical statistics, memorization.

Notebook: ``11_generation_and_memorization.ipynb`` teaches this module (notebooks
09 and 10 use :func:`bits_per_note` and :func:`accuracy`).

Three questions about a model and the tunes it generates:

* **How well does it predict?** :func:`bits_per_note` (the average of
  ``-log2 p(note)``; lower is better) and :func:`accuracy` (how often the most
  likely token is the right one).
* **Do its tunes sound like the real ones?** :func:`musical_statistics` measures
  pitch range, pitch classes, intervals, how many notes fit a major/minor
  scale and note lengths; :func:`compare_statistics` puts a number on the
  difference between two sets of tunes (total variation and Jensen–Shannon
  distances between histograms).
* **Did it copy its training data?** :func:`memorization_report` finds, for
  every generated tune, the longest run of consecutive notes that also occurs
  in some training tune, and the share of its ``n``-note windows found in the
  training set. Both compare *intervals*, so a copy transposed to another key
  still counts as a copy. Run it on held-out human tunes too: that is the
  baseline of how much any two folk songs share by chance.

Everything here is NumPy and plain Python; torch tensors are accepted and
converted.
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .melody import melody_pitches

__all__ = [
    "bits_per_note",
    "perplexity",
    "accuracy",
    "MemorizationIndex",
    "memorization_report",
    "musical_statistics",
    "compare_statistics",
    "total_variation",
    "jensen_shannon",
    "in_scale_rate",
    "INTERVAL_RANGE",
    "NOTE_LENGTHS",
]

#: Intervals (in semitones) the interval histogram has a bin for; larger leaps
#: are counted in the first and last bins (-12 and +12).
INTERVAL_RANGE = 12

#: Note lengths in quarter notes that the note-length histogram has a bin for
#: (sixteenth, triplet eighth, eighth, triplet quarter, dotted eighth, quarter,
#: dotted quarter, half, dotted half, whole); a last bin counts every other length.
NOTE_LENGTHS = (0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)

# Pitch classes of the C major scale; its 12 transpositions are the 12 diatonic
# collections (each natural minor scale shares the set of its relative major).
_MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
_DIATONIC = np.zeros((12, 12), dtype=bool)
for _tonic in range(12):
    for _step in _MAJOR_SCALE:
        _DIATONIC[_tonic, (_tonic + _step) % 12] = True
_PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


# ---------------------------------------------------------------------------
# Prediction quality
# ---------------------------------------------------------------------------

def _to_numpy(x: Any, name: str) -> np.ndarray:
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        x = x.detach().cpu()
        x = x.double() if x.is_floating_point() else x
        x = x.numpy()
    try:
        return np.asarray(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(x).__name__}") from None


def _scored_positions(scores: Any, targets: Any, ignore_index: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Log-softmaxed rows and their integer targets, padding removed."""
    z = _to_numpy(scores, "logits").astype(np.float64)
    t = _to_numpy(targets, "targets")
    if z.ndim < 1 or z.shape[:-1] != t.shape:
        raise ValueError(
            f"logits of shape (..., vocab_size) need targets of shape (...): got logits {z.shape} and "
            f"targets {t.shape}"
        )
    if t.size and not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"targets must be integer token ids, got dtype {t.dtype}")
    z = z.reshape(-1, z.shape[-1])
    t = t.reshape(-1).astype(np.int64)
    if ignore_index is not None:
        keep = t != int(ignore_index)
        z, t = z[keep], t[keep]
    if t.size == 0:
        raise ValueError("there is nothing to score: no targets (or only padding)")
    if t.min() < 0 or t.max() >= z.shape[-1]:
        raise ValueError(f"targets must be ids from 0 to {z.shape[-1] - 1} (the vocabulary), "
                         f"got {int(t.min())}..{int(t.max())}")
    if np.isnan(z).any():
        raise ValueError("logits contain NaN: the model's output is broken (check its training loss)")
    top = z.max(axis=-1, keepdims=True)
    log_probs = z - top - np.log(np.exp(z - top).sum(axis=-1, keepdims=True))
    return log_probs, t


def bits_per_note(log_probs: Any, targets: Any = None, *, ignore_index: int | None = None) -> float:
    """Average surprise of the notes that occurred, in bits: ``mean(-log2 p)``.

    Notebook: ``09_baselines_and_training_loop.ipynb`` derives bits per note;
    ``10_rnn_and_transformer.ipynb`` scores the benchmark with it.

    Two ways to call it:

    * ``bits_per_note(log_probs)``: the natural-log probabilities the model
      gave to the notes that actually occurred, one per note;
    * ``bits_per_note(logits, targets)``: a model's scores over the
      vocabulary, shape ``(..., vocab_size)`` (logits or log-probabilities,
      a log-softmax is applied either way), and the ids that occurred,
      shape ``(...)``.

    A model that always gives the right note probability 1/2 scores 1 bit;
    guessing uniformly among 16 notes scores 4 bits. Lower is better.

    Parameters
    ----------
    log_probs : array_like or torch.Tensor
        Natural-log probabilities ``ln p`` (<= 0) of the notes that occurred,
        or scores over the vocabulary when ``targets`` is given.
    targets : array_like of int, optional
        Token ids that occurred.
    ignore_index : int, optional
        With ``targets``: positions whose target equals this id (padding)
        are left out.

    Returns
    -------
    float
        Bits per note (per scored position), >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.evaluate import bits_per_note
    >>> bits_per_note(np.log([0.5, 0.25]))                 # (1 + 2) / 2
    1.5
    >>> bits_per_note(np.zeros((3, 16)), [0, 5, 9])        # uniform over 16 tokens
    4.0
    """
    if targets is None:
        lp = _to_numpy(log_probs, "log_probs").astype(np.float64).ravel()
        if lp.size == 0:
            raise ValueError("there is nothing to score: log_probs is empty")
        if np.isnan(lp).any() or (lp > 1e-9).any():
            raise ValueError("log_probs must be natural-log probabilities (<= 0, no NaN); to score logits over "
                             "the vocabulary pass the targets too: bits_per_note(logits, targets)")
        return float(-lp.mean() / math.log(2))
    log_p, t = _scored_positions(log_probs, targets, ignore_index)
    picked = log_p[np.arange(t.size), t]
    return float(-picked.mean() / math.log(2))


def perplexity(bits: float) -> float:
    """Perplexity ``2 ** bits``: the number of equally likely choices that would be as surprising.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    bits : float
        Bits per note (from :func:`bits_per_note`).

    Returns
    -------
    float

    Examples
    --------
    >>> from musiclearn.evaluate import perplexity
    >>> perplexity(3.0)
    8.0
    """
    if isinstance(bits, bool) or not isinstance(bits, numbers.Real) or not math.isfinite(bits) or bits < 0:
        raise ValueError(f"bits must be a finite number >= 0 (bits per note), got {bits!r}")
    return float(2.0 ** float(bits))


def accuracy(logits: Any, targets: Any, *, ignore_index: int | None = None) -> float:
    """Share of positions where the most likely token is the one that occurred (top-1 accuracy).

    Notebook: ``10_rnn_and_transformer.ipynb`` reports it beside bits per note in the kinder
    benchmark.

    Parameters
    ----------
    logits : array_like or torch.Tensor, shape (..., vocab_size)
        Scores over the vocabulary.
    targets : array_like of int, shape (...)
        Ids that occurred.
    ignore_index : int, optional
        Positions whose target equals this id (padding) are left out.

    Returns
    -------
    float
        Between 0 and 1. Ties count as right only if the first of the tied
        maxima is the target (as ``argmax`` does).

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.evaluate import accuracy
    >>> accuracy(np.array([[0.1, 2.0], [3.0, 0.0], [0.0, 1.0]]), [1, 1, 1])
    0.6666666666666666
    """
    log_p, t = _scored_positions(logits, targets, ignore_index)
    return float(np.mean(log_p.argmax(axis=-1) == t))


# ---------------------------------------------------------------------------
# Melodies as pitch sequences
# ---------------------------------------------------------------------------

def _collection(melodies: Any, name: str) -> list[Any]:
    """A list of melodies; a single melody or a flat pitch list is refused with a clear message."""
    if getattr(melodies, "notes", None) is not None and getattr(melodies, "pitches", None) is not None:
        raise ValueError(f"{name} must be a list of melodies; wrap a single melody in a list: [melody]")
    if type(melodies).__module__.startswith("torch") and hasattr(melodies, "tolist"):
        melodies = melodies.tolist()
    if isinstance(melodies, np.ndarray):
        melodies = list(melodies) if melodies.ndim == 2 else melodies.tolist()
    if isinstance(melodies, (str, bytes, dict)) or not hasattr(melodies, "__iter__"):
        raise ValueError(f"{name} must be a list of melodies (corpus.Melody or lists of MIDI pitches), "
                         f"got {type(melodies).__name__}")
    items = list(melodies)
    if items and all(isinstance(v, numbers.Integral) or hasattr(v, "pitch") for v in items):
        raise ValueError(f"{name} looks like one melody (a flat list of pitches or notes); pass a list of "
                         "melodies, e.g. [melody]")
    return items


def _intervals(pitches: Sequence[int]) -> list[int]:
    return [b - a for a, b in zip(pitches, pitches[1:])]


def _describe(melody: Any) -> dict[str, Any]:
    out = {}
    for attr in ("source", "title"):
        value = getattr(melody, attr, None)
        if isinstance(value, str):
            out[attr] = value
    return out


# ---------------------------------------------------------------------------
# Memorization
# ---------------------------------------------------------------------------

class MemorizationIndex:
    """An index of training melodies for finding copied passages, built once.

    Notebook: ``11_generation_and_memorization.ipynb``.

    The interval sequences of all training melodies go into one *suffix
    automaton*: a compact machine that recognises every contiguous run of
    intervals of every training tune (separators between tunes keep runs
    from crossing from one tune into the next). Walking a generated tune's
    intervals through it gives, at every position, the longest run ending
    there that occurs in some training tune, in time proportional to the
    tune's length (building costs time and memory proportional to the total
    number of training notes: about a second per 100,000 notes).

    Parameters
    ----------
    training : sequence of melodies
        ``corpus.Melody`` objects or sequences of MIDI pitch integers.

    Examples
    --------
    >>> from musiclearn.evaluate import MemorizationIndex
    >>> index = MemorizationIndex([[60, 62, 64, 65, 67], [70, 69, 67]])
    >>> index.match([72, 74, 76, 77, 50])    # 4 notes a fifth above the first tune
    (4, 0, 0, 0)
    """

    def __init__(self, training: Any) -> None:
        items = _collection(training, "training")
        self.training = items
        self.n_training = len(items)
        self.descriptions = [_describe(m) for m in items]
        pitches = [melody_pitches(m, what=f"training[{i}]") for i, m in enumerate(items)]
        sequences = [_intervals(p) for p in pitches]
        self.lengths = [len(p) for p in pitches]
        self.n_notes = sum(self.lengths)
        # First tune holding at least one note: the match of a lone note.
        self.first_with_note = next((i for i, k in enumerate(self.lengths) if k), None)
        self._starts: list[int] = []
        self._build(sequences)

    def _build(self, sequences: list[list[int]]) -> None:
        # States: length of the longest string in the state, suffix link, transitions, and
        # the end position of its first occurrence (to say where a match came from).
        length = [0]
        link = [-1]
        nxt: list[dict[int, int]] = [{}]
        first_end = [-1]
        last = 0
        pos = -1
        separator = 1000  # intervals lie in -127..127; each separator is unique
        for tune, seq in enumerate(sequences):
            self._starts.append(pos + 1)
            for symbol in [*seq, separator]:
                pos += 1
                cur = len(length)
                length.append(length[last] + 1)
                link.append(-1)
                nxt.append({})
                first_end.append(pos)
                p = last
                while p != -1 and symbol not in nxt[p]:
                    nxt[p][symbol] = cur
                    p = link[p]
                if p == -1:
                    link[cur] = 0
                else:
                    q = nxt[p][symbol]
                    if length[p] + 1 == length[q]:
                        link[cur] = q
                    else:
                        clone = len(length)
                        length.append(length[p] + 1)
                        link.append(link[q])
                        nxt.append(dict(nxt[q]))
                        first_end.append(first_end[q])
                        while p != -1 and nxt[p].get(symbol) == q:
                            nxt[p][symbol] = clone
                            p = link[p]
                        link[q] = clone
                        link[cur] = clone
                last = cur
            separator += 1
        self._length, self._link, self._next, self._first_end = length, link, nxt, first_end

    def _locate(self, end_pos: int, run: int) -> tuple[int, int]:
        """(training tune, index of the first note) of the ``run`` intervals ending at ``end_pos``."""
        start = end_pos - run + 1
        tune = bisect.bisect_right(self._starts, start) - 1
        return tune, start - self._starts[tune]

    def matching_runs(self, intervals: Sequence[int]) -> tuple[list[int], list[int]]:
        """For each position ``j``, the longest run of intervals ending at ``j`` found in training.

        Parameters
        ----------
        intervals : sequence of int
            A melody's intervals in semitones.

        Returns
        -------
        runs : list of int
            ``runs[j]``: how many intervals ending at ``intervals[j]`` occur,
            consecutively, in some training tune.
        states : list of int
            Internal automaton states (used to locate the match).
        """
        length, link, nxt = self._length, self._link, self._next
        state, run = 0, 0
        runs, states = [], []
        for symbol in intervals:
            while state and symbol not in nxt[state]:
                state = link[state]
                run = length[state]
            target = nxt[state].get(symbol)
            if target is None:
                state, run = 0, 0
            else:
                state, run = target, run + 1
            runs.append(run)
            states.append(state)
        return runs, states

    def match(self, melody: Any) -> tuple[int, int | None, int | None, int | None]:
        """The longest run of consecutive notes of ``melody`` found in a training melody.

        Parameters
        ----------
        melody : corpus.Melody or sequence of int
            The melody to look up.

        Returns
        -------
        longest : int
            Notes in the longest run (see :func:`memorization_report`).
        training_index : int or None
            Which training melody holds it (None when ``longest`` is 0).
        training_start : int or None
            Index of the run's first note in that training melody.
        start : int or None
            Index of the run's first note in ``melody``.
        """
        pitches = melody_pitches(melody, what="melody")
        return self._match_pitches(pitches)[:4]

    def _match_pitches(self, pitches: tuple[int, ...]) -> tuple[int, int | None, int | None,
                                                                   int | None, list[int]]:
        if not pitches or self.first_with_note is None:
            return 0, None, None, None, []
        runs, states = self.matching_runs(_intervals(pitches))
        best = max(runs, default=0)
        if best == 0:
            return 1, self.first_with_note, 0, 0, runs
        j = runs.index(best)
        tune, start = self._locate(self._first_end[states[j]], best)
        return best + 1, tune, start, j - best + 1, runs


def memorization_report(generated: Any, training: Any, *, n: int = 8) -> dict[str, Any]:
    """How much of each generated melody also occurs in the training melodies?

    Notebook: ``11_generation_and_memorization.ipynb``.

    Everything is compared by **intervals** (the differences between
    consecutive pitches, in semitones), so a passage copied in another key
    still counts as copied.

    ``longest_match``
        The longest run of consecutive notes of the generated melody that
        also occurs, consecutively, in some training melody (up to
        transposition). A run of ``k`` notes has ``k - 1`` intervals, and it
        matches when those ``k - 1`` intervals occur in a row in a training
        melody, so ``longest_match = 1 + (longest common run of intervals)``.
        Any single note matches (it has no interval to differ in), so every
        non-empty melody scores at least 1; an empty melody, or a training
        set without notes, scores 0. A melody copied whole scores its length.
    ``ngram_overlap``
        The share of the melody's ``n``-note windows (``len - n + 1`` of them,
        each ``n - 1`` intervals) that occur in some training melody. It is
        None for a melody shorter than ``n`` notes (it has no window).

    Parameters
    ----------
    generated : sequence of melodies
        ``corpus.Melody`` objects (as returned by ``corpus.melodies``) or
        sequences of MIDI pitch integers (0..127).
    training : sequence of melodies, or MemorizationIndex
        The melodies the model was trained on, in the same forms; pass a
        :class:`MemorizationIndex` built once to check several sets of
        melodies against the same training set quickly.
    n : int, default 8
        Window length in notes for ``ngram_overlap``, >= 1.

    Returns
    -------
    dict
        Per generated melody, in the order given:

        ``longest_match`` : list of int
        ``ngram_overlap`` : list of float or None
        ``per_melody`` : list of dict, one per generated melody, with keys
            ``index``, ``notes`` (its length), ``longest_match``,
            ``ngram_overlap``, ``windows`` (how many ``n``-note windows),
            ``windows_found``, ``whole_copy`` (True when the whole melody
            occurs in one training melody; only melodies of at least ``n``
            notes, and at least 2, count: that a 3-note tune occurs somewhere
            says little), ``start`` (first
            note of the longest match in the generated melody),
            ``training_index`` and ``training_start`` (which training melody
            holds it and where; None when ``longest_match`` is 0), and, when
            the training melody has them, ``training_source`` and
            ``training_title``.

        Summary:

        ``n``, ``n_generated``, ``n_training``, ``training_notes``;
        ``mean_longest_match``, ``median_longest_match``, ``max_longest_match``
        (0 when nothing was generated); ``max_match_index`` (the generated
        melody with the longest match) and ``max_match_training_index``
        (the training melody it matched), None when there is none;
        ``mean_ngram_overlap`` (mean over melodies that have a window; None if
        none has); ``whole_copies`` (how many generated melodies are whole
        copies); ``share_with_ngram_match`` (share of generated melodies with
        ``longest_match >= n``, i.e. at least one window found).

    Raises
    ------
    ValueError
        A melody holds something that is not a MIDI pitch, a single melody is
        passed instead of a list, or ``n`` is not a whole number >= 1.

    Examples
    --------
    >>> from musiclearn.evaluate import memorization_report
    >>> training = [[60, 62, 64, 65, 67, 69, 71, 72]]
    >>> generated = [[67, 69, 71, 72, 74, 76, 78, 79],   # a fifth up: copied
    ...              [60, 61, 60, 61, 60]]                # only semitone wiggles
    >>> report = memorization_report(generated, training, n=4)
    >>> report["longest_match"]
    [8, 2]
    >>> report["ngram_overlap"]
    [1.0, 0.0]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 1:
        raise ValueError(f"n must be a whole number >= 1 (window length in notes, e.g. 8), got {n!r}")
    n = int(n)
    index = training if isinstance(training, MemorizationIndex) else MemorizationIndex(training)
    items = _collection(generated, "generated")

    per_melody = []
    for i, melody in enumerate(items):
        pitches = melody_pitches(melody, what=f"generated[{i}]")
        longest, tune, tune_start, start, runs = index._match_pitches(pitches)
        windows = max(len(pitches) - n + 1, 0)
        if windows == 0:
            found, overlap = 0, None
        elif index.first_with_note is None:
            found, overlap = 0, 0.0
        elif n == 1:
            found, overlap = windows, 1.0
        else:
            # The window of notes s .. s+n-1 ends with interval s+n-2; it occurs in training
            # exactly when the matching run ending there covers all its n-1 intervals.
            found = sum(1 for r in runs[n - 2:] if r >= n - 1)
            overlap = found / windows
        entry: dict[str, Any] = {
            "index": i,
            "notes": len(pitches),
            "longest_match": longest,
            "ngram_overlap": overlap,
            "windows": windows,
            "windows_found": found,
            "whole_copy": len(pitches) >= max(n, 2) and longest == len(pitches),
            "start": start,
            "training_index": tune,
            "training_start": tune_start,
        }
        if tune is not None:
            described = index.descriptions[tune]
            if "source" in described:
                entry["training_source"] = described["source"]
            if "title" in described:
                entry["training_title"] = described["title"]
        per_melody.append(entry)

    longest = [m["longest_match"] for m in per_melody]
    overlaps = [m["ngram_overlap"] for m in per_melody]
    defined = [o for o in overlaps if o is not None]
    top = int(np.argmax(longest)) if longest else None
    return {
        "n": n,
        "n_generated": len(items),
        "n_training": index.n_training,
        "training_notes": index.n_notes,
        "longest_match": longest,
        "ngram_overlap": overlaps,
        "per_melody": per_melody,
        "mean_longest_match": float(np.mean(longest)) if longest else 0.0,
        "median_longest_match": float(np.median(longest)) if longest else 0.0,
        "max_longest_match": int(max(longest)) if longest else 0,
        "max_match_index": top,
        "max_match_training_index": None if top is None else per_melody[top]["training_index"],
        "mean_ngram_overlap": float(np.mean(defined)) if defined else None,
        "whole_copies": sum(bool(m["whole_copy"]) for m in per_melody),
        "share_with_ngram_match": (sum(v >= n for v in longest) / len(longest)) if longest else 0.0,
    }


# ---------------------------------------------------------------------------
# Musical statistics
# ---------------------------------------------------------------------------

def in_scale_rate(melody: Any) -> tuple[float, int]:
    """Share of a melody's notes that lie in its best-fitting major/minor scale.

    Notebook: ``11_generation_and_memorization.ipynb``.

    A simple diatonic fit: of the 12 major scales (C major, C# major, …),
    take the one that contains the most of the melody's notes; the rate is
    the share of notes inside it. A natural minor scale has the same notes
    as its relative major (A minor = C major), so minor tunes fit as well;
    the raised 7th of harmonic minor (G# in A minor) counts as outside.
    Ties go to the scale whose tonic comes first from C.

    Parameters
    ----------
    melody : corpus.Melody or sequence of int
        MIDI pitches.

    Returns
    -------
    rate : float
        Between 0 and 1; NaN for an empty melody.
    tonic : int
        Pitch class (0 = C) of the best-fitting major scale; -1 when empty.

    Examples
    --------
    >>> from musiclearn.evaluate import in_scale_rate
    >>> in_scale_rate([62, 64, 66, 67, 69, 71, 73, 74])     # D major scale
    (1.0, 2)
    >>> in_scale_rate([60, 61, 62, 63])                      # chromatic: 3 of 4 fit C# major
    (0.75, 1)
    """
    pitches = melody_pitches(melody, what="melody")
    if not pitches:
        return float("nan"), -1
    counts = np.bincount(np.asarray(pitches) % 12, minlength=12)
    inside = _DIATONIC.astype(np.int64) @ counts
    tonic = int(np.argmax(inside))
    return float(inside[tonic] / len(pitches)), tonic


def _durations(melody: Any) -> tuple[float, ...] | None:
    durations = getattr(melody, "durations", None)
    if durations is None or callable(durations):
        notes = getattr(melody, "notes", None)
        if notes is None:
            return None
        durations = [n.duration for n in notes]
    return tuple(float(d) for d in durations)


def _length_bin(duration: float) -> int:
    for i, value in enumerate(NOTE_LENGTHS):
        if abs(duration - value) <= 1e-3:
            return i
    return len(NOTE_LENGTHS)


def musical_statistics(melodies: Any) -> dict[str, Any]:
    """Describe a set of melodies with a few numbers and histograms.

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    melodies : sequence of melodies
        ``corpus.Melody`` objects or sequences of MIDI pitch integers. Note
        lengths are measured only when every melody has durations (Melody
        objects do).

    Returns
    -------
    dict
        ``n_melodies``, ``n_notes``;
        ``mean_length`` (notes per melody) and ``lengths`` (per melody);
        ``pitch_range``: mean over melodies of (highest − lowest pitch) in
        semitones, with ``ranges`` per melody, and ``lowest`` / ``highest``
        pitch of all;
        ``pitch_class_histogram``: array (12,), share of notes per pitch
        class (index 0 = C, 1 = C#, …, 11 = B), summing to 1;
        ``interval_values``: array (25,), the semitones -12 … +12, and
        ``interval_histogram``: the share of intervals (between consecutive
        notes of each melody) for each value, leaps beyond an octave counted
        in the end bins; ``mean_abs_interval`` in semitones;
        ``step_share`` (share of intervals of 1 or 2 semitones),
        ``repeat_share`` (0 semitones), ``leap_share`` (more than 2);
        ``in_scale_rate``: mean of :func:`in_scale_rate` over melodies, with
        ``in_scale_rates`` per melody;
        ``note_length_values`` (:data:`NOTE_LENGTHS`, quarter notes) and
        ``note_length_histogram``: array (11,), share of notes per length,
        the last bin counting every other length, and ``mean_duration`` in
        quarter notes (both None without durations).
        Histograms of an empty set are all zeros and means are NaN.

    Examples
    --------
    >>> from musiclearn.evaluate import musical_statistics
    >>> stats = musical_statistics([[60, 62, 64, 65, 67], [67, 65, 64]])
    >>> stats["mean_length"], stats["pitch_range"], stats["in_scale_rate"]
    (4.0, 5.0, 1.0)
    >>> float(stats["interval_histogram"][12 + 2])           # 3 of the 6 intervals are +2
    0.5
    """
    items = _collection(melodies, "melodies")
    all_pitches = [melody_pitches(m, what=f"melodies[{i}]") for i, m in enumerate(items)]
    lengths = np.array([len(p) for p in all_pitches], dtype=np.int64)
    n_notes = int(lengths.sum())
    flat = np.fromiter((p for ps in all_pitches for p in ps), dtype=np.int64, count=n_notes)

    pc = np.bincount(flat % 12, minlength=12).astype(np.float64)
    pc = pc / pc.sum() if n_notes else pc

    intervals = np.fromiter((b - a for ps in all_pitches for a, b in zip(ps, ps[1:])), dtype=np.int64)
    clipped = np.clip(intervals, -INTERVAL_RANGE, INTERVAL_RANGE) + INTERVAL_RANGE
    ih = np.bincount(clipped, minlength=2 * INTERVAL_RANGE + 1).astype(np.float64)
    ih = ih / ih.sum() if intervals.size else ih
    absolute = np.abs(intervals)

    nonempty = [p for p in all_pitches if p]
    ranges = np.array([max(p) - min(p) for p in nonempty], dtype=np.float64)
    rates = np.array([in_scale_rate(p)[0] for p in nonempty], dtype=np.float64)

    all_durations = [_durations(m) for m in items]
    if items and all(d is not None for d in all_durations):
        flat_d = [d for ds in all_durations for d in ds]
        lh = np.bincount([_length_bin(d) for d in flat_d], minlength=len(NOTE_LENGTHS) + 1).astype(np.float64)
        lh = lh / lh.sum() if flat_d else lh
        mean_duration = float(np.mean(flat_d)) if flat_d else float("nan")
    else:
        lh, mean_duration = None, None

    def mean(x: np.ndarray) -> float:
        return float(x.mean()) if x.size else float("nan")

    return {
        "n_melodies": len(items),
        "n_notes": n_notes,
        "mean_length": mean(lengths.astype(np.float64)),
        "lengths": lengths,
        "pitch_range": mean(ranges),
        "ranges": ranges,
        "lowest": int(flat.min()) if n_notes else None,
        "highest": int(flat.max()) if n_notes else None,
        "pitch_class_names": _PITCH_CLASS_NAMES,
        "pitch_class_histogram": pc,
        "interval_values": np.arange(-INTERVAL_RANGE, INTERVAL_RANGE + 1),
        "interval_histogram": ih,
        "mean_abs_interval": mean(absolute.astype(np.float64)),
        "step_share": mean(((absolute >= 1) & (absolute <= 2)).astype(np.float64)),
        "repeat_share": mean((absolute == 0).astype(np.float64)),
        "leap_share": mean((absolute > 2).astype(np.float64)),
        "in_scale_rate": mean(rates),
        "in_scale_rates": rates,
        "note_length_values": NOTE_LENGTHS,
        "note_length_histogram": lh,
        "mean_duration": mean_duration,
    }


def _distribution(p: Any, name: str) -> np.ndarray:
    a = _to_numpy(p, name).astype(np.float64).ravel()
    if a.size == 0 or np.isnan(a).any() or (a < 0).any() or not np.isfinite(a).all():
        raise ValueError(f"{name} must be a histogram: finite numbers >= 0")
    total = a.sum()
    if total <= 0:
        raise ValueError(f"{name} is all zeros: there is nothing to compare (no notes?)")
    return a / total


def total_variation(p: Any, q: Any) -> float:
    """Total variation distance ``0.5 · Σ|p − q|`` between two histograms.

    Notebook: ``11_generation_and_memorization.ipynb``.

    Both are normalised to sum to 1 first. 0 means identical, 1 means no
    overlap at all; it is the largest difference in probability the two
    distributions give to any set of outcomes.

    Parameters
    ----------
    p, q : array_like
        Histograms (counts or probabilities) over the same bins.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> from musiclearn.evaluate import total_variation
    >>> total_variation([1, 0], [0.5, 0.5])
    0.5
    """
    a, b = _distribution(p, "p"), _distribution(q, "q")
    if a.shape != b.shape:
        raise ValueError(f"p and q must have the same bins, got {a.size} and {b.size}")
    return float(0.5 * np.abs(a - b).sum())


def jensen_shannon(p: Any, q: Any) -> float:
    """Jensen–Shannon divergence in bits between two histograms.

    Notebook: ``11_generation_and_memorization.ipynb``.

    ``JS = ½ KL(p‖m) + ½ KL(q‖m)`` with ``m = (p + q) / 2`` and logarithms to
    base 2. Unlike the KL divergence it is symmetric and finite even when one
    histogram has empty bins: 0 for identical histograms, 1 bit for
    histograms with no bin in common.

    Parameters
    ----------
    p, q : array_like
        Histograms (counts or probabilities) over the same bins.

    Returns
    -------
    float
        Between 0 and 1 (bits).

    Examples
    --------
    >>> from musiclearn.evaluate import jensen_shannon
    >>> jensen_shannon([1, 0], [0, 1]), jensen_shannon([1, 2], [2, 4])
    (1.0, 0.0)
    """
    a, b = _distribution(p, "p"), _distribution(q, "q")
    if a.shape != b.shape:
        raise ValueError(f"p and q must have the same bins, got {a.size} and {b.size}")
    m = (a + b) / 2

    def kl(x: np.ndarray) -> float:
        nz = x > 0
        return float(np.sum(x[nz] * np.log2(x[nz] / m[nz])))

    return max(0.0, 0.5 * kl(a) + 0.5 * kl(b))


def compare_statistics(generated: Any, reference: Any) -> dict[str, Any]:
    """How far apart are two sets of melodies, musically?

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    generated, reference : sequence of melodies, or dict
        Melodies (as for :func:`musical_statistics`) or the dict it returned.

    Returns
    -------
    dict
        Distances between the histograms (``*_tv``: total variation, 0..1;
        ``*_js``: Jensen–Shannon in bits, 0..1):
        ``pitch_class_tv``, ``pitch_class_js``, ``interval_tv``,
        ``interval_js``, ``note_length_tv``, ``note_length_js`` (None unless
        both sets have durations); differences (generated − reference) of
        ``mean_length``, ``pitch_range``, ``mean_abs_interval``,
        ``in_scale_rate``, as ``*_difference``; and the two statistics dicts
        as ``generated`` and ``reference``.

    Raises
    ------
    ValueError
        One of the sets holds no notes (or no intervals).

    Examples
    --------
    >>> from musiclearn.evaluate import compare_statistics
    >>> d = compare_statistics([[60, 62, 64]], [[62, 64, 66]])   # same steps, a tone higher
    >>> d["interval_tv"], round(d["pitch_class_tv"], 3)            # C D E vs D E F#
    (0.0, 0.333)
    """
    g = generated if isinstance(generated, dict) else musical_statistics(generated)
    r = reference if isinstance(reference, dict) else musical_statistics(reference)
    for label, stats in (("generated", g), ("reference", r)):
        if not stats.get("n_notes"):
            raise ValueError(f"{label} holds no notes, so there is nothing to compare")
        if not np.asarray(stats["interval_histogram"]).sum():
            raise ValueError(f"{label} holds no intervals (every melody has fewer than 2 notes); "
                             "compare melodies of at least 2 notes")
    out: dict[str, Any] = {
        "pitch_class_tv": total_variation(g["pitch_class_histogram"], r["pitch_class_histogram"]),
        "pitch_class_js": jensen_shannon(g["pitch_class_histogram"], r["pitch_class_histogram"]),
        "interval_tv": total_variation(g["interval_histogram"], r["interval_histogram"]),
        "interval_js": jensen_shannon(g["interval_histogram"], r["interval_histogram"]),
    }
    if g.get("note_length_histogram") is not None and r.get("note_length_histogram") is not None:
        out["note_length_tv"] = total_variation(g["note_length_histogram"], r["note_length_histogram"])
        out["note_length_js"] = jensen_shannon(g["note_length_histogram"], r["note_length_histogram"])
    else:
        out["note_length_tv"] = out["note_length_js"] = None
    for key in ("mean_length", "pitch_range", "mean_abs_interval", "in_scale_rate"):
        out[f"{key}_difference"] = float(g[key] - r[key])
    out["generated"] = g
    out["reference"] = r
    return out
