"""Briefings through every door but the page: gradio_client's /briefing, plain HTTP POST
/api/v1/briefing (httpx), and `python -m service briefing FILE…` (a real process), all against the
tiny random-weight translator (its English is nonsense; the structure is what is checked)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests import test_api
from tests.conftest import SAMPLES
from tests.test_briefing import QUAKE_1, QUAKE_2
from tests.test_cli import run_cli
from tests.test_http_api import JSON_UTF8, assert_error, post

pytestmark = pytest.mark.slow
# The tiny-translator service and its server, shared with test_api (pytest finds them here).
server, service, api = test_api.server, test_api.service, test_api.api


def _structure(briefing: dict) -> None:
    assert [a["label"] for a in briefing["articles"]] == ["Σεισμός στην Κρήτη", "Χωρίς θύματα ο σεισμός"]
    first = briefing["points"][0]
    assert first["reported_by"] == [0, 1] and first["note"] is None and "Ρίχτερ" in first["el"]
    assert {s["article"] for s in first["sources"]} == {0, 1}
    assert all(isinstance(p["en"], str) and p["en"].strip() for p in briefing["points"])
    assert all(isinstance(p["checks"], list) for p in briefing["points"])
    power = next(p for p in briefing["points"] if "ρεύμα" in p["el"])
    assert power["disagreements"][0]["message"].startswith("Sources disagree: ")


def test_gradio_briefing_endpoint(api, tiny_models: dict[str, Path]) -> None:
    markdown, briefing = api.predict(f"{QUAKE_1}\n---\n{QUAKE_2}", 4, api_name="/briefing")
    assert markdown.startswith("# Ενημέρωση / Briefing")
    assert len(briefing["points"]) == 4
    _structure(briefing)
    assert briefing["models"]["translator"] == str(tiny_models["translator"])


def test_gradio_briefing_error_is_one_line(api) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Too many articles \\(11\\)"):
        api.predict("\n---\n".join([QUAKE_1] * 11), 3, api_name="/briefing")


def test_http_briefing_is_the_gradio_json(server: str, api) -> None:
    response = post(server, "briefing", {"articles": [QUAKE_1, QUAKE_2], "bullets": 4})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_UTF8
    assert "\\u03" not in response.text  # Greek readable
    briefing = response.json()
    _structure(briefing)
    _, from_gradio = api.predict(f"{QUAKE_1}\n---\n{QUAKE_2}", 4, api_name="/briefing")
    for key in ("points", "articles", "models", "warnings", "checks"):
        assert briefing[key] == from_gradio[key], key


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"articles": []}, "No articles"),
        ({"articles": [QUAKE_1, "English only, nothing Greek here."]}, "Article 2: The text does not"),
        ({"articles": [QUAKE_1] * 11}, "at most 10"),
        ({"articles": QUAKE_1}, "articles: Input should be a valid list"),
        ({"articles": [QUAKE_1], "bullets": "3"}, "bullets: Input should be a valid integer"),
    ],
)
def test_http_briefing_errors(server: str, body: dict, needle: str) -> None:
    assert_error(post(server, "briefing", body), 400, needle)


def test_http_briefing_in_the_docs(server: str) -> None:
    schema = httpx.get(f"{server}api/v1/openapi.json", timeout=30).json()
    assert "/briefing" in schema["paths"]
    assert schema["paths"]["/briefing"]["post"]["requestBody"]


def test_cli_briefing_of_the_samples(tiny_models: dict[str, Path]) -> None:
    env = {"DIGEST_TRANSLATOR": str(tiny_models["translator"])}
    result = run_cli("briefing", *map(str, SAMPLES), "--bullets", "3", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr.decode()
    briefing = json.loads(result.stdout)
    assert len(briefing["points"]) == 3 and len(briefing["articles"]) == 2
    assert briefing["points"][0]["reported_by"] == [0, 1]
    markdown = run_cli("briefing", *map(str, SAMPLES), "-n", "2", env=env)
    assert markdown.returncode == 0 and "_Reported by articles 1, 2_" in markdown.stdout.decode()


def test_cli_briefing_errors_are_one_line(tmp_path: Path) -> None:
    english = tmp_path / "en.txt"
    english.write_text("Plain English, not a Greek news article at all.", encoding="utf-8")
    result = run_cli("briefing", str(SAMPLES[0]), str(english), env={"DIGEST_TRANSLATOR": "none"})
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        "error: Article 2: The text does not look like Greek (0 Greek letters, 0% of all letters): "
        "this service summarises and translates Greek news articles."
    )
    too_many = run_cli("briefing", *[str(SAMPLES[0])] * 11, env={"DIGEST_TRANSLATOR": "none"})
    assert too_many.returncode == 2 and "at most 10" in too_many.stderr.decode()
    bad_bullets = run_cli("briefing", str(SAMPLES[0]), "-n", "11", env={"DIGEST_TRANSLATOR": "none"})
    assert bad_bullets.returncode == 2
    assert bad_bullets.stderr.decode().strip() == "error: bullets must be from 1 to 10, got 11"
