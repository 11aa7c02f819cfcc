"""The ``features`` benchmark: musiclearn's DSP against librosa's, and batched torch MFCCs.

Notebook: ``04_stft_and_spectrograms.ipynb`` and ``06_mfcc.ipynb`` quote its
numbers. Run it as ``python -m musiclearn.bench features [--json OUT]``; the
report's fields are described in :mod:`musiclearn.bench`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path
from typing import Any, Callable

from ._report import load_average, versions, write_json
from ._timing import time_pair

__all__ = ["NUMPY_TARGET", "TORCH_TARGET", "run_features", "format_table", "configure", "run_command"]

NUMPY_TARGET = 1.2  # ours may take at most 1.2× librosa's time
TORCH_TARGET = 0.5  # the torch batch must be at least 2× faster than the librosa loop


def _test_signal(seconds: float, sr: int, seed: int) -> "np.ndarray":  # noqa: F821
    """A chirp from 100 Hz to 8 kHz plus a little white noise, float32."""
    import numpy as np

    t = np.arange(int(round(seconds * sr))) / sr
    f0, f1 = 100.0, 8000.0
    # Exponential chirp: phase is the integral of f0·(f1/f0)^(t/T).
    k = np.log(f1 / f0) / seconds
    phase = 2 * np.pi * f0 * (np.exp(k * t) - 1.0) / k
    rng = np.random.default_rng(seed)
    return (0.5 * np.sin(phase) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


def _max_rel_diff(ours: Any, theirs: Any) -> float:
    import numpy as np

    ours, theirs = np.asarray(ours), np.asarray(theirs)
    scale = float(np.max(np.abs(theirs))) or 1.0
    return float(np.max(np.abs(ours - theirs)) / scale)


def _load_average() -> float | None:
    """The 1-minute load average (runnable processes), where the OS reports one."""
    loads = load_average()
    return None if loads is None else loads[0]


def run_features(
    *, seconds: float = 60.0, sr: int = 22050, clips: int = 64, clip_seconds: float = 5.0,
    repeats: int = 5, use_cuda: bool | None = None, seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Time musiclearn's feature functions against librosa's; return the report as a dict.

    Notebook: ``04_stft_and_spectrograms.ipynb``.

    Parameters
    ----------
    seconds : float, default 60.0
        Length of the test signal for the NumPy functions, in seconds.
    sr : int, default 22050
        Sampling rate in Hz.
    clips, clip_seconds : int, float, default 64 and 5.0
        The batch for the torch MFCC benchmark: ``clips`` signals of ``clip_seconds`` s.
    repeats : int, default 5
        Timed runs per measurement (the median is reported).
    use_cuda : bool, optional
        Also time the torch batch on the GPU; default: when CUDA is available.
    seed : int, default 0
        Seed of the noise in the test signals.
    log : callable, default print
        Receives one progress line per measurement.

    Returns
    -------
    dict
        ``{"benchmark", "device", "results": [...], "versions", ...}`` as
        described in the module docstring.

    Examples
    --------
    >>> from musiclearn.bench.features import run_features
    >>> report = run_features(seconds=1.0, clips=2, clip_seconds=0.5, repeats=1,
    ...                       log=lambda line: None)   # doctest: +SKIP
    >>> [r["name"] for r in report["results"]][:3]      # doctest: +SKIP
    ['stft', 'melspectrogram', 'mfcc']
    """
    import librosa
    import numpy as np
    import torch

    from ..mel import melspectrogram
    from ..mfcc import mfcc
    from ..stft import stft
    from ..torch_features import MFCC

    if use_cuda is None:
        use_cuda = torch.cuda.is_available()
    elif use_cuda and not torch.cuda.is_available():
        raise ValueError("use_cuda=True but torch finds no CUDA GPU; leave it None to use one only when present.")

    load_before = _load_average()
    y = _test_signal(seconds, sr, seed)
    batch = np.stack([_test_signal(clip_seconds, sr, seed + 1 + i) for i in range(clips)])
    results: list[dict[str, Any]] = []

    def record(name: str, what: str, ours_s: float, librosa_s: float, target: float, diff: float) -> None:
        entry = {
            "name": name,
            "what": what,
            "ours_s": ours_s,
            "librosa_s": librosa_s,
            "ratio": ours_s / librosa_s,
            "target_ratio": target,
            "meets_target": ours_s / librosa_s <= target,
            "max_rel_diff": diff,
        }
        results.append(entry)
        log(f"  {name:22s} ours {ours_s * 1e3:9.1f} ms   librosa {librosa_s * 1e3:9.1f} ms   "
            f"ratio {entry['ratio']:5.2f} (target ≤ {target})")

    numpy_cases = [
        ("stft", f"stft of {seconds:g} s", lambda: stft(y), lambda: librosa.stft(y)),
        ("melspectrogram", f"melspectrogram of {seconds:g} s",
         lambda: melspectrogram(y, sr=sr), lambda: librosa.feature.melspectrogram(y=y, sr=sr)),
        ("mfcc", f"mfcc of {seconds:g} s", lambda: mfcc(y, sr=sr), lambda: librosa.feature.mfcc(y=y, sr=sr)),
    ]
    for name, what, ours, theirs in numpy_cases:
        diff = _max_rel_diff(ours(), theirs())
        record(name, what, *time_pair(ours, theirs, repeats=repeats), NUMPY_TARGET, diff)

    def librosa_loop() -> list:
        return [librosa.feature.mfcc(y=clip, sr=sr) for clip in batch]

    reference = np.stack(librosa_loop())
    devices = ["cpu"] + (["cuda"] if use_cuda else [])
    for device in devices:
        module = MFCC(sr=sr).to(device)
        x = torch.from_numpy(batch).to(device)
        sync = torch.cuda.synchronize if device == "cuda" else None

        def torch_batch(module: MFCC = module, x: torch.Tensor = x) -> torch.Tensor:
            # Feature extraction in a data pipeline needs no autograd graph.
            with torch.inference_mode():
                return module(x)

        diff = _max_rel_diff(torch_batch().cpu().numpy(), reference)
        record(f"mfcc_batch_torch_{device}", f"MFCC of {clips} × {clip_seconds:g} s clips, batched on {device}",
               *time_pair(torch_batch, librosa_loop, repeats=repeats, sync=sync), TORCH_TARGET, diff)

    gpu = torch.cuda.get_device_name(0) if use_cuda else None
    load_after = _load_average()
    return {
        "benchmark": "features",
        "device": "cuda" if use_cuda else "cpu",
        "gpu": gpu,
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        # Other processes competing for the cores make timings (librosa's
        # multithreaded BLAS especially) swing widely; this says how busy it was.
        "load_average": {"before": load_before, "after": load_after},
        "thread_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "signal": {"sr": sr, "seconds": seconds, "clips": clips, "clip_seconds": clip_seconds, "dtype": "float32"},
        "repeats": repeats,
        "results": results,
        "versions": versions("numpy", "scipy", "librosa", "torch"),
    }


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``features`` command's options to ``parser``.

    Notebook: ``04_stft_and_spectrograms.ipynb``.
    """
    parser.add_argument("--json", metavar="OUT", type=Path, help="also write the report as JSON to OUT")
    parser.add_argument("--repeats", metavar="N", type=int, default=None,
                        help="timed runs per measurement, median reported (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (5 s signal, 4 clips of 1 s) to check the command works, not to time it")
    parser.add_argument("--no-cuda", action="store_true", help="skip the GPU measurement even if CUDA is available")
    parser.add_argument("--threads", metavar="N", type=int, default=None,
                        help="CPU threads for torch and for NumPy's BLAS (default: the libraries' own choice); "
                             "--threads 1 compares one core with one core and is steady on a busy machine")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise in the test signals")


def _limit_threads(n: int) -> None:
    """Use ``n`` CPU threads in torch and in NumPy's BLAS, whether or not NumPy is loaded yet."""
    # OpenBLAS and MKL read these when they load; threadpoolctl limits pools already running.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(n)
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=n)
    import torch

    torch.set_num_threads(n)


def run_command(args: argparse.Namespace) -> int:
    """Run the ``features`` command from parsed arguments; return the exit status.

    Notebook: ``04_stft_and_spectrograms.ipynb``.
    """
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 5)
    if repeats < 1:
        print(f"--repeats must be at least 1, got {repeats}", file=sys.stderr)
        return 2
    if args.threads is not None:
        if args.threads < 1:
            print(f"--threads must be at least 1, got {args.threads}", file=sys.stderr)
            return 2
        _limit_threads(args.threads)
    sizes = dict(seconds=5.0, clips=4, clip_seconds=1.0) if args.quick else {}
    print("musiclearn vs librosa: median wall time" + (" (quick mode: sizes too small to judge speed)" if args.quick else ""))
    report = run_features(repeats=repeats, use_cuda=False if args.no_cuda else None, seed=args.seed, **sizes)
    report["quick"] = bool(args.quick)
    print()
    print(format_table(report))
    if args.json is not None:
        write_json(args.json, report)
        print(f"\nwrote {args.json}")
    return 0


def format_table(report: dict[str, Any]) -> str:
    """The report as a readable table, with a note when the machine was busy.

    Notebook: ``04_stft_and_spectrograms.ipynb``.
    """
    lines = [f"{'benchmark':24s} {'ours':>10s} {'librosa':>10s} {'ratio':>7s} {'target':>7s}  ok   max rel diff",
             "-" * 78]
    for r in report["results"]:
        lines.append(
            f"{r['name']:24s} {r['ours_s'] * 1e3:8.1f}ms {r['librosa_s'] * 1e3:8.1f}ms "
            f"{r['ratio']:7.2f} {'≤' + str(r['target_ratio']):>7s}  {'yes' if r['meets_target'] else 'NO ':3s}  "
            f"{r['max_rel_diff']:.1e}"
        )
    lines.append(f"device: {report['device']}" + (f" ({report['gpu']})" if report.get("gpu") else "")
                 + f", torch threads: {report['torch_threads']}, repeats: {report['repeats']}")
    load = [v for v in report["load_average"].values() if v is not None]
    cores = report.get("cpu_count") or 1
    if load and max(load) > 0.75 * cores:
        lines.append(f"note: the machine was busy (load average {max(load):.1f} on {cores} cores); "
                     "timings, librosa's in particular, may be noisy. Run again when it is idle.")
    return "\n".join(lines)
