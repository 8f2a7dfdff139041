"""Where a browser may be sent after signing in: a path of this site only, never another site's address (an "open
redirect" would let a link to kpilot's sign-in page land a person on a look-alike site)."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str, default: str = "/") -> str:
    """`target` when it is a path of this site (`/`, `/kpis?x=1`), `default` otherwise: a URL with a scheme or a
    host, `//host` and `/\\host` (which browsers read as `//host`), or anything not starting with `/`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    return target
