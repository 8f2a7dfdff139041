"""The two consoles every command writes to: results on stdout, messages on stderr."""

from __future__ import annotations

import sys

from rich.console import Console

# Piped or captured output (make demo, CI logs) gets a wide page rather than Rich's default of 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)
