"""Neural language models of token sequences: an LSTM and a small causal transformer.

Notebook: ``10_rnn_and_transformer.ipynb`` teaches this module (recurrence vs
causal self-attention, positions, the kinder benchmark); notebook
``09_baselines_and_training_loop.ipynb`` trains its first model with
:mod:`musiclearn.train`.

Both models map a batch of token ids ``(batch, time)`` to next-token logits
``(batch, time, vocab_size)``: the logits at step ``t`` are the model's guess
for token ``t + 1`` and depend on tokens ``0 .. t`` only (*causal*). Neither
is recurrent in the same sense: the LSTM carries a state from step to step,
the transformer looks back at every earlier step at once through masked
self-attention (``torch.nn.functional.scaled_dot_product_attention`` with
``is_causal=True``).

Extra inputs
------------
Both accept optional *categorical features* per step beside the token ids,
e.g. the scale degree or the metrical position of the note just heard. Build
the model with ``feature_sizes=(n1, n2, ...)`` (the number of values of each
feature) and call it with ``features``, a LongTensor ``(batch, time,
len(feature_sizes))``; each feature has its own embedding, added to the token
embedding. Features at step ``t`` must describe only what is known at step
``t`` (tokens ``0 .. t`` and the whole piece's metadata), or the model is no
longer causal.

torch is imported when this module is, so ``import musiclearn`` stays light
until you touch ``musiclearn.models``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from . import _validate

__all__ = ["LSTMLanguageModel", "TransformerLanguageModel", "count_parameters"]


def count_parameters(model: nn.Module, *, trainable_only: bool = True) -> int:
    """Number of parameters (weights and biases) in ``model``.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    model : torch.nn.Module
        Any module.
    trainable_only : bool, default True
        Count only parameters with ``requires_grad``.

    Returns
    -------
    int

    Examples
    --------
    >>> from torch import nn
    >>> from musiclearn.models import count_parameters
    >>> count_parameters(nn.Linear(3, 2))   # 3*2 weights + 2 biases
    8
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"count_parameters needs a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _check_dropout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"dropout must be a probability in [0, 1), got {value!r}")
    return float(value)


class _Inputs(nn.Module):
    """Token embedding plus one embedding per categorical feature, summed."""

    def __init__(self, vocab_size: int, dim: int, feature_sizes: Sequence[int]) -> None:
        super().__init__()
        self.vocab_size = _validate.positive_int(vocab_size, "vocab_size")
        sizes = tuple(feature_sizes)
        for size in sizes:
            _validate.positive_int(size, "each of feature_sizes")
        self.feature_sizes = sizes
        self.token = nn.Embedding(vocab_size, dim)
        self.features = nn.ModuleList(nn.Embedding(size, dim) for size in sizes)

    def check(self, ids: torch.Tensor, features: torch.Tensor | None) -> None:
        if not isinstance(ids, torch.Tensor) or ids.dim() != 2:
            shape = tuple(ids.shape) if isinstance(ids, torch.Tensor) else type(ids).__name__
            raise ValueError(
                f"ids must be a LongTensor of shape (batch, time), got {shape}; "
                "for one sequence pass ids[None]"
            )
        if ids.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"ids must hold integer token ids (torch.long), got dtype {ids.dtype}")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.vocab_size):
            raise ValueError(
                f"token ids must lie in [0, {self.vocab_size}) (vocab_size), got values "
                f"from {int(ids.min())} to {int(ids.max())}"
            )
        if not self.feature_sizes:
            if features is not None:
                raise ValueError("this model was built without feature_sizes; call it without features")
            return
        expected = (*ids.shape, len(self.feature_sizes))
        if features is None or not isinstance(features, torch.Tensor) or tuple(features.shape) != expected:
            got = None if features is None else tuple(getattr(features, "shape", ()))
            raise ValueError(
                f"this model needs features of shape (batch, time, {len(self.feature_sizes)}) = {expected}, got {got}"
            )
        if features.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"features must hold integer category ids (torch.long), got dtype {features.dtype}")
        if features.numel():
            low = features.amin(dim=(0, 1))
            high = features.amax(dim=(0, 1))
            for j, size in enumerate(self.feature_sizes):
                if int(low[j]) < 0 or int(high[j]) >= size:
                    raise ValueError(
                        f"feature {j} must take values in [0, {size}), got values from {int(low[j])} to {int(high[j])}"
                    )

    def forward(self, ids: torch.Tensor, features: torch.Tensor | None) -> torch.Tensor:
        x = self.token(ids)
        for j, embed in enumerate(self.features):
            x = x + embed(features[..., j])  # type: ignore[index]
        return x


class LSTMLanguageModel(nn.Module):
    """A next-token model: embedding → LSTM layers → linear layer over the vocabulary.

    Notebook: ``10_rnn_and_transformer.ipynb`` builds it;
    ``09_baselines_and_training_loop.ipynb`` trains a first one.

    Parameters
    ----------
    vocab_size : int
        Number of distinct token ids (inputs and outputs).
    embed_dim : int, default 64
        Size of the token embedding.
    hidden_size : int, default 256
        Size of the LSTM state.
    num_layers : int, default 2
        Stacked LSTM layers.
    dropout : float, default 0.2
        Dropout on the embeddings, between LSTM layers and before the output.
    feature_sizes : sequence of int, default ()
        Number of categories of each extra per-step input feature (module
        docstring); empty for a token-only model.

    Examples
    --------
    >>> import torch
    >>> from musiclearn.models import LSTMLanguageModel
    >>> model = LSTMLanguageModel(10, embed_dim=8, hidden_size=16, num_layers=1)
    >>> model(torch.zeros(2, 5, dtype=torch.long)).shape
    torch.Size([2, 5, 10])
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        embed_dim: int = 64,
        hidden_size: int = 256,
        num_layers: int = 2,
        dropout: float = 0.2,
        feature_sizes: Sequence[int] = (),
    ) -> None:
        super().__init__()
        _validate.positive_int(embed_dim, "embed_dim")
        _validate.positive_int(hidden_size, "hidden_size")
        _validate.positive_int(num_layers, "num_layers")
        dropout = _check_dropout(dropout)
        self.config = dict(vocab_size=vocab_size, embed_dim=embed_dim, hidden_size=hidden_size,
                           num_layers=num_layers, dropout=dropout, feature_sizes=list(feature_sizes))
        self.inputs = _Inputs(vocab_size, embed_dim, feature_sizes)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, features: torch.Tensor | None = None) -> torch.Tensor:
        """Next-token logits.

        Parameters
        ----------
        ids : torch.LongTensor, shape (batch, time)
            Token ids.
        features : torch.LongTensor, shape (batch, time, n_features), optional
            Required exactly when the model was built with ``feature_sizes``.

        Returns
        -------
        torch.Tensor, shape (batch, time, vocab_size)
            Unnormalised scores; ``log_softmax`` over the last axis gives
            log-probabilities of the next token.
        """
        self.inputs.check(ids, features)
        x = self.drop(self.inputs(ids.long(), None if features is None else features.long()))
        out, _ = self.lstm(x)
        return self.head(self.drop(out))


class _Block(nn.Module):
    """Pre-norm transformer block: causal self-attention, then a feed-forward layer."""

    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.norm1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.drop = nn.Dropout(dropout)
        self.dropout = dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, time, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=-1)
        # (batch, heads, time, head_dim)
        q, k, v = (t.view(batch, time, self.n_heads, d // self.n_heads).transpose(1, 2) for t in (q, k, v))
        attn = F.scaled_dot_product_attention(
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )
        x = x + self.drop(self.proj(attn.transpose(1, 2).reshape(batch, time, d)))
        return x + self.drop(self.ff(self.norm2(x)))

    def attention_weights(self, x: torch.Tensor) -> torch.Tensor:
        """The softmax weights ``forward`` applies to the values: ``(batch, heads, time, time)``."""
        batch, time, d = x.shape
        q, k, _ = self.qkv(self.norm1(x)).split(d, dim=-1)
        q, k = (t.view(batch, time, self.n_heads, d // self.n_heads).transpose(1, 2) for t in (q, k))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.n_heads)
        future = torch.ones(time, time, dtype=torch.bool, device=x.device).triu(1)
        # exp(-inf) is exactly 0: the future gets no weight at all, not just a tiny one.
        return torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)


def _sinusoids(max_len: int, d_model: int) -> torch.Tensor:
    """The fixed positional encoding of Vaswani et al. (2017): sines and cosines of geometric wavelengths."""
    position = torch.arange(max_len, dtype=torch.float32)[:, None]
    rate = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    table = torch.zeros(max_len, d_model)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate[: d_model // 2])
    return table


class TransformerLanguageModel(nn.Module):
    """A small decoder-only (causal) transformer language model.

    Notebook: ``10_rnn_and_transformer.ipynb``.

    Parameters
    ----------
    vocab_size : int
        Number of distinct token ids.
    d_model : int, default 128
        Width of every layer; divisible by ``n_heads`` (and even for
        sinusoidal positions).
    n_heads : int, default 4
        Attention heads per layer.
    n_layers : int, default 4
        Transformer blocks.
    max_len : int, default 512
        Longest sequence (in tokens) the model accepts.
    dropout : float, default 0.1
        Dropout on embeddings, attention weights and residual branches.
    positions : {"learned", "sinusoidal"}, default "learned"
        A trained embedding per position, or the fixed sinusoids of
        Vaswani et al. (2017).
    feature_sizes : sequence of int, default ()
        Number of categories of each extra per-step input feature (module
        docstring).
    tie_weights : bool, default True
        Share the token embedding with the output layer (fewer parameters,
        usually better on small data).

    Examples
    --------
    >>> import torch
    >>> from musiclearn.models import TransformerLanguageModel
    >>> model = TransformerLanguageModel(10, d_model=16, n_heads=2, n_layers=1, max_len=32)
    >>> model(torch.zeros(2, 5, dtype=torch.long)).shape
    torch.Size([2, 5, 10])
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        d_model: int = 128,
        n_heads: int = 4,
        n_layers: int = 4,
        max_len: int = 512,
        dropout: float = 0.1,
        positions: str = "learned",
        feature_sizes: Sequence[int] = (),
        tie_weights: bool = True,
    ) -> None:
        super().__init__()
        _validate.positive_int(d_model, "d_model")
        _validate.positive_int(n_heads, "n_heads")
        _validate.positive_int(n_layers, "n_layers")
        _validate.positive_int(max_len, "max_len")
        dropout = _check_dropout(dropout)
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        if positions not in ("learned", "sinusoidal"):
            raise ValueError(f"positions must be 'learned' or 'sinusoidal', got {positions!r}")
        if positions == "sinusoidal" and d_model % 2:
            raise ValueError(f"sinusoidal positions need an even d_model, got {d_model}")
        self.config = dict(vocab_size=vocab_size, d_model=d_model, n_heads=n_heads, n_layers=n_layers,
                           max_len=max_len, dropout=dropout, positions=positions,
                           feature_sizes=list(feature_sizes), tie_weights=bool(tie_weights))
        self.max_len = max_len
        self.positions = positions
        self.inputs = _Inputs(vocab_size, d_model, feature_sizes)
        if positions == "learned":
            self.position = nn.Embedding(max_len, d_model)
        else:
            self.register_buffer("sinusoids", _sinusoids(max_len, d_model), persistent=False)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(_Block(d_model, n_heads, dropout) for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size, bias=False)
        self.apply(self._init)
        if tie_weights:
            self.head.weight = self.inputs.token.weight

    @staticmethod
    def _init(module: nn.Module) -> None:
        # Small normal weights (as GPT-2) keep early logits near uniform.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, ids: torch.Tensor, features: torch.Tensor | None = None) -> torch.Tensor:
        """Next-token logits.

        Parameters
        ----------
        ids : torch.LongTensor, shape (batch, time)
            Token ids; ``time <= max_len``.
        features : torch.LongTensor, shape (batch, time, n_features), optional
            Required exactly when the model was built with ``feature_sizes``.

        Returns
        -------
        torch.Tensor, shape (batch, time, vocab_size)
        """
        x = self._embed(ids, features)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))

    def _embed(self, ids: torch.Tensor, features: torch.Tensor | None) -> torch.Tensor:
        """Checked inputs → token (+ feature) embeddings + positions, after dropout."""
        self.inputs.check(ids, features)
        time = ids.shape[1]
        if time > self.max_len:
            raise ValueError(
                f"sequence of {time} tokens is longer than max_len={self.max_len}; "
                "build the model with a larger max_len or cut the sequence into windows"
            )
        x = self.inputs(ids.long(), None if features is None else features.long())
        if self.positions == "learned":
            x = x + self.position(torch.arange(time, device=ids.device))
        else:
            x = x + self.sinusoids[:time].to(x.dtype)
        return self.drop(x)

    def attention_weights(self, ids: torch.Tensor, features: torch.Tensor | None = None) -> torch.Tensor:
        """The attention weights of every layer and head: where each position looks.

        Entry ``[layer, b, head, i, j]`` is how much position ``i`` (the
        query) takes from position ``j`` (the key) in that head: the softmax
        of ``q_i · k_j / √d_head`` over ``j``. Each row sums to 1, and the
        causal mask makes every weight on a later position (``j > i``, the
        upper triangle) exactly 0. These are the weights the forward pass
        uses, computed in eval mode (no dropout) without tracking gradients;
        the model's own mode is restored afterwards.

        Notebook: ``10_rnn_and_transformer.ipynb`` reads them to show where
        a trained transformer looks.

        Parameters
        ----------
        ids : torch.LongTensor, shape (batch, time)
            Token ids; ``time <= max_len``.
        features : torch.LongTensor, shape (batch, time, n_features), optional
            Required exactly when the model was built with ``feature_sizes``.

        Returns
        -------
        torch.Tensor, float, shape (n_layers, batch, n_heads, time, time)
            On the model's device; query positions along the second-to-last
            axis, key positions along the last.

        Examples
        --------
        >>> import torch
        >>> from musiclearn.models import TransformerLanguageModel
        >>> model = TransformerLanguageModel(10, d_model=16, n_heads=2, n_layers=3, max_len=32)
        >>> w = model.attention_weights(torch.zeros(4, 5, dtype=torch.long))
        >>> w.shape
        torch.Size([3, 4, 2, 5, 5])
        >>> bool(torch.allclose(w.sum(-1), torch.ones(3, 4, 2, 5))), bool((w.triu(1) == 0).all())
        (True, True)
        """
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                x = self._embed(ids, features)
                layers = []
                for block in self.blocks:
                    layers.append(block.attention_weights(x))
                    x = block(x)
        finally:
            self.train(was_training)
        return torch.stack(layers)
