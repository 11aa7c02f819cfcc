"""Generating melodies from a language model: sampling strategies, MIDI and audio.

Notebook: ``11_generation_and_memorization.ipynb`` teaches this module.

A melody model (``musiclearn.models``) maps a sequence of token ids to
*logits*: one score per vocabulary entry for what comes next. Generating is a
loop: turn the logits of the last position into probabilities, draw one
token, append it, repeat. How the probabilities are shaped decides what you
hear:

* **temperature** ``T`` divides the logits before the softmax: ``T < 1``
  sharpens the distribution (safer, more repetitive tunes), ``T > 1``
  flattens it (more surprising, more mistakes);
* **top-k** keeps only the ``k`` most likely tokens;
* **top-p** ("nucleus") keeps the smallest set of most likely tokens whose
  probabilities add up to at least ``p``.

:func:`filter_logits` does all three and is a pure function (NumPy arrays or
torch tensors in, the same kind out). :func:`sample` runs the loop with a
seeded ``torch.Generator``, so the same seed gives the same tune;
:func:`continue_tune` starts from the first notes of a real tune. Melodies
become sound with :func:`to_midi`, :func:`to_audio` and :func:`save_midi`
(through :mod:`musiclearn.midi`).

torch is imported inside the functions that need it.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ._types import PathLike
from .melody import as_melody

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pretty_midi
    import torch

    from .corpus import Melody

__all__ = [
    "filter_logits",
    "probabilities",
    "sample",
    "sample_many",
    "continue_tune",
    "melody_events",
    "to_midi",
    "to_audio",
    "save_midi",
]

# Top-p compares cumulative probabilities with p; sums of floats are off by a
# few ulps, and a token must not be kept only because 0.5 + 0.3 < 0.8 in binary.
_TOP_P_SLACK = 1e-9


# ---------------------------------------------------------------------------
# Shaping the distribution
# ---------------------------------------------------------------------------

def _check_options(temperature: Any, top_k: Any, top_p: Any) -> tuple[float, int | None, float | None]:
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(float(temperature)) or float(temperature) <= 0:
        raise ValueError(
            f"temperature must be a positive number such as 0.8 or 1.0, got {temperature!r}; "
            "for the single most likely token use top_k=1"
        )
    if top_k is not None:
        if isinstance(top_k, (bool, np.bool_)) or not isinstance(top_k, numbers.Integral) or int(top_k) < 1:
            raise ValueError(f"top_k must be a whole number >= 1 (or None to keep every token), got {top_k!r}")
        top_k = int(top_k)
    if top_p is not None:
        if isinstance(top_p, (bool, np.bool_)) or not isinstance(top_p, numbers.Real) \
                or not math.isfinite(float(top_p)) or not 0 < float(top_p) <= 1:
            raise ValueError(f"top_p must be a number with 0 < top_p <= 1 (or None to keep every token), got {top_p!r}")
        top_p = float(top_p)
    return float(temperature), top_k, top_p


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _filter_numpy(z: np.ndarray, temperature: float, top_k: int | None, top_p: float | None) -> np.ndarray:
    z = z / temperature
    vocab = z.shape[-1]
    if top_k is not None and top_k < vocab:
        # Ties with the k-th largest logit are kept: no arbitrary tie-breaking.
        kth = np.sort(z, axis=-1)[..., vocab - top_k][..., None]
        z = np.where(z >= kth, z, -np.inf)
    if top_p is not None and top_p < 1:
        order = np.argsort(-z, axis=-1, kind="stable")
        ranked = np.take_along_axis(z, order, axis=-1)
        p = np.exp(ranked - ranked[..., :1])
        p /= p.sum(axis=-1, keepdims=True)
        mass_before = np.cumsum(p, axis=-1) - p
        keep_ranked = mass_before < top_p - _TOP_P_SLACK  # the first token always has mass_before = 0
        keep = np.empty_like(keep_ranked)
        np.put_along_axis(keep, order, keep_ranked, axis=-1)
        z = np.where(keep, z, -np.inf)
    return z


def _filter_torch(z: "torch.Tensor", temperature: float, top_k: int | None,
                  top_p: float | None) -> "torch.Tensor":
    import torch

    z = z / temperature
    vocab = z.shape[-1]
    neg_inf = torch.tensor(float("-inf"), dtype=z.dtype, device=z.device)
    if top_k is not None and top_k < vocab:
        kth = torch.topk(z, top_k, dim=-1).values[..., -1:]
        z = torch.where(z >= kth, z, neg_inf)
    if top_p is not None and top_p < 1:
        ranked, order = torch.sort(z, dim=-1, descending=True, stable=True)
        p = torch.softmax(ranked.double(), dim=-1)
        mass_before = torch.cumsum(p, dim=-1) - p
        keep_ranked = mass_before < top_p - _TOP_P_SLACK
        keep = torch.empty_like(keep_ranked).scatter_(-1, order, keep_ranked)
        z = torch.where(keep, z, neg_inf)
    return z


def filter_logits(logits: Any, *, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None) -> Any:
    """Apply temperature, top-k and top-p to logits (a pure function).

    Notebook: ``11_generation_and_memorization.ipynb``.

    The steps run in this order, along the last axis (the vocabulary):

    1. divide by ``temperature``;
    2. top-k: keep the ``top_k`` largest logits (tokens tied with the k-th
       largest are kept too, so more than ``k`` survive only on exact ties);
    3. top-p: turn what is left into probabilities, sort them from most to
       least likely, and keep the *smallest* set of most likely tokens whose
       probabilities add up to at least ``top_p``. The most likely token is
       always kept, so sampling never runs out of tokens.

    Removed tokens get the logit ``-inf`` (probability 0 after a softmax).

    Parameters
    ----------
    logits : np.ndarray or torch.Tensor, shape (..., vocab_size)
        Unnormalised scores; ``-inf`` marks tokens that are already excluded.
        At least one entry per row must be finite.
    temperature : float, default 1.0
        > 0. Below 1 sharpens, above 1 flattens the distribution.
    top_k : int or None, default None
        >= 1; None keeps every token. A ``top_k`` larger than the vocabulary
        keeps every token.
    top_p : float or None, default None
        0 < top_p <= 1; None (or 1.0) keeps every token.

    Returns
    -------
    np.ndarray (float64) or torch.Tensor (same dtype and device as the input)
        The scaled logits with removed tokens set to ``-inf``; same shape.

    Raises
    ------
    ValueError
        An option is out of range, the logits are empty, contain NaN, or a
        row is entirely ``-inf``.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.generate import filter_logits
    >>> z = np.log([0.5, 0.3, 0.15, 0.05])
    >>> np.isfinite(filter_logits(z, top_k=2))
    array([ True,  True, False, False])
    >>> np.isfinite(filter_logits(z, top_p=0.8))       # 0.5 + 0.3 reaches 0.8
    array([ True,  True, False, False])
    >>> np.isfinite(filter_logits(z, top_p=0.81))
    array([ True,  True,  True, False])
    >>> filter_logits(np.array([2.0, 0.0]), temperature=0.5)
    array([4., 0.])
    """
    temperature, top_k, top_p = _check_options(temperature, top_k, top_p)
    if _is_torch(logits):
        import torch

        z = logits.detach()
        if not torch.is_floating_point(z):
            z = z.double()
        _check_logit_values(z.ndim, tuple(z.shape), bool(torch.isnan(z).any()), bool(torch.isposinf(z).any()),
                            lambda: bool(torch.isneginf(z).all(dim=-1).any()))
        return _filter_torch(z, temperature, top_k, top_p)
    try:
        z = np.asarray(logits, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"logits must be a NumPy array or torch tensor of numbers, got {type(logits).__name__}"
        ) from None
    _check_logit_values(z.ndim, z.shape, bool(np.isnan(z).any()), bool(np.isposinf(z).any()),
                        lambda: bool(np.isneginf(z).all(axis=-1).any()))
    return _filter_numpy(z, temperature, top_k, top_p)


def _check_logit_values(ndim: int, shape: tuple, has_nan: bool, has_posinf: bool, row_all_masked) -> None:
    if ndim == 0 or shape[-1] == 0 or 0 in shape:
        raise ValueError("logits must have at least one entry along the last axis (one score per token)")
    if has_nan:
        raise ValueError("logits contain NaN: the model's output is broken (check its training loss)")
    if has_posinf:
        raise ValueError("logits contain +inf; give finite scores (or -inf for excluded tokens)")
    if row_all_masked():
        raise ValueError("every logit of a row is -inf, so no token can be chosen; leave at least one token allowed")


def probabilities(logits: Any, *, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None) -> np.ndarray:
    """The sampling distribution: softmax of :func:`filter_logits`.

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    logits : np.ndarray or torch.Tensor, shape (..., vocab_size)
        Unnormalised scores.
    temperature, top_k, top_p
        As in :func:`filter_logits`.

    Returns
    -------
    np.ndarray, float64, shape (..., vocab_size)
        Non-negative, each row sums to 1; removed tokens have probability 0.

    Examples
    --------
    >>> import numpy as np
    >>> from musiclearn.generate import probabilities
    >>> probabilities(np.log([0.5, 0.3, 0.2]), top_k=2).round(3)
    array([0.625, 0.375, 0.   ])
    """
    z = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    if _is_torch(z):
        z = z.detach().cpu().double().numpy()
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# Sampling from a model
# ---------------------------------------------------------------------------

def _check_ids(ids: Any, name: str) -> list[int]:
    if _is_torch(ids):
        ids = ids.detach().cpu().reshape(-1).tolist()
    elif isinstance(ids, np.ndarray):
        if ids.ndim != 1:
            raise ValueError(f"{name} must be one sequence of token ids (1-D), got an array of shape {ids.shape}")
        ids = ids.tolist()
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Sequence):
        raise ValueError(f"{name} must be a list of token ids (ints), got {type(ids).__name__}")
    out = []
    for i, value in enumerate(ids):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or int(value) < 0:
            raise ValueError(f"{name}[{i}] must be a token id (an int >= 0), got {value!r}; "
                             "encode melodies with a tokenizer first")
        out.append(int(value))
    if not out:
        raise ValueError(f"{name} is empty: start from at least one token, e.g. [tokenizer.bos_id]")
    return out


def _check_steps(steps: Any) -> int:
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral) or int(steps) < 0:
        raise ValueError(f"steps must be a whole number >= 0 (how many tokens to add), got {steps!r}")
    return int(steps)


def _model_device(model: Any, device: Any) -> "torch.device":
    import torch

    if device is not None:
        return torch.device(device)
    for tensor in list(model.parameters())[:1] + list(model.buffers())[:1]:
        return tensor.device
    return torch.device("cpu")


def _context_limit(model: Any, max_context: int | None) -> int | None:
    if max_context is None:
        max_context = getattr(model, "max_len", None)
    if max_context is None:
        return None
    if isinstance(max_context, bool) or not isinstance(max_context, numbers.Integral) or int(max_context) < 1:
        raise ValueError(f"max_context must be a whole number >= 1 or None, got {max_context!r}")
    return int(max_context)


def _last_logits(model: Any, batch: "torch.Tensor") -> "torch.Tensor":
    import torch

    out = model(batch)
    if isinstance(out, (tuple, list)):  # e.g. (logits, hidden state)
        out = out[0]
    if not isinstance(out, torch.Tensor) or out.ndim != 3 or out.shape[:2] != batch.shape:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(
            f"the model must map token ids of shape (batch, time) = {tuple(batch.shape)} to logits of shape "
            f"(batch, time, vocab_size), but it returned {shape}"
        )
    last = out[:, -1, :].float()
    if torch.isnan(last).any():
        raise ValueError("the model produced NaN logits; it is broken (was its training loss NaN?)")
    return last


def _torch_generator(seed: int | None) -> "torch.Generator":
    import torch

    generator = torch.Generator(device="cpu")
    if seed is None:
        generator.seed()
    else:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
            raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
        generator.manual_seed(int(seed))
    return generator


class _EvalMode:
    """Put a model in eval mode inside ``torch.no_grad()``, restoring its mode afterwards."""

    def __init__(self, model: Any) -> None:
        import torch

        if not isinstance(model, torch.nn.Module):
            raise ValueError(
                f"model must be a torch.nn.Module mapping token ids (batch, time) to logits "
                f"(batch, time, vocab_size), got {type(model).__name__}"
            )
        self.model = model
        self.no_grad = torch.no_grad()

    def __enter__(self) -> None:
        self.was_training = self.model.training
        self.model.eval()
        self.no_grad.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.no_grad.__exit__(*exc)
        self.model.train(self.was_training)


def sample(model: "torch.nn.Module", prompt_ids: Sequence[int], *, steps: int, temperature: float = 1.0,
           top_k: int | None = None, top_p: float | None = None, seed: int | None = None,
           end_id: int | None = None, device: Any = None, max_context: int | None = None) -> list[int]:
    """Generate a continuation of ``prompt_ids``, one token at a time.

    Notebook: ``11_generation_and_memorization.ipynb``.

    Each step runs the model on the sequence so far, shapes the logits of the
    last position with :func:`filter_logits`, and draws the next token. The
    draw uses a ``torch.Generator`` seeded with ``seed`` on the CPU, so the
    same model, prompt, options and seed give the same tokens on any device.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ids ``(batch, time)`` (LongTensor) to logits ``(batch, time,
        vocab_size)``, causally (as ``musiclearn.models``' language models).
        It is run in eval mode without gradients and put back in the mode it
        was in.
    prompt_ids : sequence of int
        Where to start, e.g. ``[tokenizer.bos_id]`` or an encoded tune's start.
    steps : int
        The most tokens to add (fewer if ``end_id`` is drawn first).
    temperature, top_k, top_p
        As in :func:`filter_logits`.
    seed : int or None, default None
        Seed of the random draws; None draws a fresh seed (a different tune
        every call).
    end_id : int or None, default None
        Stop after this token is drawn (it is included), e.g. ``tokenizer.eos_id``.
    device : str or torch.device, optional
        Where to run the model; default the device of its parameters.
    max_context : int, optional
        Feed the model at most this many most recent tokens. Default: the
        model's ``max_len`` attribute when it has one (a transformer's
        position table), else the whole sequence.

    Returns
    -------
    list of int
        The prompt followed by the generated ids: ``len(prompt_ids) + steps``
        ids, or fewer when ``end_id`` was drawn.

    Raises
    ------
    ValueError
        Bad options, an empty prompt or one with ids outside the model's
        vocabulary, a model output of the wrong shape, or NaN logits.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.generate import sample
    >>> class Uniform(torch.nn.Module):                     # 5 equally likely tokens
    ...     def forward(self, ids):
    ...         return torch.zeros(*ids.shape, 5)
    >>> ids = sample(Uniform(), [0], steps=6, seed=1)
    >>> len(ids), ids == sample(Uniform(), [0], steps=6, seed=1)
    (7, True)
    """
    import torch

    temperature, top_k, top_p = _check_options(temperature, top_k, top_p)
    ids = _check_ids(prompt_ids, "prompt_ids")
    steps = _check_steps(steps)
    if end_id is not None and (isinstance(end_id, bool) or not isinstance(end_id, numbers.Integral)):
        raise ValueError(f"end_id must be a token id (int) or None, got {end_id!r}")
    limit = _context_limit(model, max_context)
    generator = _torch_generator(seed)
    with _EvalMode(model):
        dev = _model_device(model, device)
        for step in range(steps):
            context = ids if limit is None else ids[-limit:]
            batch = torch.tensor([context], dtype=torch.long, device=dev)
            logits = _last_logits(model, batch)
            if step == 0:
                vocab = logits.shape[-1]
                bad = [i for i in ids if i >= vocab]
                if bad:
                    raise ValueError(f"prompt_ids holds id {bad[0]}, but the model knows only {vocab} tokens "
                                     f"(ids 0..{vocab - 1}); was it encoded with the same tokenizer?")
            probs = torch.softmax(filter_logits(logits.cpu().double(), temperature=temperature,
                                                top_k=top_k, top_p=top_p), dim=-1)
            token = int(torch.multinomial(probs[0], 1, generator=generator).item())
            ids.append(token)
            if end_id is not None and token == int(end_id):
                break
    return ids


def sample_many(model: "torch.nn.Module", prompt_ids: Sequence[int], *, n: int, steps: int,
                temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
                seed: int | None = None, end_id: int | None = None, device: Any = None,
                max_context: int | None = None) -> list[list[int]]:
    """Generate ``n`` sequences from the same prompt at once (one batch).

    Notebook: ``11_generation_and_memorization.ipynb``.

    Faster than ``n`` calls of :func:`sample` because the model runs on all
    sequences together. Sequences that draw ``end_id`` stop there; the others
    go on. Reproducible with ``seed`` (the tokens differ from :func:`sample`'s
    with the same seed, as the random numbers are drawn in another order).

    Parameters
    ----------
    model, prompt_ids, steps, temperature, top_k, top_p, seed, end_id, device, max_context
        As in :func:`sample`.
    n : int
        How many sequences, >= 1.

    Returns
    -------
    list of list of int
        ``n`` sequences, each the prompt followed by its generated ids (ending
        with ``end_id`` when it was drawn).

    Examples
    --------
    >>> import torch
    >>> from musiclearn.generate import sample_many
    >>> class Uniform(torch.nn.Module):
    ...     def forward(self, ids):
    ...         return torch.zeros(*ids.shape, 5)
    >>> tunes = sample_many(Uniform(), [0], n=3, steps=4, seed=0)
    >>> [len(t) for t in tunes]
    [5, 5, 5]
    """
    import torch

    temperature, top_k, top_p = _check_options(temperature, top_k, top_p)
    prompt = _check_ids(prompt_ids, "prompt_ids")
    steps = _check_steps(steps)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < 1:
        raise ValueError(f"n must be a whole number >= 1 (how many sequences), got {n!r}")
    n = int(n)
    if end_id is not None and (isinstance(end_id, bool) or not isinstance(end_id, numbers.Integral)):
        raise ValueError(f"end_id must be a token id (int) or None, got {end_id!r}")
    limit = _context_limit(model, max_context)
    generator = _torch_generator(seed)
    sequences = [list(prompt) for _ in range(n)]
    with _EvalMode(model):
        dev = _model_device(model, device)
        running = list(range(n))
        for step in range(steps):
            if not running:
                break
            # Running sequences all have the same length: they started together and none has stopped.
            rows = [sequences[i] if limit is None else sequences[i][-limit:] for i in running]
            batch = torch.tensor(rows, dtype=torch.long, device=dev)
            logits = _last_logits(model, batch)
            if step == 0 and max(prompt) >= logits.shape[-1]:
                raise ValueError(f"prompt_ids holds id {max(prompt)}, but the model knows only "
                                 f"{logits.shape[-1]} tokens; was it encoded with the same tokenizer?")
            probs = torch.softmax(filter_logits(logits.cpu().double(), temperature=temperature,
                                                top_k=top_k, top_p=top_p), dim=-1)
            drawn = torch.multinomial(probs, 1, generator=generator)[:, 0].tolist()
            still = []
            for i, token in zip(running, drawn):
                sequences[i].append(int(token))
                if end_id is None or int(token) != int(end_id):
                    still.append(i)
            running = still
    return sequences


def _decode(tokenizer: Any, ids: list[int]) -> "Melody":
    """``tokenizer.decode`` without its repair warnings; a (melody, report) pair is unpacked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = tokenizer.decode(ids)
    if isinstance(out, tuple):
        out = out[0]
    return out


def continue_tune(model: "torch.nn.Module", tokenizer: Any, melody: "Melody", *, n_prompt_notes: int = 8,
                  steps: int = 64, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None, seed: int | None = None, device: Any = None,
                  stop_at_end: bool = True) -> "Melody":
    """Let the model continue the first notes of a real tune.

    Notebook: ``11_generation_and_memorization.ipynb``.

    The first ``n_prompt_notes`` notes of ``melody`` are encoded (keeping its
    title, key and time signature, without the end token), :func:`sample`
    adds up to ``steps`` tokens, and the tokenizer decodes the result.

    Parameters
    ----------
    model : torch.nn.Module
        A language model over the tokenizer's vocabulary.
    tokenizer : object
        With ``encode(melody) -> list[int]``, ``decode(ids) -> Melody`` and
        ``eos_id`` (``musiclearn.tokens.EventTokenizer``).
    melody : corpus.Melody
        The tune to continue.
    n_prompt_notes : int, default 8
        How many of its notes to give the model (1 .. ``len(melody)``).
    steps : int, default 64
        The most tokens to generate (a note may take more than one token).
    temperature, top_k, top_p, seed, device
        As in :func:`sample`; the same seed gives the same continuation.
    stop_at_end : bool, default True
        Stop when the model emits the end-of-tune token.

    Returns
    -------
    corpus.Melody
        The prompt's notes followed by the model's. Its ``source`` reads
        ``"<melody.source> continued"``. Invalid token sequences are repaired
        by the tokenizer's ``decode`` (its warnings are silenced here).

    Examples
    --------
    >>> import musiclearn
    >>> from musiclearn import corpus, generate, models, tokens
    >>> tok = tokens.EventTokenizer()
    >>> tune = corpus.melodies("kinder0")[0]
    >>> musiclearn.seed_everything(0)
    >>> model = models.LSTMLanguageModel(len(tok))   # untrained here: random notes after the prompt
    >>> new = generate.continue_tune(model, tok, tune, n_prompt_notes=8, seed=3)
    >>> new.pitches[:8] == tune.pitches[:8]
    True
    >>> new.source
    'kinder0:0 continued'
    """
    notes = getattr(melody, "notes", None)
    if notes is None:
        raise ValueError(f"melody must be a corpus.Melody (e.g. from corpus.melodies), got {type(melody).__name__}")
    if isinstance(n_prompt_notes, bool) or not isinstance(n_prompt_notes, numbers.Integral) \
            or not 1 <= int(n_prompt_notes) <= len(notes):
        raise ValueError(f"n_prompt_notes must be a whole number from 1 to the tune's {len(notes)} notes, "
                         f"got {n_prompt_notes!r}")
    head = dataclasses.replace(melody, notes=tuple(notes[: int(n_prompt_notes)]))
    prompt = list(tokenizer.encode(head))
    eos = getattr(tokenizer, "eos_id", None)
    while prompt and eos is not None and prompt[-1] == eos:
        prompt.pop()
    ids = sample(model, prompt, steps=steps, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed,
                 end_id=eos if stop_at_end else None, device=device)
    result = _decode(tokenizer, ids)
    source = f"{getattr(melody, 'source', '')} continued".strip()
    try:
        return dataclasses.replace(result, source=source, title=getattr(melody, "title", ""))
    except (TypeError, ValueError):
        return result


# ---------------------------------------------------------------------------
# Listening and exporting
# ---------------------------------------------------------------------------

def melody_events(melody: Any) -> tuple[list[int | None], list[float]]:
    """A melody as the (pitch or rest, duration) events ``midi.from_notes`` takes.

    Notebook: ``11_generation_and_memorization.ipynb``.

    A gap between one note's end and the next note's start becomes a rest
    (``None``); a note that lasts beyond the next note's start is cut short
    there, and of notes starting together only the last one is kept (a
    melody is monophonic).

    Parameters
    ----------
    melody : corpus.Melody, sequence of corpus.Note, or sequence of int
        Notes with offsets and durations in quarter notes, or plain MIDI
        pitches (each then lasts one quarter note; ``None`` is a quarter-note
        rest), read by the rule of :mod:`musiclearn.melody`.

    Returns
    -------
    pitches : list of int or None
        MIDI note numbers; None for a rest.
    durations : list of float
        Quarter notes, all > 0.

    Examples
    --------
    >>> from musiclearn.corpus import Melody, Note
    >>> from musiclearn.generate import melody_events
    >>> melody_events(Melody([Note(60, 1.0, 0.5), Note(62, 1.0, 2.0)]))
    ([None, 60, None, 62], [0.5, 1.0, 0.5, 1.0])
    """
    notes = as_melody(melody).notes
    out_pitches: list[int | None] = []
    out_durations: list[float] = []
    clock = 0.0
    eps = 1e-9
    for i, note in enumerate(notes):
        start = float(note.offset)
        following = [n.offset for n in notes[i + 1:i + 2]]
        end = float(note.offset + note.duration)
        if following and following[0] < end:
            end = float(following[0])
        if end - start <= eps:  # a later note starts at the same time: it wins
            continue
        if start - clock > eps:
            out_pitches.append(None)
            out_durations.append(start - clock)
        out_pitches.append(int(note.pitch))
        out_durations.append(end - start)
        clock = end
    return out_pitches, out_durations


def _check_bpm(bpm: Any) -> float:
    if isinstance(bpm, (bool, np.bool_)) or not isinstance(bpm, numbers.Real) \
            or not math.isfinite(float(bpm)) or float(bpm) <= 0:
        raise ValueError(f"bpm must be a positive number of quarter notes per minute such as 100, got {bpm!r}")
    return float(bpm)


def to_midi(melody: Any, *, program: int = 0, bpm: float = 100.0, velocity: int = 90) -> "pretty_midi.PrettyMIDI":
    """A melody as a one-instrument MIDI object (via ``musiclearn.midi.from_notes``).

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    melody : corpus.Melody or sequence of int
        The tune (see :func:`melody_events` for how gaps and overlaps are read).
    program : int, default 0
        General MIDI instrument 0..127 (0 piano, 40 violin, 73 flute).
    bpm : float, default 100
        Tempo in quarter notes per minute.
    velocity : int, default 90
        Loudness of every note, 1..127.

    Returns
    -------
    pretty_midi.PrettyMIDI
        Note times in seconds (one quarter note lasts ``60 / bpm`` s).

    Examples
    --------
    >>> from musiclearn.generate import to_midi
    >>> pm = to_midi([60, 64, 67], bpm=60)
    >>> [(n.pitch, n.start, n.end) for n in pm.instruments[0].notes]
    [(60, 0.0, 1.0), (64, 1.0, 2.0), (67, 2.0, 3.0)]
    """
    from . import midi

    pitches, durations = melody_events(melody)
    return midi.from_notes(pitches, durations, program=program, bpm=_check_bpm(bpm), velocity=velocity)


def to_audio(melody: Any, *, sr: int = 22050, program: int = 0, bpm: float = 100.0) -> np.ndarray:
    """Render a melody to samples (FluidSynth instruments, or sine waves without it).

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    melody : corpus.Melody or sequence of int
        The tune.
    sr : int, default 22050
        Sampling rate in Hz.
    program : int, default 0
        General MIDI instrument 0..127.
    bpm : float, default 100
        Tempo in quarter notes per minute.

    Returns
    -------
    np.ndarray, float32, shape (n,)
        Mono samples, peak 1.0 (see ``musiclearn.midi.render``).

    Examples
    --------
    >>> from musiclearn.generate import to_audio
    >>> y = to_audio([69, 72], sr=16000, bpm=120)      # two half-second notes
    >>> y.dtype, len(y) >= 16000
    (dtype('float32'), True)
    """
    from . import midi

    return midi.render(to_midi(melody, program=program, bpm=bpm), sr=sr)


def save_midi(melody: Any, path: PathLike, *, program: int = 0, bpm: float = 100.0) -> Path:
    """Write a melody to a Standard MIDI File (atomically, via ``musiclearn.midi.write``).

    Notebook: ``11_generation_and_memorization.ipynb``.

    Parameters
    ----------
    melody : corpus.Melody or sequence of int
        The tune.
    path : str or os.PathLike
        Destination, e.g. ``"generated.mid"``; missing folders are created.
    program : int, default 0
        General MIDI instrument 0..127.
    bpm : float, default 100
        Tempo in quarter notes per minute.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from musiclearn.generate import save_midi
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_midi([60, 62, 64], folder / "three_notes.mid").name
    'three_notes.mid'
    """
    from . import midi

    return midi.write(to_midi(melody, program=program, bpm=bpm), path)
