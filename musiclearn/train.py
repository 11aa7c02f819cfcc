"""One training loop for every language model of the course, on GPU or CPU.

Notebooks: ``09_baselines_and_training_loop.ipynb`` writes the loop by hand
(forward, loss, backward, step) and then uses :func:`train`;
``10_rnn_and_transformer.ipynb`` trains the LSTM and the transformer with it.

:func:`train` adds what a bare loop lacks:

* **device** — CUDA, then Apple's MPS, then the CPU (:func:`choose_device`);
* **mixed precision** on CUDA only — bfloat16 autocast where the GPU supports
  it, else float16 with a gradient scaler; CPU and MPS train in float32;
* **gradient clipping** (global norm) and **AdamW** with weight decay on the
  weight matrices only;
* a **learning-rate schedule**: linear warm-up, then cosine decay to zero at
  the last step;
* **early stopping** on the validation loss (``patience`` epochs without
  improvement), restoring the best weights at the end;
* **checkpoints** after every epoch, written atomically; a run that is
  interrupted (a crash, a closed laptop) resumes from the last one and, on a
  CPU, ends with exactly the weights and loss curve an uninterrupted run gives.
  Checkpoints load with ``torch.load(..., weights_only=True)``;
* **progress** with tqdm and an optional **live loss plot** in notebooks;
* a :class:`History` returned as data, and a clear :class:`TrainingError`
  when the loss becomes NaN or infinite.

Losses are mean cross-entropy per predicted token in *nats* (natural log);
divide by ``ln 2`` for bits (:meth:`History.bits`).

Batches are ``(inputs, targets)`` or ``(inputs, targets, features)`` tuples of
LongTensors ``(batch, time)`` (features ``(batch, time, n)``), as
``musiclearn.data.make_loader`` builds them; targets equal to ``pad_id`` are
left out of the loss.

Classifiers train with the same loop (``14_spectrograms_as_images.ipynb``):
when the targets have one label per example, shape ``(batch,)``, the inputs
may be any tensor with that batch size (spectrograms, waveforms), the model
returns logits ``(batch, classes)``, and every loss is the mean cross-entropy
per *example* instead of per token.
"""

from __future__ import annotations

import io
import math
import os
import random
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

from .errors import DataError

__all__ = ["choose_device", "train", "mean_loss", "History", "TrainingError", "CHECKPOINT_FORMAT"]

#: Tag and version written into every checkpoint.
CHECKPOINT_FORMAT = ("musiclearn-train", 1)


class TrainingError(RuntimeError):
    """Training cannot go on (e.g. the loss became NaN); the message says where and what to try.

    Notebook: ``09_baselines_and_training_loop.ipynb``.
    """


def choose_device(prefer: Any = None) -> "torch.device":
    """The device to train on: CUDA if present, else Apple's MPS, else the CPU.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    prefer : str or torch.device, optional
        Ask for one: ``"cuda"``, ``"cuda:1"``, ``"mps"`` or ``"cpu"``. An
        unavailable device raises ``ValueError`` saying what is available.

    Returns
    -------
    torch.device

    Examples
    --------
    >>> from musiclearn.train import choose_device
    >>> choose_device("cpu")
    device(type='cpu')
    >>> choose_device().type in {"cuda", "mps", "cpu"}
    True
    """
    import torch

    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if has_mps:
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(prefer)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"prefer must be 'cuda', 'mps', 'cpu' (or a torch.device), got {prefer!r}") from exc
    available = ["cpu"] + (["cuda"] if torch.cuda.is_available() else []) + (["mps"] if has_mps else [])
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"CUDA was asked for but torch finds no CUDA GPU; available: {', '.join(available)}. "
                             "Pass prefer=None to pick automatically.")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(f"there is no GPU {device.index}; torch sees {torch.cuda.device_count()}")
    elif device.type == "mps" and not has_mps:
        raise ValueError(f"MPS was asked for but is not available; available: {', '.join(available)}. "
                         "Pass prefer=None to pick automatically.")
    elif device.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"prefer must be 'cuda', 'mps' or 'cpu', got {prefer!r}")
    return device


@dataclass
class History:
    """What happened during :func:`train`, one entry per epoch.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Attributes
    ----------
    train_loss : list of float
        Mean training cross-entropy per token (nats), with dropout active.
    val_loss : list of float
        Mean validation cross-entropy per token (nats); empty without a
        validation loader.
    lr : list of float
        Learning rate at the end of each epoch.
    seconds : list of float
        Wall time of each epoch (training and validation).
    best_epoch : int or None
        Index (0-based) of the epoch with the lowest validation loss, whose
        weights the model holds after training (the last epoch without
        validation data).
    stopped_early : bool
        True if early stopping ended training before ``epochs``.
    device : str
        Where it trained (``"cpu"``, ``"cuda"``, ``"mps"``).
    amp : str or None
        ``"bf16"`` or ``"fp16"`` when mixed precision was used.
    steps : int
        Optimiser steps taken.
    resumed_from : int or None
        Epochs already done in the checkpoint this run resumed from.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    device: str = "cpu"
    amp: str | None = None
    steps: int = 0
    resumed_from: int | None = None

    @property
    def epochs(self) -> int:
        """Epochs completed."""
        return len(self.train_loss)

    @property
    def best_val_loss(self) -> float | None:
        """The lowest validation loss (nats per token), or None without validation."""
        return min(self.val_loss) if self.val_loss else None

    def bits(self, which: str = "val") -> list[float]:
        """The ``"val"`` or ``"train"`` losses converted to bits per token."""
        if which not in ("val", "train"):
            raise ValueError(f"which must be 'val' or 'train', got {which!r}")
        losses = self.val_loss if which == "val" else self.train_loss
        return [x / math.log(2) for x in losses]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, numbers, strings), e.g. for ``json.dump``."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "History":
        """Rebuild a History from :meth:`to_dict`'s output."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _unpack(batch: Any) -> tuple[Any, Any, Any]:
    if isinstance(batch, dict):
        ids = batch.get("inputs", batch.get("input_ids"))
        return ids, batch.get("targets"), batch.get("features")
    if isinstance(batch, (tuple, list)) and len(batch) in (2, 3):
        return batch[0], batch[1], (batch[2] if len(batch) == 3 else None)
    raise ValueError(
        "each batch must be (inputs, targets) or (inputs, targets, features), "
        f"as musiclearn.data.make_loader yields; got {type(batch).__name__}"
    )


def _batch_loss(model: Any, batch: Any, device: Any, pad_id: int, autocast: Any) -> tuple[Any, int]:
    """Summed cross-entropy over the non-pad targets of one batch, and their count."""
    import torch
    from torch.nn import functional as F

    ids, targets, features = _unpack(batch)
    if not isinstance(ids, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise ValueError("batch inputs and targets must be torch tensors of token ids")
    if targets.ndim == 1:
        return _classification_loss(model, ids, targets, features, device, pad_id, autocast)
    if ids.shape != targets.shape:
        raise ValueError(f"inputs {tuple(ids.shape)} and targets {tuple(targets.shape)} must have the same shape")
    ids = ids.to(device, non_blocking=True)
    targets = targets.to(device, non_blocking=True)
    with autocast():
        logits = model(ids) if features is None else model(ids, features.to(device, non_blocking=True))
    if logits.shape[:2] != targets.shape:
        raise ValueError(f"model returned logits {tuple(logits.shape)}; expected (batch, time, vocab) "
                         f"matching targets {tuple(targets.shape)}")
    loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1),
                           ignore_index=pad_id, reduction="sum")
    count = int((targets != pad_id).sum())
    return loss, count


def _classification_loss(model: Any, inputs: Any, targets: Any, features: Any, device: Any, pad_id: int,
                         autocast: Any) -> tuple[Any, int]:
    """Summed cross-entropy of one label per example (targets ``(batch,)``, logits ``(batch, classes)``)."""
    from torch.nn import functional as F

    if inputs.ndim == 0 or inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"inputs {tuple(inputs.shape)} and targets {tuple(targets.shape)} must have the same "
                         "batch size (one label per example)")
    inputs = inputs.to(device, non_blocking=True)
    targets = targets.to(device, non_blocking=True)
    with autocast():
        logits = model(inputs) if features is None else model(inputs, features.to(device, non_blocking=True))
    if logits.ndim != 2 or logits.shape[0] != targets.shape[0]:
        raise ValueError(f"model returned logits {tuple(logits.shape)}; with one label per example "
                         f"(targets {tuple(targets.shape)}) it must return (batch, classes)")
    loss = F.cross_entropy(logits.float(), targets, ignore_index=pad_id, reduction="sum")
    return loss, int((targets != pad_id).sum())


def mean_loss(model: Any, loader: Iterable, *, pad_id: int | None = None, device: Any = None) -> float:
    """Mean cross-entropy per target token (nats) of ``model`` over ``loader``, without training.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ids ``(batch, time)`` (and optional features) to logits ``(batch, time, vocab)``.
    loader : iterable of batches
        ``(inputs, targets)`` or ``(inputs, targets, features)``.
    pad_id : int, optional
        Target id left out of the loss; default as in :func:`train` (the
        loader's padding id, else -100).
    device : str or torch.device, optional
        Default: where the model's parameters are.

    Returns
    -------
    float
        Nats per token; divide by ``math.log(2)`` for bits.
    """
    import contextlib

    import torch

    if pad_id is None:
        pad_id = _loader_pad_id(loader)
    if device is None:
        device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        with torch.no_grad():
            for batch in loader:
                loss, n = _batch_loss(model, batch, device, pad_id, contextlib.nullcontext)
                total += float(loss)
                count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("the loader holds no target tokens (all padding or empty)")
    return total / count


def _loader_pad_id(loader: Any) -> int:
    """The padding id a loader pads targets with, if it says; else -100 (nothing is padding)."""
    import functools

    value = getattr(loader, "pad_id", None)
    collate = getattr(loader, "collate_fn", None)
    if value is None and isinstance(collate, functools.partial):
        value = collate.keywords.get("pad_id")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else -100


def _amp_mode(amp: Any, device: Any) -> str | None:
    import torch

    if amp not in (None, True, False, "bf16", "fp16"):
        raise ValueError(f"amp must be None (automatic), True, False, 'bf16' or 'fp16', got {amp!r}")
    if amp is False or device.type != "cuda":
        return None
    if amp in (None, True):
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return amp


def _rng_state(loader: Any) -> dict[str, Any]:
    import torch

    np_state = np.random.get_state()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "numpy": {"keys": torch.from_numpy(np.asarray(np_state[1], dtype=np.int64)), "pos": int(np_state[2]),
                  "has_gauss": int(np_state[3]), "gauss": float(np_state[4])},
        "python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
        "loader": [g.get_state() for g in _generators(loader)],
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any], loader: Any) -> None:
    import torch

    torch.set_rng_state(state["torch"])
    keys = state["numpy"]["keys"].numpy().astype(np.uint32)
    np.random.set_state(("MT19937", keys, state["numpy"]["pos"], state["numpy"]["has_gauss"], state["numpy"]["gauss"]))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    for gen, saved in zip(_generators(loader), state.get("loader", [])):
        gen.set_state(saved)
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _generators(loader: Any) -> list[Any]:
    """The torch.Generators a DataLoader shuffles with (so a resumed run shuffles the same way)."""
    import torch

    found: list[Any] = []
    for obj in (getattr(loader, "generator", None), getattr(getattr(loader, "sampler", None), "generator", None),
                getattr(getattr(loader, "batch_sampler", None), "generator", None),
                getattr(getattr(getattr(loader, "batch_sampler", None), "sampler", None), "generator", None)):
        if isinstance(obj, torch.Generator) and all(obj is not g for g in found):
            found.append(obj)
    return found


class _LivePlot:
    """Train/validation loss curves (``musiclearn.plot.loss_curves``) redrawn in place in a notebook.

    Does nothing outside a Jupyter kernel.
    """

    def __init__(self, enabled: bool) -> None:
        self.handle: Any = None
        self.active = False
        if not enabled:
            return
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:
            return
        # Only a kernel (Jupyter) can show and replace an image; a terminal or a test cannot.
        self.active = shell is not None and getattr(shell, "kernel", None) is not None

    def update(self, history: History) -> None:
        if not self.active:
            return
        from IPython.display import Image, display
        from matplotlib.figure import Figure

        from .plot import loss_curves

        # A bare Figure (not pyplot), so the notebook shows only the image replaced in place.
        fig = Figure(figsize=(6.0, 2.6), layout="constrained")
        loss_curves(history, ax=fig.add_subplot())
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
        image = Image(data=buffer.getvalue(), format="png")
        if self.handle is None:
            self.handle = display(image, display_id=True)
        else:
            self.handle.update(image)


def _config(**kwargs: Any) -> dict[str, Any]:
    return {k: (v if isinstance(v, (int, float, str, bool, type(None))) else str(v)) for k, v in kwargs.items()}


def _load_checkpoint(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    import pickle

    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, ValueError, KeyError) as exc:
        raise DataError(
            f"is not a readable training checkpoint ({type(exc).__name__}); delete it or pass resume=False", path
        ) from None
    if not isinstance(state, dict) or state.get("format") != list(CHECKPOINT_FORMAT):
        raise DataError("is not a musiclearn training checkpoint; delete it or pass resume=False", path)
    saved = state.get("config", {})
    changed = [k for k in config if saved.get(k) != config[k]]
    if changed:
        detail = ", ".join(f"{k}: {saved.get(k)!r} then, {config[k]!r} now" for k in changed)
        raise DataError(
            f"was written by a run with other settings ({detail}); delete it, pass another checkpoint path "
            "or resume=False",
            path,
        )
    return state


def train(
    model: Any,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    *,
    epochs: int = 10,
    lr: float = 1e-3,
    weight_decay: float = 0.01,
    warmup_steps: int = 0,
    clip_grad: float | None = 1.0,
    device: Any = None,
    amp: bool | str | None = None,
    patience: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = True,
    progress: bool = True,
    live_plot: bool = False,
    pad_id: int | None = None,
) -> History:
    """Train a next-token model with AdamW; return the per-epoch history.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ids ``(batch, time)`` (and optional features) to logits
        ``(batch, time, vocab)``, e.g. :class:`musiclearn.models.LSTMLanguageModel`.
        Trained in place; moved to ``device``.
    train_loader : iterable of batches with ``len()``
        ``(inputs, targets)`` or ``(inputs, targets, features)`` LongTensors,
        e.g. from ``musiclearn.data.make_loader``.
    val_loader : iterable of batches, optional
        Scored after every epoch (no dropout, no gradients); needed for early
        stopping and for keeping the best weights.
    epochs : int, default 10
        Passes over the training data (at most; early stopping may end sooner).
    lr : float, default 1e-3
        Peak learning rate, reached after the warm-up.
    weight_decay : float, default 0.01
        AdamW weight decay on weight matrices (not on biases or norms).
    warmup_steps : int, default 0
        Optimiser steps of linear warm-up; then cosine decay to 0 at the last step.
    clip_grad : float or None, default 1.0
        Clip the global gradient norm to this value; None: no clipping.
    device : str or torch.device, optional
        Default: :func:`choose_device` (CUDA, MPS, CPU).
    amp : None, bool, "bf16" or "fp16", default None
        Mixed precision, on CUDA only: None or True picks bfloat16 where the
        GPU supports it, else float16 with gradient scaling; False turns it
        off. Ignored on CPU and MPS (float32).
    patience : int, optional
        Stop after this many epochs without a lower validation loss; the
        best weights are restored either way. None: run all epochs.
    checkpoint : str or os.PathLike, optional
        File to save the full training state to after every epoch (written
        atomically). If it exists and ``resume`` is True, training continues
        from it; it must come from a run with the same settings.
    resume : bool, default True
        Continue from ``checkpoint`` if it exists (False: start over and overwrite it).
    progress : bool, default True
        Show a tqdm progress bar.
    live_plot : bool, default False
        Redraw the loss curves after every epoch in a notebook (no effect elsewhere).
    pad_id : int, optional
        Target id left out of the loss (padding). Default: the padding id of
        ``train_loader`` when it tells (loaders from
        ``musiclearn.data.make_loader`` do), else -100 (PyTorch's "ignore"
        value, i.e. no padding). Pass your tokenizer's ``pad_id`` to be explicit.

    Returns
    -------
    History
        Per-epoch losses (nats per token), learning rates and seconds, the
        best epoch, and how training ended.

    Raises
    ------
    TrainingError
        If the loss becomes NaN or infinite (the message names epoch and step).
    musiclearn.errors.DataError
        If ``checkpoint`` is unreadable or from a run with other settings.
    ValueError
        For invalid settings or batches.

    Examples
    --------
    >>> import torch, musiclearn
    >>> from musiclearn.models import LSTMLanguageModel
    >>> from musiclearn.train import train
    >>> musiclearn.seed_everything(0)
    >>> seq = torch.tensor([[1, 2, 3, 1, 2, 3, 1, 2, 3]])
    >>> batches = [(seq[:, :-1], seq[:, 1:])] * 4
    >>> model = LSTMLanguageModel(4, embed_dim=8, hidden_size=16, num_layers=1, dropout=0.0)
    >>> history = train(model, batches, batches, epochs=5, lr=0.05, progress=False, device="cpu")
    >>> history.val_loss[-1] < history.val_loss[0]
    True
    """
    import contextlib

    import torch

    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    for name, value in (("epochs", epochs), ("warmup_steps", warmup_steps)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "epochs" else 0):
            raise ValueError(f"{name} must be an int >= {1 if name == 'epochs' else 0}, got {value!r}")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int) or patience < 1):
        raise ValueError(f"patience must be a positive int (epochs without improvement) or None, got {patience!r}")
    for name, value in (("lr", lr), ("weight_decay", weight_decay)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    if lr <= 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if clip_grad is not None and (isinstance(clip_grad, bool) or not isinstance(clip_grad, (int, float))
                                  or not clip_grad > 0):
        raise ValueError(f"clip_grad must be a positive number (max gradient norm) or None, got {clip_grad!r}")
    try:
        steps_per_epoch = len(train_loader)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError("train_loader must have a length (a DataLoader or a list of batches)") from None
    if steps_per_epoch == 0:
        raise ValueError("train_loader is empty; give it at least one batch")

    if pad_id is None:
        pad_id = _loader_pad_id(train_loader)
    elif isinstance(pad_id, bool) or not isinstance(pad_id, int):
        raise ValueError(f"pad_id must be an int (the padding token id) or None, got {pad_id!r}")
    device = choose_device(device)
    amp_mode = _amp_mode(amp, device)
    model.to(device)
    total_steps = epochs * steps_per_epoch

    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=lr
    )

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        span = max(1, total_steps - warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, (step - warmup_steps) / span)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    scaler = torch.amp.GradScaler("cuda") if amp_mode == "fp16" else None

    def autocast() -> Any:
        if amp_mode is None:
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=torch.bfloat16 if amp_mode == "bf16" else torch.float16)

    history = History(device=device.type, amp=amp_mode)
    best_state: dict[str, Any] | None = None
    best_loss = math.inf
    bad_epochs = 0
    start_epoch = 0
    config = _config(epochs=epochs, lr=lr, weight_decay=weight_decay, warmup_steps=warmup_steps,
                     clip_grad=clip_grad, patience=patience, pad_id=pad_id, steps_per_epoch=steps_per_epoch,
                     validation=val_loader is not None, model=type(model).__name__,
                     parameters=sum(p.numel() for p in model.parameters()))
    path = None if checkpoint is None else Path(checkpoint)
    if path is not None and resume and path.exists():
        state = _load_checkpoint(path, config)
        try:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            if scaler is not None and state.get("scaler"):
                scaler.load_state_dict(state["scaler"])
        except (RuntimeError, KeyError, ValueError) as exc:
            raise DataError(f"does not fit this model ({type(exc).__name__}); delete it or pass resume=False",
                            path) from None
        history = History.from_dict(state["history"])
        history.device, history.amp = device.type, amp_mode
        history.resumed_from = int(state["epoch"])
        best_state = state.get("best_state")
        best_loss = float(state["best_loss"])
        bad_epochs = int(state["bad_epochs"])
        start_epoch = int(state["epoch"])
        _set_rng_state(state["rng"], train_loader)
        if history.stopped_early or start_epoch >= epochs:
            if best_state is not None:
                model.load_state_dict(best_state)
            return history

    def save(epoch_done: int) -> None:
        if path is None:
            return
        from ._cache import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save({
            "format": list(CHECKPOINT_FORMAT),
            "config": config,
            "epoch": epoch_done,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "scaler": scaler.state_dict() if scaler is not None else None,
            "best_state": best_state,
            "best_loss": best_loss,
            "bad_epochs": bad_epochs,
            "history": history.to_dict(),
            "rng": _rng_state(train_loader),
        }, buffer)
        atomic_write_bytes(path, buffer.getvalue())

    from tqdm.auto import tqdm

    plot = _LivePlot(live_plot)
    bar = tqdm(total=total_steps, initial=start_epoch * steps_per_epoch, disable=not progress,
               unit="step", leave=False, desc="training")
    try:
        for epoch in range(start_epoch, epochs):
            started = time.perf_counter()
            model.train()
            total, count = 0.0, 0
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            for step_in_epoch, batch in enumerate(train_loader):
                loss_sum, n = _batch_loss(model, batch, device, pad_id, autocast)
                if n == 0:
                    bar.update(1)
                    continue
                loss = loss_sum / n
                value = float(loss.detach())
                if not math.isfinite(value):
                    raise TrainingError(
                        f"the training loss became {value} at epoch {epoch + 1}, step {step_in_epoch + 1} "
                        f"(learning rate {scheduler.get_last_lr()[0]:.3g}); lower the learning rate (lr={lr:g}), "
                        "keep gradient clipping on, or check the data for invalid values"
                    )
                optimizer.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.unscale_(optimizer)
                else:
                    loss.backward()
                if clip_grad is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
                if scaler is not None:
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    optimizer.step()
                scheduler.step()
                history.steps += 1
                total += value * n
                count += n
                bar.update(1)
            if count == 0:
                raise ValueError("the training batches hold no target tokens (all padding); check pad_id")
            history.train_loss.append(total / count)
            history.lr.append(float(scheduler.get_last_lr()[0]))
            if val_loader is not None:
                val = mean_loss(model, val_loader, pad_id=pad_id, device=device)
                if not math.isfinite(val):
                    raise TrainingError(
                        f"the validation loss became {val} after epoch {epoch + 1}; lower the learning rate "
                        f"(lr={lr:g})"
                    )
                history.val_loss.append(val)
                if val < best_loss:
                    best_loss = val
                    best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
                    history.best_epoch = epoch
                    bad_epochs = 0
                else:
                    bad_epochs += 1
            else:
                history.best_epoch = epoch
            history.seconds.append(time.perf_counter() - started)
            bar.set_postfix(train=f"{history.train_loss[-1]:.3f}",
                            **({"val": f"{history.val_loss[-1]:.3f}"} if history.val_loss else {}))
            stop = patience is not None and val_loader is not None and bad_epochs >= patience and epoch + 1 < epochs
            history.stopped_early = stop
            save(epoch + 1)
            plot.update(history)
            if stop:
                bar.update(total_steps - bar.n)
                break
    finally:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
