"""The server's secret key, which signs session cookies: `KPILOT_SECRET_KEY` when set (give every worker and every
machine serving the workspace the same one), else a random key kept in the workspace's `.kpilot/secret_key`, made
on first use, readable by its owner only. It is never logged or shown; changing it signs everyone out."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENT_VARIABLE = "KPILOT_SECRET_KEY"
FILE = Path(".kpilot") / "secret_key"
MINIMUM_LENGTH = 32


def secret_key(root: Path) -> str:
    given = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if len(given) >= MINIMUM_LENGTH:
        return given
    path = root / FILE
    path.parent.mkdir(exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by another worker just now
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()
