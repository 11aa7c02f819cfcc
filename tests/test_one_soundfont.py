"""Part III on a machine with only pretty_midi's TimGM6mb (none of the optional SoundFont packages).

``MUSICLEARN_SOUNDFONTS=TimGM6mb`` hides the installed Debian SoundFonts, so
the notebooks that render clips must still run top to bottom and say what is
missing, as they do for a learner who skipped the optional packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["13_audio_data_hygiene.ipynb", "14_spectrograms_as_images.ipynb"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_with_only_timgm6mb(name, tmp_path):
    env = dict(os.environ, MUSICLEARN_SOUNDFONTS="TimGM6mb", MUSICLEARN_FAST="1")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                             "--nbval-current-env", str(ROOT / "notebooks" / name)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout and "failed" not in result.stdout.splitlines()[-1]
