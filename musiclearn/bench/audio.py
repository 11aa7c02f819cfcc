"""The ``audio`` benchmark: instrument-family classification on rendered notes, split three honest ways.

Notebook: ``14_spectrograms_as_images.ipynb`` runs it small and explains every
row. Run it as::

    python -m musiclearn.bench audio --json benchmarks/audio.json [--seeds 3]
        [--holdout-soundfont PATH] [--quick]

The clips (:func:`clip_set`) are single notes rendered by
:func:`musiclearn.clips.notes` from every installed General MIDI SoundFont:
the programs of :data:`PROGRAMS` (8 families), each family at the pitches of
:data:`PITCH_RANGES`, two velocities, 1 s at 16 kHz. Every model of notebook
14 (:data:`MODELS`) is trained and tested on each split (:func:`splits`):

``random``
    clips drawn at random: the same program (and SoundFont) sits on both
    sides at other pitches, so the score is inflated;
``program-disjoint``
    within every family about a quarter of the programs is held out (whole
    programs, :func:`musiclearn.hygiene.group_split`), so the test asks for
    instruments the model never heard;
``soundfont-disjoint``
    one whole SoundFont *lineage* is held out (each seed the next one, in
    turn): every test clip comes from a renderer the model never heard.
    Notebook 13 found that SoundFonts share samples (sf_GMbank largely
    repeats TimGM6mb, MuseScore_General is built on FluidR3), recorded in
    :attr:`musiclearn.clips.SoundFont.lineage`; holding out one SoundFont of a
    pair would test on copies of training clips;
``holdout-soundfont``
    with ``--holdout-soundfont PATH``: train on every installed SoundFont,
    test on the same notes rendered from ``PATH``, any other General MIDI
    ``.sf2``/``.sf3`` file. The report counts its clips that duplicate a
    training clip (a SoundFont built on an installed one).

Duplicates count too: :func:`musiclearn.hygiene.duplicates` finds the clips
that are copies of each other (the same samples under two program numbers,
e.g. Violin and Viola in some SoundFonts), and the disjoint splits merge their
groups along those links (:func:`musiclearn.hygiene.merge_groups`), so no
copy of a training clip is tested. Every split is checked with
:func:`musiclearn.hygiene.assert_no_group_leak`.
The report (``--json OUT``)::

    {"benchmark": "audio", "families": [...], "soundfonts": [...], "chance": 0.125,
     "results": [{"model": "cnn-logmel", "split": "program-disjoint", "accuracy": ...,
                  "accuracy_seeds": [...], "train_clips": ..., "seconds": ...}, ...],
     "inflation": {"cnn-logmel": {"program-disjoint": ..., "soundfont-disjoint": ...}, ...}, ...}

``accuracy`` is the mean over seeds; ``per_program`` is the accuracy on each
program's test clips, pooled over the seeds that tested it (on the
program-disjoint split: how well each *unseen* instrument is recognised);
``inflation`` is accuracy(random) −
accuracy(disjoint), the part of a random split's score that does not carry
over to unseen instruments or renderers. Independent runs go to ``--jobs``
processes (default 2 on a machine with 2 cores or more), one torch thread each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._report import load_average, machine, versions, write_json

__all__ = [
    "PROGRAMS", "PITCH_RANGES", "MODELS", "SPLITS", "BenchConfig", "clip_set", "splits", "prepare",
    "train_and_score", "run", "format_table", "configure", "run_command",
]

#: General MIDI programs per family (0-based). GM files instruments by catalogue, not by sound: each
#: family keeps the programs that are played like its instruments and leaves out the strangers
#: (strings: pizzicato, harp and timpani; organ: the free reeds, i.e. reed organ, accordions and
#: harmonica; guitar: harmonics; bass: the two synth basses; piano: harpsichord and clavinet;
#: brass: the two synth brasses).
PROGRAMS: dict[str, tuple[int, ...]] = {
    "piano": (0, 1, 2, 3, 4, 5),
    "organ": (16, 17, 18, 19),
    "guitar": (24, 25, 26, 27, 28, 29, 30),
    "bass": (32, 33, 34, 35, 36, 37),
    "strings": (40, 41, 42, 43, 44),
    "brass": (56, 57, 58, 59, 60, 61),
    "reed": (64, 65, 66, 67, 68, 69, 70, 71),
    "pipe": (72, 73, 74, 75, 76, 77, 78, 79),
}
#: Lowest and highest MIDI pitch rendered per family (every third semitone between): roughly
#: where its instruments play, so a bass is not asked for a piccolo's notes.
PITCH_RANGES: dict[str, tuple[int, int]] = {
    "piano": (45, 81), "organ": (45, 81), "guitar": (43, 76), "bass": (31, 55), "strings": (43, 79),
    "brass": (45, 76), "reed": (48, 79), "pipe": (60, 88),
}
#: The models of notebook 14, in report order.
MODELS = ("mfcc-logreg", "cnn-logmel", "cnn-waveform")
#: The splits, in report order (holdout-soundfont only with --holdout-soundfont).
SPLITS = ("random", "program-disjoint", "soundfont-disjoint", "holdout-soundfont")


@dataclass
class BenchConfig:
    """Every knob of the benchmark: the clips, the features and the training.

    Notebook: ``14_spectrograms_as_images.ipynb``.
    """

    pitch_step: int = 3
    velocities: tuple[int, ...] = (70, 110)
    duration: float = 1.0
    sr: int = 16000
    n_mels: int = 64
    n_fft: int = 1024
    hop_length: int = 512
    n_mfcc: int = 20
    test_fraction: float = 0.25
    val_fraction: float = 0.1
    cnn_channels: tuple[int, ...] = (16, 32, 48, 64)
    cnn_epochs: int = 16
    wave_channels: tuple[int, ...] = (16, 32, 48, 64)
    wave_kernel: int = 64
    wave_stride: int = 16
    wave_epochs: int = 16
    batch_size: int = 32
    lr: float = 3e-3
    patience: int | None = 6
    spec_augment: dict[str, int] = field(default_factory=lambda: {"freq_width": 8, "time_width": 8})
    programs: dict[str, tuple[int, ...]] = field(default_factory=lambda: dict(PROGRAMS))
    pitch_ranges: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(PITCH_RANGES))
    soundfonts: tuple[str, ...] | None = None

    @classmethod
    def quick(cls) -> "BenchConfig":
        """Seconds, not minutes: three programs and about three pitches per family, tiny models, 2 epochs."""
        two_sf = _two_small_soundfonts()
        return cls(pitch_step=12, velocities=(100,), n_mels=32,
                   cnn_channels=(4, 8), cnn_epochs=2, wave_channels=(4, 8), wave_epochs=2, patience=None,
                   programs={f: p[:3] for f, p in PROGRAMS.items()}, soundfonts=two_sf)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the report."""
        return json.loads(json.dumps(asdict(self)))


def _two_small_soundfonts() -> tuple[str, ...]:
    """TimGM6mb and the smallest installed SoundFont of another lineage (for --quick): fast to load."""
    from .. import clips

    found = sorted(clips.soundfonts(), key=lambda sf: sf.size_bytes)
    tim = next(sf for sf in found if sf.name == "TimGM6mb")
    others = [sf for sf in found if sf.lineage != tim.lineage] or [sf for sf in found if sf.name != tim.name]
    return tuple([tim.name] + [sf.name for sf in others[:1]])


# ----------------------------------------------------------------------------- data


def clip_set(config: BenchConfig | None = None, *, soundfonts: Any = None, progress: bool | None = False) -> Any:
    """The benchmark's clips: every family's programs at its pitches, from the SoundFonts.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    config : BenchConfig, optional
        Default ``BenchConfig()``.
    soundfonts : optional
        As :func:`musiclearn.clips.notes` (names, paths or SoundFont objects);
        default ``config.soundfonts``, else every installed one.
    progress : bool, optional
        Show rendering progress.

    Returns
    -------
    musiclearn.clips.ClipSet
        Rendered once, then read from the cache.
    """
    from .. import clips

    cfg = config or BenchConfig()
    chosen = soundfonts if soundfonts is not None else cfg.soundfonts
    result = None
    for family, programs in cfg.programs.items():
        low, high = cfg.pitch_ranges[family]
        part = clips.notes(programs=list(programs), pitches=list(range(low, high + 1, cfg.pitch_step)),
                           velocities=list(cfg.velocities), duration=cfg.duration, sr=cfg.sr,
                           soundfonts=None if chosen is None else list(chosen), progress=progress)
        result = part if result is None else result.concat(part)
    return result


@dataclass
class Prepared:
    """A clip set turned into model inputs: labels, groups, duplicate links and the three representations."""

    families: list[str]
    labels: np.ndarray
    programs: np.ndarray
    soundfonts: np.ndarray
    lineages: np.ndarray
    duplicate_pairs: np.ndarray
    waveforms: np.ndarray
    images: np.ndarray
    mfcc_stats: np.ndarray
    meta: list[dict[str, Any]]


def prepare(clipset: Any, config: BenchConfig | None = None, *, families: Sequence[str] | None = None) -> Prepared:
    """Labels, groups and inputs of every model: peak-normalised waveforms, log-mel images, MFCC statistics.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Every clip is scaled to peak 1 first, so no model can tell families apart
    by how loudly a SoundFont renders them. The duplicate pairs
    (:func:`musiclearn.hygiene.duplicates`) are kept for :func:`splits`.
    """
    import torch

    from .. import audio_models, hygiene

    cfg = config or BenchConfig()
    names = list(families) if families is not None else list(cfg.programs)
    family = clipset.column("family")
    unknown = sorted(set(family.tolist()) - set(names))
    if unknown:
        raise ValueError(f"the clips hold families {unknown} that are not among {names}")
    x = audio_models.as_clips(clipset.audio, min_samples=cfg.n_fft)
    x = x / x.abs().amax(dim=1, keepdim=True)
    with torch.no_grad():
        images = audio_models.log_mel(x, sr=cfg.sr, n_fft=cfg.n_fft, hop_length=cfg.hop_length, n_mels=cfg.n_mels)
        stats = audio_models.mfcc_statistics(x, sr=cfg.sr, n_mfcc=cfg.n_mfcc, n_fft=cfg.n_fft,
                                             hop_length=cfg.hop_length, n_mels=cfg.n_mels)
    pairs = hygiene.duplicates(clipset.audio, sr=clipset.sr).pairs
    soundfont = clipset.column("soundfont")
    lineage = clipset.column("lineage", default=None)
    lineage = np.where(lineage == None, soundfont, lineage).astype(str)   # noqa: E711 - elementwise
    return Prepared(names, np.array([names.index(f) for f in family]), clipset.column("program"), soundfont,
                    lineage, np.asarray(pairs, dtype=int).reshape(-1, 2), x.numpy(), images.numpy(), stats.numpy(),
                    list(clipset.meta))


def splits(data: Prepared, split: str, *, seed: int, test_fraction: float = 0.25) -> dict[str, np.ndarray]:
    """Train and test indices of one split, checked for leaks (see the module docstring).

    Notebook: ``14_spectrograms_as_images.ipynb``.

    ``"random"`` groups nothing (each clip is its own group, duplicates
    included: the leak it measures). ``"program-disjoint"`` splits each
    family's programs separately, holding out about ``test_fraction`` of them
    (at least one), so every family keeps programs on both sides.
    ``"soundfont-disjoint"`` holds out one whole SoundFont lineage: seed 0
    the first, seed 1 the next, and so on around. In both, groups joined by a
    duplicate pair count as one group.
    """
    from .. import hygiene

    n = len(data.labels)
    if split == "random":
        groups = np.arange(n)
        parts = hygiene.group_split(groups, fractions=(1.0 - test_fraction, test_fraction), seed=seed)
        what = "clip"
    elif split == "program-disjoint":
        groups = hygiene.merge_groups(data.programs, data.duplicate_pairs)
        train, test = [], []
        for k, family in enumerate(data.families):
            rows = np.flatnonzero(data.labels == k)
            count = len(set(groups[rows].tolist()))
            if count < 2:
                raise ValueError(f"family {family!r} has only one group of programs (after merging duplicates); "
                                 "a program-disjoint split needs at least two: render more programs")
            share = max(1, round(test_fraction * count)) / count
            part = hygiene.group_split(groups[rows], fractions=(1.0 - share, share), seed=seed + 1000 * k)
            train.append(rows[part["train"]])
            test.append(rows[part["test"]])
        parts = {"train": np.sort(np.concatenate(train)), "test": np.sort(np.concatenate(test))}
        what = "program group"
    elif split == "soundfont-disjoint":
        groups = hygiene.merge_groups(data.lineages, data.duplicate_pairs)
        count = len(set(groups.tolist()))
        if count < 2:
            raise ValueError("a SoundFont-disjoint split needs SoundFonts of at least two lineages (SoundFonts that "
                             "share no samples); install more (musiclearn.clips.soundfonts().notice says how)")
        # One fold per lineage (leave one lineage out); seed picks the fold, so successive seeds hold
        # out each lineage in turn.
        names = [f"fold{i}" for i in range(count)]
        folds = hygiene.group_split(groups, fractions=[1.0 / count] * count, names=names, seed=0)
        held = names[seed % count]
        parts = {"train": np.sort(np.concatenate([folds[n] for n in names if n != held])), "test": folds[held]}
        what = "SoundFont lineage"
    else:
        raise ValueError(f"split must be 'random', 'program-disjoint' or 'soundfont-disjoint', got {split!r}")
    if len(parts["test"]) == 0 or len(parts["train"]) == 0:
        raise ValueError(f"the {split} split left one side empty; render more clips")
    hygiene.assert_no_group_leak(groups, parts, what=what)
    return parts


# ----------------------------------------------------------------------------- training


def _model(name: str, n_classes: int, cfg: BenchConfig) -> Any:
    from .. import audio_models

    if name == "cnn-logmel":
        return audio_models.SpectrogramCNN(n_classes, channels=cfg.cnn_channels,
                                           spec_augment=audio_models.SpecAugment(**cfg.spec_augment))
    if name == "cnn-waveform":
        return audio_models.WaveformCNN(n_classes, channels=cfg.wave_channels, first_kernel=cfg.wave_kernel,
                                        first_stride=cfg.wave_stride)
    raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")


def train_and_score(name: str, train_x: Any, train_y: np.ndarray, test_x: Any, test_y: np.ndarray, *,
                    n_classes: int, config: BenchConfig | None = None, seed: int = 0, device: Any = "cpu",
                    progress: bool = False) -> dict[str, Any]:
    """Train one model of :data:`MODELS` and score it; returns accuracy, probabilities, history, seconds.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    The inputs are those the model reads (:class:`Prepared`: MFCC statistics
    for ``mfcc-logreg``, images for ``cnn-logmel``, waveforms for
    ``cnn-waveform``). The neural models hold out ``config.val_fraction`` of
    the training clips (at random) for early stopping.
    """
    import musiclearn

    from .. import audio_models

    cfg = config or BenchConfig()
    started = time.perf_counter()
    history = None
    if name == "mfcc-logreg":
        model = audio_models.fit_logistic_regression(train_x, train_y, n_classes=n_classes)
    else:
        musiclearn.seed_everything(seed)
        order = np.random.default_rng(seed).permutation(len(train_y))
        n_val = max(1, int(round(cfg.val_fraction * len(train_y))))
        val, fit = np.sort(order[:n_val]), np.sort(order[n_val:])
        model = _model(name, n_classes, cfg)
        epochs = cfg.cnn_epochs if name == "cnn-logmel" else cfg.wave_epochs
        history = audio_models.fit_classifier(
            model, train_x[fit], train_y[fit], train_x[val], train_y[val], epochs=epochs, lr=cfg.lr,
            batch_size=cfg.batch_size, patience=cfg.patience, seed=seed, device=device, progress=progress)
    probs = audio_models.predict_proba(model, test_x)
    return {"accuracy": audio_models.accuracy(probs, test_y), "probabilities": probs, "model": model,
            "history": history, "seconds": time.perf_counter() - started}


# Worker processes read the prepared arrays once (memory-mapped) and then train one run per task.
_WORKER: dict[str, Any] = {}


def _inputs(data: Any, name: str) -> Any:
    return {"mfcc-logreg": data["mfcc_stats"], "cnn-logmel": data["images"], "cnn-waveform": data["waveforms"]}[name]


def _init_worker(folder: str, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    _WORKER.update({key: np.load(Path(folder) / f"{key}.npy", mmap_mode="r")
                    for key in ("mfcc_stats", "images", "waveforms", "labels", "programs", "test_mfcc_stats",
                                "test_images", "test_waveforms", "test_labels", "test_programs")
                    if (Path(folder) / f"{key}.npy").exists()})


def _run_one(task: tuple[str, str, int, np.ndarray, np.ndarray | None, int, BenchConfig, str]) -> dict[str, Any]:
    import torch

    name, split, seed, train_idx, test_idx, n_classes, cfg, device = task
    x = _inputs(_WORKER, name)
    y = np.asarray(_WORKER["labels"])
    train_x, train_y = torch.from_numpy(np.array(x[train_idx])), y[train_idx]
    if test_idx is None:   # the external SoundFont's clips
        test_x = torch.from_numpy(np.array(_inputs({k[5:]: v for k, v in _WORKER.items()
                                                                if k.startswith("test_")}, name)))
        test_y = np.asarray(_WORKER["test_labels"])
        test_programs = np.asarray(_WORKER["test_programs"])
    else:
        test_x, test_y = torch.from_numpy(np.array(x[test_idx])), y[test_idx]
        test_programs = np.asarray(_WORKER["programs"])[test_idx]
    out = train_and_score(name, train_x, train_y, test_x, test_y, n_classes=n_classes, config=cfg, seed=seed,
                          device=device)
    history = out["history"]
    predicted = out["probabilities"].argmax(axis=1)
    # per program: how many of its test clips went to each family (its own family's count is the right ones)
    per_program = {int(p): np.bincount(predicted[test_programs == p], minlength=n_classes).tolist()
                   for p in np.unique(test_programs)}
    return {"model": name, "split": split, "seed": seed, "accuracy": out["accuracy"], "seconds": out["seconds"],
            "per_program": per_program,
            "train_clips": int(len(train_idx)), "test_clips": int(len(test_y)),
            "epochs": None if history is None else history.epochs,
            "best_epoch": None if history is None else history.best_epoch}


def _save_arrays(folder: Path, data: Prepared, holdout: Prepared | None) -> None:
    for key in ("mfcc_stats", "images", "waveforms", "labels", "programs"):
        np.save(folder / f"{key}.npy", np.ascontiguousarray(getattr(data, key)))
        if holdout is not None:
            np.save(folder / f"test_{key}.npy", np.ascontiguousarray(getattr(holdout, key)))


def _external_soundfont(path: Any, installed: Sequence[Any]) -> Any:
    """The SoundFont at ``path``, checked to be a real SoundFont that is not one of the training ones."""
    import hashlib

    from .. import clips

    sf = clips.soundfont(path)

    def fingerprint(p: Path) -> tuple[int, str]:
        with open(p, "rb") as handle:
            return p.stat().st_size, hashlib.sha256(handle.read(1 << 20)).hexdigest()

    mine = fingerprint(sf.path)
    for other in installed:
        if Path(other.path).resolve() == sf.path.resolve() or fingerprint(Path(other.path)) == mine:
            from ..errors import DataError

            raise DataError(f"is the installed SoundFont {other.name}, which the models train on; a held-out "
                            "SoundFont must be one they never heard", sf.path)
    return sf


def run(*, seeds: int = 3, quick: bool = False, holdout_soundfont: Any = None, config: BenchConfig | None = None,
        models: Sequence[str] = MODELS, split_names: Sequence[str] = SPLITS[:3], device: Any = "cpu",
        jobs: int | None = None, threads: int = 1, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the benchmark; return the report as a dict (see the module docstring).

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Parameters
    ----------
    seeds : int, default 3
        Runs per model and split (seeds 0, 1, ...): another split and another
        initialisation each time.
    quick : bool, default False
        :meth:`BenchConfig.quick`: checks that everything works, in seconds.
    holdout_soundfont : path, optional
        A General MIDI ``.sf2``/``.sf3`` file that is not installed: adds the
        ``holdout-soundfont`` split.
    config : BenchConfig, optional
        Overrides ``quick``.
    models, split_names : sequences of str
        What to run (default: every model, the three built-in splits).
    device : str, default "cpu"
        Where the networks train; processes run in parallel on the CPU only.
    jobs : int, optional
        Parallel processes (default: 2 on a CPU with at least 2 cores, else 1).
        They are *spawned*: a script that calls :func:`run` with ``jobs > 1``
        must do so under ``if __name__ == "__main__":``.
    threads : int, default 1
        torch threads per process.
    log : callable, default print
        Progress messages.

    Returns
    -------
    dict
    """
    import torch

    from .. import clips as clips_module

    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"seeds must be a positive int, got {seeds!r}")
    for name in models:
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    for name in split_names:
        if name not in SPLITS[:3]:
            raise ValueError(f"unknown split {name!r}; choose from {', '.join(SPLITS[:3])} "
                             "(holdout-soundfont comes with holdout_soundfont=PATH)")
    cfg = config or (BenchConfig.quick() if quick else BenchConfig())
    installed = list(clips_module.soundfonts())
    if cfg.soundfonts is not None:
        installed = [sf for sf in installed if sf.name in cfg.soundfonts]
    external = None if holdout_soundfont is None else _external_soundfont(holdout_soundfont, installed)
    if jobs is None:
        jobs = min(2, os.cpu_count() or 1)
    load_at_start = load_average()
    started = time.perf_counter()
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(max(1, threads))
    try:
        log(f"rendering / reading clips from {', '.join(sf.name for sf in installed)} ...")
        clipset = clip_set(cfg, soundfonts=installed)
        data = prepare(clipset, cfg)
        holdout, holdout_duplicates = None, None
        if external is not None:
            log(f"rendering the same notes from {external.path} ...")
            external_clips = clip_set(cfg, soundfonts=[external])
            holdout = prepare(external_clips, cfg, families=data.families)
            holdout_duplicates = _duplicates_across(clipset, external_clips)
            if holdout_duplicates:
                log(f"warning: {holdout_duplicates} of its {len(external_clips)} clips duplicate installed clips: "
                    "it shares samples with an installed SoundFont, so the holdout is not fully unseen")
        prepared_s = time.perf_counter() - started
        log(f"{len(data.labels)} clips, {len(data.families)} families, features ready in {prepared_s:.0f} s")
        tasks = []
        held_out: dict[tuple[str, int], list[str]] = {}
        for split in split_names:
            if split == "soundfont-disjoint" and len(set(data.lineages.tolist())) < 2:
                log("the installed SoundFonts are of one lineage: the soundfont-disjoint split is skipped")
                continue
            for seed in range(seeds):
                parts = splits(data, split, seed=seed, test_fraction=cfg.test_fraction)
                column = data.soundfonts if split == "soundfont-disjoint" else data.programs
                held_out[(split, seed)] = sorted({str(v) for v in column[parts["test"]]}) \
                    if split != "random" else []
                tasks += [(name, split, seed, parts["train"], parts["test"], len(data.families), cfg, str(device))
                          for name in models]
        if holdout is not None:
            everything = np.arange(len(data.labels))
            tasks += [(name, "holdout-soundfont", seed, everything, None, len(data.families), cfg, str(device))
                      for seed in range(seeds) for name in models]
        with tempfile.TemporaryDirectory(prefix="musiclearn-audio-bench-") as folder:
            _save_arrays(Path(folder), data, holdout)
            rows = _execute(tasks, folder, jobs=jobs if str(device) == "cpu" else 1, threads=max(1, threads), log=log)
    finally:
        torch.set_num_threads(previous_threads)
    report = _report(data, rows, held_out, cfg, installed=installed, external=external, seeds=seeds, quick=quick,
                     device=str(device), jobs=jobs, threads=threads, seconds=time.perf_counter() - started,
                     prepared_s=prepared_s)
    report["machine"]["load_average_at_start"] = load_at_start
    if external is not None:
        report["holdout_soundfont"]["clips_duplicating_installed_clips"] = holdout_duplicates
    return report


def _duplicates_across(installed: Any, external: Any) -> int:
    """How many of ``external``'s clips are copies of an installed clip (a shared lineage)."""
    from .. import hygiene

    both = np.concatenate([installed.audio, external.audio])
    pairs = hygiene.duplicates(both, sr=installed.sr).pairs
    n = len(installed)
    crossing = {int(max(a, b)) for a, b in pairs if (a < n) != (b < n)}
    return len(crossing)


def _execute(tasks: list[tuple], folder: str, *, jobs: int, threads: int, log: Callable[[str], None]) -> list[dict]:
    rows: list[dict] = []

    def done(row: dict) -> None:
        rows.append(row)
        log(f"  {row['model']:13s} {row['split']:19s} seed {row['seed']}: accuracy {row['accuracy']:.3f} "
            f"({row['train_clips']} training clips, {row['seconds']:.0f} s)")

    if jobs <= 1:
        _init_worker(folder, threads)
        for task in tasks:
            done(_run_one(task))
        _WORKER.clear()
        return rows
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Longest first, so that two processes finish at about the same time.
    order = sorted(tasks, key=lambda t: {"cnn-waveform": 0, "cnn-logmel": 1}.get(t[0], 2))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(folder, threads)) as executor:
        futures = [executor.submit(_run_one, task) for task in order]
        for future in as_completed(futures):
            done(future.result())
    return rows


def _report(data: Prepared, rows: list[dict], held_out: dict, cfg: BenchConfig, *, installed: Sequence[Any],
            external: Any, seeds: int, quick: bool, device: str, jobs: int, threads: int, seconds: float,
            prepared_s: float) -> dict[str, Any]:
    results = []
    for split in SPLITS:
        for name in MODELS:
            mine = sorted((r for r in rows if r["model"] == name and r["split"] == split), key=lambda r: r["seed"])
            if not mine:
                continue
            accs = [round(r["accuracy"], 4) for r in mine]
            results.append({
                "model": name, "split": split, "accuracy": round(float(np.mean(accs)), 4),
                "accuracy_seeds": accs, "accuracy_std": round(float(np.std(accs)), 4),
                "train_clips": int(round(np.mean([r["train_clips"] for r in mine]))),
                "test_clips": int(round(np.mean([r["test_clips"] for r in mine]))),
                "seconds": round(float(np.sum([r["seconds"] for r in mine])), 1),
                "held_out": [held_out.get((split, r["seed"]), [external.name] if external is not None else [])
                             for r in mine],
                "epochs": [r["epochs"] for r in mine],
                "per_program": _per_program(mine, data),
            })
    by = {(r["model"], r["split"]): r["accuracy"] for r in results}
    inflation = {name: {split: round(by[(name, "random")] - by[(name, split)], 4)
                        for split in ("program-disjoint", "soundfont-disjoint", "holdout-soundfont")
                        if (name, split) in by}
                 for name in MODELS if (name, "random") in by}
    return {
        "benchmark": "audio",
        "families": list(data.families),
        "soundfonts": [sf.name for sf in installed],
        "holdout_soundfont": None if external is None else {"name": external.name, "path": str(external.path)},
        "chance": 1.0 / len(data.families),
        "clips": int(len(data.labels)),
        "duplicate_pairs": int(len(data.duplicate_pairs)),
        "lineages": {str(sf.name): str(sf.lineage) for sf in installed},
        "clips_per_soundfont": {str(k): int(v) for k, v in zip(*np.unique(data.soundfonts, return_counts=True))},
        "programs": {f: list(p) for f, p in cfg.programs.items()},
        "seeds": seeds,
        "quick": quick,
        "results": results,
        "inflation": inflation,
        "config": cfg.to_dict(),
        "device": device,
        "jobs": jobs,
        "threads_per_job": threads,
        "seconds": round(seconds, 1),
        "prepare_seconds": round(prepared_s, 1),
        "machine": machine(),
        "versions": versions("torch", "numpy"),
    }


def _per_program(rows: list[dict], data: Prepared) -> dict[str, dict[str, Any]]:
    """Accuracy on each program's test clips, and what it was taken for, pooled over the seeds that tested it."""
    from .. import clips

    pooled: dict[int, np.ndarray] = {}
    for row in rows:
        for program, counts in row["per_program"].items():
            pooled[int(program)] = pooled.get(int(program), 0) + np.asarray(counts)
    out = {}
    for p, counts in sorted(pooled.items()):
        own = int(data.labels[np.flatnonzero(data.programs == p)[0]])
        out[str(p)] = {"name": clips.program_name(p), "family": data.families[own],
                       "accuracy": round(float(counts[own] / counts.sum()), 4), "test_clips": int(counts.sum()),
                       "predicted": {f: int(c) for f, c in zip(data.families, counts) if c}}
    return out


def _mistaken_for(program: dict[str, Any]) -> str:
    wrong = {f: c for f, c in program.get("predicted", {}).items() if f != program["family"]}
    return f" (most often taken for {max(wrong, key=wrong.get)})" if wrong else ""


def format_table(report: dict[str, Any]) -> str:
    """The report's results as a text table: one row per model and split, accuracy per seed.

    Notebook: ``14_spectrograms_as_images.ipynb``.

    Examples
    --------
    >>> print(format_table({"chance": 0.125, "results": [{"model": "cnn-logmel", "split": "random",
    ...     "accuracy": 0.9, "accuracy_seeds": [0.9], "train_clips": 10, "seconds": 1.0}]}))
    model         split                accuracy  per seed      train clips  seconds
    cnn-logmel    random                  0.900  0.900                  10        1
    chance: 0.125
    """
    lines = [f"{'model':13s} {'split':19s} {'accuracy':>9s}  {'per seed':20s} {'train clips':>11s}  {'seconds':>7s}"]
    for r in report["results"]:
        seeds = " ".join(f"{a:.3f}" for a in r["accuracy_seeds"])
        lines.append(f"{r['model']:13s} {r['split']:19s} {r['accuracy']:9.3f}  {seeds:20s} {r['train_clips']:11d}  "
                     f"{r['seconds']:7.0f}")
    lines.append(f"chance: {report['chance']:.3f}")
    for r in report["results"]:
        if r["split"] == "program-disjoint" and r.get("per_program"):
            hardest = sorted(r["per_program"].values(), key=lambda p: p["accuracy"])[:4]
            lines.append(f"{r['model']}, hardest unseen programs: " + ", ".join(
                f"{p['name']} ({p['family']}) {p['accuracy']:.2f}" + _mistaken_for(p) for p in hardest))
    for name, gaps in report.get("inflation", {}).items():
        if gaps:
            lines.append(f"inflation of {name} (random − disjoint): "
                         + ", ".join(f"{split} {gap:+.3f}" for split, gap in gaps.items()))
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``audio`` command's options to ``parser``.

    Notebook: ``14_spectrograms_as_images.ipynb``.
    """
    parser.add_argument("--json", metavar="OUT", default=None, help="write the report as JSON to OUT")
    parser.add_argument("--seeds", type=int, default=3, help="runs per model and split (default 3)")
    parser.add_argument("--holdout-soundfont", metavar="PATH", default=None,
                        help="also train on every installed SoundFont and test on the same notes rendered from "
                             "PATH, another General MIDI .sf2/.sf3 file")
    parser.add_argument("--quick", action="store_true",
                        help="three programs and about three pitches per family, two SoundFonts, tiny models, 2 epochs: "
                             "checks the command works, in seconds")
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated subset of {', '.join(MODELS)}")
    parser.add_argument("--splits", default=",".join(SPLITS[:3]),
                        help=f"comma-separated subset of {', '.join(SPLITS[:3])}")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or mps")
    parser.add_argument("--jobs", type=int, default=None,
                        help="parallel training processes on the CPU (default 2 on a machine with 2+ cores)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process (default 1)")


def run_command(args: argparse.Namespace) -> int:
    """Run the ``audio`` command from parsed arguments; return the exit status.

    Notebook: ``14_spectrograms_as_images.ipynb``.
    """
    from ..errors import MusiclearnError

    if args.seeds < 1 or args.threads < 1 or (args.jobs is not None and args.jobs < 1):
        print("--seeds, --threads and --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        report = run(seeds=args.seeds, quick=args.quick, holdout_soundfont=args.holdout_soundfont,
                     models=[m.strip() for m in args.models.split(",") if m.strip()],
                     split_names=[s.strip() for s in args.splits.split(",") if s.strip()],
                     device=args.device, jobs=args.jobs, threads=args.threads,
                     log=lambda message: print(message, file=sys.stderr, flush=True))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (MusiclearnError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_table(report))
    print(f"total {report['seconds']:.0f} s on {report['jobs']} process(es); load average "
          f"{report['machine']['load_average_1_5_15_min']}")
    if args.json:
        write_json(args.json, report)
        print(f"report written to {args.json}")
    return 0
