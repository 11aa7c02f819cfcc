"""Mel-frequency cepstral coefficients: log-mel spectrum → DCT-II → cepstrum.

Notebook: ``06_mfcc.ipynb`` builds MFCCs from these pieces and listens to
what they keep and what they lose.

An MFCC frame is the discrete cosine transform (DCT-II) of one column of a
log-power mel spectrogram. The first few coefficients describe the smooth
shape of that column (the spectral *envelope*: timbre, vowel colour); fine
detail such as the harmonics of a pitched note lands in the higher
coefficients, which are dropped. :func:`dct_matrix` writes the DCT out as a
matrix of cosines; :func:`dct` is the fast version (equal to
``scipy.fft.dct``); :func:`mfcc` equals ``librosa.feature.mfcc``.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from typing import Any

import numpy as np

from . import _validate

__all__ = ["dct_matrix", "dct", "idct", "lifter_weights", "lifter", "mfcc", "mfcc_to_mel"]

_NORMS = (None, "backward", "ortho", "forward")


def _check_type_norm(type: int, norm: str | None) -> None:
    if isinstance(type, bool) or type not in (1, 2, 3, 4):
        raise ValueError(f"DCT type must be 1, 2, 3 or 4, got {type!r}.")
    if norm not in _NORMS:
        raise ValueError(f"norm must be None, 'backward', 'ortho' or 'forward', got {norm!r}.")


@functools.lru_cache(maxsize=32)
def _cached_dct_matrix(n: int, type: int, norm: str | None) -> np.ndarray:
    k = np.arange(n, dtype=np.float64)[:, np.newaxis]  # output index (rows)
    j = np.arange(n, dtype=np.float64)[np.newaxis, :]  # input index (columns)
    if type == 1:
        # Samples at both ends are shared by the even extension, counted once.
        D = 2.0 * np.cos(np.pi * k * j / (n - 1))
        if norm == "ortho":
            D /= 2.0
            D[:, [0, -1]] /= math.sqrt(2.0)
            D[[0, -1], :] /= math.sqrt(2.0)
            D *= math.sqrt(2.0 / (n - 1))
        else:
            D[:, 0] = 1.0
            D[:, -1] = (-1.0) ** k[:, 0]
    elif type == 2:
        D = 2.0 * np.cos(np.pi * k * (2.0 * j + 1.0) / (2.0 * n))
        if norm == "ortho":
            # Scale each row to unit length: then D is orthogonal (D.T is its inverse).
            D[0] *= math.sqrt(1.0 / (4.0 * n))
            D[1:] *= math.sqrt(1.0 / (2.0 * n))
    elif type == 3:
        D = 2.0 * np.cos(np.pi * j * (2.0 * k + 1.0) / (2.0 * n))
        if norm == "ortho":
            D[:, 0] *= math.sqrt(1.0 / (4.0 * n))
            D[:, 1:] *= math.sqrt(1.0 / (2.0 * n))
        else:
            D[:, 0] = 1.0
    else:
        D = 2.0 * np.cos(np.pi * (2.0 * k + 1.0) * (2.0 * j + 1.0) / (4.0 * n))
        if norm == "ortho":
            D *= math.sqrt(1.0 / (2.0 * n))
    if norm == "forward":
        D /= 2.0 * (n - 1) if type == 1 else 2.0 * n
    D.setflags(write=False)
    return D


def dct_matrix(
    n: int, *, type: int = 2, norm: str | None = "ortho", n_out: int | None = None,
    dtype: Any = np.float64,
) -> np.ndarray:
    """The DCT as a matrix of cosines: ``dct(x) == dct_matrix(len(x)) @ x``.

    Notebook: ``06_mfcc.ipynb``.

    For the default DCT-II, row ``k`` is a cosine that makes ``k/2`` cycles
    over the ``n`` inputs: ``D[k, j] = 2 cos(π k (2j + 1) / (2n))``, and
    ``norm="ortho"`` scales the rows so that ``D`` is orthogonal.

    Parameters
    ----------
    n : int
        Length of the input (at least 2 for type 1).
    type : {1, 2, 3, 4}, default 2
        DCT type, as in ``scipy.fft.dct``.
    norm : {None, "backward", "ortho", "forward"}, default "ortho"
        Scaling, as in ``scipy.fft.dct``.
    n_out : int, optional
        Keep only the first ``n_out`` rows (coefficients); default all ``n``.
    dtype : numpy dtype, default np.float64

    Returns
    -------
    np.ndarray, shape (n_out, n)

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import dct_matrix
    >>> D = dct_matrix(4)
    >>> np.allclose(D @ D.T, np.eye(4))   # orthogonal
    True
    """
    n = _validate.positive_int(n, "n")
    _check_type_norm(type, norm)
    if type == 1 and n < 2:
        raise ValueError("a type-1 DCT needs at least 2 inputs; use type 2 for a single value.")
    n_out = n if n_out is None else int(n_out)
    if not 1 <= n_out <= n:
        raise ValueError(f"n_out must be between 1 and n={n}, got {n_out}.")
    return _cached_dct_matrix(int(n), int(type), norm)[:n_out].astype(dtype)


def _as_real_array(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}.")
    return arr


def dct(
    x: np.ndarray, *, type: int = 2, norm: str | None = "ortho", axis: int = -1,
    method: str = "fft",
) -> np.ndarray:
    """Discrete cosine transform of ``x`` along ``axis`` (equal to ``scipy.fft.dct``).

    Notebook: ``06_mfcc.ipynb``.

    Parameters
    ----------
    x : array_like
        Real input.
    type : {1, 2, 3, 4}, default 2
        DCT type. Type 2 is "the" DCT used for MFCCs; type 3 is its inverse.
    norm : {None, "backward", "ortho", "forward"}, default "ortho"
        Scaling. ``"ortho"`` makes the transform orthogonal (energy-preserving).
    axis : int, default -1
        Axis to transform.
    method : {"fft", "matrix"}, default "fft"
        ``"fft"`` uses scipy's O(n log n) transform; ``"matrix"`` multiplies
        by :func:`dct_matrix` (O(n²), the definition, for teaching).

    Returns
    -------
    np.ndarray
        Same shape as ``x``; float32 input gives float32 output.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import dct
    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> np.allclose(dct(x), dct(x, method="matrix"))
    True
    """
    arr = _as_real_array(x, "x")
    _check_type_norm(type, norm)
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension to transform.")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis={axis} is out of range for an array with {arr.ndim} dimension(s).")
    if arr.shape[axis] == 0 or (type == 1 and arr.shape[axis] < 2):
        raise ValueError(f"cannot take a type-{type} DCT of {arr.shape[axis]} value(s) along axis {axis}.")
    if method == "fft":
        import scipy.fft

        return scipy.fft.dct(arr, type=type, norm=norm, axis=axis)
    if method == "matrix":
        out_dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
        D = dct_matrix(arr.shape[axis], type=type, norm=norm, dtype=out_dtype)
        moved = np.moveaxis(arr.astype(out_dtype, copy=False), axis, -1)
        return np.moveaxis(moved @ D.T, -1, axis)
    raise ValueError(f"method must be 'fft' or 'matrix', got {method!r}.")


def idct(
    x: np.ndarray, *, type: int = 2, norm: str | None = "ortho", axis: int = -1,
    n: int | None = None,
) -> np.ndarray:
    """Inverse DCT along ``axis`` (equal to ``scipy.fft.idct``): ``idct(dct(x)) == x``.

    Notebook: ``06_mfcc.ipynb``.

    Parameters
    ----------
    x : array_like
        Real DCT coefficients.
    type : {1, 2, 3, 4}, default 2
        Type of the DCT being inverted.
    norm : {None, "backward", "ortho", "forward"}, default "ortho"
        The scaling the forward transform used.
    axis : int, default -1
        Axis to transform.
    n : int, optional
        Output length; missing coefficients count as zeros (how MFCCs, which
        keep only the first few, are turned back into a smooth log-mel curve).

    Returns
    -------
    np.ndarray
        ``x`` transformed back; along ``axis`` it has length ``n`` (default ``x.shape[axis]``).

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import dct, idct
    >>> x = np.array([1.0, 5.0, 2.0])
    >>> np.allclose(idct(dct(x)), x)
    True
    """
    arr = _as_real_array(x, "x")
    _check_type_norm(type, norm)
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension to transform.")
    if n is not None:
        n = _validate.positive_int(n, "n", unit="output values")
    import scipy.fft

    return scipy.fft.idct(arr, type=type, norm=norm, axis=axis, n=n)


def lifter_weights(n_mfcc: int, *, L: float) -> np.ndarray:
    """Sinusoidal lifter weights ``1 + (L/2) · sin(π (k+1) / L)`` for ``k = 0 … n_mfcc-1``.

    Notebook: ``06_mfcc.ipynb``.

    Parameters
    ----------
    n_mfcc : int
        Number of coefficients.
    L : float
        Lifter parameter (> 0); 22 is the classic HTK choice. Larger ``L``
        boosts the higher coefficients more.

    Returns
    -------
    np.ndarray, shape (n_mfcc,), float64

    Examples
    --------
    >>> from musiclearn.mfcc import lifter_weights
    >>> lifter_weights(3, L=2)
    array([2., 1., 0.])
    """
    n_mfcc = _validate.positive_int(n_mfcc, "n_mfcc")
    if isinstance(L, bool) or not isinstance(L, numbers.Real) or not L > 0:
        raise ValueError(f"L must be a positive number (e.g. 22), got {L!r}.")
    k = np.arange(1, n_mfcc + 1, dtype=np.float64)
    return 1.0 + (L / 2.0) * np.sin(np.pi * k / L)


def lifter(M: np.ndarray, *, L: float, axis: int = -2) -> np.ndarray:
    """Lifter cepstral coefficients: scale coefficient ``k`` by :func:`lifter_weights`.

    Notebook: ``06_mfcc.ipynb``.

    Liftering (filtering in the cepstral domain) evens out the coefficient
    magnitudes, which otherwise shrink quickly with ``k``.

    Parameters
    ----------
    M : np.ndarray, shape (..., n_mfcc, frames)
        MFCCs, coefficients along ``axis``.
    L : float
        Lifter parameter (> 0).
    axis : int, default -2
        The coefficient axis.

    Returns
    -------
    np.ndarray
        Liftered coefficients, same shape and floating dtype as ``M``.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import lifter
    >>> lifter(np.ones((3, 2)), L=2)
    array([[2., 2.],
           [1., 1.],
           [0., 0.]])
    """
    arr = _as_real_array(M, "M")
    if arr.ndim == 0 or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis={axis} is out of range for M of shape {arr.shape}.")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    w = lifter_weights(arr.shape[axis], L=L).astype(arr.dtype)
    shape = [1] * arr.ndim
    shape[axis] = -1
    return arr * w.reshape(shape)


def mfcc(
    y: np.ndarray | None = None,
    *,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: str | None = "ortho",
    lifter: float = 0,
    mel_norm: Any = "slaney",
    **mel_kwargs: Any,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients (equal to ``librosa.feature.mfcc``).

    Notebook: ``06_mfcc.ipynb``.

    ``mfcc = dct(power_to_db(melspectrogram(y)), axis=-2)[..., :n_mfcc, :]``,
    optionally liftered.

    Parameters
    ----------
    y : np.ndarray, shape (..., samples), optional
        Audio (float). With several channels, as in librosa, the 80 dB floor
        of ``power_to_db`` is set by the loudest channel.
    sr : float, default 22050
        Sampling rate in Hz.
    S : np.ndarray, shape (..., n_mels, frames), optional
        A log-power mel spectrogram in dB (``power_to_db(melspectrogram(y))``)
        to use instead of ``y``.
    n_mfcc : int, default 20
        Number of coefficients to keep (at most the number of mel bands).
    dct_type : {1, 2, 3, 4}, default 2
        DCT type.
    norm : {None, "ortho"}, default "ortho"
        DCT scaling.
    lifter : float, default 0
        ``0`` for none, else the sinusoidal lifter parameter ``L`` (see :func:`lifter`).
    mel_norm : {"slaney", None} or float, default "slaney"
        The ``norm`` of the mel filterbank (``norm`` here is the DCT's).
    **mel_kwargs
        Passed to :func:`musiclearn.mel.melspectrogram`: ``n_fft``,
        ``hop_length``, ``win_length``, ``window``, ``center``, ``pad_mode``,
        ``power``, ``n_mels``, ``fmin``, ``fmax``, ``htk``.

    Returns
    -------
    np.ndarray, shape (..., n_mfcc, frames)

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import mfcc
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> mfcc(y, sr=22050, n_mfcc=13).shape
    (13, 44)
    """
    n_mfcc = _validate.positive_int(n_mfcc, "n_mfcc")
    _check_type_norm(dct_type, norm)
    if isinstance(lifter, bool) or not isinstance(lifter, numbers.Real) or lifter < 0:
        raise ValueError(f"lifter must be 0 (no liftering) or a positive number such as 22, got {lifter!r}.")
    if S is None:
        if y is None:
            raise ValueError("Give either audio y or a log-power mel spectrogram S.")
        from .mel import melspectrogram
        from .stft import power_to_db

        S = power_to_db(melspectrogram(y, sr=sr, norm=mel_norm, **mel_kwargs))
    else:
        S = _as_real_array(S, "S")
        if S.ndim < 2:
            raise ValueError(f"S must have shape (..., n_mels, frames), got shape {S.shape}.")
    n_mels = S.shape[-2]
    if n_mfcc > n_mels:
        raise ValueError(f"n_mfcc={n_mfcc} is more than the {n_mels} mel bands; lower n_mfcc or raise n_mels.")
    M = dct(S, type=dct_type, norm=norm, axis=-2)[..., :n_mfcc, :]
    if lifter > 0:
        M *= lifter_weights(n_mfcc, L=lifter).astype(M.dtype)[:, np.newaxis]
    return M


def mfcc_to_mel(
    M: np.ndarray,
    *,
    n_mels: int = 128,
    dct_type: int = 2,
    norm: str | None = "ortho",
    ref: float = 1.0,
    lifter: float = 0,
) -> np.ndarray:
    """Approximately invert MFCCs to a mel power spectrogram (as ``librosa.feature.inverse.mfcc_to_mel``).

    Notebook: ``06_mfcc.ipynb``.

    Undo the lifter, take the inverse DCT with the dropped coefficients set
    to zero (so only the smooth envelope comes back), and undo the dB scale.
    Pitch detail, the 80 dB floor and anything else the MFCCs dropped is gone.

    Parameters
    ----------
    M : np.ndarray, shape (..., n_mfcc, frames)
        MFCCs.
    n_mels : int, default 128
        Number of mel bands to reconstruct.
    dct_type : {1, 2, 3, 4}, default 2
        The DCT type the MFCCs were made with.
    norm : {None, "ortho"}, default "ortho"
        The DCT scaling the MFCCs were made with.
    ref : float, default 1.0
        Reference power of the dB scale (``power = ref · 10^(dB/10)``).
    lifter : float, default 0
        The lifter the MFCCs were made with (0: none).

    Returns
    -------
    np.ndarray, shape (..., n_mels, frames)
        Approximate mel power spectrogram.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.mfcc import mfcc, mfcc_to_mel
    >>> S_db = np.linspace(-40.0, 0.0, 64)[:, None] * np.ones((1, 3))
    >>> mel = mfcc_to_mel(mfcc(S=S_db, n_mfcc=20), n_mels=64)
    >>> mel.shape
    (64, 3)
    """
    arr = _as_real_array(M, "M")
    if arr.ndim < 2:
        raise ValueError(f"M must have shape (..., n_mfcc, frames), got shape {arr.shape}.")
    n_mels = _validate.positive_int(n_mels, "n_mels")
    _check_type_norm(dct_type, norm)
    if isinstance(lifter, bool) or not isinstance(lifter, numbers.Real) or lifter < 0:
        raise ValueError(f"lifter must be 0 or the positive lifter the MFCCs were made with, got {lifter!r}.")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if lifter > 0:
        w = lifter_weights(arr.shape[-2], L=lifter).astype(arr.dtype)[:, np.newaxis]
        if np.any(np.abs(w) < np.finfo(arr.dtype).eps):
            warnings.warn(
                f"lifter={lifter} makes some lifter weights zero, so those coefficients cannot be "
                "recovered and may blow up; use the lifter the MFCCs were made with.",
                UserWarning,
                stacklevel=2,
            )
        arr = arr / (w + np.finfo(arr.dtype).tiny)
    log_mel = idct(arr, type=dct_type, norm=norm, axis=-2, n=n_mels)
    return ref * np.power(10.0, 0.1 * log_mel)
