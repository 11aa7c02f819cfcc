"""One rule for "a melody" everywhere, and one home for the two note types."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from musiclearn import corpus, data, evaluate, generate, midi, tokens
from musiclearn.melody import Melody, MidiNote, ScoreNote, as_melody, melody_pitches, note_name


def test_old_names_are_the_new_types():
    assert corpus.Note is ScoreNote and corpus.Melody is Melody
    assert midi.Note is MidiNote
    assert MidiNote._fields[:2] == ("start_s", "end_s")   # seconds, as the name says


@pytest.mark.parametrize("given", [
    Melody.from_pitches([60, 62, 64]),
    [ScoreNote(60, 1.0, 0.0), ScoreNote(62, 1.0, 1.0), ScoreNote(64, 1.0, 2.0)],
    [60, 62, 64],
    (60, 62.0, np.int64(64)),
    np.array([60, 62, 64]),
    torch.tensor([60, 62, 64]),
])
def test_every_accepted_form_gives_the_same_pitches(given):
    assert melody_pitches(given) == (60, 62, 64)
    assert as_melody(given).pitches == (60, 62, 64)


def test_a_rest_is_a_gap_and_pitch_views_skip_it():
    m = as_melody([60, None, 64])
    assert m.offsets == (0.0, 2.0) and m.durations == (1.0, 1.0)
    assert melody_pitches([60, None, 64]) == (60, 64) == m.pitches
    assert generate.melody_events([60, None, 64]) == ([60, None, 64], [1.0, 1.0, 1.0])


def test_the_four_callers_read_a_melody_the_same_way():
    forms = [[67, 64, 64, 65], np.array([67, 64, 64, 65]), Melody.from_pitches([67, 64, 64, 65])]
    for form in forms:
        assert data.interval_signature(form) == (-3, 0, 1)
        assert tokens.pitch_sequence(form) == [67, 64, 64, 65]
        assert evaluate.musical_statistics([form])["n_notes"] == 4
        assert [p for p in generate.melody_events(form)[0] if p is not None] == [67, 64, 64, 65]


@pytest.mark.parametrize("bad, words", [
    ("C D E", "must be a melody: a corpus.Melody"),
    (42, "got int"),
    ({60: 1}, "got dict"),
    (np.zeros((2, 3), dtype=int), "shape (2, 3)"),
    ([60, 61.5], "item 1: 61.5 is not a MIDI note number"),
    ([60, True], "item 1: True is not a MIDI note number"),
    ([60, 200], "pitch 200 is outside MIDI's 0..127"),
    ([ScoreNote(60, 1.0, 0.0), 62], "item 1: 62 mixes notes and pitches"),
])
def test_anything_else_is_refused_with_the_argument_named(bad, words):
    for read in (as_melody, melody_pitches):
        with pytest.raises(ValueError) as info:
            read(bad, what="generated[3]")
        assert str(info.value).startswith("generated[3]") and words in str(info.value)


def test_callers_keep_their_own_messages_clear():
    with pytest.raises(ValueError, match=r"generated\[0\], item 1: pitch 300"):
        evaluate.memorization_report([[60, 300]], [[60, 62]], n=2)
    with pytest.raises(ValueError, match="decode them into a melody first"):
        tokens.pitch_sequence([60, 300])


def test_note_names_in_scientific_pitch_notation():
    assert [note_name(p) for p in (21, 59, 60, 61, 69, 108)] == ["A0", "B3", "C4", "C#4", "A4", "C8"]
