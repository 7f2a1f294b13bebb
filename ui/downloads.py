"""Files behind the download buttons: one fresh folder per request inside a private temp dir.

Gradio copies a returned file into its own cache before serving it, so ours are only needed for a
moment; they are pruned after an hour and the whole folder goes when the process exits. Nothing
outside this folder (and Gradio's cache) is ever handed to Gradio, so no repository or model
path can be served.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
from pathlib import Path

MAX_AGE_SECONDS = 3600


class Downloads:
    def __init__(self, max_age: float = MAX_AGE_SECONDS) -> None:
        self.max_age = max_age
        self._root: Path | None = None  # made on first use: a server nobody downloads from leaves nothing
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="greek-digest-"))  # mode 0700
                atexit.register(shutil.rmtree, self._root, ignore_errors=True)
            return self._root

    def _prune(self) -> None:
        cutoff = time.time() - self.max_age
        for folder in self.root.iterdir():
            try:
                if folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except FileNotFoundError:  # another request pruned it first
                pass

    def write(self, files: dict[str, str]) -> list[str]:
        """Write {file name: text} into a new folder; return the paths in the same order."""
        self._prune()
        folder = Path(tempfile.mkdtemp(dir=self.root))
        paths = []
        for name, text in files.items():
            path = folder / Path(name).name  # a bare name: never a path chosen elsewhere
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        return paths
