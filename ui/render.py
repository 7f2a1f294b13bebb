"""HTML views of a digest and of the service status.

Every piece of text here comes from the user's article (or from a model fed with it), so all of it
goes through html.escape; the markup around it is ours. Class names start with "gd-" and are
styled by ui.style.CSS with Gradio's theme variables, so light and dark mode both work.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from service import BriefingPoint, Bullet, Digest, Translation
from service.digest import lines_to_check

CONTEXT_SENTENCES = 1  # sentences of context shown before and after a source sentence


def esc(text: object) -> str:
    """Any text as HTML text or attribute value (articles and model output are never markup here)."""
    return escape(str(text), quote=True)


def _paragraphs(digest: Digest) -> list[list[int]]:
    """Sentence indices grouped by paragraph (one paragraph when the digest has no layout)."""
    layout = digest.paragraphs if len(digest.paragraphs) == len(digest.sentences) else []
    groups: dict[int, list[int]] = {}
    for index in range(len(digest.sentences)):
        groups.setdefault(layout[index] if layout else 0, []).append(index)
    return [groups[key] for key in sorted(groups)]


def _runs(indices: list[int]) -> list[list[int]]:
    """Sorted indices split into runs of consecutive numbers."""
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _evidence(digest: Digest, bullet: Bullet, number: int) -> str:
    """A <details> per bullet: its source sentence(s) quoted with the sentence before and after
    (paragraph breaks kept), so a reader can check the bullet against what the article said."""
    paragraphs = _paragraphs(digest)
    where = {i: p for p, members in enumerate(paragraphs) for i in members}
    total = len(digest.sentences)
    sources = sorted({s for s in bullet.sources if 0 <= s < total})
    if not sources:
        return ""
    shown = [
        i for s in sources
        for i in range(max(0, s - CONTEXT_SENTENCES), min(total, s + CONTEXT_SENTENCES + 1))
    ]
    quotes = []
    for run in _runs(shown):
        blocks: list[list[str]] = []
        for index in run:
            text = esc(digest.sentences[index])
            if index in sources:
                part = f'<mark class="gd-key"><span class="gd-sno">[{index + 1}]</span> {text}</mark>'
            else:
                part = f'<span class="gd-context">{text}</span>'
            if blocks and where[index] == where[index - 1]:
                blocks[-1].append(part)
            else:  # a new paragraph of the article
                blocks.append([part])
        if run[0] > 0:
            blocks[0].insert(0, "…")
        if run[-1] < total - 1:
            blocks[-1].append("…")
        places = "; ".join(
            f"sentence {s + 1} of {total} · paragraph {where[s] + 1} of {len(paragraphs)}"
            for s in sources if s in run
        )
        body = "".join(f"<p>{' '.join(parts)}</p>" for parts in blocks)
        quotes.append(f'<blockquote class="gd-quote" lang="el">{body}<footer>{places}</footer></blockquote>')
    numbers = ", ".join(str(s + 1) for s in sources)
    label = "sentences" if len(sources) > 1 else "sentence"
    return (
        f'<details class="gd-evidence" id="gd-evidence-{number}">'
        f"<summary>Source in the article: {label} {numbers}</summary>{''.join(quotes)}</details>"
    )


def _article(digest: Digest) -> str:
    """The whole article, the bullets' source sentences highlighted and numbered by bullet."""
    bullet_of: dict[int, int] = {}
    for number, bullet in enumerate(digest.bullets, 1):
        for source in bullet.sources:
            bullet_of.setdefault(source, number)
    paragraphs = []
    for members in _paragraphs(digest):
        spans = []
        for index in members:
            text = esc(digest.sentences[index])
            if index in bullet_of:
                spans.append(
                    f'<mark class="gd-key" id="gd-s{index + 1}" title="bullet {bullet_of[index]}">'
                    f'<span class="gd-badge">{bullet_of[index]}</span> {text}</mark>'
                )
            else:
                spans.append(f'<span id="gd-s{index + 1}">{text}</span>')
        paragraphs.append(f"<p>{' '.join(spans)}</p>")
    return (
        '<details class="gd-article"><summary>The article, with the key sentences highlighted</summary>'
        f'<div lang="el">{"".join(paragraphs)}</div></details>'
    )


def check_flags(bullet: Bullet | BriefingPoint) -> str:
    """A small ⚠ beside the English: the reasons on hover (title) and on click (the list)."""
    if not bullet.checks:
        return ""
    reasons = [str(flag["message"]) for flag in bullet.checks]
    items = "".join(f"<li>{esc(reason)}</li>" for reason in reasons)
    return (
        f'<details class="gd-check"><summary title="{esc(" ".join(reasons))}" '
        f'aria-label="check this line">⚠</summary><ul>{items}</ul></details>'
    )


def checks_line(checks: dict[str, Any] | None) -> str:
    """The checks' one summary line ("⚠ 2 lines to check"); nothing when unchecked."""
    if checks is None:
        return ""
    flagged = checks["lines_flagged"]
    kind = "gd-to-check" if flagged else "gd-checked"
    return f'<div class="gd-checks-line {kind}">{esc(lines_to_check(flagged))}</div>'


def digest_html(digest: Digest) -> str:
    """Bilingual bullets side by side (Ελληνικά | English), each with its evidence."""
    warnings = "".join(f'<div class="gd-warning" role="alert">⚠ {esc(w)}</div>' for w in digest.warnings)
    rows = []
    for number, bullet in enumerate(digest.bullets, 1):
        english = (
            f'<div class="gd-en" lang="en">{esc(bullet.en)}{check_flags(bullet)}</div>'
            if bullet.en
            else f'<div class="gd-en gd-missing" lang="en">no English translation{check_flags(bullet)}</div>'
        )
        rows.append(
            f'<li class="gd-bullet"><span class="gd-num">{number}</span>'
            f'<div class="gd-el" lang="el">{esc(bullet.el)}</div>{english}'
            f"{_evidence(digest, bullet, number)}</li>"
        )
    models = " · ".join(
        f'{esc(role)}: <code title="{esc(name or "")}">{esc(short_name(name))}</code>'
        for role, name in digest.models.items()
    )
    total = digest.timings.get("total")
    seconds = f" · {total:.2f} s" if isinstance(total, int | float) else ""
    warnings += checks_line(digest.checks)
    return (
        f'<div class="gd-digest">{warnings}'
        '<div class="gd-head"><span></span><span lang="el">Ελληνικά</span><span>English</span></div>'
        f'<ol class="gd-bullets">{"".join(rows)}</ol>'
        f"{_article(digest)}"
        f'<div class="gd-meta">{len(digest.bullets)} key points from {len(digest.sentences)} sentences'
        f" · {models}{seconds}</div></div>"
    )


def short_name(name: str | None) -> str:
    """A model directory by its last parts (temp and home paths are long and say little)."""
    if not name:
        return "—"
    path = Path(name)
    return "/".join(path.parts[-2:]) if path.is_absolute() else name


def placeholder_html(text: str) -> str:
    return f'<div class="gd-placeholder">{esc(text)}</div>'


def error_html(message: str) -> str:
    """Where the result would be: why there is none (it stays until the next run)."""
    return f'<div class="gd-error" role="alert"><b>Error:</b> {esc(message)}</div>'


def translation_note(translation: Translation) -> str:
    """One line under the English: which model translated it, and how long it took."""
    total = translation.timings.get("total")
    seconds = f" in {total:.2f} s" if isinstance(total, int | float) else ""
    return (
        f'<div class="gd-meta">{len(translation.sentences)} sentences translated by '
        f'<code title="{esc(translation.model or "")}">{esc(short_name(translation.model))}</code>'
        f"{seconds}</div>"
    )


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,}" if isinstance(value, int) else str(value)


_STATE_ICON = {"loaded": "●", "built-in": "●", "missing": "▲", "not loaded": "○", "converting…": "◐"}


def _model_row(role: str, info: dict[str, Any]) -> str:
    state = str(info.get("state", "unknown"))
    details = [
        f"{key.replace('_', ' ')}: <code>{esc(info[key])}</code>"
        for key in ("backend", "device", "family", "parameters", "size", "max_input_tokens",
                    "load_seconds", "model_path")
        if info.get(key) is not None
    ]
    notes = "".join(
        f'<div class="gd-{kind}">{label}{esc(info[key])}</div>'
        for key, kind, label in (("note", "note", ""), ("error", "fix", ""), ("fix", "fix", "<b>Fix:</b> "))
        if info.get(key) and not (key == "fix" and info[key] in str(info.get("error", "")))
    )
    return (
        f'<tr><th scope="row">{esc(role)}</th><td><code>{esc(info.get("configured", "—"))}</code></td>'
        f'<td><span class="gd-state gd-state-{esc(state.replace(" ", "-"))}">'
        f"{_STATE_ICON.get(state, '?')} {esc(state)}</span></td>"
        f'<td>{" · ".join(details)}{notes}</td></tr>'
    )


def status_html(status: dict[str, Any]) -> str:
    """Which models are configured and loaded, with the one-line fix for a missing one."""
    rows = [_model_row(role, status[role]) for role in ("translator", "summarizer") if role in status]
    limits = {**status.get("limits", {}), **status.get("server", {})}
    methods = ", ".join(str(m) for m in status.get("methods", []))
    facts = [f"backend: <code>{esc(status.get('backend', '—'))}</code>"]
    facts += [f"summary methods: <code>{esc(methods)}</code>"] if methods else []
    facts += [
        f"{esc(key.replace('_', ' '))}: <code>{esc(_plain(value))}</code>" for key, value in limits.items()
    ]
    cache = status.get("cache") or {}
    if cache.get("capacity") or cache.get("disk"):
        size, capacity = esc(cache.get("size", 0)), esc(cache.get("capacity", 0))
        facts.append(f"translation cache: <code>{size} of {capacity} sentences, "
                     f"{esc(cache.get('hits', 0))} hits, {esc(cache.get('misses', 0))} misses</code>")
    return (
        '<div class="gd-status"><table><thead><tr><th>role</th><th>model</th><th>state</th>'
        f'<th>details</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<div class="gd-meta">{" · ".join(facts)}</div></div>'
    )


def status_badge(status: dict[str, Any]) -> str:
    """One line for the page header: is the translator ready?"""
    translator = status.get("translator", {})
    state = translator.get("state", "unknown")
    name = str(translator.get("configured", "—"))
    if state == "loaded":
        text, kind = f"translator ready: {short_name(name)}", "ok"
    elif name == "none":
        text, kind = "no translator configured: Greek bullets only", "warn"
    else:
        text, kind = f"translator {state}: {short_name(name)} (see the Status tab)", "warn"
    return f'<div class="gd-badge-line gd-{kind}">{esc(text)}</div>'
