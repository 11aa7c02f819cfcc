"""Audio files and arrays: load, save, normalize, resample and listen.

Notebook: ``01_sound_as_numbers.ipynb`` teaches this module — a sound file is
just a list of numbers (samples) plus a sampling rate, and this module turns
one into the other and back.

Conventions (as in librosa): samples are floating point in [-1, 1]; a mono
signal has shape ``(n,)`` and a multichannel one ``(channels, n)``; ``sr`` is
the sampling rate in Hz (samples per second per channel).

soundfile, librosa and IPython are imported inside the functions that need
them, so ``import musiclearn.audio`` stays light.
"""

from __future__ import annotations

import io
import math
import numbers
import os
import struct
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import _validate
from ._cache import atomic_write_bytes
from ._types import PathLike
from .errors import AudioError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from IPython.display import Audio

__all__ = ["load", "save", "normalize", "normalise", "resample", "play", "to_mono", "SAVE_FORMATS"]

#: File extensions :func:`save` understands, and the soundfile format each one means.
SAVE_FORMATS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}

# Subtypes that store floating point, so values beyond [-1, 1] survive a save.
_FLOAT_SUBTYPES = frozenset({"FLOAT", "DOUBLE"})

# Integer subtypes and their bits per sample; save() quantises these itself.
_INT_SUBTYPES = {"PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32}

# A WAV ``data`` chunk this size means "unknown length" (streamed WAVs, RF64).
_WAV_UNKNOWN_SIZE = 0xFFFFFFFF


def _as_signal(y: object, *, allow_empty: bool = False) -> np.ndarray:
    """Audio samples: real numbers, shape (n,) or (channels, n), finite."""
    return _validate.signal(y, "y", ndim=(1, 2), allow_empty=allow_empty, channels_first=True)


def resample(y: np.ndarray, *, orig_sr: int, target_sr: int) -> np.ndarray:
    """Change the sampling rate of ``y`` with librosa's default resampler (soxr, high quality).

    Notebook: ``01_sound_as_numbers.ipynb`` (what a sampling rate is).

    Parameters
    ----------
    y : np.ndarray
        Samples, shape ``(n,)`` or ``(channels, n)``; the last axis is time.
    orig_sr : int
        The sampling rate of ``y`` in Hz.
    target_sr : int
        The sampling rate wanted, in Hz.

    Returns
    -------
    np.ndarray
        About ``n * target_sr / orig_sr`` samples per channel, the same as
        ``librosa.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")``.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio import resample
    >>> resample(np.zeros(8000, np.float32), orig_sr=8000, target_sr=16000).shape
    (16000,)
    """
    orig = _validate.sample_rate(orig_sr, name="orig_sr", whole=True)
    target = _validate.sample_rate(target_sr, name="target_sr", whole=True)
    arr = _as_signal(y)
    import librosa

    return librosa.resample(arr, orig_sr=orig, target_sr=target, res_type="soxr_hq", axis=-1)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

def _wav_data_sizes(path: Path) -> tuple[int, int, int] | None:
    """For a RIFF/RIFX WAV file: (declared data bytes, bytes present, file size).

    libsndfile quietly reads a truncated WAV as a shorter sound, so the header
    is checked by hand. Returns None when the file is not a plain RIFF WAV or
    its ``data`` chunk declares no usable size (streamed files).
    """
    file_size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RIFX"):
            return None
        fmt = "<4sI" if head[:4] == b"RIFF" else ">4sI"
        pos = 12
        while pos + 8 <= file_size:
            handle.seek(pos)
            chunk_id, size = struct.unpack(fmt, handle.read(8))
            if chunk_id == b"data":
                if size in (0, _WAV_UNKNOWN_SIZE):
                    return None
                return size, file_size - (pos + 8), file_size
            pos += 8 + size + (size & 1)
    return None


def _open_error(path: Path, exc: Exception) -> AudioError:
    detail = str(exc).split(": ", 1)[-1].strip() or type(exc).__name__
    if "not recognised" in detail.lower() or "unknown format" in detail.lower():
        problem = ("not an audio file that soundfile can read (WAV, FLAC, OGG/Vorbis, MP3, AIFF...); "
                   "it may be another kind of file with an audio extension")
    else:
        problem = "could not be opened as audio; the file is corrupt, truncated or not audio"
    return AudioError(f"{problem} (libsndfile says: {detail})", path)


def _check_seconds(value: object, name: str, path: Path, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise AudioError(f"{name} must be a finite number of seconds, got {value!r}", path)
    seconds = float(value)
    if seconds < 0 or (seconds == 0 and not allow_zero):
        need = "zero or positive" if allow_zero else "positive"
        raise AudioError(f"{name} must be {need} (in seconds), got {value!r}", path)
    return seconds


def load(
    path: PathLike,
    *,
    sr: int | None = None,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
) -> tuple[np.ndarray, int]:
    """Read an audio file into a float32 array of samples.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    path : str or os.PathLike
        A WAV (8/16/24/32-bit integer or 32/64-bit float), FLAC, OGG/Vorbis
        or any other format libsndfile reads (MP3 with libsndfile >= 1.1).
    sr : int, optional
        Sampling rate in Hz to return. ``None`` (default) keeps the file's own
        rate; any other value resamples with soxr (librosa's ``"soxr_hq"``).
    mono : bool, default True
        Average all channels into one. With ``mono=False`` a multichannel file
        gives shape ``(channels, n)``; a mono file is always ``(n,)``.
    offset : float, default 0.0
        Start reading this many seconds into the file (rounded to the nearest
        sample at the file's rate).
    duration : float, optional
        Read at most this many seconds (rounded to the nearest sample). ``None``
        reads to the end; a duration past the end returns what is there.

    Returns
    -------
    y : np.ndarray, float32
        Samples, shape ``(n,)`` or ``(channels, n)``. Integer files give values
        in [-1, 1); float files are returned as stored (they may exceed 1), and
        resampling can overshoot ±1 very slightly near full-scale transients.
    sr : int
        The sampling rate of ``y`` in Hz.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    musiclearn.errors.AudioError
        The path is a directory; the file is empty, truncated, corrupt or not
        audio; it holds no samples or NaN/infinite ones; ``offset`` is past the
        end; ``offset``, ``duration`` or ``sr`` are invalid. The message starts
        with the path.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import audio
    >>> audio.save("/tmp/a440.wav", 0.5 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000), sr=8000)
    PosixPath('/tmp/a440.wav')
    >>> y, sr = audio.load("/tmp/a440.wav", sr=16000, offset=0.25, duration=0.5)
    >>> y.dtype, y.shape, sr
    (dtype('float32'), (8000,), 16000)
    """
    p = _validate.existing_file(path, AudioError)
    if sr is not None:
        try:
            target_sr: int | None = _validate.sample_rate(sr, whole=True)
        except ValueError as exc:
            raise AudioError(str(exc), p) from None
    else:
        target_sr = None
    if not isinstance(mono, (bool, np.bool_)):
        raise AudioError(f"mono must be True or False, got {mono!r}", p)
    start_s = _check_seconds(offset, "offset", p, allow_zero=True)
    dur_s = None if duration is None else _check_seconds(duration, "duration", p, allow_zero=False)

    import soundfile as sf

    try:
        handle = sf.SoundFile(str(p))
    except Exception as exc:  # libsndfile raises for anything it cannot parse
        raise _open_error(p, exc) from None

    with handle:
        native_sr = int(handle.samplerate)
        total = int(handle.frames)
        channels = int(handle.channels)
        container = handle.format

        if native_sr <= 0 or channels <= 0:
            raise AudioError(f"the header is corrupt: {channels} channel(s) at {native_sr} Hz", p)
        if total <= 0:
            raise AudioError("contains no audio samples (0 frames); nothing was recorded or written", p)

        if container in ("WAV", "WAVEX"):
            sizes = _wav_data_sizes(p)
            if sizes is not None and sizes[1] < sizes[0]:
                declared, present, _ = sizes
                raise AudioError(
                    f"the file is truncated: its header declares {declared} bytes of audio but only "
                    f"{present} are present ({present / max(declared, 1):.0%}); the download or copy "
                    "was probably interrupted, so get the file again",
                    p,
                )

        start = int(round(start_s * native_sr))
        length_s = total / native_sr
        if start >= total:
            raise AudioError(
                f"offset {start_s:g} s is at or beyond the end of the audio, which is {length_s:.6g} s long; "
                "use a smaller offset",
                p,
            )
        frames = total - start
        if dur_s is not None:
            frames = min(frames, int(round(dur_s * native_sr)))
            if frames == 0:
                raise AudioError(
                    f"duration {dur_s:g} s is shorter than one sample at {native_sr} Hz; use a longer duration",
                    p,
                )

        try:
            if start:
                handle.seek(start)
            data = handle.read(frames, dtype="float32", always_2d=True)
        except Exception as exc:
            detail = str(exc).strip() or type(exc).__name__
            raise AudioError(
                f"could not be decoded after the header; the file is probably truncated or corrupt "
                f"(libsndfile says: {detail})",
                p,
            ) from None

    # An MP3's frame count can be an estimate (from a Xing header or the bit
    # rate), so a short read there is not evidence of truncation.
    if data.shape[0] < frames and not (container == "MP3" and data.shape[0] > 0):
        raise AudioError(
            f"the file is truncated: its header promises {frames} frames from offset {start_s:g} s "
            f"but only {data.shape[0]} could be read; get the file again",
            p,
        )
    finite = np.isfinite(data)
    if not finite.all():
        first = int(np.flatnonzero(~finite.all(axis=1))[0])
        raise AudioError(
            f"contains NaN or infinite sample values (first at sample {start + first}); "
            "the file is corrupt or was written from unchecked float data",
            p,
        )

    y = data.T  # (channels, n), librosa's layout
    if mono or channels == 1:
        y = y.mean(axis=0, dtype=np.float32) if channels > 1 else y[0]

    out_sr = native_sr
    if target_sr is not None and target_sr != native_sr:
        y = resample(y, orig_sr=native_sr, target_sr=target_sr)
        out_sr = target_sr
    return np.ascontiguousarray(y, dtype=np.float32), out_sr


# ---------------------------------------------------------------------------
# Writing and arrays
# ---------------------------------------------------------------------------

def _quantise(y: np.ndarray, bits: int) -> np.ndarray:
    """Round samples to the nearest of 2**bits levels, as integers soundfile stores unscaled.

    libsndfile's own float-to-integer conversion rounds towards minus
    infinity (an error of up to one step); rounding here halves that.
    Samples are returned left-aligned in int16 (<= 16 bits) or int32, which
    is how libsndfile expects integer data for smaller sample sizes.
    """
    scale = 2.0 ** (bits - 1)
    levels = np.clip(np.round(y.astype(np.float64) * scale), -scale, scale - 1).astype(np.int64)
    if bits <= 16:
        return (levels << (16 - bits)).astype(np.int16)
    return (levels << (32 - bits)).astype(np.int32)


def save(path: PathLike, y: np.ndarray, *, sr: int, subtype: str | None = None) -> Path:
    """Write samples to a WAV, FLAC or OGG/Vorbis file, atomically.

    Notebook: ``01_sound_as_numbers.ipynb``.

    The format follows the extension (``.wav``, ``.flac``, ``.ogg``). The file
    is written to a temporary name next to ``path`` and renamed over it, so a
    reader never sees half a file and a failed save leaves the old one intact.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; missing parent folders are created.
    y : np.ndarray
        Float samples in [-1, 1], shape ``(n,)`` or ``(channels, n)``.
    sr : int
        Sampling rate in Hz.
    subtype : str, optional
        soundfile subtype, e.g. ``"PCM_16"`` (default for WAV and FLAC),
        ``"PCM_24"``, ``"PCM_U8"``, ``"FLOAT"``, ``"VORBIS"`` (default for
        OGG). Integer subtypes round each sample to the nearest of 2**bits
        levels (step ``2 / 2**bits``; +1.0 becomes the top level, ``1 - step``).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        Unknown extension or subtype; ``y`` empty, not 1-D/2-D, not float,
        non-finite, or (for non-float subtypes) beyond ±1, which would clip;
        ``sr`` not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import audio
    >>> t = np.arange(22050) / 22050
    >>> audio.save("/tmp/tone.flac", 0.3 * np.sin(2 * np.pi * 220 * t), sr=22050)
    PosixPath('/tmp/tone.flac')
    """
    target = Path(os.fsdecode(path) if isinstance(path, bytes) else path)
    ext = target.suffix.lower()
    if ext not in SAVE_FORMATS:
        raise ValueError(
            f"cannot tell the audio format of {target.name!r} from its extension; "
            f"use one of {', '.join(sorted(SAVE_FORMATS))}"
        )
    fmt = SAVE_FORMATS[ext]
    rate = _validate.sample_rate(sr, whole=True)
    arr = _as_signal(y)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(
            f"y has integer dtype {arr.dtype}; musiclearn saves float samples in [-1, 1], "
            "so convert first, e.g. y / 32768 for int16 samples"
        )

    import soundfile as sf

    if subtype is None:
        subtype = sf.default_subtype(fmt)
    if not isinstance(subtype, str) or not sf.check_format(fmt, subtype.upper()):
        options = ", ".join(sorted(sf.available_subtypes(fmt)))
        raise ValueError(f"subtype {subtype!r} cannot be stored in a {fmt} file; choose one of: {options}")
    subtype = subtype.upper()
    peak = float(np.max(np.abs(arr)))
    if subtype not in _FLOAT_SUBTYPES and peak > 1.0:
        raise ValueError(
            f"y peaks at {peak:.3g}, beyond the range [-1, 1] that a {subtype} file can hold, so it would clip; "
            "call musiclearn.audio.normalize(y) first, or save with subtype='FLOAT'"
        )

    frames = _quantise(arr, _INT_SUBTYPES[subtype]) if subtype in _INT_SUBTYPES else arr
    if frames.ndim == 2:
        frames = frames.T  # soundfile wants (n, channels)
    buffer = io.BytesIO()
    try:
        sf.write(buffer, frames, rate, subtype=subtype, format=fmt)
    except Exception as exc:
        raise ValueError(
            f"soundfile could not encode {target.name!r} as {fmt}/{subtype} at {rate} Hz "
            f"({str(exc).strip() or type(exc).__name__}); try another sampling rate or subtype"
        ) from None
    return atomic_write_bytes(target, buffer.getvalue())


def normalize(y: np.ndarray, *, peak: float = 1.0) -> np.ndarray:
    """Scale ``y`` so that its largest absolute sample equals ``peak``.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Silence (all zeros) stays silence, and an empty array stays empty. The
    spelling is librosa's and NumPy's (``normalize``); the British
    :func:`normalise` still works but is deprecated.

    Parameters
    ----------
    y : np.ndarray
        Samples, any number of axes.
    peak : float, default 1.0
        Target peak amplitude (linear, 1.0 = full scale), greater than 0.

    Returns
    -------
    np.ndarray
        A scaled copy; float input keeps its dtype, integer input becomes float32.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio import normalize
    >>> normalize(np.array([0.1, -0.2, 0.05]), peak=0.5)
    array([ 0.25 , -0.5  ,  0.125])
    """
    arr = _validate.signal(y, "y", allow_empty=True)
    if isinstance(peak, bool) or not isinstance(peak, numbers.Real) or not math.isfinite(peak) or peak <= 0:
        raise ValueError(f"peak must be a positive finite number such as 1.0, got {peak!r}")
    return _scaled_to_peak(arr, float(peak))


def _scaled_to_peak(arr: np.ndarray, peak: float) -> np.ndarray:
    """A float copy of checked samples with its largest absolute value at ``peak`` (silence stays silent)."""
    out = arr.astype(arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float32, copy=True)
    current = float(np.max(np.abs(out))) if out.size else 0.0
    if current > 0.0:
        # Divide first: peak / current overflows to inf for a subnormal peak such as 1e-311.
        out /= out.dtype.type(current)
        out *= out.dtype.type(peak)
    return out


def normalise(y: np.ndarray, *, peak: float = 1.0) -> np.ndarray:
    """Deprecated British spelling of :func:`normalize` (same arguments, same result).

    Notebook: ``01_sound_as_numbers.ipynb``.

    Examples
    --------
    >>> import numpy as np, warnings
    >>> from musiclearn.audio import normalise
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     normalise(np.array([0.5, -1.0]), peak=0.5)
    array([ 0.25, -0.5 ])
    """
    warnings.warn("musiclearn.audio.normalise is deprecated; use musiclearn.audio.normalize (the same function)",
                  DeprecationWarning, stacklevel=2)
    return normalize(y, peak=peak)


def to_mono(y: np.ndarray) -> np.ndarray:
    """Average the channels of ``(channels, n)`` audio into ``(n,)``.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    y : np.ndarray
        Shape ``(n,)`` (returned unchanged, as float) or ``(channels, n)``.

    Returns
    -------
    np.ndarray
        Shape ``(n,)``; float input keeps its dtype, integer input becomes float32.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio import to_mono
    >>> to_mono(np.array([[1.0, 0.0], [0.0, 1.0]]))
    array([0.5, 0.5])
    """
    arr = _as_signal(y, allow_empty=True)
    dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float32
    if arr.ndim == 1:
        return arr.astype(dtype, copy=True)
    return arr.mean(axis=0, dtype=dtype)


def play(y: np.ndarray, *, sr: int, normalize: bool = True) -> "Audio":
    """An audio player for a notebook (it does not start by itself).

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    y : np.ndarray
        Samples, shape ``(n,)`` or ``(channels, n)``.
    sr : int
        Sampling rate in Hz.
    normalize : bool, default True
        Scale so the loudest sample is at full volume. With ``False`` the
        samples must lie in [-1, 1] and are played at their true level —
        use it to hear differences in loudness.

    Returns
    -------
    IPython.display.Audio
        Display it (last line of a cell) to get a player, with ``autoplay=False``.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import audio
    >>> sr = 22050
    >>> player = audio.play(0.2 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr), sr=sr)
    >>> player.autoplay
    False
    """
    rate = _validate.sample_rate(sr, whole=True)
    arr = _as_signal(y).astype(np.float64)
    if normalize:
        arr = _scaled_to_peak(arr, 1.0)
    else:
        peak = float(np.max(np.abs(arr)))
        if peak > 1.0:
            raise ValueError(
                f"y peaks at {peak:.3g}, beyond [-1, 1]; pass normalize=True, or scale y down "
                "(musiclearn.audio.normalize(y, peak=0.9)) to play it at a chosen level"
            )
    from IPython.display import Audio

    # Scaling happened above; IPython's own normalisation divides silence by zero.
    return Audio(data=arr, rate=rate, autoplay=False, normalize=False)
