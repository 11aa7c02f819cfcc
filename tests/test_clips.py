"""musiclearn.clips: SoundFont discovery, rendering notes and phrases, drum kits, the cache."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from musiclearn import clips
from musiclearn.errors import AudioError, DataError

TIM = ["TimGM6mb"]


def _small(**kw):
    args = dict(programs=[0, 40], pitches=[60, 67], soundfonts=TIM, duration=0.5)
    args.update(kw)
    return clips.notes(**args)


# ----------------------------------------------------------------------------- families and names


def test_families_cover_general_midi():
    assert len(clips.FAMILIES) == 16
    assert sorted(p for progs in clips.FAMILIES.values() for p in progs) == list(range(128))
    assert set(clips.DEFAULT_FAMILIES) <= set(clips.FAMILIES)
    assert len(clips.DEFAULT_FAMILIES) >= 8
    assert clips.family_of(0) == "piano" and clips.family_of(127) == "sound_effects"
    assert clips.program_name(40) == "Violin"


@pytest.mark.parametrize("bad", [-1, 128, 1.5, "0", True])
def test_family_of_refuses_bad_programs(bad):
    with pytest.raises(ValueError, match="program"):
        clips.family_of(bad)


# ----------------------------------------------------------------------------- SoundFonts


def test_soundfonts_always_has_timgm6mb_with_licence_and_notice():
    sfs = clips.soundfonts()
    assert sfs.names[0] == "TimGM6mb" and sfs["TimGM6mb"].path.is_file()
    assert all(sf.licence for sf in sfs)
    assert isinstance(sfs.notice, str) and sfs.names[0] in sfs.notice
    for line in sfs.missing:
        assert "apt-get install" in line
    assert len(sfs) + len(sfs.missing) == 4
    with pytest.raises(KeyError, match="no SoundFont named"):
        sfs["NoSuchFont"]


def test_lineages_group_soundfonts_that_share_samples():
    sfs = clips.soundfonts()
    assert sfs["TimGM6mb"].lineage == "TimGM6mb"
    if "sf_GMbank" in sfs.names:
        assert sfs["sf_GMbank"].lineage == "TimGM6mb"
    if "MuseScore_General_Lite" in sfs.names and "FluidR3_GM" in sfs.names:
        assert sfs["MuseScore_General_Lite"].lineage == sfs["FluidR3_GM"].lineage


def test_the_soundfont_choice_variable_leaves_installed_soundfonts_out(monkeypatch):
    installed = clips.soundfonts().names
    monkeypatch.setenv("MUSICLEARN_SOUNDFONTS", "TimGM6mb")
    only = clips.soundfonts()
    assert only.names == ("TimGM6mb",)
    assert [line for line in only.missing if "left out by MUSICLEARN_SOUNDFONTS" in line] == \
        [f"{name} (installed, left out by MUSICLEARN_SOUNDFONTS)" for name in installed[1:]]
    assert "1 SoundFont(s) used: TimGM6mb" in only.notice
    assert clips.notes(programs=[0], pitches=[60], velocities=[100]).column("soundfont").tolist() == ["TimGM6mb"]
    if len(installed) > 1:
        monkeypatch.setenv("MUSICLEARN_SOUNDFONTS", f" {installed[1]} ,")   # spaces and a trailing comma are fine
        assert clips.soundfonts().names == ("TimGM6mb", installed[1])
    monkeypatch.setenv("MUSICLEARN_SOUNDFONTS", "TimGM6mb,FluidR3")
    with pytest.raises(ValueError, match=r"MUSICLEARN_SOUNDFONTS names \['FluidR3'\].*FluidR3_GM"):
        clips.soundfonts()
    monkeypatch.delenv("MUSICLEARN_SOUNDFONTS")
    assert clips.soundfonts().names == installed


def test_soundfont_accepts_a_real_file_and_names_it():
    path = clips.soundfonts()["TimGM6mb"].path
    sf = clips.soundfont(path, name="tim", licence="GPL-2.0")
    assert (sf.name, sf.licence, sf.lineage) == ("tim", "GPL-2.0", "tim") and sf.size_bytes > 1_000_000


def test_soundfont_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.sf2"):
        clips.soundfont(tmp_path / "nothing.sf2")
    empty = tmp_path / "empty.sf2"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="empty.sf2.*empty"):
        clips.soundfont(empty)
    wav = tmp_path / "sound.sf2"
    wav.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28))
    with pytest.raises(AudioError, match=r"sound.sf2: is not a SoundFont.*WAVE"):
        clips.soundfont(wav)
    short = tmp_path / "short.sf3"
    short.write_bytes(b"RIFF")
    with pytest.raises(AudioError, match="short.sf3.*too short"):
        clips.soundfont(short)
    truncated = tmp_path / "cut.sf2"
    truncated.write_bytes(b"RIFF" + (10_000).to_bytes(4, "little") + b"sfbk" + bytes(100))
    with pytest.raises(AudioError, match="cut.sf2: is truncated"):
        clips.soundfont(truncated)
    with pytest.raises(AudioError, match="directory"):
        clips.soundfont(tmp_path)


def test_notes_refuse_a_bad_soundfont_path(tmp_path):
    bad = tmp_path / "fake.sf2"
    bad.write_bytes(b"not a soundfont at all")
    with pytest.raises(AudioError, match="fake.sf2"):
        clips.notes(programs=[0], pitches=[60], soundfonts=[str(bad)], cache=False)
    with pytest.raises(ValueError, match="soundfonts must be"):
        clips.notes(programs=[0], pitches=[60], soundfonts=["NoSuchFont"], cache=False)


# ----------------------------------------------------------------------------- rendering notes


def test_notes_shape_dtype_and_metadata():
    cs = _small(cache=False)
    assert cs.audio.shape == (4, 8000) and cs.audio.dtype == np.float32 and cs.sr == 16000
    assert cs.ids == ["TimGM6mb-p000-n060-v100", "TimGM6mb-p000-n067-v100",
                      "TimGM6mb-p040-n060-v100", "TimGM6mb-p040-n067-v100"]
    row = cs.meta[2]
    assert row["family"] == "strings" and row["program"] == 40 and row["instrument"] == "Violin"
    assert row["pitch"] == 60 and row["velocity"] == 100 and row["soundfont"] == "TimGM6mb"
    assert row["kind"] == "note" and row["duration_s"] == 0.5 and row["sr"] == 16000
    assert np.all(np.abs(cs.audio) <= 1) and np.all(np.abs(cs.audio).max(axis=1) > 0.01)


def test_notes_are_deterministic_and_sound_at_the_tagged_pitch():
    from musiclearn import pitch

    a, b = _small(cache=False), _small(cache=False)
    np.testing.assert_array_equal(a.audio, b.audio)
    f0 = pitch.yin(a.audio[:2], fmin=100, fmax=1000, sr=16000, frame_length=1024)
    midi = pitch.hz_to_midi(np.median(f0[:, 2:20], axis=1))
    np.testing.assert_allclose(midi, [60, 67], atol=0.3)


def test_notes_knobs_change_the_audio():
    base = _small(cache=False)
    louder = _small(velocities=[127], cache=False)
    assert np.abs(louder.audio).max() > np.abs(base.audio).max()
    at_22k = _small(sr=22050, cache=False)
    assert at_22k.audio.shape == (4, 11025) and at_22k.sr == 22050
    held = _small(hold=0.2, cache=False)
    # released after 0.1 s instead of 0.375 s: less energy at the end
    assert np.abs(held.audio[2, -2000:]).max() < np.abs(base.audio[2, -2000:]).max()


def test_notes_default_grid_is_families_by_programs():
    # Every family's programs spread over its 8; all 8 when asked.
    assert clips._choose_programs("organ", 4) == (16, 18, 21, 23)
    assert clips._choose_programs("organ", 8) == tuple(range(16, 24))
    assert clips._choose_programs("organ", 1) == (16,)


def test_unplayable_notes_are_skipped_with_a_reason():
    # TimGM6mb has no sound for program 67 (baritone sax) high up the keyboard.
    cs = clips.notes(programs=[67], pitches=[60, 96], soundfonts=TIM, duration=0.3, cache=False)
    assert [m["pitch"] for m in cs.meta] == [60]
    assert len(cs.skipped) == 1 and cs.skipped[0]["pitch"] == 96 and "silent" in cs.skipped[0]["reason"]


@pytest.mark.parametrize("kw, match", [
    (dict(families=["kazoo"]), "families"),
    (dict(families=["piano", "piano"]), "twice"),
    (dict(pitches=[60, 128]), "pitch"),
    (dict(pitches=[]), "empty"),
    (dict(velocities=[0]), "velocity"),
    (dict(duration=0.0), "duration"),
    (dict(hold=1.5), "hold"),
    (dict(sr=4000), "8000"),
    (dict(sr=16000.5), "sr"),
    (dict(programs_per_family=9, programs=None), "1 to 8"),
    (dict(cache="yes"), "cache"),
])
def test_notes_refuse_bad_knobs(kw, match):
    args = dict(programs=[0], pitches=[60], soundfonts=TIM, cache=False)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        clips.notes(**args)


# ----------------------------------------------------------------------------- the ClipSet table


def test_clipset_selection_columns_and_concat():
    cs = _small(cache=False)
    strings = cs[cs.column("family") == "strings"]
    assert len(strings) == 2 and all(m["family"] == "strings" for m in strings.meta)
    assert cs[1:3].ids == cs.ids[1:3] and cs[[3, 0]].ids == [cs.ids[3], cs.ids[0]] and cs[2].ids == [cs.ids[2]]
    assert cs.column("pitch").tolist() == [60, 67, 60, 67]
    joined = cs.concat(strings)
    assert len(joined) == 6 and joined.audio.shape == (6, cs.n_samples)
    assert cs.nbytes == cs.audio.nbytes and cs.duration_s == 0.5
    with pytest.raises(DataError, match="'pich'.*fields are"):
        cs.column("pich")
    with pytest.raises(ValueError, match="mask"):
        cs[np.array([True, False])]
    with pytest.raises(ValueError, match="same sr"):
        cs.concat(_small(sr=22050, cache=False))
    with pytest.raises(ValueError, match="metadata rows"):
        clips.ClipSet(np.zeros((2, 10), np.float32), [{"id": "a"}])


# ----------------------------------------------------------------------------- the cache


def test_cache_is_written_once_and_read_back_equal(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path))
    first = _small()
    assert not first.info["from_cache"] and Path(first.info["cache_path"]).is_file()
    second = _small()
    assert second.info["from_cache"] and second.info["rendered"] == 0
    np.testing.assert_array_equal(first.audio, second.audio)
    assert first.meta == second.meta
    assert Path(first.info["cache_path"]).parent == tmp_path / "clips"
    name = Path(first.info["cache_path"]).name
    assert name.startswith("notes-") and name.endswith(f".v{clips.FORMAT_VERSION}.npz")
    # no temporary files left behind by the atomic write
    assert [p.name for p in (tmp_path / "clips").iterdir()] == [name]


def test_cache_key_follows_every_knob(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path))
    paths = {clips.cache_path("notes", {"sr": 16000}), clips.cache_path("notes", {"sr": 22050}),
             clips.cache_path("phrases", {"sr": 16000})}
    assert len(paths) == 3
    a = _small()
    b = _small(velocities=[90])
    assert a.info["cache_path"] != b.info["cache_path"]


def test_cache_key_follows_the_soundfont_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "copy.sf2"
    copy.write_bytes(clips.soundfonts()["TimGM6mb"].path.read_bytes())
    first = clips.notes(programs=[0], pitches=[60], soundfonts=[str(copy)], duration=0.2)
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    second = clips.notes(programs=[0], pitches=[60], soundfonts=[str(copy)], duration=0.2)
    assert first.info["cache_path"] != second.info["cache_path"] and not second.info["from_cache"]


def test_corrupt_cache_is_reported_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path))
    good = _small()
    path = Path(good.info["cache_path"])
    path.write_bytes(path.read_bytes()[:200])          # truncated
    with pytest.warns(RuntimeWarning, match="corrupt or truncated.*rebuilding"):
        rebuilt = _small()
    assert not rebuilt.info["from_cache"]
    np.testing.assert_array_equal(rebuilt.audio, good.audio)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _small().info["from_cache"]               # the rebuilt file is fine


def _rewrite(path: Path, **changes) -> None:
    with np.load(path) as data:
        audio = data["audio"]
        doc = json.loads(bytes(data["doc"]).decode())
    doc.update(changes)
    np.savez(path, audio=audio, doc=np.frombuffer(json.dumps(doc).encode(), np.uint8))


@pytest.mark.parametrize("changes, why", [
    (dict(format_version=0), "another cache format"),
    (dict(format="something-else"), "not a musiclearn clip cache"),
    (dict(key={"sr": 1}), "other settings"),
    (dict(meta=[]), "holds audio of shape"),
])
def test_stale_cache_is_rebuilt(tmp_path, monkeypatch, changes, why):
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path))
    path = Path(_small().info["cache_path"])
    _rewrite(path, **changes)
    with pytest.warns(RuntimeWarning, match=why):
        assert not _small().info["from_cache"]


def test_unwritable_cache_warns_and_still_returns(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(clips, "cache_path", lambda kind, key: blocker / "sub" / "x.npz")
    with pytest.warns(RuntimeWarning, match="could not write the clip cache"):
        cs = _small()
    assert len(cs) == 4


# ----------------------------------------------------------------------------- phrases


def test_phrases_carry_tempo_key_and_tune():
    ph = clips.phrases(n_phrases=2, programs=[0], soundfonts=TIM, seconds=3.0, cache=False)
    assert ph.audio.shape == (2, 48000)
    for row in ph.meta:
        assert row["kind"] == "phrase" and row["tune"].startswith("kinder0:") and 70 <= row["tempo"] <= 150
        assert row["key"].endswith(("major", "minor")) and row["time_signature"] in ("2/4", "4/4")
        assert row["id"].endswith(f"-{int(row['tempo'])}bpm") and row["n_notes"] >= 2
    up = clips.phrases(n_phrases=2, programs=[0], soundfonts=TIM, seconds=3.0, transpose=2, cache=False)
    assert [r["tune"] for r in up.meta] == [r["tune"] for r in ph.meta]
    assert all(u["pitch"] == p["pitch"] + 2 for u, p in zip(up.meta, ph.meta))
    assert clips._transposed_key("G major", 2) == "A major" and clips._transposed_key("Bb major", 2) == "C major"
    assert clips._transposed_key("1 sharp", 2) is None


def test_phrases_have_onsets_at_the_tagged_tempo():
    from musiclearn import rhythm

    ph = clips.phrases(n_phrases=1, programs=[0], soundfonts=TIM, seconds=6.0, cache=False)
    bpm = rhythm.tempo(y=ph.audio[0], sr=ph.sr, hop_length=256, start_bpm=ph.meta[0]["tempo"], std_bpm=0.5)
    assert abs(bpm / ph.meta[0]["tempo"] - 1) < 0.06


@pytest.mark.parametrize("kw, match", [
    (dict(n_phrases=0), "n_phrases"),
    (dict(tempo_range=(150, 70)), "tempo_range"),
    (dict(tempo_range="fast"), "tempo_range"),
    (dict(seed=-1), "seed"),
    (dict(n_phrases=10_000), "ask for fewer"),
    (dict(corpus="nosuchcorpus"), "unknown corpus"),
])
def test_phrases_refuse_bad_knobs(kw, match):
    args = dict(programs=[0], soundfonts=TIM, seconds=1.0, cache=False)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        clips.phrases(**args)


# ----------------------------------------------------------------------------- drum kits


def _fake_kit(root: Path, name: str, licence: str | None) -> Path:
    import soundfile

    kit = root / name
    kit.mkdir(parents=True)
    sr = 44100
    t = np.arange(int(0.3 * sr)) / sr
    soundfile.write(kit / "kick.wav", (0.8 * np.sin(2 * np.pi * 60 * t) * np.exp(-10 * t)).astype(np.float32), sr)
    soundfile.write(kit / "hat.flac", np.stack([np.random.default_rng(0).uniform(-0.3, 0.3, len(t))] * 2, 1), sr)
    (kit / "broken.wav").write_bytes(b"RIFF nonsense")
    lic = f"<license>{licence}</license>" if licence else ""
    (kit / "drumkit.xml").write_text(
        '<?xml version="1.0"?><drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">'
        f"<name>{name}</name><author>Someone</author>{lic}<instrumentList>"
        "<instrument><id>0</id><name>Kick Drum</name><layer><filename>kick.wav</filename></layer></instrument>"
        "<instrument><id>1</id><name>Closed Hat</name><filename>hat.flac</filename></instrument>"
        "<instrument><id>2</id><name>Snare</name><layer><filename>broken.wav</filename></layer></instrument>"
        "<instrument><id>3</id><name>Tom</name><layer><filename>gone.wav</filename></layer></instrument>"
        "</instrumentList></drumkit_info>")
    return kit


def test_drums_from_a_kit_folder(tmp_path):
    _fake_kit(tmp_path / "kits", "Test Kit", "CC0")
    _fake_kit(tmp_path / "kits", "Other Kit", None)
    kits = clips.drumkits(roots=[tmp_path / "kits"])
    assert kits.names == ("Other Kit", "Test Kit")
    assert kits.found[1].licence == "CC0" and "not stated" in kits.found[0].licence
    d = clips.drums(roots=[tmp_path / "kits"], duration=0.5, cache=False)
    assert d.audio.shape == (4, 8000) and len(d.skipped) == 4
    assert "broken.wav" in d.skipped[0]["reason"] and "cannot be read" in d.skipped[0]["reason"]
    assert "gone.wav: is listed in drumkit.xml but missing" in d.skipped[1]["reason"]
    kick = d.meta[[m["instrument"] for m in d.meta].index("Kick Drum")]
    assert kick["category"] == "kick" and kick["orig_sr"] == 44100 and kick["channels"] == 1
    assert kick["kit"] in ("Test Kit", "Other Kit") and kick["licence"]
    hat = d.meta[[m["instrument"] for m in d.meta].index("Closed Hat")]
    assert hat["category"] == "hihat" and hat["channels"] == 2
    assert d.audio[:, 5000:].max() == 0       # 0.3 s of sound, zero padded to 0.5 s
    only = clips.drums(kits=["Test Kit"], roots=[tmp_path / "kits"], max_per_kit=1, cache=False)
    assert len(only) == 1
    with pytest.raises(ValueError, match="no drum kit named"):
        clips.drums(kits=["Nope"], roots=[tmp_path / "kits"])


def test_no_drum_kits_is_a_notice_not_an_error(tmp_path):
    kits = clips.drumkits(roots=[tmp_path / "none"])
    assert len(kits) == 0 and "hydrogen-drumkits" in kits.notice
    d = clips.drums(roots=[tmp_path / "none"])
    assert len(d) == 0 and "hydrogen-drumkits" in d.info["notice"]


def test_a_broken_drumkit_xml_is_a_data_error(tmp_path):
    kit = tmp_path / "kits" / "bad"
    kit.mkdir(parents=True)
    (kit / "drumkit.xml").write_text("<drumkit_info><name>oops")
    with pytest.raises(DataError, match="drumkit.xml"):
        clips.drumkits(roots=[tmp_path / "kits"])


@pytest.mark.parametrize("name, category", [("Kick Drum", "kick"), ("BD soft", "kick"), ("Snare Rim", "snare"),
                                            ("Open Hi-Hat", "hihat"), ("Ride Bell", "cymbal"),
                                            ("Floor Tom", "tom"), ("Hand Clap", "clap"), ("Cowbell", "other")])
def test_drum_categories_from_names(name, category):
    assert clips._drum_category(name) == category
