"""apprise, with its plugins loaded once and quietly: its e-mail plugin imports the standard `imghdr` module on
purpose (for pgpy), which Python 3.11 marks as deprecated, so that one warning is ignored while it loads instead of
surfacing on the first channel checked or e-mail sent. Import `apprise` from here."""

from __future__ import annotations

import warnings

import apprise

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="'imghdr'", category=DeprecationWarning)  # its deprecation only
    import apprise.plugins.email  # the import is the point: the plugin loaded

__all__ = ["apprise"]
