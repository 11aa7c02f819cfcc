"""The ``audio-gen`` benchmark: bits per sample, generation speed, a VQ-VAE prior, and spectrogram translation.

Notebook: ``15_next_sample.ipynb`` runs the same experiment small and explains
every number; the ``translation`` part comes from ``16_spectrogram_translation.ipynb``.
Run it as::

    python -m musiclearn.bench audio-gen --json benchmarks/audio-gen.json [--quick] [--device cpu|cuda]

What it measures, on melodies of ``kinder0`` rendered at 8 kHz with two
General MIDI instruments (piano and flute, :func:`musiclearn.next_sample.instrument_audio`;
training melodies and held-out melodies of the same instruments):

``bits_per_sample``
    on the held-out audio, 8-bit μ-law classes: the code histogram
    (``unigram``), linear prediction with a Laplace residual (``lpc``,
    :class:`musiclearn.next_sample.LinearPredictor`) and a small WaveNet
    trained with :func:`musiclearn.train.train` (``wavenet``);
``generation_samples_per_second``
    of the trained WaveNet, ``naive`` (the whole receptive field re-run per
    sample) and ``cached`` (a queue of past activations per layer); the two
    are checked to give the same samples for the same seed;
``vqvae_prior_bits_per_second``
    a VQ-VAE (100 codes per second) and a transformer prior over its codes:
    held-out bits per code × codes per second. These bits describe the
    codes, which rebuild a similar-sounding waveform, not the waveform
    itself: they are not comparable with the WaveNet's lossless bits per
    second (``wavenet_bits_per_second``), and the report says so;
``training_tokens_per_second``
    WaveNet training samples and prior training codes per second;
``translation``
    :func:`musiclearn.translation.benchmark` (held-out mel L1 and LSD of the
    translator and its baselines, the share of monotonic alignments).

The report (``--json OUT``, written atomically) also holds ``seconds``,
``machine`` (CPU count, load average, platform), ``versions`` and ``config``.
Every torch computation runs with one thread, as the notebook's, so that
numbers from a shared machine stay comparable.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ._report import machine, versions, write_json

__all__ = ["BenchConfig", "run", "format_table", "configure", "run_command"]


@dataclass
class BenchConfig:
    """Every knob of the ``audio-gen`` benchmark: the audio, the models and how long each trains.

    Notebook: ``15_next_sample.ipynb``. The defaults are the notebook's
    default-mode settings; :meth:`quick` shrinks everything to seconds.
    """

    instruments: dict[str, int] = field(default_factory=lambda: {"piano": 0, "flute": 73})
    train_tunes: tuple[int, int] = (0, 120)
    test_tunes: tuple[int, int] = (200, 213)
    max_notes: int = 8
    sr: int = 8000
    lpc_order: int = 16
    wavenet: dict[str, int] = field(default_factory=lambda: {"channels": 32, "skip_channels": 64,
                                                             "layers_per_stack": 8, "stacks": 1})
    window: int = 512
    batch_size: int = 8
    batches: int = 100
    epochs: int = 6
    lr: float = 5e-3
    naive_steps: int = 200
    cached_steps: int = 2000
    vq_steps: int = 150
    vq_codebook: int = 64
    prior: dict[str, int] = field(default_factory=lambda: {"d_model": 64, "n_heads": 4, "n_layers": 2})
    prior_window: int = 128
    prior_batches: int = 40
    prior_epochs: int = 4
    prior_steps: int = 200

    @classmethod
    def quick(cls) -> "BenchConfig":
        """Seconds, not minutes: a few melodies, a tiny WaveNet, a few steps of everything."""
        return cls(train_tunes=(0, 8), test_tunes=(200, 202), wavenet={"channels": 8, "skip_channels": 16,
                                                                       "layers_per_stack": 5, "stacks": 1},
                   window=128, batches=10, epochs=1, naive_steps=20, cached_steps=100, vq_steps=3,
                   prior={"d_model": 16, "n_heads": 2, "n_layers": 1}, prior_window=32, prior_batches=3,
                   prior_epochs=1, prior_steps=10)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the report."""
        return json.loads(json.dumps(asdict(self)))


def _held_out_windows(clips: list[np.ndarray], length: int) -> list[tuple[Any, Any]]:
    import torch

    batches = []
    for clip in clips:
        for start in range(0, len(clip) - 1, length):
            block = torch.as_tensor(clip[start : start + length + 1])[None]
            if block.shape[1] > 1:
                batches.append((block[:, :-1], block[:, 1:]))
    return batches


def run(config: BenchConfig | None = None, *, quick: bool = False, seed: int = 0, device: str = "cpu",
        translation: bool = True, log: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """Run the benchmark; return the report (see the module docstring).

    Notebook: ``15_next_sample.ipynb``.

    Parameters
    ----------
    config : BenchConfig, optional
        Default ``BenchConfig.quick()`` when ``quick`` else ``BenchConfig()``.
    quick : bool
        Also passed to :func:`musiclearn.translation.benchmark`.
    seed : int
        Seeds every model and loader.
    device : {"cpu", "cuda"}
        Where the models train (generation and scoring run there too).
    translation : bool
        Run the translation part (a unit test may leave it out).
    log : callable
        Receives a line of progress now and then.
    """
    import torch

    from .. import corpus, generate
    from .. import next_sample as ns
    from .. import train as training
    from ..models import TransformerLanguageModel

    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but torch sees no CUDA GPU here; use --device cpu")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    cfg = config or (BenchConfig.quick() if quick else BenchConfig())
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    started = time.perf_counter()
    try:
        melodies = corpus.melodies("kinder0")
        train_tunes = melodies[cfg.train_tunes[0]: cfg.train_tunes[1]]
        test_tunes = melodies[cfg.test_tunes[0]: cfg.test_tunes[1]]
        train_audio, test_audio = [], []
        for program in cfg.instruments.values():
            a, b = ns.instrument_audio([train_tunes, test_tunes], program=program, sr=cfg.sr, max_notes=cfg.max_notes)
            train_audio.append(a)
            test_audio.append(b)
        train_codes = [ns.encode_mulaw(a) for a in train_audio]
        test_codes = [ns.encode_mulaw(a) for a in test_audio]
        targets = np.concatenate([c[1:] for c in test_codes])
        log(f"audio: {sum(map(len, train_audio)) / cfg.sr:.0f} s training, "
            f"{sum(map(len, test_audio)) / cfg.sr:.0f} s held out")

        bits = {"unigram": ns.bits_per_sample(ns.unigram(train_codes), targets)}
        bits["lpc"] = ns.LinearPredictor(order=cfg.lpc_order).fit(train_codes).bits(test_codes)

        torch.manual_seed(seed)
        model = ns.WaveNet(**cfg.wavenet, sample_rate=cfg.sr)
        loader = ns.RandomWindows(train_codes, length=cfg.window, batch_size=cfg.batch_size, batches=cfg.batches,
                                  seed=seed)
        history = training.train(model, loader, epochs=cfg.epochs, lr=cfg.lr, device=device, progress=False)
        wavenet_train_s = float(sum(history.seconds))
        bits["wavenet"] = ns.wavenet_bits(model, test_codes)
        log(f"bits per sample: unigram {bits['unigram']:.2f}, LPC {bits['lpc']:.2f}, WaveNet {bits['wavenet']:.2f} "
            f"({history.steps} steps, {wavenet_train_s:.0f} s)")

        tick = time.perf_counter()
        naive = ns.generate_naive(model, [128], steps=cfg.naive_steps, seed=seed)
        naive_rate = cfg.naive_steps / (time.perf_counter() - tick)
        tick = time.perf_counter()
        cached = ns.generate_cached(model, [128], steps=cfg.cached_steps, seed=seed)
        cached_rate = cfg.cached_steps / (time.perf_counter() - tick)
        n = min(cfg.naive_steps, cfg.cached_steps) + 1
        same = cached[:n] == naive[:n]
        log(f"generation: naive {naive_rate:.0f}, cached {cached_rate:.0f} samples/s (same samples: {same})")

        torch.manual_seed(seed)
        vq = ns.VQVAE(codebook_size=cfg.vq_codebook, sample_rate=cfg.sr)
        tick = time.perf_counter()
        ns.train_vqvae(vq, train_audio, steps=cfg.vq_steps, batch_size=8, length=4000, seed=seed, device=device)
        vq_train_s = time.perf_counter() - tick
        vq_train = [ns.vq_codes(vq, a) for a in train_audio]
        vq_test = [ns.vq_codes(vq, a) for a in test_audio]
        codes_per_second = cfg.sr / vq.hop
        torch.manual_seed(seed)
        prior = TransformerLanguageModel(cfg.vq_codebook, **cfg.prior, max_len=2 * cfg.prior_window, dropout=0.1)
        prior_loader = ns.RandomWindows(vq_train, length=cfg.prior_window, batch_size=16, batches=cfg.prior_batches,
                                        seed=seed)
        prior_history = training.train(prior, prior_loader, epochs=cfg.prior_epochs, lr=3e-3, device=device,
                                       progress=False)
        prior_train_s = float(sum(prior_history.seconds))
        prior_bits = training.mean_loss(prior, _held_out_windows(vq_test, cfg.prior_window), device=device) / math.log(2)
        counts = np.bincount(np.concatenate(vq_train), minlength=cfg.vq_codebook) + 1.0
        code_unigram = ns.bits_per_sample(counts / counts.sum(), np.concatenate([c[1:] for c in vq_test]))
        tick = time.perf_counter()
        generate.sample(prior, [int(vq_test[0][0])], steps=cfg.prior_steps, seed=seed, max_context=cfg.prior_window)
        prior_rate = cfg.prior_steps / (time.perf_counter() - tick)
        log(f"VQ prior: {prior_bits:.2f} bits per code (code histogram {code_unigram:.2f}), "
            f"{prior_bits * codes_per_second:.0f} bits/s")

        translation_report = None
        if translation:
            from .. import translation as translation_module

            log("translation: training the spectrogram translator (notebook 16)")
            tick = time.perf_counter()
            translation_report = dict(translation_module.benchmark(quick=quick, seed=seed))
            translation_report["seconds"] = round(time.perf_counter() - tick, 1)
    finally:
        torch.set_num_threads(threads)

    seconds = time.perf_counter() - started
    report: dict[str, Any] = {
        "benchmark": "audio-gen",
        "quick": quick,
        "seed": seed,
        "device": device,
        "sample_rate": cfg.sr,
        "instruments": dict(cfg.instruments),
        "train_seconds_of_audio": round(sum(map(len, train_audio)) / cfg.sr, 1),
        "test_seconds_of_audio": round(sum(map(len, test_audio)) / cfg.sr, 1),
        "bits_per_sample": {k: round(float(v), 4) for k, v in bits.items()},
        "wavenet_minus_lpc_bits": round(float(bits["wavenet"] - bits["lpc"]), 4),
        "wavenet_receptive_field": int(model.receptive_field),
        "wavenet_bits_per_second": round(float(bits["wavenet"] * cfg.sr), 1),
        "vqvae_codes_per_second": codes_per_second,
        "vqvae_prior_bits_per_code": round(float(prior_bits), 4),
        "vqvae_code_unigram_bits_per_code": round(float(code_unigram), 4),
        "vqvae_prior_bits_per_second": round(float(prior_bits * codes_per_second), 1),
        "vqvae_codes_in_use": int((counts > 1).sum()),
        "bits_per_second_note": ("wavenet_bits_per_second is a lossless code length of the 8-bit waveform; "
                                 "vqvae_prior_bits_per_second only describes the VQ-VAE codes, which rebuild a "
                                 "similar-sounding but different waveform: the two are not the same quantity"),
        "generation_samples_per_second": {"naive": round(naive_rate, 1), "cached": round(cached_rate, 1)},
        "generation_same_samples": bool(same),
        "prior_codes_per_second": round(prior_rate, 1),
        "generation_audio_seconds_per_second": {"wavenet_cached": round(cached_rate / cfg.sr, 4),
                                                "vqvae_prior": round(prior_rate / codes_per_second, 4)},
        "training_tokens_per_second": {
            "wavenet_samples": round(history.steps * cfg.batch_size * cfg.window / wavenet_train_s, 1),
            "prior_codes": round(prior_history.steps * 16 * cfg.prior_window / prior_train_s, 1),
        },
        "training_seconds": {"wavenet": round(wavenet_train_s, 1), "vqvae": round(vq_train_s, 1),
                             "prior": round(prior_train_s, 1)},
        "translation": translation_report,
        "config": cfg.to_dict(),
        "seconds": round(seconds, 1),
        "torch_threads": 1,
        "machine": machine(),
        "versions": versions("torch", "numpy"),
    }
    return report


def format_table(report: dict[str, Any]) -> str:
    """The report's main numbers as text.

    Notebook: ``15_next_sample.ipynb``.

    Examples
    --------
    >>> print(format_table({"bits_per_sample": {"unigram": 7.5, "lpc": 5.6, "wavenet": 4.2},
    ...     "sample_rate": 8000, "vqvae_prior_bits_per_second": 250.0,
    ...     "generation_samples_per_second": {"naive": 200.0, "cached": 1000.0},
    ...     "training_tokens_per_second": {"wavenet_samples": 40000.0},
    ...     "translation": {"mel_l1_db": {"model": 5.0, "copy": 9.0, "stretch": 7.0, "envelope": 8.0},
    ...                     "monotonic_share": 0.9}}))
    held-out bits per sample: unigram 7.50, lpc 5.60, wavenet 4.20
    bits per second: WaveNet 33,600 (lossless waveform), VQ prior 250 (codes only, lossy)
    generation: naive 200 samples/s, cached 1,000 samples/s (5.0x)
    training: wavenet_samples 40,000/s
    translation mel L1 (dB): model 5.00, copy 9.00, stretch 7.00, envelope 8.00; monotonic 0.90
    """
    bits = report["bits_per_sample"]
    gen = report["generation_samples_per_second"]
    lines = [
        "held-out bits per sample: " + ", ".join(f"{k} {v:.2f}" for k, v in bits.items()),
        f"bits per second: WaveNet {bits['wavenet'] * report['sample_rate']:,.0f} (lossless waveform), "
        f"VQ prior {report['vqvae_prior_bits_per_second']:,.0f} (codes only, lossy)",
        f"generation: naive {gen['naive']:,.0f} samples/s, cached {gen['cached']:,.0f} samples/s "
        f"({gen['cached'] / gen['naive']:.1f}x)",
        "training: " + ", ".join(f"{k} {v:,.0f}/s" for k, v in report["training_tokens_per_second"].items()),
    ]
    tr = report.get("translation")
    if tr:
        lines.append("translation mel L1 (dB): " + ", ".join(f"{k} {v:.2f}" for k, v in tr["mel_l1_db"].items())
                     + f"; monotonic {tr['monotonic_share']:.2f}")
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``audio-gen`` command's options to ``parser``.

    Notebook: ``15_next_sample.ipynb``.
    """
    parser.add_argument("--json", metavar="OUT", default=None, help="write the report as JSON to OUT")
    parser.add_argument("--quick", action="store_true",
                        help="a few melodies and a few training steps of everything: checks the command, in seconds")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"), help="where to train (default cpu)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every model and loader (default 0)")


def run_command(args: argparse.Namespace) -> int:
    """Run the ``audio-gen`` command from parsed arguments; return the exit status.

    Notebook: ``15_next_sample.ipynb``.
    """
    from ..errors import MusiclearnError

    if args.seed < 0:
        print("error: --seed must be 0 or more", file=sys.stderr)
        return 2
    try:
        report = run(quick=args.quick, seed=args.seed, device=args.device,
                     log=lambda message: print(message, file=sys.stderr, flush=True))
    except (MusiclearnError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_table(report))
    print(f"total {report['seconds']:.0f} s; load average {report['machine']['load_average_1_5_15_min']}")
    if args.json:
        write_json(args.json, report)
        print(f"report written to {args.json}")
    return 0
