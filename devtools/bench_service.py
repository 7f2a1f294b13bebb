"""Benchmark of the service path: against Argos Translate (side d), and the translation cache.

    python -m devtools.bench_service SPEC.json   # the worker; scripts/bench.py runs it

Our side loads a DigestService once (CTranslate2 int8, the benchmark model with every sentence
pinned to N output tokens) and measures, with the translation cache OFF unless said:
- one article: `DigestService.translate(text)` (median of runs), as the web app's /translate;
- the 20-article batch: the batch job's own path (service.batch_job.BatchJob, groups of 16 documents
  whose sentences go to the model together);
- cache, re-submitted article: the same article translated cold (fresh cache) and again (warm);
- cache, the two sample articles repeated 10× under distinct ids, as a batch, without and with the
  cache (repeats inside a group are translated once; later groups hit the cache).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

WARMUP = "Η προθέρμανση του μεταφραστή πριν από τις μετρήσεις."
TARGETS = {"vs_argos_batch": 1.5, "vs_argos_one_article": 1.0, "cache_resubmit": 20.0,
           "cache_repeated_batch": 5.0}


def _recording(model: Any) -> list[int]:
    """Record every hypothesis length the CT2 translator produces (checked against N)."""
    produced: list[int] = []
    translator = model.translator

    class Recording:
        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            results = translator.translate_batch(*args, **kwargs)
            produced.extend(len(r.hypotheses[0]) for r in results)
            return results

    model.translator = Recording()
    return produced


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    from service import DigestService, batch
    from service.cache import TranslationCache
    from service.config import Settings

    t0 = time.perf_counter()
    service = DigestService(Settings(translator=spec["model_dir"], backend="ct2", num_beams=spec["beams"],
                                     cache_size=0)).load()
    load_s = time.perf_counter() - t0
    produced = _recording(service.translator)
    articles: list[str] = spec["articles"]
    service.translate(WARMUP)  # first-call costs stay out of the timings

    def timed(work: Any) -> float:
        t0 = time.perf_counter()
        work()
        return time.perf_counter() - t0

    def run_batch(texts: list[str]) -> None:
        job = batch.BatchJob(service, mode="translate")
        records = [batch.Record(f"doc-{i}", "bench", text=t) for i, t in enumerate(texts)]
        for start in range(0, len(records), spec["group_size"]):
            for outcome in job.run_group(records[start : start + spec["group_size"]]):
                if outcome.error:
                    raise SystemExit(f"batch failed: {outcome.error}")

    single = []
    for _ in range(spec["runs"]):
        produced.clear()
        single.append(timed(lambda: service.translate(articles[0])))
    single_produced = list(produced)  # of the last run
    produced.clear()
    batch_s = timed(lambda: run_batch(articles))
    batch_produced = list(produced)

    # The cache. Cold = a fresh cache each time; warm = the same article again right after.
    cold, warm = [], []
    for _ in range(spec["runs"]):
        service.cache = TranslationCache()
        cold.append(timed(lambda: service.translate(articles[0])))
        warm.append(timed(lambda: service.translate(articles[0])))
    repeated = [articles[i % 2] for i in range(20)]  # the two samples × 10, distinct ids
    service.cache = None
    repeated_off = timed(lambda: run_batch(repeated))
    service.cache = TranslationCache()
    repeated_on = timed(lambda: run_batch(repeated))
    stats = service.cache.stats()
    return {
        "load_s": round(load_s, 2),
        "one_article_s": round(statistics.median(single), 3),
        "one_article_runs_s": [round(s, 3) for s in single],
        "one_article_produced": single_produced,
        "batch_s": round(batch_s, 3),
        "batch_produced": batch_produced,
        "cache": {
            "resubmit_cold_s": round(statistics.median(cold), 4),
            "resubmit_warm_s": round(statistics.median(warm), 5),
            "repeated_batch_off_s": round(repeated_off, 3),
            "repeated_batch_on_s": round(repeated_on, 3),
            "repeated_batch_hits": stats.hits,
            "repeated_batch_misses": stats.misses,
        },
    }


def _run(module: str, spec: dict[str, Any], spec_path: Path, env: dict[str, str] | None = None) -> dict:
    import os
    import subprocess

    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", module, str(spec_path)], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error",
                               "TOKENIZERS_PARALLELISM": "false", **(env or {})},
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise SystemExit(f"{module} failed ({done.returncode}):\n{done.stderr.strip()[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(
    articles: list[str], pinned_dir: Path, ct2_dir: Path, hf_dir: Path, n: int, beams: int,
    workdir: Path, log: Any, argos: bool = True,
) -> dict[str, Any]:
    """Our service path vs Argos (when it is installed in this Python), and the cache; ratios."""
    from devtools import bench_argos
    from models.ct2_backend import default_threads

    spec = {"model_dir": str(pinned_dir), "beams": beams, "articles": articles, "runs": 3, "group_size": 16,
            "output_tokens": n}
    log(f"  our service path: 1 article, {len(articles)}-article batch, cache (N = {n} tokens/sentence)")
    ours = _run("devtools.bench_service", spec, workdir / "service-spec.json")
    for key in ("one_article_produced", "batch_produced"):
        if set(ours[key]) != {n}:
            raise SystemExit(f"our side produced lengths {sorted(set(ours[key]))}, not {n}")
    cache = ours.pop("cache")
    report: dict[str, Any] = {
        "cache": {**cache,
                  "resubmit_ratio": round(cache["resubmit_cold_s"] / cache["resubmit_warm_s"], 1),
                  "repeated_batch_ratio": round(
                      cache["repeated_batch_off_s"] / cache["repeated_batch_on_s"], 2)},
    }
    if not argos or not bench_argos.argos_available(sys.executable):
        report["vs_argos"] = {"skipped": "argostranslate is not installed in this Python (make bench uses "
                                         ".venv-bench, which has it)"}
        return report
    package = bench_argos.build_package(ct2_dir, hf_dir, workdir)
    log(f"  side d: Argos Translate with {package.name}, one call per article")
    theirs = _run("devtools.bench_argos", {**spec, "package": str(package)}, workdir / "argos-spec.json",
                  bench_argos.argos_env(workdir, default_threads()))
    for key in ("one_article_produced", "batch_produced"):
        if len(theirs[key]) != len(ours[key]) or set(theirs[key]) != {n}:
            raise SystemExit(f"Argos produced {len(theirs[key])} sentences of lengths "
                             f"{sorted(set(theirs[key]))}, ours {len(ours[key])} of {n}")
    sentences = len(ours["batch_produced"])
    report["vs_argos"] = {
        "articles": len(articles), "sentences_one_article": len(ours["one_article_produced"]),
        "sentences_batch": sentences, "output_tokens_per_sentence": n, "beams": beams,
        "ours": {k: v for k, v in ours.items() if not k.endswith("_produced")},
        "argos": {k: v for k, v in theirs.items() if not k.endswith("_produced")},
        "one_article_ratio": round(theirs["one_article_s"] / ours["one_article_s"], 2),
        "batch_ratio": round(theirs["batch_s"] / ours["batch_s"], 2),
        "batch_tokens_per_s": {"ours": round(sentences * n / ours["batch_s"], 1),
                               "argos": round(sentences * n / theirs["batch_s"], 1)},
    }
    return report


def render(arch: str, report: dict[str, Any]) -> list[str]:
    """Lines for bench.py's table output."""
    def mark(value: float, target: float) -> str:
        return f"{value:.2f}x (target ≥ {target:g}x: {'met' if value >= target else 'MISSED'})"

    lines = []
    vs = report.get("vs_argos", {})
    if "skipped" in vs:
        lines.append(f"  vs Argos Translate: skipped ({vs['skipped']})")
    elif vs:
        lines.append(f"  vs Argos Translate (same CT2 int8 model, {vs['output_tokens_per_sentence']} "
                     f"tokens per sentence both sides): one article ({vs['sentences_one_article']} "
                     f"sentences) {vs['ours']['one_article_s']:.2f} s vs {vs['argos']['one_article_s']:.2f} s"
                     f" = {mark(vs['one_article_ratio'], TARGETS['vs_argos_one_article'])}; "
                     f"{vs['articles']}-article batch ({vs['sentences_batch']} sentences) "
                     f"{vs['ours']['batch_s']:.2f} s vs "
                     f"{vs['argos']['batch_s']:.2f} s = {mark(vs['batch_ratio'], TARGETS['vs_argos_batch'])}")
    c = report["cache"]
    lines.append(f"  cache ({arch}): article re-submitted {c['resubmit_cold_s']:.3f} s → "
                 f"{c['resubmit_warm_s']:.4f} s = "
                 f"{mark(c['resubmit_ratio'], TARGETS['cache_resubmit'])}; 2 samples × 10 as a batch "
                 f"{c['repeated_batch_off_s']:.2f} s → {c['repeated_batch_on_s']:.2f} s = "
                 f"{mark(c['repeated_batch_ratio'], TARGETS['cache_repeated_batch'])}")
    return lines


if __name__ == "__main__":
    print(json.dumps(run_worker(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))))
