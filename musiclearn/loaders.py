"""Token sequences as PyTorch batches: next-token datasets, padding, data loaders.

Notebook: ``09_baselines_and_training_loop.ipynb`` builds batches with this
module (``10_rnn_and_transformer.ipynb`` and ``11_generation_and_memorization.ipynb``
reuse it).

A language model learns to predict token ``t + 1`` from tokens ``0 … t``, so
every example is a pair ``(ids[:-1], ids[1:])``: the targets are the inputs
shifted by one. :class:`SequenceDataset` makes those pairs (cutting long
tunes into windows), :func:`pad_batch` stacks pairs of different lengths into
two padded ``(batch, time)`` LongTensors, and :func:`make_loader` wires both
into a seeded ``torch.utils.data.DataLoader``.

Symbolic data hygiene, splits and augmentation are in :mod:`musiclearn.data`
(these names also import from there). torch is imported inside the functions
that need it.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

__all__ = ["SequenceDataset", "pad_batch", "make_loader"]


def _id_sequence(seq: Any, index: int) -> list[int]:
    if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
        raise ValueError(f"sequences[{index}] must be a list of token ids (ints), got {type(seq).__name__}")
    values = seq.tolist() if hasattr(seq, "tolist") else list(seq)
    if not isinstance(values, list):
        raise ValueError(f"sequences[{index}] must be a list of token ids, got a single value {values!r}")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise ValueError(f"sequences[{index}] holds {v!r}; token ids must be non-negative ints "
                             "(from a tokenizer's encode)")
        out.append(int(v))
    return out


class SequenceDataset:
    """Next-token examples from token sequences: ``(ids[:-1], ids[1:])`` per item.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    A map-style dataset (``len`` and indexing), usable by
    ``torch.utils.data.DataLoader``; torch is not needed to build it.

    Parameters
    ----------
    sequences : list of list of int
        Token ids, e.g. from ``EventTokenizer.encode_many``. Sequences shorter
        than 2 tokens have nothing to predict and are left out.
    max_len : int, optional
        Longest input. A longer sequence is cut into windows of ``max_len``
        inputs that overlap by one token, so every target is predicted exactly
        once (later windows start without ``BOS``).

    Examples
    --------
    >>> ds = SequenceDataset([[1, 5, 6, 7, 2]], max_len=2)
    >>> [ds[i] for i in range(len(ds))]
    [([1, 5], [5, 6]), ([6, 7], [7, 2])]
    """

    def __init__(self, sequences: Iterable[Any], *, max_len: int | None = None) -> None:
        if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
            raise ValueError("sequences must be a list of token-id lists (e.g. from tok.encode_many(melodies))")
        if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, numbers.Integral)
                                    or max_len < 1):
            raise ValueError(f"max_len must be a positive whole number of tokens or None, got {max_len!r}")
        self.max_len = None if max_len is None else int(max_len)
        self.items: list[tuple[list[int], list[int]]] = []
        for index, seq in enumerate(sequences):
            ids = _id_sequence(seq, index)
            if len(ids) < 2:
                continue
            if self.max_len is None or len(ids) - 1 <= self.max_len:
                self.items.append((ids[:-1], ids[1:]))
                continue
            for start in range(0, len(ids) - 1, self.max_len):
                chunk = ids[start:start + self.max_len + 1]
                if len(chunk) >= 2:
                    self.items.append((chunk[:-1], chunk[1:]))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[list[int], list[int]]:
        return self.items[index]

    @property
    def n_targets(self) -> int:
        """Tokens to predict in the whole dataset."""
        return sum(len(t) for _, t in self.items)


def pad_batch(items: Sequence[tuple[Sequence[int], Sequence[int]]], *, pad_id: int = 0) -> tuple["torch.Tensor", "torch.Tensor"]:
    """Stack ``(inputs, targets)`` pairs into two padded LongTensors of shape (B, T).

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    items : list of (list of int, list of int)
        As :class:`SequenceDataset` yields them.
    pad_id : int, optional
        Fills the positions after each sequence's end (use the tokenizer's
        ``pad_id``, and ``ignore_index=pad_id`` in the loss).

    Returns
    -------
    inputs, targets : torch.LongTensor, shape (batch, longest length)

    Examples
    --------
    >>> x, y = pad_batch([([1, 5, 6], [5, 6, 2]), ([1, 7], [7, 2])], pad_id=0)
    >>> x.tolist(), y.tolist()
    ([[1, 5, 6], [1, 7, 0]], [[5, 6, 2], [7, 2, 0]])
    """
    import torch

    if not items:
        raise ValueError("cannot make a batch from no sequences")
    longest = max(len(x) for x, _ in items)
    inputs = torch.full((len(items), longest), int(pad_id), dtype=torch.long)
    targets = torch.full((len(items), longest), int(pad_id), dtype=torch.long)
    for row, (x, y) in enumerate(items):
        inputs[row, :len(x)] = torch.as_tensor(list(x), dtype=torch.long)
        targets[row, :len(y)] = torch.as_tensor(list(y), dtype=torch.long)
    return inputs, targets


def make_loader(
    sequences: Iterable[Any],
    *,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int = 0,
    pad_id: int = 0,
    max_len: int | None = None,
    drop_last: bool = False,
) -> "torch.utils.data.DataLoader":
    """A PyTorch DataLoader of padded next-token batches.

    Notebook: ``09_baselines_and_training_loop.ipynb``.

    Parameters
    ----------
    sequences : list of list of int
        Token ids per tune (e.g. ``tok.encode_many(train_melodies)``).
    batch_size : int, optional
        Sequences per batch (default 32).
    shuffle : bool, optional
        Reshuffle every epoch (default True; use False for validation).
    seed : int, optional
        Seeds the shuffling: the same seed gives the same batches, epoch
        after epoch, on any machine (default 0).
    pad_id : int, optional
        Padding id (the tokenizer's ``pad_id``); targets are padded with it
        too, so ``cross_entropy(..., ignore_index=pad_id)`` skips padding.
    max_len : int, optional
        Longest input; longer sequences are cut into windows (see
        :class:`SequenceDataset`).
    drop_last : bool, optional
        Drop a last, smaller batch (default False).

    Returns
    -------
    torch.utils.data.DataLoader
        Yields ``(inputs, targets)``, both LongTensors of shape (B, T), with
        ``targets[:, t] == inputs[:, t + 1]`` inside each sequence. Its
        ``pad_id`` attribute holds the padding id.

    Examples
    --------
    >>> loader = make_loader([[1, 5, 6, 2], [1, 7, 2]], batch_size=2, shuffle=False)
    >>> x, y = next(iter(loader))
    >>> x.tolist(), y.tolist()
    ([[1, 5, 6], [1, 7, 0]], [[5, 6, 2], [7, 2, 0]])
    """
    import torch

    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive whole number of sequences, got {batch_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if isinstance(pad_id, bool) or not isinstance(pad_id, numbers.Integral) or pad_id < 0:
        raise ValueError(f"pad_id must be a non-negative token id (the tokenizer's pad_id), got {pad_id!r}")
    for flag, label in ((shuffle, "shuffle"), (drop_last, "drop_last")):
        if not isinstance(flag, bool):
            raise ValueError(f"{label} must be True or False, got {flag!r}")
    dataset = SequenceDataset(sequences, max_len=max_len)
    if len(dataset) == 0:
        raise ValueError("no sequence has 2 or more tokens, so there is nothing to predict; "
                         "encode some melodies first (tok.encode_many(melodies))")
    generator = torch.Generator()
    generator.manual_seed(int(seed))
    loader = torch.utils.data.DataLoader(
        dataset,  # type: ignore[arg-type]
        batch_size=int(batch_size),
        shuffle=shuffle,
        generator=generator,
        collate_fn=functools.partial(pad_batch, pad_id=int(pad_id)),
        drop_last=drop_last,
    )
    # Training code reads it to leave padding out of the loss (musiclearn.train does).
    loader.pad_id = int(pad_id)  # type: ignore[attr-defined]
    return loader
