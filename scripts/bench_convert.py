"""Time the first start's one-time cost: converting each default translator's shape to CTranslate2 int8.

    python scripts/bench_convert.py                # both architectures (builds ~1.2 GB under build/)
    python scripts/bench_convert.py --arch base    # Helsinki-NLP/opus-mt-grk-en's shape only

Offline, like scripts/bench.py: random-weight stand-ins with the exact architecture (config,
vocabulary size) of Helsinki-NLP/opus-mt-tc-big-el-en ("big") and Helsinki-NLP/opus-mt-grk-en
("base"), built by devtools.tiny_models and kept under build/bench-convert/ (built once). Conversion
cost depends on the shapes, not on the weight values. Each conversion is timed once, into a fresh
directory, with models.convert.convert_to_ct2 — what the service runs on its first start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run from a checkout: the repository root (devtools/) goes on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
ARCHES = {"big": "Helsinki-NLP/opus-mt-tc-big-el-en", "base": "Helsinki-NLP/opus-mt-grk-en"}


def time_conversion(arch: str, workdir: Path) -> dict[str, object]:
    from devtools.tiny_models import build_marian_architecture
    from models.convert import convert_to_ct2
    from models.locate import disk_size, human_size

    hf_dir, out = workdir / arch / "hf", workdir / arch / "ct2-int8"
    if not (hf_dir / "config.json").is_file():
        print(f"[{arch}] building the random-weight {ARCHES[arch]} stand-in in {hf_dir}", file=sys.stderr)
        build_marian_architecture(hf_dir, ARCHES[arch])
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    convert_to_ct2(str(hf_dir), out, "int8")
    seconds = time.perf_counter() - started
    return {
        "arch": ARCHES[arch],
        "convert_s": round(seconds, 1),
        "source_size": human_size(disk_size(hf_dir)),
        "int8_size": human_size(disk_size(out)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=[*ARCHES, "all"], default="all")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench-convert")
    args = parser.parse_args(argv)
    arches = list(ARCHES) if args.arch == "all" else [args.arch]
    results = [time_conversion(arch, args.workdir) for arch in arches]
    machine = {"cpus": len(os.sched_getaffinity(0)), "machine": platform.machine(),
               "python": platform.python_version()}
    print(json.dumps({"machine": machine, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
