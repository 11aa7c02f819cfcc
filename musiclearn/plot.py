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
``05_mel_scale.ipynb`` (filterbank) and ``06_mfcc.ipynb`` (coefficients).

matplotlib is imported inside the functions, so ``import musiclearn.plot``
costs nothing until you draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import numpy as np

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
]

ArrayLike = Union[np.ndarray, Sequence[float]]

#: Default size of a new figure, in inches: wide and short, one idea per figure.
FIGSIZE = (7.0, 2.5)
#: Floor for logarithms so silence shows as a very low level instead of -inf.
_AMIN = 1e-6


# ---------------------------------------------------------------- helpers


def _figure_and_axes(ax: Optional["Axes"], figsize: tuple[float, float] = FIGSIZE):
    """Return ``(fig, ax)``: the given axes and its figure, or a new small figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def _check_sr(sr: Any) -> float:
    if isinstance(sr, bool) or not isinstance(sr, (int, float, np.integer, np.floating)):
        raise ValueError(f"sr must be a sampling rate in Hz (a positive number), got {sr!r}.")
    if not np.isfinite(sr) or sr <= 0:
        raise ValueError(f"sr must be a positive sampling rate in Hz, got {sr!r}.")
    return float(sr)


def _check_positive_int(value: Any, name: str, unit: str = "samples") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number of {unit}, got {value!r}.")
    return int(value)


def _signal_1d(y: ArrayLike, name: str = "y") -> np.ndarray:
    arr = np.asarray(y)
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} is complex; plot np.abs({name}) or np.real({name}) instead.")
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D signal (one channel), got shape {arr.shape}; "
            f"for stereo pick one channel, e.g. {name}[0]."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to plot.")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; fix or remove them before plotting.")
    return arr


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


def _window_array(window: Any, n: int) -> np.ndarray:
    """A window of length ``n`` from a name, an array, or None (rectangular)."""
    if window is None:
        return np.ones(n)
    if isinstance(window, str):
        name = window.lower()
        if name in {"rect", "rectangular", "boxcar", "ones", "none"}:
            return np.ones(n)
        from scipy.signal import get_window

        try:
            return np.asarray(get_window(name, n, fftbins=True), dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"unknown window {window!r}; use 'hann', 'hamming', 'blackman', 'rectangular' "
                "or pass the window samples as an array."
            ) from exc
    w = np.asarray(window, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"the window has shape {w.shape} but the signal has {n} samples; they must match.")
    return w


def _amplitude_spectrum(
    y: np.ndarray, *, sr: float, n_fft: Optional[int] = None, window: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and amplitudes of a one-sided spectrum.

    Scaled so that a sinusoid of amplitude ``A`` that falls exactly on a bin
    reads ``A``, whatever the window: ``2 |X[k]| / sum(w)``.
    """
    n = y.size
    if n_fft is None:
        n_fft = n
    n_fft = _check_positive_int(n_fft, "n_fft")
    if n_fft < n:
        raise ValueError(
            f"n_fft={n_fft} is shorter than the signal ({n} samples); use n_fft >= len(y) "
            "(larger values zero-pad) or slice the signal."
        )
    w = _window_array(window, n)
    gain = float(np.sum(w))
    if gain == 0:
        raise ValueError("the window sums to zero, so the spectrum cannot be scaled; use a different window.")
    X = np.fft.rfft(y * w, n=n_fft)
    amp = 2.0 * np.abs(X) / gain
    amp[0] /= 2.0  # DC and Nyquist have no mirror image to add
    if n_fft % 2 == 0:
        amp[-1] /= 2.0
    freqs = np.arange(amp.size) * sr / n_fft
    return freqs, amp


def _hz_to_mel(f: np.ndarray, htk: bool) -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    # Slaney: linear below 1 kHz, logarithmic above.
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(
        f >= min_log_hz,
        min_log_mel + np.log(np.maximum(f, 1e-12) / min_log_hz) / logstep,
        f / f_sp,
    )


def _add_colorbar(fig, mappable, ax, label: str):
    cbar = fig.colorbar(mappable, ax=ax, pad=0.01)
    cbar.set_label(label)
    return cbar


def _finish(ax, title: Optional[str]) -> None:
    if title:
        ax.set_title(title)


# ---------------------------------------------------------------- signals


def waveform(
    y: ArrayLike,
    *,
    sr: float,
    ax: Optional["Axes"] = None,
    title: Optional[str] = None,
    max_points: int = 20000,
    label: Optional[str] = None,
    offset: float = 0.0,
) -> tuple["Figure", "Axes"]:
    """Plot a signal against time.

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
    sr = _check_sr(sr)
    max_points = _check_positive_int(max_points, "max_points", "points")
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
    ax: Optional["Axes"] = None,
    title: Optional[str] = None,
    label: Optional[str] = None,
    offset: float = 0.0,
) -> tuple["Figure", "Axes"]:
    """Draw individual samples as stems: the picture of *sampling*.

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
    sr = _check_sr(sr)
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
    n_fft: Optional[int] = None,
    window: Any = None,
    db: bool = True,
    ax: Optional["Axes"] = None,
    title: Optional[str] = None,
    label: Optional[str] = None,
    fmax: Optional[float] = None,
    floor_db: float = -100.0,
    marker: Optional[str] = None,
) -> tuple["Figure", "Axes"]:
    """Plot the one-sided amplitude spectrum of one frame.

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
        ``None`` / ``"rectangular"`` (no taper), a scipy window name such as
        ``"hann"``, or an array of ``len(y)`` weights.
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
    sr = _check_sr(sr)
    freqs, amp = _amplitude_spectrum(y, sr=sr, n_fft=n_fft, window=window)
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
    n_fft: Optional[int] = None,
    ax: Optional["Axes"] = None,
    label: Optional[str] = None,
    title: Optional[str] = None,
    max_bins: float = 16.0,
    floor_db: float = -120.0,
) -> tuple["Figure", "Axes"]:
    """Plot a window's frequency response: main lobe and side lobes.

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
    fmax: Optional[float] = None,
    db: bool = False,
    ax: Optional["Axes"] = None,
    colorbar: bool = True,
    title: Optional[str] = None,
    n_fft: Optional[int] = None,
    htk: bool = False,
    top_db: float = 80.0,
    cmap: str = "magma",
) -> tuple["Figure", "Axes"]:
    """Show a spectrogram (frequency x time) as a colour image with a dB colour bar.

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
    sr = _check_sr(sr)
    hop_length = _check_positive_int(hop_length, "hop_length")
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
        n_fft = _check_positive_int(n_fft, "n_fft")
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
        m0, m1 = _hz_to_mel(np.array([fmin, fmax]), htk)
        candidates = np.array([100, 200, 500, 1000, 2000, 4000, 8000, 16000])
        candidates = candidates[(candidates >= fmin) & (candidates <= fmax)]
        # band i is centred on the (i+1)-th of n_mels+2 mel-spaced points
        rows = (_hz_to_mel(candidates, htk) - m0) / (m1 - m0) * (n_rows + 1) - 1
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
    ax: Optional["Axes"] = None,
    title: Optional[str] = None,
    fmax: Optional[float] = None,
) -> tuple["Figure", "Axes"]:
    """Plot every filter of a filterbank (e.g. mel triangles) over frequency.

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
    sr = _check_sr(sr)
    n_fft = _check_positive_int(n_fft, "n_fft")
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
    ax: Optional["Axes"] = None,
    label: str = "MFCC",
    colorbar: bool = True,
    title: Optional[str] = None,
    cmap: str = "coolwarm",
) -> tuple["Figure", "Axes"]:
    """Show frame-wise coefficients (e.g. MFCCs) as an image: index vs time.

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
    sr = _check_sr(sr)
    hop_length = _check_positive_int(hop_length, "hop_length")
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
