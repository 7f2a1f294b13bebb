#!/usr/bin/env python
"""Load test: concurrent gradio_client calls to /summarize and /translate on a local server.

    python scripts/load_test.py                      # starts a server with a tiny model, 200 calls
    python scripts/load_test.py --url http://127.0.0.1:7860/ --calls 400 --clients 40 --json
"""

import sys
from pathlib import Path

if __name__ == "__main__":  # run from a checkout: the repository root (devtools/) goes on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from devtools.load_test import main

    sys.exit(main())
