"""Translate (or digest) many Greek articles into a resumable JSONL file.

    python scripts/batch_translate.py INPUT --output OUT.jsonl [--mode translate|digest] [options]

A thin wrapper around `service.batch.main` (also installed as `greek-digest-batch`); runs from a
checkout without installing, so the repository root goes on sys.path first.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

try:
    from service.batch import main
except ImportError as exc:  # run outside the project's venv: say which package, not a traceback
    from service.errors import USAGE, missing_package

    print(f"error: {missing_package(exc)}", file=sys.stderr)
    sys.exit(USAGE)  # 2, as for any usage problem: 1 means "some records failed"

if __name__ == "__main__":
    sys.exit(main())
