"""Interactive explorers: move a slider, see the plot and hear the sound change.

One pattern builds every widget in the course, :func:`explore`::

    def render(n_fft, hop_length):            # plain function: values in, View out
        fig, ax = plot.spectrogram(...)
        return View(fig, f"n_fft = {n_fft}", audio=Audio(y, rate=sr), data={"shape": S.shape})

    box = explore(render, n_fft=[256, 512, 1024, 2048], hop_length=(64, 1024, 64, 256))
    box                                       # shows the sliders and the view
    box.set(n_fft=512); box.last.data         # the same from code: headless, testable

* a **render function** takes the slider values and returns a :class:`View`: a
  matplotlib figure, a one-line summary, optional audio and the numbers behind
  the picture. It needs no browser, so tests (and curious learners) can call
  it directly;
* :func:`explore` wires controls to it (``continuous_update=False``: the
  picture updates when you let go) and keeps the latest View as ``.last``.

The library's own explorers are built the same way: ``tone_explorer()``
(``01_sound_as_numbers.ipynb``), ``leakage_explorer()``
(``02_frames_and_windows.ipynb``) and ``two_sines_explorer()``
(``03_fourier_transform.ipynb``); the other notebooks call :func:`explore` with
their own render functions.

ipywidgets, IPython and matplotlib are imported inside the functions, so
``import musiclearn.widgets`` stays cheap.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ._validate import sample_rate

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

__all__ = [
    "View",
    "explore",
    "render_tone",
    "render_leakage",
    "render_two_sines",
    "tone_explorer",
    "leakage_explorer",
    "two_sines_explorer",
    "SAMPLING_RATES",
    "WINDOWS",
]

#: Sampling rates (Hz) offered by the tone generator: telephone to CD quality.
SAMPLING_RATES = (4000, 8000, 11025, 16000, 22050, 44100)
#: Windows offered by the leakage and two-sines explorers.
WINDOWS = ("rectangular", "hann", "hamming", "blackman")

_FIGSIZE = (7.0, 2.6)
_DPI = 80


@dataclass
class View:
    """What a render function produced: a figure, a summary, maybe sound, and the numbers.

    Notebook: ``00_welcome.ipynb`` shows the pattern; every widget of the course returns
    one.

    Attributes
    ----------
    fig : matplotlib.figure.Figure or None
        The picture (None for a view that is only text or sound). A pyplot
        figure is closed by :func:`explore` once drawn, so it shows up once.
    text : str
        A one-line summary of what the picture shows.
    audio : IPython.display.Audio or None
        The sound, when there is one (``autoplay=False``).
    data : dict
        The numbers behind the picture (frequencies, levels, ...), for tests
        and for your own plots.
    """

    fig: Figure | None
    text: str = ""
    audio: Any = None
    data: dict = field(default_factory=dict)

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=_DPI)
        return buffer.getvalue()

    def outputs(self) -> tuple[dict, ...]:
        """The view as Jupyter output records (figure, summary, audio), for an Output widget."""
        records: list[dict] = []
        if self.fig is not None:
            records.append({
                "output_type": "display_data",
                "data": {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": self.text},
                "metadata": {},
            })
        if self.text:
            records.append({"output_type": "stream", "name": "stdout", "text": self.text + "\n"})
        if self.audio is not None:
            records.append(
                {
                    "output_type": "display_data",
                    "data": {"text/html": self.audio._repr_html_(), "text/plain": "<audio>"},
                    "metadata": {},
                }
            )
        return tuple(records)

    def _ipython_display_(self) -> None:
        from IPython.display import Image, display

        if self.fig is not None:
            display(Image(data=self.png(), format="png"))
        if self.text:
            print(self.text)
        if self.audio is not None:
            display(self.audio)


# ---------------------------------------------------------------- helpers


def _figure(nrows: int = 1, figsize: tuple[float, float] = _FIGSIZE):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, 1)
    return fig, axes


def _positive(value: Any, name: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number in {unit}, got {value!r}.")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number in {unit}, got {value!r}.")
    return float(value)


def _check_window(name: str) -> str:
    if name not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {name!r}.")
    return name


def _slider_style() -> dict:
    return {"description_width": "initial"}


def _as_view(result: Any) -> View:
    """A render function's result as a View: a View, a Figure, or ``(fig, ax)``."""
    if isinstance(result, View):
        return result
    if isinstance(result, tuple) and result and hasattr(result[0], "savefig"):
        result = result[0]
    if hasattr(result, "savefig"):
        return View(result, "")
    raise TypeError(
        f"an explore() render function must return a widgets.View (or a matplotlib figure), "
        f"got {type(result).__name__}; build one with View(fig, text, audio=..., data={{...}})"
    )


def _forget_pyplot_figure(fig: Any) -> None:
    """Close ``fig`` if pyplot tracks it, so the inline backend does not show it a second time."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    manager = getattr(getattr(fig, "canvas", None), "manager", None)
    if pyplot is not None and manager is not None:
        pyplot.close(fig)


def _control(name: str, spec: Any):
    """An ipywidgets control from a widget or a short description of one."""
    import ipywidgets as widgets

    common = {"description": name, "style": _slider_style()}
    if isinstance(spec, widgets.Widget):
        control = spec
    elif isinstance(spec, bool):
        control = widgets.Checkbox(value=spec, **common)
    elif isinstance(spec, tuple) and len(spec) in (3, 4) and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in spec):
        low, high, step = spec[:3]
        value = spec[3] if len(spec) == 4 else low
        if all(isinstance(v, (int, np.integer)) for v in spec):
            control = widgets.IntSlider(value=int(value), min=int(low), max=int(high), step=int(step), **common)
        else:
            control = widgets.FloatSlider(value=float(value), min=float(low), max=float(high), step=float(step),
                                          **common)
    elif isinstance(spec, list) and spec:
        if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in spec):
            control = widgets.SelectionSlider(options=spec, value=spec[0], **common)
        else:
            control = widgets.Dropdown(options=spec, value=spec[0], **common)
    else:
        raise ValueError(
            f"control {name!r}: give an ipywidgets widget, (min, max, step[, value]) for a slider, "
            f"a non-empty list of options, or a bool for a checkbox; got {spec!r}"
        )
    if "continuous_update" in control.keys:
        control.continuous_update = False   # render when the slider is released, not on every pixel
    return control


def explore(render: Callable[..., Any], /, *, fixed: dict | None = None, **controls: Any):
    """Connect controls to a render function: the one way the course builds its widgets.

    Every slider, dropdown or checkbox calls ``render(**values)`` when it is
    released; ``render`` returns a :class:`View` (figure, one-line summary,
    optional sound, and the numbers behind the picture) and the explorer shows
    it. The latest View stays inspectable as ``.last``, so a notebook or a test
    can move a control from code and check what changed, with no browser.

    Parameters
    ----------
    render : callable
        ``render(**values) -> View``. A matplotlib figure (or ``(fig, ax)``) is
        accepted too. A pyplot figure is closed after rendering, so it is shown once.
    fixed : dict, optional
        Extra keyword arguments passed to ``render`` unchanged.
    **controls
        One per parameter of ``render``: an ipywidgets widget, or a short form:
        ``(min, max, step)`` or ``(min, max, step, value)`` for a slider (ints
        give an IntSlider), a list of options (numbers: a selection slider;
        otherwise a dropdown), or a bool for a checkbox. Every control gets
        ``continuous_update=False``.

    Returns
    -------
    ipywidgets.VBox
        The controls (two per row), then the view. If ``render`` raises while
        a control moves, the error is shown in place of the view. Attributes: ``.controls``
        (name → widget), ``.view_output`` (the Output widget), ``.last`` (the
        latest :class:`View`), ``.renders`` (how many times ``render`` ran) and
        ``.set(**values)`` to move controls from code.

    Notes
    -----
    Notebooks: every notebook with a widget uses this (``00_welcome.ipynb`` first).

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from musiclearn.widgets import View, explore
    >>> def render(freq):
    ...     fig = Figure()
    ...     t = np.arange(100) / 8000
    ...     fig.subplots().plot(t, np.sin(2 * np.pi * freq * t))
    ...     return View(fig, f"{freq} Hz", data={"freq": freq})
    >>> box = explore(render, freq=(100, 1000, 10, 440))
    >>> box.last.data["freq"]
    440
    >>> box.set(freq=880)
    >>> box.last.text, box.renders
    ('880 Hz', 2)
    """
    import ipywidgets as widgets

    if not callable(render):
        raise TypeError(f"explore() needs a render function first, got {type(render).__name__}")
    if not controls:
        raise ValueError("explore() needs at least one control, e.g. explore(render, freq=(20, 2000, 10))")
    fixed = dict(fixed or {})
    built = {name: _control(name, spec) for name, spec in controls.items()}
    view_out = widgets.Output(layout=widgets.Layout(min_height="260px"))
    rows = [widgets.HBox(list(built.values())[i:i + 2]) for i in range(0, len(built), 2)]

    def update(**values: Any) -> None:
        view = _as_view(render(**values, **fixed))
        if view.fig is not None:
            _forget_pyplot_figure(view.fig)
        box.last = view
        box.renders += 1
        # Writing the records into .outputs (not display()) works the same in JupyterLab and headless.
        view_out.outputs = view.outputs()

    box = widgets.VBox([widgets.VBox(rows), view_out])
    box.controls = built
    box.view_output = view_out
    box.last = None
    box.renders = 0

    def set_values(**values: Any) -> None:
        unknown = sorted(set(values) - set(built))
        if unknown:
            raise ValueError(f"no control named {', '.join(unknown)}; this explorer has {', '.join(built)}")
        for name, value in values.items():
            built[name].value = value

    box.set = set_values

    def on_change(change: dict) -> None:
        try:
            update(**{name: control.value for name, control in built.items()})
        except Exception as error:  # shown where the picture was: the browser test looks for it
            import traceback

            view_out.outputs = ({"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
                                 "traceback": traceback.format_exception(error)},)

    update(**{name: control.value for name, control in built.items()})   # a broken render fails the cell
    for control in built.values():
        control.observe(on_change, names="value")
    return box


# ---------------------------------------------------------------- 01: tone generator


def _alias_curve(t: np.ndarray, freq: float, amplitude: float, phase: float, sr: float) -> tuple[float, np.ndarray]:
    """The lowest-frequency sinusoid through the same samples as the tone, and its frequency."""
    r = float(np.mod(freq, sr))
    if r <= sr / 2:
        return r, amplitude * np.sin(2 * np.pi * r * t + phase)
    # sin(2π(sr - r)n/sr - φ) = -sin(2π r n/sr + φ) at every sample n
    f = sr - r
    return f, -amplitude * np.sin(2 * np.pi * f * t - phase)


def render_tone(
    freq: float,
    *,
    amplitude: float = 0.8,
    phase: float = 0.0,
    sr: float = 8000,
    duration: float = 1.0,
    show_seconds: float | None = None,
) -> View:
    """Sample a tone and show the "continuous" wave, the samples and what you will hear.

    Notebook: ``01_sound_as_numbers.ipynb``.

    The grey curve is the tone before sampling (drawn at a very high rate),
    the stems are the samples taken ``sr`` times a second. Above the Nyquist
    frequency ``sr / 2`` the samples also fit a slower sinusoid (dashed red):
    that alias is what you hear.

    Parameters
    ----------
    freq : float
        Tone frequency in Hz (may exceed ``sr / 2`` to hear aliasing).
    amplitude : float
        Peak value, between 0 and 1 (full scale).
    phase : float
        Phase at t = 0 in radians.
    sr : float
        Sampling rate in Hz.
    duration : float
        Length of the sound in seconds.
    show_seconds : float, optional
        How much of the start to draw, in seconds; default about three periods
        of the heard tone, between 2 and 10 ms.

    Returns
    -------
    View
        ``data`` holds ``t`` (s) and ``samples`` of the drawn stretch,
        ``heard_hz`` (the frequency you hear), ``nyquist_hz``, ``aliased``
        (bool) and ``y`` (the whole sampled sound).

    Examples
    --------
    >>> from musiclearn.widgets import render_tone
    >>> view = render_tone(5000.0, sr=8000)
    >>> view.data["heard_hz"], view.data["aliased"]
    (3000.0, True)
    """
    from IPython.display import Audio

    from .signals import aliased_frequency, tone

    freq = _positive(freq, "freq", "Hz")
    sr = sample_rate(sr)
    duration = _positive(duration, "duration", "seconds")
    if not 0.0 <= float(amplitude) <= 1.0:
        raise ValueError(f"amplitude must be between 0 and 1 (full scale), got {amplitude!r}.")
    amplitude, phase = float(amplitude), float(phase)
    heard = float(aliased_frequency(freq, sr=sr))
    nyquist = sr / 2
    aliased = freq > nyquist

    y = tone(freq, sr=sr, duration=duration, amplitude=amplitude, phase=phase)
    if show_seconds is None:
        show_seconds = float(np.clip(3.0 / max(heard, 1.0), 0.002, 0.010))
    n_show = max(2, min(y.size, int(round(show_seconds * sr))))
    t = np.arange(n_show) / sr
    dense_t = np.linspace(0.0, t[-1], 4000)

    fig, ax = _figure()
    ax.plot(dense_t, amplitude * np.sin(2 * np.pi * freq * dense_t + phase), color="0.65", linewidth=1.0,
            label=f"tone {freq:.0f} Hz (before sampling)")
    markerline, stemlines, _ = ax.stem(t, y[:n_show], basefmt=" ", label=f"samples at {sr:.0f} Hz")
    markerline.set_markersize(4)
    if aliased:
        f_alias, curve = _alias_curve(dense_t, freq, amplitude, phase, sr)
        ax.plot(dense_t, curve, "--", color="tab:red", linewidth=1.2, label=f"what you hear: {f_alias:.0f} Hz")
    ax.set_xlim(0.0, t[-1])
    ax.set_ylim(-1.1, 1.1)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    ax.legend(loc="upper right", fontsize=8)
    status = (f"above Nyquist ({nyquist:.0f} Hz): it folds back and you hear {heard:.0f} Hz"
              if aliased else f"below Nyquist ({nyquist:.0f} Hz): you hear {heard:.0f} Hz")
    ax.set_title(f"{freq:.0f} Hz sampled at {sr:.0f} Hz", fontsize=10)
    text = f"Tone {freq:.0f} Hz, amplitude {amplitude:.2f}, phase {phase:+.2f} rad, sampled at {sr:.0f} Hz — {status}."
    audio = Audio(y, rate=int(round(sr)), normalize=False, autoplay=False)
    data = {"t": t, "samples": y[:n_show].astype(np.float64), "heard_hz": heard, "nyquist_hz": nyquist,
            "aliased": aliased, "y": y}
    return View(fig, text, audio, data)


def tone_explorer(
    *, freq: float = 440.0, amplitude: float = 0.8, phase: float = 0.0, sr: int = 8000
):
    """A tone generator: frequency, amplitude, phase and sampling rate → plot and sound.

    Notebook: ``01_sound_as_numbers.ipynb``.

    Push the frequency past half the sampling rate and listen: the pitch goes
    *down* again (aliasing).

    Parameters
    ----------
    freq : float
        Starting frequency in Hz (20 … 12000).
    amplitude : float
        Starting amplitude (0 … 1).
    phase : float
        Starting phase in radians (−π … π).
    sr : int
        Starting sampling rate in Hz, one of :data:`SAMPLING_RATES`.

    Returns
    -------
    ipywidgets.VBox
        Sliders, then the output. ``.controls`` maps names to sliders and
        ``.view_output`` is the Output widget showing the plot and sound.

    Examples
    --------
    >>> from musiclearn.widgets import tone_explorer
    >>> box = tone_explorer()  # in a notebook, end the cell with `box` to show it
    >>> sorted(box.controls)
    ['amplitude', 'freq', 'phase', 'sr']
    """
    import ipywidgets as widgets

    if sr not in SAMPLING_RATES:
        raise ValueError(f"sr must be one of {SAMPLING_RATES} Hz, got {sr!r}.")
    common = {"continuous_update": False, "style": _slider_style()}
    controls = {
        "freq": widgets.FloatSlider(value=freq, min=20.0, max=12000.0, step=10.0, description="frequency (Hz)",
                                    readout_format=".0f", **common),
        "amplitude": widgets.FloatSlider(value=amplitude, min=0.0, max=1.0, step=0.05, description="amplitude",
                                         **common),
        "phase": widgets.FloatSlider(value=phase, min=-np.pi, max=np.pi, step=np.pi / 8,
                                     description="phase (rad)", readout_format=".2f", **common),
        "sr": widgets.SelectionSlider(options=list(SAMPLING_RATES), value=sr, description="sampling rate (Hz)",
                                      **common),
    }
    return explore(render_tone, **controls)


# ---------------------------------------------------------------- 02: leakage


def _far_leakage(power: np.ndarray, position: float, *, beyond: float = 2.0) -> float:
    """Share of the spectrum's energy in bins more than ``beyond`` bins from ``position``."""
    k = np.arange(power.size)
    total = float(power.sum())
    return float(power[np.abs(k - position) > beyond].sum() / total) if total > 0 else 0.0


def render_leakage(
    offset: float,
    *,
    window: str = "hann",
    n: int = 64,
    bin_index: int = 8,
    sr: float = 8000,
) -> View:
    """A tone between two FFT bins, analysed with and without a window.

    Notebook: ``02_frames_and_windows.ipynb``.

    The frame holds ``n`` samples; the tone's frequency is ``bin_index +
    offset`` bins (a bin is ``sr / n`` Hz). With ``offset = 0`` the frame holds
    a whole number of periods and all energy lands in one bin; in between,
    it leaks into bins on *both* sides. A window makes the far leakage much
    smaller at the price of a wider peak.

    Parameters
    ----------
    offset : float
        Position of the tone between bins, 0 … 1 (0 and 1: exactly on a bin).
    window : str
        One of :data:`WINDOWS`, compared with the rectangular (no) window.
    n : int
        Frame length in samples.
    bin_index : int
        The bin the tone starts from.
    sr : float
        Sampling rate in Hz (sets the Hz value of a bin).

    Returns
    -------
    View
        ``data`` holds ``bins`` (bin numbers), ``rect_db`` and ``window_db``
        (levels in dB, 0 dB = a tone exactly on a bin), ``rect_far`` and
        ``window_far`` (share of energy more than 2 bins from the tone) and
        ``freq_hz``.

    Examples
    --------
    >>> from musiclearn.widgets import render_leakage
    >>> on_bin, between = render_leakage(0.0), render_leakage(0.5)
    >>> on_bin.data["rect_far"] < 1e-20 < between.data["rect_far"]
    True
    """
    offset = float(offset)
    if not np.isfinite(offset) or not 0.0 <= offset <= 1.0:
        raise ValueError(f"offset must be between 0 and 1 bin, got {offset!r}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 8:
        raise ValueError(f"n must be a whole number of samples, at least 8; got {n!r}.")
    if not 1 <= int(bin_index) < n // 2 - 2:
        raise ValueError(f"bin_index must be between 1 and {n // 2 - 3} for n={n}; got {bin_index!r}.")
    sr = sample_rate(sr)
    position = bin_index + offset
    freq = position * sr / n
    t = np.arange(n) / sr
    y = np.sin(2 * np.pi * freq * t)
    from .fourier import amplitude_spectrum

    def levels(name: str) -> tuple[np.ndarray, np.ndarray]:
        _, amp = amplitude_spectrum(y, sr=sr, window=name)
        return 20.0 * np.log10(np.maximum(amp, 1e-6)), amp ** 2

    rect_db, rect_power = levels("rectangular")
    win_db, win_power = levels(_check_window(window))
    bins = np.arange(rect_db.size)

    fig, ax = _figure()
    ax.axvline(position, color="0.5", linestyle=":", linewidth=1.0, label=f"tone: bin {position:.2f}")
    ax.plot(bins, rect_db, "o-", markersize=3.5, linewidth=1.0, label="rectangular (no window)")
    if window != "rectangular":
        ax.plot(bins, win_db, "s-", markersize=3.5, linewidth=1.0, label=window)
    ax.set_xlim(-0.5, bins[-1] + 0.5)
    ax.set_ylim(-110, 6)
    ax.set_xlabel(f"Frequency (bins of {sr / n:g} Hz)")
    ax.set_ylabel("Amplitude (dB)")
    ax.legend(loc="upper right", fontsize=8)
    rect_far = _far_leakage(rect_power, position)
    win_far = _far_leakage(win_power, position)
    ax.set_title(f"{n}-sample frame, tone at {freq:.1f} Hz", fontsize=10)
    text = (f"Tone at bin {position:.2f} ({freq:.1f} Hz): energy more than 2 bins away — "
            f"rectangular {100 * rect_far:.3f} %, {window} {100 * win_far:.3f} %.")
    data = {"bins": bins, "rect_db": rect_db, "window_db": win_db, "rect_far": rect_far,
            "window_far": win_far, "freq_hz": freq, "position": position}
    return View(fig, text, None, data)


def leakage_explorer(*, offset: float = 0.0, window: str = "hann"):
    """Move a tone between two FFT bins and watch the energy leak, with and without a window.

    Notebook: ``02_frames_and_windows.ipynb``.

    Parameters
    ----------
    offset : float
        Starting position of the tone between bins (0 … 1).
    window : str
        Starting window, one of :data:`WINDOWS`.

    Returns
    -------
    ipywidgets.VBox
        Controls and output; ``.controls`` and ``.view_output`` as in :func:`tone_explorer`.

    Examples
    --------
    >>> from musiclearn.widgets import leakage_explorer
    >>> sorted(leakage_explorer().controls)
    ['offset', 'window']
    """
    import ipywidgets as widgets

    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {window!r}.")
    common = {"continuous_update": False, "style": _slider_style()}
    controls = {
        "offset": widgets.FloatSlider(value=offset, min=0.0, max=1.0, step=0.05,
                                      description="tone position between bins", **common),
        "window": widgets.Dropdown(options=list(WINDOWS), value=window, description="window",
                                   style=_slider_style()),
    }
    return explore(render_leakage, **controls)


# ---------------------------------------------------------------- 03: two sines


def _peaks(freqs: np.ndarray, amp: np.ndarray, *, floor: float = 0.1) -> np.ndarray:
    """Frequencies of local maxima above ``floor`` times the highest peak."""
    inner = (amp[1:-1] > amp[:-2]) & (amp[1:-1] >= amp[2:]) & (amp[1:-1] > floor * amp.max())
    return freqs[1:-1][inner]


def render_two_sines(
    f1: float,
    f2: float,
    *,
    a2: float = 0.5,
    n: int = 256,
    zero_pad: int = 1,
    window: str = "hann",
    sr: float = 8000,
) -> View:
    """The spectrum of ``sin(2π f1 t) + a2 · sin(2π f2 t)`` over one frame.

    Notebook: ``03_fourier_transform.ipynb``.

    Two tones closer than about two bins (``sr / n`` Hz each, more with a
    window) merge into one peak. Zero padding draws the same spectrum with
    more points; only a longer frame (larger ``n``) separates them.

    Parameters
    ----------
    f1, f2 : float
        Frequencies of the two sinusoids in Hz (0 … sr/2).
    a2 : float
        Amplitude of the second sinusoid (the first has amplitude 1).
    n : int
        Frame length in samples.
    zero_pad : int
        FFT length as a multiple of ``n`` (1 = no padding).
    window : str
        One of :data:`WINDOWS`.
    sr : float
        Sampling rate in Hz.

    Returns
    -------
    View
        ``data`` holds ``freqs`` (Hz), ``db`` (amplitude in dB), ``peaks_hz``
        (frequencies of the peaks found), ``bin_hz`` (bin spacing of the frame,
        ``sr / n``) and ``resolved`` (True when two separate peaks were found).

    Examples
    --------
    >>> from musiclearn.widgets import render_two_sines
    >>> render_two_sines(1000, 1250, n=256).data["resolved"]
    True
    >>> render_two_sines(1000, 1020, n=256, zero_pad=8).data["resolved"]
    False
    """
    sr = sample_rate(sr)
    for name, f in (("f1", f1), ("f2", f2)):
        if not 0.0 <= float(f) <= sr / 2:
            raise ValueError(f"{name} must be between 0 and the Nyquist frequency {sr / 2:g} Hz, got {f!r}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 8:
        raise ValueError(f"n must be a whole number of samples, at least 8; got {n!r}.")
    if isinstance(zero_pad, bool) or not isinstance(zero_pad, (int, np.integer)) or zero_pad < 1:
        raise ValueError(f"zero_pad must be a whole number >= 1 (FFT length = zero_pad * n); got {zero_pad!r}.")
    a2 = float(a2)
    n, zero_pad = int(n), int(zero_pad)
    t = np.arange(n) / sr
    y = np.sin(2 * np.pi * float(f1) * t) + a2 * np.sin(2 * np.pi * float(f2) * t)
    from .fourier import amplitude_spectrum

    n_fft = n * zero_pad
    freqs, amp = amplitude_spectrum(y, sr=sr, n_fft=n_fft, window=_check_window(window))
    db = 20.0 * np.log10(np.maximum(amp, 1e-6))
    peaks = _peaks(freqs, amp)
    near = peaks[np.abs(peaks[:, None] - np.array([f1, f2])[None, :]).min(axis=1) <= 2 * sr / n] \
        if peaks.size else peaks
    resolved = bool(abs(float(f1) - float(f2)) > 0 and near.size >= 2)

    fig, ax = _figure()
    for f in (f1, f2):
        ax.axvline(float(f), color="0.6", linestyle=":", linewidth=1.0)
    ax.plot(freqs, db, "-", linewidth=1.0, marker="o" if n_fft <= 512 else None, markersize=2.5,
            label=f"{window} window, N = {n}, FFT length {n_fft}")
    # zoom on the two tones: 16 frame bins either side
    margin = 16 * sr / n
    lo, hi = min(float(f1), float(f2)), max(float(f1), float(f2))
    ax.set_xlim(max(0.0, lo - margin), min(sr / 2, hi + margin))
    ax.set_ylim(-100, 6)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Amplitude (dB)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"sin at {float(f1):.0f} Hz + {a2:.2f} × sin at {float(f2):.0f} Hz", fontsize=10)
    verdict = "two separate peaks" if resolved else "one merged peak (not resolved)"
    text = (f"{abs(float(f1) - float(f2)):.0f} Hz apart, bins {sr / n:.2f} Hz wide (N = {n}): {verdict}; "
            f"peaks at {', '.join(f'{p:.0f}' for p in near[:4]) or '—'} Hz.")
    data = {"freqs": freqs, "db": db, "peaks_hz": near, "bin_hz": sr / n, "resolved": resolved}
    return View(fig, text, None, data)


def two_sines_explorer(*, f1: float = 1000.0, f2: float = 1250.0, a2: float = 0.5, n: int = 256):
    """Two sinusoids → spectrum: when are two tones resolved, and does zero padding help?

    Notebook: ``03_fourier_transform.ipynb``.

    Parameters
    ----------
    f1, f2 : float
        Starting frequencies in Hz.
    a2 : float
        Starting amplitude of the second sinusoid.
    n : int
        Starting frame length in samples (a power of two from 64 to 2048).

    Returns
    -------
    ipywidgets.VBox
        Controls and output; ``.controls`` and ``.view_output`` as in :func:`tone_explorer`.

    Examples
    --------
    >>> from musiclearn.widgets import two_sines_explorer
    >>> sorted(two_sines_explorer().controls)
    ['a2', 'f1', 'f2', 'n', 'window', 'zero_pad']
    """
    import ipywidgets as widgets

    sizes = [64, 128, 256, 512, 1024, 2048]
    if n not in sizes:
        raise ValueError(f"n must be one of {sizes} samples, got {n!r}.")
    common = {"continuous_update": False, "style": _slider_style()}
    controls = {
        "f1": widgets.FloatSlider(value=f1, min=0.0, max=4000.0, step=10.0, description="f1 (Hz)",
                                  readout_format=".0f", **common),
        "f2": widgets.FloatSlider(value=f2, min=0.0, max=4000.0, step=10.0, description="f2 (Hz)",
                                  readout_format=".0f", **common),
        "a2": widgets.FloatSlider(value=a2, min=0.0, max=1.0, step=0.05, description="amplitude 2", **common),
        "n": widgets.SelectionSlider(options=sizes, value=n, description="frame length N (samples)", **common),
        "zero_pad": widgets.SelectionSlider(options=[1, 2, 4, 8], value=1, description="zero padding ×",
                                            **common),
        "window": widgets.Dropdown(options=list(WINDOWS), value="hann", description="window",
                                   style=_slider_style()),
    }
    return explore(render_two_sines, **controls)
