"""The melody benchmark: next-pitch prediction by k-fold cross-validation.

Notebook: ``10_rnn_and_transformer.ipynb`` builds the kinder benchmark table
from this module's JSON; ``09_baselines_and_training_loop.ipynb`` explains the
n-gram baselines and bits per note.

Run it as ``python -m musiclearn.bench melody --dataset kinder0 --folds 10
--json OUT``. The module used to be ``musiclearn.melody_bench``; that name
still imports (and runs, with ``python -m musiclearn.melody_bench ...``).

Protocol
--------
* Pitch prediction on one corpus (default ``kinder0``, 213 tunes). Tune *i*
  is in fold *i* mod *k*; each fold is predicted by models trained without it.
* Every note is predicted, the first from a start token. A model's score on a
  fold is Σ −log2 p(note) / (notes in the fold); the reported **bits per
  note** is the mean over folds (the spread is their standard deviation).
  Top-1 accuracy counts notes whose pitch got the highest probability.
* Every probability is over all 128 MIDI pitches, and every pitch gets a
  non-zero one. n-gram models learn their alphabet from the training folds
  and keep an escape slot for never-seen pitches, shared equally by the
  MIDI pitches not seen in training (:mod:`musiclearn.ngram`); neural models
  end in a softmax over all pitch slots.
* Hyper-parameters that are *chosen* (an n-gram order, how to mix models) are
  chosen per fold on a validation split of the training folds (every tenth
  training tune), never on the fold being predicted.

What the models condition on
----------------------------
Predicting note *t*, every model sees only the pitches of notes 1 … t−1 of
the same tune; models marked *key-relative* also see the tune's key as
written in its source (tune-level metadata, e.g. ``K:G`` in ABC) and work
with pitches relative to its tonic, which makes them transposition-invariant
(as IDyOM's ``cpintfref`` viewpoint). No model sees the duration, onset or
any other attribute of note *t*, nor durations or onsets of earlier notes.

Models and tracks
-----------------
``baseline``
    PPM-C n-grams on MIDI pitch (unigram … 5-gram, and the order chosen on
    training data); a key-relative PPM-C long-term model mixed with a
    short-term model (an IDyOM-style n-gram system).
``in-domain``
    LSTM (and optionally transformer) trained per fold on the other folds only.
``pretrained``
    The same network pretrained once on every Essen tune outside the
    dataset's own source files — after removing every tune whose interval
    sequence also occurs in the dataset (transposed copies: leakage) — then
    fine-tuned per fold. Pretraining never sees the evaluated dataset, so
    doing it once (not per fold) is legitimate. For ``"essen"`` itself the
    pretraining pool is the non-Essen collections (``bach-soprano``,
    ``oneills1850``, ``ryansMammoth``). Pretrained weights are cached in
    ``cache_dir()/melody_bench`` keyed by configuration and data, so a rerun
    skips pretraining; the JSON says whether the run was cold.
``… + STM``
    A long-term model mixed with a *short-term model* (STM): a PPM-C model
    built afresh for each tune from its notes so far, as in IDyOM. The two
    distributions are combined with entropy-based weights (a confident model
    counts more; :func:`musiclearn.ngram.entropy_weighted_mixture`); the
    STM's order and the weighting exponent are chosen on the validation split.
``… + PPM-C + STM``
    An ensemble of three: the network, a key-relative PPM-C long-term model
    trained on the same folds, and the STM, mixed the same way (the PPM-C
    order chosen on the validation split too).

Time
----
The networks are small, so the benchmark runs torch on one CPU thread by
default (``--threads``): on a 2-core machine shared with other work, two
threads made training several times slower. Training is capped in optimiser
steps as well as epochs, so large corpora (``oneills1850``, ``essen``) take
fewer epochs per fold rather than hours.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import DataError
from ..ngram import NGramModel, entropy_weighted_mixture
from ._report import versions, write_json

__all__ = [
    "ANCHORS",
    "NeuralConfig",
    "BenchConfig",
    "default_config",
    "key_tonic",
    "relative_pitches",
    "pretraining_pool",
    "run",
    "format_table",
    "load_report",
    "configure",
    "run_command",
    "main",
]

#: Reference results on kinder0 (10 folds), printed beside ours.
ANCHORS = [
    {"model": "unigram (our baseline)", "bits_per_note": 3.39, "source": "musiclearn baseline run"},
    {"model": "trigram PPM-C (our baseline)", "bits_per_note": 2.62, "source": "musiclearn baseline run"},
    {"model": "IDyOM LTM, PPM*", "bits_per_note": 2.43, "source": "Pearce (2005), PhD thesis, Table 6.6"},
    {"model": "IDyOM LTM+STM", "bits_per_note": 2.106, "source": "Pearce (2005), PhD thesis, Table 6.6"},
]

CONDITIONS_ON_PITCH = "pitches of the earlier notes of the tune"
CONDITIONS_ON_KEY = ("pitches of the earlier notes of the tune, relative to the tonic of the key written in "
                     "the tune's source, and that key (tune-level metadata); no duration, onset or other "
                     "attribute of the predicted note or of earlier notes")

_PITCH_CLASS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_MAJOR_BY_SHARPS = {n: (7 * n) % 12 for n in range(-7, 8)}  # circle of fifths: 1 sharp = G, 1 flat = F
#: Pitch slots of the key-relative models: pitch - shift + 6 with shift in [-6, 5].
N_SLOTS = 140
_SLOT_OFFSET = 6
_BOS = N_SLOTS  # input token before the first note
_VOCAB = N_SLOTS + 1
_KEY_FEATURE_SIZE = 13  # shift + 6 in 0..11, 12 = no key
_LABELS = {"lstm": "LSTM", "transformer": "Transformer"}


# ---------------------------------------------------------------------------- representation

def key_tonic(key: str | None) -> int | None:
    """Pitch class (0 = C … 11 = B) of the tonic of a key as ``corpus.Melody.key`` writes it.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    key : str or None
        ``"G major"``, ``"A dorian"``, ``"Bb minor"``, or a bare key
        signature such as ``"2 flats"`` (read as its major key).

    Returns
    -------
    int or None
        None when there is no key or it cannot be read.

    Examples
    --------
    >>> from musiclearn.bench.melody import key_tonic
    >>> key_tonic("G major"), key_tonic("Bb minor"), key_tonic("2 flats"), key_tonic(None)
    (7, 10, 10, None)
    """
    if not key or not isinstance(key, str):
        return None
    words = key.split()
    first = words[0]
    if first[0].upper() in _PITCH_CLASS:
        pc = _PITCH_CLASS[first[0].upper()] + first[1:].count("#") - first[1:].count("b") - first[1:].count("-")
        return pc % 12
    if len(words) >= 2 and first.lstrip("-").isdigit() and words[1].rstrip("s") in ("sharp", "flat"):
        n = int(first) * (1 if words[1].startswith("sharp") else -1)
        return _MAJOR_BY_SHARPS.get(n)
    return None


def _shift(melody: Any) -> int | None:
    """Semitones to subtract to bring the tonic to C, in [-6, 5] (the smaller move)."""
    pc = key_tonic(getattr(melody, "key", None))
    if pc is None:
        return None
    return pc - 12 if pc > 5 else pc


def relative_pitches(melody: Any) -> tuple[list[int], int]:
    """A melody's pitches as key-relative slots, and the key feature.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Slot ``pitch - shift + 6`` where ``shift`` moves the tonic to C by at most
    a tritone; the mapping is one-to-one within a tune, so a distribution over
    slots is a distribution over pitches. Tunes without a readable key use
    shift 0.

    Parameters
    ----------
    melody : corpus.Melody
        A tune with ``pitches`` and ``key``.

    Returns
    -------
    slots : list of int
        One per note, in ``[0, 140)``.
    key_feature : int
        ``shift + 6`` (0–11), or 12 when the key is unknown.

    Examples
    --------
    >>> from musiclearn.corpus import Melody
    >>> from musiclearn.bench.melody import relative_pitches
    >>> from dataclasses import replace
    >>> tune = replace(Melody.from_pitches([67, 71, 74]), key="G major")
    >>> relative_pitches(tune)   # G major: shift -5, so G4 (67) -> 72 + 6
    ([78, 82, 85], 1)
    """
    shift = _shift(melody)
    s = 0 if shift is None else shift
    return [p - s + _SLOT_OFFSET for p in melody.pitches], (12 if shift is None else s + _SLOT_OFFSET)


def _valid_slots(key_feature: int) -> slice:
    """The 128 slots that are MIDI pitches 0..127 for a tune with this key feature."""
    s = 0 if key_feature == 12 else key_feature - _SLOT_OFFSET
    return slice(_SLOT_OFFSET - s, _SLOT_OFFSET - s + 128)


# ---------------------------------------------------------------------------- configuration

@dataclass
class NeuralConfig:
    """One neural model and how to train it.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Attributes
    ----------
    kind : {"lstm", "transformer"}
    model : dict
        Keyword arguments of the model class (sizes, dropout).
    epochs, lr, batch_size, patience, warmup_steps, weight_decay
        Training settings for :func:`musiclearn.train.train`.
    max_steps : int or None
        Cap on optimiser steps: fewer epochs on a large corpus, so that
        ``oneills1850`` or all of Essen do not take hours per fold.
    key_feature : bool
        Also feed the key (which tonic, so the register) as an input feature.
    """

    kind: str = "lstm"
    model: dict = field(default_factory=dict)
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 16
    patience: int = 3
    warmup_steps: int = 20
    weight_decay: float = 0.01
    key_feature: bool = True
    max_steps: int | None = None


@dataclass
class BenchConfig:
    """Everything the benchmark does besides the data (see :func:`default_config`).

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """

    in_domain: dict = field(default_factory=dict)  # name -> NeuralConfig
    pretrain: dict = field(default_factory=dict)  # name -> NeuralConfig (pretraining run)
    finetune: dict = field(default_factory=dict)  # name -> NeuralConfig (only training settings used)
    ngram_orders: tuple = (1, 2, 3, 4, 5)
    ltm_orders: tuple = (3, 4, 5)
    stm_orders: tuple = (2, 3, 4, 5)
    stm_biases: tuple = (0.5, 1.0, 2.0, 4.0, 8.0)
    pretrain_val: int = 300
    pretrain_limit: int | None = None


def default_config(*, quick: bool = False, models: Sequence[str] = ("lstm", "transformer")) -> BenchConfig:
    """The benchmark's settings: full, or tiny ones for ``--quick`` checks.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    quick : bool, default False
        Tiny networks and few epochs: checks that the command works, in seconds.
    models : sequence of {"lstm", "transformer"}, default both
        Which networks to run in the in-domain and pretrained tracks.

    Returns
    -------
    BenchConfig
    """
    for name in models:
        if name not in ("lstm", "transformer"):
            raise ValueError(f"models must be 'lstm' and/or 'transformer', got {name!r}")
    cfg = BenchConfig()
    if quick:
        tiny = {"lstm": dict(embed_dim=8, hidden_size=16, num_layers=1, dropout=0.1),
                "transformer": dict(d_model=16, n_heads=2, n_layers=1, dropout=0.1, max_len=1024)}
        for name in models:
            cfg.in_domain[name] = NeuralConfig(name, tiny[name], epochs=3, lr=1e-2, patience=2, warmup_steps=2)
            cfg.pretrain[name] = NeuralConfig(name, tiny[name], epochs=2, lr=1e-2, batch_size=32, warmup_steps=2)
            cfg.finetune[name] = NeuralConfig(name, {}, epochs=1, lr=1e-3, warmup_steps=1)
        cfg.ngram_orders, cfg.ltm_orders, cfg.stm_orders, cfg.stm_biases = (1, 2, 3), (2, 3), (2, 3), (1.0, 2.0)
        cfg.pretrain_val = 20
        cfg.pretrain_limit = 200
        return cfg
    for name in models:
        if name == "lstm":
            cfg.in_domain[name] = NeuralConfig(
                "lstm", dict(embed_dim=32, hidden_size=128, num_layers=1, dropout=0.3),
                epochs=40, lr=3e-3, batch_size=16, patience=5, warmup_steps=20, max_steps=600)
            cfg.pretrain[name] = NeuralConfig(
                "lstm", dict(embed_dim=64, hidden_size=256, num_layers=2, dropout=0.2),
                epochs=6, lr=2e-3, batch_size=32, patience=2, warmup_steps=200)
            cfg.finetune[name] = NeuralConfig("lstm", {}, epochs=8, lr=5e-4, batch_size=16, patience=2,
                                              warmup_steps=10, max_steps=200)
        else:
            cfg.in_domain[name] = NeuralConfig(
                "transformer", dict(d_model=64, n_heads=4, n_layers=2, dropout=0.3, max_len=1024),
                epochs=40, lr=2e-3, batch_size=16, patience=5, warmup_steps=50, max_steps=600)
            cfg.pretrain[name] = NeuralConfig(
                "transformer", dict(d_model=128, n_heads=4, n_layers=3, dropout=0.1, max_len=1024),
                epochs=6, lr=2e-3, batch_size=32, patience=2, warmup_steps=300)
            cfg.finetune[name] = NeuralConfig("transformer", {}, epochs=8, lr=3e-4, batch_size=16, patience=2,
                                              warmup_steps=10, max_steps=200)
    return cfg


# ---------------------------------------------------------------------------- data

def _essen_stems() -> list[str]:
    from ..corpus import names

    return [n for n in names() if n not in ("essen", "bach-soprano", "oneills1850", "ryansMammoth")]


def _source_files(melodies: Sequence[Any]) -> set[str]:
    return {str(m.source).split(":")[0] for m in melodies}


def pretraining_pool(
    dataset: str,
    evaluated: Sequence[Any],
    *,
    limit: int | None = None,
    progress: bool | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """The tunes the pretrained track pretrains on, with leakage removed.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Every Essen tune outside the evaluated dataset's source files (for
    ``"essen"`` itself: ``bach-soprano``, ``oneills1850`` and
    ``ryansMammoth``), minus every tune whose interval sequence also occurs in
    ``evaluated`` (a transposed copy of an evaluated tune).

    Parameters
    ----------
    dataset : str
        The evaluated corpus name.
    evaluated : sequence of corpus.Melody
        Its tunes.
    limit : int, optional
        Use at most this many tunes (read file by file, so a small limit does
        not build the whole Essen cache; for quick checks).
    progress : bool, optional
        Passed to :func:`musiclearn.corpus.melodies`.

    Returns
    -------
    pool : list of corpus.Melody
    info : dict
        ``sources``, ``tunes``, ``notes``, ``removed_leaky`` (count) and
        ``removed_examples`` (a few source ids).
    """
    from ..corpus import melodies
    from ..data import remove_leakage

    own = _source_files(evaluated)
    if dataset == "essen":
        names = ["bach-soprano", "oneills1850", "ryansMammoth"]
    else:
        names = [s for s in _essen_stems() if s not in own]
    candidates: list[Any] = []
    used: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "n tunes could not be parsed": counted by corpus
        if limit is None and dataset != "essen":
            candidates = [m for m in melodies("essen", progress=progress) if str(m.source).split(":")[0] not in own]
            used = ["essen"]
        else:
            for name in names:
                if limit is not None and len(candidates) >= limit + len(evaluated):
                    break
                tunes = [m for m in melodies(name, progress=progress) if str(m.source).split(":")[0] not in own]
                candidates.extend(tunes)
                used.append(name)
    kept, removed = remove_leakage(candidates, against=list(evaluated))
    if limit is not None:
        kept = kept[:limit]
    info = {
        "sources": used,
        "excluded_files": sorted(own),
        "tunes": len(kept),
        "notes": sum(len(m) for m in kept),
        "removed_leaky": len(removed),
        "removed_examples": [str(candidates[i].source) for i in removed[:10]],
    }
    return kept, info


# ---------------------------------------------------------------------------- batching

class _Loader:
    """Batches of (inputs, targets[, features]) from key-relative tunes, bucketed by length."""

    def __init__(self, tunes: Sequence[tuple[list[int], int]], batch_size: int, *, shuffle: bool,
                 seed: int = 0, key_feature: bool = True) -> None:
        import torch

        self.tunes = [t for t in tunes if len(t[0]) > 0]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.key_feature = key_feature
        self.generator = torch.Generator().manual_seed(seed)
        self._n = math.ceil(len(self.tunes) / batch_size)

    def __len__(self) -> int:
        return self._n

    def __iter__(self):  # type: ignore[no-untyped-def]
        import torch

        n = len(self.tunes)
        order = torch.randperm(n, generator=self.generator).tolist() if self.shuffle else list(range(n))
        # Sort within chunks of 20 batches by length: little padding, still random.
        chunk = self.batch_size * 20
        groups = []
        for start in range(0, n, chunk):
            part = sorted(order[start:start + chunk], key=lambda i: len(self.tunes[i][0]))
            groups.extend(part[b:b + self.batch_size] for b in range(0, len(part), self.batch_size))
        if self.shuffle:
            groups = [groups[i] for i in torch.randperm(len(groups), generator=self.generator).tolist()]
        for group in groups:
            yield self.batch([self.tunes[i] for i in group])

    def batch(self, tunes: Sequence[tuple[list[int], int]]) -> tuple:
        import torch

        width = max(len(slots) for slots, _ in tunes)
        ids = torch.full((len(tunes), width), _BOS, dtype=torch.long)
        targets = torch.full((len(tunes), width), -100, dtype=torch.long)
        features = torch.full((len(tunes), width, 1), 12, dtype=torch.long)
        for row, (slots, key) in enumerate(tunes):
            seq = torch.tensor(slots, dtype=torch.long)
            ids[row, 1:len(slots)] = seq[:-1]
            targets[row, :len(slots)] = seq
            features[row, :, 0] = key
        return (ids, targets, features) if self.key_feature else (ids, targets)


def _build(cfg: NeuralConfig) -> Any:
    from ..models import LSTMLanguageModel, TransformerLanguageModel

    features = (_KEY_FEATURE_SIZE,) if cfg.key_feature else ()
    if cfg.kind == "lstm":
        return LSTMLanguageModel(_VOCAB, feature_sizes=features, **cfg.model)
    return TransformerLanguageModel(_VOCAB, feature_sizes=features, **cfg.model)


def _fit(model: Any, cfg: NeuralConfig, train: Sequence, val: Sequence, *, seed: int, device: Any) -> Any:
    from ..train import train as train_loop

    loader = _Loader(train, cfg.batch_size, shuffle=True, seed=seed, key_feature=cfg.key_feature)
    epochs = cfg.epochs
    if cfg.max_steps is not None:
        epochs = max(1, min(epochs, math.ceil(cfg.max_steps / len(loader))))
    return train_loop(
        model,
        loader,
        _Loader(val, 64, shuffle=False, key_feature=cfg.key_feature) if val else None,
        epochs=epochs, lr=cfg.lr, weight_decay=cfg.weight_decay, warmup_steps=cfg.warmup_steps,
        patience=cfg.patience if val else None, progress=False, device=device,
    )


def _neural_distributions(model: Any, tunes: Sequence[tuple[list[int], int]], *, key_feature: bool,
                          device: Any) -> list[np.ndarray]:
    """Per tune, an array (notes, 128) of probabilities over the tune's MIDI pitches 0..127 (as slots)."""
    import torch

    model.eval()
    loader = _Loader(tunes, 1, shuffle=False, key_feature=key_feature)
    out = []
    with torch.no_grad():
        for (slots, key), batch in zip(loader.tunes, (loader.batch([t]) for t in loader.tunes)):
            logits = model(*(b.to(device) for b in (batch[0],) + tuple(batch[2:])))[0].double()
            valid = _valid_slots(key)
            out.append(torch.softmax(logits[:, valid], dim=-1).cpu().numpy())
    return out


# ---------------------------------------------------------------------------- scoring

@dataclass
class _Score:
    bits: float = 0.0
    notes: int = 0
    correct: int = 0

    def add(self, dist: np.ndarray, target: int) -> None:
        p = float(dist[target])
        self.bits += -math.log2(p) if p > 0 else math.inf
        self.correct += int(int(np.argmax(dist)) == target)
        self.notes += 1

    @property
    def bits_per_note(self) -> float:
        return self.bits / self.notes

    @property
    def accuracy(self) -> float:
        return self.correct / self.notes


def _targets(tune: tuple[list[int], int]) -> list[int]:
    """Target indices into the 128 valid slots (= the MIDI pitches)."""
    valid = _valid_slots(tune[1])
    return [s - valid.start for s in tune[0]]


def _stm_distributions(tune: tuple[list[int], int], order: int) -> np.ndarray:
    """Short-term model: PPM-C built on the tune's own earlier notes, one row per note (128 pitches)."""
    targets = _targets(tune)
    stm = NGramModel(order, universe_size=128)
    rows = np.empty((len(targets), 128))
    symbols = range(128)
    for i, t in enumerate(targets):
        context = targets[max(0, i - order + 1):i]
        rows[i] = stm.distribution(context, over=symbols)
        stm.update(t, context)
    return rows


class _STMCache:
    """Short-term-model rows per (tune, order): they depend on the tune alone, so compute each once."""

    def __init__(self, rel: Sequence[tuple[list[int], int]]) -> None:
        self.rel = rel
        self.rows: dict[tuple[int, int], np.ndarray] = {}

    def __call__(self, i: int, order: int) -> np.ndarray:
        if (i, order) not in self.rows:
            self.rows[(i, order)] = _stm_distributions(self.rel[i], order)
        return self.rows[(i, order)]


def _choose_mixture(options: dict[Any, Sequence[Sequence[np.ndarray]]], val: Sequence[int],
                    rel: Sequence[tuple[list[int], int]], stm: _STMCache,
                    cfg: BenchConfig) -> tuple[Any, int, float, float]:
    """The long-term option, STM order and bias with the fewest bits on the validation tunes.

    ``options`` maps a label (e.g. an n-gram order) to the long-term models'
    rows: one list per model, holding one array per validation tune. Returns
    ``(label, stm_order, bias, bits_per_note)``.
    """
    best: tuple[Any, int, float, float] = (None, cfg.stm_orders[0], cfg.stm_biases[0], math.inf)
    notes = sum(len(rel[i][0]) for i in val)
    targets = [_targets(rel[i]) for i in val]
    for label, models in options.items():
        for order in cfg.stm_orders:
            for bias in cfg.stm_biases:
                bits = 0.0
                for j, i in enumerate(val):
                    mix = entropy_weighted_mixture([*(rows[j] for rows in models), stm(i, order)], bias=bias)
                    bits += float(-np.log2(mix[np.arange(len(targets[j])), targets[j]]).sum())
                if bits / notes < best[3]:
                    best = (label, order, bias, bits / notes)
    return best


class _Fold:
    """One fold's tune indices and its key-relative n-gram long-term models (built on first use)."""

    def __init__(self, f: int, fold_sets: Sequence[Sequence[int]], rel: Sequence[tuple[list[int], int]]) -> None:
        self.test = list(fold_sets[f])
        self.train = [i for g, fold in enumerate(fold_sets) if g != f for i in fold]
        self.inner, self.val = _split_validation(self.train)
        self.rel = rel
        self._val_rows: dict[int, list[np.ndarray]] = {}
        self._test_rows: dict[int, list[np.ndarray]] = {}

    def ngram_val_rows(self, order: int) -> list[np.ndarray]:
        """PPM-C trained on the inner training tunes, predicting the validation tunes."""
        if order not in self._val_rows:
            model = NGramModel(order, universe_size=N_SLOTS).fit(self.rel[i][0] for i in self.inner)
            self._val_rows[order] = [_ngram_rows(model, self.rel[i]) for i in self.val]
        return self._val_rows[order]

    def ngram_test_rows(self, order: int) -> list[np.ndarray]:
        """PPM-C trained on all training tunes, predicting the test fold."""
        if order not in self._test_rows:
            model = NGramModel(order, universe_size=N_SLOTS).fit(self.rel[i][0] for i in self.train)
            self._test_rows[order] = [_ngram_rows(model, self.rel[i]) for i in self.test]
        return self._test_rows[order]


def _score_mixture(models: Sequence[Sequence[np.ndarray]], test: Sequence[int],
                   rel: Sequence[tuple[list[int], int]], stm: _STMCache | None, order: int,
                   bias: float) -> _Score:
    score = _Score()
    for j, i in enumerate(test):
        rows = [m[j] for m in models] + ([stm(i, order)] if stm is not None else [])
        mix = entropy_weighted_mixture(rows, bias=bias) if len(rows) > 1 else rows[0]
        for row, target in zip(mix, _targets(rel[i])):
            score.add(row, target)
    return score


# ---------------------------------------------------------------------------- the run

class _Results:
    """Per-model, per-fold scores, collected into the JSON's ``results`` list."""

    def __init__(self, folds: int) -> None:
        self.folds = folds
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, model: str, track: str, fold: int, score: _Score, seconds: float, **extra: Any) -> None:
        entry = self.entries.setdefault((model, track), {
            "model": model, "track": track, "bits_per_note_folds": [None] * self.folds,
            "accuracy_folds": [None] * self.folds, "notes_folds": [None] * self.folds, "seconds": 0.0,
            "chosen_folds": [None] * self.folds,
        })
        entry["bits_per_note_folds"][fold] = score.bits_per_note
        entry["accuracy_folds"][fold] = score.accuracy
        entry["notes_folds"][fold] = score.notes
        entry["seconds"] += seconds
        chosen = extra.pop("chosen", None)
        entry["chosen_folds"][fold] = chosen
        entry.update(extra)

    def finish(self) -> list[dict[str, Any]]:
        out = []
        for entry in self.entries.values():
            bits = np.array(entry["bits_per_note_folds"], dtype=float)
            acc = np.array(entry["accuracy_folds"], dtype=float)
            notes = np.array(entry["notes_folds"], dtype=float)
            result = {
                "model": entry["model"],
                "track": entry["track"],
                "bits_per_note": float(bits.mean()),
                "bits_per_note_folds": [float(b) for b in bits],
                "bits_per_note_std": float(bits.std(ddof=1)) if len(bits) > 1 else 0.0,
                "accuracy": float(acc.mean()),
                "accuracy_folds": [float(a) for a in acc],
                "notes_folds": [int(n) for n in notes],
                "bits_per_note_pooled": float((bits * notes).sum() / notes.sum()),
                "seconds": round(float(entry["seconds"]), 3),
            }
            if any(c is not None for c in entry["chosen_folds"]):
                result["chosen_folds"] = entry["chosen_folds"]
            for k, v in entry.items():
                if k not in result and k not in ("bits_per_note_folds", "accuracy_folds", "notes_folds",
                                                 "chosen_folds"):
                    result[k] = v
            out.append(result)
        return out


def _split_validation(train_idx: Sequence[int]) -> tuple[list[int], list[int]]:
    """Every tenth training tune (positions 9, 19, …) validates; at least one tune on each side."""
    val = [i for j, i in enumerate(train_idx) if j % 10 == 9]
    if not val:
        val = [train_idx[-1]]
    held_out = set(val)
    rest = [i for i in train_idx if i not in held_out]
    return rest, val


def _cache_key(name: str, cfg: NeuralConfig, pool: Sequence[Any], seed: int, pretrain_val: int) -> str:
    import torch

    digest = hashlib.sha256()
    digest.update(json.dumps({"name": name, "cfg": asdict(cfg), "seed": seed, "val": pretrain_val,
                              "torch": torch.__version__, "version": 1}, sort_keys=True).encode())
    for m in pool:
        digest.update(str(m.source).encode())
        digest.update(bytes(str(m.key), "utf-8"))
        digest.update(np.asarray(m.pitches, dtype=np.int16).tobytes())
    return digest.hexdigest()[:20]


def _cache_path(name: str, cfg: NeuralConfig, pool: Sequence[Any], seed: int, pretrain_val: int) -> Any:
    from .._config import cache_dir

    return cache_dir() / "melody_bench" / f"pretrained-{name}-{_cache_key(name, cfg, pool, seed, pretrain_val)}.pt"


def _pretrained_weights(name: str, cfg: NeuralConfig, pool: Sequence[Any], *, seed: int, pretrain_val: int,
                        device: Any, use_cache: bool, log: Callable[[str], None]) -> tuple[dict, dict[str, Any]]:
    """Pretrain (or load from the cache) one network; returns (state_dict, info)."""
    import torch

    import musiclearn

    from .._cache import atomic_write_bytes

    path = _cache_path(name, cfg, pool, seed, pretrain_val)
    if use_cache and path.exists():
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            model = _build(cfg)
            model.load_state_dict(saved["model"])
            info = json.loads(saved["info"])
            info.update(cached=True, cache_file=str(path))
            log(f"  {name}: pretrained weights from the cache ({path.name})")
            return model.state_dict(), info
        except Exception as exc:  # a damaged cache file must not stop the benchmark
            warnings.warn(f"{path}: unusable cached weights ({type(exc).__name__}); pretraining again.",
                          RuntimeWarning, stacklevel=2)
    musiclearn.seed_everything(seed)
    tunes = [relative_pitches(m) for m in pool]
    order = np.random.default_rng(seed).permutation(len(tunes))
    n_val = min(pretrain_val, max(1, len(tunes) // 10))
    val = [tunes[i] for i in order[:n_val]]
    train = [tunes[i] for i in order[n_val:]]
    model = _build(cfg)
    started = time.perf_counter()
    log(f"  {name}: pretraining on {len(train)} tunes ({sum(len(t[0]) for t in train)} notes), "
        f"validating on {len(val)}")
    history = _fit(model, cfg, train, val, seed=seed, device=device)
    seconds = time.perf_counter() - started
    info = {"seconds": round(seconds, 2), "epochs": history.epochs, "best_epoch": history.best_epoch,
            "val_bits_per_note": [round(v, 4) for v in history.bits("val")],
            "train_tunes": len(train), "val_tunes": len(val), "cached": False}
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    if use_cache:
        buffer = io.BytesIO()
        torch.save({"model": state, "info": json.dumps(info)}, buffer)
        try:
            atomic_write_bytes(path, buffer.getvalue())
            info["cache_file"] = str(path)
        except OSError as exc:
            warnings.warn(f"{path}: could not cache the pretrained weights ({exc})", RuntimeWarning, stacklevel=2)
    log(f"  {name}: pretrained in {seconds:.0f} s; validation bits/note by epoch {info['val_bits_per_note']}")
    return state, info


def _pretrain_worker(name: str, cfg: NeuralConfig, pool: Sequence[Any], seed: int, pretrain_val: int,
                     device: str, use_cache: bool, threads: int) -> tuple[dict, dict[str, Any]]:
    """Pretrain one network in a separate process (see :func:`_pretrain_all`)."""
    import torch

    torch.set_num_threads(threads)
    return _pretrained_weights(name, cfg, pool, seed=seed, pretrain_val=pretrain_val, device=torch.device(device),
                               use_cache=use_cache, log=lambda line: print(line, flush=True))


def _pretrain_all(cfg: BenchConfig, pool: Sequence[Any], *, seed: int, device: Any, use_cache: bool, jobs: int,
                  log: Callable[[str], None]) -> tuple[dict[str, dict], dict[str, Any]]:
    """Pretrained weights of every network: from the cache, else trained (in parallel processes if jobs > 1)."""
    import torch

    states: dict[str, dict] = {}
    infos: dict[str, Any] = {}
    todo = []
    for name, pcfg in cfg.pretrain.items():
        if use_cache and _cache_path(name, pcfg, pool, seed, cfg.pretrain_val).exists():
            states[name], infos[name] = _pretrained_weights(name, pcfg, pool, seed=seed,
                                                            pretrain_val=cfg.pretrain_val, device=device,
                                                            use_cache=True, log=log)
        else:
            todo.append(name)
    if jobs > 1 and len(todo) > 1 and device.type == "cpu":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # One CPU thread per process: the networks train side by side on separate cores.
        log(f"  pretraining {', '.join(todo)} in {min(jobs, len(todo))} parallel processes")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                 mp_context=multiprocessing.get_context("spawn")) as executor:
            futures = {name: executor.submit(_pretrain_worker, name, cfg.pretrain[name], list(pool), seed,
                                             cfg.pretrain_val, device.type, use_cache, torch.get_num_threads())
                       for name in todo}
            for name, future in futures.items():
                states[name], infos[name] = future.result()
                infos[name]["parallel_processes"] = min(jobs, len(todo))
    else:
        for name in todo:
            states[name], infos[name] = _pretrained_weights(name, cfg.pretrain[name], pool, seed=seed,
                                                            pretrain_val=cfg.pretrain_val, device=device,
                                                            use_cache=use_cache, log=log)
    return {n: states[n] for n in cfg.pretrain}, {n: infos[n] for n in cfg.pretrain}


def run(
    dataset: str = "kinder0",
    *,
    folds: int = 10,
    quick: bool = False,
    models: Sequence[str] = ("lstm", "transformer"),
    tracks: Sequence[str] = ("baseline", "in-domain", "pretrained"),
    pretrain_limit: int | None = None,
    seed: int = 0,
    device: Any = None,
    use_cache: bool = True,
    threads: int | None = 1,
    jobs: int | None = None,
    config: BenchConfig | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the melody benchmark; return the report (the JSON's content) as a dict.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    dataset : str, default "kinder0"
        Any name :func:`musiclearn.corpus.melodies` accepts.
    folds : int, default 10
        k of k-fold cross-validation (tune i in fold i mod k).
    quick : bool, default False
        Tiny models and few epochs (checks the command, not a result).
    models : sequence of {"lstm", "transformer"}, default both
        Networks for the in-domain and pretrained tracks. With more than
        one, each track also reports their ensemble (+ PPM-C + STM).
    tracks : sequence of {"baseline", "in-domain", "pretrained"}
        Which tracks to run.
    pretrain_limit : int, optional
        Pretrain on at most this many tunes (default: all; 200 with ``quick``).
    seed : int, default 0
        Seeds every random choice (fold f trains with seed + f).
    device : str or torch.device, optional
        Default: :func:`musiclearn.train.choose_device`.
    use_cache : bool, default True
        Reuse (and store) pretrained weights in ``cache_dir()/melody_bench``.
    threads : int or None, default 1
        torch CPU threads while the benchmark runs (restored afterwards);
        None keeps torch's setting. One is the default because these models
        are small: on a 2-core machine shared with other work, two OpenMP
        threads made training 3-9 times *slower* (threads spin waiting for
        a core), and on an idle one they gain little.
    jobs : int, optional
        Processes that pretrain networks side by side on a CPU (each with
        ``threads`` threads). Default: ``min(2, os.cpu_count())``.
    config : BenchConfig, optional
        Overrides :func:`default_config`.
    log : callable, default print
        Receives progress lines.

    Returns
    -------
    dict
        ``{"dataset", "folds", "device", "results": [{"model", "track",
        "bits_per_note", "bits_per_note_folds", "accuracy", "seconds", ...}],
        ...}``, plus the anchors, the pretraining set and timings.

    Examples
    --------
    >>> from musiclearn.bench.melody import run
    >>> report = run("erk5", folds=2, quick=True, pretrain_limit=40, log=lambda s: None)  # doctest: +SKIP
    >>> sorted(report)[:3]                                                               # doctest: +SKIP
    ['anchors', 'conditions_on', 'config']
    """
    import torch

    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
    previous = torch.get_num_threads()
    if jobs is None:
        jobs = min(2, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int (processes), got {jobs!r}")
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _run(dataset, folds=folds, quick=quick, models=models, tracks=tracks, pretrain_limit=pretrain_limit,
                    seed=seed, device=device, use_cache=use_cache, config=config, jobs=jobs, log=log)
    finally:
        torch.set_num_threads(previous)


@dataclass
class _Data:
    """The evaluated corpus, prepared once: tunes, folds, pitch and key-relative views."""

    dataset: str
    tunes: list[Any]
    fold_sets: list[list[int]]
    pitches: list[list[int]]
    rel: list[tuple[list[int], int]]
    folds: list[_Fold]
    stm: _STMCache

    @property
    def notes(self) -> int:
        return sum(len(p) for p in self.pitches)


def _settings(tracks: Sequence[str], quick: bool, models: Sequence[str], pretrain_limit: int | None,
              config: BenchConfig | None) -> BenchConfig:
    """Check the tracks and the pretraining limit; the configuration to run."""
    bad_tracks = [t for t in tracks if t not in ("baseline", "in-domain", "pretrained")]
    if bad_tracks or not tracks:
        raise ValueError(f"tracks must be among 'baseline', 'in-domain', 'pretrained', got {list(tracks)!r}")
    cfg = config if config is not None else default_config(quick=quick, models=models)
    if pretrain_limit is not None:
        if isinstance(pretrain_limit, bool) or not isinstance(pretrain_limit, int) or pretrain_limit < 2:
            raise ValueError(f"pretrain_limit must be an int >= 2 (tunes), got {pretrain_limit!r}")
        cfg = replace(cfg, pretrain_limit=pretrain_limit)
    return cfg


def _load_data(dataset: str, folds: int) -> _Data:
    """Read the corpus and cut it into folds (tune i in fold i mod k)."""
    from ..corpus import melodies
    from ..data import kfold_by_tune

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unparseable tunes: counted in the report
        tunes = melodies(dataset)
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise ValueError(f"folds must be an int >= 2, got {folds!r}")
    if len(tunes) < 2 * folds:
        raise DataError(f"has {len(tunes)} tunes, too few for {folds} folds (each fold needs at least 2); "
                        "use fewer folds", dataset)
    fold_sets = kfold_by_tune(tunes, k=folds)
    rel = [relative_pitches(m) for m in tunes]
    return _Data(dataset, tunes, fold_sets, [list(m.pitches) for m in tunes], rel,
                 [_Fold(f, fold_sets, rel) for f in range(folds)], _STMCache(rel))


def _ngram_score(model: Any, seqs: Sequence[list[int]]) -> _Score:
    """Bits and top-1 hits of an n-gram model on MIDI pitches, over whole tunes."""
    score = _Score()
    for seq in seqs:
        score.bits += float(model.sequence_bits(seq).sum())
        score.notes += len(seq)
    score.correct = _ngram_correct(model, seqs)
    return score


def _run_baselines(data: _Data, cfg: BenchConfig, results: _Results) -> None:
    """n-grams on MIDI pitch, the order chosen on training data, and a key-relative PPM-C LTM+STM."""
    pitches = data.pitches
    for f, fold in enumerate(data.folds):
        test = [pitches[i] for i in fold.test]
        for order in cfg.ngram_orders:
            tic = time.perf_counter()
            model = NGramModel(order, universe_size=128).fit(pitches[i] for i in fold.train)
            name = {1: "unigram", 2: "bigram", 3: "trigram"}.get(order, f"{order}-gram")
            results.add(f"{name} PPM-C", "baseline", f, _ngram_score(model, test), time.perf_counter() - tic,
                        conditions_on=CONDITIONS_ON_PITCH)
        # The order chosen on the validation split of the training folds.
        tic = time.perf_counter()
        val_bits = {o: NGramModel(o, universe_size=128).fit(pitches[i] for i in fold.inner)
                    .bits_per_symbol([pitches[i] for i in fold.val]) for o in cfg.ngram_orders}
        best = min(val_bits, key=val_bits.get)
        model = NGramModel(best, universe_size=128).fit(pitches[i] for i in fold.train)
        results.add("n-gram PPM-C, order chosen on training data", "baseline", f, _ngram_score(model, test),
                    time.perf_counter() - tic, chosen={"order": best}, conditions_on=CONDITIONS_ON_PITCH)
        # Key-relative PPM-C long-term model + short-term model (an IDyOM-like system).
        tic = time.perf_counter()
        options = {o: [fold.ngram_val_rows(o)] for o in cfg.ltm_orders}
        ltm_order, order, bias, _ = _choose_mixture(options, fold.val, data.rel, data.stm, cfg)
        score = _score_mixture([fold.ngram_test_rows(ltm_order)], fold.test, data.rel, data.stm, order, bias)
        results.add("PPM-C LTM+STM, key-relative", "baseline", f, score, time.perf_counter() - tic,
                    chosen={"ltm_order": ltm_order, "stm_order": order, "bias": bias},
                    conditions_on=CONDITIONS_ON_KEY)


def _run_pretraining(data: _Data, cfg: BenchConfig, *, seed: int, device: Any, use_cache: bool, jobs: int,
                     log: Callable[[str], None]) -> tuple[BenchConfig, dict[str, dict], dict[str, Any]]:
    """The leak-free pretraining pool and every network pretrained on it (or read from the cache)."""
    t0 = time.perf_counter()
    pool, pool_info = pretraining_pool(data.dataset, data.tunes, limit=cfg.pretrain_limit)
    pool_info["load_seconds"] = round(time.perf_counter() - t0, 2)
    info: dict[str, Any] = {"pool": pool_info, "models": {}}
    excluded = pool_info["excluded_files"]
    without = ", ".join(excluded) if len(excluded) <= 3 else f"the dataset's {len(excluded)} files"
    log(f"  pretraining pool: {pool_info['tunes']} tunes, {pool_info['notes']} notes from "
        f"{', '.join(pool_info['sources'])} (without {without}); "
        f"{pool_info['removed_leaky']} leaky tune(s) removed")
    if len(pool) < 4:
        raise DataError("leaves fewer than 4 tunes to pretrain on; run without the pretrained track", data.dataset)
    cfg = _room_for(cfg, max(len(m) for m in pool))
    t0 = time.perf_counter()
    states, info["models"] = _pretrain_all(cfg, pool, seed=seed, device=device, use_cache=use_cache, jobs=jobs,
                                           log=log)
    info["seconds"] = round(time.perf_counter() - t0, 2)
    return cfg, states, info


#: Rows a trained network gave a fold: (validation rows, test rows, seconds spent).
_Kept = tuple[list[np.ndarray], list[np.ndarray], float]


def _run_network_fold(name: str, track: str, f: int, data: _Data, cfg: BenchConfig, states: dict[str, dict],
                      results: _Results, *, seed: int, device: Any) -> _Kept:
    """Train one network on one fold; score it alone, + STM, and + PPM-C + STM."""
    import musiclearn

    ncfg = cfg.in_domain[name] if track == "in-domain" else cfg.pretrain[name]
    tcfg = ncfg if track == "in-domain" else replace(
        ncfg, **{k: getattr(cfg.finetune[name], k) for k in
                 ("epochs", "lr", "batch_size", "patience", "warmup_steps", "weight_decay", "max_steps")})
    label, fold, rel, stm = _LABELS[name], data.folds[f], data.rel, data.stm
    tic = time.perf_counter()
    musiclearn.seed_everything(seed + f)
    model = _build(ncfg)
    if track == "pretrained":
        model.load_state_dict(states[name])
    history = _fit(model, tcfg, [rel[i] for i in fold.inner], [rel[i] for i in fold.val], seed=seed + f,
                   device=device)
    val_rows = _neural_distributions(model, [rel[i] for i in fold.val], key_feature=ncfg.key_feature, device=device)
    test_rows = _neural_distributions(model, [rel[i] for i in fold.test], key_feature=ncfg.key_feature,
                                      device=device)
    seconds = time.perf_counter() - tic
    extra = {"conditions_on": CONDITIONS_ON_KEY, "parameters": sum(p.numel() for p in model.parameters()),
             "config": asdict(tcfg)}
    results.add(label, track, f, _score_mixture([test_rows], fold.test, rel, None, 0, 0.0), seconds,
                chosen={"epochs_trained": history.epochs, "best_epoch": history.best_epoch}, **extra)
    # + a short-term model, mixed with weights chosen on the validation tunes.
    tic = time.perf_counter()
    _, order, bias, _ = _choose_mixture({None: [val_rows]}, fold.val, rel, stm, cfg)
    results.add(f"{label} + STM", track, f, _score_mixture([test_rows], fold.test, rel, stm, order, bias),
                seconds + time.perf_counter() - tic, chosen={"stm_order": order, "bias": bias}, **extra)
    # + a key-relative PPM-C long-term model as well: an ensemble of three.
    tic = time.perf_counter()
    options = {o: [val_rows, fold.ngram_val_rows(o)] for o in cfg.ltm_orders}
    ltm_order, order, bias, _ = _choose_mixture(options, fold.val, rel, stm, cfg)
    score = _score_mixture([test_rows, fold.ngram_test_rows(ltm_order)], fold.test, rel, stm, order, bias)
    results.add(f"{label} + PPM-C + STM", track, f, score, seconds + time.perf_counter() - tic,
                chosen={"ltm_order": ltm_order, "stm_order": order, "bias": bias}, **extra)
    return val_rows, test_rows, seconds


def _run_ensemble(names: Sequence[str], track: str, data: _Data, cfg: BenchConfig,
                  kept: dict[tuple[str, int], _Kept], results: _Results) -> str:
    """Every network of a track + PPM-C + STM, mixed with weights chosen per fold; returns its label."""
    label = " + ".join(_LABELS[n] for n in names) + " + PPM-C + STM"
    for f, fold in enumerate(data.folds):
        tic = time.perf_counter()
        options = {o: [*(kept[(n, f)][0] for n in names), fold.ngram_val_rows(o)] for o in cfg.ltm_orders}
        ltm_order, order, bias, _ = _choose_mixture(options, fold.val, data.rel, data.stm, cfg)
        score = _score_mixture([*(kept[(n, f)][1] for n in names), fold.ngram_test_rows(ltm_order)],
                               fold.test, data.rel, data.stm, order, bias)
        results.add(label, track, f, score, sum(kept[(n, f)][2] for n in names) + time.perf_counter() - tic,
                    chosen={"ltm_order": ltm_order, "stm_order": order, "bias": bias},
                    conditions_on=CONDITIONS_ON_KEY)
    return label


def _run_neural_track(track: str, data: _Data, cfg: BenchConfig, states: dict[str, dict], results: _Results, *,
                      seed: int, device: Any, log: Callable[[str], None]) -> None:
    """One neural track ("in-domain" or "pretrained"): every network on every fold, then their ensemble."""
    names = list(cfg.in_domain if track == "in-domain" else cfg.pretrain)
    kept: dict[tuple[str, int], _Kept] = {}
    entries = results.entries
    for name in names:
        label = _LABELS[name]
        t_track = time.perf_counter()
        for f in range(len(data.folds)):
            kept[(name, f)] = _run_network_fold(name, track, f, data, cfg, states, results, seed=seed, device=device)
            log(f"  {label} {track} fold {f + 1}/{len(data.folds)}: "
                f"{entries[(label, track)]['bits_per_note_folds'][f]:.3f} bits/note, "
                f"+STM {entries[(label + ' + STM', track)]['bits_per_note_folds'][f]:.3f}, "
                f"+PPM-C+STM {entries[(label + ' + PPM-C + STM', track)]['bits_per_note_folds'][f]:.3f} "
                f"({time.perf_counter() - t_track:.0f} s)")
    if len(names) > 1:
        label = _run_ensemble(names, track, data, cfg, kept, results)
        log(f"  {label} {track}: {np.mean(entries[(label, track)]['bits_per_note_folds']):.3f} bits/note")


def _report(data: _Data, results: _Results, cfg: BenchConfig, *, quick: bool, seed: int, device: Any, jobs: int,
            pretrain_info: dict[str, Any], started: float) -> dict[str, Any]:
    """The benchmark's JSON content."""
    import torch

    return {
        "dataset": data.dataset,
        "folds": len(data.folds),
        "device": device.type,
        "results": results.finish(),
        "quick": bool(quick),
        "tunes": len(data.tunes),
        "notes": data.notes,
        "conditions_on": {
            "pitch": CONDITIONS_ON_PITCH,
            "key-relative": CONDITIONS_ON_KEY,
        },
        "protocol": ("tune i in fold i mod k; every note predicted, the first from a start token; bits per note "
                     "= mean over folds of sum(-log2 p(note)) / notes in fold; probabilities over all 128 MIDI "
                     "pitches; chosen hyper-parameters chosen on every tenth training tune"),
        "anchors": ANCHORS,
        "pretraining": pretrain_info,
        "config": {"models": list(cfg.in_domain or cfg.pretrain), **_config_dict(cfg)},
        "seed": seed,
        "total_seconds": round(time.perf_counter() - started, 2),
        "torch_threads": torch.get_num_threads(),
        "jobs": jobs,
        "cpu_count": os.cpu_count(),
        "versions": versions("torch", "numpy"),
    }


def _run(dataset: str, *, folds: int, quick: bool, models: Sequence[str], tracks: Sequence[str],
         pretrain_limit: int | None, seed: int, device: Any, use_cache: bool, config: BenchConfig | None,
         jobs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """The benchmark, step by step (see :func:`run` for the arguments)."""
    from ..train import choose_device

    started = time.perf_counter()
    cfg = _settings(tracks, quick, models, pretrain_limit, config)
    device = choose_device(device)
    data = _load_data(dataset, folds)
    results = _Results(folds)
    log(f"melody benchmark: {dataset}, {len(data.tunes)} tunes, {data.notes} notes, "
        f"{folds} folds, device {device.type}{' (quick mode)' if quick else ''}")
    if "baseline" in tracks:
        t0 = time.perf_counter()
        _run_baselines(data, cfg, results)
        log(f"  n-gram baselines: {time.perf_counter() - t0:.1f} s")
    cfg = _room_for(cfg, max(len(p) for p in data.pitches))
    states: dict[str, dict] = {}
    pretrain_info: dict[str, Any] = {}
    if "pretrained" in tracks and cfg.pretrain:
        cfg, states, pretrain_info = _run_pretraining(data, cfg, seed=seed, device=device, use_cache=use_cache,
                                                      jobs=jobs, log=log)
    for track in ("in-domain", "pretrained"):
        if track in tracks:
            _run_neural_track(track, data, cfg, states, results, seed=seed, device=device, log=log)
    return _report(data, results, cfg, quick=quick, seed=seed, device=device, jobs=jobs,
                   pretrain_info=pretrain_info, started=started)


def _room_for(cfg: BenchConfig, longest: int) -> BenchConfig:
    """The configuration with every transformer's max_len raised to fit a tune of ``longest`` notes."""
    def fit(configs: dict) -> dict:
        out = {}
        for name, c in configs.items():
            if c.kind == "transformer" and c.model.get("max_len", 512) < longest:
                c = replace(c, model={**c.model, "max_len": longest})
            out[name] = c
        return out

    return replace(cfg, in_domain=fit(cfg.in_domain), pretrain=fit(cfg.pretrain))


def _config_dict(cfg: BenchConfig) -> dict[str, Any]:
    out = asdict(cfg)
    return json.loads(json.dumps(out))


def _ngram_rows(model: Any, tune: tuple[list[int], int]) -> np.ndarray:
    """A key-relative n-gram model's distributions over the tune's 128 valid slots (= MIDI pitches), per note."""
    slots = tune[0]
    valid = _valid_slots(tune[1])
    symbols = range(valid.start, valid.stop)
    rows = np.empty((len(slots), 128))
    for i in range(len(slots)):
        rows[i] = model.distribution(slots[max(0, i - model.order + 1):i], over=symbols)
    # Slots outside the MIDI range (possible only for a never-seen symbol) are not pitches: renormalise.
    return rows / rows.sum(-1, keepdims=True)


def _ngram_correct(model: Any, seqs: Sequence[Sequence[int]]) -> int:
    """Notes whose pitch is the n-gram model's most probable one."""
    alphabet = model.alphabet
    correct = 0
    for seq in seqs:
        for i, target in enumerate(seq):
            dist = model.distribution(seq[max(0, i - model.order + 1):i])
            correct += int(alphabet[int(np.argmax(dist))] == target)
    return correct


# ---------------------------------------------------------------------------- output

def format_table(report: dict[str, Any]) -> str:
    """The report as a readable table with per-fold numbers and the anchors beside it.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    report : dict
        As returned by :func:`run` (or read from its JSON).

    Returns
    -------
    str
    """
    lines = [f"melody benchmark — {report['dataset']}, {report['folds']} folds, device {report['device']}"
             + (" (QUICK: tiny models, not a result)" if report.get("quick") else ""),
             f"{'model':46s} {'track':10s} {'bits/note':>9s} {'± std':>6s} {'acc':>6s} {'seconds':>8s}",
             "-" * 90]
    for r in report["results"]:
        lines.append(f"{r['model'][:46]:46s} {r['track']:10s} {r['bits_per_note']:9.3f} "
                     f"{r['bits_per_note_std']:6.3f} {r['accuracy']:6.3f} {r['seconds']:8.1f}")
    lines.append("")
    lines.append("per fold (bits/note):")
    for r in report["results"]:
        lines.append(f"  {r['model'][:40]:40s} {r['track']:10s} " + " ".join(f"{b:.3f}" for b in r["bits_per_note_folds"]))
    lines.append("")
    lines.append("anchors (kinder0, 10 folds):")
    for a in report.get("anchors", ANCHORS):
        lines.append(f"  {a['model']:32s} {a['bits_per_note']:6.3f}   {a['source']}")
    pre = report.get("pretraining") or {}
    if pre.get("pool"):
        pool = pre["pool"]
        lines.append("")
        lines.append(f"pretraining pool: {pool['tunes']} tunes, {pool['notes']} notes; "
                     f"{pool['removed_leaky']} leaky tune(s) removed")
        for name, info in pre.get("models", {}).items():
            lines.append(f"  {name}: " + ("weights from the cache (a warm run)" if info.get("cached")
                                          else f"pretrained in {info['seconds']:.0f} s (a cold run)"))
    lines.append(f"total wall time: {report['total_seconds']:.0f} s")
    return "\n".join(lines)


def load_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a benchmark JSON written by ``--json OUT``, checking it has the documented fields.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON file.

    Returns
    -------
    dict
        The report, as :func:`run` returned it (ready for :func:`format_table`).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    musiclearn.errors.DataError
        If it is not JSON or lacks a field of the schema (see :func:`run`).

    Examples
    --------
    >>> from musiclearn.bench.melody import load_report, format_table
    >>> report = load_report("melody_kinder0.json")   # doctest: +SKIP
    >>> print(format_table(report))                    # doctest: +SKIP
    """
    from pathlib import Path

    target = Path(path)
    text = target.read_text(encoding="utf-8")
    try:
        report = json.loads(text)
    except ValueError as exc:
        raise DataError(f"is not valid JSON ({exc.msg} at line {exc.lineno})", target) from None
    required = {"dataset": str, "folds": int, "device": str, "results": list}
    for key, kind in required.items():
        if not isinstance(report, dict) or not isinstance(report.get(key), kind):
            raise DataError(f"lacks the field {key!r} of a melody benchmark report; write it with "
                            "python -m musiclearn.bench melody --json OUT", target)
    for i, entry in enumerate(report["results"]):
        for key, kind in (("model", str), ("track", str), ("bits_per_note", (int, float)),
                          ("bits_per_note_folds", list), ("accuracy", (int, float)), ("seconds", (int, float))):
            if not isinstance(entry, dict) or not isinstance(entry.get(key), kind):
                raise DataError(f"result {i} lacks the field {key!r}", target)
        if len(entry["bits_per_note_folds"]) != report["folds"]:
            raise DataError(f"result {i} ({entry['model']}) has {len(entry['bits_per_note_folds'])} fold scores "
                            f"for {report['folds']} folds", target)
        entry.setdefault("bits_per_note_std", float(np.std(entry["bits_per_note_folds"], ddof=1))
                         if report["folds"] > 1 else 0.0)
    report.setdefault("anchors", ANCHORS)
    report.setdefault("total_seconds", float("nan"))
    return report


# ---------------------------------------------------------------------------- command line

def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``melody`` command's options to ``parser``.

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """
    parser.add_argument("--dataset", default="kinder0",
                        help="corpus name: an Essen stem (kinder0, fink0, …), essen, bach-soprano, oneills1850, "
                             "ryansMammoth (default kinder0)")
    parser.add_argument("--folds", type=int, default=None, help="k of k-fold cross-validation (default 10; 2 with --quick)")
    parser.add_argument("--json", metavar="OUT", default=None, help="write the report as JSON to OUT")
    parser.add_argument("--quick", action="store_true",
                        help="tiny models, few epochs, 2 folds, 200 pretraining tunes: checks the command works")
    parser.add_argument("--models", default="lstm,transformer",
                        help="comma-separated networks for the neural tracks: lstm, transformer (default both)")
    parser.add_argument("--tracks", default="baseline,in-domain,pretrained",
                        help="comma-separated tracks to run (default: all three)")
    parser.add_argument("--pretrain-limit", type=int, default=None, metavar="N",
                        help="pretrain on at most N tunes (default all; 200 with --quick)")
    parser.add_argument("--no-cache", action="store_true", help="pretrain afresh and do not store the weights")
    parser.add_argument("--device", default=None, help="cuda, mps or cpu (default: automatic)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: faster for these small models on a shared machine)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes pretraining networks side by side (default: 2 on a machine with 2+ cores)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def run_command(args: argparse.Namespace) -> int:
    """Run the ``melody`` command from parsed arguments; return the exit status.

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """
    folds = args.folds if args.folds is not None else (2 if args.quick else 10)
    if args.threads < 1:
        print(f"--threads must be at least 1, got {args.threads}", file=sys.stderr)
        return 2
    try:
        report = run(
            args.dataset, folds=folds, quick=args.quick,
            models=[m.strip() for m in args.models.split(",") if m.strip()],
            tracks=[t.strip() for t in args.tracks.split(",") if t.strip()],
            pretrain_limit=args.pretrain_limit, seed=args.seed, device=args.device,
            use_cache=not args.no_cache, threads=args.threads, jobs=args.jobs,
            log=lambda line: print(line, flush=True),
        )
    except (DataError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print()
    print(format_table(report))
    if args.json:
        write_json(args.json, report)
        print(f"\nwrote {args.json}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m musiclearn.bench.melody [options]``: the same as ``python -m musiclearn.bench melody``.

    Notebook: ``10_rnn_and_transformer.ipynb``.
    """
    parser = argparse.ArgumentParser(prog="python -m musiclearn.bench melody",
                                     description="Melody benchmark: next-pitch prediction, k-fold CV.")
    configure(parser)
    return run_command(parser.parse_args(None if argv is None else list(argv)))


if __name__ == "__main__":
    sys.exit(main())
