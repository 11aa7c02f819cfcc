"""A labelled set of short audio clips, rendered from General MIDI SoundFonts (NSynth-like).

Notebook: ``13_audio_data_hygiene.ipynb`` builds the set, plants the faults
that real collections have and finds them again; ``14`` trains instrument
classifiers on it.

What is here
------------
:func:`soundfonts`
    The General MIDI SoundFonts installed: pretty_midi's TimGM6mb (always
    there) and the Debian/Ubuntu ones when present (FluidR3_GM, sf_GMbank,
    MuseScore_General_Lite), each with its licence, plus a notice naming
    what is missing and how to install it. :func:`soundfont` checks any other
    ``.sf2``/``.sf3`` file.
:func:`notes`
    Single notes: for every SoundFont, family, program, pitch and velocity,
    one clip of ``duration`` seconds (the key is held for ``hold`` of it,
    then released). The 16 General MIDI families of 8 programs are in
    :data:`FAMILIES`; :data:`DEFAULT_FAMILIES` holds the ten that make sense
    as pitched single notes.
:func:`phrases`
    The openings of corpus melodies (``corpus.melodies("kinder0")``),
    rendered at a stated tempo and key.
:func:`drumkits` and :func:`drums`
    The one-shot samples of the Hydrogen drum kits (Debian's
    ``hydrogen-drumkits``), with each kit's licence from its ``drumkit.xml``:
    real recordings, for checking the hygiene detectors outside the lab.

Each returns a :class:`ClipSet`: ``audio`` as a float32 array
``(n_clips, n_samples)`` at ``sr`` (16 kHz by default) and ``meta``, one dict
per clip (family, program, pitch, velocity, SoundFont, duration, sr, tempo and
key for phrases, a stable clip ``id``). ``ClipSet.column(name)`` gives one
field as an array, ``clips[mask]`` selects clips.

Rendering and the cache
-----------------------
Each SoundFont is loaded once into a FluidSynth synthesizer (pyfluidsynth,
``libfluidsynth3``) and every clip is played on it in one pass, with reverb
and chorus off, so that a clip holds only its own note. (pretty_midi's
``PrettyMIDI.fluidsynth()`` loads the SoundFont again for every call, which
costs 20 ms to several seconds *per clip*.) The audio is stored as 16-bit
integers in an ``.npz`` file in ``musiclearn._config.cache_dir()/clips``,
written atomically; its name and header hold a hash of every knob, the
SoundFonts' sizes and modification times and :data:`FORMAT_VERSION`, so a
changed knob or SoundFont gives a new file, and a damaged or foreign file is
reported with a warning and rebuilt. Returned audio is always the 16-bit
version, whether it was just rendered or read back, so the two are equal.

A note that a SoundFont cannot play (some presets cover only part of the
keyboard, e.g. FluidR3's contrabass above C4) renders as silence; such clips
are left out of the set and listed in :attr:`ClipSet.skipped`.

FluidSynth keeps some state from one note to the next (its voices' filters),
so the same note rendered after a different one can differ by about -45 dB:
a whole set is reproducible (the same knobs give the same samples), but a
clip rendered inside a larger set need not be bit-identical to the same clip
rendered alone. Event times are rounded to FluidSynth's 64-sample blocks
(4 ms at 16 kHz).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import io
import json
import math
import numbers
import os
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import _validate
from .errors import AudioError, DataError

__all__ = [
    "FORMAT_VERSION",
    "DEFAULT_SR",
    "FAMILIES",
    "FAMILY_NAMES",
    "DEFAULT_FAMILIES",
    "SoundFont",
    "SoundFonts",
    "DrumKit",
    "DrumKits",
    "ClipSet",
    "family_of",
    "program_name",
    "soundfont",
    "soundfonts",
    "notes",
    "phrases",
    "drumkits",
    "drums",
    "cache_path",
]

#: Bumped whenever rendering or the cache layout changes; old cache files are then rebuilt.
FORMAT_VERSION = 3
_FORMAT_TAG = "musiclearn-clips"

#: The default sampling rate of every clip set, in Hz (as NSynth).
DEFAULT_SR = 16000

#: The 16 General MIDI instrument families, each 8 consecutive programs (0-based numbers).
FAMILIES: dict[str, tuple[int, ...]] = {
    name: tuple(range(8 * i, 8 * i + 8))
    for i, name in enumerate((
        "piano", "chromatic_percussion", "organ", "guitar", "bass", "strings", "ensemble", "brass",
        "reed", "pipe", "synth_lead", "synth_pad", "synth_effects", "ethnic", "percussive",
        "sound_effects",
    ))
}

#: Readable names of the families, for plots and tables.
FAMILY_NAMES: dict[str, str] = {name: name.replace("_", " ") for name in FAMILIES}

#: The families rendered by default: ten whose programs are pitched instruments that play a
#: single note sensibly. Left out: ensemble (choirs, string sections, an orchestra hit), synth
#: pad (slow swells that barely start within a second), synth effects, ethnic (a mixed bag),
#: percussive (drums and bells with little or no pitch) and sound effects (a helicopter,
#: applause, a gunshot...).
DEFAULT_FAMILIES = ("piano", "chromatic_percussion", "organ", "guitar", "bass", "strings", "brass",
                    "reed", "pipe", "synth_lead")

# FluidSynth output gain: at 0.5 the loudest of the 4 x 128 programs x 4 pitches at velocity 127
# measured in the four SoundFonts peaks at 0.43, so no clean clip comes near clipping.
_GAIN = 0.5
# FluidSynth renders 64 samples at a time; events take effect at block boundaries.
_BLOCK = 64
# A render whose peak stays below this (about -80 dBFS) is a note the SoundFont cannot play.
_SILENT_PEAK = 1e-4
_FLUIDSYNTH_SR_RANGE = (8000, 96000)


# ----------------------------------------------------------------------------- small helpers


def family_of(program: int) -> str:
    """The General MIDI family of a program number (0-127, as in MIDI files and pretty_midi).

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Examples
    --------
    >>> family_of(0), family_of(40), family_of(73)
    ('piano', 'strings', 'pipe')
    """
    number = _validate.whole_number(program, "program", low=0, high=127)
    return list(FAMILIES)[number // 8]


def program_name(program: int) -> str:
    """The General MIDI name of a program number (0-127).

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Examples
    --------
    >>> program_name(0), program_name(73)
    ('Acoustic Grand Piano', 'Flute')
    """
    number = _validate.whole_number(program, "program", low=0, high=127)
    import pretty_midi

    return str(pretty_midi.program_to_instrument_name(number))


def _choose_programs(family: str, per_family: int) -> tuple[int, ...]:
    """``per_family`` programs of a family, spread over its 8 (all 8 for 8)."""
    members = FAMILIES[family]
    picks = np.unique(np.round(np.linspace(0, len(members) - 1, per_family)).astype(int))
    return tuple(members[i] for i in picks)


# ----------------------------------------------------------------------------- SoundFonts


@dataclass(frozen=True)
class SoundFont:
    """An installed SoundFont file: where it is, what it is called, under which licence.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    name : str
        A short name, used in clip ids and metadata (``"TimGM6mb"``).
    path : pathlib.Path
        The ``.sf2`` or ``.sf3`` file.
    licence : str
        The licence it is distributed under.
    source : str
        Where it comes from (a Python or Debian package).
    lineage : str
        The SoundFonts that share most of their samples share a lineage:
        sf_GMbank renders about two thirds of the notes notebook 13 measures
        like TimGM6mb (some bit for bit), and MuseScore_General is built on
        Fluid R3. A split that keeps a lineage together (not just a SoundFont)
        does not leak; other SoundFonts are their own lineage.
    """

    name: str
    path: Path
    licence: str
    source: str = ""
    lineage: str = ""

    def __post_init__(self) -> None:
        if not self.lineage:
            object.__setattr__(self, "lineage", self.name)

    @property
    def size_bytes(self) -> int:
        """The file's size in bytes."""
        return self.path.stat().st_size


@dataclass(frozen=True)
class SoundFonts:
    """The General MIDI SoundFonts found on this machine and what is missing.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Iterating, ``len()`` and ``sfs["FluidR3_GM"]`` work on :attr:`found`.

    Attributes
    ----------
    found : tuple of SoundFont
        Installed and readable, TimGM6mb first.
    missing : tuple of str
        One line per known SoundFont that is not installed, saying how to get it.
    notice : str
        A sentence for notebooks: what is used, and what is missing.
    """

    found: tuple[SoundFont, ...]
    missing: tuple[str, ...] = ()
    notice: str = ""

    def __iter__(self) -> Iterator[SoundFont]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, name: str) -> SoundFont:
        for sf in self.found:
            if sf.name == name:
                return sf
        raise KeyError(f"no SoundFont named {name!r} is installed; found: {', '.join(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the SoundFonts found."""
        return tuple(sf.name for sf in self.found)


def _timgm6mb_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a hard dependency
        raise DataError("pretty_midi is not installed; install the course requirements", "TimGM6mb.sf2")
    return Path(next(iter(spec.submodule_search_locations))) / "TimGM6mb.sf2"


# name, file names, folders searched, licence, package (how to install it), lineage
_KNOWN: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str, str], ...] = (
    ("FluidR3_GM", ("FluidR3_GM.sf2",), ("/usr/share/sounds/sf2",),
     "MIT (Frank Wen)", "fluid-soundfont-gm", "FluidR3"),
    ("sf_GMbank", ("sf_GMbank.sf2",), ("/usr/share/sounds/sf2", "/usr/share/samples"),
     "public domain (its licence field says so)", "csound-soundfont", "TimGM6mb"),
    ("MuseScore_General_Lite", ("MuseScore_General_Lite.sf3",), ("/usr/share/sounds/sf3", "/usr/share/sounds/sf2"),
     "MIT, parts public domain or CC0 (S. Christian Collins, after Fluid R3)",
     "musescore-general-soundfont-small", "FluidR3"),
)


def _riff_problem(path: Path) -> str | None:
    """Why ``path`` is not a SoundFont (a RIFF file of form ``sfbk``), or None when it is one."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if len(head) < 12:
        return f"is only {len(head)} bytes long, too short for a SoundFont (it starts with a 12-byte RIFF header)"
    if head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        return (f"is not a SoundFont: it starts with {head[:4]!r} ... {head[8:12]!r}, where a .sf2/.sf3 "
                "file starts with b'RIFF' ... b'sfbk'")
    declared = int.from_bytes(head[4:8], "little") + 8
    actual = path.stat().st_size
    if actual < declared:
        return (f"is truncated: its RIFF header declares {declared} bytes but the file has {actual}; "
                "download or install it again")
    return None


def soundfont(path: os.PathLike[str] | str, *, name: str | None = None, licence: str = "unknown") -> SoundFont:
    """Check that ``path`` is a readable SoundFont (``.sf2`` or ``.sf3``) and describe it.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    name : str, optional
        A short name for clip ids and metadata; default: the file's stem.
    licence : str, keyword-only
        Its licence, if you know it.

    Returns
    -------
    SoundFont

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    musiclearn.errors.AudioError
        If it is a folder, empty, truncated or not a SoundFont (its first 12
        bytes are not ``RIFF....sfbk``); the message starts with the path.

    Examples
    --------
    >>> sf = soundfont(_timgm6mb_path(), licence="GPL-2.0")
    >>> sf.name, sf.path.suffix
    ('TimGM6mb', '.sf2')
    """
    p = _validate.existing_file(path, AudioError)
    problem = _riff_problem(p)
    if problem is not None:
        raise AudioError(problem, p)
    label = p.stem if name is None else name
    if not isinstance(label, str) or not label or any(c in label for c in "/\\ \n"):
        raise ValueError(f"name must be a short word without spaces or slashes (used in clip ids), got {name!r}")
    return SoundFont(label, p, str(licence), "")


@functools.lru_cache(maxsize=4)
def _discover(choice: tuple[str, ...] | None = None) -> SoundFonts:
    found = [SoundFont("TimGM6mb", _timgm6mb_path(), "GPL-2.0 (Tim Brechbill; bundled with pretty_midi)",
                       "pretty_midi", "TimGM6mb")]
    if _riff_problem(found[0].path) is not None:
        raise DataError("pretty_midi's bundled SoundFont is missing or damaged; reinstall pretty_midi "
                        "(pip install --force-reinstall pretty_midi)", found[0].path)
    missing = []
    for name, files, folders, licence, package, lineage in _KNOWN:
        candidates = [Path(folder) / f for folder in folders for f in files]
        path = next((c for c in candidates if c.is_file() and _riff_problem(c) is None), None)
        if path is None:
            missing.append(f"{name} ({licence}): sudo apt-get install {package}")
        else:
            found.append(SoundFont(name, path.resolve(), licence, f"Debian package {package}", lineage))
    if choice is not None:
        known = ["TimGM6mb"] + [entry[0] for entry in _KNOWN]
        unknown = [name for name in choice if name not in known]
        if unknown:
            raise ValueError(f"MUSICLEARN_SOUNDFONTS names {unknown}, which are not SoundFonts the course knows; "
                             f"use a comma-separated subset of {', '.join(known)} (TimGM6mb is always used)")
        left_out = [sf.name for sf in found[1:] if sf.name not in choice]
        found = [found[0]] + [sf for sf in found[1:] if sf.name in choice]
        missing += [f"{name} (installed, left out by MUSICLEARN_SOUNDFONTS)" for name in left_out]
    names = ", ".join(sf.name for sf in found)
    if missing:
        notice = (f"{len(found)} SoundFont(s) used: {names}. Not used: "
                  + "; ".join(missing)
                  + ". Everything runs without them, with fewer instrument timbres (the numbers then differ).")
    else:
        notice = f"All {len(found)} General MIDI SoundFonts are installed: {names}."
    return SoundFonts(tuple(found), tuple(missing), notice)


def soundfonts() -> SoundFonts:
    """The General MIDI SoundFonts installed on this machine, with their licences.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    TimGM6mb (6 MB, bundled with pretty_midi) is always there. The others are
    Debian/Ubuntu packages, found in ``/usr/share/sounds/``: FluidR3_GM
    (``fluid-soundfont-gm``, 148 MB, MIT), sf_GMbank (``csound-soundfont``,
    4 MB, public domain) and MuseScore_General_Lite (``musescore-general-
    soundfont-small``, 40 MB, MIT). The answer is computed once per session.
    ``MUSICLEARN_SOUNDFONTS=TimGM6mb,FluidR3_GM`` (comma-separated names) uses
    only those of the installed ones; TimGM6mb is always used.

    Returns
    -------
    SoundFonts
        ``.found`` (iterate over the result directly), ``.missing`` and a
        ``.notice`` to print.

    Examples
    --------
    >>> sfs = soundfonts()
    >>> sfs.names[0]
    'TimGM6mb'
    >>> all(sf.path.is_file() for sf in sfs)
    True
    """
    from ._config import soundfont_choice

    return _discover(soundfont_choice())


def _as_soundfonts(value: Any) -> tuple[SoundFont, ...]:
    """None -> all installed; names, paths or SoundFont objects -> SoundFonts (checked)."""
    installed = soundfonts()
    if value is None:
        return installed.found
    if isinstance(value, (str, os.PathLike, SoundFont)):
        value = [value]
    chosen: list[SoundFont] = []
    for item in value:
        if isinstance(item, SoundFont):
            sf = item
        elif isinstance(item, str) and item in installed.names:
            sf = installed[item]
        elif isinstance(item, (str, os.PathLike)) and (os.sep in str(item) or str(item).endswith((".sf2", ".sf3"))):
            sf = soundfont(item)
        else:
            raise ValueError(f"soundfonts must be None (all installed), names from {list(installed.names)}, "
                             f"paths to .sf2/.sf3 files or SoundFont objects; got {item!r}")
        if sf.name in [c.name for c in chosen]:
            raise ValueError(f"SoundFont {sf.name!r} is listed twice; give each once")
        chosen.append(sf)
    if not chosen:
        raise ValueError("soundfonts is empty; give at least one, or None for all installed")
    return tuple(chosen)


# ----------------------------------------------------------------------------- the clip table


@dataclass
class ClipSet:
    """Clips of equal length and one metadata dict per clip.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    audio : np.ndarray, shape (n_clips, n_samples), float32
        The samples, in [-1, 1].
    meta : list of dict
        One dict per clip, in the same order. Every clip has ``"id"`` (stable:
        the same note in the same SoundFont always gets the same id), ``"kind"``
        (``"note"``, ``"phrase"`` or ``"drum"``), ``"sr"`` and
        ``"duration_s"``; the other fields depend on the kind (see
        :func:`notes`, :func:`phrases`, :func:`drums`).
    sr : int
        Sampling rate in Hz.
    skipped : list of dict
        Clips that were asked for but left out, each with its would-be
        metadata and a ``"reason"``.
    info : dict
        How the set was made: ``"seconds"`` (wall time of the call),
        ``"from_cache"``, ``"cache_path"``, ``"rendered"`` (clips rendered now).

    Examples
    --------
    >>> import numpy as np
    >>> cs = ClipSet(np.zeros((2, 4), np.float32), [{"id": "a", "family": "piano"},
    ...                                             {"id": "b", "family": "organ"}], sr=16000)
    >>> len(cs), cs.column("family").tolist(), cs[cs.column("family") == "organ"].ids
    (2, ['piano', 'organ'], ['b'])
    """

    audio: np.ndarray
    meta: list[dict[str, Any]]
    sr: int = DEFAULT_SR
    skipped: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        audio = np.asarray(self.audio)
        if audio.ndim != 2:
            raise ValueError(f"ClipSet audio must have shape (n_clips, n_samples), got {audio.shape}")
        if len(self.meta) != audio.shape[0]:
            raise ValueError(f"ClipSet has {audio.shape[0]} clips but {len(self.meta)} metadata rows; "
                             "give one dict per clip")
        self.audio = audio
        self.meta = [dict(row) for row in self.meta]

    def __len__(self) -> int:
        return len(self.meta)

    def __getitem__(self, index: Any) -> ClipSet:
        """A new ClipSet with the clips at ``index`` (a slice, a boolean mask or integer indices)."""
        if isinstance(index, numbers.Integral) and not isinstance(index, bool):
            index = [int(index)]
        if isinstance(index, slice):
            rows = list(range(len(self)))[index]
        else:
            arr = np.asarray(index)
            if arr.dtype == bool:
                if arr.shape != (len(self),):
                    raise ValueError(f"a boolean mask must have one entry per clip ({len(self)}), "
                                     f"got shape {arr.shape}")
                rows = np.flatnonzero(arr).tolist()
            else:
                rows = [int(i) for i in arr.reshape(-1)]
        return ClipSet(self.audio[rows], [self.meta[i] for i in rows], self.sr, list(self.skipped), dict(self.info))

    @property
    def ids(self) -> list[str]:
        """The clip ids, in order."""
        return [str(row.get("id")) for row in self.meta]

    @property
    def n_samples(self) -> int:
        """Samples per clip."""
        return int(self.audio.shape[1])

    @property
    def duration_s(self) -> float:
        """Seconds per clip."""
        return self.n_samples / self.sr

    @property
    def nbytes(self) -> int:
        """Memory held by the audio, in bytes."""
        return int(self.audio.nbytes)

    def column(self, name: str, *, default: Any = None) -> np.ndarray:
        """One metadata field for every clip, as a NumPy array (``default`` where a row lacks it).

        Raises :class:`~musiclearn.errors.DataError` naming the field when no
        row has it at all (a typo, or a table that lost a column).
        """
        if not any(name in row for row in self.meta) and len(self.meta):
            present = sorted({k for row in self.meta for k in row})
            raise DataError(f"no clip has the metadata field {name!r}; the fields are {', '.join(present)}",
                            "clip metadata")
        values = [row.get(name, default) for row in self.meta]
        try:
            return np.asarray(values)
        except ValueError:  # ragged values
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out

    def concat(self, other: ClipSet) -> ClipSet:
        """The clips of ``self`` then those of ``other`` (same ``sr`` and length)."""
        if other.sr != self.sr or other.n_samples != self.n_samples:
            raise ValueError(f"can only join clip sets with the same sr and length: {self.sr} Hz x "
                             f"{self.n_samples} vs {other.sr} Hz x {other.n_samples}")
        return ClipSet(np.concatenate([self.audio, other.audio]), self.meta + other.meta, self.sr,
                       self.skipped + other.skipped, {})


# ----------------------------------------------------------------------------- FluidSynth


def _fluidsynth() -> Any:
    try:
        import fluidsynth
    except (ImportError, OSError) as exc:
        raise RuntimeError(
            f"rendering clips needs FluidSynth ({type(exc).__name__}: {exc}); install libfluidsynth3 "
            "(sudo apt-get install libfluidsynth3; macOS: brew install fluid-synth) and pyfluidsynth "
            "(pip install pyfluidsynth)") from None
    return fluidsynth


class _Synth:
    """One FluidSynth synthesizer with one SoundFont loaded, writing float samples (mono)."""

    def __init__(self, sf: SoundFont, sr: int) -> None:
        fluidsynth = _fluidsynth()
        # Dynamic sample loading reads (and, for .sf3, decompresses) only the samples of the presets
        # played: MuseScore_General_Lite.sf3 then loads in 0.2 s instead of 13 s.
        self.synth = fluidsynth.Synth(gain=_GAIN, samplerate=float(sr),
                                      **{"synth.reverb.active": 0, "synth.chorus.active": 0,
                                         "synth.dynamic-sample-loading": 1})
        self.sfid = self.synth.sfload(str(sf.path))
        if self.sfid == -1:
            self.synth.delete()
            raise AudioError("FluidSynth could not load this SoundFont (damaged, or a format it does not know)",
                             sf.path)
        lib = getattr(fluidsynth, "_fl", None)
        self._write_float = getattr(lib, "fluid_synth_write_float", None) if lib is not None else None
        if self._write_float is not None:
            self._write_float.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                          ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
            self._write_float.restype = ctypes.c_int

    def write(self, n: int) -> np.ndarray:
        """The next ``n`` samples, mono (the mean of left and right), float32."""
        if n <= 0:
            return np.zeros(0, np.float32)
        if self._write_float is not None:
            buf = np.zeros(2 * n, np.float32)
            ptr = buf.ctypes.data
            self._write_float(self.synth.synth, n, ptr, 0, 2, ptr, 1, 2)
        else:  # pragma: no cover - older pyfluidsynth without the library handle
            buf = np.asarray(self.synth.get_samples(n), np.float32) / 32768.0
        return buf.reshape(n, 2).mean(axis=1)

    def play(self, program: int, events: Sequence[tuple[int, bool, int, int]], n_samples: int) -> np.ndarray | None:
        """Render ``events`` (sample, on?, pitch, velocity) with ``program`` on channel 0.

        Returns None when the SoundFont has no preset for the program.
        """
        if self.synth.program_select(0, self.sfid, 0, program) != 0:
            return None
        total = -(-n_samples // _BLOCK) * _BLOCK
        chunks, position = [], 0
        for at, on, pitch, velocity in sorted(events, key=lambda e: (e[0], e[1])):
            at = min(total, (at // _BLOCK) * _BLOCK)
            chunks.append(self.write(at - position))
            position = at
            if on:
                self.synth.noteon(0, pitch, velocity)
            else:
                self.synth.noteoff(0, pitch)
        chunks.append(self.write(total - position))
        self.synth.all_sounds_off(0)
        self.write(_BLOCK)  # let the voices die before the next clip
        return np.concatenate(chunks)[:n_samples]

    def close(self) -> None:
        self.synth.delete()


def _to_int16(y: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(y, np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def _from_int16(q: np.ndarray) -> np.ndarray:
    return (np.asarray(q, np.float32) / np.float32(32768.0)).astype(np.float32)


# ----------------------------------------------------------------------------- the cache


def cache_path(kind: str, key: Mapping[str, Any]) -> Path:
    """Where a clip set with these knobs is cached.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    kind : {"notes", "phrases", "drums"}
    key : dict
        Everything the audio depends on (knobs, SoundFont sizes and times).

    Returns
    -------
    pathlib.Path
        ``cache_dir()/clips/<kind>-<hash>.v<FORMAT_VERSION>.npz``; the hash
        covers ``key`` and :data:`FORMAT_VERSION`.

    Examples
    --------
    >>> cache_path("notes", {"sr": 16000}).name.startswith("notes-")
    True
    >>> cache_path("notes", {"sr": 16000}) == cache_path("notes", {"sr": 22050})
    False
    """
    from ._config import cache_dir

    return cache_dir() / "clips" / f"{kind}-{_digest(kind, key)}.v{FORMAT_VERSION}.npz"


def _digest(kind: str, key: Mapping[str, Any]) -> str:
    text = json.dumps({"kind": kind, "format_version": FORMAT_VERSION, "key": key}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _StaleCache(Exception):
    pass


def _header(kind: str, key: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": _FORMAT_TAG, "format_version": FORMAT_VERSION, "kind": kind,
            "key": json.loads(json.dumps(key, sort_keys=True, default=str))}


def _write_cache(path: Path, header: dict[str, Any], audio: np.ndarray, meta: list[dict],
                 skipped: list[dict]) -> None:
    from ._cache import atomic_write_bytes

    doc = json.dumps({**header, "meta": meta, "skipped": skipped}, sort_keys=True).encode("utf-8")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, audio=audio, doc=np.frombuffer(doc, dtype=np.uint8))
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        warnings.warn(f"{path}: could not write the clip cache ({exc.strerror or exc}); the clips will be "
                      "rendered again next time. Set MUSICLEARN_CACHE_DIR to a writable folder.",
                      RuntimeWarning, stacklevel=4)


def _read_cache(path: Path, header: dict[str, Any]) -> tuple[np.ndarray, list[dict], list[dict]]:
    try:
        # From bytes: np.load on a damaged file can leave the file open.
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as data:
            audio = np.asarray(data["audio"])
            doc = json.loads(bytes(np.asarray(data["doc"], dtype=np.uint8)).decode("utf-8"))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise _StaleCache(f"is corrupt or truncated ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT_TAG:
        raise _StaleCache("is not a musiclearn clip cache")
    if doc.get("format_version") != FORMAT_VERSION:
        raise _StaleCache(f"was written in another cache format ({doc.get('format_version')!r}, "
                          f"expected {FORMAT_VERSION})")
    if doc.get("kind") != header["kind"] or doc.get("key") != header["key"]:
        raise _StaleCache("was made with other settings or SoundFonts")
    meta, skipped = doc.get("meta"), doc.get("skipped")
    if not isinstance(meta, list) or not isinstance(skipped, list) or not all(isinstance(r, dict) for r in meta):
        raise _StaleCache("lacks its metadata")
    if audio.dtype != np.int16 or audio.ndim != 2 or audio.shape[0] != len(meta):
        raise _StaleCache(f"holds audio of shape {audio.shape} and dtype {audio.dtype} for {len(meta)} clips")
    return audio, meta, skipped


def _cached(kind: str, key: dict[str, Any], build: Any, *, cache: bool, sr: int) -> ClipSet:
    """Read the clip set from the cache, or ``build()`` -> (int16 audio, meta, skipped) and store it."""
    start = time.perf_counter()
    header = _header(kind, key)
    path = cache_path(kind, key)
    if cache and path.exists():
        try:
            audio, meta, skipped = _read_cache(path, header)
        except _StaleCache as why:
            warnings.warn(f"{path}: the clip cache {why}; rebuilding it.", RuntimeWarning, stacklevel=3)
        else:
            return ClipSet(_from_int16(audio), meta, sr, skipped,
                           {"seconds": time.perf_counter() - start, "from_cache": True,
                            "cache_path": str(path), "rendered": 0})
    audio, meta, skipped = build()
    if cache:
        _write_cache(path, header, audio, meta, skipped)
    return ClipSet(_from_int16(audio), meta, sr, skipped,
                   {"seconds": time.perf_counter() - start, "from_cache": False,
                    "cache_path": str(path) if cache else None, "rendered": len(meta)})


def _file_stamp(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _progress(total: int, desc: str, progress: bool | None) -> Any:
    """A tqdm bar, or None; ``progress=None`` shows one only for sets that take a while."""
    if progress is False or (progress is None and total < 200):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="clip", leave=False)


# ----------------------------------------------------------------------------- argument checks


def _sr(sr: Any) -> int:
    rate = _validate.sample_rate(sr, whole=True)
    low, high = _FLUIDSYNTH_SR_RANGE
    if not low <= rate <= high:
        raise ValueError(f"sr must be between {low} and {high} Hz for FluidSynth, got {sr!r}")
    return int(rate)


def _seconds(value: Any, name: str, *, low: float, high: float) -> float:
    x = _validate.finite_number(value, name, "in seconds")
    if not low <= x <= high:
        raise ValueError(f"{name} must be between {low} and {high} seconds, got {value!r}")
    return x


def _families(families: Any) -> tuple[str, ...]:
    if isinstance(families, str):
        families = (families,)
    chosen = tuple(families)
    unknown = [f for f in chosen if f not in FAMILIES]
    if unknown or not chosen:
        raise ValueError(f"families must be names from clips.FAMILIES ({', '.join(FAMILIES)}), got {list(chosen)}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"families lists a family twice: {list(chosen)}")
    return chosen


def _whole_list(values: Any, name: str, *, low: int, high: int) -> tuple[int, ...]:
    if isinstance(values, numbers.Real):
        values = (values,)
    out = tuple(_validate.whole_number(v, name, low=low, high=high) for v in values)
    if not out:
        raise ValueError(f"{name} is empty; give at least one value")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} lists a value twice: {list(out)}")
    return out


# ----------------------------------------------------------------------------- single notes


def _render(sfs: Sequence[SoundFont], plan: Callable[[SoundFont], Iterator[tuple[dict, int, list]]], *,
            n_jobs: int, n_samples: int, sr: int, what: str, silent: str,
            progress: bool | None) -> tuple[np.ndarray, list[dict], list[dict]]:
    """Play every ``(row, program, events)`` of ``plan(sf)`` with each SoundFont loaded once.

    Returns the int16 audio of the clips that sound, their metadata rows, and
    the rows skipped with a reason (no preset for the program, or ``silent``).
    """
    audio = np.zeros((n_jobs, n_samples), np.int16)
    meta: list[dict] = []
    skipped: list[dict] = []
    bar = _progress(n_jobs, f"rendering {what}", progress)
    try:
        for sf in sfs:
            synth = _Synth(sf, sr)
            try:
                for row, program, events in plan(sf):
                    y = synth.play(program, events, n_samples)
                    if y is None:
                        skipped.append({**row, "reason": "the SoundFont has no preset for this program"})
                    elif float(np.max(np.abs(y))) < _SILENT_PEAK:
                        skipped.append({**row, "reason": silent})
                    else:
                        audio[len(meta)] = _to_int16(y)
                        meta.append(row)
                    if bar is not None:
                        bar.update(1)
            finally:
                synth.close()
    finally:
        if bar is not None:
            bar.close()
    return audio[: len(meta)], meta, skipped


def notes(
    *,
    families: Sequence[str] = DEFAULT_FAMILIES,
    programs_per_family: int = 4,
    programs: Sequence[int] | None = None,
    pitches: Sequence[int] = (48, 55, 60, 67, 72),
    velocities: Sequence[int] = (100,),
    duration: float = 1.0,
    hold: float = 0.75,
    sr: int = DEFAULT_SR,
    soundfonts: Any = None,
    cache: bool = True,
    progress: bool | None = None,
) -> ClipSet:
    """Single notes of General MIDI instruments from every SoundFont: a labelled clip set.

    Notebook: ``13_audio_data_hygiene.ipynb`` (and ``14``).

    One clip per SoundFont × program × pitch × velocity: the key goes down at
    0 s, up at ``hold · duration`` seconds, and the clip ends at ``duration``
    (the release rings into the last part). Rendered once and cached (see
    the module docstring); a later call with the same knobs reads the cache.

    Parameters
    ----------
    families : sequence of str, keyword-only
        Family names from :data:`FAMILIES`; default :data:`DEFAULT_FAMILIES`.
    programs_per_family : int, keyword-only
        Programs per family, spread over its 8 (4 gives programs 0, 2, 5, 7
        of the family; 8 gives all).
    programs : sequence of int, optional
        Exact program numbers (0-127) instead of ``families`` and
        ``programs_per_family``.
    pitches : sequence of int, keyword-only
        MIDI note numbers (60 is middle C). A SoundFont plays every key,
        some beyond the real instrument's range.
    velocities : sequence of int, keyword-only
        MIDI velocities 1-127.
    duration : float, keyword-only
        Seconds per clip (0.05 to 10).
    hold : float, keyword-only
        Fraction of ``duration`` the key is held (0 to 1).
    sr : int, keyword-only
        Sampling rate in Hz (8000 to 96000).
    soundfonts : optional
        None for every installed SoundFont (:func:`soundfonts`), or a list of
        names, paths or :class:`SoundFont` objects.
    cache : bool, keyword-only
        Read and write the cache (False renders every time).
    progress : bool, optional
        Show a progress bar while rendering; None: only for 200 clips or more.

    Returns
    -------
    ClipSet
        Metadata per clip: ``id`` (``"<soundfont>-p<program>-n<pitch>-v<velocity>"``),
        ``kind`` ("note"), ``family``, ``program``, ``instrument`` (the GM
        name), ``pitch``, ``velocity``, ``soundfont``, ``lineage`` (see
        :class:`SoundFont`), ``duration_s``, ``sr``.
        Clips in SoundFont, program, pitch, velocity order; silent renders
        are left out and listed in ``.skipped``.

    Raises
    ------
    ValueError
        For an unknown family, a pitch outside 0-127, etc.
    RuntimeError
        If FluidSynth is not installed.

    Examples
    --------
    >>> cs = notes(programs=[0, 40], pitches=[60], soundfonts=["TimGM6mb"], cache=False)
    >>> cs.audio.shape, cs.audio.dtype, cs.sr
    ((2, 16000), dtype('float32'), 16000)
    >>> [(m["family"], m["instrument"], m["pitch"]) for m in cs.meta]
    [('piano', 'Acoustic Grand Piano', 60), ('strings', 'Violin', 60)]
    >>> cs.meta[0]["id"]
    'TimGM6mb-p000-n060-v100'
    """
    rate = _sr(sr)
    length = _seconds(duration, "duration", low=0.05, high=10.0)
    held = _validate.finite_number(hold, "hold", "a fraction of the duration")
    if not 0.0 < held <= 1.0:
        raise ValueError(f"hold must be a fraction of the duration in (0, 1], got {hold!r}")
    fams = _families(families)
    per = _validate.positive_int(programs_per_family, "programs_per_family")
    if per > 8:
        raise ValueError(f"programs_per_family must be 1 to 8 (a GM family has 8 programs), got {per}")
    if programs is None:
        progs = tuple(p for fam in fams for p in _choose_programs(fam, per))
    else:
        progs = _whole_list(programs, "program", low=0, high=127)
    keys = _whole_list(pitches, "pitch", low=0, high=127)
    vels = _whole_list(velocities, "velocity", low=1, high=127)
    sfs = _as_soundfonts(soundfonts)
    _validate.flag(cache, "cache")
    n_samples = int(round(length * rate))
    release_at = int(round(held * length * rate))
    key = {"programs": list(progs), "pitches": list(keys), "velocities": list(vels), "n_samples": n_samples,
           "release_at": release_at, "sr": rate, "gain": _GAIN,
           "soundfonts": [{"name": sf.name, "lineage": sf.lineage, **_file_stamp(sf.path)} for sf in sfs]}

    def plan(sf: SoundFont) -> Iterator[tuple[dict, int, list]]:
        for p in progs:
            for k in keys:
                for v in vels:
                    row = {"id": f"{sf.name}-p{p:03d}-n{k:03d}-v{v:03d}", "kind": "note",
                           "family": family_of(p), "program": p, "instrument": program_name(p),
                           "pitch": k, "velocity": v, "soundfont": sf.name,
                           "lineage": sf.lineage, "duration_s": n_samples / rate, "sr": rate}
                    yield row, p, [(0, True, k, v), (release_at, False, k, v)]

    def build() -> tuple[np.ndarray, list[dict], list[dict]]:
        return _render(sfs, plan, n_jobs=len(sfs) * len(progs) * len(keys) * len(vels), n_samples=n_samples,
                       sr=rate, what="notes", silent="silent: the preset does not cover this key",
                       progress=progress)

    return _cached("notes", key, build, cache=cache, sr=rate)


# ----------------------------------------------------------------------------- phrases

_TONICS = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7,
           "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11, "Cb": 11}
_SPELLING = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def _transposed_key(key: str | None, semitones: int) -> str | None:
    """``"G major"`` moved up ``semitones``; None when the key is not written as "<tonic> <mode>"."""
    if not key:
        return None
    parts = key.split()
    if len(parts) != 2 or parts[0] not in _TONICS:
        return None
    return f"{_SPELLING[(_TONICS[parts[0]] + semitones) % 12]} {parts[1]}"


def phrases(
    *,
    corpus: str = "kinder0",
    n_phrases: int = 24,
    programs: Sequence[int] = (0, 11, 24, 46),
    tempo_range: tuple[float, float] = (70.0, 150.0),
    transpose: int = 0,
    seconds: float = 6.0,
    velocity: int = 90,
    meters: Sequence[str] | None = ("2/4", "4/4"),
    sr: int = DEFAULT_SR,
    soundfonts: Any = None,
    seed: int = 0,
    cache: bool = True,
    progress: bool | None = None,
) -> ClipSet:
    """The openings of corpus melodies, played at a stated tempo and key: clips with tempo tags.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    ``n_phrases`` melodies are drawn (with ``seed``) from the corpus, each
    gets a whole-number tempo drawn from ``tempo_range`` (quarter notes per
    minute), and its notes that start within the first ``seconds`` are played
    by every program in every SoundFont, each note released at 90 % of its
    length so that repeated notes start again.

    Parameters
    ----------
    corpus : str, keyword-only
        A name for ``musiclearn.corpus.melodies`` (default ``"kinder0"``).
    n_phrases : int, keyword-only
        How many melodies.
    programs : sequence of int, keyword-only
        GM programs that play each phrase (default piano, vibraphone, nylon
        guitar, harp: clear attacks).
    tempo_range : (float, float), keyword-only
        Lowest and highest tempo, in BPM.
    transpose : int, keyword-only
        Semitones to move every melody by; the ``key`` tag follows.
    seconds : float, keyword-only
        Length of each clip.
    velocity : int, keyword-only
        MIDI velocity of every note.
    meters : sequence of str or None, keyword-only
        Only melodies in these time signatures (None: any). The default keeps
        2/4 and 4/4, whose beat is the quarter note the tempo counts.
    sr : int, keyword-only
        Sampling rate in Hz.
    soundfonts : optional
        As in :func:`notes`.
    seed : int, keyword-only
        Which melodies and tempi.
    cache, progress :
        As in :func:`notes`.

    Returns
    -------
    ClipSet
        Metadata per clip: ``id`` (``"<soundfont>-p<program>-<tune>-<bpm>bpm"``),
        ``kind`` ("phrase"), ``family``, ``program``, ``instrument``,
        ``soundfont``, ``lineage``, ``tune`` (corpus source, e.g. ``"kinder0:7"``),
        ``title``, ``tempo`` (BPM), ``key``, ``time_signature``,
        ``transpose``, ``n_notes``, ``pitch`` (the median pitch),
        ``velocity``, ``duration_s``, ``sr``.

    Examples
    --------
    >>> cs = phrases(n_phrases=1, programs=[0], soundfonts=["TimGM6mb"], seconds=2.0, cache=False)
    >>> cs.audio.shape, cs.meta[0]["tempo"] >= 70, cs.meta[0]["tune"].startswith("kinder0:")
    ((1, 32000), True, True)
    """
    from . import corpus as corpus_module

    rate = _sr(sr)
    length = _seconds(seconds, "seconds", low=0.5, high=60.0)
    count = _validate.positive_int(n_phrases, "n_phrases")
    progs = _whole_list(programs, "program", low=0, high=127)
    vel = _validate.whole_number(velocity, "velocity", low=1, high=127)
    shift = _validate.whole_number(transpose, "transpose", low=-24, high=24)
    try:
        slow, fast = (float(t) for t in tempo_range)
    except (TypeError, ValueError):
        raise ValueError(f"tempo_range must be (lowest, highest) in BPM, e.g. (70, 150), got {tempo_range!r}") from None
    if not (math.isfinite(slow) and math.isfinite(fast) and 20 <= slow <= fast <= 400):
        raise ValueError(f"tempo_range must be (lowest, highest) BPM with 20 <= lowest <= highest <= 400, "
                         f"got {tempo_range!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    sfs = _as_soundfonts(soundfonts)
    _validate.flag(cache, "cache")
    tunes = corpus_module.melodies(corpus)
    if meters is not None:
        allowed = set(meters)
        tunes = [t for t in tunes if t.time_signature in allowed]
    tunes = [t for t in tunes if len(t) >= 8]
    if len(tunes) < count:
        raise ValueError(f"corpus {corpus!r} has only {len(tunes)} melodies of at least 8 notes in meters "
                         f"{meters}; ask for fewer phrases or allow more meters (meters=None)")
    rng = np.random.default_rng(int(seed))
    chosen = sorted(rng.choice(len(tunes), size=count, replace=False).tolist())
    tempi = rng.integers(int(math.ceil(slow)), int(math.floor(fast)) + 1, size=count).tolist()
    n_samples = int(round(length * rate))
    plans = []
    for index, bpm in zip(chosen, tempi):
        tune = tunes[index]
        beat = 60.0 / bpm
        events, played = [], []
        for note in tune:
            start = note.offset * beat
            if start > length - 0.1:
                break
            pitch = min(127, max(0, note.pitch + shift))
            on = int(round(start * rate))
            off = int(round((note.offset + 0.9 * note.duration) * beat * rate))
            events += [(on, True, pitch, vel), (min(off, n_samples), False, pitch, vel)]
            played.append(pitch)
        plans.append((tune, int(bpm), events, played))
    key = {"corpus": corpus, "tunes": [p[0].source for p in plans], "tempi": [p[1] for p in plans],
           "programs": list(progs), "transpose": shift, "velocity": vel, "n_samples": n_samples, "sr": rate,
           "gain": _GAIN,
           "soundfonts": [{"name": sf.name, "lineage": sf.lineage, **_file_stamp(sf.path)} for sf in sfs]}

    def plan(sf: SoundFont) -> Iterator[tuple[dict, int, list]]:
        for p in progs:
            for tune, bpm, events, played in plans:
                row = {"id": f"{sf.name}-p{p:03d}-{tune.source.replace(':', '_')}-{bpm}bpm",
                       "kind": "phrase", "family": family_of(p), "program": p,
                       "instrument": program_name(p), "soundfont": sf.name,
                       "lineage": sf.lineage, "tune": tune.source,
                       "title": tune.title, "tempo": float(bpm),
                       "key": _transposed_key(tune.key, shift), "time_signature": tune.time_signature,
                       "transpose": shift, "n_notes": len(played),
                       "pitch": int(np.median(played)), "velocity": vel,
                       "duration_s": n_samples / rate, "sr": rate}
                yield row, p, events

    def build() -> tuple[np.ndarray, list[dict], list[dict]]:
        return _render(sfs, plan, n_jobs=len(sfs) * len(progs) * len(plans), n_samples=n_samples, sr=rate,
                       what="phrases", silent="silent: the SoundFont cannot play it", progress=progress)

    return _cached("phrases", key, build, cache=cache, sr=rate)


# ----------------------------------------------------------------------------- drum kits

_DRUMKIT_ROOTS = ("/usr/share/hydrogen/data/drumkits",)
_AUDIO_SUFFIXES = (".wav", ".flac", ".aif", ".aiff", ".ogg")
# Words in an instrument's name -> a drum category (first match wins, so "hat" before "tom").
_DRUM_WORDS = (
    ("kick", ("kick", "bass drum", "bassdrum", "bd")),
    ("snare", ("snare", "rim", "sd")),
    ("hihat", ("hat", "hh", "hi-hat", "hihat")),
    ("cymbal", ("cymbal", "crash", "ride", "china", "splash", "cym")),
    ("tom", ("tom",)),
    ("clap", ("clap",)),
)


@dataclass(frozen=True)
class DrumKit:
    """A Hydrogen drum kit: its folder, author, licence and sample files.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    name : str
    path : pathlib.Path
        The kit's folder (holding ``drumkit.xml``).
    author : str
    licence : str
        As written in ``drumkit.xml``, or a note that it states none.
    samples : tuple of (str, str)
        ``(instrument name, file name)`` for every layer of every instrument.
    """

    name: str
    path: Path
    author: str
    licence: str
    samples: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DrumKits:
    """The Hydrogen drum kits found, and a notice for notebooks.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Attributes
    ----------
    found : tuple of DrumKit
        Iterate over the object directly.
    notice : str
    """

    found: tuple[DrumKit, ...]
    notice: str = ""

    def __iter__(self) -> Iterator[DrumKit]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    @property
    def names(self) -> tuple[str, ...]:
        """The kit names."""
        return tuple(kit.name for kit in self.found)


def _xml_text(element: Any, tag: str) -> str:
    for child in element:
        if child.tag.rsplit("}", 1)[-1] == tag:
            return (child.text or "").strip()
    return ""


def _read_drumkit(folder: Path) -> DrumKit:
    import xml.etree.ElementTree as ET

    xml_path = folder / "drumkit.xml"
    try:
        root = ET.parse(xml_path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise DataError(f"cannot read the kit description ({type(exc).__name__}: {exc})", xml_path) from None
    samples = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "instrument":
            continue
        name = _xml_text(element, "name")
        for layer in element.iter():
            if layer.tag.rsplit("}", 1)[-1] == "layer":
                filename = _xml_text(layer, "filename")
                if filename:
                    samples.append((name, filename))
        filename = _xml_text(element, "filename")  # old kits: one file per instrument, no layers
        if filename and (name, filename) not in samples:
            samples.append((name, filename))
    licence = _xml_text(root, "license") or ("not stated in drumkit.xml (Debian's "
                                             "/usr/share/doc/hydrogen-drumkits/copyright gives it)")
    return DrumKit(_xml_text(root, "name") or folder.name, folder, _xml_text(root, "author") or "unknown",
                   licence, tuple(samples))


@functools.lru_cache(maxsize=4)
def _discover_kits(roots: tuple[str, ...]) -> DrumKits:
    kits = []
    for root in roots:
        base = Path(root)
        if base.is_dir():
            kits += [_read_drumkit(f) for f in sorted(base.iterdir()) if (f / "drumkit.xml").is_file()]
    if not kits:
        return DrumKits((), "No Hydrogen drum kits found (install them with: sudo apt-get install "
                            "hydrogen-drumkits); the checks on real recordings are skipped.")
    n = sum(len(k.samples) for k in kits)
    return DrumKits(tuple(kits), f"{len(kits)} Hydrogen drum kits with {n} samples found in {roots[0]}.")


def drumkits(*, roots: Sequence[os.PathLike[str] | str] | None = None) -> DrumKits:
    """The Hydrogen drum kits installed (Debian/Ubuntu ``hydrogen-drumkits``), with licences.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Parameters
    ----------
    roots : sequence of path, optional
        Folders holding one sub-folder per kit; default
        ``/usr/share/hydrogen/data/drumkits``.

    Returns
    -------
    DrumKits
        Possibly empty, with a ``.notice`` saying how to install them.

    Examples
    --------
    >>> kits = drumkits(roots=["/nonexistent"])
    >>> len(kits), "hydrogen-drumkits" in kits.notice
    (0, True)
    """
    folders = _DRUMKIT_ROOTS if roots is None else tuple(str(Path(r)) for r in roots)
    return _discover_kits(folders)


def _drum_category(name: str) -> str:
    words = name.lower().replace("_", " ").replace("-", " ")
    tokens = set(words.split())
    for category, keys in _DRUM_WORDS:
        for k in keys:
            if (len(k) <= 3 and k in tokens) or (len(k) > 3 and k in words):
                return category
    return "other"


def _read_sample(path: Path, sr: int, n_samples: int) -> tuple[np.ndarray, int, int]:
    import soundfile

    if not path.is_file():
        raise AudioError("is listed in drumkit.xml but missing from the kit's folder", path)
    try:
        data, orig_sr = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises several kinds
        raise AudioError(f"cannot be read as audio ({type(exc).__name__}: {exc})", path) from None
    channels = data.shape[1]
    mono = data.mean(axis=1)
    # Only what fits in the clip is resampled (plus a margin for the filter).
    mono = mono[: int(math.ceil(n_samples * orig_sr / sr)) + 64]
    if orig_sr != sr and len(mono):
        from .audio import resample

        mono = resample(mono, orig_sr=int(orig_sr), target_sr=sr)
    out = np.zeros(n_samples, np.float32)
    out[: min(n_samples, len(mono))] = mono[:n_samples]
    return out, int(orig_sr), channels


def drums(
    *,
    kits: Sequence[str] | None = None,
    duration: float = 1.0,
    sr: int = DEFAULT_SR,
    max_per_kit: int | None = None,
    roots: Sequence[os.PathLike[str] | str] | None = None,
    cache: bool = True,
    progress: bool | None = None,
) -> ClipSet:
    """The one-shot samples of the installed Hydrogen drum kits, as a clip set.

    Notebook: ``13_audio_data_hygiene.ipynb``.

    Each sample file is read, mixed to mono, resampled to ``sr`` and cut or
    padded with zeros to ``duration`` seconds. Nothing is cleaned: these are
    real recordings, as their authors published them.

    Parameters
    ----------
    kits : sequence of str, optional
        Kit names (see :func:`drumkits`); default all.
    duration : float, keyword-only
        Seconds per clip.
    sr : int, keyword-only
        Sampling rate in Hz.
    max_per_kit : int, optional
        At most this many samples per kit (the first ones in ``drumkit.xml``).
    roots : optional
        As in :func:`drumkits`.
    cache, progress :
        As in :func:`notes`.

    Returns
    -------
    ClipSet
        Metadata per clip: ``id`` (``"<kit>/<file>"``), ``kind`` ("drum"),
        ``kit``, ``instrument`` (its name in the kit), ``category`` (kick,
        snare, hihat, cymbal, tom, clap or other, guessed from the name),
        ``file``, ``licence``, ``author``, ``orig_sr``, ``channels``,
        ``orig_duration_s``, ``duration_s``, ``sr``. Files that cannot be read
        are listed in ``.skipped``. Empty (0 clips) when no kit is installed.

    Examples
    --------
    >>> drums(roots=["/nonexistent"]).audio.shape
    (0, 16000)
    """
    import soundfile

    rate = _validate.sample_rate(sr, whole=True)
    length = _seconds(duration, "duration", low=0.05, high=10.0)
    if max_per_kit is not None:
        max_per_kit = _validate.positive_int(max_per_kit, "max_per_kit")
    found = drumkits(roots=roots)
    if kits is not None:
        wanted = [kits] if isinstance(kits, str) else list(kits)
        unknown = [k for k in wanted if k not in found.names]
        if unknown:
            raise ValueError(f"no drum kit named {unknown}; installed: {list(found.names)}")
        chosen = [k for k in found if k.name in wanted]
    else:
        chosen = list(found)
    n_samples = int(round(length * rate))
    files = []
    for kit in chosen:
        seen: set[str] = set()
        entries = [(name, f) for name, f in kit.samples if not (f in seen or seen.add(f))]
        for name, filename in entries[:max_per_kit]:
            files.append((kit, name, kit.path / filename))
    if not files:
        return ClipSet(np.zeros((0, n_samples), np.float32), [], rate, [], {"notice": found.notice})
    key = {"files": [_file_stamp(f) if f.exists() else {"path": str(f)} for _, _, f in files],
           "n_samples": n_samples, "sr": rate}

    def build() -> tuple[np.ndarray, list[dict], list[dict]]:
        audio = np.zeros((len(files), n_samples), np.int16)
        meta: list[dict] = []
        skipped: list[dict] = []
        bar = _progress(len(files), "reading drum samples", progress)
        try:
            for kit, name, path in files:
                row = {"id": f"{kit.name}/{path.name}", "kind": "drum", "kit": kit.name, "instrument": name,
                       "category": _drum_category(name), "file": str(path), "licence": kit.licence,
                       "author": kit.author, "duration_s": n_samples / rate, "sr": rate}
                try:
                    y, orig_sr, channels = _read_sample(path, rate, n_samples)
                    row.update(orig_sr=orig_sr, channels=channels,
                               orig_duration_s=round(soundfile.info(str(path)).duration, 4))
                except (AudioError, FileNotFoundError) as exc:
                    skipped.append({**row, "reason": str(exc)})
                else:
                    audio[len(meta)] = _to_int16(y)
                    meta.append(row)
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        return audio[: len(meta)], meta, skipped

    result = _cached("drums", key, build, cache=cache, sr=rate)
    result.info["notice"] = found.notice
    return result
