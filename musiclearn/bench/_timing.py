"""Wall-clock timing for the benchmarks: medians, and two functions timed in alternation."""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable

__all__ = ["time_median", "time_pair"]


def time_median(
    fn: Callable[[], Any], *, repeats: int = 5, warmup: int = 1,
    sync: Callable[[], None] | None = None,
) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs, after ``warmup`` untimed runs.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    fn : callable
        The work to time, called with no arguments.
    repeats : int, default 5
        Timed runs (at least 1); the median resists one-off hiccups.
    warmup : int, default 1
        Untimed runs first (caches, lazy imports, GPU kernels).
    sync : callable, optional
        Called after each run before the clock stops (e.g.
        ``torch.cuda.synchronize`` so GPU work is counted).

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> from musiclearn.bench import time_median
    >>> time_median(lambda: sum(range(1000)), repeats=3) > 0
    True
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}.")
    for _ in range(warmup):
        fn()
        if sync is not None:
            sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if sync is not None:
            sync()
        times.append(time.perf_counter() - start)
    return float(statistics.median(times))


def time_pair(
    ours: Callable[[], Any], theirs: Callable[[], Any], *, repeats: int = 5, warmup: int = 1,
    sync: Callable[[], None] | None = None, pause: float = 0.25,
) -> tuple[float, float]:
    """Median wall times of two functions, timed in alternation.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Alternating (ours, theirs, ours, theirs, …) means a burst of load from
    another process slows both, so their ratio stays fair on a shared machine.

    Parameters
    ----------
    ours, theirs : callable
        The two pieces of work, called with no arguments.
    repeats, warmup, sync
        As in :func:`time_median` (``sync`` is used after ``ours``).
    pause : float, default 0.25
        Seconds to sleep before each timed run. Thread pools (PyTorch's
        OpenMP, NumPy's OpenBLAS) keep their threads spinning for a while
        after a call; without a pause, one library's spinning threads would
        steal the cores from the other one's next run.

    Returns
    -------
    tuple of float
        ``(ours_seconds, theirs_seconds)``, each a median.

    Examples
    --------
    >>> from musiclearn.bench import time_pair
    >>> fast, slow = time_pair(lambda: sum(range(10)), lambda: sum(range(100_000)), repeats=3)
    >>> fast < slow
    True
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}.")
    a = _Timer(ours, sync)
    b = _Timer(theirs, None)
    for _ in range(warmup):
        a.run()
        b.run()
    for _ in range(repeats):
        time.sleep(pause)
        a.times.append(a.run())
        time.sleep(pause)
        b.times.append(b.run())
    return float(statistics.median(a.times)), float(statistics.median(b.times))


class _Timer:
    def __init__(self, fn: Callable[[], Any], sync: Callable[[], None] | None) -> None:
        self.fn, self.sync, self.times = fn, sync, []

    def run(self) -> float:
        start = time.perf_counter()
        self.fn()
        if self.sync is not None:
            self.sync()
        return time.perf_counter() - start
