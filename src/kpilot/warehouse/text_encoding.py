"""Which encoding a text file is in, and its text.

UTF-8 (with or without a byte order mark) is read as is. UTF-16 and UTF-32 are recognised by their byte order mark,
and UTF-16 without one by its zero bytes (every other byte of ASCII text is zero), and converted with a notice.
Anything else that is not valid UTF-8 is read as Windows-1252 (Western European; Latin-1 for the five bytes it does
not define), also with a notice that shows a converted value, so that a user can tell if the guess is wrong and
give `--encoding`. A file that mixes valid UTF-8 with other bytes, or holds zero bytes it cannot explain, is
refused: no single encoding would read it right.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kpilot.errors import DataError, Location
from kpilot.i18n import Message
from kpilot.warehouse.notices import EncodingConverted

_SAMPLE_BYTES = 64 * 1024
_UTF16_ZERO_SHARE = 0.3  # of the bytes on one side of each pair; ASCII text in UTF-16 has ~100 %
_UTF16_OTHER_SHARE = 0.05  # and almost none on the other side
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_SAVE_AS_UTF8 = Message("warehouse.save_as_utf8_hint")
# A valid UTF-8 character beyond ASCII, in text decoded with surrogateescape (bad bytes become U+DC80..U+DCFF).
_REAL_NON_ASCII = re.compile(r"[^\x00-\x7f\udc80-\udcff]")
_BAD_BYTE = re.compile(r"[\udc80-\udcff]")
_FIELD_WITH_NON_ASCII = re.compile(r"[^,;\t|\r\n\"]*[^\x00-\x7f][^,;\t|\r\n\"]*")
_EXAMPLE_CHARS = 40


@dataclass(frozen=True)
class DecodedText:
    text: str
    notice: EncodingConverted | None = None


def decode_text(data: bytes, source: str, encoding: str | None = None) -> DecodedText:
    """The text of a file's bytes; `encoding` (a Python codec name) overrides the detection."""
    if encoding is not None:
        return DecodedText(_decode_as(data, source, encoding))
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec, source, name)
            return DecodedText(text, None if codec == "utf-8-sig" else EncodingConverted(encoding=name))
    if b"\x00" in data[:_SAMPLE_BYTES]:
        utf16 = _utf16_without_bom(data[:_SAMPLE_BYTES])
        if utf16 is None:
            raise DataError(
                Message("warehouse.zero_bytes"),
                location=Location(file=source, line=data[: data.index(b"\x00")].count(b"\n") + 1),
                hint=Message("warehouse.zero_bytes_hint"),
                field="encoding",
            )
        name = "UTF-16 LE" if utf16 == "utf-16-le" else "UTF-16 BE"
        return DecodedText(_strict(data, utf16, source, name), EncodingConverted(encoding=name + " (no BOM)"))
    try:
        return DecodedText(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return _single_byte(data, source, error)


def _decode_as(data: bytes, source: str, encoding: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise DataError(
            Message("warehouse.encoding_unknown", encoding=encoding),
            hint=Message("warehouse.encoding_unknown_hint"),
            field="encoding",
        ) from None
    codec = "utf-8-sig" if info.name == "utf-8" else info.name
    text = _strict(data, codec, source, encoding)
    return text.removeprefix("\ufeff")  # utf-16-le and friends keep a BOM as a character


def _strict(data: bytes, codec: str, source: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise DataError(
            Message("warehouse.encoding_invalid", encoding=name),
            location=Location(file=source, line=_line_of_byte(data, error.start, codec)),
            hint=_SAVE_AS_UTF8,
        ) from error


def _line_of_byte(data: bytes, offset: int, codec: str) -> int:
    head = data[:offset].decode(codec, errors="replace")
    return head.count("\n") + 1


def _utf16_without_bom(sample: bytes) -> str | None:
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd = sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd >= _UTF16_ZERO_SHARE and even <= _UTF16_OTHER_SHARE:
        return "utf-16-le"
    if even >= _UTF16_ZERO_SHARE and odd <= _UTF16_OTHER_SHARE:
        return "utf-16-be"
    return None


def _single_byte(data: bytes, source: str, error: UnicodeDecodeError) -> DecodedText:
    """Not UTF-8: Windows-1252 if no part of the file is valid UTF-8 beyond ASCII; otherwise refused."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    first_bad = _BAD_BYTE.search(escaped)
    bad_line = escaped[: first_bad.start()].count("\n") + 1 if first_bad else None
    if _REAL_NON_ASCII.search(escaped):
        raise DataError(
            Message("warehouse.encoding_mixed"),
            location=Location(file=source, line=bad_line),
            hint=Message("warehouse.encoding_mixed_hint"),
        ) from error
    try:
        text, name = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, name = data.decode("latin-1"), "Latin-1"
    example = _FIELD_WITH_NON_ASCII.search(text)
    shown = example.group(0).strip()[:_EXAMPLE_CHARS] if example else None
    where = f"line {text[: example.start()].count(chr(10)) + 1}" if example else None
    return DecodedText(text, EncodingConverted(encoding=name, example=shown, where=where))
