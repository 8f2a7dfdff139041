"""Who may show kpilot's pages in a frame: nobody, except for the embeddable view of a share link
(docs/dashboard.md#sharing-and-embedding). Every answer gets `Content-Security-Policy: frame-ancestors 'none'` and
`X-Frame-Options: DENY` (for browsers that predate the policy), so that no other site can frame a signed-in page
and trick a click on it; an answer that sets its own policy (`embeddable`) keeps it.

Which sites may embed a share link is `KPILOT_EMBED_ANCESTORS` (origins separated by spaces, as the policy writes
them: `https://intranet.example.com https://*.example.org`), by default any (`*`): a share link shows what anyone
holding it may see anyway."""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = b"content-security-policy"
REFUSED = ((POLICY, b"frame-ancestors 'none'"), (b"x-frame-options", b"DENY"))
ENVIRONMENT_VARIABLE = "KPILOT_EMBED_ANCESTORS"


def embeddable() -> dict[str, str]:
    """The headers of an answer that other sites may frame."""
    ancestors = " ".join(os.environ.get(ENVIRONMENT_VARIABLE, "").split()) or "*"
    return {"Content-Security-Policy": f"frame-ancestors {ancestors}"}


class NoFraming:
    """ASGI middleware: the refusing headers on every HTTP answer that has no policy of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def framed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == POLICY for name, _ in headers):
                    headers.extend(REFUSED)
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, framed)
