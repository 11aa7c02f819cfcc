"""Symbolic data done carefully: hygiene, splits by tune, augmentation.

Notebook: ``08_from_scores_to_tokens.ipynb`` teaches this module (duplicates,
outliers and broken entries counted and removed; splits by tune with a proof
that nothing leaks; transposition augmentation on training data only; what a
careless split does to validation loss).

Identity of a tune
    Two melodies are *the same tune* for this module when they have the same
    sequence of pitch intervals (:func:`interval_signature`): a copy
    transposed to another key is still the same tune, and a model that saw
    it in training has an unfair advantage on it. *Exact* duplicates have
    the same notes (pitch, duration and onset, counted from the first note).

Hygiene
    :func:`hygiene_report` counts, and :func:`clean` removes, tunes that are
    too short, hold pitches outside a range, or repeat an earlier tune
    (exactly or transposed); the first of each group of duplicates is kept.
    Tunes the parser could not read are listed from
    :func:`musiclearn.corpus.last_report`.

Splits
    :func:`split_by_tune` splits whole tunes and keeps duplicate groups in one
    split; :func:`kfold_by_tune` is the benchmark's fixed protocol (tune *i*
    goes to fold *i* mod *k*); :func:`assert_no_leakage` proves
    that no tune, or transposition of it, is in two splits.

Augmentation
    :func:`augment_transpositions` adds transposed copies. Apply it to the
    training split only, *after* splitting: augmenting first and splitting
    after puts transpositions of training tunes into validation.

Batches
    Turning token sequences into PyTorch batches is :mod:`musiclearn.loaders`'
    job (``make_loader``, ``SequenceDataset``, ``pad_batch``); those names
    still import from here, loaded on first use, so this module never
    imports torch.
"""

from __future__ import annotations

import numbers
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from . import _validate
from .errors import DataError
from .melody import melody_pitches

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .corpus import Melody, Skipped

__all__ = [
    "interval_signature",
    "transpose",
    "DuplicateGroup",
    "find_duplicates",
    "HygieneReport",
    "hygiene_report",
    "clean",
    "split_by_tune",
    "kfold_by_tune",
    "fold_indices",
    "assert_no_leakage",
    "LeakageError",
    "remove_leakage",
    "augment_transpositions",
    "SequenceDataset",
    "pad_batch",
    "make_loader",
]

#: Default lowest and highest MIDI pitch for hygiene checks: the 88 keys of a
#: piano (A0 = 21 to C8 = 108). A melody note outside it is almost always an
#: encoding error.
PIANO_RANGE = (21, 108)


class LeakageError(DataError):
    """The same tune (or a transposition of it) is in more than one split.

    Notebook: ``08_from_scores_to_tokens.ipynb``.
    """


# ----------------------------------------------------------------------------
# Tunes and their identity
# ----------------------------------------------------------------------------


def _as_melodies(melodies: Any, what: str = "melodies") -> list["Melody"]:
    from .corpus import Melody

    if isinstance(melodies, (str, bytes, Melody)) or not isinstance(melodies, Iterable):
        raise ValueError(f"{what} must be a list of corpus.Melody (e.g. from corpus.melodies('kinder0'))")
    out = list(melodies)
    for i, m in enumerate(out):
        if not isinstance(m, Melody):
            raise ValueError(
                f"{what}[{i}] is a {type(m).__name__}, not a corpus.Melody; "
                "build one with corpus.Melody.from_pitches([...]) if you have plain pitches"
            )
    return out


def _name(melodies: Sequence["Melody"], i: int) -> str:
    return melodies[i].source or f"#{i}"


def interval_signature(melody: Any) -> tuple[int, ...]:
    """The pitch intervals between consecutive notes: a tune's identity up to transposition.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melody : corpus.Melody, sequence of corpus.Note or sequence of int
        A melody (read by the rule of :mod:`musiclearn.melody`), or its MIDI
        pitches.

    Returns
    -------
    tuple of int
        ``pitch[i + 1] - pitch[i]`` in semitones, one fewer than the notes.
        Transposing the melody leaves it unchanged.

    Examples
    --------
    >>> interval_signature([60, 62, 64, 60])
    (2, 2, -4)
    >>> interval_signature([67, 69, 71, 67]) == interval_signature([60, 62, 64, 60])
    True
    """
    p = melody_pitches(melody)
    return tuple(b - a for a, b in zip(p, p[1:]))


def _exact_key(melody: "Melody") -> tuple:
    """Notes as (pitch, duration, onset from the first note), rounded against float noise."""
    start = melody.notes[0].offset if melody.notes else 0.0
    return tuple((n.pitch, round(n.duration, 6), round(n.offset - start, 6)) for n in melody.notes)


def transpose(melody: "Melody", semitones: int) -> "Melody":
    """The melody moved up (or down) by a number of semitones.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melody : corpus.Melody
    semitones : int
        Positive moves up, negative down (12 = one octave).

    Returns
    -------
    corpus.Melody
        Same rhythm, title and time signature. ``source`` gains
        ``" transposed +2"``; ``key`` becomes None unless ``semitones`` is 0
        (the old key name would be wrong).

    Raises
    ------
    ValueError
        If a pitch would leave MIDI's range 0-127.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> transpose(Melody.from_pitches([60, 64, 67]), 2).pitches
    (62, 66, 69)
    """
    from .corpus import Melody, Note

    if not isinstance(melody, Melody):
        raise ValueError(f"expected a corpus.Melody, got {type(melody).__name__}")
    if isinstance(semitones, bool) or not isinstance(semitones, numbers.Integral):
        raise ValueError(f"semitones must be a whole number (e.g. 2 or -3), got {semitones!r}")
    semitones = int(semitones)
    if semitones == 0:
        return melody
    if melody.notes:
        low, high = min(melody.pitches) + semitones, max(melody.pitches) + semitones
        if low < 0 or high > 127:
            raise ValueError(
                f"transposing {melody.source or 'the melody'} by {semitones:+d} semitones takes its pitches to "
                f"{low}..{high}, outside MIDI's 0..127; choose a smaller shift"
            )
    notes = tuple(Note(n.pitch + semitones, n.duration, n.offset) for n in melody.notes)
    return Melody(notes, title=melody.title, source=f"{melody.source} transposed {semitones:+d}".strip(),
                  time_signature=melody.time_signature, key=None)


# ----------------------------------------------------------------------------
# Duplicates
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroup:
    """Melodies that are the same tune: the same sequence of intervals.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Attributes
    ----------
    indices : tuple of int
        Positions in the list given to :func:`find_duplicates`, ascending.
    sources : tuple of str
        Their ``source`` strings (``"#i"`` when a melody has none).
    shifts : tuple of int
        Transposition of each member relative to the first, in semitones.
    kind : str
        ``"exact"`` when all members have the same notes (pitch, duration
        and onset), else ``"transposed"`` (same intervals; pitches shifted
        and/or rhythm different).
    """

    indices: tuple[int, ...]
    sources: tuple[str, ...]
    shifts: tuple[int, ...]
    kind: str

    def __str__(self) -> str:
        members = ", ".join(s if d == 0 else f"{s} ({d:+d})" for s, d in zip(self.sources, self.shifts))
        return f"{self.kind}: {members}"


def find_duplicates(melodies: Sequence["Melody"]) -> list[DuplicateGroup]:
    """Groups of melodies that are the same tune, exactly or transposed.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melodies : list of corpus.Melody

    Returns
    -------
    list of DuplicateGroup
        One per interval sequence shared by two or more melodies, ordered by
        their first index.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> tunes = [Melody.from_pitches([60, 62, 64], source="a"), Melody.from_pitches([55, 57, 60], source="b"),
    ...          Melody.from_pitches([67, 69, 71], source="c"), Melody.from_pitches([60, 62, 64], source="d")]
    >>> for group in find_duplicates(tunes):
    ...     print(group)
    transposed: a, c (+7), d
    """
    tunes = _as_melodies(melodies)
    by_signature: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, m in enumerate(tunes):
        by_signature[interval_signature(m)].append(i)
    groups = []
    for members in by_signature.values():
        if len(members) < 2:
            continue
        first = tunes[members[0]]
        base = first.pitches[0] if first.notes else 0
        shifts = tuple((tunes[i].pitches[0] - base) if tunes[i].notes else 0 for i in members)
        key = _exact_key(first)
        exact = all(_exact_key(tunes[i]) == key for i in members[1:])
        groups.append(DuplicateGroup(tuple(members), tuple(_name(tunes, i) for i in members), shifts,
                                     "exact" if exact else "transposed"))
    return sorted(groups, key=lambda g: g.indices[0])


# ----------------------------------------------------------------------------
# Hygiene
# ----------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class HygieneReport:
    """What :func:`hygiene_report` found and :func:`clean` removed.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Attributes
    ----------
    total : int
        Melodies examined.
    kept : tuple of int
        Indices of the melodies that pass every check.
    too_short : tuple of int
        Indices of melodies with fewer than ``min_notes`` notes.
    out_of_range : tuple of int
        Indices of melodies with a pitch outside ``pitch_range``.
    exact_duplicates : tuple of (int, int)
        ``(index, index of the earlier copy kept)``: the same notes.
    transposed_duplicates : tuple of (int, int, int)
        ``(index, index of the earlier tune kept, semitones)``: the same
        intervals, transposed and/or with another rhythm.
    unparseable : tuple of corpus.Skipped
        Entries the parser could not read (they never became melodies).
    min_notes : int
    pitch_range : (int, int)
    sources : tuple of str
        ``source`` of every melody examined, for readable messages.
    """

    total: int
    kept: tuple[int, ...]
    too_short: tuple[int, ...] = ()
    out_of_range: tuple[int, ...] = ()
    exact_duplicates: tuple[tuple[int, int], ...] = ()
    transposed_duplicates: tuple[tuple[int, int, int], ...] = ()
    unparseable: tuple["Skipped", ...] = ()
    min_notes: int = 0
    pitch_range: tuple[int, int] = (0, 127)
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def removed(self) -> int:
        """How many melodies fail a check."""
        return self.total - len(self.kept)

    def counts(self) -> dict[str, int]:
        """Each problem and how many entries have it, as plain data."""
        return {
            "unparseable": len(self.unparseable),
            "too short": len(self.too_short),
            "out of range": len(self.out_of_range),
            "exact duplicates": len(self.exact_duplicates),
            "transposed duplicates": len(self.transposed_duplicates),
        }

    def _src(self, i: int) -> str:
        return self.sources[i] if i < len(self.sources) and self.sources[i] else f"#{i}"

    def __repr__(self) -> str:
        low, high = self.pitch_range
        rows = [
            ("unparseable (left out by the parser)", len(self.unparseable),
             [s.source for s in self.unparseable]),
            (f"too short (< {self.min_notes} notes)", len(self.too_short),
             [self._src(i) for i in self.too_short]),
            (f"out of range (pitch outside {low}..{high})", len(self.out_of_range),
             [self._src(i) for i in self.out_of_range]),
            ("exact duplicates", len(self.exact_duplicates),
             [f"{self._src(i)} = {self._src(j)}" for i, j in self.exact_duplicates]),
            ("transposed duplicates (same intervals)", len(self.transposed_duplicates),
             [f"{self._src(i)} = {self._src(j)} " + (f"{s:+d}" if s else "(other rhythm)")
              for i, j, s in self.transposed_duplicates]),
        ]
        lines = [f"HygieneReport: {self.total} melodies, {len(self.kept)} kept, {self.removed} removed"]
        for label, count, examples in rows:
            shown = "; ".join(examples[:3]) + (" ..." if len(examples) > 3 else "")
            lines.append(f"  {label:<44s}{count:6d}" + (f"   e.g. {shown}" if examples else ""))
        return "\n".join(lines)

    __str__ = __repr__


def _check_min_notes(min_notes: Any) -> int:
    if isinstance(min_notes, bool) or not isinstance(min_notes, numbers.Integral) or min_notes < 0:
        raise ValueError(f"min_notes must be a non-negative whole number of notes, got {min_notes!r}")
    return int(min_notes)


def hygiene_report(
    melodies: Sequence["Melody"],
    *,
    min_notes: int = 8,
    pitch_range: tuple[int, int] = PIANO_RANGE,
    duplicates: str | None = "transposed",
    skipped: Iterable["Skipped"] = (),
) -> HygieneReport:
    """Count what is wrong with a collection of melodies (nothing is changed).

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    The checks run in this order, and a melody is reported under the first it
    fails: too short, out of range, exact duplicate of an earlier kept melody,
    transposed duplicate (same intervals) of an earlier kept melody.

    Parameters
    ----------
    melodies : list of corpus.Melody
    min_notes : int, optional
        Melodies with fewer notes are too short (default 8).
    pitch_range : (int, int), optional
        Lowest and highest allowed MIDI pitch (default the piano, 21-108).
    duplicates : {"transposed", "exact", None}, optional
        Which duplicates to report: exact and transposed (default), exact
        only, or none.
    skipped : iterable of corpus.Skipped, optional
        Entries the parser could not read, e.g.
        ``corpus.last_report().skipped``; they are counted, not examined.

    Returns
    -------
    HygieneReport
        Its ``repr`` is a readable table; ``report.kept`` lists the indices
        that pass.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> tunes = [Melody.from_pitches([60, 62, 64, 65]), Melody.from_pitches([60]),
    ...          Melody.from_pitches([62, 64, 66, 67])]
    >>> report = hygiene_report(tunes, min_notes=2)
    >>> report.kept, report.too_short, report.transposed_duplicates
    ((0,), (1,), ((2, 0, 2),))
    """
    tunes = _as_melodies(melodies)
    min_notes = _check_min_notes(min_notes)
    low, high = _validate.pitch_range(pitch_range)
    if duplicates not in ("transposed", "exact", None):
        raise ValueError(f"duplicates must be 'transposed', 'exact' or None, got {duplicates!r}")
    skipped = tuple(skipped)
    too_short, out_of_range, exact, transposed, kept = [], [], [], [], []
    seen_exact: dict[tuple, int] = {}
    seen_intervals: dict[tuple[int, ...], int] = {}
    for i, m in enumerate(tunes):
        if len(m) < min_notes:
            too_short.append(i)
            continue
        if m.notes and (min(m.pitches) < low or max(m.pitches) > high):
            out_of_range.append(i)
            continue
        if duplicates is not None:
            key = _exact_key(m)
            if key in seen_exact:
                exact.append((i, seen_exact[key]))
                continue
            signature = interval_signature(m)
            if duplicates == "transposed" and signature in seen_intervals:
                j = seen_intervals[signature]
                shift = (m.pitches[0] - tunes[j].pitches[0]) if m.notes else 0
                transposed.append((i, j, shift))
                continue
            seen_exact[key] = i
            seen_intervals.setdefault(signature, i)
        kept.append(i)
    return HygieneReport(
        total=len(tunes), kept=tuple(kept), too_short=tuple(too_short), out_of_range=tuple(out_of_range),
        exact_duplicates=tuple(exact), transposed_duplicates=tuple(transposed), unparseable=skipped,
        min_notes=min_notes, pitch_range=(low, high), sources=tuple(m.source for m in tunes),
    )


def clean(
    melodies: Sequence["Melody"],
    *,
    min_notes: int = 8,
    pitch_range: tuple[int, int] = PIANO_RANGE,
    duplicates: str | None = "transposed",
    skipped: Iterable["Skipped"] = (),
) -> tuple[list["Melody"], HygieneReport]:
    """Remove too short, out-of-range and duplicate melodies, and say what went.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melodies : list of corpus.Melody
    min_notes, pitch_range, duplicates, skipped
        As for :func:`hygiene_report`.

    Returns
    -------
    kept : list of corpus.Melody
        The melodies that pass, in their original order (the first of each
        group of duplicates stays).
    report : HygieneReport

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> tunes = [Melody.from_pitches([60, 62, 64]), Melody.from_pitches([60, 62, 64])]
    >>> kept, report = clean(tunes, min_notes=3)
    >>> len(kept), report.exact_duplicates
    (1, ((1, 0),))
    """
    report = hygiene_report(melodies, min_notes=min_notes, pitch_range=pitch_range,
                            duplicates=duplicates, skipped=skipped)
    tunes = list(melodies)
    return [tunes[i] for i in report.kept], report


# ----------------------------------------------------------------------------
# Splits
# ----------------------------------------------------------------------------


def _count(melodies: Any, what: str = "melodies") -> int:
    if isinstance(melodies, bool):
        raise ValueError(f"{what} must be a list of melodies or a number of tunes, got {melodies!r}")
    if isinstance(melodies, numbers.Integral):
        return int(melodies)
    try:
        return len(melodies)
    except TypeError:
        raise ValueError(f"{what} must be a list of melodies or a number of tunes, got {type(melodies).__name__}") from None


def kfold_by_tune(melodies: Sequence[Any] | int, *, k: int = 10) -> list[list[int]]:
    """The benchmark's folds: tune *i* goes to fold *i* mod *k*.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Deterministic and the same everywhere, so results can be compared. It
    does not look at the tunes: check it with :func:`assert_no_leakage`
    (``kinder0`` has no duplicates, so its folds are clean).

    Parameters
    ----------
    melodies : list of corpus.Melody, or int
        The tunes (or just how many there are).
    k : int, optional
        Number of folds, 2 or more (default 10).

    Returns
    -------
    list of k lists of int
        Fold *f* holds the indices ``f, f + k, f + 2k, ...``.

    Examples
    --------
    >>> kfold_by_tune(7, k=3)
    [[0, 3, 6], [1, 4], [2, 5]]
    """
    n = _count(melodies)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 2:
        raise ValueError(f"k must be a whole number of folds, 2 or more (the benchmark uses 10), got {k!r}")
    if n < k:
        raise ValueError(f"cannot make {k} folds from {n} tunes; use k <= {n}")
    return [list(range(f, n, int(k))) for f in range(int(k))]


def fold_indices(folds: Sequence[Sequence[int]], fold: int) -> tuple[list[int], list[int]]:
    """Training and test indices for one fold of :func:`kfold_by_tune`.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    folds : list of lists of int
        From :func:`kfold_by_tune`.
    fold : int
        Which fold is the test set, 0 <= fold < len(folds).

    Returns
    -------
    train : list of int
        Indices of all other folds, ascending.
    test : list of int

    Examples
    --------
    >>> fold_indices(kfold_by_tune(7, k=3), 1)
    ([0, 2, 3, 5, 6], [1, 4])
    """
    if isinstance(fold, bool) or not isinstance(fold, numbers.Integral) or not 0 <= fold < len(folds):
        raise ValueError(f"fold must be a whole number from 0 to {len(folds) - 1}, got {fold!r}")
    test = list(folds[fold])
    train = sorted(i for f, members in enumerate(folds) if f != fold for i in members)
    return train, test


def split_by_tune(
    melodies: Sequence["Melody"],
    *,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
    names: Sequence[str] = ("train", "valid", "test"),
    seed: int = 0,
) -> dict[str, list[int]]:
    """Split whole tunes at random, keeping every group of duplicates in one split.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Tunes with the same interval sequence (exact or transposed copies) form
    one group; groups are shuffled with ``seed`` and each goes to the split
    that is furthest below its share.

    Parameters
    ----------
    melodies : list of corpus.Melody
    fractions : sequence of float, optional
        Share of tunes per split, summing to 1 (default 0.8, 0.1, 0.1).
    names : sequence of str, optional
        One name per split (default "train", "valid", "test").
    seed : int, optional
        Same seed, same split (default 0).

    Returns
    -------
    dict of str to list of int
        Indices into ``melodies`` per split, ascending. Pass it with the
        melodies to :func:`assert_no_leakage`.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> tunes = [Melody.from_pitches([60, 60 + i, 60 + 2 * i]) for i in range(1, 11)]
    >>> splits = split_by_tune(tunes, fractions=(0.8, 0.2), names=("train", "valid"))
    >>> {name: len(idx) for name, idx in splits.items()}
    {'train': 8, 'valid': 2}
    """
    import numpy as np

    tunes = _as_melodies(melodies)
    names, weights, seed = _validate.split_plan(names, fractions, seed, example="(0.8, 0.1, 0.1)")
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, m in enumerate(tunes):
        groups[interval_signature(m)].append(i)
    ordered = list(groups.values())
    order = np.random.default_rng(int(seed)).permutation(len(ordered))
    targets = [w * len(tunes) for w in weights]
    members: list[list[int]] = [[] for _ in names]
    for g in order:
        group = ordered[int(g)]
        deficits = [targets[j] - len(members[j]) for j in range(len(names))]
        j = max(range(len(names)), key=lambda s: (deficits[s], -s))
        members[j].extend(group)
    return {name: sorted(m) for name, m in zip(names, members)}


def assert_no_leakage(
    splits: Mapping[str, Sequence[Any]] | Sequence[Sequence[Any]],
    melodies: Sequence["Melody"] | None = None,
) -> dict[str, int]:
    """Prove that no tune, nor a transposition of it, is in two splits; raise if one is.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    splits : dict of name to list, or list of lists
        Each split as melodies, or as indices into ``melodies`` (e.g. from
        :func:`split_by_tune` or :func:`kfold_by_tune`). Lists are named
        ``"split 0"``, ``"split 1"``, ...
    melodies : list of corpus.Melody, optional
        Give it when the splits hold indices.

    Returns
    -------
    dict of str to int
        Tunes per split (distinct interval sequences), when nothing leaks.

    Raises
    ------
    LeakageError
        If two splits share a tune, by interval sequence; the message names
        examples.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> a, b = Melody.from_pitches([60, 62, 64]), Melody.from_pitches([60, 64, 67])
    >>> assert_no_leakage({"train": [a], "valid": [b]})
    {'train': 1, 'valid': 1}
    >>> assert_no_leakage({"train": [a], "valid": [Melody.from_pitches([65, 67, 69])]})
    Traceback (most recent call last):
    ...
    musiclearn.data.LeakageError: 1 tune(s) are in more than one split (compared by intervals, so transpositions count), e.g. #0 in 'train' and #0 in 'valid'; split with data.split_by_tune, which keeps every tune and its copies in one split
    """
    if isinstance(splits, Mapping):
        named = [(str(k), list(v)) for k, v in splits.items()]
    elif isinstance(splits, (str, bytes)) or not isinstance(splits, Iterable):
        raise ValueError("splits must be a dict of name -> list, or a list of lists (e.g. from kfold_by_tune)")
    else:
        named = [(f"split {i}", list(v)) for i, v in enumerate(splits)]
    if len(named) < 2:
        raise ValueError("give at least two splits to compare")
    if melodies is not None:
        tunes = _as_melodies(melodies)
    where: dict[tuple[int, ...], tuple[str, str]] = {}
    clashes: list[tuple[str, str, str, str]] = []
    counts: dict[str, int] = {}
    for name, items in named:
        signatures: dict[tuple[int, ...], str] = {}
        for pos, item in enumerate(items):
            if melodies is not None:
                if isinstance(item, bool) or not isinstance(item, numbers.Integral) or not 0 <= item < len(tunes):
                    raise ValueError(f"split {name!r} holds {item!r}, which is not an index into the "
                                     f"{len(tunes)} melodies given")
                label, sig = _name(tunes, int(item)), interval_signature(tunes[int(item)])
            else:
                source = getattr(item, "source", "")
                label, sig = source or f"#{pos}", interval_signature(item)
            signatures.setdefault(sig, label)
        for sig, label in signatures.items():
            if sig in where and where[sig][0] != name:
                other_name, other_label = where[sig]
                clashes.append((other_label, other_name, label, name))
            else:
                where.setdefault(sig, (name, label))
        counts[name] = len(signatures)
    if clashes:
        examples = "; ".join(f"{a} in {sa!r} and {b} in {sb!r}" for a, sa, b, sb in clashes[:3])
        raise LeakageError(
            f"{len(clashes)} tune(s) are in more than one split (compared by intervals, so transpositions "
            f"count), e.g. {examples}; split with data.split_by_tune, which keeps every tune and its copies "
            "in one split"
        )
    return counts


def remove_leakage(
    melodies: Sequence["Melody"], *, against: Sequence["Melody"]
) -> tuple[list["Melody"], list[int]]:
    """Drop every melody whose interval sequence also occurs in ``against``.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    The rule of the melody benchmark's pretrained track: pretrain on
    other tunes, never on the tunes being evaluated or transpositions of them.

    Parameters
    ----------
    melodies : list of corpus.Melody
        Candidate (e.g. pretraining) tunes.
    against : list of corpus.Melody
        The tunes to protect (e.g. the evaluation set).

    Returns
    -------
    kept : list of corpus.Melody
    removed : list of int
        Indices into ``melodies`` of the tunes dropped.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> pool = [Melody.from_pitches([62, 64, 66]), Melody.from_pitches([60, 67, 64])]
    >>> kept, removed = remove_leakage(pool, against=[Melody.from_pitches([60, 62, 64])])
    >>> len(kept), removed
    (1, [0])
    """
    pool = _as_melodies(melodies)
    protected = {interval_signature(m) for m in _as_melodies(against, "against")}
    removed = [i for i, m in enumerate(pool) if interval_signature(m) in protected]
    dropped = set(removed)
    return [m for i, m in enumerate(pool) if i not in dropped], removed


# ----------------------------------------------------------------------------
# Augmentation
# ----------------------------------------------------------------------------


def augment_transpositions(
    melodies: Sequence["Melody"],
    *,
    semitones: Iterable[int] = range(-5, 7),
    pitch_range: tuple[int, int] = (0, 127),
) -> list["Melody"]:
    """Every melody in several keys: transposition augmentation (training data only!).

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melodies : list of corpus.Melody
        The *training* split. Augmenting before splitting leaks: a
        transposition of a training tune would land in validation.
    semitones : iterable of int, optional
        Shifts to apply (default -5..+6: all 12 keys, each once; 0 keeps the
        original).
    pitch_range : (int, int), optional
        Lowest and highest allowed MIDI pitch; a transposed copy with a note
        outside it is dropped (default 0-127). Use the tokenizer's range.

    Returns
    -------
    list of corpus.Melody
        For each melody in order, its copies in the order of ``semitones``.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> out = augment_transpositions([Melody.from_pitches([60, 72])], semitones=[-2, 0, 2], pitch_range=(58, 72))
    >>> [m.pitches for m in out]
    [(58, 70), (60, 72)]
    """
    tunes = _as_melodies(melodies)
    low, high = _validate.pitch_range(pitch_range)
    if isinstance(semitones, (str, bytes)) or not isinstance(semitones, Iterable):
        raise ValueError(f"semitones must be a list or range of whole numbers such as range(-5, 7), got {semitones!r}")
    shifts = list(semitones)
    for s in shifts:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise ValueError(f"semitones must hold whole numbers (e.g. range(-5, 7)), found {s!r}")
    out = []
    for m in tunes:
        if not m.notes:
            continue
        lo, hi = min(m.pitches), max(m.pitches)
        for s in shifts:
            if low <= lo + s and hi + s <= high:
                out.append(transpose(m, int(s)))
    return out


# ----------------------------------------------------------------------------
# Batches for PyTorch: moved to musiclearn.loaders, still importable from here
# ----------------------------------------------------------------------------

_LOADER_NAMES = frozenset({"SequenceDataset", "pad_batch", "make_loader"})


def __getattr__(name: str) -> Any:
    # Lazily, so that importing musiclearn.data never loads the batching code (or torch).
    if name in _LOADER_NAMES:
        from . import loaders

        return getattr(loaders, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LOADER_NAMES)
