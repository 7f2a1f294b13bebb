#!/usr/bin/env python
"""Prepare models for offline use: download into the model store, check, optionally convert.

    python scripts/download_models.py                       # the default translator
    python scripts/download_models.py --summarizer IMISLab/GreekT5-mt5-small-greeksum --ct2
    python scripts/download_models.py --all --dir /data/model-store
    python scripts/download_models.py --list                # the known models

With HF_HUB_OFFLINE=1 and a prepared store it only checks the files. The logic lives in
models/download.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    # Also runnable from a checkout that is not pip-installed.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from models.download import main

    sys.exit(main())
