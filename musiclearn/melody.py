"""Notes and melodies: the types the symbolic modules share, and the one rule for reading a melody.

Notebook: ``08_from_scores_to_tokens.ipynb`` teaches these types (a melody as
note events); ``07_midi_as_data.ipynb`` meets :class:`MidiNote`.

Two note types, on two clocks
-----------------------------
:class:`ScoreNote`
    ``pitch``, ``duration`` and ``offset`` in **quarter notes**: score time,
    before any tempo. A :class:`Melody` holds them; ``corpus``, ``data``,
    ``tokens``, ``evaluate`` and ``generate`` read and write them. Also
    importable under its old name, ``musiclearn.corpus.Note``.
:class:`MidiNote`
    ``start_s`` and ``end_s`` in **seconds** (performance time: the tempo
    map of the file has been applied), with velocity, General MIDI program,
    drum flag and instrument index; what ``musiclearn.midi.notes`` returns.
    Also importable as ``musiclearn.midi.Note``.

They stay two types on purpose. Going from quarter notes to seconds needs a
tempo, and a MIDI file may change tempo many times, so one ``Note`` whose
times could be either would let a quarter-note offset be compared with a time
in seconds without any error. The names say the clock; the old names remain
as aliases.

What counts as a melody
-----------------------
Every function of the library that takes "a melody" reads it with
:func:`as_melody` (or :func:`melody_pitches` when only pitches matter), so the
same inputs work everywhere:

* a :class:`Melody`;
* a sequence of :class:`ScoreNote`, in order of onset;
* a sequence of MIDI pitches: integers 0..127 (Python or NumPy integers,
  whole-valued floats such as ``60.0``, a 1-D NumPy array or torch tensor).
  Each pitch is a note one quarter note long, each starting where the one
  before ends. ``None`` is a rest of one quarter note (as in
  ``musiclearn.midi.from_notes``).

Anything else is refused with a :class:`ValueError` that names the argument:
a string, a single number, a 2-D array, notes mixed with pitches, a pitch
outside 0..127 (token ids are the usual culprit: decode them first).

A **rest** is time in which no note sounds. A melody stores no rest objects:
a rest is the gap between one note's end and the next note's offset. Views
that list pitches (:attr:`Melody.pitches`, :func:`melody_pitches`) therefore
skip rests, one pitch per note; ``musiclearn.generate.melody_events`` writes
each gap as ``None``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple, overload

__all__ = ["ScoreNote", "MidiNote", "Melody", "as_melody", "melody_pitches", "note_name", "bar_length", "NOTE_NAMES"]

#: The 12 pitch classes from C, sharps spelled as MIDI tools print them.
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: int) -> str:
    """A MIDI note number in scientific pitch notation: 60 is ``"C4"`` (middle C), 69 is ``"A4"``.

    Notebook: ``07_midi_as_data.ipynb``.

    Examples
    --------
    >>> note_name(60), note_name(69), note_name(61)
    ('C4', 'A4', 'C#4')
    """
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def bar_length(time_signature: Any) -> Fraction | None:
    """Quarter notes per bar of a ``"3/4"``-style time signature; None when there is no usable one.

    Notebook: ``08_from_scores_to_tokens.ipynb`` (bar tokens and bar lines).

    Examples
    --------
    >>> bar_length("3/4"), bar_length("6/8"), bar_length(None)
    (Fraction(3, 1), Fraction(3, 1), None)
    """
    if not isinstance(time_signature, str):
        return None
    parts = time_signature.strip().split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    numerator, denominator = (int(p) for p in parts)
    if numerator <= 0 or denominator <= 0:
        return None
    return Fraction(4 * numerator, denominator)


@dataclass(frozen=True, slots=True)
class ScoreNote:
    """One note of a melody, timed in quarter notes.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Also importable as ``musiclearn.corpus.Note``.

    Parameters
    ----------
    pitch : int
        MIDI note number, 0-127 (60 is middle C, C4).
    duration : float
        Length in quarter notes (1.0 is a crotchet, 0.5 a quaver), > 0.
    offset : float
        Start in quarter notes from the start of the tune, >= 0.

    Examples
    --------
    >>> ScoreNote(60, 1.0, 0.0)
    ScoreNote(pitch=60, duration=1.0, offset=0.0)
    >>> ScoreNote(60, 1.0, 0.0).end
    1.0
    """

    pitch: int
    duration: float
    offset: float

    def __post_init__(self) -> None:
        # Accept NumPy scalars too, but store plain int/float.
        pitch, duration, offset = self.pitch, self.duration, self.offset
        if type(pitch) is not int:
            if isinstance(pitch, bool) or not isinstance(pitch, numbers.Integral):
                raise ValueError(f"Note pitch must be a MIDI note number (int 0-127), got {pitch!r}")
            object.__setattr__(self, "pitch", pitch := int(pitch))
        if not 0 <= pitch <= 127:
            raise ValueError(f"Note pitch must be a MIDI note number (int 0-127), got {pitch!r}")
        for label, value in (("duration", duration), ("offset", offset)):
            if type(value) is not float:
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise ValueError(f"Note {label} must be a number of quarter notes, got {value!r}")
                object.__setattr__(self, label, float(value))
        if not self.duration > 0 or not math.isfinite(self.duration):
            raise ValueError(f"Note duration must be > 0 quarter notes, got {duration!r}")
        if not self.offset >= 0 or not math.isfinite(self.offset):
            raise ValueError(f"Note offset must be >= 0 quarter notes, got {offset!r}")

    @property
    def end(self) -> float:
        """When the note stops, in quarter notes from the start of the tune."""
        return self.offset + self.duration


class MidiNote(NamedTuple):
    """One note of a MIDI file, timed in seconds (see ``musiclearn.midi.notes``).

    Notebook: ``07_midi_as_data.ipynb``.

    Also importable as ``musiclearn.midi.Note``.

    Attributes
    ----------
    start_s, end_s : float
        When the note starts and stops, in seconds from the start of the file.
    pitch : int
        MIDI note number 0..127 (for drums, the key picks the drum).
    velocity : int
        How hard the note is struck, 1..127.
    program : int
        General MIDI program 0..127 of its instrument.
    is_drum : bool
        On the percussion channel (channel 10).
    instrument : int
        Index of its instrument in ``pm.instruments``.

    Examples
    --------
    >>> MidiNote(0.0, 0.5, 60, 90, 0, False, 0).end_s
    0.5
    """

    start_s: float
    end_s: float
    pitch: int
    velocity: int
    program: int
    is_drum: bool
    instrument: int


@dataclass(frozen=True)
class Melody(Sequence):
    """A monophonic tune: a sequence of :class:`ScoreNote`, plus where it came from.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    ``len(m)``, ``m[i]``, ``for note in m`` work over the notes; slicing
    returns a tuple of notes. Also importable as ``musiclearn.corpus.Melody``.

    Parameters
    ----------
    notes : sequence of ScoreNote
        In order of onset (offsets never decrease).
    title : str
        The tune's title as the source gives it ("" when it has none).
    source : str
        Where it came from: the source file's stem and the tune's 0-based index
        within that file, e.g. ``"kinder0:12"`` or ``"bwv1.6:0"``.
    time_signature : str or None
        The first time signature, e.g. ``"3/4"``.
    key : str or None
        The first key: ``"F major"``, ``"A dorian"`` where the source names
        a mode (ABC does), else the bare key signature, e.g. ``"2 flats"``.

    Examples
    --------
    >>> m = Melody([ScoreNote(67, 1.0, 0.0), ScoreNote(64, 1.0, 1.0)], title="cuckoo")
    >>> len(m), m.pitches, m.durations
    (2, (67, 64), (1.0, 1.0))
    """

    notes: tuple[ScoreNote, ...]
    title: str = ""
    source: str = ""
    time_signature: str | None = None
    key: str | None = None

    def __post_init__(self) -> None:
        notes = tuple(self.notes)
        for n in notes:
            if not isinstance(n, ScoreNote):
                raise ValueError(f"Melody notes must be corpus.Note objects, got {type(n).__name__}")
        for a, b in zip(notes, notes[1:]):
            if b.offset < a.offset:
                raise ValueError(
                    f"Melody notes must be in order of onset; offset {b.offset} follows {a.offset}"
                )
        object.__setattr__(self, "notes", notes)

    @classmethod
    def from_pitches(
        cls, pitches: Sequence[int | None], *, duration: float = 1.0, title: str = "", source: str = ""
    ) -> Melody:
        """Build a melody of equal-length notes from MIDI pitches (``None`` is a rest).

        Parameters
        ----------
        pitches : sequence of int or None
            MIDI note numbers, 0-127; ``None`` leaves a rest of ``duration``.
        duration : float, optional
            Length of every note (and rest) in quarter notes (default 1.0).
        title, source : str, optional
            Stored on the melody.

        Returns
        -------
        Melody

        Examples
        --------
        >>> Melody.from_pitches([60, 62, 64], duration=0.5).notes[-1]
        ScoreNote(pitch=64, duration=0.5, offset=1.0)
        >>> Melody.from_pitches([60, None, 64]).offsets
        (0.0, 2.0)
        """
        step = float(duration)
        notes = tuple(ScoreNote(int(p), step, i * step) for i, p in enumerate(pitches) if p is not None)
        return cls(notes, title=title, source=source)

    def __len__(self) -> int:
        return len(self.notes)

    def __iter__(self) -> Iterator[ScoreNote]:
        return iter(self.notes)

    @overload
    def __getitem__(self, index: int) -> ScoreNote: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ScoreNote, ...]: ...

    def __getitem__(self, index: int | slice) -> ScoreNote | tuple[ScoreNote, ...]:
        return self.notes[index]

    @property
    def pitches(self) -> tuple[int, ...]:
        """MIDI note numbers, one per note (rests have none)."""
        return tuple(n.pitch for n in self.notes)

    @property
    def durations(self) -> tuple[float, ...]:
        """Note lengths in quarter notes."""
        return tuple(n.duration for n in self.notes)

    @property
    def offsets(self) -> tuple[float, ...]:
        """Note onsets in quarter notes from the start of the tune."""
        return tuple(n.offset for n in self.notes)


# ----------------------------------------------------------------------------
# The one rule for reading a melody
# ----------------------------------------------------------------------------

_ACCEPTED = "a corpus.Melody, a sequence of corpus.Note, or a sequence of MIDI pitches (ints 0..127)"


def _items(melody: Any, what: str) -> list[Any]:
    """The items of a melody given as a sequence (list, tuple, 1-D array or tensor)."""
    if isinstance(melody, (str, bytes, Mapping)) or not hasattr(melody, "__iter__"):
        raise ValueError(f"{what} must be a melody: {_ACCEPTED}; got {type(melody).__name__}")
    shape = getattr(melody, "shape", None)
    if shape is not None and len(shape) != 1:
        raise ValueError(f"{what} must be one melody (a 1-D sequence of pitches), got an array of shape "
                         f"{tuple(shape)}")
    return list(melody.tolist() if hasattr(melody, "tolist") else melody)


def _pitch(item: Any, what: str, i: int) -> int:
    """One pitch of a plain pitch sequence, checked."""
    if isinstance(item, bool) or not isinstance(item, numbers.Real) \
            or not math.isfinite(float(item)) or float(item) != int(item):
        raise ValueError(f"{what}, item {i}: {item!r} is not a MIDI note number (an int 0..127) or a "
                         f"corpus.Note; a melody is {_ACCEPTED}")
    pitch = int(item)
    if not 0 <= pitch <= 127:
        raise ValueError(f"{what}, item {i}: pitch {pitch} is outside MIDI's 0..127, so it is not a MIDI pitch; "
                         "if these are token ids, decode them into a melody first (tokenizer.decode)")
    return pitch


def _check_kinds(items: list[Any], what: str) -> bool:
    """True when the items are notes, False when they are pitches (and rests); refuse a mix."""
    notes = [isinstance(item, ScoreNote) for item in items]
    if any(notes) and not all(notes):
        i = notes.index(False) if notes[0] else notes.index(True)
        raise ValueError(f"{what}, item {i}: {items[i]!r} mixes notes and pitches; a melody is {_ACCEPTED}")
    return bool(items) and notes[0]


def as_melody(melody: Any, *, what: str = "melody") -> Melody:
    """Read anything the library accepts as a melody (see the module docstring) into a :class:`Melody`.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    melody : Melody, sequence of ScoreNote, or sequence of int
        A :class:`Melody` is returned as it is. Notes become a melody with no
        title; pitches become quarter notes one after another (``None`` a
        quarter-note rest).
    what : str
        The argument's name, for messages (e.g. ``"generated[3]"``).

    Returns
    -------
    Melody

    Raises
    ------
    ValueError
        For anything else; the message names ``what`` and the item at fault.

    Examples
    --------
    >>> from musiclearn.melody import as_melody
    >>> as_melody([60, None, 64]).offsets
    (0.0, 2.0)
    >>> as_melody("C D E")
    Traceback (most recent call last):
    ...
    ValueError: melody must be a melody: a corpus.Melody, a sequence of corpus.Note, or a sequence of MIDI pitches (ints 0..127); got str
    """
    if isinstance(melody, Melody):
        return melody
    items = _items(melody, what)
    if _check_kinds(items, what):
        return Melody(tuple(items))
    pitches = [None if item is None else _pitch(item, what, i) for i, item in enumerate(items)]
    return Melody.from_pitches(pitches)


def melody_pitches(melody: Any, *, what: str = "melody") -> tuple[int, ...]:
    """The MIDI pitches of anything the library accepts as a melody, one per note (rests skipped).

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    The same rule as :func:`as_melody`, without building notes, so it is
    quick on long lists of plain pitches.

    Parameters
    ----------
    melody : Melody, sequence of ScoreNote, or sequence of int
    what : str
        The argument's name, for messages.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> from musiclearn.melody import Melody, ScoreNote, melody_pitches
    >>> melody_pitches(Melody([ScoreNote(67, 1.0, 0.0), ScoreNote(64, 0.5, 2.0)]))
    (67, 64)
    >>> melody_pitches([60, None, 62.0])
    (60, 62)
    """
    if isinstance(melody, Melody):
        return melody.pitches
    items = _items(melody, what)
    if _check_kinds(items, what):
        return tuple(item.pitch for item in items)
    return tuple(_pitch(item, what, i) for i, item in enumerate(items) if item is not None)
