"""``python -m musiclearn doctor`` — the command-line entry point."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print("usage: python -m musiclearn doctor [--json]\n\n"
              "  doctor   check this environment (versions, CPU/GPU, sound, widgets, caches)")
        return 0 if args else 2
    if args[0] == "doctor":
        from .doctor import main as doctor_main

        return doctor_main(args[1:])
    print(f"unknown command {args[0]!r}; try: python -m musiclearn doctor", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
