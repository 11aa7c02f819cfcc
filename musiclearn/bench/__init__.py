"""Benchmarks: ``python -m musiclearn.bench COMMAND [options]``.

Notebook: ``04_stft_and_spectrograms.ipynb`` and ``06_mfcc.ipynb`` quote the
``features`` numbers; timing targets live here, not in the unit tests.

Commands
--------
features
    Wall time of musiclearn's ``stft``, ``melspectrogram`` and ``mfcc``
    against librosa's on 60 s of 22.05 kHz audio, and of batched MFCCs with
    ``torch_features.MFCC`` (CPU, and CUDA when available) against a librosa
    loop over 64 clips of 5 s. Prints a table; ``--json OUT`` also writes::

        {"benchmark": "features", "device": "cpu", ...,
         "results": [{"name": "stft", "ours_s": ..., "librosa_s": ...,
                      "ratio": ..., "target_ratio": 1.2, "meets_target": true,
                      "max_rel_diff": ...}, ...],
         "versions": {...}}

    ``ratio`` is ours / librosa's time (below 1: we are faster). Targets:
    the NumPy functions within 1.2× of librosa's time; the torch batch at
    least 2× faster than the librosa loop (ratio ≤ 0.5). ``--threads 1``
    gives both sides one core: on a machine shared with other busy
    processes, multithreaded runs (torch's OpenMP, NumPy's OpenBLAS) can
    slow down many-fold, so the report also records the load average.

melody
    Next-pitch prediction by k-fold cross-validation on a corpus (default
    ``kinder0``): n-gram baselines, and LSTM/transformer models trained
    in-domain and pretrained on the rest of Essen, each alone and mixed with
    a short-term model. ``--json OUT`` writes
    ``{"dataset", "folds", "device", "results": [{"model", "track",
    "bits_per_note", "bits_per_note_folds", "accuracy", "seconds", ...}]}``.
    The logic lives in :mod:`musiclearn.bench.melody` (notebook
    ``10_rnn_and_transformer.ipynb``).

audio
    Instrument-family classification of notes rendered from every installed
    General MIDI SoundFont: an MFCC + logistic-regression baseline, a log-mel
    CNN and a waveform CNN, each on a random, a program-disjoint and a
    SoundFont-disjoint split (``--holdout-soundfont PATH`` adds a SoundFont
    that is not installed). ``--json OUT`` writes ``{"families", "soundfonts",
    "chance", "results": [{"model", "split", "accuracy", "accuracy_seeds",
    "train_clips", "seconds", ...}], "inflation", ...}``. The logic lives in
    :mod:`musiclearn.bench.audio` (notebook ``14_spectrograms_as_images.ipynb``).

audio-gen
    Audio generation on melodies rendered at 8 kHz: held-out bits per sample
    of the μ-law histogram, LPC and a small WaveNet; naive and cached
    generation speed; the bits per second of a transformer prior over VQ-VAE
    codes; and the spectrogram translation numbers of notebook 16.
    ``--json OUT`` writes ``{"bits_per_sample": {"unigram", "lpc",
    "wavenet"}, "generation_samples_per_second": {"naive", "cached"},
    "vqvae_prior_bits_per_second", "training_tokens_per_second",
    "translation": {...}, ...}``. The logic lives in
    :mod:`musiclearn.bench.audio_gen` (notebook ``15_next_sample.ipynb``).

One module per benchmark: :mod:`musiclearn.bench.features` and
:mod:`musiclearn.bench.melody`, each with a ``configure(parser)`` that adds
its options and a ``run_command(args)`` that runs it and returns the exit
status; ``COMMANDS`` lists them for the command line. Timing helpers
(:func:`time_median`, :func:`time_pair`) are shared. A benchmark's module is
imported only when its command runs.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Any, Callable

from ._timing import time_median, time_pair

__all__ = ["COMMANDS", "Command", "main", "run_features", "time_median", "time_pair"]


@dataclass(frozen=True)
class Command:
    """One ``python -m musiclearn.bench`` sub-command.

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _module(name: str) -> Any:
    """A benchmark's module (``musiclearn.bench.<name>``), imported on first use."""
    return importlib.import_module(f"{__name__}.{name}")


def _command(name: str, help: str) -> Command:
    return Command(help=help, configure=lambda parser: _module(name).configure(parser),
                   run=lambda args: _module(name).run_command(args))


COMMANDS: dict[str, Command] = {
    "features": _command("features", "DSP speed: stft / melspectrogram / mfcc and batched torch MFCC against librosa"),
    "melody": _command("melody", "melody benchmark: bits per note of n-gram, LSTM and transformer models by "
                       "k-fold CV (kinder0)"),
    "audio": _command("audio", "audio benchmark: instrument-family accuracy of MFCC, log-mel CNN and waveform CNN "
                      "models on random, program-disjoint and SoundFont-disjoint splits"),
    "audio-gen": _command("audio_gen", "audio generation benchmark: bits per sample of μ-law histogram, LPC and "
                          "WaveNet, generation speed, VQ-VAE prior, spectrogram translation"),
}


def __getattr__(name: str) -> Any:
    # run_features and the benchmark modules load lazily, as the package's other submodules do.
    if name == "run_features":
        return _module("features").run_features
    if name in ("features", "melody"):
        return _module(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m musiclearn.bench", description="musiclearn benchmarks."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.configure(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m musiclearn.bench`` with ``argv`` (default: the command line); return the exit status.

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return COMMANDS[args.command].run(args)
