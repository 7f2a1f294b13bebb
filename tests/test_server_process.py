"""`python -m ui` as a process (issue 14.7 and 14.11): a busy port is reported before any model
loads, naming --port and DIGEST_PORT; the start-up log names our own --share flag and logs a
missing model as a WARNING with its one fix line; SIGTERM stops the server with status 0, so
`make run` ends without "Error 143"."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_api import free_port

pytestmark = pytest.mark.slow


def env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    return {**keep, "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
            "DIGEST_MODELS_DIR": str(tmp_path / "store"), "DIGEST_CONVERT": "off"}


def test_busy_port_is_reported_before_the_models_load(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "ui", "--port", str(port), "--translator", str(tmp_path / "none-here")],
            env=env(tmp_path), capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(f"error: cannot serve on 127.0.0.1:{port} (")
    assert "choose another port with --port N or DIGEST_PORT=N" in done.stderr
    assert "loading models" not in done.stderr and "GRADIO_SERVER_PORT" not in done.stderr


def test_start_up_log_and_sigterm(tmp_path: Path) -> None:
    port = free_port()
    missing = tmp_path / "no-model-here"
    server = subprocess.Popen(
        [sys.executable, "-m", "ui", "--port", str(port), "--translator", str(missing)],
        env=env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        time.sleep(1)  # the "serving on" line comes right after the port opens
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output  # not 143: make would print "Error 143"
    assert f"serving on http://127.0.0.1:{port} (a public gradio.live link: --share)" in output
    assert "share=True" not in output
    warning = next(line for line in output.splitlines() if "WARNING ui: translator" in line)
    assert f"Model '{missing}' is not available" in warning
    assert warning.endswith(
        "Fix: Point DIGEST_TRANSLATOR at a directory holding a model (config.json, weights, tokenizer).")
