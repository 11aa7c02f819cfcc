"""Windows, framing, leakage measurements and the COLA condition (notebook 02)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiclearn import windows

NAMES = ["rectangular", "hann", "hamming", "blackman"]
SCIPY_NAMES = {"rectangular": "boxcar", "hann": "hann", "hamming": "hamming", "blackman": "blackman"}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fftbins", [True, False])
def test_get_window_equals_scipy(name, fftbins):
    from scipy.signal import get_window as scipy_get_window

    for n in (1, 2, 3, 7, 64, 255, 1024):
        ours = windows.get_window(name, n, fftbins=fftbins)
        theirs = scipy_get_window(SCIPY_NAMES[name], n, fftbins=fftbins)
        assert ours.shape == (n,) and ours.dtype == np.float64
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-14)


def test_window_names_are_case_insensitive_with_aliases():
    np.testing.assert_array_equal(windows.get_window("Boxcar", 16), np.ones(16))
    np.testing.assert_array_equal(windows.get_window("RECT", 16), windows.get_window("rectangular", 16))
    np.testing.assert_array_equal(windows.get_window("HANN", 16), windows.get_window("hann", 16))


def test_symmetric_and_periodic_windows_differ_as_documented():
    sym = windows.get_window("hann", 9, fftbins=False)
    per = windows.get_window("hann", 9, fftbins=True)
    np.testing.assert_allclose(sym, sym[::-1], atol=1e-15)
    assert sym[0] == pytest.approx(0.0, abs=1e-15) and sym[-1] == pytest.approx(0.0, abs=1e-15)
    # The periodic window is the symmetric window of n + 1 samples without its last sample.
    np.testing.assert_allclose(per, windows.get_window("hann", 10, fftbins=False)[:-1], atol=1e-15)
    assert per[-1] > 0


def test_cosine_sum_coefficients_sum_to_the_window_peak():
    for name in NAMES:
        coefficients = windows.cosine_sum_coefficients(name)
        # At the centre of a symmetric odd-length window cos(pi*k) cancels the sign (-1)**k.
        centre = windows.get_window(name, 101, fftbins=False)[50]
        assert centre == pytest.approx(sum(coefficients), abs=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        (("kaiser", 16), "Unknown window"),
        (("hann", 0), "at least 1"),
        (("hann", 2.5), "whole number"),
        (("hann", True), "whole number"),
        ((3, 16), "must be a name"),
    ],
)
def test_get_window_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        windows.get_window(*args)


def test_frame_matches_librosa_and_is_a_view():
    import librosa

    y = np.arange(50, dtype=np.float32)
    for frame_length, hop in [(10, 5), (7, 3), (50, 1), (1, 1), (8, 20)]:
        ours = windows.frame(y, frame_length=frame_length, hop_length=hop)
        theirs = librosa.util.frame(y, frame_length=frame_length, hop_length=hop)
        np.testing.assert_array_equal(ours, theirs)
        assert np.shares_memory(ours, y)
    stereo = np.stack([y, -y])
    np.testing.assert_array_equal(
        windows.frame(stereo, frame_length=8, hop_length=4),
        librosa.util.frame(stereo, frame_length=8, hop_length=4),
    )


def test_frame_columns_are_the_slices_and_tail_is_dropped():
    y = np.arange(11.0)
    frames = windows.frame(y, frame_length=4, hop_length=3)
    assert frames.shape == (4, 3)
    for t in range(3):
        np.testing.assert_array_equal(frames[:, t], y[3 * t : 3 * t + 4])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(frame_length=20, hop_length=1), "fewer than frame_length"),
        (dict(frame_length=4, hop_length=0), "at least 1"),
        (dict(frame_length=0, hop_length=1), "at least 1"),
    ],
)
def test_frame_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        windows.frame(np.zeros(10), **kwargs)


# -- leakage ---------------------------------------------------------------------------


def test_window_response_is_normalised_and_symmetric():
    w = windows.get_window("hann", 32)
    freqs, db = windows.window_response(w)
    assert freqs.shape == db.shape == (64 * 32,)
    assert np.all(np.diff(freqs) > 0)
    assert freqs[0] == -16 and freqs[-1] < 16
    assert db[freqs == 0][0] == 0.0 and db.max() == pytest.approx(0.0, abs=1e-12)
    # A real window leaks equally to both sides: the response is even in frequency.
    positive = db[(freqs > 0)]
    negative = db[(freqs < 0) & (freqs > -16)][::-1]
    np.testing.assert_allclose(positive, negative, atol=1e-9)


def test_rectangular_response_has_nulls_on_integer_bins_and_scalloping_between():
    freqs, db = windows.window_response(windows.get_window("rectangular", 32), n_fft=32 * 16)
    for k in (1, 2, 5, -3):
        assert db[freqs == k][0] < -250
    # Half a bin off-centre, a rectangular window loses 20*log10(2/pi) = -3.92 dB.
    assert db[freqs == 0.5][0] == pytest.approx(20 * np.log10(2 / np.pi), abs=0.01)


@pytest.mark.parametrize(
    "name, width, sidelobe",
    [("rectangular", 2.0, -13.3), ("hann", 4.0, -31.5), ("hamming", 4.0, -42.7), ("blackman", 6.0, -58.1)],
)
def test_main_lobe_width_and_highest_sidelobe(name, width, sidelobe):
    w = windows.get_window(name, 1024)
    assert windows.main_lobe_width(w) == pytest.approx(width, abs=1 / 64)
    assert windows.highest_sidelobe_db(w) == pytest.approx(sidelobe, abs=0.1)


def test_wider_main_lobe_buys_lower_sidelobes():
    rows = windows.leakage_table(n=256)
    assert [row["window"] for row in rows] == NAMES
    by_name = {row["window"]: row for row in rows}
    order = ["rectangular", "hann", "blackman"]
    widths = [by_name[n]["main_lobe_width_bins"] for n in order]
    levels = [by_name[n]["highest_sidelobe_db"] for n in order]
    assert widths == sorted(widths) and levels == sorted(levels, reverse=True)
    # Hamming trades Hann's fast side-lobe fall-off for a lower first side lobe at the same width.
    assert by_name["hamming"]["main_lobe_width_bins"] == by_name["hann"]["main_lobe_width_bins"]
    assert by_name["hamming"]["highest_sidelobe_db"] < by_name["hann"]["highest_sidelobe_db"]


def test_leakage_table_gains_and_noise_bandwidths():
    by_name = {row["window"]: row for row in windows.leakage_table(n=512)}
    expected = {"rectangular": (1.0, 1.0), "hann": (0.5, 1.5), "hamming": (0.54, 1.3628), "blackman": (0.42, 1.7268)}
    for name, (gain, enbw) in expected.items():
        assert by_name[name]["coherent_gain"] == pytest.approx(gain, abs=1e-9)
        assert by_name[name]["enbw_bins"] == pytest.approx(enbw, abs=1e-3)


def test_leakage_spreads_to_both_sides_and_a_taper_reduces_far_leakage():
    n = 256
    t = np.arange(n)
    y = np.sin(2 * np.pi * 20.5 * t / n)  # 20.5 periods: not a whole number in the frame
    rect = np.abs(np.fft.rfft(y))
    hann = np.abs(np.fft.rfft(y * windows.get_window("hann", n)))
    # Energy appears both below and above 20.5 bins, not just "at higher frequencies".
    assert rect[18] > 0.05 * rect.max() and rect[23] > 0.05 * rect.max()
    assert rect[20] == pytest.approx(rect[21], rel=0.05) and rect[18] == pytest.approx(rect[23], rel=0.2)
    # Far from the tone the Hann window leaks orders of magnitude less.
    assert hann[60] / hann.max() < 1e-3 * rect[60] / rect.max()


def test_window_response_rejects_bad_input():
    with pytest.raises(ValueError, match="shorter than the window"):
        windows.window_response(np.ones(16), n_fft=8)
    with pytest.raises(ValueError, match="1-D window"):
        windows.window_response(np.ones((2, 8)))
    with pytest.raises(ValueError, match="sums to zero"):
        windows.window_response(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="finite"):
        windows.window_response(np.array([1.0, np.nan]))


# -- COLA ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, n, hop, expected",
    [
        ("hann", 1024, 512, True),  # 50 % overlap
        ("hann", 1024, 256, True),  # 75 %
        ("rectangular", 1024, 512, True),
        ("rectangular", 1024, 1024, True),
        ("hann", 1000, 400, False),  # 60 %
        ("hamming", 1024, 512, True),
        ("blackman", 999, 333, True),
        ("blackman", 1024, 512, False),
    ],
)
def test_is_cola(name, n, hop, expected):
    assert windows.is_cola(name, n=n, hop=hop) is expected


def test_symmetric_hann_is_only_approximately_cola():
    symmetric = windows.get_window("hann", 1024, fftbins=False)
    error = windows.cola_error(symmetric, hop=512)
    assert 1e-4 < error < 1e-2
    assert not windows.is_cola(symmetric, hop=512)


def test_squared_hann_needs_75_percent_overlap():
    assert windows.is_cola("hann", n=512, hop=128, power=2)
    assert not windows.is_cola("hann", n=512, hop=256, power=2)


def _brute_force_ripple(w: np.ndarray, hop: int) -> float:
    """Overlap-add many shifted copies and measure the ripple far from the ends."""
    n = w.size
    copies = 4 * (n // hop + 2)
    total = np.zeros(copies * hop + n)
    for k in range(copies):
        total[k * hop : k * hop + n] += w
    middle = total[2 * n : 2 * n + hop]
    return (middle.max() - middle.min()) / middle.mean()


@settings(max_examples=60, deadline=None, database=None)
@given(
    w=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=40).map(np.array),
    hop_fraction=st.floats(0.01, 1.0),
)
def test_cola_error_equals_brute_force_overlap_add(w, hop_fraction):
    hop = max(1, int(round(hop_fraction * w.size)))
    assert windows.cola_error(w, hop=hop) == pytest.approx(_brute_force_ripple(w, hop), abs=1e-9)


@settings(max_examples=40, deadline=None, database=None)
@given(quarter=st.integers(1, 256))
def test_periodic_hann_is_cola_at_half_and_quarter_hops(quarter):
    n = 4 * quarter
    assert windows.is_cola("hann", n=n, hop=n // 2)
    assert windows.is_cola("hann", n=n, hop=n // 4)
    assert windows.is_cola("rectangular", n=n, hop=quarter)


def test_cola_rejects_bad_arguments():
    with pytest.raises(ValueError, match="leave gaps"):
        windows.cola_error("hann", n=64, hop=65)
    with pytest.raises(ValueError, match="n="):
        windows.cola_error("hann", hop=16)
    with pytest.raises(ValueError, match="only together with a window name"):
        windows.cola_error(np.ones(8), hop=4, n=8)
    with pytest.raises(ValueError, match="positive average"):
        windows.cola_error(np.zeros(8), hop=4)


def test_dsp_modules_import_neither_torch_nor_widgets_nor_plotting():
    import json
    import subprocess
    import sys

    dsp = ["signals", "windows", "fourier", "stft", "mel", "mfcc", "audio"]
    code = ("import sys, json; " + "; ".join(f"import musiclearn.{m}" for m in dsp) + "; "
            "print(json.dumps([m for m in ('torch', 'matplotlib', 'ipywidgets', 'musiclearn.widgets', "
            "'musiclearn.plot', 'musiclearn.torch_features') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


# -- one way to turn a window= argument into samples, and one amplitude spectrum -----------


def test_window_samples_reads_every_kind_of_window():
    from scipy.signal import get_window as scipy_get_window

    np.testing.assert_array_equal(windows.window_samples("Hann", 16), windows.get_window("hann", 16))
    np.testing.assert_array_equal(windows.window_samples("boxcar", 4), np.ones(4))
    np.testing.assert_array_equal(windows.window_samples(None, 4), np.ones(4))
    np.testing.assert_allclose(windows.window_samples(("kaiser", 8.0), 16), scipy_get_window(("kaiser", 8.0), 16))
    np.testing.assert_array_equal(windows.window_samples(np.hanning, 8), np.hanning(8))
    np.testing.assert_array_equal(windows.window_samples(np.arange(3.0), 3, pad_to=7), [0, 0, 0, 1, 2, 0, 0])
    with pytest.raises(ValueError, match="Unknown window 'nonsense'"):
        windows.window_samples("nonsense", 8)
    with pytest.raises(ValueError, match="exactly 8 samples"):
        windows.window_samples(np.ones(5), 8)
    with pytest.raises(ValueError, match="pad_to=4 is shorter"):
        windows.window_samples("hann", 8, pad_to=4)


@pytest.mark.parametrize("window", [None, "hann", "blackman", windows.get_window("hamming", 256)])
def test_a_bin_centred_sinusoid_reads_its_amplitude_with_any_window(window):
    from musiclearn.fourier import amplitude_spectrum

    sr, n = 8000, 256
    y = 0.3 * np.cos(2 * np.pi * 1000 * np.arange(n) / sr) + 0.1   # 0.1 at 0 Hz is not doubled
    freqs, amp = amplitude_spectrum(y, sr=sr, window=window)
    assert freqs[32] == 1000.0 and freqs[-1] == sr / 2
    assert amp[32] == pytest.approx(0.3, rel=1e-9) and amp[0] == pytest.approx(0.1, rel=1e-9)
    zoomed_freqs, zoomed = amplitude_spectrum(y, sr=sr, window=window, n_fft=4 * n)
    assert zoomed[128] == pytest.approx(0.3, rel=1e-9) and zoomed_freqs[128] == 1000.0
    with pytest.raises(ValueError, match="shorter than the signal"):
        amplitude_spectrum(y, sr=sr, n_fft=128)
