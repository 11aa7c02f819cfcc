"""Generating audio one sample at a time: μ-law, baselines, a small WaveNet, and a VQ-VAE.

Notebook: ``15_next_sample.ipynb`` ("Jukebox in miniature") teaches this module.

A sample-level model predicts the next *sample* of a waveform — at 8 kHz one
every 1/8000 s = 0.125 ms — not "the next millisecond". It does so as a
classifier over the 256 classes of 8-bit μ-law companding:

* :func:`mu_compress` / :func:`mu_expand` (equal to librosa's) and
  :func:`encode_mulaw` / :func:`decode_mulaw` (classes ``0..255``);
* baselines scored in **bits per sample**: :func:`unigram` (the code
  histogram) and :class:`LinearPredictor` (LPC by Burg's method, :func:`lpc`
  equal to ``librosa.lpc``, with a discretised Laplace residual);
* :class:`WaveNet`: causal dilated convolutions with gated residual and skip
  connections; :func:`receptive_field` by formula; trained with
  :func:`musiclearn.train.train` on :class:`RandomWindows`;
* generation: :func:`generate_naive` (re-runs the whole receptive field per
  sample, through :func:`musiclearn.generate.sample`) and
  :func:`generate_cached` (queues of past activations per layer, "fast
  WaveNet"): the same samples for the same seed, many times faster;
* :class:`VQVAE`: compress audio to about 100 discrete codes per second first
  (as Jukebox does), so that a transformer prior
  (:class:`musiclearn.models.TransformerLanguageModel`) models far fewer steps.

torch is imported when a function needs it (the classes are built on first use).
"""

from __future__ import annotations

import io
import math
import numbers
import os
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import _validate
from .errors import DataError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

__all__ = [
    "MU", "N_CLASSES", "CHECKPOINT_FORMAT",
    "mu_compress", "mu_expand", "encode_mulaw", "decode_mulaw", "check_audio",
    "bits_per_sample", "entropy_bits", "unigram", "lpc", "LinearPredictor",
    "receptive_field", "WaveNet", "RandomWindows", "wavenet_bits",
    "generate_naive", "generate_cached", "VQVAE", "train_vqvae", "vq_codes",
    "instrument_audio", "save_model", "load_model",
]

#: μ of 8-bit μ-law (ITU-T G.711 and WaveNet): 256 classes.
MU = 255
#: Number of classes a sample is one of after 8-bit μ-law quantisation.
N_CLASSES = MU + 1
#: Tag and version written into checkpoints by :func:`save_model`.
CHECKPOINT_FORMAT = ("musiclearn-next-sample", 1)


# ----------------------------------------------------------------------------- μ-law


def _check_mu(mu: object) -> int:
    if isinstance(mu, bool) or not isinstance(mu, numbers.Integral) or int(mu) < 1:
        raise ValueError(f"mu must be a positive whole number (255 for 8-bit μ-law), got {mu!r}.")
    return int(mu)


def _finite(y: Any, name: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers (samples), got dtype {arr.dtype}.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s); remove or replace them "
                         "(e.g. np.nan_to_num) before encoding audio.")
    return arr


def mu_compress(x: Any, *, mu: int = MU, quantize: bool = True) -> np.ndarray:
    """μ-law compression of samples in [-1, 1]: ``sign(x) · ln(1 + μ|x|) / ln(1 + μ)``.

    Notebook: ``15_next_sample.ipynb``. Equal to ``librosa.mu_compress``.

    Parameters
    ----------
    x : array_like
        Samples in [-1, 1].
    mu : int, default 255
        Compression parameter; ``mu + 1`` quantisation levels.
    quantize : bool, default True
        Return integers in ``-(mu+1)//2 .. mu//2`` (the index of the uniform
        bin of the compressed value, as librosa numbers them) instead of
        floats in [-1, 1].

    Returns
    -------
    np.ndarray
        Floats in [-1, 1], or integers (``-128..127`` for ``mu=255``).

    Examples
    --------
    >>> mu_compress([-1.0, 0.0, 0.01, 1.0])
    array([-128,    0,   29,  127])
    >>> float(mu_compress(0.01, quantize=False))  # 1 % of full scale is 23 % of the code range
    0.2284...
    """
    mu = _check_mu(mu)
    arr = _finite(x, "x").astype(np.float64)
    if arr.size and (arr.min() < -1 or arr.max() > 1):
        raise ValueError("x must lie in [-1, 1] for μ-law compression; scale the audio first (y / abs(y).max()).")
    compressed = np.sign(arr) * np.log1p(mu * np.abs(arr)) / np.log1p(mu)
    if not quantize:
        return compressed
    # mu + 1 equal bins over [-1, 1]; a value on an edge belongs to the bin below it.
    edges = np.linspace(-1.0, 1.0, mu + 1)
    return np.searchsorted(edges, compressed, side="left") - (mu + 1) // 2


def mu_expand(x: Any, *, mu: int = MU, quantize: bool = True) -> np.ndarray:
    """Inverse of :func:`mu_compress`: ``sign(x) · ((1 + μ)^|x| − 1) / μ``.

    Notebook: ``15_next_sample.ipynb``. Equal to ``librosa.mu_expand``.

    Parameters
    ----------
    x : array_like
        Compressed values in [-1, 1], or (``quantize=True``) the integers
        :func:`mu_compress` returns.
    mu : int, default 255
    quantize : bool, default True
        ``x`` holds quantised integers; they are mapped to ``x · 2 / (mu + 1)`` first.

    Returns
    -------
    np.ndarray of float
        Samples in [-1, 1].

    Examples
    --------
    >>> y = np.array([-0.5, 0.0, 0.001, 0.3])
    >>> bool(np.abs(mu_expand(mu_compress(y)) - y).max() < 0.02)
    True
    """
    mu = _check_mu(mu)
    arr = _finite(x, "x").astype(np.float64)
    if quantize:
        arr = arr * 2.0 / (mu + 1)
    if arr.size and (arr.min() < -1 or arr.max() > 1):
        raise ValueError("x must lie in [-1, 1] (or be quantised codes from mu_compress with the same mu).")
    return np.sign(arr) / mu * (np.power(1.0 + mu, np.abs(arr)) - 1.0)


def encode_mulaw(y: Any) -> np.ndarray:
    """Samples in [-1, 1] → 8-bit μ-law classes ``0..255`` (int64; 128 is silence).

    Notebook: ``15_next_sample.ipynb``.

    Examples
    --------
    >>> encode_mulaw([-1.0, 0.0, 1.0]).tolist()
    [0, 128, 255]
    """
    return (mu_compress(y, mu=MU, quantize=True) + N_CLASSES // 2).astype(np.int64)


def decode_mulaw(codes: Any) -> np.ndarray:
    """8-bit μ-law classes ``0..255`` → samples in [-1, 1] (float32).

    Notebook: ``15_next_sample.ipynb``.

    Examples
    --------
    >>> decode_mulaw([128]).tolist()
    [0.0]
    """
    arr = np.asarray(codes)
    if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() >= N_CLASSES)):
        raise ValueError(f"codes must be whole numbers 0..{N_CLASSES - 1} (from encode_mulaw).")
    return mu_expand(arr.astype(np.int64) - N_CLASSES // 2, mu=MU, quantize=True).astype(np.float32)


def _class_edges() -> np.ndarray:
    """The 257 linear-domain boundaries of the 256 classes; the outer two are ∓inf.

    Class ``c`` holds the samples in ``(edges[c], edges[c + 1]]``: it is the
    compressed-domain bin ``(e_{c-1}, e_c]`` with ``e_j = -1 + 2j/255``. Class 0
    alone would be the single point -1, so the outer classes are stretched to
    ±inf: every real number falls in exactly one class and the probabilities
    of a continuous distribution over the classes sum to 1.
    """
    compressed = np.linspace(-1.0, 1.0, MU + 1)[:-1]          # e_0 .. e_254: upper edges of classes 0..254
    inner = mu_expand(compressed, quantize=False)
    return np.concatenate([[-np.inf], inner, [np.inf]])


def check_audio(y: Any, *, sr: float, expected_sr: float | None = None, min_samples: int | None = None,
                name: str = "y") -> np.ndarray:
    """Validate a mono clip for the models of this module; return it as float32.

    Notebook: ``15_next_sample.ipynb`` (bad input).

    Raises
    ------
    ValueError
        NaN or infinite samples, values outside [-1, 1], a sampling rate other
        than ``expected_sr``, or fewer than ``min_samples`` samples (e.g. a clip
        shorter than a model's receptive field).

    Examples
    --------
    >>> check_audio(np.zeros(4000), sr=8000, expected_sr=16000)
    Traceback (most recent call last):
    ...
    ValueError: the audio is sampled at 8000 Hz but the model expects 16000 Hz; resample it first (musiclearn.audio.resample).
    """
    arr = _finite(y, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be mono audio, one axis of samples; got shape {arr.shape}.")
    rate = _validate.sample_rate(sr)
    if expected_sr is not None and float(rate) != float(expected_sr):
        raise ValueError(f"the audio is sampled at {rate:g} Hz but the model expects {expected_sr:g} Hz; "
                         "resample it first (musiclearn.audio.resample).")
    if arr.size and np.abs(arr).max() > 1:
        raise ValueError(f"{name} has samples outside [-1, 1]; scale it (y / abs(y).max()) before μ-law encoding.")
    if min_samples is not None and arr.size < min_samples:
        raise ValueError(f"the clip has {arr.size} samples, fewer than the {min_samples} the model needs "
                         "(its receptive field); give a longer clip.")
    return arr.astype(np.float32)


# ----------------------------------------------------------------------------- bits


def bits_per_sample(probabilities: Any, targets: Any) -> float:
    """Mean ``−log2 p(target)``: the average code length a model would spend per sample.

    Notebook: ``15_next_sample.ipynb``.

    Parameters
    ----------
    probabilities : array_like, shape (n, classes) or (classes,)
        Each row a distribution (non-negative, summing to 1); a single row is
        used for every target (a unigram model).
    targets : array_like of int, shape (n,)

    Examples
    --------
    >>> bits_per_sample(np.full(256, 1 / 256), [0, 5, 255])  # uniform over 256 classes: 8 bits
    8.0
    >>> bits_per_sample([[0.5, 0.5], [0.25, 0.75]], [0, 0])   # (1 + 2) / 2
    1.5
    """
    p = np.asarray(probabilities, dtype=np.float64)
    t = np.asarray(targets)
    if t.dtype.kind not in "iu" or t.ndim != 1 or t.size == 0:
        raise ValueError("targets must be a non-empty 1-D array of class indices.")
    if p.ndim not in (1, 2) or (p.ndim == 2 and p.shape[0] != t.size):
        raise ValueError(f"probabilities must be (classes,) or (len(targets), classes), got {p.shape}.")
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError("each row of probabilities must be non-negative and sum to 1.")
    if t.min() < 0 or t.max() >= p.shape[-1]:
        raise ValueError(f"targets must lie in 0..{p.shape[-1] - 1}.")
    chosen = p[t] if p.ndim == 1 else p[np.arange(t.size), t]
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log2(chosen)))


def entropy_bits(p: Any) -> float:
    """Entropy ``−Σ p log2 p`` of one distribution, in bits.

    Notebook: ``15_next_sample.ipynb``.

    Examples
    --------
    >>> entropy_bits([0.5, 0.25, 0.25])
    1.5
    """
    arr = np.asarray(p, dtype=np.float64)
    nz = arr[arr > 0]
    return float(-(nz * np.log2(nz)).sum())


def unigram(codes: Any, *, alpha: float = 1.0) -> np.ndarray:
    """The class histogram of training codes with add-``alpha`` smoothing: a distribution over 256 classes.

    Notebook: ``15_next_sample.ipynb``. Every sample gets the same
    distribution: this ignores the past entirely.

    Examples
    --------
    >>> p = unigram([128, 128, 129])
    >>> p.shape, round(float(p.sum()), 12), bool(p[128] > p[129] > p[0])
    ((256,), 1.0, True)
    """
    arr = np.concatenate([np.asarray(c).ravel() for c in codes]) if isinstance(codes, (list, tuple)) and codes \
        and np.ndim(codes[0]) else np.asarray(codes).ravel()
    if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < 0 or arr.max() >= N_CLASSES)):
        raise ValueError(f"codes must be whole numbers 0..{N_CLASSES - 1}.")
    if not alpha > 0:
        raise ValueError(f"alpha must be positive (an unseen class needs some probability), got {alpha!r}.")
    counts = np.bincount(arr, minlength=N_CLASSES).astype(np.float64) + alpha
    return counts / counts.sum()


# ----------------------------------------------------------------------------- linear prediction


def lpc(y: Any, *, order: int) -> np.ndarray:
    """Linear-prediction coefficients by Burg's method; equal to ``librosa.lpc``.

    Notebook: ``15_next_sample.ipynb``.

    Returns ``a = [1, a_1, ..., a_p]``: the prediction of ``y[n]`` is
    ``−Σ_{j=1..p} a_j · y[n−j]``. Burg's method picks, one order at a time,
    the reflection coefficient that minimises the sum of the forward and
    backward prediction errors, which keeps the filter stable.

    Examples
    --------
    >>> t = np.arange(400)
    >>> a = lpc(np.sin(0.3 * t), order=2)          # a sinusoid obeys y[n] = 2cos(0.3) y[n-1] - y[n-2]
    >>> bool(np.allclose(a, [1.0, -2 * np.cos(0.3), 1.0], atol=1e-3))
    True
    """
    order = _validate.positive_int(order, "order", unit="samples")
    x = _finite(y, "y").astype(np.float64)
    if x.ndim != 1 or x.size <= order:
        raise ValueError(f"y must be 1-D with more than order={order} samples.")
    a = np.array([1.0])
    forward, backward = x[1:].copy(), x[:-1].copy()
    for _ in range(order):
        denominator = np.dot(forward, forward) + np.dot(backward, backward)
        k = -2.0 * np.dot(forward, backward) / denominator if denominator > 0 else 0.0
        a = np.concatenate([a, [0.0]]) + k * np.concatenate([[0.0], a[::-1]])
        forward, backward = forward + k * backward, backward + k * forward
        forward, backward = forward[1:], backward[:-1]
    return a


def _laplace_cdf(z: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.where(z < 0, 0.5 * np.exp(np.minimum(z, 0) / scale), 1 - 0.5 * np.exp(-np.maximum(z, 0) / scale))


#: Weight of a uniform distribution mixed into every LPC distribution, so that no class gets probability 0.
LPC_FLOOR = 1e-6


class LinearPredictor:
    """LPC as a probabilistic next-sample model over the 256 μ-law classes.

    Notebook: ``15_next_sample.ipynb``.

    How a probability per class is obtained (all in the linear domain):

    1. the prediction ``m = −Σ a_j x[n−j]`` from the *decoded* μ-law past
       (what a neural model sees too; zeros before the clip starts);
    2. the residual ``x[n] − m`` is modelled as Laplace with scale ``b``;
    3. class ``c`` gets the Laplace probability of its interval of sample
       values, ``F(edge_{c+1} − m) − F(edge_c − m)`` (:func:`_class_edges`;
       the outer classes extend to ∓inf, so the 256 values sum to exactly 1);
    4. a uniform ``LPC_FLOOR`` (1e-6) is mixed in, so no class has probability 0.

    :meth:`fit` computes the coefficients with :func:`lpc` on the training
    audio and chooses ``b`` among 60 log-spaced values to minimise the bits per
    sample on (at most 200,000 evenly spread samples of) the training audio.

    Examples
    --------
    >>> t = np.arange(8000) / 8000
    >>> y = 0.5 * np.sin(2 * np.pi * 220 * t)
    >>> model = LinearPredictor(order=4).fit([encode_mulaw(y)])
    >>> p = model.probabilities(encode_mulaw(y)[:10])
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
    ((10, 256), True)
    >>> model.bits([encode_mulaw(y)]) < 3
    True
    """

    def __init__(self, *, order: int = 16) -> None:
        self.order = _validate.positive_int(order, "order", unit="samples")
        self.coefficients: np.ndarray | None = None
        self.scale: float | None = None

    def _predictions(self, codes: Any) -> np.ndarray:
        """Prediction of sample n from samples < n, for every n of a clip."""
        from scipy.signal import lfilter

        if self.coefficients is None:
            raise ValueError("fit the LinearPredictor first (model.fit(training_codes)).")
        x = decode_mulaw(codes).astype(np.float64)
        return lfilter(np.concatenate([[0.0], -self.coefficients[1:]]), [1.0], x)

    def fit(self, clips: Sequence[Any]) -> "LinearPredictor":
        """Fit coefficients (Burg) and the Laplace scale on training clips of μ-law codes."""
        clips = [np.asarray(c) for c in clips]
        if not clips:
            raise ValueError("give at least one training clip.")
        # Clips joined with `order` zeros between them, so no prediction spans two clips.
        gap = np.zeros(self.order)
        joined = np.concatenate([np.concatenate([decode_mulaw(c), gap]) for c in clips])
        self.coefficients = lpc(joined, order=self.order)
        edges = _class_edges()
        pieces = [(self._predictions(c)[1:], c[1:]) for c in clips]
        means = np.concatenate([m for m, _ in pieces])
        targets = np.concatenate([t for _, t in pieces])
        lower, upper = edges[targets] - means, edges[targets + 1] - means
        # The scale is chosen on at most 200,000 evenly spread training samples (a 1-D search needs no more).
        every = max(1, len(targets) // 200_000)
        candidates = np.geomspace(1e-5, 0.5, 60)
        costs = [self._bits_from(lower[::every], upper[::every], s) for s in candidates]
        self.scale = float(candidates[int(np.argmin(costs))])
        return self

    @staticmethod
    def _bits_from(lower: np.ndarray, upper: np.ndarray, scale: float) -> float:
        p = _laplace_cdf(upper, scale) - _laplace_cdf(lower, scale)
        p = (1 - LPC_FLOOR) * p + LPC_FLOOR / N_CLASSES
        return float(-np.mean(np.log2(p)))

    def probabilities(self, codes: Any) -> np.ndarray:
        """``(len(codes), 256)``: row n is the distribution of sample n given samples < n."""
        if self.scale is None:
            raise ValueError("fit the LinearPredictor first (model.fit(training_codes)).")
        means = self._predictions(codes)
        cdf = _laplace_cdf(_class_edges()[None, :] - means[:, None], self.scale)
        p = np.diff(cdf, axis=1)
        return (1 - LPC_FLOOR) * p + LPC_FLOOR / N_CLASSES

    def bits(self, clips: Sequence[Any]) -> float:
        """Bits per sample on clips of codes, every sample after the first of each clip."""
        if self.scale is None:
            raise ValueError("fit the LinearPredictor first (model.fit(training_codes)).")
        edges = _class_edges()
        pieces = [(self._predictions(c)[1:], np.asarray(c)[1:]) for c in clips]
        means = np.concatenate([m for m, _ in pieces])
        targets = np.concatenate([t for _, t in pieces])
        return self._bits_from(edges[targets] - means, edges[targets + 1] - means, self.scale)


# ----------------------------------------------------------------------------- WaveNet


def receptive_field(*, kernel_size: int = 2, dilations: Sequence[int]) -> int:
    """Samples of input that one output of a stack of causal dilated convolutions sees.

    Notebook: ``15_next_sample.ipynb``. ``1 + (kernel_size − 1) · Σ dilations``:
    each layer reaches ``(kernel_size − 1) · d`` samples further into the past.

    Examples
    --------
    >>> receptive_field(kernel_size=2, dilations=[1, 2, 4, 8])
    16
    >>> receptive_field(dilations=[1, 2, 4, 8] * 2)
    31
    """
    k = _validate.positive_int(kernel_size, "kernel_size", unit="taps")
    ds = [_validate.positive_int(d, "dilation", unit="samples") for d in dilations]
    if not ds:
        raise ValueError("dilations must list at least one layer's dilation.")
    return 1 + (k - 1) * sum(ds)


def _torch_classes() -> dict[str, type]:
    """Build the torch classes once (torch is imported here, not at import time)."""
    global _CLASSES
    if _CLASSES:
        return _CLASSES
    import torch
    from torch import nn
    from torch.nn import functional as F

    class _WaveNet(nn.Module):
        def __init__(self, *, channels: int = 32, skip_channels: int = 64, kernel_size: int = 2,
                     layers_per_stack: int = 8, stacks: int = 2, sample_rate: int = 8000,
                     n_classes: int = N_CLASSES) -> None:
            super().__init__()
            for name, value in (("channels", channels), ("skip_channels", skip_channels),
                                ("kernel_size", kernel_size), ("layers_per_stack", layers_per_stack),
                                ("stacks", stacks), ("n_classes", n_classes)):
                _validate.positive_int(value, name)
            sample_rate = int(_validate.sample_rate(sample_rate, whole=True))
            self.config = dict(channels=channels, skip_channels=skip_channels, kernel_size=kernel_size,
                               layers_per_stack=layers_per_stack, stacks=stacks, sample_rate=sample_rate,
                               n_classes=n_classes)
            self.sample_rate = sample_rate
            self.kernel_size = kernel_size
            self.dilations = [2 ** i for i in range(layers_per_stack)] * stacks
            self.receptive_field = receptive_field(kernel_size=kernel_size, dilations=self.dilations)
            self.embed = nn.Embedding(n_classes, channels)
            # One convolution gives both halves of the gate: tanh(filter) * sigmoid(gate).
            self.dilated = nn.ModuleList(nn.Conv1d(channels, 2 * channels, kernel_size, dilation=d)
                                         for d in self.dilations)
            self.residual = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in self.dilations)
            self.skip = nn.ModuleList(nn.Conv1d(channels, skip_channels, 1) for _ in self.dilations)
            self.out1 = nn.Conv1d(skip_channels, skip_channels, 1)
            self.out2 = nn.Conv1d(skip_channels, n_classes, 1)

        def forward(self, ids: torch.Tensor, features: Any = None, *, layer_inputs: list | None = None
                    ) -> torch.Tensor:
            """Logits ``(batch, time, 256)``: position t is the distribution of sample t+1 given ids[..t]."""
            if ids.ndim != 2:
                raise ValueError(f"ids must be (batch, time) μ-law classes, got shape {tuple(ids.shape)}")
            x = self.embed(ids.long()).transpose(1, 2)
            skips = 0
            for conv, res, skip, d in zip(self.dilated, self.residual, self.skip, self.dilations):
                if layer_inputs is not None:
                    layer_inputs.append(x)
                # Zeros on the left only: output t never sees inputs after t (causal).
                h = conv(F.pad(x, ((self.kernel_size - 1) * d, 0)))
                f, g = h.chunk(2, dim=1)
                z = torch.tanh(f) * torch.sigmoid(g)
                skips = skips + skip(z)
                x = x + res(z)
            out = self.out2(torch.relu(self.out1(torch.relu(skips))))
            return out.transpose(1, 2)

    class _Quantizer(nn.Module):
        def __init__(self, codebook_size: int, dim: int) -> None:
            super().__init__()
            self.codebook = nn.Parameter(torch.randn(codebook_size, dim) * 0.1)

        def codes(self, z: torch.Tensor) -> torch.Tensor:  # z: (batch, dim, time)
            flat = z.transpose(1, 2).reshape(-1, z.shape[1])
            distances = torch.cdist(flat, self.codebook)
            return distances.argmin(dim=1).view(z.shape[0], z.shape[2])

        def lookup(self, codes: torch.Tensor) -> torch.Tensor:
            return self.codebook[codes].transpose(1, 2)

    class _VQVAE(nn.Module):
        def __init__(self, *, codebook_size: int = 64, code_dim: int = 32, channels: int = 64,
                     strides: Sequence[int] = (4, 4, 5), sample_rate: int = 8000) -> None:
            super().__init__()
            for name, value in (("codebook_size", codebook_size), ("code_dim", code_dim), ("channels", channels)):
                _validate.positive_int(value, name)
            strides = [_validate.positive_int(s, "stride") for s in strides]
            sample_rate = int(_validate.sample_rate(sample_rate, whole=True))
            self.config = dict(codebook_size=codebook_size, code_dim=code_dim, channels=channels,
                               strides=list(strides), sample_rate=sample_rate)
            self.sample_rate = sample_rate
            self.hop = int(np.prod(strides))
            self.codebook_size = codebook_size
            enc: list[nn.Module] = [nn.Conv1d(1, channels, 7, padding=3), nn.ReLU()]
            for s in strides:
                enc += [nn.Conv1d(channels, channels, s, stride=s), nn.ReLU(),
                        nn.Conv1d(channels, channels, 3, padding=1), nn.ReLU()]
            enc.append(nn.Conv1d(channels, code_dim, 1))
            self.encoder = nn.Sequential(*enc)
            self.quantizer = _Quantizer(codebook_size, code_dim)
            dec: list[nn.Module] = [nn.Conv1d(code_dim, channels, 3, padding=1), nn.ReLU()]
            for s in reversed(strides):
                dec += [nn.ConvTranspose1d(channels, channels, s, stride=s), nn.ReLU(),
                        nn.Conv1d(channels, channels, 3, padding=1), nn.ReLU()]
            dec.append(nn.Conv1d(channels, 1, 7, padding=3))
            self.decoder = nn.Sequential(*dec)

        def encode(self, y: torch.Tensor) -> torch.Tensor:
            """Waveforms ``(batch, time)`` → codes ``(batch, time // hop)``."""
            return self.quantizer.codes(self.encoder(y[:, None, : y.shape[1] // self.hop * self.hop]))

        def decode(self, codes: torch.Tensor) -> torch.Tensor:
            """Codes ``(batch, n)`` → waveforms ``(batch, n · hop)``."""
            return self.decoder(self.quantizer.lookup(codes))[:, 0]

        def forward(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            """(reconstruction, codebook + commitment loss, codes) of waveforms ``(batch, time)``."""
            z = self.encoder(y[:, None, : y.shape[1] // self.hop * self.hop])
            codes = self.quantizer.codes(z)
            q = self.quantizer.lookup(codes)
            vq_loss = F.mse_loss(q, z.detach()) + 0.25 * F.mse_loss(z, q.detach())
            # Straight-through: the decoder's gradient flows to the encoder as if quantisation were the identity.
            q = z + (q - z).detach()
            return self.decoder(q)[:, 0], vq_loss, codes

    _CLASSES = {"WaveNet": _WaveNet, "VQVAE": _VQVAE}
    return _CLASSES


_CLASSES: dict[str, type] = {}


def WaveNet(*, channels: int = 32, skip_channels: int = 64, kernel_size: int = 2, layers_per_stack: int = 8,
            stacks: int = 2, sample_rate: int = 8000, n_classes: int = N_CLASSES) -> Any:
    """A small WaveNet (van den Oord et al. 2016) over 8-bit μ-law classes: a ``torch.nn.Module``.

    Notebook: ``15_next_sample.ipynb``.

    Input ids ``(batch, time)`` are embedded, then ``stacks × layers_per_stack``
    layers with dilations ``1, 2, 4, …, 2^(layers_per_stack−1)`` (repeated per
    stack) each compute ``z = tanh(W_f ∗ x) · σ(W_g ∗ x)`` with a causal
    dilated convolution, add ``1×1(z)`` to ``x`` (residual) and ``1×1(z)`` to
    the skip sum; ``ReLU → 1×1 → ReLU → 1×1`` turns the skip sum into 256
    logits per position. Position ``t`` predicts sample ``t + 1``. Attributes:
    ``receptive_field`` (samples, :func:`receptive_field`), ``dilations``,
    ``sample_rate`` and ``config``.

    Examples
    --------
    >>> import torch
    >>> model = WaveNet(channels=8, skip_channels=8, layers_per_stack=3, stacks=2)
    >>> model.receptive_field, model(torch.zeros(1, 20, dtype=torch.long)).shape
    (15, torch.Size([1, 20, 256]))
    """
    return _torch_classes()["WaveNet"](channels=channels, skip_channels=skip_channels, kernel_size=kernel_size,
                                       layers_per_stack=layers_per_stack, stacks=stacks, sample_rate=sample_rate,
                                       n_classes=n_classes)


class RandomWindows:
    """Batches of random windows cut from clips of ids, fresh every epoch: a loader for :func:`musiclearn.train.train`.

    Notebook: ``15_next_sample.ipynb``.

    Each batch is ``(inputs, targets)``: ``batch_size`` windows of
    ``length + 1`` ids at random starts, inputs the first ``length``,
    targets the last ``length`` (shifted by one). The starts come from
    ``self.generator`` (a seeded ``torch.Generator``), which ``train``
    saves in its checkpoints.

    Examples
    --------
    >>> loader = RandomWindows([np.arange(100)], length=10, batch_size=4, batches=3, seed=0)
    >>> x, y = next(iter(loader))
    >>> len(loader), tuple(x.shape), bool((y[:, :-1] == x[:, 1:]).all())
    (3, (4, 10), True)
    """

    def __init__(self, clips: Sequence[Any], *, length: int, batch_size: int, batches: int, seed: int = 0) -> None:
        import torch

        self.length = _validate.positive_int(length, "length", unit="samples")
        self.batch_size = _validate.positive_int(batch_size, "batch_size")
        self.batches = _validate.positive_int(batches, "batches")
        self.clips = [torch.as_tensor(np.asarray(c), dtype=torch.long) for c in clips]
        self.clips = [c for c in self.clips if len(c) > self.length]
        if not self.clips:
            raise ValueError(f"no clip is longer than length + 1 = {self.length + 1}; use shorter windows.")
        sizes = torch.tensor([len(c) - self.length for c in self.clips], dtype=torch.float64)
        self.weights = sizes / sizes.sum()        # a clip is drawn in proportion to its number of windows
        self.generator = torch.Generator().manual_seed(int(seed))

    def __len__(self) -> int:
        return self.batches

    def __iter__(self):
        import torch

        for _ in range(self.batches):
            which = torch.multinomial(self.weights, self.batch_size, replacement=True, generator=self.generator)
            rows = []
            for i in which.tolist():
                start = int(torch.randint(len(self.clips[i]) - self.length, (1,), generator=self.generator))
                rows.append(self.clips[i][start : start + self.length + 1])
            block = torch.stack(rows)
            yield block[:, :-1], block[:, 1:]


def wavenet_bits(model: Any, clips: Sequence[Any], *, chunk: int = 8192) -> float:
    """Bits per sample of a WaveNet on clips of μ-law codes, every sample after the first of each clip.

    Notebook: ``15_next_sample.ipynb``. Long clips are scored in chunks, each
    with ``receptive_field − 1`` samples of context before it, which gives
    exactly the numbers of one pass over the whole clip.

    Examples
    --------
    >>> model = WaveNet(channels=4, skip_channels=4, layers_per_stack=2, stacks=1)
    >>> 7 < wavenet_bits(model, [np.full(50, 128)]) < 9        # untrained: about log2(256) = 8
    True
    """
    import torch
    from torch.nn import functional as F

    total, count = 0.0, 0
    context = model.receptive_field - 1
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            for clip in clips:
                ids = torch.as_tensor(np.asarray(clip), dtype=torch.long)
                if ids.ndim != 1 or len(ids) < 2:
                    raise ValueError("each clip must be a 1-D array of at least 2 codes.")
                for start in range(0, len(ids) - 1, chunk):
                    lo = max(0, start - context)
                    stop = min(start + chunk, len(ids) - 1)
                    logits = model(ids[lo:stop][None].to(device))[0, start - lo:]
                    loss = F.cross_entropy(logits.float(), ids[start + 1 : stop + 1].to(device), reduction="sum")
                    total += float(loss)
                    count += stop - start
    finally:
        model.train(was_training)
    return total / count / math.log(2)


def _check_prompt(model: Any, prompt: Any) -> list[int]:
    ids = [int(i) for i in np.asarray(prompt).ravel()]
    if not ids:
        raise ValueError("the prompt needs at least one code (e.g. [128], silence).")
    if min(ids) < 0 or max(ids) >= model.config["n_classes"]:
        raise ValueError(f"prompt codes must lie in 0..{model.config['n_classes'] - 1}.")
    return ids


def generate_naive(model: Any, prompt: Any, *, steps: int, temperature: float = 1.0, seed: int | None = None,
                   top_k: int | None = None, top_p: float | None = None) -> list[int]:
    """Sample-by-sample generation that re-runs the model on its whole receptive field for every sample.

    Notebook: ``15_next_sample.ipynb``. This is :func:`musiclearn.generate.sample`
    with ``max_context = model.receptive_field``: cost per sample grows with the
    receptive field. Returns the prompt followed by ``steps`` new codes.

    Examples
    --------
    >>> model = WaveNet(channels=4, skip_channels=4, layers_per_stack=2, stacks=1)
    >>> out = generate_naive(model, [128], steps=5, seed=0)
    >>> len(out), out == generate_cached(model, [128], steps=5, seed=0)
    (6, True)
    """
    from .generate import sample

    ids = _check_prompt(model, prompt)
    return sample(model, ids, steps=steps, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed,
                  max_context=model.receptive_field)


def generate_cached(model: Any, prompt: Any, *, steps: int, temperature: float = 1.0, seed: int | None = None,
                    top_k: int | None = None, top_p: float | None = None) -> list[int]:
    """Fast WaveNet generation: each layer keeps a queue of its past inputs, so a sample costs one step per layer.

    Notebook: ``15_next_sample.ipynb``. Same arguments and, for the same seed,
    the same codes as :func:`generate_naive` (the draws are made the same way,
    with :func:`musiclearn.generate.filter_logits` and a seeded generator).

    A layer with dilation ``d`` and kernel size ``k`` needs its inputs from
    ``d, 2d, …, (k−1)d`` steps ago; a ring buffer of the last ``(k−1)·d``
    inputs holds them. The prompt is run through the model once to fill the
    buffers (Paine et al. 2016, "Fast Wavenet generation algorithm").
    """
    import torch

    from .generate import filter_logits

    filter_logits(np.zeros(2), temperature=temperature, top_k=top_k, top_p=top_p)   # checks the options
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0 (how many samples to add), got {steps!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
    ids = _check_prompt(model, prompt)
    # Drawn exactly as musiclearn.generate.sample draws: a CPU generator seeded with `seed`.
    generator = torch.Generator(device="cpu")
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(int(seed))
    was_training = model.training
    model.eval()
    k = model.kernel_size
    try:
        with torch.no_grad():
            device = next(model.parameters()).device
            context = ids[-model.receptive_field:]
            inputs: list[torch.Tensor] = []
            logits = model(torch.tensor([context], device=device), layer_inputs=inputs)[:, -1, :]
            buffers, positions, taps = [], [], []
            for x, d in zip(inputs, model.dilations):
                span = (k - 1) * d
                past = x[0, :, -span:]
                if past.shape[1] < span:
                    past = torch.cat([past.new_zeros(past.shape[0], span - past.shape[1]), past], dim=1)
                buffers.append(past.clone())
                positions.append(0)            # the oldest entry sits at the write position
                taps.append([span - j * d for j in range(k - 1)])   # how many steps ago each past tap is
            weights = [(conv.weight, conv.bias) for conv in model.dilated]
            res = [(m.weight[:, :, 0], m.bias) for m in model.residual]
            skp = [(m.weight[:, :, 0], m.bias) for m in model.skip]
            o1 = (model.out1.weight[:, :, 0], model.out1.bias)
            o2 = (model.out2.weight[:, :, 0], model.out2.bias)
            for step in range(steps):
                probs = torch.softmax(filter_logits(logits.cpu().double(), temperature=temperature,
                                                    top_k=top_k, top_p=top_p), dim=-1)
                token = int(torch.multinomial(probs[0], 1, generator=generator).item())
                ids.append(token)
                if step == steps - 1:
                    break
                x = model.embed.weight[token]
                skips = 0
                for layer in range(len(buffers)):
                    buf, pos, (w, b) = buffers[layer], positions[layer], weights[layer]
                    span = buf.shape[1]
                    h = b + w[:, :, k - 1] @ x
                    for j, ago in enumerate(taps[layer]):
                        h = h + w[:, :, j] @ buf[:, (pos - ago) % span]
                    buf[:, pos] = x
                    positions[layer] = (pos + 1) % span
                    f, g = h.chunk(2)
                    z = torch.tanh(f) * torch.sigmoid(g)
                    skips = skips + skp[layer][0] @ z + skp[layer][1]
                    x = x + res[layer][0] @ z + res[layer][1]
                logits = (o2[0] @ torch.relu(o1[0] @ torch.relu(skips) + o1[1]) + o2[1])[None]
    finally:
        model.train(was_training)
    return ids


# ----------------------------------------------------------------------------- VQ-VAE


def VQVAE(*, codebook_size: int = 64, code_dim: int = 32, channels: int = 64, strides: Sequence[int] = (4, 4, 5),
          sample_rate: int = 8000) -> Any:
    """A small VQ-VAE for waveforms: ``prod(strides)`` samples become one code out of ``codebook_size``.

    Notebook: ``15_next_sample.ipynb``. With the defaults, 8000 samples per
    second become 8000 / 80 = 100 codes per second, as Jukebox's finest level
    (which turns 44.1 kHz into about 5.5k codes per second, Dhariwal et al. 2020)
    does at a larger scale. Methods: ``encode(y)``, ``decode(codes)``,
    ``forward(y) -> (reconstruction, vq_loss, codes)``; attribute ``hop``.

    Examples
    --------
    >>> import torch
    >>> vq = VQVAE(codebook_size=8, code_dim=4, channels=8)
    >>> codes = vq.encode(torch.zeros(2, 800))
    >>> tuple(codes.shape), tuple(vq.decode(codes).shape), vq.hop
    ((2, 10), (2, 800), 80)
    """
    return _torch_classes()["VQVAE"](codebook_size=codebook_size, code_dim=code_dim, channels=channels,
                                     strides=strides, sample_rate=sample_rate)


def _spectral_loss(y: "torch.Tensor", target: "torch.Tensor") -> "torch.Tensor":
    import torch

    loss = y.new_zeros(())
    for n_fft in (128, 512):
        window = torch.hann_window(n_fft, device=y.device)
        a = torch.stft(y, n_fft, n_fft // 4, window=window, return_complex=True).abs()
        b = torch.stft(target, n_fft, n_fft // 4, window=window, return_complex=True).abs()
        loss = loss + (torch.log1p(10 * a) - torch.log1p(10 * b)).abs().mean()
    return loss


def train_vqvae(model: Any, clips: Sequence[Any], *, steps: int, batch_size: int = 8, length: int = 4000,
                lr: float = 2e-3, seed: int = 0, device: Any = "cpu", progress: bool = False) -> list[float]:
    """Train a :func:`VQVAE` on random windows of float clips; return the loss per step.

    Notebook: ``15_next_sample.ipynb``. The loss is the waveform's mean
    squared error, plus an L1 distance between log-magnitude spectrograms
    (two FFT sizes; plain MSE alone gives muffled sound), plus the codebook
    and commitment terms. Codes unused in a batch are moved onto random
    encoder outputs every 25 steps, so the codebook stays in use. This is its
    own short loop: :func:`musiclearn.train.train` trains next-token
    classifiers with cross-entropy, which an autoencoder is not.

    ``device`` (default ``"cpu"``; ``None`` picks one with
    :func:`musiclearn.train.choose_device`) is where it trains; the model is
    left there, and :func:`vq_codes` follows it.
    """
    import torch
    from torch.nn import functional as F
    from tqdm.auto import tqdm

    from .train import choose_device

    steps = _validate.positive_int(steps, "steps")
    target = choose_device(device)
    model.to(target)
    arrays = [np.asarray(c, dtype=np.float32) for c in clips]
    arrays = [a for a in arrays if len(a) > length]
    if not arrays:
        raise ValueError(f"no clip is longer than length={length} samples.")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    sizes = np.array([len(a) - length for a in arrays], dtype=float)
    losses = []
    model.train()
    for step in tqdm(range(steps), disable=not progress, leave=False, desc="VQ-VAE"):
        which = rng.choice(len(arrays), size=batch_size, p=sizes / sizes.sum())
        batch = np.stack([arrays[i][s : s + length] for i in which
                          for s in [int(rng.integers(len(arrays[i]) - length))]])
        y = torch.from_numpy(batch).to(target)
        y = y[:, : length // model.hop * model.hop]
        recon, vq_loss, codes = model(y)
        loss = F.mse_loss(recon, y) + _spectral_loss(recon, y) + vq_loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(float(loss.detach()))
        if (step + 1) % 25 == 0 and step + 1 < steps:
            with torch.no_grad():
                used = torch.bincount(codes.ravel(), minlength=model.codebook_size) > 0
                dead = (~used).nonzero().ravel()
                if len(dead):
                    z = model.encoder(y[:, None]).transpose(1, 2).reshape(-1, model.config["code_dim"])
                    pick = torch.randint(len(z), (len(dead),), device=z.device)
                    model.quantizer.codebook[dead] = z[pick]
    model.eval()
    return losses


def vq_codes(model: Any, y: Any, *, chunk_seconds: float = 10.0) -> np.ndarray:
    """The codes of a long clip under a :func:`VQVAE`, encoded in chunks to keep memory small.

    Notebook: ``15_next_sample.ipynb``. Encoding minutes of audio in one
    pass holds every full-rate activation of the encoder at once (hundreds of
    MB); chunks of ``chunk_seconds`` (rounded to whole codes) cost a few MB
    each. Only the codes at chunk edges can differ from a single pass (the
    encoder's convolutions see zeros beyond an edge). Returns ``len(y) // hop``
    int64 codes.

    Examples
    --------
    >>> vq = VQVAE(codebook_size=8, code_dim=4, channels=8)
    >>> y = np.sin(np.arange(8000) * 0.05).astype(np.float32) * 0.5
    >>> codes = vq_codes(vq, y, chunk_seconds=0.25)
    >>> codes.shape, codes.dtype
    ((100,), dtype('int64'))
    """
    import torch

    arr = np.asarray(y, dtype=np.float32)
    if arr.ndim != 1:
        raise ValueError(f"y must be mono audio, one axis of samples; got shape {arr.shape}.")
    _finite(arr, "y")
    if not chunk_seconds > 0:
        raise ValueError(f"chunk_seconds must be positive, got {chunk_seconds!r}.")
    step = max(1, int(chunk_seconds * model.sample_rate) // model.hop) * model.hop
    usable = len(arr) // model.hop * model.hop
    pieces = []
    where = next(model.parameters()).device
    with torch.no_grad():
        for start in range(0, usable, step):
            piece = torch.from_numpy(np.ascontiguousarray(arr[start : min(start + step, usable)]))[None].to(where)
            pieces.append(model.encode(piece)[0].cpu().numpy())
    return np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, dtype=np.int64)


# ----------------------------------------------------------------------------- data


def instrument_audio(groups: Sequence[Sequence[Any]], *, program: int, sr: int = 8000, bpm: float = 120.0,
                     max_notes: int | None = None, gap_beats: float = 1.0, peak: float = 0.9) -> list[np.ndarray]:
    """Render groups of melodies (e.g. training and held-out tunes) with one General MIDI instrument.

    Notebook: ``15_next_sample.ipynb``. All melodies go into one MIDI and
    one FluidSynth pass (the SoundFont is loaded once), each followed by a
    rest of ``gap_beats`` and each group by 4 more beats, so that a note's
    release ends before the next group; the audio is then cut at the group
    boundaries. One gain for all groups scales the loudest sample to ``peak``
    (0.9 keeps clear of the μ-law edge class at -1): FluidSynth writes 16-bit
    samples, and a common gain keeps their grid of levels the same in every
    group, so held-out audio looks like training audio.

    Returns
    -------
    list of np.ndarray, float32
        One clip per group.

    Examples
    --------
    >>> from musiclearn.melody import ScoreNote
    >>> a, b = instrument_audio([[[ScoreNote(60, 1.0, 0.0)]], [[ScoreNote(64, 1.0, 0.0)]]], program=0)
    >>> a.dtype, round(max(float(abs(a).max()), float(abs(b).max())), 3)
    (dtype('float32'), 0.9)
    """
    from . import midi

    pitches: list[int | None] = []
    beats: list[float] = []
    bounds = []
    for group in groups:
        for melody in group:
            position = None
            for note in list(melody)[: max_notes]:
                if position is not None and note.offset > position + 1e-9:
                    pitches.append(None)
                    beats.append(note.offset - position)
                pitches.append(note.pitch)
                beats.append(note.duration)
                position = note.offset + note.duration
            pitches.append(None)
            beats.append(gap_beats)
        pitches.append(None)
        beats.append(4.0)
        bounds.append(sum(beats) * 60.0 / bpm)
    if not any(p is not None for p in pitches):
        raise ValueError("the melodies hold no notes.")
    y = midi.render(midi.from_notes(pitches, beats, program=program, bpm=bpm), sr=sr)
    y = y * (peak / max(float(np.abs(y).max()), 1e-12))
    cuts = [0] + [min(len(y), round(b * sr)) for b in bounds]
    cuts[-1] = len(y)
    return [y[a:b].astype(np.float32) for a, b in zip(cuts[:-1], cuts[1:])]


# ----------------------------------------------------------------------------- checkpoints


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Save a :func:`WaveNet` or :func:`VQVAE`'s configuration and weights (loadable with ``weights_only=True``).

    Notebook: ``15_next_sample.ipynb``.
    """
    import torch

    from ._cache import atomic_write_bytes

    buffer = io.BytesIO()
    torch.save({"format": list(CHECKPOINT_FORMAT), "kind": type(model).__name__.lstrip("_"),
                "config": dict(model.config), "state": model.state_dict()}, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_model(model: Any, path: str | os.PathLike[str]) -> Any:
    """Load weights saved by :func:`save_model` into ``model``, which must have the same configuration.

    Notebook: ``15_next_sample.ipynb``. Loads with ``torch.load(...,
    weights_only=True)`` (no code in the file is run).

    Raises
    ------
    musiclearn.errors.DataError
        If the file is not such a checkpoint, or was saved from a model with
        another configuration (the message lists the differences).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "w.pt"
    >>> save_model(WaveNet(channels=4, skip_channels=4, layers_per_stack=2), path)
    >>> load_model(WaveNet(channels=8, skip_channels=4, layers_per_stack=2), path)
    Traceback (most recent call last):
    ...
    musiclearn.errors.DataError: ...w.pt: was saved from a WaveNet with another configuration (channels: 4 there, 8 here); build the model with the checkpoint's settings
    """
    import pickle

    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, ValueError, KeyError) as exc:
        raise DataError(f"is not a readable checkpoint ({type(exc).__name__})", path) from None
    if not isinstance(state, dict) or state.get("format") != list(CHECKPOINT_FORMAT):
        raise DataError("is not a musiclearn next-sample checkpoint (made by save_model)", path)
    kind = type(model).__name__.lstrip("_")
    if state.get("kind") != kind:
        raise DataError(f"holds a {state.get('kind')}, not a {kind}", path)
    saved, here = state["config"], dict(model.config)
    changed = [key for key in sorted(set(saved) | set(here)) if saved.get(key) != here.get(key)]
    if changed:
        detail = ", ".join(f"{key}: {saved.get(key)!r} there, {here.get(key)!r} here" for key in changed)
        raise DataError(f"was saved from a {kind} with another configuration ({detail}); "
                        "build the model with the checkpoint's settings", path)
    model.load_state_dict(state["state"])
    return model
