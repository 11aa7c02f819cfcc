"""Shared fixtures and helpers for the library tests.

Use these instead of copying a helper into a test file (and
``musiclearn.testing.relative_error`` to compare numbers with librosa's):

- ``stft_case``: one ``(n_fft, hop_length, center)`` of the grid on which the
  spectral features are compared with librosa (the test runs once per case);
- ``one_torch_thread``: run a test with one torch thread (tiny models train
  fastest that way; two threads spin-wait on a busy shared machine). A module
  of torch tests opts in with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``;
- ``matches_librosa``: check a feature function against librosa's on one
  signal (same float32 numbers, same refusal of a signal shorter than a frame);
- ``no_figure_leak``: fail a test that leaves a matplotlib figure open (a
  helper that does would show its figure twice in a notebook);
- the library's cache goes to a temporary directory for every test (autouse).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: FFT sizes, hops and centring on which mel spectrograms and MFCCs must match librosa:
#: powers of two and one that is not (1000), hops up to the frame length.
STFT_GRID = [
    (n_fft, hop, center)
    for n_fft in (256, 512, 1000, 2048)
    for hop in (64, 256, 512)
    if hop <= n_fft
    for center in (True, False)
]


@pytest.fixture(autouse=True)
def _isolated_cache(musiclearn_cache_dir, monkeypatch):
    """Library tests cache into a temporary dir, never the user's cache.

    The directory (fixture ``musiclearn_cache_dir`` of the root conftest.py) is
    shared across the session, with the doctests: building the corpus cache is
    the slow part, and tests that need a fresh cache make their own.
    """
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(musiclearn_cache_dir))


@pytest.fixture(params=STFT_GRID, ids=lambda case: "n_fft={}-hop={}-center={}".format(*case))
def stft_case(request) -> tuple[int, int, bool]:
    """``(n_fft, hop_length, center)``: one point of :data:`STFT_GRID`."""
    return request.param


@pytest.fixture
def matches_librosa():
    """``check(ours, theirs, y, **kw)``: a feature function agrees with librosa's on ``y``.

    Both must give the same float32 numbers (largest difference ≤ 1e-5 of the
    largest value); with ``center=False`` and a signal shorter than ``n_fft``,
    ours must refuse with a ``ValueError`` (there is no whole frame).
    """
    import warnings

    import numpy as np

    from musiclearn.testing import relative_error

    def check(ours, theirs, y, **kw):
        if not kw.get("center", True) and len(y) < kw["n_fft"]:
            with pytest.raises(ValueError):
                ours(y, **kw)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # librosa: "n_fft too large for the signal"
            expected = theirs(y=y, **kw)
            got = ours(y, **kw)
        assert got.dtype == expected.dtype == np.float32
        assert relative_error(got, expected) <= 1e-5, (len(y), kw)

    return check


@pytest.fixture
def one_torch_thread():
    """Run the test with one torch thread, then restore the previous number."""
    torch = pytest.importorskip("torch")
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def no_figure_leak():
    """Every test closes what it opened: a helper must not leave pyplot figures behind."""
    import matplotlib.pyplot as plt

    plt.close("all")
    yield
    leaked = plt.get_fignums()
    plt.close("all")
    assert not leaked, f"figures left open: {leaked} (a notebook would show them twice)"
