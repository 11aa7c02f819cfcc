#!/usr/bin/env python3
"""Time every notebook and measure its kernel's peak memory; print a table and write JSON.

    .venv/bin/python tools/bench_notebooks.py [--fast] [--json OUT] [NOTEBOOK ...]

Each notebook runs top to bottom in a fresh kernel (nbclient), in its own
process; the kernel's peak resident memory is that process's largest child
(``RUSAGE_CHILDREN``). Targets (COURSE.md §7, issues 3 and 4): fast mode
under 60 s and under 1 GB per notebook on two CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0
TARGET_GB = 1.0

_CHILD = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
started = time.perf_counter()
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
seconds = time.perf_counter() - started
errors = [o.get("ename") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "kernel_peak_mb": peak_kb / 1024, "errors": errors}))
"""


def run_one(path: Path, *, fast: bool) -> dict:
    env = dict(os.environ)
    if fast:
        env["MUSICLEARN_FAST"] = "1"
    else:
        env.pop("MUSICLEARN_FAST", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the kernel must be this env's
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return {"notebook": path.name, "ok": False, "error": result.stderr.strip().splitlines()[-1:]}
    row = json.loads(result.stdout.strip().splitlines()[-1])
    row.update(notebook=path.name, ok=not row["errors"],
               meets_target=row["seconds"] < TARGET_SECONDS and row["kernel_peak_mb"] < TARGET_GB * 1024)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--fast", action="store_true", help="run with MUSICLEARN_FAST=1")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = []
    print(f"{'notebook':42s} {'seconds':>8s} {'peak MB':>8s}  result")
    for path in paths:
        row = run_one(path, fast=args.fast)
        rows.append(row)
        if row["ok"]:
            verdict = "ok" if row["meets_target"] else "OVER TARGET"
            print(f"{row['notebook']:42s} {row['seconds']:8.1f} {row['kernel_peak_mb']:8.0f}  {verdict}", flush=True)
        else:
            print(f"{row['notebook']:42s} {'':8s} {'':8s}  FAILED {row.get('error') or row.get('errors')}", flush=True)
    report = {"fast": args.fast, "cpus": os.cpu_count(), "machine": platform.machine(),
              "load_average": os.getloadavg(), "targets": {"seconds": TARGET_SECONDS, "peak_gb": TARGET_GB},
              "results": rows}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
