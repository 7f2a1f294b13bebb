"""A bound on HTTP request bodies, so no request can make the server buffer an absurd amount.

Gradio (FastAPI) reads a whole JSON body before the service's own limit (DIGEST_MAX_CHARS) is
checked, so the bound has to sit in front of it, as plain ASGI middleware.
"""

from __future__ import annotations

import json
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]


class BodySizeLimit:
    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: int | None) -> str:
        got = f" ({size:,} bytes)" if size is not None else ""
        return (
            f"The request is too large{got}; the limit is {self.max_bytes:,} bytes. "
            "Send one article at a time."
        )

    async def _refuse(self, send: Any, size: int | None) -> None:
        # "error" for the plain JSON and LibreTranslate routes, "detail" as FastAPI/Gradio say it.
        message = self._message(size)
        body = json.dumps({"error": message, "detail": message}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, int(declared))
            return

        received = 0
        started = refused = False

        async def bounded_receive() -> Message:
            # Chunked bodies carry no length: count, and when one runs over, answer 413 here and
            # tell the app the client has gone (whatever it answers then is dropped).
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if not started and not refused:
                        refused = True
                        await self._refuse(send, None)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = True
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)
