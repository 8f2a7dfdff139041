"""The language a request is answered in: `?lang=`, then the signed-in person's own language (their choice, kept in
the store), then the `Accept-Language` header, then the workspace's `language:` setting, then English
(docs/server.md)."""

from __future__ import annotations

from fastapi import Request

from kpilot.i18n import DEFAULT, Language

ACTOR_LANGUAGE = "kpilot_actor_language"  # request.state: the signed-in person's language, once known
SETTING_LANGUAGE = "kpilot_setting_language"  # app.state: the workspace's `language:`


def request_language(request: Request) -> Language:
    asked = request.query_params.get("lang")
    if asked:
        found = Language.parse(asked)
        if found is not None:
            return found
    own = getattr(request.state, ACTOR_LANGUAGE, None)
    if own:
        found = Language.parse(own)
        if found is not None:
            return found
    for tag in _accepted(request.headers.get("accept-language", "")):
        found = Language.parse(tag)
        if found is not None:
            return found
    setting = getattr(request.app.state, SETTING_LANGUAGE, None)
    return setting if isinstance(setting, Language) else DEFAULT


def _accepted(header: str) -> list[str]:
    """The tags of an Accept-Language header, the most wanted first (`it-IT,it;q=0.9,en;q=0.5`); `*` left out."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]
