"""Find a model's files on disk — a directory, the project's model store, or the HF cache.

Everything is resolved to a local directory before transformers or CTranslate2 see it, so loading
never waits on the network: a hub id that is not on disk is downloaded only when the hub answers
a quick probe, otherwise one clear ModelNotAvailableError is raised at once (transformers itself
would retry for about 30 s before failing).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from urllib.parse import urlparse

from models.errors import ModelNotAvailableError

DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "model-store"
# A CTranslate2 int8 conversion of <org>--<name> is stored beside it as <org>--<name>-ct2-int8.
CT2_SUFFIX = "-ct2-int8"


def models_dir() -> Path:
    """Where prepared models live: $DIGEST_MODELS_DIR, else ./model-store of the checkout."""
    return Path(os.environ.get("DIGEST_MODELS_DIR") or DEFAULT_MODELS_DIR)


def store_name(repo_id: str) -> str:
    """Directory name of a hub id inside the model store (the same scheme as the HF cache)."""
    return repo_id.replace("/", "--")


def is_hub_id(name: str) -> bool:
    """`org/name` as the hub spells ids; paths like ./x, /x, ~/x or a/b/c are not."""
    return name.count("/") == 1 and not name.startswith((".", "/", "~")) and all(name.split("/"))


_CT2_SUFFIX = re.compile(r"-ct2(?:-[a-z0-9_]+)?$")


def without_ct2_suffix(name: str) -> str:
    """`org--name` for a conversion directory `org--name-ct2[-<quantization>]`."""
    return _CT2_SUFFIX.sub("", name)


def ct2_store_name(repo_id: str) -> str:
    """Directory name of a hub id's CTranslate2 int8 conversion inside the model store."""
    return store_name(repo_id) + CT2_SUFFIX


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
    return path if _has_weights(path) else None


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


def _has_weights(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "model.bin").is_file()


def locate_model(name_or_path: str, store: Path | None = None, download: bool = True) -> Path:
    """Local directory holding `name_or_path` (a directory, or a hub id), downloading if allowed."""
    direct = Path(name_or_path).expanduser()
    if direct.is_dir():
        if not _has_weights(direct):
            raise ModelNotAvailableError(name_or_path, f"directory {direct} holds no model")
        return direct
    if not is_hub_id(name_or_path):
        raise ModelNotAvailableError(name_or_path, "no such directory, and not a hub id")

    stored = (store or models_dir()) / store_name(name_or_path)
    if stored.is_dir() and _has_weights(stored):
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
