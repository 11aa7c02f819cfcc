"""musiclearn.plot: every helper returns (fig, ax), labels its axes with units and leaks no figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from musiclearn import plot  # noqa: E402

SR = 8000


pytestmark = pytest.mark.usefixtures("no_figure_leak")   # see tests/conftest.py


def _tone(freq: float, n: int, sr: int = SR, amplitude: float = 1.0) -> np.ndarray:
    return amplitude * np.sin(2 * np.pi * freq * np.arange(n) / sr)


def _power_spectrogram(n_fft: int = 256, frames: int = 30) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random((n_fft // 2 + 1, frames)) + 1e-3


def _mel_like(n_mels: int = 40, frames: int = 30) -> np.ndarray:
    return np.random.default_rng(1).normal(-40, 10, size=(n_mels, frames))


def _filterbank(n_fft: int = 256, n_filters: int = 6) -> np.ndarray:
    fb = np.zeros((n_filters, n_fft // 2 + 1))
    for i in range(n_filters):
        lo, c, hi = 5 + 15 * i, 12 + 15 * i, 20 + 15 * i
        fb[i, lo:c + 1] = np.linspace(0, 1, c - lo + 1)
        fb[i, c:hi + 1] = np.linspace(1, 0, hi - c + 1)
    return fb


def _roll() -> np.ndarray:
    roll = np.zeros((13, 20))
    roll[0, :5], roll[4, 5:10], roll[7, 10:20] = 90, 60, 127   # C4, E4, G4
    return roll


def _history():
    from musiclearn.train import History

    return History(train_loss=[2.0, 1.6, 1.4], val_loss=[2.1, 1.8, 1.9], best_epoch=1)


# One entry per helper: how to call it with valid data, and the units its axes must carry.
CASES = {
    "waveform": (lambda **kw: plot.waveform(_tone(440, 800), sr=SR, **kw), "(s)", None),
    "stem_samples": (lambda **kw: plot.stem_samples(_tone(440, 40), sr=SR, **kw), "(s)", None),
    "spectrum": (lambda **kw: plot.spectrum(_tone(1000, 256), sr=SR, window="hann", **kw), "(Hz)", "(dB)"),
    "window_response": (lambda **kw: plot.window_response(np.hanning(64), **kw), "(bins)", "(dB)"),
    "spectrogram": (lambda **kw: plot.spectrogram(_power_spectrogram(), sr=SR, hop_length=64, db=True, **kw),
                    "(s)", "(Hz)"),
    "spectrogram_log": (lambda **kw: plot.spectrogram(_power_spectrogram(), sr=SR, hop_length=64, db=True,
                                                      y_axis="log", **kw), "(s)", "(Hz)"),
    "spectrogram_mel": (lambda **kw: plot.spectrogram(_mel_like(), sr=SR, hop_length=64, y_axis="mel", **kw),
                        "(s)", "Hz"),
    "filterbank": (lambda **kw: plot.filterbank(_filterbank(), sr=SR, n_fft=256, **kw), "(Hz)", None),
    "coefficients": (lambda **kw: plot.coefficients(_mel_like(13), sr=SR, hop_length=64, **kw), "(s)", "index"),
    "melody": (lambda **kw: plot.melody([60, 62, 64, 60], **kw), "(quarter notes)", "Pitch"),
    "piano_roll": (lambda **kw: plot.piano_roll(_roll(), fs=10, lowest_pitch=60, **kw), "(s)", "Pitch"),
    "loss_curves": (lambda **kw: plot.loss_curves(_history(), **kw), "Epoch", "(bits per token)"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_returns_new_small_figure_with_units(name):
    call, x_unit, y_unit = CASES[name]
    fig, ax = call()
    try:
        assert isinstance(fig, matplotlib.figure.Figure)
        assert ax in fig.axes
        width, height = fig.get_size_inches()
        assert width <= 10 and height <= 4, "helpers make small figures"
        assert x_unit in ax.get_xlabel(), f"x label {ax.get_xlabel()!r} lacks {x_unit}"
        if y_unit is not None:
            assert y_unit in ax.get_ylabel(), f"y label {ax.get_ylabel()!r} lacks {y_unit}"
        assert ax.get_ylabel(), "y axis is labelled"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", sorted(CASES))
def test_draws_into_the_given_axes(name):
    call, _, _ = CASES[name]
    fig, (left, right) = plt.subplots(1, 2)
    try:
        got_fig, got_ax = call(ax=right)
        assert got_ax is right and got_fig is fig
        assert plt.get_fignums() == [fig.number], "no extra figure when ax is given"
        assert right.has_data() and not left.has_data()
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", ["spectrogram", "spectrogram_log", "spectrogram_mel"])
def test_spectrogram_colour_bar_is_in_db(name):
    fig, ax = CASES[name][0]()
    try:
        mappable = (ax.images or ax.collections)[0]
        assert mappable.colorbar is not None
        assert mappable.colorbar.ax.get_ylabel() == "dB"
        assert len(fig.axes) == 2
    finally:
        plt.close(fig)


def test_colour_bars_can_be_switched_off():
    fig, ax = plot.spectrogram(_mel_like(), sr=SR, hop_length=64, y_axis="mel", colorbar=False)
    fig2, ax2 = plot.coefficients(_mel_like(13), sr=SR, hop_length=64, colorbar=False)
    try:
        assert len(fig.axes) == 1 and len(fig2.axes) == 1
    finally:
        plt.close(fig)
        plt.close(fig2)


def test_coefficients_colour_bar_names_the_coefficients():
    fig, ax = plot.coefficients(_mel_like(13), sr=SR, hop_length=64, label="MFCC")
    try:
        cbar = ax.images[0].colorbar
        assert cbar is not None and "MFCC" in cbar.ax.get_ylabel()
        assert ax.get_ylabel() == "MFCC index"
    finally:
        plt.close(fig)


def test_waveform_time_axis_spans_the_signal():
    fig, ax = plot.waveform(_tone(100, 4000), sr=SR)  # 0.5 s
    try:
        lo, hi = ax.get_xlim()
        assert lo == 0 and hi == pytest.approx(3999 / SR)
        x, y = ax.lines[0].get_data()
        assert len(x) == 4000 and np.allclose(y, _tone(100, 4000))
    finally:
        plt.close(fig)


def test_long_waveform_is_drawn_as_an_envelope_that_keeps_the_peaks():
    y = np.zeros(200_000)
    y[123_457] = 0.9  # a single click must survive the decimation
    y[7] = -0.7
    fig, ax = plot.waveform(y, sr=SR, max_points=1000)
    try:
        assert not ax.lines, "long signals are drawn as a filled envelope"
        (poly,) = ax.collections
        verts = poly.get_paths()[0].vertices
        assert len(verts) < 5000
        assert verts[:, 1].max() == pytest.approx(0.9)
        assert verts[:, 1].min() == pytest.approx(-0.7)
    finally:
        plt.close(fig)


def test_stem_samples_places_each_sample_at_its_time():
    y = _tone(440, 20)
    fig, ax = plot.stem_samples(y, sr=SR)
    try:
        markers = ax.lines[0]
        x, yy = markers.get_data()
        assert np.allclose(x, np.arange(20) / SR)
        assert np.allclose(yy, y)
    finally:
        plt.close(fig)


def test_spectrum_peak_sits_at_the_tone_with_its_amplitude():
    n = 256
    k = 32  # exactly on a bin: 32 * 8000 / 256 = 1000 Hz
    fig, ax = plot.spectrum(_tone(1000, n, amplitude=0.5), sr=SR)
    try:
        f, db = ax.lines[0].get_data()
        assert f[np.argmax(db)] == pytest.approx(k * SR / n)
        assert db.max() == pytest.approx(20 * np.log10(0.5), abs=1e-6)
        assert f[-1] == pytest.approx(SR / 2)
    finally:
        plt.close(fig)


def test_spectrum_amplitude_is_window_independent_and_linear_option_works():
    fig, ax = plot.spectrum(_tone(1000, 256, amplitude=0.5), sr=SR, window="hann", db=False)
    try:
        f, amp = ax.lines[0].get_data()
        assert amp.max() == pytest.approx(0.5, rel=1e-9)
        assert ax.get_ylabel() == "Amplitude"
    finally:
        plt.close(fig)


def test_spectrum_zero_padding_gives_more_points():
    fig, ax = plot.spectrum(_tone(1000, 256), sr=SR, n_fft=1024)
    try:
        f, _ = ax.lines[0].get_data()
        assert len(f) == 513 and f[1] == pytest.approx(SR / 1024)
    finally:
        plt.close(fig)


def test_window_response_is_0_db_at_dc_and_shows_hann_sidelobes():
    fig, ax = plot.window_response(np.hanning(64 + 1)[:-1], n_fft=64 * 64)
    try:
        bins, db = ax.lines[0].get_data()
        assert db[np.argmin(np.abs(bins))] == pytest.approx(0.0, abs=1e-9)
        outside = db[np.abs(bins) > 2.0]  # Hann's main lobe is ±2 bins
        assert outside.max() == pytest.approx(-31.5, abs=0.3)
    finally:
        plt.close(fig)


def test_window_response_samples_64_points_per_bin_by_default_for_any_length():
    for n in (16, 10_000):
        fig, ax = plot.window_response(np.ones(n))
        try:
            bins, _ = ax.lines[0].get_data()
            assert len(bins) == 64 * n
            assert bins[1] - bins[0] == pytest.approx(1 / 64)
        finally:
            plt.close(fig)


def test_several_windows_share_one_axes_with_a_legend():
    fig, ax = plot.window_response(np.ones(32), label="rectangular")
    try:
        plot.window_response(np.hanning(32), ax=ax, label="Hann")
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == ["rectangular", "Hann"]
    finally:
        plt.close(fig)


def test_spectrogram_db_conversion_is_relative_to_the_maximum():
    S = np.full((129, 10), 1e-12)
    S[20, 5] = 4.0
    S[40, 5] = 0.04  # 20 dB below the peak
    fig, ax = plot.spectrogram(S, sr=SR, hop_length=64, db=True, top_db=60.0)
    try:
        img = ax.images[0].get_array()
        assert img.max() == pytest.approx(0.0)
        assert img[40, 5] == pytest.approx(-20.0)
        assert img.min() == pytest.approx(-60.0)  # clipped at top_db
        assert ax.get_ylim() == (0.0, SR / 2)
        assert ax.get_xlim() == pytest.approx((0.0, 10 * 64 / SR))
    finally:
        plt.close(fig)


def test_spectrogram_log_axis_is_logarithmic():
    fig, ax = plot.spectrogram(_power_spectrogram(), sr=SR, hop_length=64, db=True, y_axis="log", fmin=50.0)
    try:
        assert ax.get_yscale() == "log"
        assert ax.get_ylim()[0] == pytest.approx(50.0)
    finally:
        plt.close(fig)


def test_mel_ticks_are_in_hz_and_increase():
    fig, ax = plot.spectrogram(_mel_like(64), sr=22050, hop_length=512, y_axis="mel")
    try:
        labels = [int(t.get_text()) for t in ax.get_yticklabels()]
        ticks = ax.get_yticks()
        assert len(labels) >= 3
        assert labels == sorted(labels) and all(0 < f <= 11025 for f in labels)
        assert np.all(np.diff(ticks) > 0)
        # mel spacing: a 1 kHz step takes fewer rows high up than low down
        pos = dict(zip(labels, ticks))
        if {1000, 2000, 4000, 8000} <= pos.keys():
            assert pos[2000] - pos[1000] > (pos[8000] - pos[4000]) / 2
    finally:
        plt.close(fig)


def test_filterbank_draws_one_line_per_filter_over_hz():
    fb = _filterbank()
    fig, ax = plot.filterbank(fb, sr=SR, n_fft=256)
    try:
        assert len(ax.lines) == fb.shape[0]
        f, w = ax.lines[2].get_data()
        assert f[-1] == pytest.approx(SR / 2)
        assert np.allclose(w, fb[2])
    finally:
        plt.close(fig)


def test_titles_are_set_when_given():
    fig, ax = plot.waveform(_tone(440, 100), sr=SR, title="A4")
    try:
        assert ax.get_title() == "A4"
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plot.waveform(np.zeros((2, 100)), sr=SR), "1-D"),
        (lambda: plot.waveform(np.array([]), sr=SR), "empty"),
        (lambda: plot.waveform(np.array([0.0, np.nan]), sr=SR), "NaN"),
        (lambda: plot.waveform(np.zeros(10), sr=0), "sampling rate"),
        (lambda: plot.waveform(np.zeros(10), sr=-8000), "sampling rate"),
        (lambda: plot.stem_samples(np.zeros(10_000), sr=SR), "slice"),
        (lambda: plot.spectrum(np.zeros(256), sr=SR, n_fft=128), "n_fft"),
        (lambda: plot.spectrum(np.zeros(256), sr=SR, window="nonsense"), "Unknown window"),
        (lambda: plot.spectrum(np.zeros(256), sr=SR, window=np.ones(10)), "must match"),
        (lambda: plot.spectrum(np.zeros(256) + 0j, sr=SR), "complex"),
        (lambda: plot.window_response(np.ones(64), n_fft=32), "n_fft"),
        (lambda: plot.spectrogram(np.zeros((129, 5)) + 0j, sr=SR, hop_length=64), "power"),
        (lambda: plot.spectrogram(np.zeros(129), sr=SR, hop_length=64), "2-D"),
        (lambda: plot.spectrogram(np.zeros((129, 5)), sr=SR, hop_length=0), "hop_length"),
        (lambda: plot.spectrogram(np.zeros((129, 5)), sr=SR, hop_length=64, y_axis="bark"), "y_axis"),
        (lambda: plot.spectrogram(np.zeros((100, 5)), sr=SR, hop_length=64, n_fft=256), "n_fft"),
        (lambda: plot.spectrogram(-np.ones((129, 5)), sr=SR, hop_length=64, db=True), "db=False"),
        (lambda: plot.spectrogram(np.zeros((129, 5)), sr=SR, hop_length=64, fmin=500, fmax=100), "fmin"),
        (lambda: plot.filterbank(np.zeros((4, 100)), sr=SR, n_fft=256), "n_fft"),
        (lambda: plot.coefficients(np.zeros(13), sr=SR, hop_length=64), "2-D"),
    ],
)
def test_bad_input_gives_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
    assert not plt.get_fignums(), "a failed call must not leave a half-drawn figure"


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, musiclearn.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- melody (notebooks 08 and 11)


def _tune():
    from musiclearn.melody import Melody, ScoreNote

    notes = [ScoreNote(67, 1.0, 0.0), ScoreNote(64, 0.5, 1.0), ScoreNote(64, 0.5, 1.5), ScoreNote(72, 2.0, 3.0)]
    return Melody(notes, title="test tune", time_signature="3/4")


def test_melody_draws_one_bar_per_note_at_its_onset_duration_and_pitch():
    tune = _tune()
    fig, ax = plot.melody(tune)
    try:
        bars = [(b.get_x(), b.get_width(), b.get_y() + b.get_height() / 2) for b in ax.patches]
        assert np.allclose(bars, [(n.offset, n.duration, n.pitch) for n in tune])
        assert ax.get_xlim() == (0.0, 5.0)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["E4", "G4", "C5"]
        assert ax.get_title() == "test tune"
        assert [line.get_xdata()[0] for line in ax.lines] == [3.0], "3/4: one bar line every 3 quarter notes"
    finally:
        plt.close(fig)


def test_melody_greys_the_prompt_and_says_so_in_a_legend():
    fig, ax = plot.melody(_tune(), prompt_notes=2, prompt_color="0.65", color="tab:blue")
    try:
        grey, blue = matplotlib.colors.to_hex("0.65"), matplotlib.colors.to_hex("tab:blue")
        assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches] == [grey, grey, blue, blue]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["prompt (2 notes)", "continuation"]
    finally:
        plt.close(fig)


def test_melody_takes_plain_pitches_and_empty_melodies():
    fig, ax = plot.melody([60, 62, None, 64], title="")
    fig2, ax2 = plot.melody([])
    try:
        assert [b.get_x() for b in ax.patches] == [0.0, 1.0, 3.0], "None is a quarter-note rest"
        assert ax.get_title() == "" and not ax.lines, "no time signature, no bar lines"
        assert ax.get_legend() is None
        assert not ax2.patches and ax2.get_xlabel() == "Time (quarter notes)"
    finally:
        plt.close(fig)
        plt.close(fig2)


def test_melody_with_many_pitches_names_only_the_cs():
    fig, ax = plot.melody(list(range(50, 80)))
    try:
        assert [t.get_text() for t in ax.get_yticklabels()] == ["C4", "C5"]
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plot.melody(_tune(), prompt_notes=5), "prompt_notes"),
        (lambda: plot.melody(_tune(), prompt_notes=True), "prompt_notes"),
        (lambda: plot.melody("C D E"), "MIDI pitches"),
        (lambda: plot.melody([60, 200]), "0..127"),
    ],
)
def test_melody_bad_input_gives_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
    assert not plt.get_fignums(), "a failed call must not leave a half-drawn figure"


def test_piano_roll_names_pitches_and_shows_velocity():
    fig, ax = plot.piano_roll(_roll(), fs=10, lowest_pitch=60, title="triad")
    try:
        assert [t.get_text() for t in ax.get_yticklabels()][:5] == ["C4", "C#4", "D4", "D#4", "E4"]
        assert ax.images[0].colorbar.ax.get_ylabel() == "Velocity"
        assert ax.get_xlim() == (0.0, 2.0) and ax.get_title() == "triad"
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="2-D"):
        plot.piano_roll(np.zeros(10))
    assert not plt.get_fignums()


def test_midi_plot_piano_roll_is_the_plot_helper():
    from musiclearn import midi

    assert midi.plot_piano_roll is plot.piano_roll


def test_loss_curves_mark_the_best_epoch_in_bits():
    import math

    fig, ax = plot.loss_curves(_history())
    try:
        train_line, val_line, best = ax.lines
        assert list(train_line.get_ydata()) == pytest.approx([2.0 / math.log(2), 1.6 / math.log(2), 1.4 / math.log(2)])
        assert list(best.get_xdata()) == [2, 2]   # epoch 2 (1-based) had the lowest validation loss
    finally:
        plt.close(fig)
