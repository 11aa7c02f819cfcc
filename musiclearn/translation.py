"""Spectrogram-to-spectrogram translation with attention: a Translatotron in miniature.

Notebook: ``16_spectrogram_translation.ipynb`` teaches this module.

The task: the same melody played by instrument A at one tempo and by
instrument B at another. A model reads A's mel spectrogram and writes B's,
frame by frame. The two are *not* frame-aligned (B is slower), so the model
has to learn where in A it is while it writes B: that is what the attention
does.

* data: :func:`render_pairs` (one FluidSynth pass per instrument, then cut per
  melody), :func:`log_mel` (Part I's :func:`musiclearn.mel.melspectrogram` in
  dB, with the input checks), :func:`split`;
* baselines: :func:`copy_baseline`, :func:`stretch_baseline`,
  :func:`envelope_baseline` (with :func:`average_envelope`);
* measures: :func:`mel_l1` and :func:`log_spectral_distance` (dB),
  :func:`alignment_path` and :func:`is_monotonic`;
* the model: :func:`Translator` (conv + bidirectional GRU encoder;
  location-sensitive attention; GRU decoder with a pre-net, ``r`` frames per
  step and a stop token), trained by :func:`fit` with teacher forcing and a
  guided (diagonal) attention loss; :func:`translate` runs it
  autoregressively until the stop token fires;
* the vocoder: :func:`mel_to_magnitude` (filterbank pseudo-inverse) and
  :func:`griffin_lim` built on Part I's :func:`musiclearn.stft.stft` /
  :func:`musiclearn.stft.istft`, with its spectral-convergence curve;
* :func:`save_model` / :func:`load_model` (``torch.load(..., weights_only=True)``)
  and :func:`benchmark` (the numbers ``python -m musiclearn.bench audio-gen``
  reports).

Why not :func:`musiclearn.train.train`? That loop scores next-token
cross-entropy; this model regresses spectrogram frames and a stop flag and
adds an attention loss, so :func:`fit` is a short loop of its own. It uses
the same device choice (:func:`musiclearn.train.choose_device`).

torch is imported when a function needs it.
"""

from __future__ import annotations

import io
import math
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import _validate
from .errors import DataError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

__all__ = [
    "SR", "N_FFT", "HOP_LENGTH", "N_MELS", "FLOOR_DB", "CHECKPOINT_FORMAT",
    "check_audio", "log_mel", "Pair", "render_pairs", "split",
    "fit_length", "copy_baseline", "stretch_baseline", "average_envelope", "envelope_baseline",
    "mel_l1", "log_spectral_distance", "alignment_path", "is_monotonic", "guided_attention_weights",
    "Translator", "fit", "translate", "save_model", "load_model",
    "mel_to_magnitude", "spectral_convergence", "griffin_lim", "vocode",
    "Experiment", "experiment", "benchmark",
]

#: Sampling rate of every clip, Hz (melodies need no more than 4 kHz of bandwidth here).
SR = 8000
#: FFT length in samples (64 ms at 8 kHz).
N_FFT = 512
#: Hop in samples (32 ms at 8 kHz: 31.25 frames per second).
HOP_LENGTH = 256
#: Mel bands.
N_MELS = 40
#: Log-mel floor in dB (relative to full scale); quieter bins are clipped to it.
FLOOR_DB = -80.0
#: Tag and version written into checkpoints by :func:`save_model`.
CHECKPOINT_FORMAT = ("musiclearn-translation", 1)


# ----------------------------------------------------------------------------- features


def check_audio(y: Any, *, sr: float, expected_sr: float = SR, n_fft: int = N_FFT, name: str = "y") -> np.ndarray:
    """Validate a mono clip for :func:`log_mel`; return it as float32.

    Notebook: ``16_spectrogram_translation.ipynb`` (bad input).

    Raises
    ------
    ValueError
        NaN or infinite samples, more than one channel, a sampling rate other
        than ``expected_sr``, or a clip shorter than one frame (``n_fft`` samples).

    Examples
    --------
    >>> check_audio(np.zeros(100), sr=8000)
    Traceback (most recent call last):
    ...
    ValueError: the clip has 100 samples, shorter than one frame (512 samples = 64 ms at 8000 Hz); give a longer clip.
    """
    arr = np.asarray(y)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers (audio samples), got dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be mono audio, one axis of samples; got shape {arr.shape} "
                         "(musiclearn.audio.to_mono mixes channels down).")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite sample(s); remove or replace them "
                         "(e.g. np.nan_to_num) first.")
    rate = _validate.sample_rate(sr)
    if float(rate) != float(expected_sr):
        raise ValueError(f"the audio is sampled at {rate:g} Hz but this model works at {expected_sr:g} Hz; "
                         "resample it first (musiclearn.audio.resample).")
    if arr.size < n_fft:
        raise ValueError(f"the clip has {arr.size} samples, shorter than one frame ({n_fft} samples = "
                         f"{1000 * n_fft / expected_sr:g} ms at {expected_sr:g} Hz); give a longer clip.")
    return arr.astype(np.float32)


def log_mel(y: Any, *, sr: float = SR, n_mels: int = N_MELS) -> np.ndarray:
    """The log-mel spectrogram the model reads and writes: dB re full scale, floored at -80 dB.

    Notebook: ``16_spectrogram_translation.ipynb``. Part I's
    :func:`musiclearn.mel.melspectrogram` (power, Slaney filters up to
    ``sr / 2``) with ``n_fft=512``, ``hop_length=256``, then
    ``10 log10(max(P, 1e-8))``, clipped below at :data:`FLOOR_DB`.

    Returns
    -------
    np.ndarray, float32, shape (n_mels, frames)

    Examples
    --------
    >>> log_mel(np.zeros(8000)).shape
    (40, 32)
    >>> float(log_mel(np.zeros(8000)).max())
    -80.0
    """
    from .mel import melspectrogram

    arr = check_audio(y, sr=sr)
    power = melspectrogram(arr.astype(np.float64), sr=SR, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=n_mels)
    db = 10.0 * np.log10(np.maximum(power, 1e-8))
    return np.maximum(db, FLOOR_DB).astype(np.float32)


@dataclass
class Pair:
    """One melody played by instrument A and by instrument B: audio and log-mel spectrograms.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Attributes
    ----------
    source, target : np.ndarray, shape (n_mels, frames)
        A's and B's log-mel spectrograms (dB); B's has more frames when B is slower.
    audio_a, audio_b : np.ndarray
        The clips, at :data:`SR` Hz.
    title : str
        The melody's title (or its source).
    """

    source: np.ndarray
    target: np.ndarray
    audio_a: np.ndarray
    audio_b: np.ndarray
    title: str = ""


def _sequence(melodies: Sequence[Any], n_notes: int, gap_beats: float) -> tuple[list, list, list]:
    """Pitches and durations (beats) of all melodies in a row, and each melody's (start, end) in beats."""
    pitches: list[int | None] = []
    beats: list[float] = []
    spans = []
    clock = 0.0
    for melody in melodies:
        notes = list(melody)[:n_notes]
        if not notes:
            raise ValueError("every melody needs at least one note.")
        start, position = clock, notes[0].offset
        for note in notes:
            if note.offset > position + 1e-9:  # a rest inside the melody
                pitches.append(None)
                beats.append(note.offset - position)
                clock += note.offset - position
            pitches.append(int(note.pitch))
            beats.append(float(note.duration))
            clock += float(note.duration)
            position = note.offset + note.duration
        spans.append((start, clock))
        pitches.append(None)
        beats.append(gap_beats)
        clock += gap_beats
    return pitches, beats, spans


def render_pairs(melodies: Sequence[Any], *, program_a: int = 0, program_b: int = 73, bpm_a: float = 120.0,
                 bpm_b: float = 80.0, n_notes: int = 6, tail_s: float = 0.3) -> list[Pair]:
    """Render each melody's first notes by instrument A at ``bpm_a`` and by B at ``bpm_b``.

    Notebook: ``16_spectrogram_translation.ipynb``. All melodies go into one
    MIDI per instrument (FluidSynth loads the SoundFont once per instrument),
    separated by two beats of rest; each clip is then cut from its melody's
    first onset to its last note's end plus ``tail_s`` seconds (some of the
    release). Defaults: acoustic grand piano (GM 0) at 120 BPM into flute
    (GM 73) at 80 BPM, so B lasts 1.5 times as long as A.

    Returns
    -------
    list of Pair

    Examples
    --------
    >>> from musiclearn.melody import ScoreNote
    >>> (pair,) = render_pairs([[ScoreNote(60, 1.0, 0.0), ScoreNote(64, 1.0, 1.0)]])
    >>> pair.source.shape[1], pair.target.shape[1]      # 1.0 s + 0.3 s and 1.5 s + 0.3 s at 31.25 frames/s
    (41, 57)
    """
    from . import midi

    for name, value in (("program_a", program_a), ("program_b", program_b)):
        _validate.whole_number(value, name, low=0, high=127)
    for name, value in (("bpm_a", bpm_a), ("bpm_b", bpm_b), ("tail_s", tail_s)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}.")
    n_notes = _validate.positive_int(n_notes, "n_notes")
    if len(melodies) == 0:
        raise ValueError("give at least one melody.")
    pitches, beats, spans = _sequence(melodies, n_notes, gap_beats=2.0)
    clips: dict[str, list[np.ndarray]] = {}
    for key, program, bpm in (("a", program_a, bpm_a), ("b", program_b, bpm_b)):
        y = midi.render(midi.from_notes(pitches, beats, program=program, bpm=bpm), sr=SR)
        y = 0.9 * y / max(float(np.abs(y).max()), 1e-12)  # one gain per instrument, as one recording
        seconds = 60.0 / bpm
        cuts = [(round(a * seconds * SR), round((b * seconds + tail_s) * SR)) for a, b in spans]
        clips[key] = [np.pad(y[a:b], (0, max(0, b - len(y)))).astype(np.float32) for a, b in cuts]
    return [Pair(log_mel(a), log_mel(b), a, b, getattr(m, "title", "") or getattr(m, "source", "") or f"#{i}")
            for i, (m, a, b) in enumerate(zip(melodies, clips["a"], clips["b"]))]


def split(pairs: Sequence[Pair], *, held_out: float = 0.2, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """Shuffle the pairs (by melody) and hold out a share of them: ``(train, test)``.

    Notebook: ``16_spectrogram_translation.ipynb``. Each melody appears in one
    side only, so the held-out scores are on tunes the model never heard.

    Examples
    --------
    >>> train, test = split(list(range(10)), held_out=0.2)
    >>> len(train), len(test), sorted(train + test) == list(range(10))
    (8, 2, True)
    """
    if not 0 < held_out < 1:
        raise ValueError(f"held_out must be a share between 0 and 1, got {held_out!r}.")
    if len(pairs) < 2:
        raise ValueError("give at least two pairs, one to train on and one to hold out.")
    order = np.random.default_rng(seed).permutation(len(pairs))
    n_test = min(len(pairs) - 1, max(1, round(held_out * len(pairs))))
    return [pairs[i] for i in order[n_test:]], [pairs[i] for i in order[:n_test]]


# ----------------------------------------------------------------------------- baselines and measures


def _spectrogram(S: Any, name: str) -> np.ndarray:
    arr = np.asarray(S, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a spectrogram of shape (bands, frames) with at least one frame, "
                         f"got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite values.")
    return arr


def fit_length(S: Any, n_frames: int) -> np.ndarray:
    """Cut or pad (with :data:`FLOOR_DB`, silence) a log-mel spectrogram to ``n_frames`` frames.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Examples
    --------
    >>> fit_length(np.zeros((2, 3)), 5)[0].tolist()
    [0.0, 0.0, 0.0, -80.0, -80.0]
    """
    arr = _spectrogram(S, "S")
    n_frames = _validate.positive_int(n_frames, "n_frames", unit="frames")
    if arr.shape[1] >= n_frames:
        return arr[:, :n_frames].copy()
    return np.pad(arr, ((0, 0), (0, n_frames - arr.shape[1])), constant_values=FLOOR_DB)


def copy_baseline(source: Any, n_frames: int) -> np.ndarray:
    """Baseline 1: A's spectrogram as it is, cut or padded to the target's length.

    Notebook: ``16_spectrogram_translation.ipynb``.
    """
    return fit_length(source, n_frames)


def stretch_baseline(source: Any, n_frames: int) -> np.ndarray:
    """Baseline 2: A's spectrogram linearly time-stretched to exactly ``n_frames`` frames.

    Notebook: ``16_spectrogram_translation.ipynb``. It is told the target's
    length, which the model has to predict (an advantage for the baseline).

    Examples
    --------
    >>> stretch_baseline(np.array([[0.0, 10.0]]), 5).tolist()
    [[0.0, 2.5, 5.0, 7.5, 10.0]]
    """
    arr = _spectrogram(source, "source")
    n_frames = _validate.positive_int(n_frames, "n_frames", unit="frames")
    if arr.shape[1] == 1 or n_frames == 1:
        return np.repeat(arr[:, :1], n_frames, axis=1)
    where = np.linspace(0.0, arr.shape[1] - 1, n_frames)
    return np.stack([np.interp(where, np.arange(arr.shape[1]), band) for band in arr])


def average_envelope(spectrograms: Sequence[Any]) -> np.ndarray:
    """The mean log-mel spectrum (dB per band) over all frames of some spectrograms.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Examples
    --------
    >>> average_envelope([np.zeros((2, 3)), np.ones((2, 1))]).tolist()
    [0.25, 0.25]
    """
    if len(spectrograms) == 0:
        raise ValueError("give at least one spectrogram.")
    return np.concatenate([_spectrogram(S, "spectrogram") for S in spectrograms], axis=1).mean(axis=1)


def envelope_baseline(source: Any, n_frames: int, *, envelope_a: Any, envelope_b: Any) -> np.ndarray:
    """Baseline 3: A's frames, time-stretched, with A's average envelope swapped for B's.

    Notebook: ``16_spectrogram_translation.ipynb``. Adds ``envelope_b -
    envelope_a`` (dB per band, from :func:`average_envelope` of the training
    spectrograms) to :func:`stretch_baseline`: the timbre change a fixed
    equaliser can make.
    """
    shift = np.asarray(envelope_b, dtype=np.float64) - np.asarray(envelope_a, dtype=np.float64)
    stretched = stretch_baseline(source, n_frames)
    if shift.shape != (stretched.shape[0],):
        raise ValueError(f"the envelopes must have one value per band ({stretched.shape[0]}), got {shift.shape}.")
    return np.clip(stretched + shift[:, None], FLOOR_DB, 0.0)


def mel_l1(prediction: Any, target: Any) -> float:
    """Mean absolute difference in dB between two log-mel spectrograms, over the target's frames.

    Notebook: ``16_spectrogram_translation.ipynb``. The prediction is first
    cut or padded with silence (:func:`fit_length`) to the target's length,
    so predicting the wrong length costs.

    Examples
    --------
    >>> mel_l1(np.zeros((2, 2)), np.full((2, 4), -10.0))     # two frames 10 dB off, two 70 dB off
    40.0
    """
    tgt = _spectrogram(target, "target")
    pred = fit_length(prediction, tgt.shape[1])
    if pred.shape[0] != tgt.shape[0]:
        raise ValueError(f"prediction has {pred.shape[0]} bands, the target {tgt.shape[0]}.")
    return float(np.mean(np.abs(pred - tgt)))


def log_spectral_distance(prediction: Any, target: Any) -> float:
    """Log-spectral distance in dB: per frame the RMS over mel bands of the dB difference, averaged.

    Notebook: ``16_spectrogram_translation.ipynb``. Computed on the log-mel
    spectrograms (after :func:`fit_length`), so that it scores what the model
    writes; a linear-frequency LSD would first need the vocoder's inverse.

    Examples
    --------
    >>> log_spectral_distance(np.zeros((4, 2)), np.array([[3.0, 0], [3, 0], [3, 0], [3, 0]]))
    1.5
    """
    tgt = _spectrogram(target, "target")
    pred = fit_length(prediction, tgt.shape[1])
    if pred.shape[0] != tgt.shape[0]:
        raise ValueError(f"prediction has {pred.shape[0]} bands, the target {tgt.shape[0]}.")
    return float(np.mean(np.sqrt(np.mean((pred - tgt) ** 2, axis=0))))


def alignment_path(alignment: Any) -> np.ndarray:
    """The encoder position (argmax) each decoder step attends to most.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Examples
    --------
    >>> alignment_path(np.eye(3)[[0, 2, 1]]).tolist()
    [0, 2, 1]
    """
    arr = np.asarray(alignment, dtype=np.float64)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"an alignment has shape (decoder steps, encoder frames), got {arr.shape}.")
    return np.argmax(arr, axis=1)


def is_monotonic(alignment: Any, *, tolerance: int = 2, min_coverage: float = 0.5) -> bool:
    """Whether an attention alignment moves forward through the input, as reading a score does.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Precisely: with ``p[t]`` the argmax encoder frame of decoder step ``t``
    (:func:`alignment_path`), the alignment is monotonic when (1) no step
    goes back more than ``tolerance`` frames behind the furthest position
    reached so far, ``p[t] >= max(p[:t]) - tolerance`` for every ``t``, and (2)
    the path covers at least ``min_coverage`` of the input,
    ``(max(p) - p[0] + 1) / encoder_frames >= min_coverage`` (an attention stuck
    on one frame is "non-decreasing" but aligns nothing).

    Examples
    --------
    >>> diagonal = np.eye(10)
    >>> is_monotonic(diagonal), is_monotonic(diagonal[np.random.default_rng(0).permutation(10)])
    (True, False)
    >>> is_monotonic(np.eye(10)[[0] * 10])                      # stuck on the first frame
    False
    """
    tolerance = int(_validate.whole_number(tolerance, "tolerance", low=0, high=10**9))
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be a share between 0 and 1, got {min_coverage!r}.")
    path = alignment_path(alignment)
    furthest = np.maximum.accumulate(path)
    backwards = bool(np.any(path[1:] < furthest[:-1] - tolerance))
    coverage = (int(path.max()) - int(path[0]) + 1) / np.asarray(alignment).shape[1]
    return (not backwards) and coverage >= min_coverage


def guided_attention_weights(decoder_steps: int, encoder_frames: int, *, g: float = 0.2) -> np.ndarray:
    """Penalty weights that push attention towards the diagonal (Tachibana et al., 2018).

    Notebook: ``16_spectrogram_translation.ipynb``. ``W[t, n] = 1 -
    exp(-(n/N - t/T)² / (2 g²))``: 0 on the diagonal, near 1 far from it.
    Adding ``mean(W * alignment)`` to the loss helps the attention find the
    alignment sooner; it only says "roughly diagonal", the model still learns
    where exactly each note is.

    Examples
    --------
    >>> w = guided_attention_weights(4, 4)
    >>> float(w[0, 0]), round(float(w[0, 3]), 3)
    (0.0, 1.0)
    """
    t = np.arange(decoder_steps)[:, None] / max(decoder_steps, 1)
    n = np.arange(encoder_frames)[None, :] / max(encoder_frames, 1)
    return (1.0 - np.exp(-((n - t) ** 2) / (2 * g * g))).astype(np.float32)


# ----------------------------------------------------------------------------- the model

_CLASSES: dict[str, type] = {}


def _torch_classes() -> dict[str, type]:
    """Build the torch classes once (torch is imported here, not at import time)."""
    if _CLASSES:
        return _CLASSES
    import torch
    from torch import nn
    from torch.nn import functional as F

    class _Translator(nn.Module):
        def __init__(self, *, n_mels: int, hidden: int, r: int, prenet: int, attention: int,
                     location_filters: int, dropout: float) -> None:
            super().__init__()
            self.config = {"n_mels": n_mels, "hidden": hidden, "r": r, "prenet": prenet, "attention": attention,
                           "location_filters": location_filters, "dropout": dropout}
            self.n_mels, self.hidden, self.r, self.dropout = n_mels, hidden, r, dropout
            # encoder: per-frame projection, two convolutions (local context), a bidirectional GRU
            self.inp = nn.Linear(n_mels, hidden)
            self.convs = nn.ModuleList([nn.Conv1d(hidden, hidden, 5, padding=2) for _ in range(2)])
            self.rnn = nn.GRU(hidden, hidden // 2, batch_first=True, bidirectional=True)
            # decoder
            self.pre1, self.pre2 = nn.Linear(n_mels, prenet), nn.Linear(prenet, prenet)
            self.att_rnn = nn.GRUCell(prenet + hidden, hidden)
            self.query = nn.Linear(hidden, attention, bias=False)
            self.keys = nn.Linear(hidden, attention)
            self.loc_conv = nn.Conv1d(2, location_filters, 15, padding=7, bias=False)
            self.loc = nn.Linear(location_filters, attention, bias=False)
            self.score = nn.Linear(attention, 1, bias=False)
            self.dec_rnn = nn.GRUCell(2 * hidden, hidden)
            self.out = nn.Linear(2 * hidden, n_mels * r)
            self.stop = nn.Linear(2 * hidden, 1)

        # spectrograms travel as dB (FLOOR_DB..0); the network sees them scaled to about 0..1
        @staticmethod
        def scale(db: torch.Tensor) -> torch.Tensor:
            return (db - FLOOR_DB) / -FLOOR_DB

        @staticmethod
        def unscale(x: torch.Tensor) -> torch.Tensor:
            return x * -FLOOR_DB + FLOOR_DB

        def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            x = F.relu(self.inp(self.scale(src)))                    # (B, Ta, H)
            mask = (torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]).unsqueeze(-1)
            x = x * mask
            for conv in self.convs:
                x = F.relu(conv(x.transpose(1, 2))).transpose(1, 2) * mask
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, _ = self.rnn(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
            return out

        def _prenet(self, frame: torch.Tensor) -> torch.Tensor:
            # dropout always on in the pre-net (as in Tacotron 2) only while training here: off at inference
            x = F.dropout(F.relu(self.pre1(frame)), self.dropout, self.training)
            return F.dropout(F.relu(self.pre2(x)), self.dropout, self.training)

        def step(self, frame: torch.Tensor, state: dict, memory: torch.Tensor, keys: torch.Tensor,
                 mask: torch.Tensor, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            """One decoder step from the previous frame (scaled): r frames, the stop logit, the weights."""
            h_att = self.att_rnn(torch.cat([self._prenet(frame), state["context"]], -1), state["h_att"])
            # the location features are read as plain inputs (detached): back-propagating through them chains
            # every step's softmax to all earlier ones, and that product of Jacobians explodes as the attention
            # sharpens (gradients overflowed float32 mid-training, then clipping turned inf into NaN)
            location = self.loc(self.loc_conv(torch.stack([state["weights"], state["cumulative"]], 1).detach())
                                .transpose(1, 2))
            energy = self.score(torch.tanh(self.query(h_att)[:, None, :] + keys + location)).squeeze(-1)
            weights = torch.softmax(energy.masked_fill(~mask, -1e9), dim=-1)
            context = torch.bmm(weights[:, None, :], memory).squeeze(1)
            h_dec = self.dec_rnn(torch.cat([h_att, context], -1), state["h_dec"])
            both = torch.cat([h_dec, context], -1)
            state.update(h_att=h_att, h_dec=h_dec, context=context, weights=weights,
                         cumulative=state["cumulative"] + weights)
            # the attended input frame itself, plus a learned correction: when the attention is right,
            # the decoder only has to learn how B's sound differs from A's
            attended = torch.bmm(weights[:, None, :], source).squeeze(1)
            frames = attended[:, None, :] + self.out(both).view(-1, self.r, self.n_mels)
            return frames, self.stop(both).squeeze(-1), weights

        def start(self, memory: torch.Tensor) -> dict:
            b, n, _ = memory.shape
            z = memory.new_zeros
            return {"h_att": z(b, self.hidden), "h_dec": z(b, self.hidden), "context": z(b, self.hidden),
                    "weights": z(b, n), "cumulative": z(b, n)}

        def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, tgt: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            """Teacher forcing. src (B, Ta, n_mels) dB, tgt (B, Tb, n_mels) dB, Tb a multiple of r.

            Returns frames (B, Tb, n_mels) in dB, stop logits (B, Tb / r), alignments (B, Tb / r, Ta).
            """
            memory = self.encode(src, src_lengths)
            keys = self.keys(memory)
            mask = torch.arange(memory.shape[1], device=src.device)[None, :] < src_lengths[:, None]
            state = self.start(memory)
            source = self.scale(src)
            target = self.scale(tgt)
            frame = target.new_zeros(target.shape[0], self.n_mels)   # the <go> frame: silence
            outs, stops, aligns = [], [], []
            for t in range(target.shape[1] // self.r):
                frames, stop, weights = self.step(frame, state, memory, keys, mask, source)
                outs.append(frames)
                stops.append(stop)
                aligns.append(weights)
                # the decoder sees only the past: the last *target* frame of this step feeds the next one
                frame = target[:, (t + 1) * self.r - 1]
            return self.unscale(torch.cat(outs, 1)), torch.stack(stops, 1), torch.stack(aligns, 1)

    _CLASSES["Translator"] = _Translator
    return _CLASSES


def Translator(*, n_mels: int = N_MELS, hidden: int = 64, r: int = 6, prenet: int = 64, attention: int = 32,
               location_filters: int = 8, dropout: float = 0.3) -> Any:
    """A Tacotron-style encoder–decoder with location-sensitive attention, mel in, mel out.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Encoder: a linear layer, two convolutions (5 frames) and a bidirectional
    GRU over A's frames. Decoder, per step: a pre-net (two layers with
    dropout) on the previous output frame, an attention GRU, additive
    attention whose score also sees a convolution of the previous and the
    summed attention weights (location-sensitive, Chorowski et al., 2015),
    a decoder GRU, then ``r`` output frames and one stop logit. Each output
    frame is the attended input frame (the attention-weighted mean of A's
    frames) plus a learned correction, so the network spends its capacity on
    how B sounds different, not on copying A's notes. Under
    teacher forcing the previous frame is the target's; at inference it is
    the model's own (:func:`translate`).

    Parameters
    ----------
    n_mels : int
        Mel bands in and out.
    hidden : int
        Width of the encoder output and of both GRUs (even).
    r : int
        Frames written per decoder step (Tacotron's reduction factor). Larger
        ``r`` means fewer decoder steps: faster training, and an alignment that
        moves fewer steps per note. 6 (192 ms of B per step) learns this task in
        30 epochs at ``lr=4e-3`` (with 4 and ``lr=2e-3``, 40 epochs beat the
        baselines by a smaller margin).
    prenet, attention, location_filters : int
        Widths of the pre-net, the attention space and the location features.
    dropout : float
        Pre-net dropout while training.

    Examples
    --------
    >>> import torch
    >>> model = Translator(hidden=16, prenet=8, attention=8)
    >>> frames, stops, align = model(torch.zeros(2, 30, 40) - 80, torch.tensor([30, 20]), torch.zeros(2, 48, 40))
    >>> tuple(frames.shape), tuple(stops.shape), tuple(align.shape)     # r = 6 frames per step
    ((2, 48, 40), (2, 8), (2, 8, 30))
    """
    for name, value in (("n_mels", n_mels), ("hidden", hidden), ("r", r), ("prenet", prenet),
                        ("attention", attention), ("location_filters", location_filters)):
        _validate.positive_int(value, name)
    if hidden % 2:
        raise ValueError(f"hidden must be even (the bidirectional encoder splits it in two), got {hidden}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    return _torch_classes()["Translator"](n_mels=n_mels, hidden=hidden, r=r, prenet=prenet, attention=attention,
                                          location_filters=location_filters, dropout=float(dropout))


def _batch(pairs: Sequence[Pair], r: int, device: Any) -> tuple:
    """Padded tensors (time-major per item, dB) of a batch; targets padded to a multiple of r with silence."""
    import torch

    n_mels = pairs[0].source.shape[0]
    la = [p.source.shape[1] for p in pairs]
    lb = [p.target.shape[1] for p in pairs]
    ta, tb = max(la), r * math.ceil(max(lb) / r)
    src = np.full((len(pairs), ta, n_mels), FLOOR_DB, np.float32)
    tgt = np.full((len(pairs), tb, n_mels), FLOOR_DB, np.float32)
    for i, p in enumerate(pairs):
        src[i, : la[i]] = p.source.T
        tgt[i, : lb[i]] = p.target.T
    steps = torch.tensor([math.ceil(n / r) for n in lb])
    return (torch.from_numpy(src).to(device), torch.tensor(la).to(device), torch.from_numpy(tgt).to(device),
            torch.tensor(lb).to(device), steps.to(device))


def _losses(model: Any, batch: tuple, guided_weight: float) -> dict[str, Any]:
    import torch
    from torch.nn import functional as F

    src, la, tgt, lb, steps = batch
    frames, stop_logits, align = model(src, la, tgt)
    t_frames = torch.arange(tgt.shape[1], device=tgt.device)
    frame_mask = (t_frames[None, :] < lb[:, None]).float()
    l1 = ((frames - tgt).abs().mean(-1) / -FLOOR_DB * frame_mask).sum() / frame_mask.sum()
    t_steps = torch.arange(stop_logits.shape[1], device=tgt.device)
    stop_target = (t_steps[None, :] >= steps[:, None] - 1).float()    # 1 from the last real step on
    # unweighted: up-weighting the rare stop steps (tried: 5 times) made the model stop early on some
    # held-out melodies, and a clip cut short costs far more than a few frames too many
    stop = F.binary_cross_entropy_with_logits(stop_logits, stop_target)
    total = l1 + stop
    guided = torch.zeros((), device=tgt.device)
    if guided_weight:
        w = torch.zeros_like(align)
        for i in range(align.shape[0]):
            n_steps, n_enc = int(steps[i]), int(la[i])
            w[i, :n_steps, :n_enc] = torch.from_numpy(guided_attention_weights(n_steps, n_enc)).to(w.device)
        guided = (w * align).sum() / steps.sum()
        total = total + guided_weight * guided
    return {"total": total, "l1": l1, "stop": stop, "guided": guided}


def fit(model: Any, pairs: Sequence[Pair], *, epochs: int = 30, batch_size: int = 32, lr: float = 4e-3,
        guided_weight: float = 1.0, device: Any = None, seed: int = 0, progress: bool = False,
        val_pairs: Sequence[Pair] | None = None) -> dict[str, list[float]]:
    """Train a :func:`Translator` with teacher forcing: L1 on frames + stop BCE + guided attention loss.

    Notebook: ``16_spectrogram_translation.ipynb``.

    Adam (``lr`` at the start) with gradient clipping (global norm 1) and a
    cosine learning-rate decay to 0 over all ``epochs``; the frame loss is the
    mean absolute error of the scaled frames (dB / 80), the stop loss is the
    binary cross-entropy of the stop flag (1 from each target's last step on),
    and ``guided_weight`` scales :func:`guided_attention_weights` (0 turns it off).
    ``device`` as :func:`musiclearn.train.choose_device` (CUDA, MPS, CPU).

    Returns
    -------
    dict of lists
        Per epoch: ``"loss"``, ``"l1_db"`` (training frame L1 in dB, teacher
        forced), ``"stop"``, ``"guided"``, ``"seconds"``, ``"skipped_steps"``
        (updates dropped because the gradient was not finite); ``"val_l1_db"``
        with ``val_pairs``.
    """
    import torch

    from . import seed_everything
    from .train import choose_device

    epochs = _validate.positive_int(epochs, "epochs")
    batch_size = _validate.positive_int(batch_size, "batch_size")
    if len(pairs) == 0:
        raise ValueError("give at least one training pair.")
    dev = choose_device(device)
    seed_everything(seed)
    model.to(dev)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    n_batches = math.ceil(len(pairs) / batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=epochs * n_batches)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "l1_db": [], "stop": [], "guided": [], "seconds": [],
                                       "skipped_steps": []}
    if val_pairs:
        history["val_l1_db"] = []
    bar = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(bar, desc="training", unit="epoch")
    for _ in bar:
        started = time.perf_counter()
        model.train()
        # batches of similar lengths (little padding: each decoder step costs the same however full),
        # a fresh random cut of the length order and a random batch order every epoch
        jitter = rng.random(len(pairs)) * 8.0
        order = np.argsort([p.target.shape[1] + j for p, j in zip(pairs, jitter)], kind="stable")
        sums = {"total": 0.0, "l1": 0.0, "stop": 0.0, "guided": 0.0}
        skipped = 0
        for b in rng.permutation(n_batches):
            batch = _batch([pairs[i] for i in order[b * batch_size:(b + 1) * batch_size]], model.r, dev)
            losses = _losses(model, batch, guided_weight)
            if not torch.isfinite(losses["total"]):
                raise FloatingPointError("the loss became NaN or infinite; lower lr or check the spectrograms.")
            optimiser.zero_grad()
            losses["total"].backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            if not torch.isfinite(norm):
                # clipping cannot rescale an infinite gradient (inf * 0 = NaN): skip this update, keep the model
                optimiser.zero_grad()
                skipped += 1
                continue
            optimiser.step()
            schedule.step()
            for k in sums:
                sums[k] += float(losses[k].detach()) / n_batches
        history["loss"].append(sums["total"])
        history["l1_db"].append(sums["l1"] * -FLOOR_DB)
        history["stop"].append(sums["stop"])
        history["guided"].append(sums["guided"])
        history["skipped_steps"].append(float(skipped))
        if val_pairs:
            model.eval()
            with torch.no_grad():
                vb = _batch(list(val_pairs), model.r, dev)
                history["val_l1_db"].append(float(_losses(model, vb, 0.0)["l1"]) * -FLOOR_DB)
        history["seconds"].append(time.perf_counter() - started)
        if progress:
            bar.set_postfix(l1_db=f"{history['l1_db'][-1]:.2f}")
    model.eval()
    return history


def translate(model: Any, source: Any, *, max_steps: int | None = None, threshold: float = 0.5
              ) -> tuple[np.ndarray, np.ndarray]:
    """Write B's spectrogram from A's, autoregressively, until the stop token fires.

    Notebook: ``16_spectrogram_translation.ipynb``. Each step feeds the model
    its own last frame; generation ends at the first step whose stop
    probability exceeds ``threshold`` (that step's frames are kept), or after
    ``max_steps`` steps (default: 3 times the input's frames / r).

    Returns
    -------
    frames : np.ndarray, shape (n_mels, steps * r), dB
    alignment : np.ndarray, shape (steps, source frames)
        The attention weights of every step.

    Examples
    --------
    >>> import torch
    >>> model = Translator(hidden=16, prenet=8, attention=8)
    >>> with torch.no_grad():
    ...     _ = model.stop.bias.fill_(20.0)          # "stop now", always
    >>> frames, align = translate(model, np.full((40, 30), -80.0))
    >>> frames.shape, align.shape                    # one step of r = 6 frames
    ((40, 6), (1, 30))
    """
    import torch

    src = _spectrogram(source, "source")
    if src.shape[0] != model.n_mels:
        raise ValueError(f"the model reads {model.n_mels} mel bands, the source has {src.shape[0]}.")
    if max_steps is None:
        max_steps = max(1, math.ceil(3 * src.shape[1] / model.r))
    max_steps = _validate.positive_int(max_steps, "max_steps")
    dev = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            x = torch.from_numpy(src.T.astype(np.float32))[None].to(dev)
            memory = model.encode(x, torch.tensor([src.shape[1]], device=dev))
            keys = model.keys(memory)
            mask = torch.ones(1, memory.shape[1], dtype=torch.bool, device=dev)
            source = model.scale(x)
            state = model.start(memory)
            frame = memory.new_zeros(1, model.n_mels)
            outs, aligns = [], []
            for _ in range(max_steps):
                frames, stop, weights = model.step(frame, state, memory, keys, mask, source)
                outs.append(frames[0])
                aligns.append(weights[0])
                frame = frames[:, -1].clamp(0.0, 1.0)
                if float(torch.sigmoid(stop[0])) > threshold:
                    break
            out = model.unscale(torch.cat(outs, 0).clamp(0.0, 1.0)).T
    finally:
        model.train(was_training)
    return out.cpu().numpy().astype(np.float32), torch.stack(aligns).cpu().numpy()


# ----------------------------------------------------------------------------- checkpoints


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Save a :func:`Translator`'s configuration and weights (loadable with ``weights_only=True``).

    Notebook: ``16_spectrogram_translation.ipynb``.
    """
    import torch

    from ._cache import atomic_write_bytes

    buffer = io.BytesIO()
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"format": list(CHECKPOINT_FORMAT), "config": dict(model.config), "state": state}, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_model(path: str | os.PathLike[str], *, model: Any = None) -> Any:
    """Load a :func:`Translator` saved by :func:`save_model`.

    Notebook: ``16_spectrogram_translation.ipynb``. Reads the file with
    ``torch.load(..., weights_only=True)`` (no code in it runs). Without
    ``model`` it builds one from the saved configuration; with ``model`` the
    configurations must match.

    Raises
    ------
    musiclearn.errors.DataError
        If the file is not such a checkpoint, or ``model`` has another
        configuration (the message lists the differences).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.pt"
    >>> save_model(Translator(hidden=16), path)
    >>> load_model(path).config["hidden"]
    16
    >>> load_model(path, model=Translator(hidden=32))
    Traceback (most recent call last):
    ...
    musiclearn.errors.DataError: ...t.pt: was saved from a Translator with another configuration (hidden: 16 there, 32 here); build the model with the checkpoint's settings, or call load_model(path) without model=
    """
    import pickle

    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, ValueError, KeyError) as exc:
        raise DataError(f"is not a readable checkpoint ({type(exc).__name__})", path) from None
    if not isinstance(state, dict) or state.get("format") != list(CHECKPOINT_FORMAT):
        raise DataError("is not a musiclearn translation checkpoint (made by translation.save_model)", path)
    saved = dict(state["config"])
    if model is None:
        model = Translator(**saved)
    here = dict(model.config)
    changed = [key for key in sorted(set(saved) | set(here)) if saved.get(key) != here.get(key)]
    if changed:
        detail = ", ".join(f"{key}: {saved.get(key)!r} there, {here.get(key)!r} here" for key in changed)
        raise DataError(f"was saved from a Translator with another configuration ({detail}); build the model "
                        "with the checkpoint's settings, or call load_model(path) without model=", path)
    model.load_state_dict(state["state"])
    model.eval()
    return model


# ----------------------------------------------------------------------------- vocoder


def mel_to_magnitude(mel_db: Any, *, sr: float = SR, n_fft: int = N_FFT) -> np.ndarray:
    """An approximate linear magnitude spectrogram from a log-mel one (filterbank pseudo-inverse).

    Notebook: ``16_spectrogram_translation.ipynb``. The mel filterbank ``M``
    (Part I's :func:`musiclearn.mel.mel_filterbank`) maps 257 FFT bins to 40
    bands, so it has no inverse; ``pinv(M) @ P`` is the least-squares
    power spectrum, clipped at 0 (powers are not negative), and its square
    root is the magnitude. Detail finer than a band is lost for good.

    Examples
    --------
    >>> mel_to_magnitude(np.full((40, 3), -80.0)).shape
    (257, 3)
    """
    from .mel import mel_filterbank

    db = _spectrogram(mel_db, "mel_db")
    M = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=db.shape[0], dtype=np.float64)
    power = np.linalg.pinv(M) @ (10.0 ** (db / 10.0))
    return np.sqrt(np.maximum(power, 0.0))


def spectral_convergence(magnitude: Any, y: Any, *, hop_length: int = HOP_LENGTH) -> float:
    """``‖S − |STFT(y)|‖ / ‖S‖`` (Frobenius norms): how far audio is from a target magnitude.

    Notebook: ``16_spectrogram_translation.ipynb``. 0 means the audio has exactly that magnitude.

    Examples
    --------
    >>> from musiclearn.stft import stft
    >>> y = np.sin(np.arange(4096) * 0.3)
    >>> spectral_convergence(np.abs(stft(y, n_fft=512, hop_length=256)), y)
    0.0
    """
    from .stft import stft

    S = np.asarray(magnitude, dtype=np.float64)
    n_fft = 2 * (S.shape[0] - 1)
    got = np.abs(stft(np.asarray(y, dtype=np.float64), n_fft=n_fft, hop_length=hop_length))
    n = min(got.shape[1], S.shape[1])
    return float(np.linalg.norm(S[:, :n] - got[:, :n]) / max(np.linalg.norm(S), 1e-12))


def griffin_lim(magnitude: Any, *, n_iter: int = 32, hop_length: int = HOP_LENGTH, momentum: float = 0.0,
                init: str | None = None, seed: int = 0, length: int | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Audio whose STFT magnitude is close to ``magnitude``: Griffin & Lim (1984), optionally "fast" (momentum).

    Notebook: ``16_spectrogram_translation.ipynb``. Each iteration inverts
    the magnitude with the current phases (Part I's
    :func:`musiclearn.stft.istft`), takes the STFT of that audio
    (:func:`musiclearn.stft.stft`) and keeps its phases. With
    ``momentum=0`` the spectral convergence never increases (Griffin & Lim's
    proof); ``momentum`` > 0 extrapolates the phase update (Perraudin et al.,
    2013; librosa's default is 0.99), faster but not monotone. Same
    algorithm and arguments as ``librosa.griffinlim(..., init=None)`` (all
    phases 0 at the start) or ``init="random"``.

    Returns
    -------
    y : np.ndarray, float64
        The audio.
    convergence : np.ndarray, shape (n_iter,)
        Spectral convergence (:func:`spectral_convergence`) of the audio
        before each phase update.

    Examples
    --------
    >>> from musiclearn.stft import stft
    >>> S = np.abs(stft(np.sin(np.arange(8000) * 0.2), n_fft=512, hop_length=256))
    >>> y, curve = griffin_lim(S, n_iter=10)
    >>> bool(np.all(np.diff(curve) <= 1e-9)), bool(curve[-1] < curve[0])
    (True, True)
    """
    from .stft import istft, stft

    S = np.asarray(magnitude, dtype=np.float64)
    if S.ndim != 2 or S.shape[0] < 2 or S.shape[1] < 1:
        raise ValueError(f"magnitude must be a spectrogram (1 + n_fft // 2, frames), got shape {S.shape}.")
    if not np.all(np.isfinite(S)) or S.min() < 0:
        raise ValueError("magnitude must hold finite, non-negative values (an STFT magnitude).")
    n_iter = _validate.positive_int(n_iter, "n_iter")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}.")
    n_fft = 2 * (S.shape[0] - 1)
    if init is None:
        angles = np.ones(S.shape, dtype=np.complex128)
    elif init == "random":
        angles = np.exp(2j * np.pi * np.random.default_rng(seed).random(S.shape))
    else:
        raise ValueError(f"init must be None (zero phase) or 'random', got {init!r}.")
    norm = max(np.linalg.norm(S), 1e-12)
    rebuilt = np.zeros_like(angles)
    curve = np.empty(n_iter)
    for i in range(n_iter):
        previous = rebuilt
        y = istft(S * angles, hop_length=hop_length, n_fft=n_fft, length=length)
        rebuilt = stft(y, n_fft=n_fft, hop_length=hop_length)[:, : S.shape[1]]
        curve[i] = np.linalg.norm(S - np.abs(rebuilt)) / norm
        angles = rebuilt - (momentum / (1 + momentum)) * previous
        angles /= np.abs(angles) + 1e-16
    return istft(S * angles, hop_length=hop_length, n_fft=n_fft, length=length), curve


def vocode(mel_db: Any, *, n_iter: int = 32, momentum: float = 0.99, seed: int = 0) -> np.ndarray:
    """Audio at :data:`SR` Hz from a log-mel spectrogram: :func:`mel_to_magnitude`, then :func:`griffin_lim`.

    Notebook: ``16_spectrogram_translation.ipynb``. Peak-normalised to 0.9.

    Examples
    --------
    >>> y = vocode(np.full((40, 10), -40.0), n_iter=4)
    >>> y.shape, round(float(np.abs(y).max()), 3)
    ((2304,), 0.9)
    """
    y, _ = griffin_lim(mel_to_magnitude(mel_db), n_iter=n_iter, momentum=momentum, init="random", seed=seed)
    return (0.9 * y / max(float(np.abs(y).max()), 1e-12)).astype(np.float32)


# ----------------------------------------------------------------------------- the whole experiment


@dataclass
class Experiment:
    """Everything :func:`experiment` made: data, model, training history, held-out results.

    Notebook: ``16_spectrogram_translation.ipynb``.

    ``results`` maps ``"mel_l1_db"`` and ``"lsd_db"`` to ``{"model", "copy",
    "stretch", "envelope"}`` means over the held-out melodies, and holds
    ``"monotonic_share"`` (share of held-out melodies whose alignment
    :func:`is_monotonic`), ``"n_train"``, ``"n_test"``, ``"epochs"``,
    ``"train_seconds"``, ``"device"``. ``outputs`` and ``alignments`` are the
    model's free-running outputs on ``test``.
    """

    train: list[Pair]
    test: list[Pair]
    model: Any
    history: dict[str, list[float]]
    envelope_a: np.ndarray
    envelope_b: np.ndarray
    outputs: list[np.ndarray] = field(default_factory=list)
    alignments: list[np.ndarray] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def baselines(self, pair: Pair) -> dict[str, np.ndarray]:
        """The three baselines' spectrograms for a pair, at the target's length."""
        n = pair.target.shape[1]
        return {"copy": copy_baseline(pair.source, n), "stretch": stretch_baseline(pair.source, n),
                "envelope": envelope_baseline(pair.source, n, envelope_a=self.envelope_a,
                                              envelope_b=self.envelope_b)}


def experiment(*, fast: bool | None = None, seed: int = 0, n_melodies: int | None = None, epochs: int | None = None,
               device: Any = None, progress: bool = False) -> Experiment:
    """Render, split, train and evaluate: the notebook's whole pipeline in one call.

    Notebook: ``16_spectrogram_translation.ipynb``. Defaults: all 213
    ``kinder0`` melodies (first 6 notes), 20 % held out, 30 epochs; fast mode
    (``musiclearn.fast_mode()``): 48 melodies and 6 epochs, too little to
    learn the task.
    """
    from . import corpus, seed_everything
    from ._config import fast_mode

    fast = fast_mode() if fast is None else bool(fast)
    melodies = corpus.melodies("kinder0")
    n_melodies = n_melodies or (48 if fast else len(melodies))
    epochs = epochs or (6 if fast else 30)
    pairs = render_pairs(melodies[:n_melodies])
    train, test = split(pairs, held_out=0.2, seed=seed)
    seed_everything(seed)                      # the initial weights too: the same seed, the same result
    model = Translator()
    started = time.perf_counter()
    history = fit(model, train, epochs=epochs, device=device, seed=seed, progress=progress)
    seconds = time.perf_counter() - started
    exp = Experiment(train, test, model, history, average_envelope([p.source for p in train]),
                     average_envelope([p.target for p in train]))
    for pair in test:
        out, align = translate(model, pair.source)
        exp.outputs.append(out)
        exp.alignments.append(align)
    l1: dict[str, list[float]] = {"model": [], "copy": [], "stretch": [], "envelope": []}
    lsd: dict[str, list[float]] = {k: [] for k in l1}
    for pair, out in zip(test, exp.outputs):
        for name, S in {"model": out, **exp.baselines(pair)}.items():
            l1[name].append(mel_l1(S, pair.target))
            lsd[name].append(log_spectral_distance(S, pair.target))
    exp.results = {
        "mel_l1_db": {k: float(np.mean(v)) for k, v in l1.items()},
        "lsd_db": {k: float(np.mean(v)) for k, v in lsd.items()},
        "monotonic_share": float(np.mean([is_monotonic(a) for a in exp.alignments])),
        "length_error_frames": float(np.mean([abs(o.shape[1] - p.target.shape[1]) for o, p in zip(exp.outputs, test)])),
        "n_train": len(train), "n_test": len(test), "epochs": epochs, "train_seconds": seconds,
        "device": str(next(model.parameters()).device.type), "fast": fast,
    }
    return exp


def benchmark(*, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """The translation numbers for ``python -m musiclearn.bench audio-gen``: held-out mel L1, LSD, monotonic share.

    Notebook: ``16_spectrogram_translation.ipynb``. ``quick=True`` runs fast
    mode's settings (the model does not learn enough to beat the baselines
    then). Returns :attr:`Experiment.results`.
    """
    return experiment(fast=quick, seed=seed).results
