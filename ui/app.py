"""The Gradio web app and API: `python -m ui` or `greek-digest-ui`.

Thin on purpose: every button calls the same function as the named API endpoint (ui.endpoints),
which calls the one DigestService of the process. Security defaults live in launch(): 127.0.0.1,
no share link, optional login, bounded queue and request size, no monitoring page, no run history
kept in the browser, and no file served except the app's own download files.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from service import (
    MAX_BRIEFING_ARTICLES,
    MAX_BULLETS,
    METHODS,
    DigestService,
    UsageError,
    add_model_flags,
    run_command,
    settings_from_args,
)
from ui.config import UiSettings, request_limit
from ui.endpoints import Endpoints
from ui.inputs import SAMPLE_ARTICLE, raw
from ui.limits import BodySizeLimit
from ui.model_jobs import ModelJobs
from ui.plain_routes import plain_routes
from ui.render import placeholder_html
from ui.render_briefing import BRIEFING_CSS
from ui.style import API_PAGE_SHIM, CSS, theme

log = logging.getLogger("ui")

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
RENDER_JOBS = 4  # the page's private follow-ups running at once
PLACEHOLDER = "Paste a Greek news article (text or HTML), or pick an example, then press Summarise."
BRIEFING_PLACEHOLDER = ("Paste two or more articles on the same story, a line of --- between them, or pick "
                        "the sample story, then press Make the briefing.")


def load_examples() -> list[tuple[str, str]]:
    """(label, text) of the sample articles; the label is the start of the first sentence."""
    examples = []
    for path in sorted(EXAMPLES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        first = text.split("\n", 1)[0]
        label = first if len(first) <= 70 else first[:70].rsplit(" ", 1)[0] + " …"
        examples.append((label, text))
    return examples


def result_outputs(kind: str, endpoint: str) -> tuple[gr.File, gr.File, gr.Code, gr.JSON]:
    """Below a result: its Markdown and JSON downloads (hidden until there is one) and both texts
    as the API returns them."""
    with gr.Row():
        md_file = gr.File(label="Download Markdown", elem_id=f"{kind}-md", visible=False)
        json_file = gr.File(label="Download JSON", elem_id=f"{kind}-json", visible=False)
    with gr.Accordion(f"Markdown and JSON, as the /{endpoint} API returns them", open=False):
        markdown = gr.Code(label="Markdown", language="markdown", interactive=False)
        data = gr.JSON(label="JSON")
    return md_file, json_file, markdown, data


def build_app(service: DigestService, ui: UiSettings | None = None) -> gr.Blocks:
    """The Blocks app, its queue bounded. The models may still be loading (serve() loads them beside
    the server): requests wait for them."""
    ui = ui or UiSettings()
    jobs = ModelJobs(ui.concurrency, ui.queue_size)  # shared with the plain HTTP routes (launch)
    api = Endpoints(jobs.guard(service), ui)
    examples = load_examples()
    default_bullets = min(service.settings.bullets, MAX_BULLETS)
    model_jobs: dict[str, Any] = {"concurrency_id": "model", "concurrency_limit": ui.concurrency}
    # The page's own follow-ups: off the API page, fed only by the server (ui.sessions), bounded.
    plumbing: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "render",
                                "concurrency_limit": RENDER_JOBS}

    with gr.Blocks(title="Greek news digest", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        with gr.Row(equal_height=True, elem_id="gd-header"):
            gr.HTML(
                '<div class="gd-title"><h1>Greek news digest</h1><p>Key points of a Greek article as '
                "Greek bullets with English beside them, each linked to the sentence it came from.</p></div>"
            )
            badge = gr.HTML(elem_id="status-badge")

        with gr.Tabs():
            with gr.Tab("Summarise", id="summarise"):
                with gr.Row():
                    article = raw(gr.Textbox(
                        label="Greek article", lines=12, max_lines=24, scale=3, min_width=300,
                        elem_id="article", placeholder="Επικολλήστε εδώ ένα ελληνικό άρθρο (κείμενο ή HTML)…",
                        info=f"Plain text or pasted HTML, up to {service.settings.max_chars:,} characters.",
                    ), api.summarize, "article", SAMPLE_ARTICLE)
                    with gr.Column(scale=1, min_width=220):
                        bullets = raw(gr.Slider(
                            1, MAX_BULLETS, value=default_bullets, step=1, precision=0, label="Bullets",
                            elem_id="bullets",
                        ), api.summarize, "bullets", 3)
                        method_choice = gr.Radio(
                            list(METHODS), value="auto", label="Key points",
                            info="abstractive needs DIGEST_SUMMARIZER; auto uses it when configured",
                            elem_id="method",
                        )
                        # Session state, not an input: the public /summarize keeps (article, bullets).
                        method = gr.State("auto")
                        method_choice.change(
                            lambda choice: choice, method_choice, method, api_visibility="private"
                        )
                        summarise = gr.Button("Summarise", variant="primary", elem_id="summarise-btn")
                        gr.Examples(
                            [[text, default_bullets] for _, text in examples], [article, bullets],
                            example_labels=[label for label, _ in examples], label="Sample articles",
                        )
                digest_view = gr.HTML(placeholder_html(PLACEHOLDER), elem_id="digest", padding=True)
                md_file, json_file, markdown, data = result_outputs("digest", "summarize")

            with gr.Tab("Translate", id="translate"):
                with gr.Row():  # the two boxes stack on a phone (min_width)
                    greek = raw(gr.Textbox(
                        label="Greek article", lines=14, max_lines=30, elem_id="translate-in", min_width=300,
                        placeholder="Επικολλήστε εδώ ένα ελληνικό άρθρο…",
                    ), api.translate, "text", SAMPLE_ARTICLE)
                    english = gr.Textbox(
                        label="English", lines=14, max_lines=30, buttons=["copy"], interactive=False,
                        elem_id="translate-out", min_width=300,
                    )
                translate_note = gr.HTML(elem_id="translate-note")
                with gr.Row():
                    translate = gr.Button("Translate", variant="primary", elem_id="translate-btn", scale=1)
                    txt_file = gr.File(label="Download .txt", scale=2, elem_id="translate-txt", visible=False)
                gr.Examples(
                    [[text] for _, text in examples], [greek],
                    example_labels=[label for label, _ in examples], label="Sample articles",
                )
                with gr.Accordion("Model and timings, as the /translate API returns them", open=False):
                    translate_info = gr.JSON(label="model and timings")

            with gr.Tab("Briefing", id="briefing"):
                with gr.Row():
                    briefing_in = raw(gr.Textbox(
                        label="Greek articles on one story", lines=14, max_lines=30, scale=3, min_width=300,
                        elem_id="briefing-in", placeholder="Πρώτο άρθρο…\n---\nΔεύτερο άρθρο…",
                        info=f"Up to {MAX_BRIEFING_ARTICLES} articles, a line of --- between them; "
                        f"each up to {service.settings.max_chars:,} characters, "
                        f"{service.settings.max_briefing_chars:,} in all.",
                    ), api.briefing, "articles", f"{SAMPLE_ARTICLE}\n---\n{SAMPLE_ARTICLE}")
                    with gr.Column(scale=1, min_width=220):
                        briefing_points = raw(gr.Slider(
                            1, MAX_BULLETS, value=default_bullets, step=1, precision=0, label="Points",
                            elem_id="briefing-points",
                        ), api.briefing, "bullets", 3)
                        brief = gr.Button("Make the briefing", variant="primary", elem_id="briefing-btn")
                        gr.Examples(
                            [["\n---\n".join(text for _, text in examples), default_bullets]],
                            [briefing_in, briefing_points], example_labels=["The two sample articles"],
                            label="Sample story",
                        )
                briefing_view = gr.HTML(
                    placeholder_html(BRIEFING_PLACEHOLDER), elem_id="briefing", padding=True
                )
                briefing_md, briefing_json, briefing_markdown, briefing_data = result_outputs(
                    "briefing", "briefing"
                )

            with gr.Tab("Status", id="status"):
                status_view = gr.HTML(elem_id="status-view", padding=True)
                refresh = gr.Button("Refresh", size="sm")
                with gr.Accordion("JSON, as the /status API returns it", open=False):
                    status_json = gr.JSON(label="status")

        # Public API: the buttons are the endpoints. The follow-ups run whatever the outcome: after
        # an error they put the reason where the result was.
        def afterwards(event: Any, show: Any, outputs: list[Any]) -> None:
            # Both, not .then(): Gradio 6's page does not run .then() steps after an error.
            for step in (event.success, event.failure):
                step(show, None, outputs, **plumbing)

        afterwards(summarise.click(
            api.summarize, [article, bullets, method], [markdown, data], api_name="summarize",
            show_progress_on=[digest_view], **model_jobs,
        ), api.show_digest, [digest_view, md_file, json_file, markdown, data])
        afterwards(translate.click(
            api.translate, [greek], [english, translate_info], api_name="translate",
            show_progress_on=[english], **model_jobs,
        ), api.show_translation, [english, translate_note, txt_file])
        afterwards(brief.click(
            api.briefing, [briefing_in, briefing_points], [briefing_markdown, briefing_data],
            api_name="briefing", show_progress_on=[briefing_view], **model_jobs,
        ), api.show_briefing, [briefing_view, briefing_md, briefing_json, briefing_markdown, briefing_data])
        afterwards(refresh.click(api.status, None, [status_json], api_name="status", concurrency_limit=None),
                   api.show_status, [status_view, badge])
        demo.load(api.show_status, None, [status_view, badge], **plumbing)

    demo.queue(max_size=ui.queue_size, default_concurrency_limit=ui.concurrency)
    demo.model_jobs = jobs  # type: ignore[attr-defined]
    return demo


def launch(
    demo: gr.Blocks, service: DigestService, ui: UiSettings, **kwargs: Any
) -> tuple[Any, str, str | None]:
    """Start serving with the project's security defaults; kwargs (e.g. prevent_thread_lock) pass on."""
    if not ui.local_only and not ui.auth:
        log.warning("serving on %s without a login: anyone who can reach it can use it "
                    "(set DIGEST_AUTH=user:password)", "a share link" if ui.share else ui.host)
    limit = request_limit(service.settings)
    return demo.launch(
        server_name=ui.host,
        server_port=ui.port,
        share=ui.share,
        auth=list(ui.auth) or None,
        auth_message="Greek news digest: please log in.",
        max_file_size="1mb",  # the app takes no uploads; bound the upload route anyway
        app_kwargs={
            "middleware": [Middleware(BodySizeLimit, max_bytes=limit)],
            # The JSON API and the LibreTranslate routes, ahead of Gradio's own (ui.plain_routes).
            "routes": plain_routes(service, ui, demo.model_jobs, lambda: getattr(demo, "server_app", None)),
        },
        enable_monitoring=False,  # /monitoring would show traffic to anyone allowed in
        run_history=False,  # do not keep people's articles in their browser's storage
        mcp_server=False,
        ssr_mode=False,
        show_error=False,  # gr.Error messages still show; other exceptions stay in the log
        footer_links=["api"],
        theme=theme(),
        css=CSS + BRIEFING_CSS,
        head=API_PAGE_SHIM,
        **kwargs,
    )


def port_in_use(host: str, port: int) -> str | None:
    """Why (host, port) cannot be served on, checked before the models load; None when it can."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
            probe.bind(address)
    except OSError as exc:
        return (f"cannot serve on {host}:{port} ({exc.strerror or exc}): choose another port with "
                "--port N or DIGEST_PORT=N")
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greek-digest-ui",
        description="Serve the Greek news digest web app and its API (http://127.0.0.1:7860).",
    )
    parser.add_argument("--host", help="address to listen on (default: $DIGEST_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: $DIGEST_PORT or 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    add_model_flags(parser)
    return parser


def _load_models(service: DigestService) -> None:
    settings = service.settings
    log.info("loading models (translator: %s, summariser: %s)…", settings.translator, settings.summarizer)
    status = service.load().status().to_dict()
    for role in ("translator", "summarizer"):
        info = status[role]
        if info.get("error"):  # one fix line, the same as the Status tab's
            log.warning("%s %s: %s Fix: %s", role, info["configured"], info["error"], info.get("fix"))
        else:
            log.info("%s %s: %s%s", role, info["configured"], info["state"],
                     f" in {info['load_seconds']:.1f} s" if "load_seconds" in info else "")


def serve(args: argparse.Namespace) -> None:
    """Load the models once, then serve until stopped. Raises ValueError for a bad setting."""
    ui = UiSettings.from_env(host=args.host, port=args.port, share=args.share or None)
    settings = settings_from_args(args)
    if problem := port_in_use(ui.host, ui.port):  # before any model work, not after it
        raise UsageError(problem)
    service = DigestService(settings)
    # Models load once, beside the server (on a first start that includes converting the translator
    # to CTranslate2, a minute or more): the page is up at once and its status says "converting…";
    # requests wait for the models under the service's load lock, then answer in full.
    threading.Thread(target=_load_models, args=(service,), name="load-models", daemon=True).start()
    demo = build_app(service, ui)
    # SIGTERM (docker stop, systemd, make run's kill) is a normal way to stop a server: leave
    # like Ctrl-C, so atexit removes the download files, with status 0 ("make: Error 143" else).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        launch(demo, service, ui, quiet=True, prevent_thread_lock=True)
    except OSError as exc:  # the port was taken meanwhile, the address is not this machine's
        raise UsageError(f"cannot serve on {ui.host}:{ui.port} ({exc.strerror or 'in use'}): choose "
                         "another port with --port N or DIGEST_PORT=N") from None
    public = f"; public link: {demo.share_url}" if ui.share and demo.share_url else (
        "" if ui.share else " (a public gradio.live link: --share)")
    log.info("serving on http://%s:%d%s; Ctrl-C stops", ui.host, ui.port, public)
    try:
        demo.block_thread()  # Ctrl-C ends it quietly
    finally:
        demo.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # gradio's own start-up checks
    return run_command(lambda: serve(args))  # 2: a bad setting or the port taken; 130: Ctrl-C
