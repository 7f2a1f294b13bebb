"""Build the tiny random-weight test models, offline: ``python scripts/make_tiny_models.py OUTDIR``.

Writes OUTDIR/translator (Marian el→en), OUTDIR/summarizer (mT5) and OUTDIR/summarizer-mbart
(GreekBART-style mBART); see devtools/tiny_models.py. Takes a few seconds and needs no network.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="directory to create the models in")
    args = parser.parse_args(argv)

    from devtools.tiny_models import build_tiny_models

    start = time.perf_counter()
    paths = build_tiny_models(args.outdir)
    for name, path in paths.items():
        print(f"{name}\t{path}")
    print(f"built {len(paths)} models in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":  # run from a checkout: the repository root (devtools/) goes on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
