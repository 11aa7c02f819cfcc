"""musiclearn.audio_models: features, SpecAugment, the three classifiers, training and evaluation.

Synthetic clips only (sines, noise, toy features): the rendered clip set is
exercised by the notebook and by ``tests/test_bench_audio.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import musiclearn  # noqa: E402
from musiclearn import audio_models as am  # noqa: E402
from musiclearn.errors import AudioError  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SR = 16000


def tones(freqs, *, seconds=0.5, sr=SR, amplitude=0.5):
    t = np.arange(int(seconds * sr)) / sr
    return np.stack([amplitude * np.sin(2 * np.pi * f * t) for f in freqs]).astype(np.float32)


# ----------------------------------------------------------------------------- as_clips


def test_as_clips_returns_float32_batch():
    x = am.as_clips(tones([440, 880]))
    assert x.dtype == torch.float32 and tuple(x.shape) == (2, 8000)
    assert tuple(am.as_clips(tones([440])[0]).shape) == (1, 8000)      # one clip as 1-D
    assert tuple(am.as_clips(torch.from_numpy(tones([440, 550]))).shape) == (2, 8000)


@pytest.mark.parametrize("bad, words", [
    (lambda x: np.where(np.arange(x.size).reshape(x.shape) == 9000, np.nan, x), "clip 1 holds nan"),
    (lambda x: np.concatenate([x, np.zeros_like(x[:1])]), "clip 2 is silent"),
    (lambda x: x[:, :100], "fewer than one frame"),
])
def test_as_clips_bad_clips_raise_audio_error_naming_the_clip(bad, words):
    x = bad(tones([440, 880]))
    with pytest.raises(AudioError) as info:
        am.as_clips(x, min_samples=512)
    assert words in str(info.value).lower()


def test_as_clips_bad_arguments():
    with pytest.raises(ValueError, match="floating point"):
        am.as_clips(np.ones((2, 100), dtype=np.int16))
    with pytest.raises(ValueError, match="different lengths"):
        am.as_clips([np.ones(10, np.float32), np.ones(12, np.float32)])
    with pytest.raises(ValueError, match=r"\(clips, samples\)"):
        am.as_clips(np.ones((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match="no clips"):
        am.as_clips(np.ones((0, 100), np.float32))


def test_features_reject_bad_clips_with_audio_error():
    for fn in (am.log_mel, am.mfcc_statistics):
        with pytest.raises(AudioError, match="silent"):
            fn(np.zeros((1, SR), np.float32))
        with pytest.raises(AudioError, match="fewer than one frame"):
            fn(tones([440], seconds=0.01))
        with pytest.raises(AudioError, match="NaN"):
            fn(np.full((1, SR), np.nan, np.float32))


# ----------------------------------------------------------------------------- features


def test_log_mel_shape_range_and_level_invariance():
    x = tones([440, 1000])
    images = am.log_mel(x, sr=SR, n_mels=32, hop_length=256)
    assert tuple(images.shape) == (2, 32, 1 + 8000 // 256)
    assert float(images.amax(dim=(1, 2)).abs().max()) == 0.0          # 0 dB at each clip's peak
    assert float(images.min()) >= -80.0
    quieter = am.log_mel(x * 0.01, sr=SR, n_mels=32, hop_length=256)
    assert torch.allclose(images, quieter, atol=1e-3)                   # level does not matter


def test_log_mel_agrees_with_numpy_melspectrogram():
    from musiclearn.mel import melspectrogram

    x = tones([523.25], seconds=0.3)
    ours = am.log_mel(x, sr=SR, n_fft=1024, hop_length=512, n_mels=40)[0].numpy()
    S = melspectrogram(x[0].astype(np.float64), sr=SR, n_fft=1024, hop_length=512, n_mels=40)
    db = 10 * np.log10(np.maximum(S, 1e-10))
    expected = np.maximum(db - db.max(), -80)
    assert np.allclose(ours, expected, atol=1e-3)


def test_logmel_module_equals_function():
    x = tones([300, 600])
    front = am.LogMel(sr=SR, n_mels=24)
    assert torch.allclose(front(torch.from_numpy(x)), am.log_mel(x, sr=SR, n_mels=24))
    with pytest.raises(ValueError, match="top_db"):
        am.LogMel(top_db=0)


def test_mfcc_statistics_are_mean_and_std_of_the_numpy_mfccs():
    from musiclearn.mfcc import mfcc

    x = tones([220, 660], seconds=0.4) + 0.01 * np.random.default_rng(0).standard_normal((2, 6400)).astype(np.float32)
    stats = am.mfcc_statistics(x, sr=SR, n_mfcc=13, n_fft=1024, hop_length=512, n_mels=40).numpy()
    assert stats.shape == (2, 26)
    for i in range(2):
        m = mfcc(x[i].astype(np.float64), sr=SR, n_mfcc=13, n_fft=1024, hop_length=512, n_mels=40)
        assert np.allclose(stats[i, :13], m.mean(axis=1), atol=1e-2, rtol=1e-4)
        assert np.allclose(stats[i, 13:], m.std(axis=1), atol=1e-2, rtol=1e-4)


# ----------------------------------------------------------------------------- SpecAugment


def test_spec_augment_masks_whole_bands_within_the_widths():
    g = torch.Generator().manual_seed(1)
    images = torch.randn(64, 40, 32)
    out, mask = am.spec_augment(images, freq_width=7, time_width=5, n_freq_masks=2, n_time_masks=1,
                                generator=g, return_mask=True)
    assert out.shape == images.shape and mask.dtype == torch.bool
    assert torch.equal(out[~mask], images[~mask])                       # the rest is untouched
    means = images.mean(dim=(1, 2))
    for b in range(64):
        rows = mask[b].all(dim=1)                                       # fully masked mel bins
        cols = mask[b].all(dim=0)                                       # fully masked frames
        assert torch.equal(mask[b], rows[:, None] | cols[None, :])      # nothing but whole bands
        assert int(cols.sum()) <= 5 and int(rows.sum()) <= 2 * 7
        assert torch.allclose(out[b][mask[b]], means[b].expand(int(mask[b].sum())))   # filled with the mean
    widths = mask.all(dim=1).sum(dim=1)
    assert widths.max() == 5 and widths.min() == 0                      # widths drawn from 0 .. time_width


def test_spec_augment_follows_the_documented_draws():
    images = torch.randn(3, 20, 16)
    g = torch.Generator().manual_seed(7)
    out = am.spec_augment(images, freq_width=4, time_width=3, fill=-1.0, generator=torch.Generator().manual_seed(7))
    expected = images.clone()
    for b in range(3):
        f = int(torch.randint(0, 5, (1,), generator=g)); f0 = int(torch.randint(0, 20 - f + 1, (1,), generator=g))
        expected[b, f0:f0 + f, :] = -1.0
        t = int(torch.randint(0, 4, (1,), generator=g)); t0 = int(torch.randint(0, 16 - t + 1, (1,), generator=g))
        expected[b, :, t0:t0 + t] = -1.0
    assert torch.equal(out, expected)


def test_spec_augment_edge_cases_and_errors():
    x = torch.randn(2, 10, 8)
    assert torch.equal(am.spec_augment(x, freq_width=0, time_width=0), x)
    assert am.spec_augment(x[0], freq_width=3, time_width=3).shape == (10, 8)
    with pytest.raises(ValueError, match="fit the image"):
        am.spec_augment(x, freq_width=11)
    with pytest.raises(ValueError, match="fill"):
        am.spec_augment(x, fill="zero")
    with pytest.raises(ValueError, match="float tensor"):
        am.spec_augment(np.zeros((2, 10, 8)))
    with pytest.raises(ValueError, match="freq_width"):
        am.SpecAugment(freq_width=-1)


def test_spec_augment_layer_masks_only_while_training():
    layer = am.SpecAugment(freq_width=6, time_width=6)
    x = torch.randn(16, 40, 32)
    assert torch.equal(layer.eval()(x), x)
    torch.manual_seed(0)
    assert not torch.equal(layer.train()(x), x)
    assert "freq_width=6" in repr(layer)


# ----------------------------------------------------------------------------- models


def test_spectrogram_cnn_shapes_and_errors():
    model = am.SpectrogramCNN(8, channels=(4, 8, 8), spec_augment=am.SpecAugment(freq_width=2, time_width=2))
    assert tuple(model(torch.randn(5, 40, 32)).shape) == (5, 8)
    with pytest.raises(ValueError, match="n_mels, frames"):
        model(torch.randn(5, 1, 40, 32))
    with pytest.raises(ValueError, match="too small"):
        model(torch.randn(5, 2, 32))
    with pytest.raises(ValueError, match="n_classes"):
        am.SpectrogramCNN(1)
    with pytest.raises(ValueError, match="channels"):
        am.SpectrogramCNN(3, channels=())
    with pytest.raises(ValueError, match="dropout"):
        am.SpectrogramCNN(3, dropout=1.0)
    with pytest.raises(ValueError, match="SpecAugment"):
        am.SpectrogramCNN(3, spec_augment=lambda x: x)


def test_waveform_cnn_shapes_and_errors():
    model = am.WaveformCNN(4, channels=(8, 8, 8), first_kernel=32, first_stride=4)
    assert tuple(model(torch.randn(3, 4000)).shape) == (3, 4)
    assert model.min_samples == 32 + 4 * 15
    with pytest.raises(ValueError, match="too short"):
        model(torch.randn(3, model.min_samples - 1))
    with pytest.raises(ValueError, match="batch, samples"):
        model(torch.randn(3, 1, 4000))


def test_logistic_regression_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5]], dtype=np.float32) * 10   # unscaled on purpose
    y = np.repeat(np.arange(4), 30)
    X = centres[y] + rng.standard_normal((120, 3)).astype(np.float32)
    model = am.fit_logistic_regression(X, y)
    assert am.accuracy(am.predict_proba(model, X), y) == 1.0
    again = am.fit_logistic_regression(X, y)
    assert torch.equal(model.linear.weight, again.linear.weight)       # deterministic
    assert np.allclose(model.mean.numpy(), X.mean(axis=0), atol=1e-4)
    with pytest.raises(ValueError, match="n_classes"):
        am.fit_logistic_regression(X, y, n_classes=3)
    with pytest.raises(ValueError, match="integer class"):
        am.fit_logistic_regression(X, y + 0.5)
    with pytest.raises(ValueError, match="NaN"):
        am.fit_logistic_regression(np.full((4, 2), np.nan), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="features"):
        am.LogisticRegression(3, 2)(torch.zeros(2, 4))


def test_a_cnn_overfits_a_tiny_set():
    musiclearn.seed_everything(0)
    images, labels = torch.randn(16, 16, 16), torch.arange(16) % 4     # noise: only memorising can fit it
    model = am.SpectrogramCNN(4, channels=(8, 16), dropout=0.0)
    history = am.fit_classifier(model, images, labels, images, labels, epochs=60, lr=1e-2, batch_size=16,
                                weight_decay=0.0, device="cpu")
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]
    assert am.accuracy(am.predict_proba(model, images), labels) == 1.0


def test_training_is_deterministic_on_the_cpu():
    x = torch.from_numpy(tones([200, 300, 400, 500] * 3, seconds=0.25))
    y = torch.arange(12) % 4

    def run():
        musiclearn.seed_everything(3)
        model = am.WaveformCNN(4, channels=(4, 4), first_kernel=16, first_stride=4)
        history = am.fit_classifier(model, x, y, x, y, epochs=3, lr=1e-2, batch_size=4, seed=3, device="cpu")
        return history, model

    (h1, m1), (h2, m2) = run(), run()
    assert h1.train_loss == h2.train_loss and h1.val_loss == h2.val_loss
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))


def test_fit_classifier_early_stopping_and_errors():
    musiclearn.seed_everything(0)
    x, y = torch.randn(32, 6), torch.arange(32) % 2                    # labels unrelated to x: val loss rises
    model = am.LogisticRegression(6, 2)
    history = am.fit_classifier(model, x[:16], y[:16], x[16:], y[16:], epochs=40, lr=0.5, patience=2,
                                weight_decay=0.0, device="cpu")
    assert history.stopped_early and history.epochs < 40
    with pytest.raises(ValueError, match="both val_inputs and val_labels"):
        am.fit_classifier(model, x, y, x, None)
    with pytest.raises(ValueError, match=r"\(batch, classes\)"):
        am.fit_classifier(_Flat(), x, y, epochs=1, device="cpu")


class _Flat(torch.nn.Module):
    """A broken classifier: returns one number per example instead of one logit per class."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(6))

    def forward(self, x):
        return x @ self.w


def test_clip_loader_batches_and_seeded_shuffling():
    x, y = np.arange(20, dtype=np.float32)[:, None], np.arange(20) % 5
    batches = list(am.clip_loader(x, y, batch_size=8))
    assert [len(b[1]) for b in batches] == [8, 8, 4] and batches[0][1].dtype == torch.int64
    order = lambda seed: torch.cat([b[0][:, 0] for b in am.clip_loader(x, y, shuffle=True, seed=seed)])
    assert torch.equal(order(1), order(1)) and not torch.equal(order(1), order(2))
    with pytest.raises(ValueError, match="one integer class per example"):
        am.clip_loader(x, y[:-1])
    with pytest.raises(ValueError, match=">= 0"):
        am.clip_loader(x, y - 1)


# ----------------------------------------------------------------------------- evaluation


def test_predict_proba_rows_sum_to_one_and_keep_the_mode():
    model = am.SpectrogramCNN(3, channels=(4, 4)).train()
    p = am.predict_proba(model, torch.randn(10, 8, 8), batch_size=3)
    assert p.shape == (10, 3) and np.allclose(p.sum(axis=1), 1.0)
    assert model.training                                               # put back as it was


def test_accuracy_and_confusion_matrix():
    labels = np.array([0, 0, 1, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0, 2])
    C = am.confusion_matrix(labels, pred)
    assert C.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 2]]
    assert C.sum(axis=1).tolist() == [2, 2, 3]                          # rows: the true classes
    assert np.isclose(np.trace(C) / C.sum(), am.accuracy(pred, labels))
    probs = np.eye(3)[pred]
    assert np.array_equal(am.confusion_matrix(labels, probs, n_classes=4)[:3, :3], C)
    with pytest.raises(ValueError, match="n_classes"):
        am.confusion_matrix(labels, pred, n_classes=2)
    with pytest.raises(ValueError, match="at least one"):
        am.accuracy(np.zeros(0, int), np.zeros(0, int))


def test_out_of_fold_probabilities_and_suspected_mislabels():
    labels = np.array([0, 0, 0, 1, 1, 1])
    folds = [(np.array([3, 4, 5]), np.array([0, 1, 2])), (np.array([0, 1, 2]), np.array([3, 4, 5]))]
    seen = []

    def fit_predict(train_idx, test_idx):
        seen.append((set(train_idx.tolist()), set(test_idx.tolist())))
        p = np.full((len(test_idx), 2), 0.1)
        p[:, labels[test_idx[0]]] = 0.9
        p[test_idx == 2] = [0.05, 0.95]                                 # clip 2 looks like class 1
        return p

    oof = am.out_of_fold_probabilities(fit_predict, folds, n_examples=6, n_classes=2)
    assert all(not (tr & te) for tr, te in seen)
    assert am.suspected_mislabels(oof, labels).tolist() == [2]
    with pytest.raises(ValueError, match="tests examples it trains on"):
        am.out_of_fold_probabilities(fit_predict, [(np.arange(6), np.arange(3))], n_examples=6, n_classes=2)
    with pytest.raises(ValueError, match="exactly once"):
        am.out_of_fold_probabilities(fit_predict, folds[:1], n_examples=6, n_classes=2)
    with pytest.raises(ValueError, match="shape"):
        am.out_of_fold_probabilities(lambda tr, te: np.ones((1, 2)), folds, n_examples=6, n_classes=2)
    ranked = am.suspected_mislabels([[0.3, 0.7], [0.1, 0.9], [0.6, 0.4]], [0, 0, 1])
    assert ranked.tolist() == [1, 0, 2]                                 # lowest own-label probability first
    with pytest.raises(ValueError, match="threshold"):
        am.suspected_mislabels(oof, labels, threshold=0)


# ----------------------------------------------------------------------------- plots


@pytest.mark.usefixtures("no_figure_leak")
def test_plot_confusion_matrix_and_learning_curves():
    import matplotlib.pyplot as plt

    from musiclearn import plot

    fig, ax = plot.confusion_matrix(np.array([[3, 1], [0, 4]]), ["piano", "organ"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["piano", "organ"]
    assert ax.images[0].get_array()[0, 0] == 0.75                       # rows as fractions
    plt.close(fig)
    fig, axes = plt.subplots(1, 2)
    assert plot.confusion_matrix([[3, 1], [0, 4]], ["a", "b"], normalize=False, ax=axes[0])[1] is axes[0]
    _, ax = plot.learning_curves([50, 100, 200], {"cnn": [0.5, 0.6, 0.7], "wave": [0.3, 0.5, 0.68]},
                                 spread={"cnn": [0.01, 0.02, 0.01]}, chance=0.125, ax=axes[1])
    assert ax.get_xscale() == "log" and len(ax.get_legend().get_texts()) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="square"):
        plot.confusion_matrix(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError, match="one per class"):
        plot.confusion_matrix(np.ones((2, 2)), ["a"])
    with pytest.raises(ValueError, match="one per size"):
        plot.learning_curves([1, 2], {"a": [0.1]})
    _, ax = plot.loss_curves(musiclearn.train.History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], best_epoch=1),
                             per="clip")
    assert ax.get_ylabel() == "Loss (bits per clip)"
    plt.close("all")
