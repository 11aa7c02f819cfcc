"""MIDI files as data: load, build, write and render to audio.

Notebook: ``07_midi_as_data.ipynb`` teaches this module. A MIDI (Musical
Instrument Digital Interface) file holds timed performance events — note on
and off with velocity, program changes, tempo — and no sound at all; to hear
it, a synthesiser renders the events to samples.

Files are read with mido and wrapped in :class:`pretty_midi.PrettyMIDI`, which
gives notes in seconds. Rendering uses FluidSynth with pretty_midi's bundled
General MIDI SoundFont (TimGM6mb) when ``libfluidsynth3`` and ``pyfluidsynth``
are installed, and sine waves otherwise.

mido, pretty_midi and fluidsynth are imported inside the functions that need
them, so ``import musiclearn.midi`` stays light.
"""

from __future__ import annotations

import functools
import inspect
import io
import math
import numbers
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

import numpy as np

from ._cache import atomic_write_bytes
from .audio import _check_sr, _existing_file, _resample, normalise
from .errors import MidiError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "load", "write", "from_notes", "render", "real_instruments_available",
    "SineFallbackWarning", "INSTALL_HINT",
]

#: What to do to hear real instruments instead of sine waves.
INSTALL_HINT = (
    "install libfluidsynth3 (apt-get install libfluidsynth3) and pyfluidsynth (pip install pyfluidsynth)"
)

# FluidSynth silently replaces a sampling rate outside this range by 44100 Hz,
# which would put every note at the wrong time; other rates are resampled.
_FLUIDSYNTH_SR_RANGE = (8000, 96000)
_FLUIDSYNTH_FALLBACK_SR = 44100

# The sine-wave notice is shown once per Python session, not once per call.
_fallback_notice_shown = False


class SineFallbackWarning(UserWarning):
    """MIDI is being rendered with sine waves because FluidSynth is unavailable."""


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def _not_midi_reason(data: bytes) -> str:
    """A sentence saying what a file that lacks the MIDI header seems to be."""
    head = data[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "this is a WAV audio file, not MIDI (MIDI files start with 'MThd'); load it with musiclearn.audio.load"
    audio_magic = {b"fLaC": "a FLAC audio file", b"OggS": "an OGG audio file", b"ID3": "an MP3 audio file",
                   b"FORM": "an AIFF audio file"}
    for magic, kind in audio_magic.items():
        if head.startswith(magic):
            return f"this is {kind}, not MIDI (MIDI files start with 'MThd'); load it with musiclearn.audio.load"
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "this looks like an MP3 audio file, not MIDI (MIDI files start with 'MThd')"
    if head[:4] == b"PK\x03\x04":
        return "this is a ZIP archive (perhaps compressed MusicXML or a zipped MIDI), not a MIDI file; unzip it first"
    sample = data[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        lowered = text.lower()
        if "x:" in lowered and "k:" in lowered:
            return "this is a text file (it looks like ABC notation), not MIDI; parse it with music21"
        if "<?xml" in lowered or "<score-partwise" in lowered:
            return "this is a text file (it looks like MusicXML), not MIDI; parse it with music21"
        return "this is a text file, not MIDI (MIDI files are binary and start with 'MThd')"
    return "not a MIDI file: it does not start with the MIDI header 'MThd'; it is corrupt or another kind of file"


def _rmid_payload(data: bytes) -> Optional[bytes]:
    """The standard MIDI file inside a RIFF-RMID wrapper, if ``data`` is one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"RMID":
        return None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos:pos + 4]
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        if chunk_id == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    return None


def load(path: PathLike) -> "pretty_midi.PrettyMIDI":
    """Read a Standard MIDI File (type 0, 1 or 2) into a ``PrettyMIDI`` object.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.mid``/``.midi`` file (a RIFF ``.rmi`` wrapper is unpacked too).

    Returns
    -------
    pretty_midi.PrettyMIDI
        Instruments with notes (start and end in seconds), tempo changes,
        time and key signatures.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    musiclearn.errors.MidiError
        The path is a directory, or the file is empty, truncated, corrupt or
        not MIDI (e.g. a WAV or text file renamed ``.mid``). The message starts
        with the path.

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.write(midi.from_notes([60, 62, 64], [1, 1, 2]), "/tmp/three.mid")
    PosixPath('/tmp/three.mid')
    >>> pm = midi.load("/tmp/three.mid")
    >>> [n.pitch for n in pm.instruments[0].notes], float(pm.get_end_time())
    ([60, 62, 64], 2.0)
    """
    p = _existing_file(path, MidiError)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise MidiError(f"cannot be read ({exc.strerror or exc})", p) from None

    wrapped = _rmid_payload(data)
    if wrapped is not None:
        data = wrapped
    if not data.startswith(b"MThd"):
        if len(data) < 4 and b"MThd".startswith(data):
            raise MidiError("the file is truncated: it ends inside the 14-byte MIDI header", p)
        raise MidiError(_not_midi_reason(data), p)
    if len(data) < 14:
        raise MidiError(f"the file is truncated: it ends inside the 14-byte MIDI header ({len(data)} bytes)", p)

    import mido

    try:
        mf = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise MidiError(
            "the file is truncated: the data ends in the middle of a track; "
            "the download or copy was probably interrupted, so get the file again",
            p,
        ) from None
    except Exception as exc:
        raise MidiError(f"the file is corrupt: mido could not parse it ({_detail(exc)})", p) from None

    if mf.type not in (0, 1, 2):
        raise MidiError(f"the header gives MIDI file type {mf.type}, but only types 0, 1 and 2 exist; "
                        "the file is corrupt", p)
    if mf.ticks_per_beat < 0:
        raise MidiError("the file times events in SMPTE frames, which pretty_midi cannot read; "
                        "re-export it with a tempo-based (ticks per quarter note) division", p)
    if mf.ticks_per_beat == 0:
        raise MidiError("the header says 0 ticks per quarter note, so no event has a time; the file is corrupt", p)
    if not mf.tracks:
        raise MidiError("the file contains no tracks, so there are no events to read", p)

    import pretty_midi

    try:
        return pretty_midi.PrettyMIDI(mido_object=mf)
    except Exception as exc:
        raise MidiError(f"the file parsed but its events make no sense ({_detail(exc)}); it is probably corrupt",
                        p) from None


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ---------------------------------------------------------------------------
# Building and writing
# ---------------------------------------------------------------------------

def _whole_number(value: object, name: str, low: int, high: int) -> int:
    ok = (not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)
          and math.isfinite(float(value)) and float(value) == int(value))
    if not ok or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(value)


def from_notes(
    pitches: Sequence[Optional[int]],
    durations: Sequence[float],
    *,
    program: int = 0,
    bpm: float = 120.0,
    velocity: int = 90,
    is_drum: bool = False,
) -> "pretty_midi.PrettyMIDI":
    """Build a one-instrument MIDI from a melody.

    Parameters
    ----------
    pitches : sequence of int or None
        MIDI note numbers 0..127 (60 = middle C, 69 = A4 = 440 Hz), one per
        note; ``None`` is a rest.
    durations : sequence of float
        Length of each note or rest in quarter notes (beats), all > 0.
    program : int, default 0
        General MIDI program 0..127 (0 = acoustic grand piano, 40 = violin).
        For drums (``is_drum=True``) the pitch picks the drum instead.
    bpm : float, default 120.0
        Tempo in quarter notes per minute; one beat lasts ``60 / bpm`` seconds.
    velocity : int, default 90
        How hard each note is struck, 1..127.
    is_drum : bool, default False
        Put the notes on the percussion channel (MIDI channel 10).

    Returns
    -------
    pretty_midi.PrettyMIDI
        One instrument; note times in seconds. MIDI has no rest events, so a
        rest only shifts the notes after it (a trailing rest leaves no trace).

    Examples
    --------
    >>> from musiclearn import midi
    >>> pm = midi.from_notes([60, None, 67], [1, 0.5, 1.5], bpm=60)
    >>> [(n.pitch, n.start, n.end) for n in pm.instruments[0].notes]
    [(60, 0.0, 1.0), (67, 1.5, 3.0)]
    """
    import pretty_midi

    pitches = list(pitches)
    durations = list(durations)
    if len(pitches) != len(durations):
        raise ValueError(
            f"pitches and durations must have one entry per note, got {len(pitches)} pitches "
            f"and {len(durations)} durations"
        )
    for i, pitch in enumerate(pitches):
        if pitch is not None:
            pitches[i] = _whole_number(pitch, f"pitches[{i}] (a MIDI note number, or None for a rest)", 0, 127)
    for i, dur in enumerate(durations):
        if isinstance(dur, (bool, np.bool_)) or not isinstance(dur, numbers.Real) \
                or not math.isfinite(float(dur)) or float(dur) <= 0:
            raise ValueError(f"durations[{i}] must be a positive number of quarter notes, got {dur!r}")
    program = _whole_number(program, "program (a General MIDI instrument number)", 0, 127)
    velocity = _whole_number(velocity, "velocity", 1, 127)
    if isinstance(bpm, (bool, np.bool_)) or not isinstance(bpm, numbers.Real) \
            or not math.isfinite(float(bpm)) or float(bpm) <= 0:
        raise ValueError(f"bpm must be a positive number of quarter notes per minute such as 120, got {bpm!r}")
    if not isinstance(is_drum, (bool, np.bool_)):
        raise ValueError(f"is_drum must be True or False, got {is_drum!r}")

    seconds_per_beat = 60.0 / float(bpm)
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(bpm))
    instrument = pretty_midi.Instrument(program=program, is_drum=bool(is_drum))
    beat = 0.0
    for pitch, dur in zip(pitches, durations):
        # Times come from the running beat count, so long melodies do not drift.
        start, beat = beat * seconds_per_beat, beat + float(dur)
        if pitch is not None:
            instrument.notes.append(
                pretty_midi.Note(velocity=velocity, pitch=pitch, start=start, end=beat * seconds_per_beat)
            )
    pm.instruments.append(instrument)
    return pm


def _check_pretty_midi(pm: object) -> None:
    import pretty_midi

    if not isinstance(pm, pretty_midi.PrettyMIDI):
        raise ValueError(
            f"expected a pretty_midi.PrettyMIDI object (from musiclearn.midi.load or from_notes), "
            f"got {type(pm).__name__}"
        )


def write(pm: "pretty_midi.PrettyMIDI", path: PathLike) -> Path:
    """Save a ``PrettyMIDI`` object as a Standard MIDI File, atomically.

    The bytes are written to a temporary file next to ``path`` and renamed
    over it, so a failed write leaves any previous file intact.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI
        The music to save.
    path : str or os.PathLike
        Destination, usually ending in ``.mid``; missing folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        ``pm`` is not a PrettyMIDI object.
    musiclearn.errors.MidiError
        The events cannot be encoded (e.g. a pitch outside 0..127).

    Examples
    --------
    >>> from musiclearn import midi
    >>> midi.write(midi.from_notes([60, 64, 67], [1, 1, 1]), "/tmp/triad.mid")
    PosixPath('/tmp/triad.mid')
    """
    _check_pretty_midi(pm)
    target = Path(os.fsdecode(path) if isinstance(path, bytes) else path)
    buffer = io.BytesIO()
    try:
        pm.write(buffer)
    except Exception as exc:
        raise MidiError(f"could not be written: the MIDI data is invalid ({_detail(exc)}); "
                        "check note pitches and velocities are 0..127", target) from None
    return atomic_write_bytes(target, buffer.getvalue())


# ---------------------------------------------------------------------------
# Sound
# ---------------------------------------------------------------------------

def _soundfont_path() -> Path:
    import pretty_midi.fluidsynth as pm_fluidsynth

    return Path(pm_fluidsynth.__file__).with_name(pm_fluidsynth.DEFAULT_SF2)


@functools.lru_cache(maxsize=None)
def real_instruments_available() -> tuple[bool, str]:
    """Whether MIDI can be rendered with real instrument sounds, and why (not).

    Checks that pyfluidsynth imports, that it finds the FluidSynth library
    (``libfluidsynth3``), and that FluidSynth loads pretty_midi's bundled
    TimGM6mb SoundFont. The answer is computed once per session.

    Returns
    -------
    available : bool
        True when :func:`render` will use FluidSynth.
    explanation : str
        One line: what is used, or what is missing and how to install it.

    Examples
    --------
    >>> from musiclearn import midi
    >>> ok, why = midi.real_instruments_available()
    >>> isinstance(ok, bool) and isinstance(why, str)
    True
    """
    fallback = "until then MIDI plays as sine waves"
    try:
        import fluidsynth
    except (ImportError, OSError) as exc:
        return False, f"FluidSynth is not usable ({_detail(exc)}); {INSTALL_HINT}; {fallback}"
    try:
        import pretty_midi.fluidsynth as pm_fluidsynth
    except Exception as exc:  # pragma: no cover - pretty_midi is a hard dependency
        return False, f"pretty_midi cannot be imported ({_detail(exc)}); reinstall it (pip install pretty_midi)"
    if not getattr(pm_fluidsynth, "_HAS_FLUIDSYNTH", True):
        return False, f"pretty_midi did not find pyfluidsynth when it was imported; {INSTALL_HINT}; {fallback}"
    soundfont = _soundfont_path()
    if not soundfont.is_file():
        return False, (f"pretty_midi's bundled SoundFont is missing ({soundfont}); reinstall pretty_midi "
                       f"(pip install --force-reinstall pretty_midi); {fallback}")
    try:
        synth = fluidsynth.Synth(samplerate=22050.0)
        try:
            sfid = synth.sfload(str(soundfont))
        finally:
            synth.delete()
    except Exception as exc:
        return False, f"FluidSynth failed to start ({_detail(exc)}); {INSTALL_HINT}; {fallback}"
    if sfid == -1:
        return False, f"FluidSynth could not load the SoundFont {soundfont}; reinstall pretty_midi; {fallback}"
    return True, f"real instruments: FluidSynth {_fluidsynth_version(fluidsynth)} with pretty_midi's TimGM6mb SoundFont"


def _fluidsynth_version(fluidsynth_module: object) -> str:
    try:
        from ctypes import c_int

        major, minor, micro = c_int(), c_int(), c_int()
        fluidsynth_module.fluid_version(major, minor, micro)  # type: ignore[attr-defined]
        return f"{major.value}.{minor.value}.{micro.value}"
    except Exception:
        return "(version unknown)"


def _notice_sine_fallback(reason: str) -> None:
    global _fallback_notice_shown
    if _fallback_notice_shown:
        return
    _fallback_notice_shown = True
    warnings.warn(
        f"MIDI is rendered with sine waves (drums are silent), not real instruments: {reason}. "
        "This notice is shown once per session.",
        SineFallbackWarning,
        stacklevel=3,
    )


def _unnormalised(method, **kwargs):
    """Call ``PrettyMIDI.fluidsynth`` without its divide-by-peak step.

    pretty_midi >= 0.2.11 can skip it (older versions cannot); dividing
    silence by its peak gives NaN, so musiclearn normalises itself, safely.
    """
    if "normalize" in inspect.signature(method).parameters:
        kwargs["normalize"] = False
    return method(**kwargs)


def _sines(pm: "pretty_midi.PrettyMIDI", sr: int) -> np.ndarray:
    """Every note as a decaying sine wave, amplitude velocity / 127; drums silent."""
    waves = [np.asarray(instrument.synthesize(fs=sr), dtype=np.float64) for instrument in pm.instruments]
    out = np.zeros(max(len(w) for w in waves))
    for wave in waves:
        out[:len(wave)] += wave
    # pretty_midi scales each note by its raw velocity (0..127).
    return out / 127.0


def render(pm: "pretty_midi.PrettyMIDI", *, sr: int = 22050, normalize: bool = True) -> np.ndarray:
    """Turn MIDI events into audio samples.

    Uses FluidSynth with pretty_midi's bundled General MIDI SoundFont when
    :func:`real_instruments_available` says so; otherwise plays every note as
    a sine wave (drums are then silent) and warns once per session with
    :class:`SineFallbackWarning` saying how to get real instruments.

    Parameters
    ----------
    pm : pretty_midi.PrettyMIDI
        The music, e.g. from :func:`load` or :func:`from_notes`.
    sr : int, default 22050
        Sampling rate of the result in Hz.
    normalize : bool, default True
        Scale so the loudest sample is 1.0 (silence stays silence). With
        ``False`` the level follows the velocities: FluidSynth's own output
        level, or for sine waves an amplitude of velocity / 127 per note
        (chords can then exceed 1).

    Returns
    -------
    np.ndarray, float32, shape (n,)
        Mono samples. FluidSynth adds about one second of release after the
        last note. A MIDI without notes gives an empty array.

    Examples
    --------
    >>> from musiclearn import midi
    >>> y = midi.render(midi.from_notes([69], [2.0]), sr=16000)  # one second of A4
    >>> y.dtype, float(abs(y).max())
    (dtype('float32'), 1.0)
    """
    _check_pretty_midi(pm)
    rate = _check_sr(sr)
    if not any(instrument.notes for instrument in pm.instruments):
        return np.zeros(0, dtype=np.float32)

    y: Optional[np.ndarray] = None
    available, reason = real_instruments_available()
    if available:
        low, high = _FLUIDSYNTH_SR_RANGE
        synth_sr = rate if low <= rate <= high else _FLUIDSYNTH_FALLBACK_SR
        try:
            y = np.asarray(_unnormalised(pm.fluidsynth, fs=synth_sr), dtype=np.float64)
        except Exception as exc:
            reason = f"FluidSynth failed while rendering ({_detail(exc)})"
            y = None
        else:
            if synth_sr != rate:
                y = _resample(y, synth_sr, rate)
    if y is None:
        _notice_sine_fallback(reason)
        y = _sines(pm, rate)

    y = np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
    if normalize:
        y = normalise(y)
    return np.ascontiguousarray(y, dtype=np.float32)
