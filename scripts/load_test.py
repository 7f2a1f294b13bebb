#!/usr/bin/env python
"""Load test: concurrent gradio_client calls to /summarize and /translate on a local server.

    python scripts/load_test.py                      # starts a server with a tiny model, 200 calls
    python scripts/load_test.py --url http://127.0.0.1:7860/ --calls 400 --clients 40 --json
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.loadtest import main

if __name__ == "__main__":
    sys.exit(main())
