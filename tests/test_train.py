"""The training loop: learning, early stopping, checkpoints and resume, NaN, reproducibility."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import musiclearn
from musiclearn.errors import DataError
from musiclearn.models import LSTMLanguageModel, TransformerLanguageModel
from musiclearn.train import History, TrainingError, choose_device, mean_loss, train

V = 6
PAD = 0


pytestmark = pytest.mark.usefixtures("one_torch_thread")   # see tests/conftest.py


def _pattern_data(n: int = 48, length: int = 13, seed: int = 0):
    """Sequences cycling 1 2 3 4 5 from a random start, padded at the end with PAD."""
    g = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(n):
        start = int(torch.randint(0, 5, (1,), generator=g))
        keep = int(torch.randint(6, length + 1, (1,), generator=g))
        seq = [1 + (start + i) % 5 for i in range(keep)] + [PAD] * (length - keep)
        rows.append(seq)
    data = torch.tensor(rows)
    return TensorDataset(data[:, :-1], data[:, 1:])


def _loaders(shuffle=True, kind="torch"):
    if kind == "musiclearn":
        # musiclearn.data's loaders shuffle with their own seeded generator and pad with pad_id.
        from musiclearn.data import make_loader

        def tunes(dataset):
            return [[int(t) for t in torch.cat([x[:1], y]) if t != PAD] for x, y in dataset]

        return (make_loader(tunes(_pattern_data(48, seed=0)), batch_size=8, shuffle=shuffle, seed=5, pad_id=PAD),
                make_loader(tunes(_pattern_data(16, seed=1)), batch_size=8, shuffle=False, pad_id=PAD))
    train_loader = DataLoader(_pattern_data(48, seed=0), batch_size=8, shuffle=shuffle)
    val_loader = DataLoader(_pattern_data(16, seed=1), batch_size=8)
    return train_loader, val_loader


def _lstm():
    return LSTMLanguageModel(V, embed_dim=8, hidden_size=16, num_layers=1, dropout=0.2)


def test_choose_device():
    assert choose_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else None
    if expected:
        assert choose_device().type == "cuda"
    else:
        assert choose_device().type in {"mps", "cpu"}
        with pytest.raises(ValueError, match="no CUDA GPU"):
            choose_device("cuda")
    with pytest.raises(ValueError, match="prefer must be"):
        choose_device("tpu-please")


@pytest.mark.parametrize("make", [_lstm, lambda: TransformerLanguageModel(V, d_model=16, n_heads=2, n_layers=1,
                                                                          max_len=16, dropout=0.0)])
def test_training_learns_a_pattern(make):
    musiclearn.seed_everything(0)
    model = make()
    train_loader, val_loader = _loaders()
    before = mean_loss(model, val_loader, pad_id=PAD)
    history = train(model, train_loader, val_loader, epochs=12, lr=0.02, warmup_steps=5, progress=False,
                    device="cpu", pad_id=PAD)
    assert before == pytest.approx(math.log(V), rel=0.15)  # untrained: close to uniform
    # The pattern is deterministic after the first token: loss far below one nat per token.
    assert history.val_loss[-1] < 0.5 * before
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.epochs == 12 and len(history.val_loss) == len(history.lr) == len(history.seconds) == 12
    assert history.steps == 12 * len(train_loader)
    assert history.best_epoch == min(range(12), key=history.val_loss.__getitem__)
    # The model ends with the best epoch's weights.
    assert mean_loss(model, val_loader, pad_id=PAD) == pytest.approx(history.best_val_loss, rel=1e-6)
    json.dumps(history.to_dict())
    assert History.from_dict(history.to_dict()) == history


def test_learning_rate_warms_up_then_decays_to_zero():
    musiclearn.seed_everything(0)
    train_loader, _ = _loaders()
    history = train(_lstm(), train_loader, epochs=4, lr=0.01, warmup_steps=len(train_loader) * 2,
                    progress=False, device="cpu", pad_id=PAD)
    # After 2 of 4 epochs the warm-up just ended (peak lr); at the end the cosine reaches 0.
    assert history.lr[1] == pytest.approx(0.01)
    assert history.lr[0] < history.lr[1]
    assert history.lr[-1] == pytest.approx(0.0, abs=1e-9)
    assert history.val_loss == [] and history.best_epoch == 3


def test_same_seed_same_loss_curve():
    curves = []
    for _ in range(2):
        musiclearn.seed_everything(3)
        train_loader, val_loader = _loaders()
        history = train(_lstm(), train_loader, val_loader, epochs=3, lr=0.01, progress=False, device="cpu",
                        pad_id=PAD)
        curves.append((history.train_loss, history.val_loss))
    assert curves[0] == curves[1]


def test_early_stopping_restores_the_best_weights():
    musiclearn.seed_everything(0)
    train_loader, _ = _loaders()
    # Validation data that follows the opposite cycle: learning the training pattern makes it worse.
    reverse = torch.tensor([[1 + (10 - i) % 5 for i in range(12)]] * 8)
    val_loader = [(reverse[:, :-1], reverse[:, 1:])]
    model = _lstm()
    history = train(model, train_loader, val_loader, epochs=30, lr=0.02, patience=2, progress=False,
                    device="cpu", pad_id=PAD)
    assert history.stopped_early
    assert history.epochs < 30
    assert history.epochs == history.best_epoch + 3  # best, then 2 epochs without improvement
    assert mean_loss(model, val_loader, pad_id=PAD) == pytest.approx(history.best_val_loss, rel=1e-6)


class _Crash:
    """A loader that raises KeyboardInterrupt part-way through a given epoch (1-based)."""

    def __init__(self, loader, epoch):
        self.loader, self.epoch, self.calls = loader, epoch, 0
        self.generator = getattr(loader, "generator", None)
        self.sampler = loader.sampler

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        self.calls += 1
        for i, batch in enumerate(self.loader):
            if self.calls == self.epoch and i == 2:
                raise KeyboardInterrupt
            yield batch


@pytest.mark.parametrize("kind", ["torch", "musiclearn"])
def test_resume_after_interruption_equals_an_uninterrupted_run(tmp_path, kind):
    settings = dict(epochs=5, lr=0.01, warmup_steps=3, patience=4, progress=False, device="cpu", pad_id=PAD)

    musiclearn.seed_everything(7)
    train_loader, val_loader = _loaders(kind=kind)
    reference = _lstm()
    expected = train(reference, train_loader, val_loader, checkpoint=tmp_path / "a.pt", **settings)

    musiclearn.seed_everything(7)
    train_loader, val_loader = _loaders(kind=kind)
    with pytest.raises(KeyboardInterrupt):
        train(_lstm(), _Crash(train_loader, epoch=3), val_loader, checkpoint=tmp_path / "b.pt", **settings)
    # A new process: the same seed and code, then resume from the checkpoint of epoch 2.
    musiclearn.seed_everything(7)
    train_loader, val_loader = _loaders(kind=kind)
    resumed_model = _lstm()
    resumed = train(resumed_model, train_loader, val_loader, checkpoint=tmp_path / "b.pt", **settings)

    assert resumed.resumed_from == 2
    assert resumed.train_loss == expected.train_loss
    assert resumed.val_loss == expected.val_loss
    assert resumed.best_epoch == expected.best_epoch
    for (name, a), b in zip(reference.state_dict().items(), resumed_model.state_dict().values()):
        assert torch.equal(a, b), name
    # The file is a plain weights-only checkpoint.
    state = torch.load(tmp_path / "b.pt", weights_only=True)
    assert state["epoch"] == 5
    # Resuming a finished run trains nothing more.
    again = train(_lstm(), train_loader, val_loader, checkpoint=tmp_path / "b.pt", **settings)
    assert again.train_loss == expected.train_loss and again.steps == expected.steps


def test_padding_id_comes_from_musiclearn_loaders():
    musiclearn.seed_everything(0)
    train_loader, val_loader = _loaders(kind="musiclearn")
    model = _lstm()
    assert mean_loss(model, val_loader) == mean_loss(model, val_loader, pad_id=PAD)
    assert mean_loss(model, val_loader) != mean_loss(model, val_loader, pad_id=-100)  # padding would count
    history = train(model, train_loader, val_loader, epochs=2, lr=0.02, progress=False, device="cpu")
    assert history.val_loss[-1] == pytest.approx(mean_loss(model, val_loader, pad_id=PAD), rel=1e-6)


def test_bad_checkpoints_are_reported(tmp_path):
    train_loader, val_loader = _loaders()
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint at all")
    with pytest.raises(DataError, match="junk.pt: is not a readable training checkpoint"):
        train(_lstm(), train_loader, val_loader, epochs=1, progress=False, device="cpu", checkpoint=junk)
    good = tmp_path / "run.pt"
    train(_lstm(), train_loader, val_loader, epochs=1, progress=False, device="cpu", checkpoint=good, pad_id=PAD)
    with pytest.raises(DataError, match="other settings .*epochs"):
        train(_lstm(), train_loader, val_loader, epochs=2, progress=False, device="cpu", checkpoint=good,
              pad_id=PAD)
    # resume=False starts over and overwrites it.
    history = train(_lstm(), train_loader, val_loader, epochs=2, progress=False, device="cpu", checkpoint=good,
                    pad_id=PAD, resume=False)
    assert history.epochs == 2 and history.resumed_from is None


class _Exploding(torch.nn.Module):
    """Logits that overflow to inf once a weight grows: a diverging model."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(V, V)

    def forward(self, ids):
        return self.embed(ids) * 1e38


def test_nan_loss_stops_with_a_clear_message():
    train_loader, _ = _loaders()
    with pytest.raises(TrainingError, match=r"epoch 1, step 1 .*lower the learning rate"):
        train(_Exploding(), train_loader, epochs=2, lr=1.0, progress=False, device="cpu", pad_id=PAD)


def test_bad_arguments_and_batches():
    train_loader, val_loader = _loaders()
    with pytest.raises(ValueError, match="epochs must be"):
        train(_lstm(), train_loader, epochs=0, progress=False)
    with pytest.raises(ValueError, match="train_loader is empty"):
        train(_lstm(), [], progress=False)
    with pytest.raises(ValueError, match="amp must be"):
        train(_lstm(), train_loader, amp="int8", progress=False)
    with pytest.raises(ValueError, match=r"\(inputs, targets\)"):
        train(_lstm(), [torch.zeros(2, 3, dtype=torch.long)], progress=False, device="cpu")
    all_pad = torch.zeros(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="no target tokens"):
        train(_lstm(), [(all_pad, all_pad)], progress=False, device="cpu", pad_id=PAD)


def test_live_plot_is_a_no_op_without_a_notebook():
    train_loader, val_loader = _loaders()
    history = train(_lstm(), train_loader, val_loader, epochs=1, live_plot=True, progress=True, device="cpu",
                    pad_id=PAD)
    assert history.epochs == 1 and history.amp is None and history.device == "cpu"
