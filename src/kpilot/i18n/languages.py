"""The languages kpilot speaks, and which one a person gets.

The order of precedence (docs/i18n.md): the command's `--lang`, then the `KPILOT_LANG` environment variable, then
the workspace's `language:` setting, then English. A person's own language (in the store) takes the place of the
setting on the server's pages and in their e-mails.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    IT = "it"
    PL = "pl"
    ZH = "zh"

    @property
    def locale(self) -> str:
        """The Babel (CLDR) locale whose numbers, dates and plural rules the language uses."""
        return LOCALES[self]

    @classmethod
    def parse(cls, text: str) -> Language | None:
        """`it`, `IT`, `it_IT`, `it-CH`, `zh_Hans_CN`: the language of a tag, or None when kpilot does not speak it."""
        head = text.strip().replace("-", "_").split("_")[0].lower()
        return next((language for language in cls if language.value == head), None)


DEFAULT = Language.EN
LOCALES = {Language.EN: "en", Language.IT: "it_IT", Language.PL: "pl_PL", Language.ZH: "zh_Hans_CN"}
ENVIRONMENT_VARIABLE = "KPILOT_LANG"


def choose_language(
    requested: Language | None, environment: Mapping[str, str], setting: Language | None
) -> tuple[Language, str | None]:
    """The language to speak, and the `KPILOT_LANG` value that was not understood (None when fine or unset).

    An unknown `KPILOT_LANG` does not stop a command (it may be set for another program); the caller warns."""
    if requested is not None:
        return requested, None
    raw = environment.get(ENVIRONMENT_VARIABLE, "").strip()
    if raw:
        found = Language.parse(raw)
        if found is not None:
            return found, None
        return setting or DEFAULT, raw
    return setting or DEFAULT, None
