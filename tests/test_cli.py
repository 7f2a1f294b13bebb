"""`python -m service …` as people run it: real processes, tiny models, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, subprocess_env

PUTIN_KIM = EXAMPLES / "el-news-putin-kim-call.txt"


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None):
    full_env = subprocess_env(**(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT, env=full_env, input=stdin, capture_output=True, timeout=300,
    )


def test_sentences_of_sample() -> None:
    result = run_cli("sentences", str(PUTIN_KIM))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 9
    assert not any(line.endswith("κ.") for line in lines)
    assert any("Κιμ Γιονγκ Ουν" in line for line in lines)
    assert not any(line.startswith(("Γιονγκ", "Ουν")) for line in lines)


def test_sentences_from_stdin() -> None:
    result = run_cli("sentences", "-", stdin="Τι έγινε; Τίποτα σπουδαίο για την ώρα.".encode())
    assert result.stdout.decode().splitlines() == ["Τι έγινε;", "Τίποτα σπουδαίο για την ώρα."]


def test_digest_json_with_tiny_translator(tiny_models: dict[str, Path]) -> None:
    env = {"DIGEST_TRANSLATOR": str(tiny_models["translator"])}
    result = run_cli("digest", str(PUTIN_KIM), "--format", "json", "--bullets", "4", env=env)
    assert result.returncode == 0, result.stderr.decode()
    digest = json.loads(result.stdout)
    assert len(digest["bullets"]) == 4
    for bullet in digest["bullets"]:
        assert bullet["el"] in digest["sentences"]
        assert all(0 <= i < len(digest["sentences"]) for i in bullet["sources"])
        assert bullet["el"] == digest["sentences"][bullet["sources"][0]]
        assert isinstance(bullet["en"], str) and bullet["en"].strip()
    assert digest["models"]["translator"] == str(tiny_models["translator"])
    assert digest["warnings"] == []


def test_digest_markdown_and_translate(tiny_models: dict[str, Path]) -> None:
    env = {"DIGEST_TRANSLATOR": str(tiny_models["translator"])}
    md = run_cli("digest", str(PUTIN_KIM), "--format", "md", env=env)
    assert md.returncode == 0 and md.stdout.decode().startswith("# Σύνοψη / Digest")
    result = run_cli("translate", str(PUTIN_KIM), "--format", "json", env=env)
    assert result.returncode == 0, result.stderr.decode()
    translation = json.loads(result.stdout)
    assert len(translation["paragraphs"]) == len(translation["source_paragraphs"]) == 8
    assert all(p.strip() for p in translation["paragraphs"])
    text = run_cli("translate", str(PUTIN_KIM), env=env).stdout.decode()
    assert text.strip().count("\n\n") == 7  # paragraphs kept


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"The president met the leader on Tuesday to discuss cooperation.", "Greek"),
        (b"\xff\xfe\x00 not utf8 \x80", "UTF-8"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(stdin: bytes, needle: str) -> None:
    for command in ("sentences", "digest", "translate"):
        result = run_cli(command, "-", stdin=stdin, env={"DIGEST_TRANSLATOR": "none"})
        err = result.stderr.decode()
        assert result.returncode != 0
        assert "Traceback" not in err
        assert err.count("\n") == 1 and err.startswith("error: ") and needle in err, err


def test_missing_file_is_clear() -> None:
    result = run_cli("digest", "no/such/file.txt")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: cannot read no/such/file.txt")


@pytest.mark.parametrize(
    ("command", "env", "needle"),
    [
        ("sentences", {"DIGEST_MAX_CHARS": "abc"}, "DIGEST_MAX_CHARS must be an integer"),
        ("sentences", {"DIGEST_MAX_CHARS": "0"}, "max_chars must be at least 1"),
        ("digest", {"DIGEST_BACKEND": "gpu"}, "backend must be one of auto, torch, ct2"),
    ],
)
def test_bad_setting_is_a_usage_error(command: str, env: dict[str, str], needle: str) -> None:
    result = run_cli(command, str(PUTIN_KIM), env=env)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.startswith("error: ") and needle in err and err.count("\n") == 1, err


def test_sentences_ignores_model_settings_it_never_uses() -> None:
    result = run_cli("sentences", str(PUTIN_KIM), env={"DIGEST_BACKEND": "gpu", "DIGEST_TRANSLATOR": "x/y"})
    assert result.returncode == 0, result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) > 3
