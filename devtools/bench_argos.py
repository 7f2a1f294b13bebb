"""Benchmark side d: Argos Translate (LibreTranslate's engine) on the benchmark's own CT2 model.

    python -m devtools.bench_argos SPEC.json     # the worker; scripts/bench.py runs it

Needs `argostranslate`, which pulls spaCy and Stanza: it is in the `bench` extra and lives in
the bench virtual environment only (`make bench` makes `.venv-bench`; see docs/PERFORMANCE.md).

The package is built the way Argos packages are laid out (argostranslate/package.py): a zip
(`.argosmodel`) of a directory holding `metadata.json`, `sentencepiece.model` and the
CTranslate2 model directory `model/`; it is installed with `argostranslate.package
.install_from_path` into a private Argos data directory under the benchmark's workdir. The CT2
model is the benchmark's int8 conversion (the very files side c and the service load), the
SentencePiece model the stand-in's source model. Then, in a fresh process, with Argos' own
defaults (beam 4, max_batch_size 32 *tokens*, length_penalty 0.2, paragraph-by-paragraph calls):
- its sentence splitter is replaced by ours (service.text.split_sentences: the same sentences as
  our side; Argos' splitters would download models at run time);
- the ctranslate2.Translator it builds is wrapped to force min = max decoding length = N for
  every sentence (as on our side) and to record what it produced;
- intra_threads is set to ours (ARGOS_INTRA_THREADS), so both sides use the same cores;
- one call of `translate()` per article, as LibreTranslate makes per request (its per-paragraph
  result cache, CachedTranslation, is bypassed: our side runs with its cache off too).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

PACKAGE_NAME = "translate-el_en-bench"


def argos_available(python: str) -> bool:
    """Can `python` import argostranslate? (Only the bench venv can.)"""
    import subprocess

    done = subprocess.run([python, "-c", "import importlib.util, sys; "
                           "sys.exit(importlib.util.find_spec('argostranslate') is None)"])
    return done.returncode == 0


def build_package(ct2_dir: Path, hf_dir: Path, workdir: Path) -> Path:
    """An .argosmodel zip of the benchmark model (rebuilt each run: it is a few MB of zipping)."""
    staging = workdir / "argos-package"
    archive = workdir / f"{PACKAGE_NAME}.argosmodel"
    metadata = {
        "package_version": "1.0", "argos_version": "1.0", "type": "translate",
        "from_code": "el", "from_name": "Greek", "to_code": "en", "to_name": "English",
        "code": PACKAGE_NAME, "links": [],
    }
    staging.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        root = PACKAGE_NAME
        zf.writestr(f"{root}/metadata.json", json.dumps(metadata, indent=2))
        zf.write(hf_dir / "source.spm", f"{root}/sentencepiece.model")
        for item in sorted(Path(ct2_dir).iterdir()):
            if item.is_file():
                zf.write(item.resolve(), f"{root}/model/{item.name}")
    return archive


class OurSplitter:
    """Argos' ISentenceBoundaryDetectionModel interface, answered by our splitter."""

    def split_sentences(self, text: str) -> list[str]:
        from service.text import split_sentences

        return split_sentences(text)


class ForcedLengthTranslator:
    """Wraps the ctranslate2.Translator Argos built: min = max decoding length = `length`,
    everything else as Argos asked; records produced and source lengths."""

    def __init__(self, translator: Any, length: int) -> None:
        self._translator = translator
        self.length = length
        self.produced: list[int] = []
        self.source_tokens = 0
        self.calls: list[dict[str, Any]] = []

    def translate_batch(self, source: list[list[str]], *args: Any, **kwargs: Any) -> Any:
        kwargs.update(min_decoding_length=self.length, max_decoding_length=self.length)
        results = self._translator.translate_batch(source, *args, **kwargs)
        self.produced += [len(r.hypotheses[0]) for r in results]
        self.source_tokens += sum(len(s) for s in source)
        if not self.calls:
            self.calls.append({k: v for k, v in kwargs.items() if k != "target_prefix"})
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Install the package into the private Argos directory, translate, time, report."""
    started = time.perf_counter()
    from argostranslate import package, translate

    imports_s = time.perf_counter() - started
    t0 = time.perf_counter()
    package.install_from_path(Path(spec["package"]))
    translation = translate.get_translation_from_codes("el", "en")
    engine = getattr(translation, "underlying", translation)  # bypass the per-paragraph cache
    engine.sentencizer = OurSplitter()
    engine.translate("Προθέρμανση.")  # builds the ctranslate2.Translator, Argos' way
    load_s = time.perf_counter() - t0
    forced = ForcedLengthTranslator(engine.translator, spec["output_tokens"])
    engine.translator = forced

    articles: list[str] = spec["articles"]
    single = []
    for _ in range(spec["runs"]):
        forced.produced.clear()
        t0 = time.perf_counter()
        engine.translate(articles[0])
        single.append(time.perf_counter() - t0)
    single_produced = list(forced.produced)
    forced.produced.clear()
    forced.source_tokens = 0
    t0 = time.perf_counter()
    for article in articles:
        engine.translate(article)  # one call per article, as LibreTranslate per request
    batch_s = time.perf_counter() - t0
    return {
        "one_article_s": round(statistics.median(single), 3),
        "one_article_runs_s": [round(s, 3) for s in single],
        "one_article_produced": single_produced,
        "batch_s": round(batch_s, 3),
        "batch_produced": forced.produced,
        "batch_source_tokens": forced.source_tokens,
        "imports_s": round(imports_s, 2),
        "load_s": round(load_s, 2),
        "compute_type": str(getattr(forced, "compute_type", "?")),
        "intra_threads": os.environ.get("ARGOS_INTRA_THREADS", "0"),
        "translate_batch_options": forced.calls[0] if forced.calls else {},
    }


def argos_env(workdir: Path, threads: int) -> dict[str, str]:
    """A private Argos data/config/cache directory (nothing in ~/.local), our thread count."""
    home = workdir / "argos-home"
    return {
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"), "ARGOS_PACKAGES_DIR": str(home / "packages"),
        "ARGOS_INTRA_THREADS": str(threads), "ARGOS_DEVICE_TYPE": "cpu",
    }


if __name__ == "__main__":
    print(json.dumps(run_worker(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))))
