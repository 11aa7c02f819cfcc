"""Melodies as token sequences: a transparent event tokenizer and its vocabulary.

Notebook: ``08_from_scores_to_tokens.ipynb`` teaches this module (a tokenizer
built in a few lines first, then this one; the round trip asserted on a whole
corpus).

A language model reads and writes integers. :class:`EventTokenizer` turns a
:class:`musiclearn.corpus.Melody` into a sequence of *events*, each one an
integer id with a readable name::

    BOS  PITCH_69 DUR_1  PITCH_67 DUR_1/2  PITCH_67 DUR_1/2  BAR  PITCH_65 DUR_1  REST_1/2 ... EOS

``BOS`` / ``EOS``
    Start and end of a tune. ``PAD`` fills batches up to equal length and
    never occurs inside a tune.
``PITCH_p``
    A note starts; ``p`` is its MIDI note number (60 = middle C). Always
    followed by the note's ``DUR_d``.
``DUR_d``
    How long that note lasts, in quarter notes (``DUR_1`` a crotchet,
    ``DUR_1/2`` a quaver, ``DUR_3/2`` a dotted crotchet, ``DUR_1/3`` one note
    of a quaver triplet). Durations come from a fixed table,
    :data:`DURATIONS`; a duration not in it is replaced by the nearest entry
    (on a log scale: 0.3 becomes 1/3, not 1/4), and encode warns once per call
    with a count (:class:`QuantizationWarning`).
``REST_d``
    Silence of ``d`` quarter notes before the next note: the gap between one
    note's end and the next note's onset. A gap that no single table value
    matches is written as several rests (2.5 = ``REST_2 REST_1/2``), so every
    sum of table values is exact.
``BAR``
    A bar line was crossed since the previous event. Bars are every
    ``numerator * 4 / denominator`` quarter notes, counted from the tune's
    first beat, taken from the melody's time signature (``"6/8"``: every 3
    quarter notes). A melody records neither pick-ups (anacrusis) nor metre
    changes, so in such tunes the bar lines sit where the first time signature
    would put them from the first note. Rests are split at bar lines. Bars
    carry no time: decoding ignores them, so they never break the round trip.
    Melodies without a time signature get no ``BAR`` tokens.

Decoding gives back the same notes (pitch, duration, offset) whenever every
duration and gap is a sum of table values: all of ``kinder0``, for instance.
:meth:`EventTokenizer.decode` never raises on a bad sequence (random ids, a
``PITCH`` without its ``DUR``, ``PAD`` in the middle, ids out of range): it
skips or repairs what it cannot read and says so, in a
:class:`DecodeReport` and a :class:`DecodeWarning`.

:class:`PitchTokenizer` is the pitch-only variant used by the melody
benchmark (``10_rnn_and_transformer.ipynb``, section 5): one token per note,
rhythm left out.

The vocabulary is saved and loaded as JSON (:meth:`EventTokenizer.save`,
:func:`load`).
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

from . import _validate
from ._types import PathLike
from .errors import DataError
from .melody import as_melody, bar_length, melody_pitches

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .corpus import Melody

__all__ = [
    "DURATIONS",
    "SPECIALS",
    "EventTokenizer",
    "PitchTokenizer",
    "DecodeReport",
    "DecodeWarning",
    "QuantizationWarning",
    "pitch_sequence",
    "load",
]

#: The duration table, in quarter notes: straight values from a 64th note
#: (1/16) to a breve (8), dotted and double-dotted values, triplets (three
#: in the time of two: 1/3 is one note of a quaver triplet), and the long tied
#: values that folk songs and chorales use (5/4, 5/2, 5, 10, 12, 16). Every
#: entry is a multiple of 1/48 of a quarter note. With it, only 66 durations
#: and gaps in all of Essen (448,241 notes) and 2 in the Bach soprano lines
#: (21,160 notes) are not encoded exactly.
DURATIONS: tuple[Fraction, ...] = tuple(sorted({
    # straight: 64th, 32nd, 16th, 8th, quarter, half, whole, breve
    Fraction(1, 16), Fraction(1, 8), Fraction(1, 4), Fraction(1, 2),
    Fraction(1), Fraction(2), Fraction(4), Fraction(8),
    # dotted (x 3/2): 32nd, 16th, 8th, quarter, half, whole
    Fraction(3, 16), Fraction(3, 8), Fraction(3, 4), Fraction(3, 2), Fraction(3), Fraction(6),
    # double-dotted (x 7/4): 16th, 8th, quarter, half
    Fraction(7, 16), Fraction(7, 8), Fraction(7, 4), Fraction(7, 2),
    # triplets (x 2/3): 32nd, 16th, 8th, quarter, half
    Fraction(1, 12), Fraction(1, 6), Fraction(1, 3), Fraction(2, 3), Fraction(4, 3),
    # long notes tied over a bar line (common in Essen's folk songs and the chorales' fermatas)
    Fraction(5, 4), Fraction(5, 2), Fraction(5), Fraction(10), Fraction(12), Fraction(16),
}))

#: Special tokens, in id order: they take ids 0, 1, 2 (and 3 for BAR).
SPECIALS = ("PAD", "BOS", "EOS")

_FORMAT_TAG = "musiclearn-tokenizer"
_FORMAT_VERSION = 1
# A duration within this many quarter notes of a table value *is* that value
# (corpus durations are floats such as 0.3333333333333333).
_TOLERANCE = 1e-6


class QuantizationWarning(UserWarning):
    """Durations or gaps not in the duration table were replaced by the nearest entry.

    Notebook: ``08_from_scores_to_tokens.ipynb``.
    """


class DecodeWarning(UserWarning):
    """A token sequence held tokens that decode had to skip or repair.

    Notebook: ``08_from_scores_to_tokens.ipynb``.
    """


# ----------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------


def _fraction_name(value: Fraction) -> str:
    """``Fraction(1, 2)`` -> ``"1/2"``, ``Fraction(2)`` -> ``"2"``."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _as_fraction(value: Any, what: str) -> Fraction:
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, str):
        try:
            result = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what} must be a number of quarter notes such as '1/2' or 0.75, got {value!r}") from None
    elif isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value)):
        result = Fraction(float(value)).limit_denominator(192)
    else:
        raise ValueError(f"{what} must be a number of quarter notes such as '1/2' or 0.75, got {value!r}")
    if result <= 0:
        raise ValueError(f"{what} must be > 0 quarter notes, got {value!r}")
    return result


def _id_list(ids: Any) -> list[Any]:
    """Token ids from a list, tuple, NumPy array or 1-D torch tensor, as a plain list."""
    if isinstance(ids, (str, bytes)):
        raise ValueError(f"expected a sequence of token ids (ints), got a {type(ids).__name__}")
    shape = getattr(ids, "shape", None)
    if shape is not None and len(shape) > 1:
        if len(shape) == 2 and shape[0] == 1:
            ids = ids[0]
        else:
            raise ValueError(
                f"decode takes one sequence of token ids (1-D), got shape {tuple(shape)}; "
                "decode each row of a batch separately"
            )
    if hasattr(ids, "tolist"):
        out = ids.tolist()
        return out if isinstance(out, list) else [out]
    if not isinstance(ids, Iterable):
        raise ValueError(f"expected a sequence of token ids (ints), got {type(ids).__name__}")
    return list(ids)


def _as_int_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value) == int(value):
        return int(value)
    return None


# ----------------------------------------------------------------------------
# Decode report
# ----------------------------------------------------------------------------


@dataclass
class DecodeReport:
    """What :meth:`EventTokenizer.decode` did with a token sequence.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Attributes
    ----------
    notes : int
        Notes in the decoded melody.
    tokens : int
        Length of the sequence that was decoded.
    skipped : list of (int, str, str)
        ``(position, token, why)`` for every token that was ignored.
    repaired : list of (int, str, str)
        ``(position, token, what was done)`` for every token that was fixed,
        e.g. a ``PITCH`` without its ``DUR``.
    ended_with_eos : bool
        Whether the sequence reached an ``EOS`` (a sampled sequence cut off
        after a fixed number of steps usually does not).
    """

    notes: int = 0
    tokens: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    repaired: list[tuple[int, str, str]] = field(default_factory=list)
    ended_with_eos: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing had to be skipped or repaired."""
        return not self.skipped and not self.repaired

    def summary(self) -> str:
        """One line: counts of notes, skipped and repaired tokens."""
        parts = [f"{self.notes} notes from {self.tokens} tokens"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} token(s) skipped")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        if not self.ended_with_eos:
            parts.append("no EOS")
        return ", ".join(parts)

    def __str__(self) -> str:
        lines = [f"DecodeReport: {self.summary()}"]
        for position, token, why in self.skipped[:10]:
            lines.append(f"  skipped  #{position} {token}: {why}")
        if len(self.skipped) > 10:
            lines.append(f"  ... and {len(self.skipped) - 10} more skipped")
        for position, token, what in self.repaired[:10]:
            lines.append(f"  repaired #{position} {token}: {what}")
        if len(self.repaired) > 10:
            lines.append(f"  ... and {len(self.repaired) - 10} more repaired")
        return "\n".join(lines)


# ----------------------------------------------------------------------------
# Event tokenizer
# ----------------------------------------------------------------------------


class EventTokenizer:
    """Melodies to event tokens and back (see the module docstring for the events).

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    pitch_range : (int, int), optional
        Lowest and highest MIDI note number with a ``PITCH`` token (default
        the whole MIDI range, 0-127). A narrower range makes a smaller
        vocabulary; encoding a note outside it raises :class:`DataError`.
    durations : sequence of Fraction, str or float, optional
        The duration table in quarter notes (default :data:`DURATIONS`). Used
        for both ``DUR`` and ``REST`` tokens.
    bars : bool, optional
        Emit ``BAR`` tokens (default True).

    Attributes
    ----------
    vocab : dict of str to int
        Token name -> id, in id order.
    pad_id, bos_id, eos_id, bar_id : int
        Ids of the special tokens (0, 1, 2 and 3; ``bar_id`` is None with ``bars=False``).

    Examples
    --------
    >>> from musiclearn.corpus import Melody, Note
    >>> from musiclearn.tokens import EventTokenizer
    >>> tok = EventTokenizer(pitch_range=(60, 72))
    >>> m = Melody([Note(67, 1.0, 0.0), Note(64, 0.5, 1.0), Note(60, 1.0, 2.0)], time_signature="2/4")
    >>> ids = tok.encode(m)
    >>> tok.token_names(ids)
    ['BOS', 'PITCH_67', 'DUR_1', 'PITCH_64', 'DUR_1/2', 'REST_1/2', 'BAR', 'PITCH_60', 'DUR_1', 'EOS']
    >>> tok.decode(ids).notes == m.notes
    True
    """

    kind = "event"

    def __init__(
        self,
        *,
        pitch_range: tuple[int, int] = (0, 127),
        durations: Sequence[Fraction | str | float] = DURATIONS,
        bars: bool = True,
    ) -> None:
        self.pitch_range = _validate.pitch_range(pitch_range)
        if isinstance(durations, (str, bytes)) or not isinstance(durations, Iterable):
            raise ValueError("durations must be a sequence of quarter-note values such as ['1/4', '1/2', '1']")
        table = sorted({_as_fraction(d, "each duration") for d in durations})
        if not table:
            raise ValueError("durations must hold at least one value, e.g. musiclearn.tokens.DURATIONS")
        if not isinstance(bars, bool):
            raise ValueError(f"bars must be True or False, got {bars!r}")
        self.durations: tuple[Fraction, ...] = tuple(table)
        self.bars = bars
        # Work in integer ticks: the smallest unit every table value is a whole number of.
        self.ticks_per_quarter = reduce(math.lcm, (d.denominator for d in table), 1)
        self._tick_values = [int(d * self.ticks_per_quarter) for d in table]
        self._log_values = [math.log(d) for d in table]

        names = list(SPECIALS) + (["BAR"] if bars else [])
        low, high = self.pitch_range
        names += [f"PITCH_{p}" for p in range(low, high + 1)]
        names += [f"DUR_{_fraction_name(d)}" for d in table]
        names += [f"REST_{_fraction_name(d)}" for d in table]
        self._names: tuple[str, ...] = tuple(names)
        self.vocab: dict[str, int] = {name: i for i, name in enumerate(names)}
        self.pad_id, self.bos_id, self.eos_id = 0, 1, 2
        self.bar_id: int | None = self.vocab["BAR"] if bars else None
        self._pitch_base = self.vocab[f"PITCH_{low}"]
        self._dur_base = self.vocab[f"DUR_{_fraction_name(table[0])}"]
        self._rest_base = self.vocab[f"REST_{_fraction_name(table[0])}"]
        self._dur_by_ticks = {t: i for i, t in enumerate(self._tick_values)}
        self._rest_cache: dict[int, list[int]] = {}

    # -- vocabulary ----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        low, high = self.pitch_range
        return (f"EventTokenizer(pitch_range=({low}, {high}), {len(self.durations)} durations, "
                f"bars={self.bars}: {len(self)} tokens)")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, EventTokenizer) and self.pitch_range == other.pitch_range
                and self.durations == other.durations and self.bars == other.bars)

    def __hash__(self) -> int:
        return hash((self.kind, self.pitch_range, self.durations, self.bars))

    @property
    def vocab_size(self) -> int:
        """Number of token ids (``len(tok)``): the size of a model's output layer."""
        return len(self._names)

    def token_names(self, ids: Iterable[Any]) -> list[str]:
        """Readable names for token ids; an unknown id shows as ``"<unknown 999>"``.

        Parameters
        ----------
        ids : sequence of int
            Token ids (a list, NumPy array or 1-D tensor).

        Returns
        -------
        list of str

        Examples
        --------
        >>> EventTokenizer().token_names([1, 2, 999])
        ['BOS', 'EOS', '<unknown 999>']
        """
        out = []
        for value in _id_list(ids):
            i = _as_int_id(value)
            out.append(self._names[i] if i is not None and 0 <= i < len(self._names) else f"<unknown {value!r}>")
        return out

    def id(self, name: str) -> int:
        """The id of a token name such as ``"PITCH_60"`` or ``"DUR_1/2"``.

        Raises
        ------
        ValueError
            If the name is not in the vocabulary.

        Examples
        --------
        >>> EventTokenizer().id("BOS")
        1
        """
        try:
            return self.vocab[name]
        except (KeyError, TypeError):
            raise ValueError(
                f"{name!r} is not a token of this tokenizer; names look like 'PITCH_60', 'DUR_1/2', "
                "'REST_1', 'BAR', 'BOS', 'EOS', 'PAD'"
            ) from None

    # -- durations -----------------------------------------------------------

    def _nearest(self, quarters: float) -> int:
        """Index of the table value nearest to ``quarters`` on a log scale."""
        if quarters <= 0:
            return 0
        log_q = math.log(quarters)
        return min(range(len(self._log_values)), key=lambda i: abs(self._log_values[i] - log_q))

    def _to_ticks(self, quarters: float) -> int | None:
        """Whole ticks for ``quarters`` when it is one within tolerance, else None."""
        ticks = quarters * self.ticks_per_quarter
        whole = round(ticks)
        return int(whole) if abs(ticks - whole) <= _TOLERANCE * self.ticks_per_quarter else None

    def _rest_ticks(self, ticks: int) -> list[int]:
        """Split a gap of ``ticks`` into as few table values as possible, largest first.

        Returns [] when no sum of table values makes exactly ``ticks``.
        """
        largest = self._tick_values[-1]
        if ticks > 4 * largest:
            # Long silences: whole largest values first, keeping the search below small.
            whole = (ticks - 2 * largest) // largest
            rest = self._rest_ticks(ticks - whole * largest)
            return [largest] * whole + rest if rest else []
        if ticks in self._rest_cache:
            return self._rest_cache[ticks]
        # Fewest "coins" by dynamic programming: greedy fails on mixes such as 1/3 + 1/4.
        best: list[tuple[int, int] | None] = [(0, 0)] + [None] * ticks  # (count, last value)
        for t in range(1, ticks + 1):
            for value in self._tick_values:
                if value <= t and best[t - value] is not None:
                    count = best[t - value][0] + 1  # type: ignore[index]
                    if best[t] is None or count < best[t][0]:  # type: ignore[index]
                        best[t] = (count, value)
        parts: list[int] = []
        t = ticks
        while t > 0 and best[t] is not None:
            value = best[t][1]  # type: ignore[index]
            parts.append(value)
            t -= value
        parts = sorted(parts, reverse=True) if t == 0 else []
        if len(self._rest_cache) < 4096:
            self._rest_cache[ticks] = parts
        return parts

    # -- encode --------------------------------------------------------------

    def encode(self, melody: Any, *, bos: bool = True, eos: bool = True, warn: bool = True) -> list[int]:
        """Token ids for one melody.

        Parameters
        ----------
        melody : corpus.Melody
            The tune (a sequence of :class:`corpus.Note`, or of MIDI pitches as
            quarter notes, also works).
        bos, eos : bool, optional
            Start with ``BOS`` / end with ``EOS`` (default True).
        warn : bool, optional
            Warn (:class:`QuantizationWarning`, once per call, with a count)
            when a duration or gap is not a sum of table values and was
            replaced by the nearest (default True).

        Returns
        -------
        list of int

        Raises
        ------
        musiclearn.errors.DataError
            If a pitch lies outside ``pitch_range`` (the message names the tune).

        Notes
        -----
        The melody is read as one voice, as :mod:`musiclearn.corpus` makes
        them: a note that lasts past the next note's onset is cut short there,
        and a note that starts together with the previous one follows it.
        Onsets off the grid of ``1 / ticks_per_quarter`` quarter notes are
        rounded to it (and counted in the warning).

        Examples
        --------
        >>> from musiclearn.corpus import Melody
        >>> tok = EventTokenizer()
        >>> tok.token_names(tok.encode(Melody.from_pitches([60, 62], duration=0.5)))
        ['BOS', 'PITCH_60', 'DUR_1/2', 'PITCH_62', 'DUR_1/2', 'EOS']
        """
        tune = as_melody(melody)
        ids, changed = self._encode(tune, bos=bos, eos=eos)
        if changed and warn:
            warnings.warn(self._quantization_message(changed, tune.source or "melody"),
                          QuantizationWarning, stacklevel=2)
        return ids

    def encode_many(self, melodies: Iterable[Any], *, bos: bool = True, eos: bool = True,
                    warn: bool = True) -> list[list[int]]:
        """:meth:`encode` for many melodies, with one warning for all of them.

        Parameters
        ----------
        melodies : iterable of corpus.Melody
        bos, eos, warn : bool, optional
            As for :meth:`encode`.

        Returns
        -------
        list of list of int

        Examples
        --------
        >>> from musiclearn.corpus import Melody
        >>> [len(ids) for ids in EventTokenizer().encode_many([Melody.from_pitches([60]), Melody.from_pitches([60, 62])])]
        [4, 6]
        """
        out: list[list[int]] = []
        changed: list[tuple[str, float, Fraction]] = []
        tunes = 0
        for melody in melodies:
            ids, tune_changes = self._encode(as_melody(melody), bos=bos, eos=eos)
            out.append(ids)
            changed.extend(tune_changes)
            tunes += bool(tune_changes)
        if changed and warn:
            warnings.warn(self._quantization_message(changed, f"{tunes} melodies"),
                          QuantizationWarning, stacklevel=2)
        return out

    @staticmethod
    def _quantization_message(changed: list[tuple[str, float, Fraction]], where: str) -> str:
        kind, value, used = changed[0]
        return (f"{where}: {len(changed)} duration(s), rest(s) or onset(s) could not be written exactly and "
                f"were replaced by the nearest value (e.g. {kind} {value:g} -> {_fraction_name(used)} quarter "
                "notes); decoding will not give them back exactly")

    def _encode(self, melody: "Melody", *, bos: bool, eos: bool) -> tuple[list[int], list[tuple[str, float, Fraction]]]:
        low, high = self.pitch_range
        tpq = self.ticks_per_quarter
        changed: list[tuple[str, float, Fraction]] = []
        bar = bar_length(melody.time_signature) if self.bars else None
        bar_ticks = int(bar * tpq) if bar is not None and (bar * tpq).denominator == 1 else None
        ids: list[int] = [self.bos_id] if bos else []
        now = 0  # ticks: where the previous event ended
        next_bar = bar_ticks  # ticks of the next bar line not yet written

        def bars_until(t: int) -> None:
            nonlocal next_bar
            if next_bar is None:
                return
            while next_bar <= t:
                ids.append(self.bar_id)  # type: ignore[arg-type]
                next_bar += bar_ticks  # type: ignore[operator]

        def rest(ticks: int) -> None:
            nonlocal now
            bars_until(now)  # the previous note may have crossed a bar line
            # Split the gap at bar lines, so BAR sits where the bar line is.
            while ticks > 0:
                piece = ticks if next_bar is None else min(ticks, next_bar - now)
                if piece < ticks and not (self._rest_ticks(piece) and self._rest_ticks(ticks - piece)):
                    piece = ticks  # no exact split at the bar line: keep the rest whole, BAR after it
                parts = self._rest_ticks(piece)
                if not parts:
                    i = self._nearest(piece / tpq)
                    changed.append(("rest", piece / tpq, self.durations[i]))
                    parts = [self._tick_values[i]]
                for part in parts:
                    ids.append(self._rest_base + self._dur_by_ticks[part])
                    # `now` follows the tokens, not the score (a rounded rest may differ), and a bar
                    # line inside a rest kept whole is written after the rest token that crosses it.
                    now += part
                    bars_until(now)
                ticks -= piece
                bars_until(now)

        notes = melody.notes
        for k, note in enumerate(notes):
            if not low <= note.pitch <= high:
                where = melody.source or "melody"
                raise DataError(
                    f"note {k} has pitch {note.pitch}, outside the tokenizer's pitch_range {low}..{high}; "
                    "widen pitch_range or remove the tune (musiclearn.data.clean does)",
                    where,
                )
            onset = self._to_ticks(note.offset)
            if onset is None:
                onset = round(note.offset * tpq)
                changed.append(("onset", note.offset, Fraction(onset, tpq)))
            if onset < now:
                onset = now  # overlapping notes: the new note starts when the previous one ends
            if onset > now:
                rest(onset - now)
            bars_until(now)
            duration = note.duration
            if k + 1 < len(notes):
                # A monophonic line: a note ends when the next one starts.
                duration = min(duration, max(notes[k + 1].offset - note.offset, 0.0)) or duration
            ticks = self._to_ticks(duration)
            if ticks is None or ticks not in self._dur_by_ticks:
                i = self._nearest(duration)
                changed.append(("duration", duration, self.durations[i]))
            else:
                i = self._dur_by_ticks[ticks]
            ids.append(self._pitch_base + note.pitch - low)
            ids.append(self._dur_base + i)
            now += self._tick_values[i]  # the note starts at `now` (after any rest)
        if eos:
            ids.append(self.eos_id)
        return ids, changed

    # -- decode --------------------------------------------------------------

    def decode(self, ids: Any, *, errors: Literal["warn", "ignore", "raise"] = "warn") -> "Melody":
        """The melody a token sequence describes; never fails on a bad sequence.

        Reading stops at the first ``EOS``. ``BOS`` at the start, ``BAR`` and
        ``PAD`` after the end are read silently. Anything else that makes no
        sense is skipped (unknown ids, a ``DUR`` without a ``PITCH``, ``PAD``
        or ``BOS`` in the middle) or repaired (a ``PITCH`` not followed by its
        ``DUR`` gets the previous note's duration, or 1 quarter note).

        Parameters
        ----------
        ids : sequence of int
            Token ids (a list, NumPy array or 1-D torch tensor).
        errors : {"warn", "ignore", "raise"}, optional
            What to do when tokens were skipped or repaired: one
            :class:`DecodeWarning` with the counts (default), nothing, or raise
            :class:`DataError` listing them.

        Returns
        -------
        corpus.Melody
            Offsets and durations in quarter notes; no title or time signature.

        Examples
        --------
        >>> tok = EventTokenizer()
        >>> ids = [tok.bos_id, tok.id("PITCH_60"), tok.id("DUR_1"), tok.id("PITCH_62"), tok.eos_id]
        >>> tok.decode(ids, errors="ignore").pitches
        (60, 62)
        """
        if errors not in ("warn", "ignore", "raise"):
            raise ValueError(f"errors must be 'warn', 'ignore' or 'raise', got {errors!r}")
        melody, report = self.decode_with_report(ids)
        if not report.ok:
            if errors == "raise":
                raise DataError(f"invalid token sequence\n{report}", "tokens")
            if errors == "warn":
                warnings.warn(f"decode: {report.summary()}; decode_with_report(ids) says which",
                              DecodeWarning, stacklevel=2)
        return melody

    def decode_with_report(self, ids: Any) -> tuple["Melody", DecodeReport]:
        """:meth:`decode`, also returning what was skipped or repaired.

        Parameters
        ----------
        ids : sequence of int

        Returns
        -------
        melody : corpus.Melody
        report : DecodeReport

        Examples
        --------
        >>> tok = EventTokenizer()
        >>> melody, report = tok.decode_with_report([tok.bos_id, tok.id("DUR_1"), 9999, tok.eos_id])
        >>> len(melody), len(report.skipped)
        (0, 2)
        """
        from .corpus import Melody, Note

        seq = _id_list(ids)
        report = DecodeReport(tokens=len(seq))
        low, _ = self.pitch_range
        n_pitch = self.pitch_range[1] - low + 1
        n_dur = len(self.durations)
        tpq = self.ticks_per_quarter
        notes: list[Note] = []
        now = 0  # ticks
        pending: tuple[int, int] | None = None  # (position, pitch) of a PITCH awaiting its DUR
        last_ticks = tpq

        def close_pending(reason: str) -> None:
            nonlocal pending, now
            if pending is None:
                return
            position, pitch = pending
            notes.append(Note(pitch, last_ticks / tpq, now / tpq))
            report.repaired.append((position, f"PITCH_{pitch}",
                                    f"no DUR followed ({reason}); gave it DUR_{_fraction_name(Fraction(last_ticks, tpq))}"))
            now += last_ticks
            pending = None

        for position, raw in enumerate(seq):
            i = _as_int_id(raw)
            if i is None or not 0 <= i < len(self._names):
                close_pending("an unknown id came next")
                report.skipped.append((position, f"<unknown {raw!r}>", "not a token id of this vocabulary"))
                continue
            name = self._names[i]
            if i == self.eos_id:
                close_pending("EOS came next")
                report.ended_with_eos = True
                rest_ids = seq[position + 1:]
                extra = [r for r in rest_ids if _as_int_id(r) != self.pad_id]
                if extra:
                    report.skipped.append((position + 1, "...", f"{len(extra)} token(s) after EOS ignored"))
                break
            if i == self.pad_id:
                close_pending("PAD came next")
                report.skipped.append((position, name, "PAD inside a sequence (padding belongs after EOS)"))
                continue
            if i == self.bos_id:
                if position != 0:
                    close_pending("BOS came next")
                    report.skipped.append((position, name, "BOS only belongs at the start"))
                continue
            if self.bar_id is not None and i == self.bar_id:
                continue
            if self._pitch_base <= i < self._pitch_base + n_pitch:
                close_pending("another PITCH came next")
                pending = (position, low + i - self._pitch_base)
                continue
            if self._dur_base <= i < self._dur_base + n_dur:
                ticks = self._tick_values[i - self._dur_base]
                if pending is None:
                    report.skipped.append((position, name, "DUR without a PITCH before it"))
                    continue
                notes.append(Note(pending[1], ticks / tpq, now / tpq))
                now += ticks
                last_ticks = ticks
                pending = None
                continue
            # What is left is a REST.
            close_pending("a REST came next")
            now += self._tick_values[i - self._rest_base]
        else:
            close_pending("the sequence ended")
        report.notes = len(notes)
        return Melody(tuple(notes)), report

    # -- saving --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The tokenizer as plain JSON-able data (what :meth:`save` writes)."""
        return {
            "format": _FORMAT_TAG,
            "format_version": _FORMAT_VERSION,
            "kind": self.kind,
            "pitch_range": list(self.pitch_range),
            "durations": [_fraction_name(d) for d in self.durations],
            "bars": self.bars,
            "tokens": list(self._names),
        }

    def save(self, path: PathLike) -> Path:
        """Write the vocabulary as JSON (atomically); :func:`load` reads it back.

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "vocab.json"
        >>> tok = EventTokenizer(pitch_range=(48, 84))
        >>> load(tok.save(path)) == tok
        True
        """
        from ._cache import atomic_write_bytes

        return atomic_write_bytes(path, (json.dumps(self.to_dict(), indent=1) + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: PathLike) -> "EventTokenizer":
        """Read a vocabulary written by :meth:`save` (see :func:`load`)."""
        tok = load(path)
        if not isinstance(tok, cls):
            raise DataError(f"holds a {tok.kind} tokenizer, not an {cls.kind} tokenizer", path)
        return tok


# ----------------------------------------------------------------------------
# Pitch-only tokenizer
# ----------------------------------------------------------------------------


def pitch_sequence(melody: Any) -> list[int]:
    """The MIDI pitches of a melody, in order: the pitch-only view of the benchmark.

    Notebook: ``09_baselines_and_training_loop.ipynb`` works on such pitch sequences.

    Parameters
    ----------
    melody : corpus.Melody or sequence of corpus.Note or of int

    Returns
    -------
    list of int
        MIDI note numbers (60 = middle C); rhythm and rests are dropped.

    Examples
    --------
    >>> from musiclearn.corpus import Melody, Note
    >>> pitch_sequence(Melody([Note(67, 1.0, 0.0), Note(64, 0.5, 2.0)]))
    [67, 64]
    """
    return list(melody_pitches(melody))


class PitchTokenizer:
    """One token per note: its pitch (rhythm left out), plus ``PAD``, ``BOS``, ``EOS``.

    The view of the melody benchmark: predict the next pitch.
    Notebook: ``10_rnn_and_transformer.ipynb`` (section 5, the kinder benchmark).

    Parameters
    ----------
    pitch_range : (int, int), optional
        Lowest and highest MIDI note number (default 0-127).

    Examples
    --------
    >>> tok = PitchTokenizer(pitch_range=(48, 84))
    >>> ids = tok.encode([60, 64, 67])
    >>> ids, tok.token_names(ids)
    ([1, 15, 19, 22, 2], ['BOS', 'PITCH_60', 'PITCH_64', 'PITCH_67', 'EOS'])
    >>> tok.decode(ids).pitches
    (60, 64, 67)
    """

    kind = "pitch"

    def __init__(self, *, pitch_range: tuple[int, int] = (0, 127)) -> None:
        self.pitch_range = _validate.pitch_range(pitch_range)
        low, high = self.pitch_range
        self._names = (*SPECIALS, *(f"PITCH_{p}" for p in range(low, high + 1)))
        self.vocab: dict[str, int] = {name: i for i, name in enumerate(self._names)}
        self.pad_id, self.bos_id, self.eos_id = 0, 1, 2
        self._pitch_base = len(SPECIALS)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"PitchTokenizer(pitch_range={self.pitch_range}: {len(self)} tokens)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PitchTokenizer) and self.pitch_range == other.pitch_range

    def __hash__(self) -> int:
        return hash((self.kind, self.pitch_range))

    @property
    def vocab_size(self) -> int:
        """Number of token ids (``len(tok)``)."""
        return len(self._names)

    def token_names(self, ids: Iterable[Any]) -> list[str]:
        """Readable names for token ids (see :meth:`EventTokenizer.token_names`)."""
        return EventTokenizer.token_names(self, ids)  # type: ignore[arg-type]

    def id(self, name: str) -> int:
        """The id of a token name such as ``"PITCH_60"``."""
        return EventTokenizer.id(self, name)  # type: ignore[arg-type]

    def encode(self, melody: Any, *, bos: bool = True, eos: bool = True) -> list[int]:
        """Token ids: ``BOS``, one ``PITCH`` per note, ``EOS``.

        Parameters
        ----------
        melody : corpus.Melody or sequence of int
        bos, eos : bool, optional

        Returns
        -------
        list of int

        Raises
        ------
        musiclearn.errors.DataError
            If a pitch lies outside ``pitch_range``.
        """
        m = as_melody(melody)
        low, high = self.pitch_range
        ids = [self.bos_id] if bos else []
        for k, p in enumerate(m.pitches):
            if not low <= p <= high:
                raise DataError(
                    f"note {k} has pitch {p}, outside the tokenizer's pitch_range {low}..{high}; "
                    "widen pitch_range or remove the tune (musiclearn.data.clean does)",
                    m.source or "melody",
                )
            ids.append(self._pitch_base + p - low)
        if eos:
            ids.append(self.eos_id)
        return ids

    def encode_many(self, melodies: Iterable[Any], *, bos: bool = True, eos: bool = True) -> list[list[int]]:
        """:meth:`encode` for each melody."""
        return [self.encode(m, bos=bos, eos=eos) for m in melodies]

    def decode_with_report(self, ids: Any) -> tuple["Melody", DecodeReport]:
        """Pitches back as a melody of quarter notes, and what was skipped."""
        from .corpus import Melody

        seq = _id_list(ids)
        report = DecodeReport(tokens=len(seq))
        low = self.pitch_range[0]
        pitches = []
        for position, raw in enumerate(seq):
            i = _as_int_id(raw)
            if i is None or not 0 <= i < len(self._names):
                report.skipped.append((position, f"<unknown {raw!r}>", "not a token id of this vocabulary"))
            elif i == self.eos_id:
                report.ended_with_eos = True
                extra = [r for r in seq[position + 1:] if _as_int_id(r) != self.pad_id]
                if extra:
                    report.skipped.append((position + 1, "...", f"{len(extra)} token(s) after EOS ignored"))
                break
            elif i == self.pad_id:
                report.skipped.append((position, "PAD", "PAD inside a sequence (padding belongs after EOS)"))
            elif i == self.bos_id:
                if position != 0:
                    report.skipped.append((position, "BOS", "BOS only belongs at the start"))
            else:
                pitches.append(low + i - self._pitch_base)
        report.notes = len(pitches)
        return Melody.from_pitches(pitches), report

    def decode(self, ids: Any, *, errors: Literal["warn", "ignore", "raise"] = "warn") -> "Melody":
        """A melody of quarter notes from pitch tokens (never fails; see :meth:`EventTokenizer.decode`)."""
        return EventTokenizer.decode(self, ids, errors=errors)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """The tokenizer as plain JSON-able data."""
        return {
            "format": _FORMAT_TAG,
            "format_version": _FORMAT_VERSION,
            "kind": self.kind,
            "pitch_range": list(self.pitch_range),
            "tokens": list(self._names),
        }

    def save(self, path: PathLike) -> Path:
        """Write the vocabulary as JSON; :func:`load` reads it back."""
        return EventTokenizer.save(self, path)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------


def load(path: PathLike) -> EventTokenizer | PitchTokenizer:
    """Read a tokenizer saved with ``save``.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    EventTokenizer or PitchTokenizer

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    musiclearn.errors.DataError
        If the file is not a musiclearn tokenizer or its token list does not
        match its settings (e.g. edited by hand).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pitch.json"
    >>> load(PitchTokenizer(pitch_range=(48, 84)).save(path))
    PitchTokenizer(pitch_range=(48, 84): 40 tokens)
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such tokenizer file")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"is not a readable JSON tokenizer file ({type(exc).__name__})", path) from None
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT_TAG:
        raise DataError("is not a musiclearn tokenizer file (no 'format': 'musiclearn-tokenizer')", path)
    if payload.get("format_version") != _FORMAT_VERSION:
        raise DataError(f"was written in tokenizer format {payload.get('format_version')!r}; "
                        f"this version of musiclearn reads format {_FORMAT_VERSION}", path)
    try:
        kind = payload["kind"]
        if kind == "event":
            tok: EventTokenizer | PitchTokenizer = EventTokenizer(
                pitch_range=tuple(payload["pitch_range"]),  # type: ignore[arg-type]
                durations=[str(d) for d in payload["durations"]],
                bars=payload["bars"],
            )
        elif kind == "pitch":
            tok = PitchTokenizer(pitch_range=tuple(payload["pitch_range"]))  # type: ignore[arg-type]
        else:
            raise DataError(f"unknown tokenizer kind {kind!r} (expected 'event' or 'pitch')", path)
    except KeyError as exc:
        raise DataError(f"lacks the field {exc.args[0]!r}", path) from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"holds invalid settings ({exc})", path) from None
    if payload.get("tokens") != list(tok._names):
        raise DataError("its token list does not match its settings (was it edited by hand?)", path)
    return tok
