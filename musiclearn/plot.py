"""Small, labelled plots for the course: waveforms, spectra, spectrograms.

Every helper draws one idea on one pair of axes and returns ``(fig, ax)``.
Pass ``ax=`` to draw into an axes you already have (e.g. one panel of
``plt.subplots(1, 2)``); leave it out and a small figure is created. Every
axis carries its unit (s, Hz, dB, bins) and every colour image a colour bar.
Nothing calls ``plt.show()``: in a notebook the figure appears at the end of
the cell, in a script call ``plt.show()`` or ``fig.savefig(...)`` yourself.

Notebooks: ``01_sound_as_numbers.ipynb`` (waveform, stem_samples),
``02_frames_and_windows.ipynb`` (window_response), ``03_fourier_transform.ipynb``
(spectrum), ``04_stft_and_spectrograms.ipynb`` (spectrogram),
``05_mel_scale.ipynb`` (filterbank), ``06_mfcc.ipynb`` (coefficients),
``07_midi_as_data.ipynb`` (piano_roll), ``08_from_scores_to_tokens.ipynb`` and
``11_generation_and_memorization.ipynb`` (melody), ``09_baselines_and_training_loop.ipynb``
(loss_curves), ``14_spectrograms_as_images.ipynb`` (confusion_matrix, learning_curves).

matplotlib is imported inside the functions, so ``import musiclearn.plot``
costs nothing until you draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import _validate
from .fourier import amplitude_spectrum
from .mel import hz_to_mel

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "waveform",
    "stem_samples",
    "spectrum",
    "window_response",
    "spectrogram",
    "filterbank",
    "coefficients",
    "melody",
    "piano_roll",
    "loss_curves",
    "confusion_matrix",
    "learning_curves",
]

ArrayLike = np.ndarray | Sequence[float]

#: Default size of a new figure, in inches: wide and short, one idea per figure.
FIGSIZE = (7.0, 2.5)
#: Floor for logarithms so silence shows as a very low level instead of -inf.
_AMIN = 1e-6


# ---------------------------------------------------------------- helpers


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE):
    """Return ``(fig, ax)``: the given axes and its figure, or a new small figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def _signal_1d(y: ArrayLike, name: str = "y") -> np.ndarray:
    return _validate.signal(y, name, ndim=1).astype(np.float64, copy=False)


def _matrix_2d(S: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(S)
    if np.iscomplexobj(arr):
        raise ValueError(
            f"{name} is complex (a raw STFT); pass the power np.abs({name})**2 with db=True, "
            "or a dB matrix with db=False."
        )
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix (rows x frames), got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to plot.")
    arr = arr.astype(np.float64, copy=False)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN values; fix them before plotting.")
    return arr


def _add_colorbar(fig, mappable, ax, label: str):
    cbar = fig.colorbar(mappable, ax=ax, pad=0.01)
    cbar.set_label(label)
    return cbar


def _finish(ax, title: str | None) -> None:
    if title:
        ax.set_title(title)


# ---------------------------------------------------------------- signals


def waveform(
    y: ArrayLike,
    *,
    sr: float,
    ax: Axes | None = None,
    title: str | None = None,
    max_points: int = 20000,
    label: str | None = None,
    offset: float = 0.0,
) -> tuple["Figure", "Axes"]:
    """Plot a signal against time.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Long signals are drawn as their min/max envelope over ``max_points // 2``
    blocks, which looks the same as plotting every sample but is much faster.

    Parameters
    ----------
    y : np.ndarray, shape (n,)
        Samples (dimensionless amplitude, usually in [-1, 1]).
    sr : float
        Sampling rate in Hz; sample ``i`` is drawn at ``offset + i / sr`` seconds.
    ax : matplotlib Axes, optional
        Axes to draw into; a new 7 x 2.5 inch figure when None.
    title : str, optional
        Axes title.
    max_points : int
        Largest number of samples drawn one by one (default 20000).
    label : str, optional
        Legend label for the line.
    offset : float
        Time of the first sample in seconds (default 0).

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> sr = 8000; t = np.arange(sr // 100) / sr
    >>> fig, ax = plot.waveform(np.sin(2 * np.pi * 440 * t), sr=sr)
    >>> ax.get_xlabel()
    'Time (s)'
    """
    y = _signal_1d(y)
    sr = _validate.sample_rate(sr)
    max_points = _validate.positive_int(max_points, "max_points", unit="points")
    fig, ax = _figure_and_axes(ax)
    n = y.size
    if n > max(max_points, 2):
        blocks = max(max_points // 2, 1)
        edges = np.linspace(0, n, blocks + 1).astype(int)
        edges = np.unique(edges)
        lo = np.minimum.reduceat(y, edges[:-1])
        hi = np.maximum.reduceat(y, edges[:-1])
        t = offset + edges[:-1] / sr
        poly = ax.fill_between(t, lo, hi, linewidth=0.6, label=label)
        poly.set_edgecolor(poly.get_facecolor())
    else:
        t = offset + np.arange(n) / sr
        ax.plot(t, y, linewidth=1.0, label=label)
    ax.set_xlim(offset, offset + max(n - 1, 1) / sr)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    if label:
        ax.legend(loc="upper right")
    _finish(ax, title)
    return fig, ax


def stem_samples(
    y: ArrayLike,
    *,
    sr: float,
    ax: Axes | None = None,
    title: str | None = None,
    label: str | None = None,
    offset: float = 0.0,
) -> tuple["Figure", "Axes"]:
    """Draw individual samples as stems: the picture of *sampling*.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Parameters
    ----------
    y : np.ndarray, shape (n,)
        Samples; at most 5000 (more stems are unreadable, slice first).
    sr : float
        Sampling rate in Hz; sample ``i`` sits at ``offset + i / sr`` seconds.
    ax : matplotlib Axes, optional
        Axes to draw into (e.g. on top of a dense "continuous" curve).
    title, label : str, optional
        Axes title and legend label.
    offset : float
        Time of the first sample in seconds.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> fig, ax = plot.stem_samples(np.sin(2 * np.pi * np.arange(16) / 8), sr=8000)
    >>> ax.get_xlabel()
    'Time (s)'
    """
    y = _signal_1d(y)
    sr = _validate.sample_rate(sr)
    if y.size > 5000:
        raise ValueError(
            f"{y.size} stems would be unreadable; plot a short slice (e.g. y[:200]) or use plot.waveform."
        )
    fig, ax = _figure_and_axes(ax)
    t = offset + np.arange(y.size) / sr
    markerline, stemlines, baseline = ax.stem(t, y, basefmt=" ", label=label)
    markerline.set_markersize(4)
    stemlines.set_linewidth(1.0)
    ax.axhline(0.0, color="0.6", linewidth=0.6)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    if label:
        ax.legend(loc="upper right")
    _finish(ax, title)
    return fig, ax


# ---------------------------------------------------------------- spectra


def spectrum(
    y: ArrayLike,
    *,
    sr: float,
    n_fft: int | None = None,
    window: Any = None,
    db: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
    label: str | None = None,
    fmax: float | None = None,
    floor_db: float = -100.0,
    marker: str | None = None,
) -> tuple["Figure", "Axes"]:
    """Plot the one-sided amplitude spectrum of one frame.

    Notebook: ``03_fourier_transform.ipynb``.

    The spectrum is scaled so that a sinusoid of amplitude ``A`` lying exactly
    on a bin reads ``A`` (``20·log10(A)`` dB, so amplitude 1 reads 0 dB) with
    any window: ``2·|X[k]| / sum(window)``.

    Parameters
    ----------
    y : np.ndarray, shape (n,)
        One frame of samples.
    sr : float
        Sampling rate in Hz; the frequency axis runs from 0 to ``sr / 2`` Hz.
    n_fft : int, optional
        FFT length in samples, ``>= len(y)``; larger values zero-pad (a
        smoother curve, not more resolution). Default ``len(y)``.
    window : str or np.ndarray, optional
        ``None`` / ``"rectangular"`` (no taper), a window name such as
        ``"hann"``, or an array of ``len(y)`` weights (anything
        ``musiclearn.windows.window_samples`` reads). The numbers come from
        ``musiclearn.fourier.amplitude_spectrum``.
    db : bool
        Amplitude in dB (default) or linear.
    ax : matplotlib Axes, optional
        Axes to draw into.
    title, label : str, optional
        Axes title and legend label (several spectra can share one axes).
    fmax : float, optional
        Upper frequency limit of the plot in Hz (default ``sr / 2``).
    floor_db : float
        Lowest level shown in dB (default -100).
    marker : str, optional
        A matplotlib marker (e.g. ``"o"``) to show the individual bins.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> sr = 8000; n = 256; t = np.arange(n) / sr
    >>> fig, ax = plot.spectrum(np.sin(2 * np.pi * 1000 * t), sr=sr, window="hann")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Frequency (Hz)', 'Amplitude (dB)')
    """
    y = _signal_1d(y)
    sr = _validate.sample_rate(sr)
    freqs, amp = amplitude_spectrum(y, sr=sr, n_fft=n_fft, window=window)
    fig, ax = _figure_and_axes(ax)
    if db:
        values = 20.0 * np.log10(np.maximum(amp, _AMIN))
        ax.set_ylabel("Amplitude (dB)")
    else:
        values = amp
        ax.set_ylabel("Amplitude")
    ax.plot(freqs, values, linewidth=1.0, label=label, marker=marker, markersize=3)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_xlim(0.0, sr / 2 if fmax is None else float(fmax))
    if db:
        # fit every spectrum drawn on these axes so far, down to the floor
        levels = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.lines])
        levels = levels[np.isfinite(levels)]
        ax.set_ylim(max(floor_db, float(levels.min()) - 3.0), float(levels.max()) + 6.0)
    if label:
        ax.legend(loc="upper right")
    _finish(ax, title)
    return fig, ax


def window_response(
    w: ArrayLike,
    *,
    n_fft: int | None = None,
    ax: Axes | None = None,
    label: str | None = None,
    title: str | None = None,
    max_bins: float = 16.0,
    floor_db: float = -120.0,
) -> tuple["Figure", "Axes"]:
    """Plot a window's frequency response: main lobe and side lobes.

    Notebook: ``02_frames_and_windows.ipynb``.

    The window is zero-padded to ``n_fft`` samples, so the curve is sampled
    ``n_fft / len(w)`` times per bin (64 by default, as in
    ``musiclearn.windows.window_response``). The horizontal axis is in bins *of the
    window length* (a tone between two bins is half a bin away), the vertical
    axis in dB relative to the response at 0 Hz.

    Parameters
    ----------
    w : np.ndarray, shape (n,)
        Window samples (e.g. ``scipy.signal.get_window("hann", 64)``).
    n_fft : int, optional
        FFT length in samples, ``>= len(w)``; default ``64 * len(w)``.
    ax : matplotlib Axes, optional
        Axes to draw into; call again with the same ``ax`` and a ``label`` to
        compare windows.
    label, title : str, optional
        Legend label and axes title.
    max_bins : float
        Show offsets from ``-max_bins`` to ``+max_bins`` bins (default 16).
    floor_db : float
        Lowest level shown in dB (default -120).

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> fig, ax = plot.window_response(np.hanning(64), label="Hann")
    >>> ax.get_xlabel()
    'Frequency offset (bins)'
    """
    from .windows import window_response as response

    w = _signal_1d(w, "w")
    bins, db = response(w, n_fft=64 * w.size if n_fft is None else n_fft)
    db = np.maximum(db, floor_db)
    fig, ax = _figure_and_axes(ax)
    ax.plot(bins, db, linewidth=1.0, label=label)
    ax.set_xlim(-max_bins, max_bins)
    ax.set_ylim(floor_db, 5.0)
    ax.set_xlabel("Frequency offset (bins)")
    ax.set_ylabel("Magnitude (dB)")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    if label:
        ax.legend(loc="upper right")
    _finish(ax, title)
    return fig, ax


# ---------------------------------------------------------------- time-frequency


def spectrogram(
    S: ArrayLike,
    *,
    sr: float,
    hop_length: int,
    y_axis: str = "linear",
    fmin: float = 0.0,
    fmax: float | None = None,
    db: bool = False,
    ax: Axes | None = None,
    colorbar: bool = True,
    title: str | None = None,
    n_fft: int | None = None,
    htk: bool = False,
    top_db: float = 80.0,
    cmap: str = "magma",
) -> tuple["Figure", "Axes"]:
    """Show a spectrogram (frequency x time) as a colour image with a dB colour bar.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    S : np.ndarray, shape (n_bins or n_mels, n_frames)
        Real matrix. With ``db=False`` (default) it is taken to be in dB
        already (e.g. from ``musiclearn.stft.power_to_db``); with ``db=True``
        it is a *power* spectrogram (``|X|**2``) and is converted here to dB
        relative to its maximum, clipped ``top_db`` below it.
    sr : float
        Sampling rate in Hz.
    hop_length : int
        Samples between frames; frame ``i`` is drawn at ``i * hop_length / sr`` s.
    y_axis : {"linear", "log", "mel"}
        ``"linear"``/``"log"``: rows are FFT bins ``0 … n_fft/2`` on a linear or
        logarithmic frequency axis. ``"mel"``: rows are mel bands, drawn evenly
        spaced (as the mel scale does) with tick labels in Hz.
    fmin, fmax : float
        For ``"linear"``/``"log"``, the displayed frequency range in Hz
        (default 0 … sr/2; a log axis starts at ``max(fmin, half a bin)``). For
        ``"mel"``, the range the mel filterbank covered (same meaning as in
        ``musiclearn.mel.mel_filterbank``), used to place the Hz ticks.
    db : bool
        Convert power to dB here (True) or plot as given (False, default).
    ax : matplotlib Axes, optional
        Axes to draw into.
    colorbar : bool
        Add a colour bar labelled "dB" (default True).
    title : str, optional
        Axes title.
    n_fft : int, optional
        FFT length in samples (``"linear"``/``"log"`` only); default
        ``2 * (n_bins - 1)``. Give it for odd FFT lengths.
    htk : bool
        For ``"mel"``: the bands use the HTK mel formula (default Slaney, as librosa).
    top_db : float
        With ``db=True``, the dynamic range shown in dB (default 80).
    cmap : str
        Matplotlib colour map.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> S = np.random.default_rng(0).random((129, 40))   # power, 129 bins = n_fft 256
    >>> fig, ax = plot.spectrogram(S, sr=8000, hop_length=64, db=True)
    >>> ax.get_ylabel()
    'Frequency (Hz)'
    """
    S = _matrix_2d(S, "S")
    sr = _validate.sample_rate(sr)
    hop_length = _validate.positive_int(hop_length, "hop_length", unit="samples")
    if y_axis not in {"linear", "log", "mel"}:
        raise ValueError(f"y_axis must be 'linear', 'log' or 'mel', got {y_axis!r}.")
    nyquist = sr / 2
    if fmax is None:
        fmax = nyquist
    fmin, fmax = float(fmin), float(fmax)
    if not (0.0 <= fmin < fmax):
        raise ValueError(f"need 0 <= fmin < fmax (in Hz), got fmin={fmin}, fmax={fmax}.")
    if db:
        if np.any(S < 0):
            raise ValueError(
                "db=True expects a power spectrogram (no negative values); if S is already in dB, pass db=False."
            )
        peak = float(np.max(S))
        S = 10.0 * np.log10(np.maximum(S, 1e-10) / max(peak, 1e-10))
        S = np.maximum(S, -float(top_db))

    n_rows, n_frames = S.shape
    t_end = n_frames * hop_length / sr
    if y_axis != "mel":
        if n_fft is None:
            n_fft = 2 * (n_rows - 1)
        n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
        if n_fft // 2 + 1 != n_rows:
            raise ValueError(
                f"S has {n_rows} rows but n_fft={n_fft} gives {n_fft // 2 + 1} bins; "
                "pass the n_fft the spectrogram was computed with (or y_axis='mel' for mel bands)."
            )
    fig, ax = _figure_and_axes(ax)

    if y_axis == "mel":
        im = ax.imshow(
            S, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest",
            extent=(0.0, t_end, -0.5, n_rows - 0.5),
        )
        m0, m1 = hz_to_mel(np.array([fmin, fmax]), htk=htk)
        candidates = np.array([100, 200, 500, 1000, 2000, 4000, 8000, 16000])
        candidates = candidates[(candidates >= fmin) & (candidates <= fmax)]
        # band i is centred on the (i+1)-th of n_mels+2 mel-spaced points
        rows = (hz_to_mel(candidates.astype(np.float64), htk=htk) - m0) / (m1 - m0) * (n_rows + 1) - 1
        # keep ticks that lie inside the image and are not crowded together
        min_gap = max(n_rows / 10, 0.5)
        ticks, labels = [], []
        for row, f in zip(rows, candidates):
            if -0.5 <= row <= n_rows - 0.5 and (not ticks or row - ticks[-1] >= min_gap):
                ticks.append(float(row))
                labels.append(f"{int(f)}")
        ax.set_yticks(ticks)
        ax.set_yticklabels(labels)
        ax.set_ylabel("Frequency (Hz, mel scale)")
        mappable = im
    else:
        df = sr / n_fft
        if y_axis == "linear":
            im = ax.imshow(
                S, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest",
                extent=(0.0, t_end, -df / 2, (n_rows - 0.5) * df),
            )
            ax.set_ylim(fmin, fmax)
            mappable = im
        else:
            # log axis: drop the DC row (0 Hz has no place on a log scale)
            f_edges = (np.arange(1, n_rows + 1) - 0.5) * df
            t_edges = np.arange(n_frames + 1) * hop_length / sr
            mappable = ax.pcolormesh(t_edges, f_edges, S[1:], cmap=cmap, shading="flat", rasterized=True)
            ax.set_yscale("log")
            ax.set_ylim(max(fmin, df / 2), fmax)
        ax.set_ylabel("Frequency (Hz)")
    ax.set_xlabel("Time (s)")
    ax.set_xlim(0.0, t_end)
    if colorbar:
        _add_colorbar(fig, mappable, ax, "dB")
    _finish(ax, title)
    return fig, ax


def filterbank(
    fb: ArrayLike,
    *,
    sr: float,
    n_fft: int,
    ax: Axes | None = None,
    title: str | None = None,
    fmax: float | None = None,
) -> tuple["Figure", "Axes"]:
    """Plot every filter of a filterbank (e.g. mel triangles) over frequency.

    Notebook: ``05_mel_scale.ipynb``.

    Parameters
    ----------
    fb : np.ndarray, shape (n_filters, 1 + n_fft // 2)
        One row of weights per filter, one column per FFT bin.
    sr : float
        Sampling rate in Hz.
    n_fft : int
        FFT length in samples the filterbank was built for.
    ax : matplotlib Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    fmax : float, optional
        Upper frequency limit of the plot in Hz (default ``sr / 2``).

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> fb = np.zeros((2, 129)); fb[0, 10:20] = 1; fb[1, 20:40] = 0.5
    >>> fig, ax = plot.filterbank(fb, sr=8000, n_fft=256)
    >>> ax.get_xlabel()
    'Frequency (Hz)'
    """
    fb = _matrix_2d(fb, "fb")
    sr = _validate.sample_rate(sr)
    n_fft = _validate.positive_int(n_fft, "n_fft", unit="samples")
    if fb.shape[1] != n_fft // 2 + 1:
        raise ValueError(
            f"fb has {fb.shape[1]} columns but n_fft={n_fft} gives {n_fft // 2 + 1} FFT bins; "
            "pass the n_fft the filterbank was built for."
        )
    freqs = np.arange(fb.shape[1]) * sr / n_fft
    fig, ax = _figure_and_axes(ax)
    ax.plot(freqs, fb.T, linewidth=0.9)
    ax.set_xlim(0.0, sr / 2 if fmax is None else float(fmax))
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    _finish(ax, title)
    return fig, ax


def coefficients(
    C: ArrayLike,
    *,
    sr: float,
    hop_length: int,
    ax: Axes | None = None,
    label: str = "MFCC",
    colorbar: bool = True,
    title: str | None = None,
    cmap: str = "coolwarm",
) -> tuple["Figure", "Axes"]:
    """Show frame-wise coefficients (e.g. MFCCs) as an image: index vs time.

    Notebook: ``06_mfcc.ipynb``.

    Parameters
    ----------
    C : np.ndarray, shape (n_coefficients, n_frames)
        Coefficients, one column per frame.
    sr : float
        Sampling rate in Hz.
    hop_length : int
        Samples between frames; frame ``i`` is drawn at ``i * hop_length / sr`` s.
    ax : matplotlib Axes, optional
        Axes to draw into.
    label : str
        Name of the coefficients, used in the axis and colour-bar labels.
    colorbar : bool
        Add a colour bar (default True).
    title : str, optional
        Axes title.
    cmap : str
        Matplotlib colour map (a diverging one: coefficients are signed).

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn import plot
    >>> fig, ax = plot.coefficients(np.zeros((13, 50)), sr=22050, hop_length=512)
    >>> ax.get_ylabel()
    'MFCC index'
    """
    C = _matrix_2d(C, "C")
    sr = _validate.sample_rate(sr)
    hop_length = _validate.positive_int(hop_length, "hop_length", unit="samples")
    n_rows, n_frames = C.shape
    t_end = n_frames * hop_length / sr
    fig, ax = _figure_and_axes(ax)
    finite = C[np.isfinite(C)]
    lim = float(np.max(np.abs(finite))) if finite.size else 1.0
    lim = lim if lim > 0 else 1.0
    im = ax.imshow(
        C, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest",
        extent=(0.0, t_end, -0.5, n_rows - 0.5), vmin=-lim, vmax=lim,
    )
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Time (s)")
    ax.set_ylabel(f"{label} index")
    if colorbar:
        _add_colorbar(fig, im, ax, f"{label} value")
    _finish(ax, title)
    return fig, ax


# ---------------------------------------------------------------- melodies

#: A melody's y axis names every pitch it uses up to this many; beyond, only the Cs (one per octave).
_MAX_PITCH_NAMES = 14


def melody(
    melody: Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    prompt_notes: int = 0,
    bar_lines: bool = True,
    color: str = "tab:blue",
    prompt_color: str = "0.65",
) -> tuple["Figure", "Axes"]:
    """Draw a melody as a piano roll: one bar per note, pitch names up the side.

    Each note is a horizontal bar at the height of its pitch, from its onset
    to its end; time runs across in quarter notes (beats), before any tempo.
    The y axis names the pitches the melody uses (``C4`` is MIDI 60, middle
    C); a melody with more than 14 different pitches gets only its Cs named.
    Dashed vertical lines are the bar lines of its time signature, when it
    has one. ``prompt_notes=n`` draws the first ``n`` notes in grey: the
    prompt a model was given, the rest its continuation.

    Notebooks: ``08_from_scores_to_tokens.ipynb`` (a tune of the corpus and
    its transpositions) and ``11_generation_and_memorization.ipynb`` (sampled
    tunes and continuations).

    Parameters
    ----------
    melody : Melody, sequence of ScoreNote, or sequence of int
        The tune (``corpus.melodies`` returns Melody objects). Plain MIDI
        pitches are quarter notes one after another (``None`` a rest), read
        by the rule of :mod:`musiclearn.melody`. An empty melody gives empty,
        labelled axes.
    ax : matplotlib Axes, optional
        Axes to draw into; a new 9 x 2.5 inch figure when None.
    title : str, optional
        Axes title; default the melody's title (pass ``""`` for none).
    prompt_notes : int
        How many of the first notes to draw in ``prompt_color`` (default 0);
        with more than 0 a legend tells prompt and continuation apart.
    bar_lines : bool
        Draw the bar lines of the melody's time signature (default True).
    color, prompt_color : str
        Matplotlib colours of the notes and of the prompt's notes.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes
        ``ax.patches`` holds one rectangle per note, in order: x from the
        onset, width the duration (quarter notes), centred on the pitch.

    Examples
    --------
    >>> from musiclearn import plot
    >>> from musiclearn.melody import Melody, ScoreNote
    >>> tune = Melody([ScoreNote(67, 1.0, 0.0), ScoreNote(64, 1.0, 1.0), ScoreNote(67, 2.0, 2.0)],
    ...               time_signature="2/4")
    >>> fig, ax = plot.melody(tune, prompt_notes=1)
    >>> [float(bar.get_x()) for bar in ax.patches], [float(bar.get_width()) for bar in ax.patches]
    ([0.0, 1.0, 2.0], [1.0, 1.0, 2.0])
    >>> [label.get_text() for label in ax.get_yticklabels()], ax.get_xlabel()
    (['E4', 'G4'], 'Time (quarter notes)')
    """
    from .melody import as_melody, bar_length, note_name

    tune = as_melody(melody)
    notes = tune.notes
    if isinstance(prompt_notes, bool) or not isinstance(prompt_notes, (int, np.integer)) \
            or not 0 <= prompt_notes <= len(notes):
        raise ValueError(f"prompt_notes must be a whole number from 0 to the melody's {len(notes)} notes "
                         f"(how many of the first notes were the prompt), got {prompt_notes!r}.")
    prompt_notes = int(prompt_notes)
    fig, ax = _figure_and_axes(ax, figsize=(9.0, 2.5))
    # Thin white edges keep repeated notes of the same pitch apart without shortening them.
    style = {"height": 0.8, "edgecolor": "white", "linewidth": 0.8}
    parts = [(notes[:prompt_notes], prompt_color, f"prompt ({prompt_notes} notes)"),
             (notes[prompt_notes:], color, "continuation" if prompt_notes else None)]
    for group, colour, label in parts:
        if group:
            ax.barh([n.pitch for n in group], [n.duration for n in group], left=[n.offset for n in group],
                    color=colour, label=label, **style)
    if notes:
        end = max(n.end for n in notes)
        low, high = min(tune.pitches), max(tune.pitches)
        bar_fraction = bar_length(tune.time_signature) if bar_lines else None
        bar = float(bar_fraction) if bar_fraction is not None else None
        if bar is not None:
            for x in np.arange(bar, end, bar):
                ax.axvline(x, color="0.5", linewidth=0.6, linestyle="--", zorder=0)
        used = sorted(set(tune.pitches))
        named = used if len(used) <= _MAX_PITCH_NAMES else [p for p in range(low, high + 1) if p % 12 == 0] or [low]
        ax.set_yticks(named, [note_name(p) for p in named])
        ax.tick_params(axis="y", labelsize=8)   # neighbouring semitones must not overlap
        ax.set_xlim(0.0, end)
        ax.set_ylim(low - 1.5, high + 1.5)
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        if prompt_notes:
            ax.legend(loc="best", fontsize=8)
    ax.set_xlabel("Time (quarter notes)")
    ax.set_ylabel("Pitch")
    _finish(ax, tune.title if title is None else title)
    return fig, ax


# ---------------------------------------------------------------- MIDI and training


def piano_roll(
    roll: ArrayLike,
    *,
    fs: float = 100,
    lowest_pitch: int = 21,
    ax: Axes | None = None,
    title: str | None = None,
) -> tuple["Figure", "Axes"]:
    """Draw a piano roll from ``musiclearn.midi.piano_roll``: time across, pitch up, velocity as colour.

    Also importable as ``musiclearn.midi.plot_piano_roll``.
    Notebook: ``07_midi_as_data.ipynb``.

    Parameters
    ----------
    roll : np.ndarray, shape (n_pitches, n_frames)
        Velocities, e.g. ``midi.piano_roll(pm, fs=fs)``.
    fs : float, default 100
        Columns per second, as used to make ``roll``.
    lowest_pitch : int, default 21
        MIDI pitch of row 0 (``pitch_range[0]`` of ``midi.piano_roll``).
    ax : matplotlib Axes, optional
        Where to draw; a new 9 x 3.2 inch figure by default.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes
        The y axis is labelled with note names (C4 = 60 = middle C): every
        pitch on rolls of up to 24 pitches, every C on larger ones.

    Examples
    --------
    >>> from musiclearn import midi, plot
    >>> fig, ax = plot.piano_roll(midi.piano_roll(midi.from_notes([60, 64, 67], [1, 1, 2])))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Time (s)', 'Pitch')
    """
    from .melody import note_name

    image = np.asarray(roll, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"roll must be a 2-D array (pitches, frames) from midi.piano_roll, got shape {image.shape}")
    if isinstance(fs, (bool, np.bool_)) or not isinstance(fs, (int, float, np.integer, np.floating)) \
            or not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"fs must be the positive number of frames per second used for the roll, got {fs!r}")
    lowest = _validate.whole_number(lowest_pitch, "lowest_pitch", low=0, high=127)
    fig, ax = _figure_and_axes(ax, figsize=(9.0, 3.2))
    n_pitches, n_frames = image.shape
    shown = np.ma.masked_equal(image, 0.0)  # silence stays the background colour
    mappable = ax.imshow(shown, origin="lower", aspect="auto", interpolation="nearest", cmap="viridis",
                         vmin=0, vmax=127,
                         extent=(0, max(n_frames, 1) / float(fs), lowest - 0.5, lowest + n_pitches - 0.5))
    # Every pitch is named on short rolls; on longer ones only the Cs, one per octave.
    labelled = [p for p in range(lowest, lowest + n_pitches) if n_pitches <= 24 or p % 12 == 0]
    ax.set_yticks(labelled, [note_name(p) for p in labelled])
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Pitch")
    _add_colorbar(fig, mappable, ax, "Velocity")
    _finish(ax, title)
    return fig, ax


def loss_curves(
    history: Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    per: str = "token",
) -> tuple["Figure", "Axes"]:
    """Training and validation loss per epoch, in bits per token, with the best epoch marked.

    What ``musiclearn.train.train(..., live_plot=True)`` redraws after every
    epoch. Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    history : musiclearn.train.History
        What ``train`` returned (anything with ``epochs``, ``bits(which)``,
        ``val_loss`` and ``best_epoch`` works).
    ax : matplotlib Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    per : str, default "token"
        What one loss is averaged over, for the axis label: ``"token"`` for
        language models, ``"clip"`` for the classifiers of
        ``14_spectrograms_as_images.ipynb``.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> from musiclearn import plot
    >>> from musiclearn.train import History
    >>> fig, ax = plot.loss_curves(History(train_loss=[2.0, 1.5], val_loss=[2.1, 1.8], best_epoch=1))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Epoch', 'Loss (bits per token)')
    """
    fig, ax = _figure_and_axes(ax, figsize=(6.0, 2.6))
    epochs = range(1, history.epochs + 1)
    ax.plot(epochs, history.bits("train"), "o-", label="train")
    if history.val_loss:
        ax.plot(epochs, history.bits("val"), "o-", label="validation")
        if history.best_epoch is not None:
            ax.axvline(history.best_epoch + 1, color="grey", linestyle=":", label="best")
    ax.set_xlabel("Epoch")
    ax.set_ylabel(f"Loss (bits per {per})")
    ax.legend(loc="upper right")
    _finish(ax, title)
    return fig, ax


def confusion_matrix(
    counts: Any,
    class_names: Sequence[str],
    *,
    normalize: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
) -> tuple["Figure", "Axes"]:
    """A confusion matrix as an image: true class down, predicted class across.

    Notebook: ``14_spectrograms_as_images.ipynb``
    (``musiclearn.audio_models.confusion_matrix`` counts it).

    Parameters
    ----------
    counts : array_like, shape ``(classes, classes)``
        ``counts[i, j]``: examples of true class ``i`` predicted as ``j``.
    class_names : sequence of str
        One name per class.
    normalize : bool, default True
        Show each row as fractions of its class (the diagonal is then each
        class's recall); the cells are annotated either way.
    ax : matplotlib Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> from musiclearn import plot
    >>> fig, ax = plot.confusion_matrix([[8, 2], [1, 9]], ["piano", "organ"])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Predicted class', 'True class')
    """
    C = np.asarray(counts)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"counts must be a square (classes x classes) matrix, got shape {C.shape}.")
    if C.dtype.kind not in "iuf" or (C < 0).any():
        raise ValueError("counts must hold non-negative numbers (examples per true and predicted class).")
    names = [str(n) for n in class_names]
    if len(names) != C.shape[0]:
        raise ValueError(f"class_names has {len(names)} names for {C.shape[0]} classes; give one per class.")
    rows = C.sum(axis=1, keepdims=True)
    shown = C / np.where(rows > 0, rows, 1) if normalize else C
    size = max(3.0, 0.45 * len(names) + 1.5)
    fig, ax = _figure_and_axes(ax, figsize=(size + 0.8, size))
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalize else max(1, C.max()))
    _add_colorbar(fig, image, ax, "fraction of the true class" if normalize else "examples")
    threshold = 0.5 * (1 if normalize else max(1, C.max()))
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            if C[i, j]:
                text = f"{shown[i, j]:.2f}" if normalize else f"{int(C[i, j])}"
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if shown[i, j] > threshold else "black")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("Predicted class")
    ax.set_ylabel("True class")
    _finish(ax, title)
    return fig, ax


def learning_curves(
    sizes: Sequence[float],
    scores: dict[str, Sequence[float]],
    *,
    spread: dict[str, Sequence[float]] | None = None,
    chance: float | None = None,
    ylabel: str = "Test accuracy",
    ax: Axes | None = None,
    title: str | None = None,
) -> tuple["Figure", "Axes"]:
    """Score against training-set size, one line per model, on a logarithmic size axis.

    Notebook: ``14_spectrograms_as_images.ipynb`` (log-mel CNN against
    waveform CNN as the data grow).

    Parameters
    ----------
    sizes : sequence of numbers
        Training examples of each point.
    scores : dict of name → sequence of float
        One score per size for each model.
    spread : dict of name → sequence of float, optional
        Error bars (e.g. the standard deviation over seeds).
    chance : float, optional
        Draw the chance level as a dotted line.
    ylabel : str, default "Test accuracy"
        The score's name.
    ax : matplotlib Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax : matplotlib Figure and Axes

    Examples
    --------
    >>> from musiclearn import plot
    >>> fig, ax = plot.learning_curves([100, 200, 400], {"cnn": [0.5, 0.7, 0.8]}, chance=0.125)
    >>> ax.get_xlabel(), ax.get_xscale()
    ('Training clips', 'log')
    """
    n = np.asarray(sizes, dtype=float)
    if n.ndim != 1 or n.size == 0 or not np.all(n > 0):
        raise ValueError(f"sizes must be positive numbers of training examples, got {sizes!r}.")
    if not scores:
        raise ValueError("scores must hold at least one model: {name: [score per size]}.")
    fig, ax = _figure_and_axes(ax, figsize=(6.0, 3.0))
    for name, values in scores.items():
        v = np.asarray(values, dtype=float)
        if v.shape != n.shape:
            raise ValueError(f"scores[{name!r}] has {v.size} values for {n.size} sizes; give one per size.")
        err = None if spread is None or name not in spread else np.asarray(spread[name], dtype=float)
        ax.errorbar(n, v, yerr=err, marker="o", capsize=3, label=name)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle=":", label="chance")
    ax.set_xscale("log")
    ax.set_xticks(n, [f"{int(x):d}" for x in n])
    ax.minorticks_off()
    ax.set_xlabel("Training clips")
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower right")
    _finish(ax, title)
    return fig, ax
