"""Find a model's files on disk — a directory, the project's model store, or the HF cache.

Everything is resolved to a local directory before transformers or CTranslate2 see it, so loading
never waits on the network: a hub id that is not on disk is downloaded only when the hub answers
a quick probe, otherwise one clear ModelNotAvailableError is raised at once (transformers itself
would retry for about 30 s before failing).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

from models.errors import ModelNotAvailableError
from models.store import DEFAULT_MODELS_DIR, has_model_files, is_hub_id, store_name


def hf_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment now (huggingface_hub reads it once,
    at import), so a changed HF_HOME / HF_HUB_CACHE — tests, a service restart — is honoured."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "huggingface"
    return Path(home).expanduser() / "hub"


def disk_size(path: Path) -> int:
    """Bytes used by the files under `path` (symlinks followed, as in the HF cache's snapshots)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    total = 0
    for item in path.rglob("*"):
        try:
            if item.is_file():
                total += item.stat().st_size
        except OSError:  # a dangling link in a half-deleted cache
            continue
    return total


def human_size(size: int) -> str:
    """1234567 -> '1.2 MB' (decimal units, like the hub's file listings)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def from_hf_cache(repo_id: str) -> Path | None:
    """The cached snapshot of `repo_id` in the HF cache, or None; never touches the network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        path = Path(snapshot_download(repo_id, local_files_only=True, cache_dir=hf_cache_dir()))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return path if has_model_files(path) else None


def is_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout: float = 3.0) -> bool:
    """Can we open a TCP connection to the hub endpoint? Fails fast on DNS or routing errors."""
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((endpoint.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def locate_model(name_or_path: str, store: Path | None = None, download: bool = True) -> Path:
    """Local directory holding `name_or_path` (a directory, or a hub id), downloading if allowed."""
    direct = Path(name_or_path).expanduser()
    if direct.is_dir():
        if not has_model_files(direct):
            raise ModelNotAvailableError(name_or_path, f"directory {direct} holds no model")
        return direct
    if not is_hub_id(name_or_path):
        raise ModelNotAvailableError(name_or_path, "no such directory, and not a hub id")

    stored = (store or DEFAULT_MODELS_DIR) / store_name(name_or_path)
    if stored.is_dir() and has_model_files(stored):
        return stored

    cached = from_hf_cache(name_or_path)
    if cached is not None:
        return cached
    if is_offline():
        raise ModelNotAvailableError(
            name_or_path, "not in the model store nor the Hugging Face cache, and offline mode is on"
        )
    if not download:
        raise ModelNotAvailableError(name_or_path, "not in the model store nor the Hugging Face cache")
    if not hub_reachable():
        raise ModelNotAvailableError(
            name_or_path, "not in the model store nor the Hugging Face cache, and the hub is unreachable"
        )
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(name_or_path, cache_dir=hf_cache_dir()))
    except Exception as exc:  # network, auth, missing repo: all mean "not available"
        raise ModelNotAvailableError(name_or_path, f"download failed ({exc})") from exc
