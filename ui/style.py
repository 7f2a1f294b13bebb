"""Look of the web app: a Gradio theme with system fonts (no requests to font CDNs) and CSS for the
"gd-" classes of ui.render, written with Gradio's theme variables so dark mode works too."""

from __future__ import annotations

import gradio as gr

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    return gr.themes.Soft(
        primary_hue="indigo", secondary_hue="sky", neutral_hue="slate",
        font=SYSTEM_FONTS, font_mono=MONO_FONTS,
    )


CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
.gd-title h1 { margin: 0; font-size: 1.6rem; }
.gd-title p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
.gd-badge-line { display: inline-block; font-size: var(--text-sm); padding: .15rem .6rem;
  border-radius: 999px; border: 1px solid var(--border-color-primary); }
.gd-ok::before { content: "● "; color: #16a34a; }
.gd-warn::before { content: "▲ "; color: #d97706; }
.gd-placeholder { color: var(--body-text-color-subdued); padding: 2rem 1rem; text-align: center;
  border: 1px dashed var(--border-color-primary); border-radius: var(--radius-lg); }

.gd-digest { line-height: 1.55; }
.gd-head, .gd-bullet { display: grid; grid-template-columns: 2rem minmax(0, 1fr) minmax(0, 1fr);
  column-gap: 1.1rem; }
.gd-head { padding: 0 .9rem .35rem; font-size: var(--text-sm); font-weight: 600;
  letter-spacing: .05em; text-transform: uppercase; color: var(--body-text-color-subdued); }
.gd-bullets { list-style: none; margin: 0 !important; padding: 0 !important; }
.gd-bullet { margin: 0 0 .65rem !important; padding: .85rem .9rem; row-gap: .35rem;
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--block-background-fill); box-shadow: var(--block-shadow); }
.gd-num { width: 1.75rem; height: 1.75rem; border-radius: 50%; display: flex; align-items: center;
  justify-content: center; font-weight: 700; font-size: var(--text-sm);
  background: var(--color-accent-soft); color: var(--color-accent); }
.gd-el { font-weight: 500; }
.gd-el, .gd-en, .gd-quote, .gd-article { overflow-wrap: anywhere; }
.gd-en { padding-left: 1rem; border-left: 3px solid var(--color-accent-soft); }
.gd-missing { color: var(--body-text-color-subdued); font-style: italic; }
.gd-evidence { grid-column: 2 / -1; }
.gd-evidence summary, .gd-article summary { cursor: pointer; font-size: var(--text-sm);
  color: var(--color-accent); width: fit-content; }
.gd-quote { margin: .45rem 0 .1rem !important; padding: .6rem .9rem !important;
  border-left: 3px solid var(--color-accent) !important; border-radius: var(--radius-md);
  background: var(--background-fill-secondary); font-style: normal !important; }
.gd-quote p { margin: 0 0 .35rem !important; }
.gd-quote footer { margin-top: .3rem; font-size: var(--text-xs); color: var(--body-text-color-subdued); }
.gd-context { color: var(--body-text-color-subdued); }
mark.gd-key { color: inherit; padding: .05em .2em; border-radius: 4px;
  background: color-mix(in srgb, var(--color-accent) 16%, transparent); }
.gd-sno { font-size: var(--text-xs); font-weight: 600; color: var(--color-accent); }
.gd-badge { display: inline-block; min-width: 1.2em; padding: 0 .3em; border-radius: 999px;
  font-size: var(--text-xs); font-weight: 700; text-align: center; vertical-align: .1em;
  background: var(--color-accent); color: white; }
.gd-article { margin-top: .9rem; padding: .7rem .9rem; border: 1px solid var(--border-color-primary);
  border-radius: var(--radius-lg); }
.gd-article p { margin: .6rem 0 0; }
.gd-warning { margin-bottom: .7rem; padding: .6rem .9rem; border-radius: var(--radius-md);
  border: 1px solid #f59e0b; background: color-mix(in srgb, #f59e0b 12%, transparent); }
.gd-check { display: inline; margin-left: .35rem; }
.gd-check summary { display: inline; cursor: help; color: #d97706; list-style: none; }
.gd-check summary::-webkit-details-marker { display: none; }
.gd-check ul { margin: .3rem 0 0 !important; font-size: var(--text-sm); color: #b45309; }
.gd-checks-line { margin-bottom: .6rem; font-size: var(--text-sm); font-weight: 600; }
.gd-to-check { color: #d97706; }
.gd-checked { color: #16a34a; }
.gd-meta { margin-top: .7rem; font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.gd-fix { margin-top: .3rem; color: #b45309; }
.gd-note { margin-top: .3rem; color: var(--body-text-color-subdued); }
.gd-status table { width: 100%; border-collapse: collapse; border: none !important; }
.gd-status th, .gd-status td { text-align: left; vertical-align: top; padding: .5rem .6rem !important;
  border: none !important; border-bottom: 1px solid var(--border-color-primary) !important; }
.gd-status thead th { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
.gd-status tr, .gd-status thead, .gd-status tbody { border: none !important; }
.gd-status td:nth-child(2) { min-width: 15rem; overflow-wrap: anywhere; }
.gd-state { white-space: nowrap; }
.gd-state-loaded, .gd-state-built-in { color: #16a34a; font-weight: 600; }
.gd-state-missing { color: #d97706; font-weight: 600; }
.gd-error { padding: 1rem; border-radius: var(--radius-lg); border: 1px solid #dc2626;
  background: color-mix(in srgb, #dc2626 10%, transparent); overflow-wrap: anywhere; }
/* One footer link (the API page); Gradio hides it on phones but leaves its "·" separator. */
footer .divider { display: none; }
/* API page: no cURL tab (its snippet reads EVENT_ID in a pipe, which bash runs in a subshell, so the
   second request goes without it; the README has curl that works) and no MCP tab (MCP is off). */
.snippets > li.snippet:nth-child(n+4) { display: none !important; }
@media (max-width: 760px) {
  #gd-header { flex-direction: column; gap: .5rem; }
  /* Four tab names fit a 390 px screen side by side (Gradio's padding would push the page wider). */
  .tab-container > button { padding-left: .5rem !important; padding-right: .5rem !important; }
  .gd-title h1 { font-size: 1.35rem; }
  .gd-head { display: none; }
  .gd-bullet { grid-template-columns: 2rem minmax(0, 1fr); }
  .gd-en { grid-column: 2; }
  /* The status table becomes one block per model: no sideways scrolling, no cut columns. */
  .gd-status thead { display: none; }
  .gd-status table, .gd-status tbody, .gd-status tr, .gd-status th, .gd-status td { display: block; }
  .gd-status td:nth-child(2) { min-width: 0; }
  .gd-status th, .gd-status td { border-bottom: none !important; padding: .15rem .2rem !important; }
  .gd-status tr { padding: .5rem 0; border-bottom: 1px solid var(--border-color-primary) !important; }
}
"""

# The "Use via API" page asks the server for an MCP schema (MCP is off: 404) and for monitoring
# figures (off: 403), which shows as errors in every visitor's browser console. Answer those two
# requests in the page instead, as "no MCP server" and "no figures"; every other request is untouched.
API_PAGE_SHIM = """<script>
(() => {
  const passOn = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const path = String(input instanceof Request ? input.url : input).split("?")[0];
    if (path.endsWith("/gradio_api/mcp/schema")) {
      return Promise.resolve(new Response("[]", { status: 404 }));
    }
    if (path.endsWith("/monitoring/summary")) {
      return Promise.resolve(new Response('{"functions": {}}',
        { status: 200, headers: { "content-type": "application/json" } }));
    }
    return passOn(input, init);
  };
})();
</script>"""
