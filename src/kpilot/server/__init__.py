"""`kpilot serve`: the REST API (and, next, the web pages) over one workspace (docs/server.md).

Every route goes through `kpilot.services`, which alone decides what the caller may see; this package only turns
HTTP into calls and results (or errors) into JSON. `create_app(folder)` builds the application.
"""

from kpilot.server.app import create_app

__all__ = ["create_app"]
