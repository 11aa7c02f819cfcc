"""Tests for musiclearn.corpus: melodies from music21's corpus and their cache.

Real corpus files are parsed where that is quick (kinder0, the small Essen
stems testd/teste, a few Bach chorales and Ryan's tunes). Policy and failure
cases use small ABC files written to tmp_path and served as a stand-in corpus.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from musiclearn import corpus
from musiclearn.corpus import Melody, Note
from musiclearn.errors import DataError

REPO = Path(__file__).resolve().parents[1]
ROOT = corpus._corpus_root()


def _abc_note_letters(text: str) -> int:
    """Count note letters in ABC music lines (header fields and comments excluded)."""
    count = 0
    for line in text.splitlines():
        if re.match(r"\s*[A-Za-z]\s*:", line) or line.lstrip().startswith("%"):
            continue
        count += len(re.findall(r"[A-Ga-g]", line))
    return count


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MUSICLEARN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def kinder(tmp_path_factory):
    """kinder0 built once into a fresh cache, then loaded again from it."""
    folder = tmp_path_factory.mktemp("kinder-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUSICLEARN_CACHE_DIR", str(folder))
        start = time.perf_counter()
        built = corpus.melodies("kinder0", progress=False)
        build_s = time.perf_counter() - start
        build_report = corpus.last_report()
        start = time.perf_counter()
        loaded = corpus.melodies("kinder0")
        load_s = time.perf_counter() - start
        load_report = corpus.last_report()
        path = corpus.cache_path(ROOT / "essenFolksong" / "kinder0.abc", collection="essenFolksong")
    return SimpleNamespace(
        built=built, loaded=loaded, build_s=build_s, load_s=load_s,
        build_report=build_report, load_report=load_report, path=path,
    )


# --- the benchmark set ---------------------------------------------------------


def test_kinder0_has_213_tunes_and_8393_notes(kinder):
    assert len(kinder.built) == 213
    assert sum(len(m) for m in kinder.built) == 8393
    r = kinder.build_report
    assert (r.name, r.files, r.tunes, r.notes, r.skipped, r.built) == ("kinder0", 1, 213, 8393, (), 1)


def test_kinder0_note_count_matches_the_abc_text(kinder):
    # kinder0 has no ties, grace notes or chords, so every note letter in the
    # file is one note: an independent count that does not use music21.
    text = (ROOT / "essenFolksong" / "kinder0.abc").read_text(encoding="utf-8")
    assert text.count("X:") == 213
    assert _abc_note_letters(text) == sum(len(m) for m in kinder.built)


def test_kinder0_first_tune(kinder):
    first = kinder.built[0]
    # X:1 in kinder0.abc: "M: 2/4  L: 1/8  K: F  | A2GG | F2z C | ..."
    assert first.title == "SCHLAF KINDLEIN SCHLAF"
    assert first.source == "kinder0:0"
    assert first.time_signature == "2/4"
    assert first.key == "F major"
    assert first.pitches[:5] == (69, 67, 67, 65, 60)
    assert first.durations[:5] == (1.0, 0.5, 0.5, 1.0, 0.5)
    # "F2z C": the rest after F shows as a gap before C.
    assert first[3].end == 3.0 and first[4].offset == 3.5


def test_kinder0_metadata_matches_the_headers(kinder):
    text = (ROOT / "essenFolksong" / "kinder0.abc").read_text(encoding="utf-8")
    meters = [m.strip() for m in re.findall(r"^M:(.*)$", text, flags=re.MULTILINE)]
    assert [m.time_signature for m in kinder.built] == meters
    assert [m.source for m in kinder.built] == [f"kinder0:{i}" for i in range(213)]


def test_kinder0_notes_are_sane(kinder):
    for melody in kinder.built:
        assert isinstance(melody, Melody) and len(melody) > 0
        for note in melody:
            assert type(note.pitch) is int and 0 <= note.pitch <= 127
            assert type(note.duration) is float and note.duration > 0
            assert type(note.offset) is float and note.offset >= 0
        offsets = melody.offsets
        assert all(a <= b for a, b in zip(offsets, offsets[1:]))
        # Monophonic: a note never starts before the previous one ends.
        assert all(a.end <= b.offset + 1e-9 for a, b in zip(melody, melody[1:]))
        # German nursery songs stay within a singable range.
        assert 50 <= min(melody.pitches) and max(melody.pitches) <= 84


# --- the cache -------------------------------------------------------------------


def test_cache_hit_is_fast_and_equal(kinder):
    assert kinder.loaded == kinder.built
    assert kinder.load_report.built == 0
    assert kinder.load_report.notes == 8393
    assert kinder.load_s < kinder.build_s / 5, (kinder.load_s, kinder.build_s)


def test_cache_file_is_versioned_gzip_json(kinder):
    path = kinder.path
    assert path.is_file()
    assert f"v{corpus.FORMAT_VERSION}" in path.name
    payload = json.loads(gzip.decompress(path.read_bytes()))
    assert payload["format_version"] == corpus.FORMAT_VERSION
    from importlib.metadata import version

    assert payload["music21_version"] == version("music21")
    assert payload["source"] == "essenFolksong/kinder0.abc"
    assert len(payload["tunes"]) == 213
    assert payload["tunes"][0]["notes"][0] == [69, 1.0, 0.0]
    # Only the finished file is left behind, no temporary files.
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def _load_with_warning(name: str, match: str) -> list[Melody]:
    with pytest.warns(RuntimeWarning, match=match):
        tunes = corpus.melodies(name, progress=False)
    assert corpus.last_report().built == 1
    return tunes


def _rewrite_header(path: Path, **changes) -> None:
    payload = json.loads(gzip.decompress(path.read_bytes()))
    payload.update(changes)
    path.write_bytes(gzip.compress(json.dumps(payload).encode()))


@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda p: p.write_bytes(b"\x00garbage\xffnot a cache" * 10), "corrupt or truncated"),
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "corrupt or truncated"),
        (lambda p: p.write_bytes(b""), "corrupt or truncated"),
        (lambda p: p.write_bytes(gzip.compress(b"{not json")), "corrupt or truncated"),
        (lambda p: p.write_bytes(gzip.compress(b"[1, 2, 3]")), "not a musiclearn corpus cache"),
        (lambda p: _rewrite_header(p, format_version=0), "another cache format"),
        (lambda p: _rewrite_header(p, music21_version="1.0.0"), "another music21 version"),
        (lambda p: _rewrite_header(p, source_sha256="0" * 64), "different version of the source"),
        (lambda p: _rewrite_header(p, tunes=[{"index": 0, "notes": [[60, 1.0]]}]), "triple"),
        (lambda p: _rewrite_header(p, tunes=[{"index": 0, "notes": [[60, -1.0, 0.0]]}]), "invalid"),
        (lambda p: _rewrite_header(p, skipped=None), "'skipped'"),
    ],
    ids=["garbage", "truncated", "empty", "not-json", "not-ours", "format", "music21",
         "source", "bad-note", "bad-duration", "no-skipped"],
)
def test_damaged_cache_is_reported_and_rebuilt(cache, damage, match):
    fresh = corpus.melodies("testd", progress=False)
    assert len(fresh) == 8
    path = corpus.cache_path(ROOT / "essenFolksong" / "testd.abc", collection="essenFolksong")
    good = path.read_bytes()
    damage(path)
    assert path.read_bytes() != good
    rebuilt = _load_with_warning("testd", match)
    assert rebuilt == fresh
    # The rebuilt file is valid again: the next load is a silent cache hit.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert corpus.melodies("testd") == fresh
    assert corpus.last_report().built == 0


def test_unwritable_cache_still_returns_melodies(cache):
    cache.mkdir(parents=True)
    (cache / "corpus").write_text("a file where the cache folder should be")
    with pytest.warns(RuntimeWarning, match="could not write the corpus cache"):
        tunes = corpus.melodies("testd", progress=False)
    assert len(tunes) == 8


def test_concurrent_builders_leave_one_valid_cache(cache):
    code = (
        "from musiclearn import corpus; "
        "print(sum(len(m) for m in corpus.melodies('teste', progress=False)))"
    )
    env = {**os.environ, "MUSICLEARN_CACHE_DIR": str(cache)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    counts = {out.strip() for out, _ in results}
    assert len(counts) == 1
    folder = cache / "corpus" / "essenFolksong"
    assert [p.name for p in folder.iterdir()] == [f"teste.v{corpus.FORMAT_VERSION}.json.gz"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tunes = corpus.melodies("teste")
    assert corpus.last_report().built == 0
    assert str(sum(len(m) for m in tunes)) == counts.pop()


def test_no_network_access_during_a_build(cache, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("musiclearn.corpus tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert len(corpus.melodies("testd", progress=False)) == 8
    assert len(corpus.melodies("bach-soprano", limit=1, progress=False)) == 1
    assert corpus.last_report().built == 1


# --- names ------------------------------------------------------------------------


def test_names_lists_collections_and_every_essen_file():
    valid = corpus.names()
    stems = sorted(p.stem for p in (ROOT / "essenFolksong").glob("*.abc"))
    assert valid[:4] == ["essen", "bach-soprano", "oneills1850", "ryansMammoth"]
    assert valid[4:] == stems
    assert {"kinder0", "fink0", "erk5"} <= set(stems) and len(stems) == 31


def test_essen_is_all_essen_files_with_8514_tunes():
    sources = corpus._sources("essen")
    assert sorted(s.path.name for s in sources) == sorted(
        p.name for p in (ROOT / "essenFolksong").glob("*.abc"))
    tunes = sum(
        len(corpus._split_abc(s.path.read_text(encoding="utf-8"))) for s in sources)
    assert tunes == 8514
    # Each Essen file has its own cache file, shared by "essen" and its stem.
    assert {corpus.cache_path(s.path, collection=s.collection) for s in sources} == {
        corpus.cache_path(s.path, collection=s.collection)
        for stem in corpus.names()[4:] for s in corpus._sources(stem)}


def test_irish_collections_resolve_to_their_folders():
    assert len(corpus._sources("oneills1850")) == len(list((ROOT / "oneills1850").glob("*.abc"))) > 30
    assert len(corpus._sources("ryansMammoth")) == len(list((ROOT / "ryansMammoth").glob("*.abc"))) > 1000


@pytest.mark.parametrize(
    "wrong, suggestion",
    [("kinder", "kinder0"), ("kindr0", "kinder0"), ("Kinder0", "kinder0"), ("Essen", "essen"),
     ("bach", "bach-soprano"), ("oneills", "oneills1850"), ("ryans", "ryansMammoth")],
)
def test_unknown_name_suggests_the_closest(wrong, suggestion):
    with pytest.raises(DataError) as info:
        corpus.melodies(wrong)
    message = str(info.value)
    assert message.startswith(f"{wrong}: unknown corpus name")
    assert f"did you mean {suggestion!r}" in message
    assert "'kinder0'" in message and "names()" in message
    assert isinstance(info.value, ValueError)


def test_hopeless_name_lists_examples_without_a_guess():
    with pytest.raises(DataError, match="valid names include 'essen'") as info:
        corpus.melodies("zzzzzzzzzzzzzz")
    assert "did you mean" not in str(info.value)


@pytest.mark.parametrize("kwargs", [{"limit": 0}, {"limit": -3}, {"limit": 2.5}, {"limit": True},
                                    {"progress": "yes"}])
def test_bad_options_raise_value_error(kwargs):
    with pytest.raises(ValueError, match="limit|progress"):
        corpus.melodies("kinder0", **kwargs)


def test_non_string_name_raises_value_error():
    with pytest.raises(ValueError, match="corpus name must be a string"):
        corpus.melodies(0)


# --- other collections -------------------------------------------------------------


def test_bach_soprano_matches_music21s_soprano_part(cache):
    tunes = corpus.melodies("bach-soprano", limit=3, progress=False)
    report = corpus.last_report()
    assert (len(tunes), report.files, report.built, report.skipped) == (3, 3, 3, ())
    files = sorted(p for p in (ROOT / "bach").glob("*") if p.suffix in {".mxl", ".xml"})
    assert [m.source for m in tunes] == [f"{p.stem}:0" for p in files[:3]]

    # Oracle: music21's own tie merging on the part named Soprano.
    from music21 import converter

    for melody, path in zip(tunes, files):
        score = converter.parse(path, forceSource=True, storePickle=False)
        soprano = next(p for p in score.parts if p.partName == "Soprano")
        expected = [n for n in soprano.stripTies().flatten().notes if not n.duration.isGrace]
        assert melody.pitches == tuple(n.pitch.midi for n in expected)
        assert melody.durations == tuple(float(n.quarterLength) for n in expected)
        assert 55 <= min(melody.pitches) and max(melody.pitches) <= 84
        assert melody.time_signature in {"4/4", "3/4", "3/2", "6/4", "12/8", "2/2"}
        assert melody.key is not None


def test_bach_soprano_leaves_out_the_prelude_and_humdrum_copies():
    sources = corpus._sources("bach-soprano")
    stems = [s.path.stem for s in sources]
    assert "bwv846" not in stems
    assert all(s.path.suffix in {".mxl", ".xml"} for s in sources)
    assert len(stems) == len(set(stems)) and len(stems) > 370


def test_ryans_mammoth_tunes_parse(cache):
    tunes = corpus.melodies("ryansMammoth", limit=3, progress=False)
    assert len(tunes) == 3 and corpus.last_report().files == 3
    for melody in tunes:
        assert len(melody) > 20 and melody.title
        assert all(0 <= p <= 127 for p in melody.pitches)


# --- the score-to-melody rules, on ABC written by the test --------------------------

MINI = """%a file comment before the first tune
X:1
T:Policy
M:3/4
L:1/8
K:G
A2- A2 B2 | {g}c4 [ce]2 | "D7"d2 z2 c2- | c2 d2- d2- | d6 |]

X:2
T:Broken
M:2/4
L:0/0
K:C
CD|

X:3
T:Empty
M:2/4
L:1/4
K:C

X:4
T:Two voices
M:2/4
L:1/4
K:C
V:1
e f| G-A |
V:2
C D| E F |
"""

OTHER = """X:1
T:Other
M:4/4
L:1/4
K:Dm
D E F G | A4 |]
"""


@pytest.fixture
def fake_root(tmp_path, monkeypatch, cache):
    root = tmp_path / "m21corpus"
    (root / "essenFolksong").mkdir(parents=True)
    (root / "essenFolksong" / "mini.abc").write_text(MINI, encoding="utf-8")
    (root / "essenFolksong" / "other.abc").write_text(OTHER, encoding="utf-8")
    monkeypatch.setattr(corpus, "_corpus_root", lambda: root)
    monkeypatch.setattr(corpus, "_WARNED_SKIPS", set())
    return root


def test_ties_graces_chords_symbols_and_rests(fake_root):
    with pytest.warns(RuntimeWarning, match="mini: 2 tune"):
        tunes = corpus.melodies("mini", progress=False)
    policy = tunes[0]
    assert (policy.title, policy.source, policy.time_signature, policy.key) == (
        "Policy", "mini:0", "3/4", "G major")
    # A2-A2 tied; {g} grace dropped; [ce] -> e; "D7" ignored; z2 -> gap; ties over bar lines.
    assert [(n.pitch, n.duration, n.offset) for n in policy] == [
        (69, 2.0, 0.0), (71, 1.0, 2.0), (72, 2.0, 3.0), (76, 1.0, 5.0),
        (74, 1.0, 6.0), (72, 2.0, 8.0), (74, 5.0, 10.0)]
    assert policy[-1].end == 15.0  # five bars of 3/4


def test_first_voice_and_ties_between_different_pitches(fake_root):
    with pytest.warns(RuntimeWarning):
        tunes = corpus.melodies("mini", progress=False)
    two = tunes[1]
    assert two.source == "mini:3"
    # V:1 only; "G-A" joins different pitches, so it stays two notes.
    assert [(n.pitch, n.duration, n.offset) for n in two] == [
        (76, 1.0, 0.0), (77, 1.0, 1.0), (67, 1.0, 2.0), (69, 1.0, 3.0)]


def test_voices_in_one_part_keep_the_highest_sounding_note():
    from music21 import note, stream

    upper, lower = stream.Voice(), stream.Voice()
    for name, length in [("C5", 2.0), ("D5", 2.0)]:
        upper.append(note.Note(name, quarterLength=length))
    lower.append(note.Rest(quarterLength=1.0))
    for name in ["G5", "B4", "A4"]:
        lower.append(note.Note(name, quarterLength=1.0))
    measure = stream.Measure()
    measure.insert(0, upper)
    measure.insert(0, lower)
    part = stream.Part([measure])
    # G5 enters over the held C5 and cuts it short; B4 and A4 lie under the held D5.
    assert corpus._melody_record(part)["notes"] == [[72, 1.0, 0.0], [79, 1.0, 1.0], [74, 2.0, 2.0]]


def test_bad_tunes_are_skipped_counted_and_warned_once(fake_root):
    with pytest.warns(RuntimeWarning, match="2 tune.*last_report") as record:
        tunes = corpus.melodies("mini", progress=False)
    assert len([w for w in record if "could not be turned" in str(w.message)]) == 1
    assert [m.source for m in tunes] == ["mini:0", "mini:3"]
    report = corpus.last_report()
    assert (report.tunes, report.notes) == (2, 11)
    assert [(s.source, s.title) for s in report.skipped] == [("mini:1", "Broken"), ("mini:2", "Empty")]
    assert "ZeroDivisionError" in report.skipped[0].reason
    assert report.skipped[1].reason == "no notes"

    # From the cache: same skips reported, no second warning in this process.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = corpus.melodies("mini")
    assert again == tunes
    assert corpus.last_report().skipped == report.skipped and corpus.last_report().built == 0


def test_collection_reuses_per_file_caches(fake_root):
    assert corpus.names() == ["essen", "bach-soprano", "oneills1850", "ryansMammoth", "mini", "other"]
    assert [m.pitches for m in corpus.melodies("other")] == [(62, 64, 65, 67, 69)]
    with pytest.warns(RuntimeWarning):
        everything = corpus.melodies("essen", progress=False)
    report = corpus.last_report()
    assert (report.files, report.built) == (2, 1)  # "other" came from its cache
    assert [m.source for m in everything] == ["mini:0", "mini:3", "other:0"]
    assert everything[-1].key == "D minor" and everything[-1].durations[-1] == 4.0


def test_limit_parses_only_the_files_needed(fake_root):
    with pytest.warns(RuntimeWarning, match="essen: 2 tune"):  # skips in the files read count
        tunes = corpus.melodies("essen", limit=1, progress=False)
    assert [m.source for m in tunes] == ["mini:0"]
    report = corpus.last_report()
    assert (report.files, report.built, report.tunes) == (1, 1, 1)
    assert not corpus.cache_path("other.abc", collection="essenFolksong").exists()


def test_changed_source_file_rebuilds_its_cache(fake_root):
    assert corpus.melodies("other")[0].pitches == (62, 64, 65, 67, 69)
    path = fake_root / "essenFolksong" / "other.abc"
    path.write_text(OTHER.replace("D E F G", "A G F E"), encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="different version of the source file"):
        assert corpus.melodies("other")[0].pitches == (69, 67, 65, 64, 69)


def test_latin1_abc_file_is_read(fake_root):
    text = OTHER.replace("T:Other", "T:Gr\u00fc\u00dfe")
    (fake_root / "essenFolksong" / "latin.abc").write_bytes(text.encode("latin-1"))
    assert corpus.melodies("latin")[0].title == "Gr\u00fc\u00dfe"


def test_progress_bar_only_when_building_several_files(fake_root, capsys):
    corpus.melodies("other")
    assert "corpus other" not in capsys.readouterr().err
    with pytest.warns(RuntimeWarning):
        corpus.melodies("essen")  # mini still to build, other cached: no bar
    assert "corpus essen" not in capsys.readouterr().err
    for cached in (fake_root / "essenFolksong").glob("*.abc"):
        corpus.cache_path(cached, collection="essenFolksong").unlink()
    corpus.melodies("essen")  # two files to build: a bar
    assert "corpus essen" in capsys.readouterr().err
    corpus.melodies("essen", progress=True)  # forced, even from the cache
    assert "corpus essen" in capsys.readouterr().err
    corpus.cache_path("mini.abc", collection="essenFolksong").unlink()
    corpus.cache_path("other.abc", collection="essenFolksong").unlink()
    corpus.melodies("essen", progress=False)
    assert "corpus essen" not in capsys.readouterr().err


def test_missing_corpus_folder_is_a_data_error(fake_root, monkeypatch):
    (fake_root / "oneills1850").mkdir()
    with pytest.raises(DataError, match="oneills1850: no score files found"):
        corpus.melodies("oneills1850")


def test_info_reports_counts(fake_root):
    with pytest.warns(RuntimeWarning):
        report = corpus.info("mini")
    assert (report.name, report.files, report.tunes, report.notes, len(report.skipped)) == (
        "mini", 1, 2, 11, 2)


# --- data types ----------------------------------------------------------------------


def test_note_validates_and_is_frozen():
    import numpy as np

    note = Note(np.int64(60), np.float32(0.5), 0)
    assert (type(note.pitch), type(note.duration), type(note.offset)) == (int, float, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.pitch = 61
    for bad in [(128, 1.0, 0.0), (-1, 1.0, 0.0), (60.0, 1.0, 0.0), (True, 1.0, 0.0),
                (60, 0.0, 0.0), (60, float("nan"), 0.0), (60, 1.0, -0.5), (60, "1", 0.0)]:
        with pytest.raises(ValueError, match="Note"):
            Note(*bad)


def test_melody_is_a_sequence_of_notes():
    melody = Melody.from_pitches([60, 62, 64], duration=0.5, title="t", source="x:0")
    assert len(melody) == 3 and melody[1] == Note(62, 0.5, 0.5)
    assert melody[-1].offset == 1.0 and melody[:2] == (Note(60, 0.5, 0.0), Note(62, 0.5, 0.5))
    assert [n.pitch for n in melody] == [60, 62, 64] == list(melody.pitches)
    assert melody.durations == (0.5, 0.5, 0.5)
    assert Note(64, 0.5, 1.0) in melody
    assert isinstance(melody.notes, tuple)
    assert Melody(list(melody.notes)) == Melody(melody.notes)
    with pytest.raises(dataclasses.FrozenInstanceError):
        melody.title = "other"
    with pytest.raises(ValueError, match="order of onset"):
        Melody([Note(60, 1.0, 1.0), Note(62, 1.0, 0.0)])
    with pytest.raises(ValueError, match="corpus.Note"):
        Melody([60, 62])


def test_melodies_survive_pickling(kinder):
    # DataLoader workers and multiprocessing pickle what they are given.
    import pickle

    assert pickle.loads(pickle.dumps(kinder.built[:5])) == kinder.built[:5]


# --- command line and imports ----------------------------------------------------------


def test_cli_list_and_build(cache, capsys):
    assert corpus.main(["list"]) == 0
    assert capsys.readouterr().out.split() == corpus.names()
    assert corpus.main(["build", "testd", "teste"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"testd: 8 tunes, \d+ notes, 0 skipped, 1 files \(1 parsed\) in \d+\.\d s", lines[0])
    assert lines[1].startswith("teste: 8 tunes")
    assert corpus.main(["build", "testd"]) == 0
    assert "(0 parsed)" in capsys.readouterr().out


def test_cli_errors(cache, capsys):
    assert corpus.main([]) == 2
    assert corpus.main(["build"]) == 2
    assert "at least one corpus name" in capsys.readouterr().err
    assert corpus.main(["build", "testd", "kindr0"]) == 1
    err = capsys.readouterr().err
    assert "kindr0: unknown corpus name" in err and "'kinder0'" in err
    assert not (cache / "corpus").exists()  # a typo stops the run before parsing
    assert corpus.main(["frobnicate"]) == 2


def test_module_runs_as_a_script_without_importing_music21(cache):
    env = {**os.environ, "MUSICLEARN_CACHE_DIR": str(cache)}
    listed = subprocess.run([sys.executable, "-m", "musiclearn.corpus", "list"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "kinder0" in listed.stdout.split()
    code = ("import sys; from musiclearn import corpus; corpus.names(); "
            "print('music21' in sys.modules)")
    lazy = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert lazy.stdout.strip() == "False", lazy.stderr
