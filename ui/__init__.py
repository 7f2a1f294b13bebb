"""The Gradio web app and API over the digest service (thin: it calls `service`)."""

import os

# Before anything imports gradio: no usage analytics leave the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
