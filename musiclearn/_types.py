"""Type aliases the library shares, each defined once (no imports beyond the standard library)."""

from __future__ import annotations

import os

#: A file path as a string or any ``os.PathLike`` (``pathlib.Path``).
PathLike = str | os.PathLike[str]

__all__ = ["PathLike"]
