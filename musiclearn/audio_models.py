"""Classifying short audio clips: log-mel images for a CNN, raw waveforms, MFCC statistics.

Notebook: ``14_spectrograms_as_images.ipynb`` teaches this module; the audio
benchmark (``python -m musiclearn.bench audio``) runs every model of it.

Three ways to tell instruments apart, from the same clips:

* :class:`SpectrogramCNN` reads a **log-mel spectrogram as an image**
  (:func:`log_mel` makes them, :class:`LogMel` is the same as a module): 2-D
  convolutions find local time–frequency patterns, pooling makes them
  position-free, and :class:`SpecAugment` masks random bands of frequencies
  and frames while it trains;
* :class:`WaveformCNN` reads the **raw samples** with 1-D convolutions; its
  first layer has to learn the filterbank a spectrogram gets for free;
* :func:`mfcc_statistics` + :class:`LogisticRegression` is the **baseline**:
  the mean and standard deviation of each MFCC over the clip, and one linear
  layer with a softmax.

All of them train with :func:`musiclearn.train.train` (Part II's loop: device
choice, bf16/fp16 autocast on a GPU, early stopping), through
:func:`fit_classifier`; :func:`predict_proba`, :func:`confusion_matrix` and
:func:`out_of_fold_probabilities` evaluate them. Clips are float arrays
``(clips, samples)``; a clip shorter than one analysis frame, a silent clip or
one with NaN samples raises :class:`musiclearn.errors.AudioError` (see
:func:`as_clips`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .errors import AudioError

__all__ = [
    "as_clips",
    "LogMel",
    "log_mel",
    "mfcc_statistics",
    "spec_augment",
    "SpecAugment",
    "SpectrogramCNN",
    "WaveformCNN",
    "LogisticRegression",
    "fit_logistic_regression",
    "clip_loader",
    "fit_classifier",
    "predict_proba",
    "accuracy",
    "confusion_matrix",
    "out_of_fold_probabilities",
    "suspected_mislabels",
]

ArrayOrTensor = torch.Tensor | np.ndarray

#: A clip whose peak is below this (about -120 dBFS) is silent: it holds nothing to classify.
SILENCE_PEAK = 1e-6


def _int_at_least(value: object, name: str, low: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        of = f" ({unit})" if unit else ""
        raise ValueError(f"{name} must be an integer >= {low}{of}, got {value!r}.")
    return int(value)


def _probability(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1), got {value!r}.")
    return float(value)


# ----------------------------------------------------------------------------- input checks


def as_clips(clips: ArrayOrTensor | Sequence[np.ndarray], *, min_samples: int = 1,
             name: str = "clips") -> torch.Tensor:
    """Check a batch of clips and return it as a float32 tensor ``(clips, samples)`` on the CPU.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    clips : array_like or tensor, shape ``(clips, samples)`` or ``(samples,)``
        Floating-point samples, all clips of the same length (one clip may be
        given as a 1-D array).
    min_samples : int, default 1
        The shortest clip accepted, e.g. one frame (``n_fft``) of the features
        that will be computed.
    name : str, default "clips"
        What the data is called in messages.

    Returns
    -------
    torch.Tensor
        float32, shape ``(clips, samples)``.

    Raises
    ------
    musiclearn.errors.AudioError
        If a clip holds NaN or infinite samples, is silent (peak below
        ``1e-6``) or is shorter than ``min_samples``; the message names the
        first bad clip.
    ValueError
        If ``clips`` is not a 1-D or 2-D array of floating-point samples.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import as_clips
    >>> as_clips(np.ones((3, 100), dtype=np.float32)).shape
    torch.Size([3, 100])
    >>> as_clips(np.zeros((2, 100)))
    Traceback (most recent call last):
    ...
    musiclearn.errors.AudioError: clips: clip 0 is silent (peak 0); it holds no sound to classify: drop it (notebook 13 finds such clips)
    """
    min_samples = _int_at_least(min_samples, "min_samples", 1, "samples")
    if isinstance(clips, torch.Tensor):
        if not clips.is_floating_point():
            raise ValueError(f"{name} must hold floating-point samples, got {clips.dtype}; convert with .float().")
        tensor = clips.detach().to("cpu", torch.float32)
    else:
        if isinstance(clips, (list, tuple)) and clips and len({np.shape(c) for c in clips}) > 1:
            raise ValueError(f"{name} have different lengths; cut or pad them to one length first.")
        array = np.asarray(clips)
        if array.dtype.kind in "biu":
            raise ValueError(f"{name} hold {array.dtype} samples; convert them to floating point first, e.g. "
                             "clips.astype(np.float32) / 32768 for 16-bit PCM.")
        if array.dtype.kind != "f":
            raise ValueError(f"{name} must hold real floating-point samples, got dtype {array.dtype}.")
        tensor = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    if tensor.ndim == 1:
        tensor = tensor[None]
    if tensor.ndim != 2:
        raise ValueError(f"{name} must have shape (clips, samples), got {tuple(tensor.shape)}.")
    if tensor.shape[0] == 0:
        raise ValueError(f"{name} holds no clips; give at least one.")
    if tensor.shape[1] < min_samples:
        raise AudioError(f"the clips have {tensor.shape[1]} samples, fewer than one frame ({min_samples} samples); "
                         "render longer clips or use a smaller n_fft", name)
    finite = torch.isfinite(tensor).all(dim=1)
    if not bool(finite.all()):
        bad = int(torch.nonzero(~finite)[0, 0])
        raise AudioError(f"clip {bad} holds NaN or infinite samples; re-render or drop it "
                         "(np.isfinite(clip).all() finds them)", name)
    peaks = tensor.abs().amax(dim=1)
    silent = peaks < SILENCE_PEAK
    if bool(silent.any()):
        bad = int(torch.nonzero(silent)[0, 0])
        raise AudioError(f"clip {bad} is silent (peak {float(peaks[bad]):.3g}); it holds no sound to classify: "
                         "drop it (notebook 13 finds such clips)", name)
    return tensor


# ----------------------------------------------------------------------------- features


class LogMel(nn.Module):
    """Waveforms → log-mel spectrograms in dB below each clip's loudest cell: the CNN's images.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    ``10·log10(mel power)``, minus the clip's maximum, floored at ``-top_db``:
    every image spans ``[-top_db, 0]`` dB whatever the clip's level, so a
    model cannot tell instruments apart by how loud a SoundFont renders them.
    The mel spectrogram is :class:`musiclearn.torch_features.MelSpectrogram`
    (the same numbers as ``musiclearn.mel.melspectrogram`` and librosa's).

    Parameters
    ----------
    sr : float, default 16000
        Sampling rate in Hz.
    n_fft : int, default 1024
        FFT length in samples (the shortest clip accepted).
    hop_length : int, default 512
        Samples between frames.
    n_mels : int, default 40
        Mel bands (image height).
    fmin, fmax : float
        Frequency range in Hz; ``fmax`` defaults to ``sr / 2``.
    top_db : float, default 80
        Dynamic range kept below each clip's peak, in dB.

    Shapes
    ------
    ``(batch, samples)`` → ``(batch, n_mels, frames)``.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import LogMel
    >>> images = LogMel(sr=16000, n_mels=40)(torch.randn(2, 16000))
    >>> images.shape, float(images.max()), float(images.min()) >= -80
    (torch.Size([2, 40, 32]), 0.0, True)
    """

    def __init__(self, *, sr: float = 16000, n_fft: int = 1024, hop_length: int = 512, n_mels: int = 40,
                 fmin: float = 0.0, fmax: float | None = None, top_db: float = 80.0) -> None:
        super().__init__()
        from .torch_features import MelSpectrogram

        if isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or not top_db > 0:
            raise ValueError(f"top_db must be a positive number of dB, got {top_db!r}.")
        self.mel = MelSpectrogram(sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, fmin=fmin, fmax=fmax)
        self.top_db = float(top_db)
        self.n_fft = int(n_fft)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        """Log-mel images of ``y`` ``(batch, samples)`` → ``(batch, n_mels, frames)``, in dB re the clip's peak."""
        db = 10.0 * torch.log10(torch.clamp(self.mel(y), min=1e-10))
        db = db - db.amax(dim=(-2, -1), keepdim=True)
        return torch.clamp(db, min=-self.top_db)


def _in_batches(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, batch_size: int) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([fn(part) for part in x.split(batch_size)], dim=0)


def log_mel(clips: ArrayOrTensor, *, sr: float = 16000, n_fft: int = 1024, hop_length: int = 512,
            n_mels: int = 40, fmin: float = 0.0, fmax: float | None = None, top_db: float = 80.0,
            batch_size: int = 256) -> torch.Tensor:
    """Log-mel images of a batch of clips, in dB below each clip's peak (see :class:`LogMel`).

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    clips : array_like or tensor, shape ``(clips, samples)``
        Checked by :func:`as_clips` (at least ``n_fft`` samples, no NaN, not silent).
    sr, n_fft, hop_length, n_mels, fmin, fmax, top_db
        As :class:`LogMel`.
    batch_size : int, default 256
        Clips computed at once (memory).

    Returns
    -------
    torch.Tensor
        float32, shape ``(clips, n_mels, frames)``, values in ``[-top_db, 0]`` dB.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import log_mel
    >>> t = np.arange(16000) / 16000
    >>> log_mel(np.sin(2 * np.pi * 440 * t)[None], sr=16000).shape
    torch.Size([1, 40, 32])
    """
    front = LogMel(sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, fmin=fmin, fmax=fmax, top_db=top_db)
    x = as_clips(clips, min_samples=front.n_fft)
    return _in_batches(front, x, _int_at_least(batch_size, "batch_size", 1))


def mfcc_statistics(clips: ArrayOrTensor, *, sr: float = 16000, n_mfcc: int = 20, n_fft: int = 1024,
                    hop_length: int = 512, n_mels: int = 40, batch_size: int = 256) -> torch.Tensor:
    """Each clip as ``2·n_mfcc`` numbers: the mean and the standard deviation of every MFCC over time.

    Notebook: ``14_spectrograms_as_images.ipynb`` (the baseline); notebook
    ``06_mfcc.ipynb`` teaches MFCCs. The MFCCs are
    :class:`musiclearn.torch_features.MFCC` (each clip as
    ``musiclearn.mfcc.mfcc`` gives it).

    Parameters
    ----------
    clips : array_like or tensor, shape ``(clips, samples)``
        Checked by :func:`as_clips`.
    sr : float, default 16000
        Sampling rate in Hz.
    n_mfcc, n_fft, hop_length, n_mels
        MFCC settings.
    batch_size : int, default 256
        Clips computed at once.

    Returns
    -------
    torch.Tensor
        float32, shape ``(clips, 2 * n_mfcc)``: ``[means..., standard deviations...]``
        (population standard deviation, over frames).

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import mfcc_statistics
    >>> rng = np.random.default_rng(0)
    >>> mfcc_statistics(rng.standard_normal((3, 16000)).astype(np.float32), n_mfcc=13).shape
    torch.Size([3, 26])
    """
    from .torch_features import MFCC

    front = MFCC(sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    x = as_clips(clips, min_samples=int(n_fft))

    def stats(part: torch.Tensor) -> torch.Tensor:
        m = front(part)                                   # (batch, n_mfcc, frames)
        return torch.cat([m.mean(dim=-1), m.std(dim=-1, unbiased=False)], dim=-1)

    return _in_batches(stats, x, _int_at_least(batch_size, "batch_size", 1))


# ----------------------------------------------------------------------------- SpecAugment


def spec_augment(images: torch.Tensor, *, freq_width: int = 8, time_width: int = 8, n_freq_masks: int = 1,
                 n_time_masks: int = 1, fill: float | str = "mean", generator: torch.Generator | None = None,
                 return_mask: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """SpecAugment's masks: blank random bands of mel bins and of frames in each image (a copy).

    Notebook: ``14_spectrograms_as_images.ipynb`` builds it by hand first.
    Park et al., "SpecAugment: A simple data augmentation method for automatic
    speech recognition", Interspeech 2019 (frequency and time masking; time
    warping is left out).

    For every image, in this order: each of the ``n_freq_masks`` frequency
    masks draws a width ``f`` uniformly from ``0 .. freq_width`` and a first
    row ``f0`` uniformly from ``0 .. n_mels - f``, and rows ``f0 .. f0+f-1``
    are set to ``fill``; then each of the ``n_time_masks`` time masks does
    the same with ``time_width`` and the frames. Draws are
    ``torch.randint(..., generator=generator)`` calls, width before start.

    Parameters
    ----------
    images : tensor, shape ``(batch, n_mels, frames)`` (or ``(n_mels, frames)``)
        Spectrograms (any scale, e.g. dB).
    freq_width, time_width : int, default 8
        Widest mask in mel bins and in frames (0: none of that kind).
    n_freq_masks, n_time_masks : int, default 1
        Masks of each kind per image (they may overlap).
    fill : float or "mean", default "mean"
        Value of masked cells; ``"mean"``: each image's own mean, so a mask
        adds no new level to the picture.
    generator : torch.Generator, optional
        For repeatable masks.
    return_mask : bool, default False
        Also return the boolean mask (True where a cell was masked).

    Returns
    -------
    torch.Tensor, or (torch.Tensor, torch.Tensor)
        The masked copy (same shape), and the mask if asked for.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import spec_augment
    >>> g = torch.Generator().manual_seed(0)
    >>> out, mask = spec_augment(torch.zeros(2, 40, 32), freq_width=5, time_width=5, generator=g,
    ...                          return_mask=True)
    >>> out.shape, mask.dtype, bool(mask.any(dim=(1, 2)).all())
    (torch.Size([2, 40, 32]), torch.bool, True)
    """
    if not isinstance(images, torch.Tensor) or not images.is_floating_point() or images.ndim not in (2, 3):
        raise ValueError("images must be a float tensor (batch, n_mels, frames) or (n_mels, frames), got "
                         f"{type(images).__name__} {tuple(getattr(images, 'shape', ()))}.")
    single = images.ndim == 2
    x = images[None] if single else images
    _, n_mels, frames = x.shape
    freq_width = _int_at_least(freq_width, "freq_width", 0, "mel bins")
    time_width = _int_at_least(time_width, "time_width", 0, "frames")
    n_freq_masks = _int_at_least(n_freq_masks, "n_freq_masks", 0)
    n_time_masks = _int_at_least(n_time_masks, "n_time_masks", 0)
    if freq_width > n_mels or time_width > frames:
        raise ValueError(f"masks must fit the image ({n_mels} bins x {frames} frames): got freq_width={freq_width}, "
                         f"time_width={time_width}; use smaller widths.")
    if not (fill == "mean" or (isinstance(fill, numbers.Real) and not isinstance(fill, bool)
                               and math.isfinite(float(fill)))):
        raise ValueError(f"fill must be a finite number or 'mean', got {fill!r}.")

    def draw(high: int) -> int:   # uniform on 0 .. high, on the CPU so every device draws the same numbers
        return int(torch.randint(0, high + 1, (1,), generator=generator))

    mask = torch.zeros(x.shape, dtype=torch.bool)
    for b in range(x.shape[0]):
        for _ in range(n_freq_masks):
            f = draw(freq_width)
            f0 = draw(n_mels - f)
            mask[b, f0:f0 + f, :] = True
        for _ in range(n_time_masks):
            t = draw(time_width)
            t0 = draw(frames - t)
            mask[b, :, t0:t0 + t] = True
    mask = mask.to(x.device)
    value = x.mean(dim=(-2, -1), keepdim=True) if fill == "mean" else torch.full_like(x[:, :1, :1], float(fill))
    out = torch.where(mask, value.expand_as(x), x)
    if single:
        out, mask = out[0], mask[0]
    return (out, mask) if return_mask else out


class SpecAugment(nn.Module):
    """:func:`spec_augment` as a layer: masks images while the model trains, passes them through in eval mode.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    freq_width, time_width, n_freq_masks, n_time_masks, fill
        As :func:`spec_augment`.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import SpecAugment
    >>> layer, x = SpecAugment(freq_width=4, time_width=4), torch.randn(3, 40, 32)
    >>> torch.equal(layer.eval()(x), x)          # evaluation: unchanged
    True
    """

    def __init__(self, *, freq_width: int = 8, time_width: int = 8, n_freq_masks: int = 1,
                 n_time_masks: int = 1, fill: float | str = "mean") -> None:
        super().__init__()
        self.settings = dict(freq_width=freq_width, time_width=time_width, n_freq_masks=n_freq_masks,
                             n_time_masks=n_time_masks, fill=fill)
        spec_augment(torch.zeros(1, max(1, freq_width), max(1, time_width)), **self.settings)   # check now

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.settings.items())

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Masked images in training mode; ``images`` itself in eval mode."""
        if not self.training:
            return images
        return spec_augment(images, **self.settings)


# ----------------------------------------------------------------------------- models


def _check_channels(channels: Sequence[int]) -> tuple[int, ...]:
    if isinstance(channels, (str, bytes)) or not isinstance(channels, Sequence) or not channels:
        raise ValueError(f"channels must be a non-empty sequence of positive ints (one per block), got {channels!r}.")
    return tuple(_int_at_least(c, "each entry of channels", 1) for c in channels)


class SpectrogramCNN(nn.Module):
    """A small 2-D CNN that classifies log-mel images ``(batch, n_mels, frames)``.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Layers: batch normalisation of the input (one mean and scale for the
    whole image, learned from the data), optional :class:`SpecAugment`
    (training only), then per entry of ``channels`` a block 3×3 convolution →
    batch norm → ReLU → 2×2 max pooling; then the mean and the maximum of
    every channel over the remaining time–frequency cells (so a pattern counts
    wherever it occurs: at any pitch, at any moment), dropout and one linear
    layer to the class logits.

    Parameters
    ----------
    n_classes : int
        Number of classes (instrument families).
    channels : sequence of int, default (8, 16, 32, 32)
        Output channels of each block; the image must be at least
        ``2 ** (len(channels) - 1)`` cells in each direction.
    dropout : float, default 0.2
        Dropout before the last layer.
    spec_augment : SpecAugment, optional
        Masks applied to the (normalised) images while training.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import SpectrogramCNN
    >>> SpectrogramCNN(8)(torch.randn(4, 40, 32)).shape
    torch.Size([4, 8])
    """

    def __init__(self, n_classes: int, *, channels: Sequence[int] = (8, 16, 32, 32), dropout: float = 0.2,
                 spec_augment: SpecAugment | None = None) -> None:
        super().__init__()
        n_classes = _int_at_least(n_classes, "n_classes", 2)
        channels = _check_channels(channels)
        if spec_augment is not None and not isinstance(spec_augment, SpecAugment):
            raise ValueError(f"spec_augment must be a SpecAugment layer or None, got {type(spec_augment).__name__}.")
        self.input_norm = nn.BatchNorm2d(1)
        self.augment = spec_augment
        blocks: list[nn.Module] = []
        previous = 1
        for i, c in enumerate(channels):
            blocks += [nn.Conv2d(previous, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            if i < len(channels) - 1:
                blocks.append(nn.MaxPool2d(2))
            previous = c
        self.blocks = nn.Sequential(*blocks)
        self.min_size = 2 ** (len(channels) - 1)
        self.dropout = nn.Dropout(_probability(dropout, "dropout"))
        self.head = nn.Linear(2 * previous, n_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` of images ``(batch, n_mels, frames)``."""
        if images.ndim != 3:
            raise ValueError(f"SpectrogramCNN takes images (batch, n_mels, frames), got shape {tuple(images.shape)}; "
                             "make them with audio_models.log_mel.")
        if min(images.shape[-2:]) < self.min_size:
            raise ValueError(f"images of {images.shape[-2]} x {images.shape[-1]} cells are too small for "
                             f"{len(self.blocks) // 4 + 1} blocks; need at least {self.min_size} in each direction.")
        x = self.input_norm(images[:, None])
        if self.augment is not None:
            x = self.augment(x[:, 0])[:, None]
        x = self.blocks(x)
        pooled = torch.cat([x.mean(dim=(-2, -1)), x.amax(dim=(-2, -1))], dim=1)
        return self.head(self.dropout(pooled))


class WaveformCNN(nn.Module):
    """A 1-D CNN that classifies raw waveforms ``(batch, samples)``: it must learn its own filterbank.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    In the spirit of Dai et al., "Very deep convolutional neural networks for
    raw waveforms", ICASSP 2017: a first convolution with a long kernel and a
    stride (``first_kernel`` samples, every ``first_stride``), which plays
    the part of the STFT's windows, then per further entry of ``channels`` a
    block convolution (3 taps) → batch norm → ReLU → max pooling by 4, then
    the mean and the maximum of every channel over time, dropout and a linear
    layer.

    Parameters
    ----------
    n_classes : int
        Number of classes.
    channels : sequence of int, default (16, 32, 32, 32)
        Channels of the first layer and of each block.
    first_kernel : int, default 64
        Length of the first layer's filters, in samples.
    first_stride : int, default 8
        Step of the first layer, in samples.
    dropout : float, default 0.2
        Dropout before the last layer.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import WaveformCNN
    >>> WaveformCNN(8)(torch.randn(2, 16000)).shape
    torch.Size([2, 8])
    """

    def __init__(self, n_classes: int, *, channels: Sequence[int] = (16, 32, 32, 32), first_kernel: int = 64,
                 first_stride: int = 8, dropout: float = 0.2) -> None:
        super().__init__()
        n_classes = _int_at_least(n_classes, "n_classes", 2)
        channels = _check_channels(channels)
        self.first_kernel = _int_at_least(first_kernel, "first_kernel", 1, "samples")
        self.first_stride = _int_at_least(first_stride, "first_stride", 1, "samples")
        self.input_norm = nn.BatchNorm1d(1)
        layers: list[nn.Module] = [nn.Conv1d(1, channels[0], self.first_kernel, stride=self.first_stride, bias=False),
                                   nn.BatchNorm1d(channels[0]), nn.ReLU()]
        for previous, c in zip(channels, channels[1:]):
            layers += [nn.MaxPool1d(4), nn.Conv1d(previous, c, 3, padding=1, bias=False), nn.BatchNorm1d(c),
                       nn.ReLU()]
        self.blocks = nn.Sequential(*layers)
        self.min_samples = self.first_kernel + self.first_stride * (4 ** (len(channels) - 1) - 1)
        self.dropout = nn.Dropout(_probability(dropout, "dropout"))
        self.head = nn.Linear(2 * channels[-1], n_classes)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` of waveforms ``(batch, samples)``."""
        if y.ndim != 2:
            raise ValueError(f"WaveformCNN takes waveforms (batch, samples), got shape {tuple(y.shape)}.")
        if y.shape[-1] < self.min_samples:
            raise ValueError(f"clips of {y.shape[-1]} samples are too short for this network; it needs at least "
                             f"{self.min_samples}.")
        x = self.blocks(self.input_norm(y[:, None]))
        pooled = torch.cat([x.mean(dim=-1), x.amax(dim=-1)], dim=1)
        return self.head(self.dropout(pooled))


class LogisticRegression(nn.Module):
    """Multinomial logistic regression: standardise the features, one linear layer, softmax over classes.

    Notebook: ``14_spectrograms_as_images.ipynb`` (the baseline, on
    :func:`mfcc_statistics`). Train it with :func:`fit_logistic_regression`.

    Parameters
    ----------
    n_features, n_classes : int
        Input size and number of classes.

    Attributes
    ----------
    mean, scale : tensor buffers
        Per-feature mean and standard deviation subtracted and divided before
        the linear layer (set by :func:`fit_logistic_regression` from the
        training data).

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import LogisticRegression
    >>> LogisticRegression(40, 8)(torch.randn(5, 40)).shape
    torch.Size([5, 8])
    """

    def __init__(self, n_features: int, n_classes: int) -> None:
        super().__init__()
        n_features = _int_at_least(n_features, "n_features", 1)
        n_classes = _int_at_least(n_classes, "n_classes", 2)
        self.register_buffer("mean", torch.zeros(n_features))
        self.register_buffer("scale", torch.ones(n_features))
        self.linear = nn.Linear(n_features, n_classes)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` of features ``(batch, n_features)``."""
        if features.ndim != 2 or features.shape[1] != self.mean.shape[0]:
            raise ValueError(f"expected features (batch, {self.mean.shape[0]}), got shape {tuple(features.shape)}.")
        return self.linear((features - self.mean) / self.scale)


def _labels(labels: Any, n: int, name: str = "labels") -> torch.Tensor:
    t = labels.detach().cpu() if isinstance(labels, torch.Tensor) else torch.as_tensor(np.array(labels))
    if t.ndim != 1 or t.shape[0] != n:
        raise ValueError(f"{name} must be one integer class per example ({n}), got shape {tuple(t.shape)}.")
    if t.dtype.is_floating_point or t.dtype == torch.bool:
        if t.dtype == torch.bool or not torch.equal(t, t.round()):
            raise ValueError(f"{name} must be integer class indices 0, 1, ..., got dtype {t.dtype}.")
    t = t.long()
    if n and int(t.min()) < 0:
        raise ValueError(f"{name} must be class indices >= 0, got {int(t.min())}.")
    return t


def _as_float_tensor(x: Any, name: str) -> torch.Tensor:
    t = x if isinstance(x, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(np.asarray(x, dtype=np.float32)))
    if not t.is_floating_point():
        t = t.float()
    if t.ndim == 0 or t.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one example along its first axis, got shape {tuple(t.shape)}.")
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} contains NaN or infinite values; check the clips with audio_models.as_clips.")
    return t


def fit_logistic_regression(features: ArrayOrTensor, labels: Any, *, n_classes: int | None = None,
                            weight_decay: float = 1e-3, max_iter: int = 100) -> LogisticRegression:
    """Fit a :class:`LogisticRegression` by full-batch L-BFGS on the mean cross-entropy plus an L2 penalty.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Deterministic: the weights start at zero and every step sees all the
    data, so the same data give the same model on every run.

    Parameters
    ----------
    features : array_like or tensor, shape ``(examples, n_features)``
        E.g. :func:`mfcc_statistics` of the training clips.
    labels : array_like of int, shape ``(examples,)``
        Class indices.
    n_classes : int, optional
        Default ``max(labels) + 1``.
    weight_decay : float, default 1e-3
        L2 penalty ``weight_decay · Σ w²`` on the weights (not the biases),
        in the standardised feature units.
    max_iter : int, default 100
        L-BFGS iterations.

    Returns
    -------
    LogisticRegression
        In eval mode, on the CPU.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import fit_logistic_regression, predict_proba
    >>> X = np.array([[0.0, 0.1], [0.2, 0.0], [3.0, 3.1], [3.2, 2.9]])
    >>> model = fit_logistic_regression(X, [0, 0, 1, 1])
    >>> predict_proba(model, X).argmax(1).tolist()
    [0, 0, 1, 1]
    """
    x = _as_float_tensor(features, "features").float()
    if x.ndim != 2:
        raise ValueError(f"features must have shape (examples, n_features), got {tuple(x.shape)}.")
    y = _labels(labels, x.shape[0])
    k = int(y.max()) + 1 if n_classes is None else _int_at_least(n_classes, "n_classes", 2)
    if int(y.max()) >= k:
        raise ValueError(f"labels go up to {int(y.max())} but n_classes is {k}.")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real) or weight_decay < 0:
        raise ValueError(f"weight_decay must be a non-negative number, got {weight_decay!r}.")
    max_iter = _int_at_least(max_iter, "max_iter", 1)
    model = LogisticRegression(x.shape[1], max(k, 2))
    model.mean.copy_(x.mean(dim=0))
    # A constant feature has no spread: leave it unscaled rather than divide by zero.
    model.scale.copy_(torch.where(x.std(dim=0) > 1e-8, x.std(dim=0), torch.ones(x.shape[1])))
    optimizer = torch.optim.LBFGS(model.linear.parameters(), lr=1.0, max_iter=max_iter,
                                  line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y) + weight_decay * model.linear.weight.square().sum()
        loss.backward()
        return loss

    model.train()
    optimizer.step(closure)
    return model.eval()


# ----------------------------------------------------------------------------- training and evaluation


def clip_loader(inputs: ArrayOrTensor, labels: Any, *, batch_size: int = 32, shuffle: bool = False,
                seed: int = 0) -> torch.utils.data.DataLoader:
    """A DataLoader of ``(inputs, labels)`` batches for :func:`musiclearn.train.train`.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    inputs : array_like or tensor, shape ``(examples, ...)``
        Images, waveforms or feature vectors.
    labels : array_like of int, shape ``(examples,)``
        One class per example.
    batch_size : int, default 32
        Examples per batch.
    shuffle : bool, default False
        Reshuffle every epoch (for training), with a generator seeded by
        ``seed``: the same order on every run, and a resumed run continues it.
    seed : int, default 0
        Seed of the shuffling.

    Returns
    -------
    torch.utils.data.DataLoader

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import clip_loader
    >>> x, y = next(iter(clip_loader(np.zeros((10, 40, 32), np.float32), np.arange(10) % 2, batch_size=4)))
    >>> tuple(x.shape), y.tolist()
    ((4, 40, 32), [0, 1, 0, 1])
    """
    from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

    x = _as_float_tensor(inputs, "inputs")
    y = _labels(labels, x.shape[0])
    batch_size = _int_at_least(batch_size, "batch_size", 1)
    dataset = TensorDataset(x, y)
    generator = torch.Generator().manual_seed(_int_at_least(seed, "seed", 0)) if shuffle else None
    order = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    # Whole batches are sliced out of the tensors at once (not gathered clip by clip): much faster for
    # small models. The loader holds the generator, so a resumed musiclearn.train run shuffles on as before.
    return DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False), batch_size=None,
                      generator=generator)


def fit_classifier(model: nn.Module, train_inputs: ArrayOrTensor, train_labels: Any,
                   val_inputs: ArrayOrTensor | None = None, val_labels: Any = None, *, epochs: int = 30,
                   lr: float = 3e-3, weight_decay: float = 1e-2, batch_size: int = 32, patience: int | None = None,
                   seed: int = 0, device: Any = None, amp: bool | str | None = None, progress: bool = False,
                   live_plot: bool = False, checkpoint: Any = None) -> Any:
    """Train a classifier with :func:`musiclearn.train.train` (AdamW, cosine schedule, early stopping).

    Notebook: ``14_spectrograms_as_images.ipynb``.

    The losses in the returned history are mean cross-entropies per example
    (nats). With validation data, early stopping (``patience``) watches the
    validation loss and the model ends with the weights of its best epoch.
    On a GPU, bf16/fp16 autocast is on unless ``amp=False``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps a batch of inputs to logits ``(batch, classes)``; trained in place.
    train_inputs, train_labels
        Training examples and their classes.
    val_inputs, val_labels : optional
        Validation examples and classes (scored after every epoch).
    epochs, lr, weight_decay, patience, device, amp, progress, live_plot, checkpoint
        As :func:`musiclearn.train.train`.
    batch_size : int, default 32
        Examples per optimiser step.
    seed : int, default 0
        Seeds the shuffling and dropout (``musiclearn.seed_everything``); build
        the model after seeding too for a fully repeatable run on the CPU.

    Returns
    -------
    musiclearn.train.History

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import LogisticRegression, fit_classifier
    >>> x = torch.cat([torch.zeros(8, 2), torch.ones(8, 2)]); y = torch.tensor([0] * 8 + [1] * 8)
    >>> history = fit_classifier(LogisticRegression(2, 2), x, y, x, y, epochs=5, lr=0.1, device="cpu")
    >>> history.val_loss[-1] < history.val_loss[0]
    True
    """
    import musiclearn

    from .train import train

    if (val_inputs is None) != (val_labels is None):
        raise ValueError("give both val_inputs and val_labels, or neither.")
    seed = _int_at_least(seed, "seed", 0)
    musiclearn.seed_everything(seed)
    train_loader = clip_loader(train_inputs, train_labels, batch_size=batch_size, shuffle=True, seed=seed)
    val_loader = None if val_inputs is None else clip_loader(val_inputs, val_labels, batch_size=max(batch_size, 256))
    return train(model, train_loader, val_loader, epochs=epochs, lr=lr, weight_decay=weight_decay,
                 warmup_steps=0, device=device, amp=amp, patience=patience, checkpoint=checkpoint,
                 progress=progress, live_plot=live_plot)


def predict_proba(model: nn.Module, inputs: ArrayOrTensor, *, batch_size: int = 256,
                  device: Any = None) -> np.ndarray:
    """Class probabilities ``(examples, classes)`` of a trained model (eval mode, no gradients).

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    model : torch.nn.Module
        Returns logits ``(batch, classes)``.
    inputs : array_like or tensor, shape ``(examples, ...)``
        What the model reads.
    batch_size : int, default 256
        Examples per forward pass.
    device : str or torch.device, optional
        Default: where the model's parameters are.

    Returns
    -------
    np.ndarray
        float64 rows that sum to 1 (softmax of the logits, computed in float32).

    Examples
    --------
    >>> import torch
    >>> from musiclearn.audio_models import LogisticRegression, predict_proba
    >>> predict_proba(LogisticRegression(3, 4), torch.zeros(2, 3)).round(2).tolist()   # untrained: uniform
    [[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]
    """
    x = _as_float_tensor(inputs, "inputs")
    batch_size = _int_at_least(batch_size, "batch_size", 1)
    if device is None:
        first = next(iter(model.parameters()), None)
        device = first.device if first is not None else torch.device("cpu")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            parts = [torch.softmax(model(part.to(device)).float(), dim=-1).cpu() for part in x.split(batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(parts).double().numpy()


def accuracy(predictions: Any, labels: Any) -> float:
    """Fraction of examples whose predicted class is the label.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    predictions : array_like
        Predicted classes ``(examples,)``, or probabilities/logits
        ``(examples, classes)`` (the largest counts).
    labels : array_like of int, shape ``(examples,)``
        The true classes.

    Returns
    -------
    float

    Examples
    --------
    >>> from musiclearn.audio_models import accuracy
    >>> accuracy([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], [0, 1, 1])
    0.6666666666666666
    """
    p = np.asarray(predictions)
    pred = p.argmax(axis=1) if p.ndim == 2 else p
    y = _labels(labels, pred.shape[0]).numpy()
    if y.size == 0:
        raise ValueError("accuracy needs at least one example.")
    return float(np.mean(pred == y))


def confusion_matrix(labels: Any, predictions: Any, *, n_classes: int | None = None) -> np.ndarray:
    """Counts ``C[i, j]``: examples of true class ``i`` predicted as class ``j``.

    Notebook: ``14_spectrograms_as_images.ipynb`` (an exercise writes it).
    Rows are the truth, columns the prediction; the diagonal holds the right
    answers, so ``C.trace() / C.sum()`` is the accuracy.

    Parameters
    ----------
    labels : array_like of int, shape ``(examples,)``
        True classes.
    predictions : array_like
        Predicted classes, or probabilities ``(examples, classes)``.
    n_classes : int, optional
        Default: one more than the largest class seen.

    Returns
    -------
    np.ndarray
        int64, shape ``(n_classes, n_classes)``.

    Examples
    --------
    >>> from musiclearn.audio_models import confusion_matrix
    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2]).tolist()
    [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    """
    p = np.asarray(predictions)
    pred = _labels(p.argmax(axis=1) if p.ndim == 2 else p, len(p), "predictions").numpy()
    y = _labels(labels, pred.shape[0]).numpy()
    k = int(max(y.max(initial=-1), pred.max(initial=-1))) + 1 if n_classes is None else \
        _int_at_least(n_classes, "n_classes", 1)
    if y.size and max(int(y.max()), int(pred.max())) >= k:
        raise ValueError(f"a class index is >= n_classes={k}; pass the right n_classes.")
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (y, pred), 1)
    return counts


def out_of_fold_probabilities(fit_predict: Callable[[np.ndarray, np.ndarray], Any],
                              folds: Sequence[tuple[Any, Any]], *, n_examples: int,
                              n_classes: int) -> np.ndarray:
    """Each example's class probabilities from a model that did not train on it (cross-validation).

    Notebook: ``14_spectrograms_as_images.ipynb`` uses them to find suspected
    mislabels (:func:`suspected_mislabels`); ``13_audio_data_hygiene.ipynb``
    explains why the folds must be group-disjoint.

    Parameters
    ----------
    fit_predict : callable
        ``fit_predict(train_indices, test_indices)`` trains a fresh model on
        the first and returns probabilities ``(len(test_indices), n_classes)``
        for the second.
    folds : sequence of (train_indices, test_indices)
        Every example must be a test example exactly once, and no fold may
        test an example it trains on.
    n_examples, n_classes : int
        Size of the result.

    Returns
    -------
    np.ndarray
        ``(n_examples, n_classes)`` float64.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.audio_models import out_of_fold_probabilities
    >>> folds = [(np.array([2, 3]), np.array([0, 1])), (np.array([0, 1]), np.array([2, 3]))]
    >>> out_of_fold_probabilities(lambda tr, te: np.full((len(te), 2), 0.5), folds, n_examples=4, n_classes=2).shape
    (4, 2)
    """
    n_examples = _int_at_least(n_examples, "n_examples", 1)
    n_classes = _int_at_least(n_classes, "n_classes", 2)
    out = np.full((n_examples, n_classes), np.nan)
    seen = np.zeros(n_examples, dtype=int)
    for k, (train_idx, test_idx) in enumerate(folds):
        train_idx, test_idx = np.asarray(train_idx, dtype=int), np.asarray(test_idx, dtype=int)
        if np.intersect1d(train_idx, test_idx).size:
            raise ValueError(f"fold {k} tests examples it trains on; out-of-fold predictions need disjoint folds.")
        probs = np.asarray(fit_predict(train_idx, test_idx), dtype=np.float64)
        if probs.shape != (test_idx.size, n_classes):
            raise ValueError(f"fit_predict returned shape {probs.shape} for fold {k}; expected "
                             f"({test_idx.size}, {n_classes}).")
        out[test_idx] = probs
        seen[test_idx] += 1
    if not np.all(seen == 1):
        bad = int(np.flatnonzero(seen != 1)[0])
        raise ValueError(f"example {bad} is a test example {seen[bad]} times; every example must be tested exactly "
                         "once (use folds that partition the examples).")
    return out


def suspected_mislabels(probabilities: Any, labels: Any, *, threshold: float = 0.5) -> np.ndarray:
    """Examples whose out-of-fold probability of their own label is low, most suspicious first.

    Notebook: ``14_spectrograms_as_images.ipynb``; notebook
    ``13_audio_data_hygiene.ipynb`` finds faults in the clips themselves.

    The idea of *confident learning* (Northcutt, Jiang and Chuang, "Confident
    learning: Estimating uncertainty in dataset labels", JAIR 2021) in its
    simplest form: a model that never saw an example, yet is sure it belongs
    to another class, points at a label worth checking by ear. A suspect is
    an example whose predicted class differs from its label and whose label
    has probability below ``threshold``.

    Parameters
    ----------
    probabilities : array_like, shape ``(examples, classes)``
        Out-of-fold probabilities (:func:`out_of_fold_probabilities`).
    labels : array_like of int, shape ``(examples,)``
        The given labels.
    threshold : float, default 0.5
        Largest probability of the given label that is still suspicious.

    Returns
    -------
    np.ndarray
        Indices of the suspects, sorted by the probability of their label (lowest first).

    Examples
    --------
    >>> from musiclearn.audio_models import suspected_mislabels
    >>> suspected_mislabels([[0.9, 0.1], [0.05, 0.95], [0.4, 0.6]], [0, 0, 0]).tolist()
    [1, 2]
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"probabilities must have shape (examples, classes), got {p.shape}.")
    y = _labels(labels, p.shape[0]).numpy()
    if y.size and int(y.max()) >= p.shape[1]:
        raise ValueError(f"a label is >= the number of classes ({p.shape[1]}).")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a probability in (0, 1], got {threshold!r}.")
    own = p[np.arange(y.size), y]
    suspects = np.flatnonzero((p.argmax(axis=1) != y) & (own < threshold))
    return suspects[np.argsort(own[suspects], kind="stable")]
