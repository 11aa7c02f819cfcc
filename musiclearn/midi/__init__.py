"""MIDI files as data: read them byte by byte, load, inspect, build, write and render.

Notebook: ``07_midi_as_data.ipynb`` teaches this package. A MIDI (Musical
Instrument Digital Interface) file holds timed performance events — note on
and off with velocity, program changes, controllers such as the sustain
pedal, tempo — and no sound at all; to hear it, a synthesiser renders the
events to samples.

- :func:`events` walks the bytes by hand (header, track chunks, delta times
  in ticks, running status, meta events) and returns readable records.
- :func:`load` reads real-world files into :class:`pretty_midi.PrettyMIDI`
  (notes in seconds, following tempo changes), repairing common damage and
  naming the file and the problem when it cannot.
- :func:`notes`, :func:`piano_roll`, :func:`apply_sustain` and
  :func:`summary` look at what is inside; ``musiclearn.plot.piano_roll``
  draws a roll (also importable here as :func:`plot_piano_roll`).
- :func:`from_notes` and :func:`write` build and save MIDI; :func:`render`
  plays it with FluidSynth and pretty_midi's bundled General MIDI SoundFont
  (TimGM6mb) when ``libfluidsynth3`` and ``pyfluidsynth`` are installed, and
  with sine waves otherwise.

One idea per module: ``_bytes`` (the parser, and what a non-MIDI file seems
to be), ``_files`` (load with repairs, build, write), ``_sound`` (render) and
``_analysis`` (notes, rolls, pedal, summaries). Import from
``musiclearn.midi``; the modules behind it may change.

mido, pretty_midi, fluidsynth and matplotlib are imported inside the
functions that need them, so ``import musiclearn.midi`` stays light.
"""

from __future__ import annotations

from ..plot import piano_roll as plot_piano_roll
from ._analysis import Note, Summary, apply_sustain, notes, piano_roll, summary
from ._bytes import Event, MidiRepairWarning, events
from ._files import from_notes, load, write
from ._sound import INSTALL_HINT, SineFallbackWarning, real_instruments_available, render

__all__ = [
    "events", "Event", "load", "MidiRepairWarning",
    "notes", "Note", "piano_roll", "plot_piano_roll", "apply_sustain", "summary", "Summary",
    "write", "from_notes", "render", "real_instruments_available",
    "SineFallbackWarning", "INSTALL_HINT",
]
