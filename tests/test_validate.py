"""The argument checks the modules share: the same mistake gets the same answer everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from musiclearn import _validate, fourier, mel, plot, signals, stft, windows
from musiclearn.errors import AudioError


@pytest.mark.parametrize("call", [
    lambda: windows.get_window("hann", 0),
    lambda: stft.stft(np.zeros(4096, np.float32), n_fft=0),
    lambda: mel.mel_filterbank(sr=22050, n_fft=0),
    lambda: fourier.fft_frequencies(sr=8000, n_fft=0),
    lambda: plot.spectrogram(np.zeros((129, 4)), sr=8000, hop_length=64, n_fft=0),
])
def test_a_bad_length_gets_one_wording_in_every_module(call):
    with pytest.raises(ValueError, match=r"must be a positive integer \(a whole number of samples, at least 1\), got 0"):
        call()


@pytest.mark.parametrize("call", [
    lambda: signals.tone(440.0, sr=0),
    lambda: fourier.fft_frequencies(sr=-1.0),
    lambda: mel.mel_filterbank(sr=0, n_fft=512),
    lambda: plot.waveform(np.zeros(8), sr=float("nan")),
])
def test_a_bad_sampling_rate_gets_one_wording_in_every_module(call):
    with pytest.raises(ValueError, match=r"sr must be a positive sampling rate in Hz \(a finite number"):
        call()


def test_positive_int_accepts_numpy_integers_and_refuses_bools_and_floats():
    assert _validate.positive_int(np.int32(3), "n") == 3 and type(_validate.positive_int(np.int32(3), "n")) is int
    for bad in (True, 2.0, "2", None, -1):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            _validate.positive_int(bad, "n")


def test_sample_rate_whole_or_not():
    assert _validate.sample_rate(22050) == 22050.0 and _validate.sample_rate(44.1) == 44.1
    assert _validate.sample_rate(22050.0, whole=True) == 22050
    with pytest.raises(ValueError, match="a whole number such as 22050"):
        _validate.sample_rate(44.1, whole=True)


@pytest.mark.parametrize("y, options, words", [
    (np.array(["a"]), {}, "must hold real numbers"),
    (np.array([1 + 1j]), {}, "is complex"),
    (np.array([True]), {"dtype": "number"}, "must hold numbers"),
    (np.zeros(3, np.int16), {"dtype": "float"}, "convert them to floating point"),
    (np.float64(1.0), {}, "not a single number"),
    (np.zeros((2, 3)), {"ndim": 1}, "1-D signal"),
    (np.zeros((2, 3, 4)), {"ndim": (1, 2)}, "(channels, n)"),
    (np.zeros(0), {}, "is empty"),
    (np.zeros((9, 2)), {"ndim": (1, 2), "channels_first": True}, "pass y.T"),
    (np.array([0.0, np.inf]), {}, "NaN or infinite values (first at flat index 1)"),
])
def test_signal_checks_say_what_is_wrong(y, options, words):
    with pytest.raises(ValueError) as info:
        _validate.signal(y, **options)
    assert words in str(info.value)


def test_signal_returns_the_array_unchanged():
    y = np.arange(4, dtype=np.int16)
    assert _validate.signal(y) is y
    assert _validate.signal(np.zeros(0), allow_empty=True).size == 0


def test_stft_sizes_fill_in_the_defaults_as_librosa():
    assert _validate.stft_sizes(1024, None, 512) == (1024, 128, 512)
    with pytest.raises(ValueError, match="skip samples"):
        _validate.stft_sizes(512, 600, None)


def test_existing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        _validate.existing_file(tmp_path / "missing.wav", AudioError)
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        _validate.existing_file(tmp_path / "empty.wav", AudioError)
    with pytest.raises(AudioError, match="directory"):
        _validate.existing_file(tmp_path, AudioError)


def test_pitch_range_is_shared_by_data_and_tokens():
    from musiclearn import data, tokens
    from musiclearn.corpus import Melody

    for call in (lambda: tokens.EventTokenizer(pitch_range=(0, 128)),
                 lambda: data.clean([Melody.from_pitches([60])], pitch_range=(0, 128))):
        with pytest.raises(ValueError, match=r"pitch_range must hold MIDI note numbers 0-127"):
            call()
