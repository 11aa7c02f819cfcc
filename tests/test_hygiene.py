"""musiclearn.hygiene: every detector on signals with known faults, splits without leaks, planted faults."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musiclearn import clips, hygiene
from musiclearn.errors import AudioError, DataError

SR = 16000
T = np.arange(SR) / SR


def tone(freq=220.0, amp=0.3, decay=2.0, n=SR):
    t = np.arange(n) / SR
    return (amp * np.exp(-decay * t) * sum(np.sin(2 * np.pi * k * freq * t) / k for k in (1, 2, 3))).astype(np.float32)


@pytest.fixture(scope="module")
def small_set():
    return clips.notes(programs=[0, 24, 40, 73], pitches=[55, 60, 64, 67], soundfonts=["TimGM6mb"], cache=False)


# ----------------------------------------------------------------------------- input checks


def test_check_clips_names_the_bad_clip():
    good = tone()
    hygiene.check_clips(np.stack([good, good]), sr=SR)
    with pytest.raises(AudioError, match=r"clip 'b' \(row 1\): 100 samples .* shorter than one analysis frame"):
        hygiene.check_clips([good, good[:100]], sr=SR, ids=["a", "b"])
    nan = good.copy()
    nan[800] = np.nan
    with pytest.raises(AudioError, match=r"clip 1: contains NaN .* sample 800, 0.050 s"):
        hygiene.check_clips([good, nan], sr=SR)
    with pytest.raises(AudioError, match="clip 0: is silent"):
        hygiene.check_clips([np.zeros(SR, np.float32)], sr=SR)
    hygiene.check_clips([np.zeros(SR, np.float32)], sr=SR, allow_silent=True)
    with pytest.raises(AudioError, match="1-D"):
        hygiene.check_clips([np.zeros((2, SR))], sr=SR)


def test_check_metadata_names_the_missing_field():
    rows = [{"id": "a", "pitch": 60, "family": "piano"}, {"id": "b", "pitch": 62}]
    hygiene.check_metadata(rows, ["id", "pitch"])
    with pytest.raises(DataError, match=r"'velocity' is missing from every clip \(the table has family, id, pitch\)"):
        hygiene.check_metadata(rows, ["id", "velocity"])
    with pytest.raises(DataError, match=r"1 clip\(s\) lack the field 'family', first clip 'b' \(row 1\)"):
        hygiene.check_metadata(rows, ["family"])
    with pytest.raises(DataError, match="list of dicts"):
        hygiene.check_metadata(["not a dict"], ["id"])


def test_detectors_refuse_nan_and_short_clips():
    bad = tone()
    bad[5] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        hygiene.leading_silence(bad, sr=SR)
    with pytest.raises(AudioError, match="shorter than one frame"):
        hygiene.frame_db(np.zeros((2, 100), np.float32), sr=SR)
    with pytest.raises(AudioError, match="silent"):
        hygiene.clip_features(np.stack([tone(), np.zeros(SR, np.float32)]), sr=SR, ids=["x", "quiet"])
    with pytest.raises(ValueError, match="floating point"):
        hygiene.dc_offset(np.ones((2, 100), np.int16))


# ----------------------------------------------------------------------------- silence


def test_frame_db_of_a_sine_and_of_silence():
    db = hygiene.frame_db(np.stack([np.sin(2 * np.pi * 400 * T), np.zeros(SR)]), sr=SR)
    assert db.shape == (2, 1 + (SR - 400) // 160)
    np.testing.assert_allclose(db[0], -3.0103, atol=0.01)
    assert (db[1] <= -199).all()


def test_leading_and_trailing_silence_measure_seconds():
    y = np.zeros((3, SR), np.float32)
    y[0] = tone()                                   # starts at once
    y[1, 4000:] = tone()[:-4000]                    # starts at 0.25 s
    y[2, :1600] = tone()[:1600]                     # stops after 0.1 s
    lead = hygiene.leading_silence(y, sr=SR)
    np.testing.assert_allclose(lead.score[:2], [0.0, 0.25], atol=0.025)
    assert lead.flags.tolist() == [False, True, False] and lead.unit == "s"
    trail = hygiene.trailing_silence(y, sr=SR)
    assert trail.flags.tolist() == [False, False, True]
    np.testing.assert_allclose(trail.score[2], 0.9, atol=0.025)


def test_silence_thresholds_are_relative_to_the_clip():
    quiet = 0.01 * tone()                            # about -55 dBFS: quiet, but all sound
    y = np.stack([quiet, np.concatenate([np.zeros(3200, np.float32), quiet[:-3200]])])
    assert hygiene.leading_silence(y, sr=SR).flags.tolist() == [False, True]
    assert hygiene.leading_silence(y, sr=SR, max_s=0.3).flags.tolist() == [False, False]


def test_total_silence_leaves_silent_clips_to_itself():
    y = np.stack([np.zeros(SR, np.float32), 1e-5 * tone(), tone()])
    total = hygiene.total_silence(y, sr=SR)
    assert total.flags.tolist() == [True, True, False]
    lead = hygiene.leading_silence(y, sr=SR)
    assert np.isnan(lead.score[:2]).all() and not lead.flags.any()
    assert not hygiene.trailing_silence(y, sr=SR).flags.any()


# ----------------------------------------------------------------------------- clipping and DC


def test_clipping_finds_flat_tops_at_any_level():
    clean = tone(amp=0.5)
    hard = np.clip(4 * clean, -1, 1)
    turned_down = 0.3 * hard                        # clipped, then made quieter: still flat
    eight_bit = np.round(0.05 * clean * 127) / 127  # quiet 8-bit: flat runs at every level
    d = hygiene.clipping(np.stack([clean, hard, turned_down, eight_bit]))
    assert d.flags.tolist() == [False, True, True, False]
    assert d.score[1] > 100 and d.score[0] == 0
    assert not hygiene.clipping(np.zeros((1, SR), np.float32)).flags.any()


def test_clipping_misses_tops_shorter_than_min_run():
    # a 2 kHz tone at 16 kHz, clipped a little: its flat tops are one or two samples wide
    high = np.clip(1.1 * np.sin(2 * np.pi * 2000 * T + 0.1), -1, 1)
    assert not hygiene.clipping(high).flags[0]
    assert hygiene.clipping(high, min_run=1, min_share=0.0).flags[0]


def test_dc_offset():
    y = np.stack([tone(), tone() + 0.05, tone() - 0.03, tone() + 0.01])
    d = hygiene.dc_offset(y)
    assert d.flags.tolist() == [False, True, True, False]
    np.testing.assert_allclose(d.score[1], 0.05 + abs(float(tone().mean())), atol=1e-3)
    with pytest.raises(ValueError, match="max_offset"):
        hygiene.dc_offset(y, max_offset=-1)


# ----------------------------------------------------------------------------- pitch and tempo tags


def test_pitch_mismatch_finds_a_wrong_rate_and_forgives_octaves():
    from musiclearn.audio import resample

    y = tone(freq=261.63, decay=0.5)                       # C4 = MIDI 60
    slow = resample(y, orig_sr=16000, target_sr=22050)[:SR]    # 22050 Hz audio read as 16000: -5.6 semitones
    octave_up = tone(freq=523.25, decay=0.5)
    d = hygiene.pitch_mismatch(np.stack([y, slow, octave_up, np.zeros(SR, np.float32)]), [60, 60, 60, 60], sr=SR)
    assert d.flags.tolist() == [False, True, False, False]
    np.testing.assert_allclose(d.score[1], -12 * np.log2(22050 / 16000), atol=0.2)
    assert np.isnan(d.score[3])
    strict = hygiene.pitch_mismatch(np.stack([y, octave_up]), [60, 60], sr=SR, fold_octaves=False)
    assert strict.flags.tolist() == [False, True]
    none = hygiene.pitch_mismatch(y[None], [np.nan], sr=SR)
    assert np.isnan(none.score[0]) and not none.flags[0]
    with pytest.raises(ValueError, match="one value per clip"):
        hygiene.pitch_mismatch(y[None], [60, 61], sr=SR)


def _clicks(bpm: float, seconds: float = 8.0) -> np.ndarray:
    y = np.zeros(int(seconds * SR), np.float32)
    for beat in np.arange(0, seconds - 0.1, 60 / bpm):
        y[int(beat * SR):int(beat * SR) + 80] = 0.8
    return y


def test_tempo_mismatch_confirms_true_tags_and_rejects_wrong_ones():
    y = np.stack([_clicks(100), _clicks(100), _clicks(100), np.zeros(8 * SR, np.float32)])
    d = hygiene.tempo_mismatch(y, [100, 125, 80, 100], sr=SR)
    assert d.flags.tolist() == [False, True, True, False]
    assert abs(d.score[0] - 1) < 0.04 and np.isnan(d.score[3])
    with pytest.raises(ValueError, match="multiples"):
        hygiene.tempo_mismatch(y, [100] * 4, sr=SR, multiples=())


# ----------------------------------------------------------------------------- tags and metadata


def test_tag_outliers_on_clusters():
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, (20, 3))
    b = rng.normal(8, 1, (20, 3))
    features = np.concatenate([a, b])
    tags = ["a"] * 20 + ["b"] * 20
    assert not hygiene.tag_outliers(features, tags).flags.any()
    tags[3] = "b"                                    # a wrong tag inside cluster a
    d = hygiene.tag_outliers(features, tags)
    assert d.indices.tolist() == [3] and d.score[3] == 0
    with pytest.raises(ValueError, match="one tag per clip"):
        hygiene.tag_outliers(features, tags[:-1])
    with pytest.raises(ValueError, match="min_agree"):
        hygiene.tag_outliers(features, tags, k=3, min_agree=4)
    with pytest.raises(ValueError, match="needs more than"):
        hygiene.tag_outliers(features[:3], tags[:3], k=5)


def test_envelope_features_tell_instruments_apart(small_set):
    features = hygiene.clip_features(small_set.audio, sr=small_set.sr)
    assert features.shape == (len(small_set), 1 + small_set.n_samples // 256)
    assert features.max() == 0 and features.min() >= -80
    programs = small_set.column("program")
    d = hygiene.tag_outliers(features, programs, k=2)
    assert d.count <= 2                               # siblings at other pitches are nearest
    mfcc = hygiene.clip_features(small_set.audio, sr=small_set.sr, kind="mfcc")
    assert mfcc.shape == (len(small_set), 40)
    with pytest.raises(ValueError, match="kind"):
        hygiene.clip_features(small_set.audio, sr=small_set.sr, kind="chroma")


def test_missing_fields():
    rows = [{"pitch": 60, "family": "organ"}, {"pitch": None, "family": "organ"}, {"family": ""},
            {"pitch": float("nan"), "family": "organ"}, {"pitch": 0, "family": "organ"}]
    d = hygiene.missing_fields(rows, ["pitch", "family"])
    assert d.flags.tolist() == [False, True, True, True, False]
    assert d.details[2] == "pitch, family" and d.score[2] == 2


# ----------------------------------------------------------------------------- duplicates


def test_duplicates_exact_and_processed_copies(small_set):
    from musiclearn.hygiene import _low_pass, _mu_law_round_trip

    base = small_set.audio
    copies = np.stack([base[0], 0.4 * base[1], _low_pass(base[2], SR, 4000.0), _mu_law_round_trip(base[3]),
                       np.round(base[4] * 127) / 127]).astype(np.float32)
    audio = np.concatenate([base, copies])
    n = len(base)
    d = hygiene.duplicates(audio, sr=SR)
    want = {(0, n), (1, n + 1), (2, n + 2), (3, n + 3), (4, n + 4)}
    assert want <= {tuple(p) for p in d.pairs.tolist()}
    exact = {tuple(p) for p, e in zip(d.pairs.tolist(), d.exact) if e}
    assert exact == {(0, n)}
    clean = hygiene.duplicates(base, sr=SR)
    assert len(clean) == 0, clean.pairs               # different notes are not copies
    assert d.redundant()[n:n + 5].all() and not d.redundant()[:5].any()
    assert [0, n] in d.groups()


def test_duplicates_skip_silent_clips_and_check_arguments():
    y = np.zeros((3, 4000), np.float32)
    assert len(hygiene.duplicates(y, sr=SR)) == 0
    with pytest.raises(ValueError, match="threshold"):
        hygiene.duplicates(y, sr=SR, threshold=1.5)


# ----------------------------------------------------------------------------- splits


def test_merge_groups_joins_linked_rows():
    assert hygiene.merge_groups(["a", "b", "c", "a"], []).tolist() == [0, 1, 2, 0]
    assert hygiene.merge_groups(["a", "b", "c", "a"], [(1, 3)]).tolist() == [0, 0, 1, 0]
    with pytest.raises(ValueError, match="row indices"):
        hygiene.merge_groups(["a", "b"], [(0, 5)])


def test_group_split_keeps_groups_and_links_together():
    groups = np.repeat(np.arange(10), 4)
    splits = hygiene.group_split(groups, fractions=(0.7, 0.3), seed=3)
    assert hygiene.assert_no_group_leak(groups, splits) == {"train": 7, "test": 3}
    assert sorted(np.concatenate(list(splits.values())).tolist()) == list(range(40))
    linked = hygiene.group_split(groups, fractions=(0.5, 0.5), seed=0, links=[(0, 39)])
    assert (0 in linked["train"]) == (39 in linked["train"])
    assert hygiene.group_split(groups, seed=5)["test"].tolist() == hygiene.group_split(groups, seed=5)["test"].tolist()


@pytest.mark.parametrize("kw, match", [
    (dict(fractions=(0.5, 0.6)), "sum to 1"),
    (dict(fractions=(1.0,)), "one fraction per split"),
    (dict(names=("a", "a")), "distinct"),
    (dict(seed=-2), "seed"),
])
def test_group_split_checks_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        hygiene.group_split([1, 2, 3], **kw)


def test_assert_no_group_leak_names_group_and_splits():
    groups = ["FluidR3", "FluidR3", "TimGM6mb", "TimGM6mb"]
    with pytest.raises(DataError, match=r"SoundFont 'TimGM6mb' has clips in 'train' \(1\) and 'test' \(1\); "
                                        r"1 of 2 SoundFonts leak"):
        hygiene.assert_no_group_leak(groups, {"train": [0, 1, 2], "test": [3]}, what="SoundFont")
    with pytest.raises(ValueError, match="not a row index"):
        hygiene.assert_no_group_leak(groups, {"train": [0, 9], "test": [3]})
    with pytest.raises(ValueError, match="in both"):
        hygiene.assert_no_group_leak(groups, {"train": [0, 1], "test": [1]})
    with pytest.raises(ValueError, match="at least two"):
        hygiene.assert_no_group_leak(groups, {"train": [0]})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=st.lists(st.integers(0, 12), min_size=2, max_size=80),
       test_share=st.floats(0.05, 0.95), seed=st.integers(0, 10_000))
def test_group_split_never_leaks(groups, test_share, seed):
    splits = hygiene.group_split(groups, fractions=(1 - test_share, test_share), seed=seed)
    counts = hygiene.assert_no_group_leak(groups, splits)
    rows = np.concatenate(list(splits.values()))
    assert sorted(rows.tolist()) == list(range(len(groups)))
    assert sum(counts.values()) == len(set(groups))


@settings(max_examples=60, deadline=None)
@given(groups=st.lists(st.sampled_from("abcdef"), min_size=4, max_size=40), data=st.data())
def test_assert_no_group_leak_catches_every_crossing(groups, data):
    assignment = data.draw(st.lists(st.sampled_from(["train", "test"]), min_size=len(groups), max_size=len(groups)))
    splits = {name: [i for i, a in enumerate(assignment) if a == name] for name in ("train", "test")}
    crossing = {g for g in groups if {a for h, a in zip(groups, assignment) if h == g} == {"train", "test"}}
    if crossing:
        with pytest.raises(DataError, match="leak") as info:
            hygiene.assert_no_group_leak(groups, splits)
        assert any(f"'{g}'" in str(info.value) for g in crossing)
    else:
        hygiene.assert_no_group_leak(groups, splits)


# ----------------------------------------------------------------------------- planting and scoring


def test_plant_faults_plants_each_fault_once_per_clip(small_set):
    planted = hygiene.plant_faults(small_set, per_fault=1, seed=1)
    per_clip = [f for f in hygiene.FAULTS if not f.endswith("duplicate") and f != "wrong_tempo"]
    assert sorted(planted.truth) == sorted(per_clip)
    assert len(planted.clips) == len(small_set) + 2
    hits = np.sum([m for m in planted.truth.values()], axis=0)
    assert hits.max() == 1 and hits.sum() == len(per_clip)
    i = int(np.flatnonzero(planted.truth["total_silence"])[0])
    assert not planted.clips.audio[i].any()
    j = int(np.flatnonzero(planted.truth["wrong_tag"])[0])
    assert planted.clips.meta[j]["family"] != small_set.meta[j]["family"]
    assert clips.family_of(planted.clips.meta[j]["program"]) == planted.clips.meta[j]["family"]
    orig, copy = planted.duplicate_pairs["exact_duplicate"][0]
    np.testing.assert_array_equal(planted.clips.audio[orig], planted.clips.audio[copy])
    assert planted.clips.ids[copy].endswith("~copy")
    assert len(planted.notes) == len(per_clip) + 2
    np.testing.assert_array_equal(small_set.audio, clips.notes(programs=[0, 24, 40, 73], pitches=[55, 60, 64, 67],
                                                              soundfonts=["TimGM6mb"], cache=False).audio)


def test_planted_faults_are_found(small_set):
    planted = hygiene.plant_faults(small_set, per_fault=2, seed=0,
                                   faults=["leading_silence", "total_silence", "clipping", "dc_offset",
                                           "missing_field", "exact_duplicate"])
    c = planted.clips
    for fault, found in [("leading_silence", hygiene.leading_silence(c.audio, sr=SR)),
                         ("total_silence", hygiene.total_silence(c.audio, sr=SR)),
                         ("clipping", hygiene.clipping(c.audio)),
                         ("dc_offset", hygiene.dc_offset(c.audio)),
                         ("missing_field", hygiene.missing_fields(c.meta, ["family", "program", "pitch",
                                                                           "velocity", "soundfont"]))]:
        score = hygiene.evaluate(found, planted.truth[fault])
        assert score["recall"] == 1.0, (fault, score)
        # the one false alarm allowed: clipping an asymmetric wave really moves its mean
        others = found.flags & ~planted.truth[fault]
        assert not (others & ~planted.truth["clipping"]).any() if fault == "dc_offset" else not others.any()
    dups = hygiene.evaluate(hygiene.duplicates(c.audio, sr=SR), planted.duplicate_pairs["exact_duplicate"])
    assert dups["tp"] == 2 and dups["fn"] == 0


def test_plant_faults_checks_arguments(small_set):
    with pytest.raises(ValueError, match="unknown fault"):
        hygiene.plant_faults(small_set, faults=["gremlins"])
    with pytest.raises(ValueError, match="needs clips with a 'tempo'"):
        hygiene.plant_faults(small_set, faults=["wrong_tempo"])
    with pytest.raises(ValueError, match="lower per_fault"):
        hygiene.plant_faults(small_set, per_fault=100)


def test_precision_recall_and_evaluate():
    assert hygiene.precision_recall([1, 1, 0, 0], [1, 0, 0, 0]) == (0.5, 1.0)
    p, r = hygiene.precision_recall([0, 0], [1, 0])
    assert np.isnan(p) and r == 0.0
    d = hygiene.Detection("x", np.array([True, False, True]), np.zeros(3), 0.0)
    assert hygiene.evaluate(d, [True, True, False]) == {"flagged": 2, "planted": 2, "tp": 1, "fp": 1, "fn": 1,
                                                         "precision": 0.5, "recall": 0.5}
    assert "1 of 3" not in repr(d) and "2 of 3 clips flagged" in repr(d)
    with pytest.raises(ValueError, match="same shape"):
        hygiene.precision_recall([1, 0], [1])
