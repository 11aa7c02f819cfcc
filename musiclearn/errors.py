"""Errors raised for bad input files and data.

Every error names the offending file (or data set) and says what is wrong with
it, so that a learner never has to read a traceback from deep inside soundfile,
mido or music21 to find out which of their files is broken.

All three subclass :class:`ValueError`, so ``except ValueError`` still works.

Notebooks: ``01_sound_as_numbers.ipynb`` (:class:`AudioError`),
``07_midi_as_data.ipynb`` (:class:`MidiError`) and
``08_from_scores_to_tokens.ipynb`` (:class:`DataError`) show them.
"""

from __future__ import annotations

import os

from ._types import PathLike

__all__ = ["MusiclearnError", "AudioError", "MidiError", "DataError"]


class MusiclearnError(ValueError):
    """Base class: a problem with an input file or data set.

    Notebooks: ``01_sound_as_numbers.ipynb``, ``07_midi_as_data.ipynb``,
    ``08_from_scores_to_tokens.ipynb`` meet its subclasses.

    Parameters
    ----------
    problem : str
        One sentence saying what is wrong (and, where possible, what to do).
    path : str or os.PathLike, optional
        The file or data set the problem is in. It starts the message.
    """

    def __init__(self, problem: str, path: PathLike | None = None) -> None:
        self.problem = problem
        self.path = None if path is None else os.fspath(path)
        message = problem if self.path is None else f"{self.path}: {problem}"
        super().__init__(message)


class AudioError(MusiclearnError):
    """An audio file is unreadable, truncated, empty or not audio at all.

    Notebook: ``01_sound_as_numbers.ipynb``.
    """


class MidiError(MusiclearnError):
    """A MIDI file is corrupt, empty, truncated or not MIDI at all.

    Notebook: ``07_midi_as_data.ipynb``.
    """


class DataError(MusiclearnError):
    """A corpus, cache or data set is missing, malformed or unusable.

    Notebook: ``08_from_scores_to_tokens.ipynb``.
    """
