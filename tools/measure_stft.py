"""Time musiclearn.stft against librosa on 60 s of 22.05 kHz mono audio.

    .venv/bin/python tools/measure_stft.py [--seconds 60] [--repeats 20]

Prints the best and median wall time of each implementation and the ratio
ours / librosa (target: at most 1.2 for ``stft``). Both get the same float32
signal and parameters; each is called once before timing so that lazy imports
and numba compilation are not counted. This is a measurement, not a test:
timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _times(function, repeats: int) -> list[float]:
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="signal length in seconds (default 60)")
    parser.add_argument("--sr", type=int, default=22050, help="sampling rate in Hz (default 22050)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per case (default 20)")
    args = parser.parse_args(argv)

    import librosa

    from musiclearn import signals, stft

    n = int(round(args.seconds * args.sr))
    y = signals.chirp(55.0, 8000.0, sr=args.sr, duration=args.seconds, method="exponential")
    y = 0.5 * y + 0.1 * signals.noise(sr=args.sr, duration=args.seconds, seed=0)
    assert y.dtype == np.float32 and y.shape == (n,)

    D = librosa.stft(y)
    cases = [
        ("stft defaults (n_fft=2048, hop=512)", lambda f: f.stft(y)),
        ("stft n_fft=512, hop=128", lambda f: f.stft(y, n_fft=512, hop_length=128)),
        ("stft n_fft=4096, hop=1024", lambda f: f.stft(y, n_fft=4096, hop_length=1024)),
        ("istft defaults", lambda f: f.istft(D)),
    ]

    print(f"signal: {args.seconds:g} s at {args.sr} Hz, float32, {n} samples; librosa {librosa.__version__}, numpy {np.__version__}")
    print(f"{'case':40s} {'ours best':>10s} {'librosa best':>13s} {'ours med':>9s} {'lib med':>9s} {'ratio':>6s}")
    for name, call in cases:
        ours = _times(lambda: call(stft), args.repeats)
        theirs = _times(lambda: call(librosa), args.repeats)
        ratio = min(ours) / min(theirs)
        print(
            f"{name:40s} {min(ours) * 1e3:8.1f}ms {min(theirs) * 1e3:11.1f}ms "
            f"{statistics.median(ours) * 1e3:7.1f}ms {statistics.median(theirs) * 1e3:7.1f}ms {ratio:6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
