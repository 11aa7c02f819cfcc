"""Hearing MIDI: ``render`` with FluidSynth and a General MIDI SoundFont, or sine waves without them.

Notebook: ``07_midi_as_data.ipynb`` (``00_welcome.ipynb`` and ``01_sound_as_numbers.ipynb``
play melodies with it).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import _validate, audio
from ._files import _check_pretty_midi, _detail

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi

__all__ = ["render", "real_instruments_available", "SineFallbackWarning", "INSTALL_HINT"]

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
    """MIDI is being rendered with sine waves because FluidSynth is unavailable.

    Notebook: ``07_midi_as_data.ipynb``.
    """


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

    Notebook: ``07_midi_as_data.ipynb``.

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
    rate = _validate.sample_rate(sr, whole=True)
    if not any(instrument.notes for instrument in pm.instruments):
        return np.zeros(0, dtype=np.float32)

    y: np.ndarray | None = None
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
                y = audio.resample(y, orig_sr=synth_sr, target_sr=rate)
    if y is None:
        _notice_sine_fallback(reason)
        y = _sines(pm, rate)

    y = np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0)
    if normalize:
        y = audio.normalize(y)
    return np.ascontiguousarray(y, dtype=np.float32)
