#!/usr/bin/env python3
"""Time every notebook and measure its kernel's peak memory; print a table and write JSON.

    .venv/bin/python tools/bench_notebooks.py [--fast] [--json OUT] [NOTEBOOK ...]

Each notebook runs top to bottom in a fresh kernel, through nbval as in the
test suite, in its own process; peak memory is the largest resident size among
that process's descendants (``RUSAGE_CHILDREN``: the kernel). Seconds include
starting pytest and the kernel. Targets: fast mode (README, "Fast mode")
under 60 s and under 1 GB per notebook on two CPU cores; default mode (the
learner's) under 5 minutes and 1.5 GB on one core, as on Binder (1 CPU, 2 GB
with JupyterLab itself): run it as ``taskset -c 0 ... tools/bench_notebooks.py``,
and the report records how many cores the run could use.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"fast": {"seconds": 60.0, "peak_gb": 1.0}, "default": {"seconds": 300.0, "peak_gb": 1.5}}

# The child runs the notebook the way the test suite does (nbval, fresh kernel) and reports the
# largest resident size among its descendants, the kernel. (nbclient on its own can deadlock on
# audio shown inside an Output widget: jupyter/nbconvert#2029; nbval does not.)
_CHILD = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run([sys.executable, "-m", "pytest", sys.argv[1], "-q", "-p", "no:cacheprovider"],
                        capture_output=True, text=True)
seconds = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
print(json.dumps({"seconds": seconds, "kernel_peak_mb": peak_kb / 1024, "errors": failed or ([] if result.returncode == 0 else [result.stdout[-500:]])}))
"""


def run_one(path: Path, *, fast: bool) -> dict:
    env = dict(os.environ)
    if fast:
        env["MUSICLEARN_FAST"] = "1"
    else:
        env.pop("MUSICLEARN_FAST", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the kernel must be this env's
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        return {"notebook": path.name, "ok": False, "error": result.stderr.strip().splitlines()[-1:]}
    row = json.loads(result.stdout.strip().splitlines()[-1])
    target = TARGETS["fast" if fast else "default"]
    row.update(notebook=path.name, ok=not row["errors"],
               meets_target=row["seconds"] < target["seconds"] and row["kernel_peak_mb"] < target["peak_gb"] * 1024)
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
    report = {"fast": args.fast, "cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
              "machine": platform.machine(), "load_average": os.getloadavg(),
              "targets": TARGETS["fast" if args.fast else "default"],
              "results": rows}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
