"""Benchmark: CTranslate2 int8 (the product's path) against PyTorch, on full-size model shapes.

    python scripts/bench.py                       # both architectures, table
    python scripts/bench.py --arch base --json    # transformer-base only, JSON
    python scripts/bench.py --arch tiny           # seconds-long smoke run of the script itself

Offline: the models are random-weight stand-ins with the exact architecture of
Helsinki-NLP/opus-mt-grk-en ("base") and Helsinki-NLP/opus-mt-tc-big-el-en ("big"), built by
devtools.tiny_models and cached under build/bench/. Speed depends on shapes, not on weight values; the
tokenizer is the small trained one of devtools.tiny_models (see "Inputs" below).

Three sides translate the same inputs, each in a fresh subprocess (so load time and RSS are its
own), with beam 4 and output lengths forced equal (min = max new tokens) and checked:
  a  hand-written baseline: PyTorch fp32 generate(), one sentence at a time
  b  models.torch_backend: PyTorch fp32, length-sorted batches (the product's torch path)
  c  models.ct2_backend: CTranslate2 int8, length-sorted batches (the product's fast path)
Then `python -m service digest` is timed end to end (subprocess wall time) with the CT2 model.
Also timed, in this process: the line checks (service.digest_checks) as the service runs them,
with the glossary written into the source beforehand, on the written Greek/English pairs of
tests/data/check_pairs.tsv cut into ~600-word articles (every sentence checked: the translate
path, the most lines a 600-word article can have); CPU ms per 600 Greek words, on first sight of
the words (the target) and again with the checks' word caches warm (a service that has seen them).

Inputs: the sentences of ui/examples/*.txt (split by service.text.parse_article). A source of W
words is assumed to be T = round(1.3 W) tokens for the real opus-mt tokenizer; the benchmark input
is made of Greek words from the small tokenizer's corpus with exactly T tokens (plus </s>).
Sentences are sorted by T and batched 16 at a time like the service does; every sentence of a
batch gets N = round(0.9 x mean T of the batch) output tokens (English needs a little fewer
tokens than Greek), on all three sides, so every side produces exactly the same number of tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run from a checkout: the repository root (devtools/) goes on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.config import Settings  # light: loads neither torch nor transformers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ui" / "examples"
ARCHES = {
    "base": "Helsinki-NLP/opus-mt-grk-en",
    "big": "Helsinki-NLP/opus-mt-tc-big-el-en",
    "tiny": "tiny",  # the test model: checks the script, measures nothing useful
}
TOKENS_PER_WORD = 1.3  # assumed Greek SentencePiece tokens per word for the real opus-mt models
OUTPUT_RATIO = 0.9  # English output tokens per Greek source token
BATCH_SIZE = Settings.batch_size  # the service's default
ARTICLES = 20  # the batch of the Argos comparison
TARGETS = {"c/a": 10.0, "c/b": 3.0, "digest_s": {"base": 1.5, "big": 4.0}, "rss_mb": 1500, "checks_ms": 20}
SIDES = {
    "a": "PyTorch fp32, one sentence at a time",
    "b": "PyTorch fp32, batched (models.torch_backend)",
    "c": "CTranslate2 int8, batched (models.ct2_backend)",
}


# ---------------------------------------------------------------------------------------------
# Measurements inside a worker process
# ---------------------------------------------------------------------------------------------


def memory_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return round(fields.get("VmRSS", 0.0), 1), round(fields.get("VmHWM", 0.0), 1)


def run_worker(side: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Load one side's model, translate the spec's batches, report timings, lengths and memory."""
    started = time.perf_counter()
    import torch

    if side in ("a", "b"):
        import transformers  # noqa: F401  (import time is reported apart from load time)
    imports_s = time.perf_counter() - started

    texts: list[str] = spec["texts"]
    batches: list[list[int]] = spec["batches"]
    out_len: dict[int, int] = {i: n for batch, n in zip(batches, spec["batch_lengths"], strict=True)
                               for i in batch}
    beams = spec["beams"]
    lengths: list[list[int]] = []  # produced tokens per call, sorted
    if side == "a":
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        t0 = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(spec["hf_dir"])
        model = AutoModelForSeq2SeqLM.from_pretrained(spec["hf_dir"]).eval()
        load_s = time.perf_counter() - t0
        rss_loaded, _ = memory_mb()

        def translate(i: int, n: int) -> list[int]:
            encoded = tokenizer([texts[i]], return_tensors="pt")
            with torch.inference_mode():
                output = model.generate(**encoded, num_beams=beams, max_new_tokens=n, min_new_tokens=n)
            return [int((row != model.config.pad_token_id).sum()) for row in output]

        translate(spec["warmup"], 2)  # first-call costs (allocations, lazy init) stay out of the timing
        t0 = time.perf_counter()
        for i in spec["baseline"]:
            lengths.append(translate(i, out_len[i]))
        gen_s = time.perf_counter() - t0
        threads = str(torch.get_num_threads())
    else:
        from models.loader import load_seq2seq

        t0 = time.perf_counter()
        if side == "b":
            model = load_seq2seq(spec["hf_dir"], backend="torch")
            original = model.model.generate
            pad = model.model.config.pad_token_id

            def recording_generate(*args: Any, **kwargs: Any) -> Any:
                output = original(*args, **kwargs)
                lengths.append(sorted(int((row != pad).sum()) for row in output))
                return output

            model.model.generate = recording_generate
            threads = str(torch.get_num_threads())
        else:
            model = load_seq2seq(spec["ct2_dir"], backend="ct2")
            model.translator = _RecordingTranslator(model.translator, lengths)
            threads = model.info.details["intra_threads"]
        load_s = time.perf_counter() - t0
        rss_loaded, _ = memory_mb()

        def run(batch: list[int], n: int) -> None:
            model.generate([texts[i] for i in batch], num_beams=beams, max_new_tokens=n,
                           min_new_tokens=n, batch_size=len(batch))

        run([spec["warmup"]], 2)  # as for a: first-call costs stay out of the timing
        lengths.clear()
        t0 = time.perf_counter()
        for batch, n in zip(batches, spec["batch_lengths"], strict=True):
            run(batch, n)
        gen_s = time.perf_counter() - t0

    _, rss_peak = memory_mb()
    produced = sum(sum(call) for call in lengths)
    return {
        "side": side,
        "sentences": len(spec["baseline"]) if side == "a" else len(texts),
        "output_tokens": produced,
        "generate_s": round(gen_s, 3),
        "tokens_per_s": round(produced / gen_s, 1) if gen_s else 0.0,
        "imports_s": round(imports_s, 2),
        "load_s": round(load_s, 2),
        "rss_loaded_mb": rss_loaded,
        "rss_peak_mb": rss_peak,
        "threads": threads,
        "lengths": lengths,
    }


class _RecordingTranslator:
    """Wraps ctranslate2.Translator to record the produced lengths (no cost worth measuring)."""

    def __init__(self, translator: Any, lengths: list[list[int]]) -> None:
        self._translator = translator
        self._lengths = lengths

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        results = self._translator.translate_batch(*args, **kwargs)
        self._lengths.append(sorted(len(r.hypotheses[0]) for r in results))
        return results


# ---------------------------------------------------------------------------------------------
# Preparation in the parent process
# ---------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    texts: list[str]  # benchmark sources, in article order
    words: list[int]  # words of the real sentence each stands for
    tokens: list[int]  # T: tokens the real tokenizer is assumed to make (without </s>)
    paragraphs: list[int]  # paragraph of each sentence in the joined article
    samples: list[int] = field(default_factory=list)  # which sample article each sentence is from
    batches: list[list[int]] = field(default_factory=list)
    batch_lengths: list[int] = field(default_factory=list)  # N per batch


def prepare_models(arch: str, workdir: Path, rebuild: bool, log: Any) -> tuple[Path, Path, float, float]:
    """(transformers dir, CTranslate2 int8 dir, build s, convert s), cached between runs."""
    from devtools.tiny_models import MARIAN_ARCHITECTURES, build_marian_architecture, build_tiny_marian
    from models.convert import convert_to_ct2

    hf_dir, ct2_dir = workdir / arch / "hf", workdir / arch / "ct2-int8"
    marker = hf_dir / "bench.json"
    wanted = {"arch": ARCHES[arch], "config": dict(MARIAN_ARCHITECTURES[ARCHES[arch]].config)
              if arch != "tiny" else "tiny", "forced_eos": "removed"}
    build_s = convert_s = 0.0
    if rebuild or not marker.is_file() or json.loads(marker.read_text()) != wanted:
        log(f"[{arch}] building the random-weight {ARCHES[arch]} stand-in in {hf_dir}")
        t0 = time.perf_counter()
        if arch == "tiny":
            build_tiny_marian(hf_dir)
        else:
            build_marian_architecture(hf_dir, ARCHES[arch])
        _drop_forced_eos(hf_dir)
        marker.write_text(json.dumps(wanted))
        build_s = time.perf_counter() - t0
        rebuild = True
    if rebuild or not (ct2_dir / "model.bin").is_file():
        log(f"[{arch}] converting to CTranslate2 int8 in {ct2_dir}")
        t0 = time.perf_counter()
        convert_to_ct2(str(hf_dir), ct2_dir, "int8", force=True)
        convert_s = time.perf_counter() - t0
    return hf_dir, ct2_dir, build_s, convert_s


def _drop_forced_eos(hf_dir: Path) -> None:
    """Marian forces </s> at the last position; without that, min = max new tokens gives exactly
    N generated tokens on both PyTorch and CTranslate2 (with it, PyTorch would spend one more
    decoding step on the forced </s> than CTranslate2)."""
    for name in ("generation_config.json", "config.json"):
        file = hf_dir / name
        data = json.loads(file.read_text())
        data.pop("forced_eos_token_id", None)
        file.write_text(json.dumps(data, indent=2))


def _single_and_pool(tokenizer: Any) -> tuple[list[str], dict[str, int]]:
    from devtools.tiny_models import GREEK_SENTENCES

    words = sorted({w for s in GREEK_SENTENCES for w in re.findall(r"[^\W\d_]+", s)})
    counts = tokenizer([*words], add_special_tokens=False)["input_ids"]
    cost = {w: len(ids) for w, ids in zip(words, counts, strict=True)}
    return [w for w in words if cost[w] == 1], cost


def synthetic_sentence(
    target: int, seed: int, tokenizer: Any, pool: dict[str, int], single: list[str]
) -> str:
    """A Greek 'sentence' of words from the tokenizer's corpus with exactly `target` tokens."""
    rng = random.Random(seed)
    words = list(pool)
    rng.shuffle(words)

    def render(parts: list[str]) -> str:
        text = " ".join(parts)
        return text[:1].upper() + text[1:] + "."

    def count(parts: list[str]) -> int:
        return len(tokenizer(render(parts), add_special_tokens=False)["input_ids"])

    parts: list[str] = []
    for word in words * 4:  # long words first-come, leaving a little room ...
        if count(parts) >= target - 4:
            break
        if count([*parts, word]) <= target - 2:
            parts.append(word)
    for _ in range(500):  # ... then one-token words until the count is exact
        have = count(parts)
        if have == target:
            return render(parts)
        if have < target:
            parts.append(rng.choice(single))
        else:
            parts.pop()
    raise RuntimeError(f"could not build a sentence of {target} tokens")


def prepare_inputs(hf_dir: Path, limit: int | None) -> Inputs:
    from transformers import AutoTokenizer

    from service.text import parse_article

    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    single, pool = _single_and_pool(tokenizer)
    texts, words, tokens, paragraphs, samples = [], [], [], [], []
    offset = 0
    for number, path in enumerate(sorted(EXAMPLES.glob("el-news-*.txt"))):
        article = parse_article(path.read_text(encoding="utf-8"))
        for sentence in article.sentences:
            w = len(sentence.text.split())
            t = max(2, round(TOKENS_PER_WORD * w))
            texts.append(synthetic_sentence(t, len(texts), tokenizer, pool, single))
            words.append(w)
            tokens.append(t)
            paragraphs.append(offset + sentence.paragraph)
            samples.append(number)
        offset += len(article.paragraphs)
    if limit:
        texts, words, tokens, paragraphs = texts[:limit], words[:limit], tokens[:limit], paragraphs[:limit]
    inputs = Inputs(texts, words, tokens, paragraphs, samples[: len(texts)])
    order = sorted(range(len(texts)), key=lambda i: tokens[i])
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        inputs.batches.append(batch)
        mean = sum(tokens[i] for i in batch) / len(batch)
        inputs.batch_lengths.append(max(2, round(OUTPUT_RATIO * mean)))
    return inputs


def baseline_subset(inputs: Inputs, count: int) -> list[int]:
    """`count` sentences spread evenly over the length order (all when count is 0 or more)."""
    order = [i for batch in inputs.batches for i in batch]
    if not count or count >= len(order):
        return order
    step = len(order) / count
    return [order[int(k * step + step / 2)] for k in range(count)]


# ---------------------------------------------------------------------------------------------
# End-to-end digest
# ---------------------------------------------------------------------------------------------


def article_text(texts: list[str], paragraphs: list[int]) -> str:
    """Sentences joined into an article: one paragraph per paragraph number, blank lines between."""
    grouped: dict[int, list[str]] = {}
    for text, paragraph in zip(texts, paragraphs, strict=True):
        grouped.setdefault(paragraph, []).append(text)
    return "\n\n".join(" ".join(p) for p in grouped.values()) + "\n"


def digest_article(inputs: Inputs, workdir: Path) -> Path:
    """The benchmark sentences as one article (the two samples joined: ~600 words)."""
    path = workdir / "article.txt"
    path.write_text(article_text(inputs.texts, inputs.paragraphs), encoding="utf-8")
    return path


def synthetic_articles(hf_dir: Path, inputs: Inputs, count: int) -> list[str]:
    """`count` distinct articles shaped like the samples (even: the first, odd: the second): the
    same sentence lengths and paragraphs, other words. The first two are the benchmark inputs."""
    from transformers import AutoTokenizer

    from service.text import parse_article

    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    single, pool = _single_and_pool(tokenizer)
    articles = []
    for k in range(count):
        members = [i for i, sample in enumerate(inputs.samples) if sample == k % 2]
        texts = [inputs.texts[i] if k < 2 else synthetic_sentence(inputs.tokens[i], 10_000 * k + i,
                                                                   tokenizer, pool, single) for i in members]
        articles.append(article_text(texts, [inputs.paragraphs[i] for i in members]))
        if len(parse_article(articles[-1]).sentences) != len(members):
            raise SystemExit(f"synthetic article {k} does not split into its {len(members)} sentences")
    return articles


def e2e_model_dir(
    ct2_dir: Path, inputs: Inputs, article: Path, workdir: Path, bullets: int
) -> tuple[Path, int]:
    """The CT2 model with a generation config that makes each bullet exactly N tokens long.

    Random weights never stop on their own, so max_length = min_length pins every bullet's
    translation to N = round(0.9 x mean T of the bullets the digest will pick).
    """
    from service.extractive import select_key_points
    from service.text import parse_article

    article_sentences = parse_article(article.read_text(encoding="utf-8")).sentence_texts
    if len(article_sentences) != len(inputs.texts):
        raise SystemExit(f"the synthetic article splits into {len(article_sentences)} sentences, "
                         f"expected {len(inputs.texts)}")
    picked = [p.sources[0] for p in select_key_points(article_sentences, bullets)]
    n = max(2, round(OUTPUT_RATIO * sum(inputs.tokens[i] for i in picked) / len(picked)))
    return pinned_model_dir(ct2_dir, n, "-e2e"), n


def pinned_model_dir(ct2_dir: Path, n: int, suffix: str) -> Path:
    """A view of the CT2 model (symlinks) whose generation config makes every output N tokens."""
    out = ct2_dir.with_name(ct2_dir.name + suffix)
    out.mkdir(parents=True, exist_ok=True)
    for item in ct2_dir.iterdir():
        link = out / item.name
        if item.name != "generation_config.json" and not link.exists():
            link.symlink_to(item.resolve())
    generation = json.loads((ct2_dir / "generation_config.json").read_text())
    generation.update(max_length=n + 1, min_length=n + 1)  # +1: transformers counts the start token
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2))
    return out


def run_digest_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """digest() on a DigestService whose translator is loaded, as the web app runs it."""
    from service.config import Settings
    from service.digest_service import DigestService

    t0 = time.perf_counter()
    # Cache off: the 3 runs digest the same article, and this measures the work, not a lookup.
    settings = Settings.from_env(translator=spec["model_dir"], backend="ct2", cache_size=0)
    service = DigestService(settings).load()
    load_s = time.perf_counter() - t0
    rss_loaded, _ = memory_mb()
    text = Path(spec["article"]).read_text(encoding="utf-8")
    totals, translate = [], []
    for _ in range(spec["runs"]):
        t0 = time.perf_counter()
        digest = service.digest(text, bullets=spec["bullets"])
        totals.append(round(time.perf_counter() - t0, 3))
        translate.append(digest.timings.get("translate"))
        if not all(b.en for b in digest.bullets):
            raise SystemExit(f"digest did not translate: {digest.warnings}")
    _, rss_peak = memory_mb()
    return {"load_s": round(load_s, 2), "digest_s": totals, "translate_s": translate,
            "bullets": len(digest.bullets), "rss_loaded_mb": rss_loaded, "rss_peak_mb": rss_peak}


def time_digest(model_dir: Path, article: Path, bullets: int, spec_path: Path) -> dict[str, Any]:
    """Two measures: digest() in a loaded service (median of 3), and a whole CLI process."""
    spec_path.write_text(json.dumps({"model_dir": str(model_dir), "article": str(article),
                                     "bullets": bullets, "runs": 3}))
    service = run_side("digest", spec_path)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error",
           "TOKENIZERS_PARALLELISM": "false"}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "service", "digest", str(article), "--translator", str(model_dir),
         "--backend", "ct2", "--format", "json", "--bullets", str(bullets)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    wall = round(time.perf_counter() - t0, 3)
    if done.returncode != 0:
        raise SystemExit(f"digest failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    digest = json.loads(done.stdout)
    if not digest["models"].get("translator") or not all(b["en"] for b in digest["bullets"]):
        raise SystemExit(f"digest did not translate: {digest.get('warnings')}")
    return {**service, "digest_median_s": sorted(service["digest_s"])[1], "cli_wall_s": wall,
            "cli_timings": digest["timings"]}


# ---------------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------------


def run_side(side: str, spec_path: Path) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error",
           "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, __file__, "--worker", side, "--spec", str(spec_path)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"side {side} failed ({done.returncode}):\n{done.stderr.strip()[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    import ctranslate2
    import torch
    import transformers

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    flags = ""
    if cpuinfo.is_file():
        found = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "")
        flags = " ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8")
                         if f in found.split())
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "cpu_flags": flags,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "ctranslate2": ctranslate2.__version__,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def bench_arch(arch: str, args: argparse.Namespace, log: Any) -> dict[str, Any]:
    workdir = args.workdir
    hf_dir, ct2_dir, build_s, convert_s = prepare_models(arch, workdir, args.rebuild, log)
    inputs = prepare_inputs(hf_dir, args.sentences)
    baseline = baseline_subset(inputs, args.baseline_sentences)
    spec = {
        "hf_dir": str(hf_dir), "ct2_dir": str(ct2_dir), "texts": inputs.texts, "beams": args.beams,
        "batches": inputs.batches, "batch_lengths": inputs.batch_lengths, "baseline": baseline,
        "warmup": inputs.batches[0][0],
    }
    spec_path = workdir / arch / "spec.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False))
    sides = {}
    for side in ("a", "b", "c"):
        log(f"[{arch}] side {side}: {SIDES[side]}")
        sides[side] = run_side(side, spec_path)

    # The produced lengths must be what was asked, on every side.
    wanted = {i: n for batch, n in zip(inputs.batches, inputs.batch_lengths, strict=True) for i in batch}
    expect_batched = [[n] * len(batch) for batch, n in zip(inputs.batches, inputs.batch_lengths, strict=True)]
    lengths_ok = (
        sides["a"]["lengths"] == [[wanted[i]] for i in baseline]
        and sides["b"]["lengths"] == expect_batched
        and sides["c"]["lengths"] == expect_batched
    )
    if not lengths_ok:
        raise SystemExit(f"[{arch}] produced lengths differ: " + json.dumps(
            {s: sides[s]["lengths"] for s in sides} | {"expected": expect_batched}))

    result: dict[str, Any] = {
        "model": ARCHES[arch],
        "build_s": round(build_s, 1),
        "convert_s": round(convert_s, 1),
        "sentences": len(inputs.texts),
        "source_tokens_mean": round(sum(inputs.tokens) / len(inputs.tokens), 1),
        "source_words_mean": round(sum(inputs.words) / len(inputs.words), 1),
        "batch_sizes": [len(b) for b in inputs.batches],
        "output_tokens_per_sentence": inputs.batch_lengths,
        "baseline_sentences": len(baseline),
        "lengths_equal": lengths_ok,
        "sides": {s: {k: v for k, v in r.items() if k != "lengths"} for s, r in sides.items()},
        "ratios": {
            "c/a": round(sides["c"]["tokens_per_s"] / sides["a"]["tokens_per_s"], 2),
            "c/b": round(sides["c"]["tokens_per_s"] / sides["b"]["tokens_per_s"], 2),
        },
    }
    if not args.no_digest and args.sentences is None:
        article = digest_article(inputs, workdir / arch)
        model_dir, n = e2e_model_dir(ct2_dir, inputs, article, workdir / arch, args.bullets)
        log(f"[{arch}] python -m service digest ({len(inputs.texts)} sentences, {args.bullets} bullets "
            f"of {n} output tokens each)")
        result["digest"] = {"article_words_equivalent": sum(inputs.words), "output_tokens_per_bullet": n,
                            **time_digest(model_dir, article, args.bullets, workdir / arch / "digest.json")}
    if not args.no_service and args.sentences is None:
        from devtools.bench_service import compare

        n = max(2, round(OUTPUT_RATIO * sum(inputs.tokens) / len(inputs.tokens)))
        log(f"[{arch}] service path vs Argos Translate, and the translation cache")
        articles = synthetic_articles(hf_dir, inputs, ARTICLES)
        result.update(compare(articles, pinned_model_dir(ct2_dir, n, "-pinned"), ct2_dir, hf_dir, n,
                              args.beams, workdir / arch, log, argos=not args.no_argos))
    return result


def time_checks(words_per_article: int = 600) -> dict[str, Any]:
    """CPU ms of glossary preparation + the line checks per 600 Greek words (see the docstring)."""
    from service.digest_checks import annotate_translations, load_glossary
    from service.evaluation.pairs import read_pairs
    from service.translate import Translation

    pairs = read_pairs(ROOT / "tests" / "data" / "check_pairs.tsv")
    glossary = load_glossary(None)  # the shipped one, loaded once per service (not timed)
    articles: list[list[tuple[str, str]]] = [[]]
    for greek, english in pairs:
        if sum(len(g.split()) for g, _ in articles[-1]) >= words_per_article:
            articles.append([])
        articles[-1].append((greek, english))
    words = sum(len(g.split()) for g, _ in pairs)
    annotate_translations([Translation([], [], [("Η Αθήνα.", "Athens.")])], glossary)  # imports, regexes

    def ms_per_600_words() -> float:
        started = time.process_time()
        for article in articles:
            for greek, _ in article:
                glossary.prepare_source(greek)  # type: ignore[union-attr]  # what translation does first
            annotate_translations([Translation([], [], article)], glossary)
        return round((time.process_time() - started) * 1000 * 600 / words, 1)

    first = ms_per_600_words()
    return {"articles": len(articles), "sentences": len(pairs), "greek_words": words,
            "checks_ms_per_600_words": first, "checks_ms_per_600_words_warm": ms_per_600_words(),
            "target_ms": TARGETS["checks_ms"]}


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(report: dict[str, Any]) -> str:
    lines = []
    m = report["machine"]
    lines.append(f"Machine: {m['nproc']} CPUs ({m['cpu']}; {m['cpu_flags'] or 'no AVX2/AVX-512 flags'}), "
                 f"{m['memory_gb']} GB; Python {m['python']}, torch {m['torch']}, transformers "
                 f"{m['transformers']}, ctranslate2 {m['ctranslate2']}; load average "
                 f"{m['loadavg_start']} → {m['loadavg_end']}")
    lines.append(f"Beam {report['beams']}; command: {report['command']}")
    lines.append("")
    lines.append("| model | side | sentences | output tokens | generate s | tokens/s | load s | "
                 "RSS loaded MB | peak RSS MB |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for arch, r in report["results"].items():
        for side, s in r["sides"].items():
            lines.append(f"| {arch} | {side}: {SIDES[side]} | {s['sentences']} | {s['output_tokens']} | "
                         f"{s['generate_s']:.2f} | {s['tokens_per_s']:.1f} | {s['load_s']:.2f} | "
                         f"{s['rss_loaded_mb']:.0f} | {s['rss_peak_mb']:.0f} |")
    lines.append("")
    for arch, r in report["results"].items():
        ca, cb = r["ratios"]["c/a"], r["ratios"]["c/b"]
        rss = r["sides"]["c"]["rss_peak_mb"]
        lines.append(f"{arch} ({r['model']}): c/a = {ca:.2f}x (target ≥ {TARGETS['c/a']:.0f}x: "
                     f"{_mark(ca >= TARGETS['c/a'])}), c/b = {cb:.2f}x (target ≥ {TARGETS['c/b']:.0f}x: "
                     f"{_mark(cb >= TARGETS['c/b'])}), CT2 peak RSS {rss:.0f} MB (target ≤ "
                     f"{TARGETS['rss_mb']} MB: {_mark(rss <= TARGETS['rss_mb'])})")
        lines.append(f"  inputs: {r['sentences']} sentences, mean {r['source_words_mean']} words → "
                     f"{r['source_tokens_mean']} source tokens; batches {r['batch_sizes']} with "
                     f"{r['output_tokens_per_sentence']} output tokens per sentence (identical on a, b, c: "
                     f"{r['lengths_equal']}); baseline a on {r['baseline_sentences']} of them")
        if "digest" in r:
            d = r["digest"]
            target = TARGETS["digest_s"].get(arch)
            verdict = f" (target ≤ {target} s: {_mark(d['digest_median_s'] <= target)})" if target else ""
            lines.append(f"  digest, ~{d['article_words_equivalent']}-word article, {d['bullets']} bullets × "
                         f"{d['output_tokens_per_bullet']} tokens: digest() on a loaded service "
                         f"{d['digest_median_s']:.2f} s (median of {d['digest_s']}){verdict}; service "
                         f"load {d['load_s']:.2f} s, RSS {d['rss_loaded_mb']:.0f} MB loaded / "
                         f"{d['rss_peak_mb']:.0f} MB peak; a whole `python -m service digest` process "
                         f"{d['cli_wall_s']:.2f} s (imports, model load, digest)")
        if "cache" in r:
            from devtools.bench_service import render as render_service

            lines += render_service(arch, r)
    if "checks" in report:
        c = report["checks"]
        lines.append(f"checks: {c['checks_ms_per_600_words']:.1f} ms CPU per 600 Greek words, every sentence "
                     f"checked, glossary written in first ({c['checks_ms_per_600_words_warm']:.1f} ms with "
                     f"the word caches warm; target ≤ {c['target_ms']} ms: "
                     f"{_mark(c['checks_ms_per_600_words'] <= c['target_ms'])}); {c['sentences']} "
                     "sentences of tests/data/check_pairs.tsv")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=["base", "big", "both", "tiny"], default="both")
    parser.add_argument("--sentences", type=int, help="use only the first N sentences (skips the digest)")
    parser.add_argument("--baseline-sentences", type=int, default=8,
                        help="sentences for the slow one-at-a-time baseline a, spread over the lengths "
                             "(default 8; 0 = all); tokens/s stays comparable")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--bullets", type=int, default=5, help="bullets of the end-to-end digest")
    parser.add_argument("--no-digest", action="store_true", help="skip the end-to-end digest timing")
    parser.add_argument("--no-service", action="store_true",
                        help="skip the service-path measures (vs Argos Translate, translation cache)")
    parser.add_argument("--no-argos", action="store_true", help="skip side d (Argos Translate)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--rebuild", action="store_true", help="rebuild and reconvert the models")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--worker", choices=[*SIDES, "digest"], help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        spec = json.loads(args.spec.read_text())
        result = run_digest_worker(spec) if args.worker == "digest" else run_worker(args.worker, spec)
        print(json.dumps(result))
        return 0

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    args.workdir.mkdir(parents=True, exist_ok=True)
    arches = ["base", "big"] if args.arch == "both" else [args.arch]
    started = time.perf_counter()
    report: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join(["python", "scripts/bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "beams": args.beams,
        "assumptions": {"tokens_per_word": TOKENS_PER_WORD, "output_per_source_token": OUTPUT_RATIO,
                        "batch_size": BATCH_SIZE},
        "targets": TARGETS,
        "results": {},
    }
    for arch in arches:
        report["results"][arch] = bench_arch(arch, args, log)
    log("checks: the line checks on ~600-word articles of written pairs")
    report["checks"] = time_checks()
    report["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    report["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

