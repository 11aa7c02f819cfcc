"""Spectrograms, mel spectrograms and MFCCs as PyTorch modules: batched, on CPU or GPU.

Notebook: ``06_mfcc.ipynb`` (last section) uses them to featurise a batch of
clips at once; notebooks 12+ put them in front of a CNN.

These are the same computations as :func:`musiclearn.stft.stft`,
:func:`musiclearn.mel.melspectrogram` and :func:`musiclearn.mfcc.mfcc`
(and so as librosa's), written with torch operations so that they

* run on a whole batch ``(batch, samples)`` in one call,
* follow the module to the GPU: the window, the mel filterbank and the DCT
  matrix are registered buffers built from the NumPy versions, so
  ``module.to("cuda")`` moves them, and
* are differentiable, so they can sit inside a model.

Padding follows librosa, not ``torch.stft``'s defaults: with ``center=True``
the signal is padded by ``n_fft // 2`` on both sides with ``pad_mode``
(zeros by default; ``torch.stft`` would reflect).

Of the DSP modules (``stft``, ``mel``, ``mfcc`` …) this is the only one
that imports torch.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from . import _validate
from .windows import window_samples

__all__ = ["Spectrogram", "MelSpectrogram", "MFCC"]

# np.pad names (as musiclearn.stft and librosa take them) → torch.nn.functional.pad names.
_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "replicate"}

ArrayOrTensor = torch.Tensor | np.ndarray

# On the CPU, frames are processed about this many bytes at a time (see Spectrogram._map_chunks).
_CPU_CHUNK_BYTES = 4 << 20


def _as_signal_batch(y: ArrayOrTensor, *, device: torch.device) -> tuple[torch.Tensor, tuple[int, ...]]:
    """Check ``y`` and flatten it to ``(batch, samples)``; also return its leading shape."""
    if not isinstance(y, torch.Tensor):
        arr = np.asarray(y)
        if arr.dtype.kind != "f":
            raise ValueError(f"y must hold floating-point audio samples, got dtype {arr.dtype}; use y.astype(np.float32).")
        y = torch.from_numpy(np.ascontiguousarray(arr)).to(device)
    if y.dtype not in (torch.float32, torch.float64):
        raise ValueError(
            f"y must be a float32 or float64 tensor of audio samples, got {y.dtype}; convert it with y.float()."
        )
    if y.ndim == 0:
        raise ValueError("y must have shape (samples,) or (batch, samples), got a scalar.")
    if y.shape[-1] == 0:
        raise ValueError(f"y has no samples (shape {tuple(y.shape)}); pass at least one sample per signal.")
    if y.device != device:
        raise ValueError(
            f"y is on {y.device} but this module is on {device}; move one of them, e.g. module.to(y.device)."
        )
    lead = tuple(y.shape[:-1])
    return y.reshape(-1, y.shape[-1]), lead


class Spectrogram(torch.nn.Module):
    """``|STFT|**power`` of a batch of signals, the same numbers as ``musiclearn.stft.stft``.

    Notebook: ``06_mfcc.ipynb`` teaches the features one clip at a time
    (:mod:`musiclearn.mfcc`); this module computes the same for batches.

    Parameters
    ----------
    n_fft : int, default 2048
        FFT length in samples.
    hop_length : int, optional
        Samples between frames (at most ``n_fft``); default ``win_length // 4``.
    win_length : int, optional
        Window length in samples (default ``n_fft``), zero-padded to ``n_fft``.
    window : str, tuple, callable or array, default "hann"
        As in :func:`musiclearn.stft.stft` (the same window is built).
    center : bool, default True
        Pad ``n_fft // 2`` samples on both sides so that frame ``t`` is
        centred at sample ``t * hop_length`` (as librosa).
    pad_mode : {"constant", "reflect", "edge"}, default "constant"
        How to pad when ``center`` is True; ``"constant"`` pads zeros.
    power : float or None, default 2.0
        2 for power, 1 for magnitude; ``None`` returns the complex STFT.

    Shapes
    ------
    ``(samples,)`` → ``(1 + n_fft // 2, frames)``; ``(batch, samples)`` →
    ``(batch, 1 + n_fft // 2, frames)`` (any leading axes are kept).

    Examples
    --------
    >>> import torch
    >>> from musiclearn.torch_features import Spectrogram
    >>> Spectrogram(n_fft=512, hop_length=128)(torch.zeros(4, 22050)).shape
    torch.Size([4, 257, 173])
    """

    def __init__(
        self,
        *,
        n_fft: int = 2048,
        hop_length: int | None = None,
        win_length: int | None = None,
        window: Any = "hann",
        center: bool = True,
        pad_mode: str = "constant",
        power: float | None = 2.0,
    ) -> None:
        super().__init__()
        # The same checks and the same window as musiclearn.stft.stft.
        self.n_fft, self.hop_length, self.win_length = _validate.stft_sizes(n_fft, hop_length, win_length)
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"pad_mode must be one of {sorted(_PAD_MODES)}, got {pad_mode!r}.")
        if power is not None and (isinstance(power, bool) or not isinstance(power, numbers.Real) or not power > 0):
            raise ValueError(f"power must be a positive number (2 for power, 1 for magnitude) or None, got {power!r}.")
        self.center = bool(center)
        self.pad_mode = pad_mode
        self.power = None if power is None else float(power)
        window_np = window_samples(window, self.win_length, pad_to=self.n_fft)
        self.register_buffer("window", torch.from_numpy(window_np.astype(np.float32)), persistent=False)

    def extra_repr(self) -> str:
        return (f"n_fft={self.n_fft}, hop_length={self.hop_length}, win_length={self.win_length}, "
                f"center={self.center}, pad_mode={self.pad_mode!r}, power={self.power}")

    def _pad(self, y: torch.Tensor) -> torch.Tensor:
        if not self.center:
            return y
        pad = self.n_fft // 2
        mode = _PAD_MODES[self.pad_mode]
        if mode == "constant":
            return F.pad(y, (pad, pad))
        n = y.shape[-1]
        if mode == "reflect" and pad >= n:
            raise ValueError(
                f"pad_mode={self.pad_mode!r} cannot pad {n} samples by n_fft // 2 = {pad}; "
                "use longer signals or pad_mode='constant'."
            )
        return F.pad(y.unsqueeze(1), (pad, pad), mode=mode).squeeze(1)

    def _rows(self, y: ArrayOrTensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        """Check ``y``; return it as ``(clips, samples)`` on this module's device, and its leading shape."""
        y2, lead = _as_signal_batch(y, device=self.window.device)
        padded_length = y2.shape[-1] + (2 * (self.n_fft // 2) if self.center else 0)
        if padded_length < self.n_fft:
            raise ValueError(
                f"the signal has {y2.shape[-1]} samples, fewer than n_fft={self.n_fft}"
                + ("" if self.center else " with center=False")
                + "; use a smaller n_fft, longer signals or center=True."
            )
        return y2, lead

    def _map_chunks(self, y2: torch.Tensor, fn: Any) -> torch.Tensor:
        """``fn(y2)``, on the CPU computed a few clips at a time and concatenated.

        A whole batch of frames (64 clips of 5 s: 113 MB) overflows the CPU
        caches, and every pass over it (window, FFT, power) then waits on
        memory; in chunks of about ``_CPU_CHUNK_BYTES`` the same work runs
        several times faster. Each clip is computed independently, so the
        result is the same. GPUs get the whole batch at once.
        """
        if y2.device.type != "cpu" or y2.shape[0] <= 1:
            return fn(y2)
        padded_length = y2.shape[-1] + (2 * (self.n_fft // 2) if self.center else 0)
        frames = 1 + (padded_length - self.n_fft) // self.hop_length
        per_clip = frames * self.n_fft * y2.element_size()
        chunk = max(1, _CPU_CHUNK_BYTES // per_clip)
        if chunk >= y2.shape[0]:
            return fn(y2)
        return torch.cat([fn(part) for part in y2.split(chunk)], dim=0)

    def _stft_rows(self, y2: torch.Tensor) -> torch.Tensor:
        """Complex STFT of checked ``(clips, samples)``, laid out ``(clips, frames, bins)``."""
        padded = self._pad(y2)
        D = torch.stft(
            padded,
            self.n_fft,
            hop_length=self.hop_length,
            win_length=self.n_fft,
            window=self.window.to(padded.dtype),
            center=False,
            normalized=False,
            onesided=True,
            return_complex=True,
        )
        # torch.stft returns a transposed view of a contiguous (clips, frames, bins) buffer.
        return D.transpose(-1, -2)

    def _power_rows(self, y2: torch.Tensor) -> torch.Tensor:
        """``|STFT|**power`` (or the complex STFT) as ``(clips, frames, bins)``."""
        D = self._stft_rows(y2)
        if self.power is None:
            return D
        if self.power == 2.0:
            # re² + im² in one fused pass: no square root, and a gradient that is finite at 0.
            return torch.addcmul(D.real.square(), D.imag, D.imag)
        return D.abs().pow(self.power)

    def forward(self, y: ArrayOrTensor) -> torch.Tensor:
        """Spectrogram of ``y`` (shape ``(..., samples)``) → ``(..., 1 + n_fft // 2, frames)``."""
        y2, lead = self._rows(y)
        S = self._map_chunks(y2, self._power_rows)
        return _frequency_first(S, lead)


def _frequency_first(rows: torch.Tensor, lead: tuple[int, ...]) -> torch.Tensor:
    """``(clips, frames, k)`` → ``(*lead, k, frames)``, the layout librosa returns."""
    return rows.transpose(-1, -2).reshape(*lead, rows.shape[-1], rows.shape[-2])


class MelSpectrogram(torch.nn.Module):
    """Mel spectrogram of a batch of signals, the same numbers as ``musiclearn.mel.melspectrogram``.

    Notebook: ``06_mfcc.ipynb`` teaches the features one clip at a time
    (:mod:`musiclearn.mfcc`); this module computes the same for batches.

    Parameters
    ----------
    sr : float, default 22050
        Sampling rate in Hz.
    n_fft, hop_length, win_length, window, center, pad_mode, power
        As in :class:`Spectrogram` (here ``hop_length`` defaults to 512, as librosa).
    n_mels : int, default 128
        Number of mel bands.
    fmin, fmax : float
        Frequency range in Hz (``fmax`` defaults to ``sr / 2``).
    htk : bool, default False
        HTK mel formula instead of Slaney's.
    norm : {"slaney", None} or float, default "slaney"
        Filterbank normalisation, as :func:`musiclearn.mel.mel_filterbank`.

    Shapes
    ------
    ``(samples,)`` → ``(n_mels, frames)``; ``(batch, samples)`` → ``(batch, n_mels, frames)``.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.torch_features import MelSpectrogram
    >>> MelSpectrogram(sr=16000, n_fft=512, hop_length=160, n_mels=40)(torch.zeros(8, 16000)).shape
    torch.Size([8, 40, 101])
    """

    def __init__(
        self,
        *,
        sr: float = 22050,
        n_fft: int = 2048,
        hop_length: int = 512,
        win_length: int | None = None,
        window: Any = "hann",
        center: bool = True,
        pad_mode: str = "constant",
        power: float = 2.0,
        n_mels: int = 128,
        fmin: float = 0.0,
        fmax: float | None = None,
        htk: bool = False,
        norm: Any = "slaney",
    ) -> None:
        super().__init__()
        if power is None:
            raise ValueError("power must be a positive number for a mel spectrogram (2 for power, 1 for magnitude).")
        from .mel import mel_filterbank

        self.spectrogram = Spectrogram(
            n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
            center=center, pad_mode=pad_mode, power=power,
        )
        basis = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
        self.sr = float(sr)
        self.n_mels = int(n_mels)
        # Stored transposed, (bins, n_mels), for one (batch·frames, bins) @ (bins, n_mels) product.
        self.register_buffer("mel_basis_t", torch.from_numpy(np.ascontiguousarray(basis.T)), persistent=False)

    @property
    def mel_basis(self) -> torch.Tensor:
        """The filterbank, shape ``(n_mels, 1 + n_fft // 2)``, as :func:`musiclearn.mel.mel_filterbank`."""
        return self.mel_basis_t.T

    def extra_repr(self) -> str:
        return f"sr={self.sr:g}, n_mels={self.n_mels}"

    def _mel_rows(self, y2: torch.Tensor) -> torch.Tensor:
        """Mel spectrogram of checked ``(clips, samples)`` as ``(clips, frames, n_mels)``."""
        S = self.spectrogram._power_rows(y2)
        return S @ self.mel_basis_t.to(S.dtype)

    def forward(self, y: ArrayOrTensor) -> torch.Tensor:
        """Mel spectrogram of ``y`` (shape ``(..., samples)``) → ``(..., n_mels, frames)``."""
        y2, lead = self.spectrogram._rows(y)
        return _frequency_first(self.spectrogram._map_chunks(y2, self._mel_rows), lead)


class MFCC(torch.nn.Module):
    """MFCCs of a batch of signals, each clip as ``librosa.feature.mfcc`` would give it.

    Notebook: ``06_mfcc.ipynb`` teaches the features one clip at a time
    (:mod:`musiclearn.mfcc`); this module computes the same for batches.

    ``dct(power_to_db(melspectrogram(y), top_db=top_db))[:n_mfcc]``, with the
    DCT as a matrix buffer (lifter folded in).

    The ``top_db`` floor is applied **per clip**: every 1-D signal in the
    batch gets the floor ``its own maximum − top_db``, exactly as if
    ``musiclearn.mfcc.mfcc`` (or librosa's) were called on each clip
    separately. (Calling those on a 2-D array instead uses one floor for the
    whole array, set by the loudest channel.)

    Parameters
    ----------
    sr : float, default 22050
        Sampling rate in Hz.
    n_mfcc : int, default 20
        Number of coefficients (at most ``n_mels``).
    dct_type : {1, 2, 3, 4}, default 2
        DCT type.
    norm : {None, "ortho"}, default "ortho"
        DCT scaling.
    lifter : float, default 0
        Sinusoidal lifter parameter (0: none).
    top_db : float or None, default 80.0
        Floor of the dB scale below each clip's maximum; ``None`` for no floor.
    mel_norm : {"slaney", None} or float, default "slaney"
        Filterbank normalisation (``norm`` here is the DCT's).
    **mel_kwargs
        ``n_fft``, ``hop_length``, ``win_length``, ``window``, ``center``,
        ``pad_mode``, ``power``, ``n_mels``, ``fmin``, ``fmax``, ``htk`` for
        :class:`MelSpectrogram`.

    Shapes
    ------
    ``(samples,)`` → ``(n_mfcc, frames)``; ``(batch, samples)`` → ``(batch, n_mfcc, frames)``.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.torch_features import MFCC
    >>> MFCC(sr=22050, n_mfcc=13)(torch.randn(2, 22050)).shape
    torch.Size([2, 13, 44])
    """

    def __init__(
        self,
        *,
        sr: float = 22050,
        n_mfcc: int = 20,
        dct_type: int = 2,
        norm: str | None = "ortho",
        lifter: float = 0,
        top_db: float | None = 80.0,
        mel_norm: Any = "slaney",
        **mel_kwargs: Any,
    ) -> None:
        super().__init__()
        from .mfcc import dct_matrix, lifter_weights

        unknown = set(mel_kwargs) - {
            "n_fft", "hop_length", "win_length", "window", "center", "pad_mode", "power",
            "n_mels", "fmin", "fmax", "htk",
        }
        if unknown:
            raise ValueError(
                f"MFCC got unknown keyword(s) {sorted(unknown)}; the mel spectrogram takes n_fft, "
                "hop_length, win_length, window, center, pad_mode, power, n_mels, fmin, fmax and htk "
                "(its filterbank norm is called mel_norm here)."
            )
        if top_db is not None and (isinstance(top_db, bool) or not isinstance(top_db, numbers.Real) or top_db < 0):
            raise ValueError(f"top_db must be a non-negative number of dB or None, got {top_db!r}.")
        if isinstance(lifter, bool) or not isinstance(lifter, numbers.Real) or lifter < 0:
            raise ValueError(f"lifter must be 0 (no liftering) or a positive number such as 22, got {lifter!r}.")
        self.melspectrogram = MelSpectrogram(sr=sr, norm=mel_norm, **mel_kwargs)
        n_mels = self.melspectrogram.n_mels
        if isinstance(n_mfcc, bool) or not isinstance(n_mfcc, numbers.Integral) or not 1 <= n_mfcc <= n_mels:
            raise ValueError(f"n_mfcc must be an integer from 1 to n_mels={n_mels}, got {n_mfcc!r}.")
        D = dct_matrix(n_mels, type=dct_type, norm=norm, n_out=int(n_mfcc))
        if lifter > 0:
            D = D * lifter_weights(int(n_mfcc), L=lifter)[:, np.newaxis]
        self.n_mfcc = int(n_mfcc)
        self.top_db = None if top_db is None else float(top_db)
        self.amin = 1e-10
        # (n_mels, n_mfcc): applied on the right of (batch, frames, n_mels).
        self.register_buffer("dct_t", torch.from_numpy(np.ascontiguousarray(D.T.astype(np.float32))), persistent=False)

    def extra_repr(self) -> str:
        return f"n_mfcc={self.n_mfcc}, top_db={self.top_db}"

    def _mfcc_rows(self, y2: torch.Tensor) -> torch.Tensor:
        """MFCCs of checked ``(clips, samples)`` as ``(clips, frames, n_mfcc)``."""
        M = self.melspectrogram._mel_rows(y2)
        log_mel = 10.0 * torch.log10(torch.clamp(M, min=self.amin))
        if self.top_db is not None:
            # Per clip: the floor is each clip's own maximum minus top_db.
            peak = log_mel.amax(dim=(-2, -1), keepdim=True)
            log_mel = torch.maximum(log_mel, peak - self.top_db)
        return log_mel @ self.dct_t.to(log_mel.dtype)

    def forward(self, y: ArrayOrTensor) -> torch.Tensor:
        """MFCCs of ``y`` (shape ``(..., samples)``) → ``(..., n_mfcc, frames)``."""
        spectrogram = self.melspectrogram.spectrogram
        y2, lead = spectrogram._rows(y)
        return _frequency_first(spectrogram._map_chunks(y2, self._mfcc_rows), lead)
