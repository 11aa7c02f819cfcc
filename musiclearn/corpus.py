"""Melodies from music21's corpus, parsed once and cached on disk.

Notebook: ``08_from_scores_to_tokens.ipynb`` teaches this module (the music21
corpus, melodies as note events, data hygiene for symbolic data).

Everything here reads the corpus that is *installed with music21*; nothing is
ever downloaded. The collections:

``"kinder0"``, ``"fink0"``, ... (see :func:`names`)
    One file of the Essen folksong collection (``essenFolksong/*.abc``).
    ``kinder0`` (213 German nursery songs) is the course's benchmark set.
``"essen"``
    All 31 Essen files: 8,514 tunes.
``"bach-soprano"``
    The soprano line of every Bach chorale in ``bach/`` (MusicXML ``.mxl``
    and ``.xml`` files; the Humdrum ``.krn`` copies and the keyboard prelude
    BWV 846 are left out). Some chorales appear in several versions, so a few
    melodies repeat: finding such duplicates is part of notebook 08.
``"oneills1850"``, ``"ryansMammoth"``
    Irish dance tunes (O'Neill's *Music of Ireland* and *Ryan's Mammoth
    Collection*) in ABC. Both repeat some tunes; a few files of
    ``oneills1850`` even overlap in the range of tunes they hold.

How a score becomes a melody (the same rules for every collection):

* Only the melody: the first part (the first voice of a multi-voice ABC tune),
  or the part named "Soprano" of a chorale.
* Tied notes of the same pitch are merged into one note.
* Grace notes are dropped (they take no time in the notation).
* Chords are reduced to their highest note. Where one part holds several
  voices, the highest sounding note wins: a lower note under a held higher
  one is dropped, a higher note that enters cuts the lower one short. Chord
  *symbols* (the "G", "D7" written over a tune) are ignored.
* Rests are skipped; a note's ``offset`` still says when it starts, so a gap
  between one note's end and the next note's offset is a rest.
* Repeats are not expanded: a melody is the notes as written, once.

Parsing all of Essen takes minutes, so each source file is parsed once and
cached as gzip-compressed JSON in ``musiclearn._config.cache_dir()`` (set
``MUSICLEARN_CACHE_DIR`` to move it). A cache file that is unreadable, from
another format version or music21 version, or from a changed source file is
reported with a warning and rebuilt. Tunes that music21 cannot parse are
skipped and counted; :func:`last_report` says which.

Build caches ahead of time (as Binder's ``postBuild`` can)::

    python -m musiclearn.corpus build kinder0 bach-soprano
    python -m musiclearn.corpus list
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import sys
import time
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError
from .melody import Melody, ScoreNote

__all__ = [
    "Note",
    "Melody",
    "Skipped",
    "CorpusReport",
    "names",
    "melodies",
    "info",
    "last_report",
    "cache_path",
    "FORMAT_VERSION",
]

#: Bumped whenever the cache layout or the score-to-melody rules change; old
#: cache files are then rebuilt rather than misread.
FORMAT_VERSION = 1
_FORMAT_TAG = "musiclearn-corpus"

# Names for whole collections; every Essen file stem is a name as well.
_COLLECTIONS = ("essen", "bach-soprano", "oneills1850", "ryansMammoth")
_ESSEN_DIR = "essenFolksong"
_BACH_DIR = "bach"
# The only score in bach/ that is not a chorale (a keyboard prelude from the
# Well-Tempered Clavier, with no soprano part).
_BACH_NOT_CHORALES = frozenset({"bwv846"})
_REASON_MAX = 200


# ----------------------------------------------------------------------------
# Data types
# ----------------------------------------------------------------------------


# The note and melody types live in musiclearn.melody, shared by every symbolic
# module; they are re-exported here under the names notebook 08 teaches.
Note = ScoreNote


@dataclass(frozen=True)
class Skipped:
    """A tune left out of a corpus because it could not be turned into a melody.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Attributes
    ----------
    source : str
        File stem and 0-based index of the tune within the file, e.g. ``"erk10:41"``.
    title : str
        The tune's title if it could be read, else "".
    reason : str
        What went wrong (the parser's error, or "no notes").
    """

    source: str
    title: str
    reason: str


@dataclass(frozen=True)
class CorpusReport:
    """What one call of :func:`melodies` produced.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Attributes
    ----------
    name : str
        The corpus name asked for.
    files : int
        Source files read (from the cache or parsed).
    tunes : int
        Melodies returned.
    notes : int
        Notes in those melodies.
    skipped : tuple of Skipped
        Tunes in the files read that could not be parsed or held no notes.
    built : int
        Source files parsed in this call (0 when everything came from the cache).
    seconds : float
        Wall time of the call.
    """

    name: str
    files: int
    tunes: int
    notes: int
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)
    built: int = 0
    seconds: float = 0.0


_LAST_REPORT: CorpusReport | None = None
_WARNED_SKIPS: set[str] = set()


def last_report() -> CorpusReport | None:
    """The report of the most recent :func:`melodies` call in this process.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Returns
    -------
    CorpusReport or None
        None before the first call.

    Examples
    --------
    >>> from musiclearn import corpus
    >>> tunes = corpus.melodies("kinder0")
    >>> corpus.last_report().skipped
    ()
    """
    return _LAST_REPORT


# ----------------------------------------------------------------------------
# Where the data lives
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    collection: str  # cache sub-folder: "essenFolksong", "bach-soprano", ...
    kind: str  # "abc" or "bach-soprano"
    path: Path

    @property
    def stem(self) -> str:
        return self.path.stem


def _corpus_root() -> Path:
    """The folder of music21's installed corpus (found without importing music21)."""
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            "music21 is not installed; install the course requirements (python3 course.py test)",
            "music21 corpus",
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "corpus"
    if not (root / _ESSEN_DIR).is_dir():
        # music21 can be told to keep its corpus elsewhere (corpus.manualCoreCorpusPath).
        from music21 import common

        root = Path(common.getCorpusFilePath())
    if not (root / _ESSEN_DIR).is_dir():
        raise DataError(
            "music21's corpus is not installed there; reinstall music21 from PyPI "
            "(its corpus ships with the package)",
            root,
        )
    return root


def _essen_files(root: Path) -> list[Path]:
    return sorted((root / _ESSEN_DIR).glob("*.abc"))


def names() -> list[str]:
    """All corpus names :func:`melodies` accepts.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Returns
    -------
    list of str
        ``"essen"``, ``"bach-soprano"``, ``"oneills1850"``, ``"ryansMammoth"``,
        then every Essen file stem in alphabetical order (``"altdeu10"``, ...,
        ``"kinder0"``, ...).

    Examples
    --------
    >>> from musiclearn import corpus
    >>> "kinder0" in corpus.names()
    True
    """
    return [*_COLLECTIONS, *(p.stem for p in _essen_files(_corpus_root()))]


def _unknown_name(name: str, valid: list[str]) -> DataError:
    lowered = {v.lower(): v for v in valid}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    hint = f"did you mean {lowered[close[0]]!r}? " if close else ""
    examples = ", ".join(repr(v) for v in [*_COLLECTIONS, "kinder0", "fink0"])
    return DataError(
        f"unknown corpus name; {hint}valid names include {examples} "
        f"(musiclearn.corpus.names() lists all {len(valid)})",
        name,
    )


def _sources(name: str) -> list[_Source]:
    if not isinstance(name, str):
        raise ValueError(f"corpus name must be a string such as 'kinder0', got {type(name).__name__}")
    root = _corpus_root()
    essen = _essen_files(root)
    if name == "essen":
        found = [_Source(_ESSEN_DIR, "abc", p) for p in essen]
        folder = root / _ESSEN_DIR
    elif name == "bach-soprano":
        folder = root / _BACH_DIR
        found = [
            _Source("bach-soprano", "bach-soprano", p)
            for p in sorted(folder.glob("*"))
            if p.suffix in {".mxl", ".xml"} and p.stem not in _BACH_NOT_CHORALES
        ]
    elif name in ("oneills1850", "ryansMammoth"):
        folder = root / name
        found = [_Source(name, "abc", p) for p in sorted(folder.glob("*.abc"))]
    else:
        match = [p for p in essen if p.stem == name]
        if not match:
            raise _unknown_name(name, [*_COLLECTIONS, *(p.stem for p in essen)])
        return [_Source(_ESSEN_DIR, "abc", match[0])]
    if not found:
        raise DataError("no score files found; reinstall music21 (its corpus ships with it)", folder)
    return found


def cache_path(source: os.PathLike[str] | str, *, collection: str) -> Path:
    """Where the parsed melodies of one source file are cached.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    source : str or os.PathLike
        The corpus file (only its stem is used).
    collection : str
        The cache sub-folder: ``"essenFolksong"``, ``"bach-soprano"``,
        ``"oneills1850"`` or ``"ryansMammoth"``.

    Returns
    -------
    pathlib.Path
        ``cache_dir()/corpus/<collection>/<stem>.v<FORMAT_VERSION>.json.gz``.

    Examples
    --------
    >>> cache_path("kinder0.abc", collection="essenFolksong").name
    'kinder0.v1.json.gz'
    """
    from ._config import cache_dir

    stem = Path(source).stem
    return cache_dir() / "corpus" / collection / f"{stem}.v{FORMAT_VERSION}.json.gz"


# ----------------------------------------------------------------------------
# Parsing (music21 is imported only here)
# ----------------------------------------------------------------------------


def _music21_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("music21")
    except PackageNotFoundError:
        import music21

        return str(music21.__version__)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Some older ABC collections are Latin-1; every byte decodes there.
        return raw.decode("latin-1")


_X_LINE = re.compile(r"^\s*X\s*:")


def _split_abc(text: str) -> list[str]:
    """Split an ABC file into tunes at its ``X:`` lines; the file header goes before each."""
    header: list[str] = []
    tunes: list[list[str]] = []
    for line in text.splitlines():
        if _X_LINE.match(line):
            tunes.append([line])
        elif tunes:
            tunes[-1].append(line)
        else:
            header.append(line)
    if not tunes:
        # A single tune without a reference number.
        return [text] if text.strip() else []
    return ["\n".join(header + tune) + "\n" for tune in tunes]


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").strip()
    return text if len(text) <= _REASON_MAX else text[: _REASON_MAX - 3] + "..."


def _format_key(k: Any) -> str | None:
    from music21 import key as m21key

    if isinstance(k, m21key.Key):
        return f"{k.tonic.name.replace('-', 'b')} {k.mode}"
    sharps = int(getattr(k, "sharps", 0) or 0)
    if sharps == 0:
        return "no sharps or flats"
    count, word = abs(sharps), ("sharp" if sharps > 0 else "flat")
    return f"{count} {word}{'s' if count != 1 else ''}"


def _melody_record(part: Any) -> dict[str, Any]:
    """Turn one music21 part into the cached plain-data form of a melody."""
    from music21 import chord, harmony, key, meter

    flat = part.flatten()
    events: list[tuple[float, int, float, str | None]] = []
    for el in flat.notes:
        if isinstance(el, harmony.Harmony):
            continue
        if el.duration.isGrace:
            continue
        length = float(el.quarterLength)
        if length <= 0:
            continue
        if isinstance(el, chord.Chord):
            if not el.pitches:
                continue
            top = max(el.pitches, key=lambda p: p.ps)
            pitch = int(top.midi)
            tie = el.getTie(top)
        else:
            pitch = int(el.pitch.midi)
            tie = el.tie
        events.append((float(flat.elementOffset(el)), pitch, length, tie.type if tie is not None else None))

    # A "skyline": the highest sounding note wins. Among notes that start
    # together the highest comes first; a note under a still-sounding higher
    # one is dropped, and a higher note that enters cuts the one below short.
    events.sort(key=lambda e: (e[0], -e[1]))
    notes: list[list[float]] = []  # [pitch, duration, offset]
    tie_open = False
    for offset, pitch, length, tie in events:
        if notes and offset < notes[-1][2] + notes[-1][1] - 1e-9:
            if pitch <= notes[-1][0]:
                continue
            notes[-1][1] = offset - notes[-1][2]
            tie_open = False
        if (
            notes
            and tie_open
            and tie in ("stop", "continue")
            and notes[-1][0] == pitch
            and abs(notes[-1][2] + notes[-1][1] - offset) < 1e-6
        ):
            notes[-1][1] += length
            tie_open = tie == "continue"
            continue
        notes.append([pitch, length, offset])
        tie_open = tie in ("start", "continue")
    for entry in notes:
        Note(*entry)  # raises ValueError (the tune is skipped) e.g. for a pitch beyond MIDI's range

    # recurse(), not the flat stream: music21's ABC reader can put one
    # TimeSignature object in two measures, and flattening keeps the later one.
    ts = next(iter(part.recurse().getElementsByClass(meter.TimeSignature)), None)
    ks = next(iter(part.recurse().getElementsByClass(key.KeySignature)), None)
    return {
        "notes": notes,
        "time_signature": ts.ratioString if ts is not None else None,
        "key": _format_key(ks) if ks is not None else None,
    }


def _title(score: Any) -> str:
    md = getattr(score, "metadata", None)
    if md is None:
        return ""
    for attr in ("title", "movementName"):
        value = getattr(md, attr, None)
        if value:
            return str(value).strip()
    return ""


@contextlib.contextmanager
def _quiet_music21() -> Iterator[None]:
    """Hide music21's chatter (it writes warnings straight to stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            yield


def _parse_abc(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from music21 import abcFormat
    from music21.abcFormat import translate

    tunes: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for index, tune_text in enumerate(_split_abc(text)):
        title = ""
        title_match = re.search(r"^\s*T\s*:(.*)$", tune_text, flags=re.MULTILINE)
        if title_match:
            title = title_match.group(1).strip()
        try:
            with _quiet_music21():
                handler = abcFormat.ABCFile().readstr(tune_text)
                score = translate.abcToStreamScore(handler)
                parts = list(score.parts)
                record = _melody_record(parts[0] if parts else score)
            title = _title(score) or title
        except Exception as exc:  # music21 raises many kinds; one bad tune must not stop the rest
            skipped.append({"index": index, "title": title, "reason": _short(exc)})
            continue
        if not record["notes"]:
            skipped.append({"index": index, "title": title, "reason": "no notes"})
            continue
        tunes.append({"index": index, "title": title, **record})
    return tunes, skipped


def _parse_bach(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from music21.converter import subConverters

    try:
        with _quiet_music21():
            # The sub-converter parses the file directly, without music21's
            # pickle cache or its corpus search machinery.
            converter = subConverters.ConverterMusicXML()
            converter.parseFile(path)
            score = converter.stream
            sopranos = [
                p for p in score.parts if (p.partName or "").strip().lower().startswith("soprano")
            ]
            if not sopranos:
                raise DataError("no part named Soprano", path.name)
            record = _melody_record(sopranos[0])
        title = _title(score)
    except Exception as exc:
        return [], [{"index": 0, "title": "", "reason": _short(exc)}]
    if not record["notes"]:
        return [], [{"index": 0, "title": title, "reason": "no notes"}]
    return [{"index": 0, "title": title, **record}], []


# ----------------------------------------------------------------------------
# The cache
# ----------------------------------------------------------------------------


class _StaleCache(Exception):
    """The cache file exists but cannot be used; the message says why."""


def _header(source: _Source, digest: str, m21_version: str) -> dict[str, Any]:
    return {
        "format": _FORMAT_TAG,
        "format_version": FORMAT_VERSION,
        "music21_version": m21_version,
        "collection": source.collection,
        "source": f"{source.path.parent.name}/{source.path.name}",
        "source_sha256": digest,
    }


def _check_record(record: Any) -> None:
    if not isinstance(record, dict):
        raise _StaleCache("a tune entry is not an object")
    if not isinstance(record.get("index"), int) or not isinstance(record.get("notes"), list):
        raise _StaleCache("a tune entry lacks 'index' or 'notes'")
    for entry in record["notes"]:
        if not (isinstance(entry, list) and len(entry) == 3):
            raise _StaleCache("a note is not a [pitch, duration, offset] triple")


def _read_cache(path: Path, expected: dict[str, Any]) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _StaleCache(f"cannot be read ({exc.strerror or exc})") from None
    try:
        payload = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise _StaleCache(f"is corrupt or truncated ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT_TAG:
        raise _StaleCache("is not a musiclearn corpus cache")
    for field_name, why in (
        ("format_version", "was written in another cache format"),
        ("music21_version", "was written by another music21 version"),
        ("source_sha256", "belongs to a different version of the source file"),
        ("collection", "belongs to another collection"),
    ):
        if payload.get(field_name) != expected[field_name]:
            raise _StaleCache(
                f"{why} ({payload.get(field_name)!r}, expected {expected[field_name]!r})"
            )
    if not isinstance(payload.get("tunes"), list) or not isinstance(payload.get("skipped"), list):
        raise _StaleCache("lacks its 'tunes' or 'skipped' list")
    for record in payload["tunes"]:
        _check_record(record)
    return payload


def _write_cache(path: Path, payload: dict[str, Any]) -> None:
    from ._cache import atomic_write_bytes

    data = gzip.compress(json.dumps(payload, separators=(",", ":")).encode("utf-8"), mtime=0)
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        warnings.warn(
            f"{path}: could not write the corpus cache ({exc.strerror or exc}); "
            "it will be parsed again next time. Set MUSICLEARN_CACHE_DIR to a writable folder.",
            RuntimeWarning,
            stacklevel=5,
        )


def _build(source: _Source, raw: bytes, header: dict[str, Any]) -> dict[str, Any]:
    if source.kind == "abc":
        tunes, skipped = _parse_abc(_decode(raw))
    else:
        tunes, skipped = _parse_bach(source.path)
    payload = {**header, "tunes": tunes, "skipped": skipped}
    _write_cache(cache_path(source.path, collection=source.collection), payload)
    return payload


def _to_melodies(source: _Source, payload: dict[str, Any]) -> tuple[list[Melody], list[Skipped]]:
    """Plain cached data to Melody objects; their checks catch hand-edited or damaged files."""
    try:
        melodies_ = [
            Melody(
                tuple(Note(p, d, o) for p, d, o in record["notes"]),
                title=str(record.get("title") or ""),
                source=f"{source.stem}:{record['index']}",
                time_signature=_optional_str(record.get("time_signature")),
                key=_optional_str(record.get("key")),
            )
            for record in payload["tunes"]
        ]
        skipped = [
            Skipped(f"{source.stem}:{s['index']}", str(s.get("title") or ""), str(s.get("reason") or ""))
            for s in payload["skipped"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _StaleCache(f"holds invalid data ({_short(exc)})") from None
    return melodies_, skipped


def _optional_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected a string or null, got {value!r}")
    return value


# ----------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------


def _check_options(limit: int | None, progress: bool | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int (number of melodies) or None for all, got {limit!r}")
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be True, False or None (show while building), got {progress!r}")


def melodies(name: str, *, limit: int | None = None, progress: bool | None = None) -> list[Melody]:
    """Monophonic melodies from music21's installed corpus, parsed once and cached.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Parameters
    ----------
    name : str
        An Essen file stem (``"kinder0"``, ``"fink0"``, ...), ``"essen"`` (all
        8,514 Essen tunes), ``"bach-soprano"``, ``"oneills1850"`` or
        ``"ryansMammoth"``; :func:`names` lists them all.
    limit : int, optional
        Return at most this many melodies, parsing only the files needed for
        them (files are read in alphabetical order; a file is always parsed
        and cached whole). Handy for quick experiments and tests.
    progress : bool, optional
        Show a progress bar over files. The default (None) shows one only when
        more than one file has to be parsed.

    Returns
    -------
    list of Melody
        In file order, then in order within each file. Pitches are MIDI note
        numbers; durations and offsets are in quarter notes. Tunes music21
        cannot parse are left out, with a warning giving their count (once
        per corpus name and process); :func:`last_report` lists them.

    Raises
    ------
    musiclearn.errors.DataError
        If ``name`` is unknown (the message suggests the closest valid name)
        or music21's corpus is missing.
    ValueError
        If ``limit`` or ``progress`` is not one of the values above.

    Notes
    -----
    The first call parses and caches; on two CPU cores that took about 4 s
    for ``kinder0`` (213 tunes), 18 s for ``bach-soprano`` (409), 1 min for
    ``ryansMammoth`` (1,059), 2 min for ``oneills1850`` (2,009) and 4 min
    for ``essen`` (8,513 of 8,514: one tune of ``han1`` does not parse).
    Later calls read the cache: about 2 s for all of Essen.

    Examples
    --------
    >>> from musiclearn import corpus
    >>> tunes = corpus.melodies("kinder0")
    >>> len(tunes), sum(len(t) for t in tunes)
    (213, 8393)
    >>> tunes[0].title, tunes[0].pitches[:4]
    ('SCHLAF KINDLEIN SCHLAF', (69, 67, 67, 65))
    """
    return _load(name, limit=limit, progress=progress, stacklevel=3)


def _load(name: str, *, limit: int | None, progress: bool | None, stacklevel: int) -> list[Melody]:
    """:func:`melodies`; ``stacklevel`` points warnings at the public caller's line."""
    global _LAST_REPORT
    _check_options(limit, progress)
    start = time.perf_counter()
    sources = _sources(name)
    m21_version = _music21_version()

    result: list[Melody] = []
    skipped: list[Skipped] = []
    files = built = 0
    bar = _progress_bar(sources, name, progress)
    try:
        for source in sources:
            if limit is not None and len(result) >= limit:
                break
            raw = source.path.read_bytes()
            header = _header(source, hashlib.sha256(raw).hexdigest(), m21_version)
            target = cache_path(source.path, collection=source.collection)
            loaded = None
            if target.exists():
                try:
                    loaded = _to_melodies(source, _read_cache(target, header))
                except _StaleCache as why:
                    warnings.warn(
                        f"{target}: the corpus cache {why}; rebuilding it.",
                        RuntimeWarning,
                        stacklevel=stacklevel,
                    )
            if loaded is None:
                loaded = _to_melodies(source, _build(source, raw, header))
                built += 1
            if bar is not None:
                bar.update(1)
            files += 1
            tunes, bad = loaded
            result.extend(tunes)
            skipped.extend(bad)
    finally:
        if bar is not None:
            bar.close()

    if limit is not None:
        result = result[:limit]
    report = CorpusReport(
        name=name,
        files=files,
        tunes=len(result),
        notes=sum(len(m) for m in result),
        skipped=tuple(skipped),
        built=built,
        seconds=time.perf_counter() - start,
    )
    _LAST_REPORT = report
    if skipped and name not in _WARNED_SKIPS:
        _WARNED_SKIPS.add(name)
        warnings.warn(
            f"{name}: {len(skipped)} tune(s) could not be turned into melodies and were left out; "
            "musiclearn.corpus.last_report().skipped lists them.",
            RuntimeWarning,
            stacklevel=stacklevel,
        )
    return result


def _progress_bar(sources: list[_Source], name: str, progress: bool | None) -> Any:
    """A bar over ``sources``, or None when it would not help.

    With ``progress=None`` a bar appears only when at least two of the files
    have no cache yet: loading cached files takes well under a second.
    """
    if progress is False:
        return None
    if progress is None:
        missing = sum(not cache_path(s.path, collection=s.collection).exists() for s in sources)
        if missing < 2:
            return None
    from tqdm.auto import tqdm

    return tqdm(total=len(sources), desc=f"corpus {name}", unit="file", leave=False)


def info(name: str, *, progress: bool | None = None) -> CorpusReport:
    """Counts for a corpus: files, tunes, notes and skipped tunes.

    Notebook: ``08_from_scores_to_tokens.ipynb``.

    Builds the cache if needed (see :func:`melodies`).

    Parameters
    ----------
    name : str
        A corpus name (see :func:`names`).
    progress : bool, optional
        As for :func:`melodies`.

    Returns
    -------
    CorpusReport

    Examples
    --------
    >>> from musiclearn import corpus
    >>> r = corpus.info("kinder0")
    >>> r.tunes, r.notes
    (213, 8393)
    """
    _load(name, limit=None, progress=progress, stacklevel=3)
    assert _LAST_REPORT is not None
    return _LAST_REPORT


# ----------------------------------------------------------------------------
# Command line: python -m musiclearn.corpus build NAME... | list
# ----------------------------------------------------------------------------

_USAGE = """usage: python -m musiclearn.corpus build NAME [NAME ...]
       python -m musiclearn.corpus list

  build   parse the named corpora once and cache them (prints counts and seconds)
  list    print every valid corpus name"""


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    try:
        if command == "list":
            if rest:
                print("list takes no arguments\n\n" + _USAGE, file=sys.stderr)
                return 2
            for valid in names():
                print(valid)
            return 0
        if command == "build":
            if not rest:
                print("build needs at least one corpus name, e.g. kinder0\n\n" + _USAGE, file=sys.stderr)
                return 2
            for corpus_name in rest:
                _sources(corpus_name)  # fail on a typo before any slow parsing
            for corpus_name in rest:
                report = info(corpus_name)
                print(
                    f"{corpus_name}: {report.tunes} tunes, {report.notes} notes, "
                    f"{len(report.skipped)} skipped, {report.files} files "
                    f"({report.built} parsed) in {report.seconds:.1f} s",
                    flush=True,
                )
            return 0
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"unknown command {command!r}\n\n{_USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
