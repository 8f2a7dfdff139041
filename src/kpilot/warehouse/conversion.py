"""Values converted from text, and the Arrow helpers every value parser shares.

`Conversion` pairs converted values with a mask of the non-empty inputs that did not convert, so that a caller can
point at each of them; `cast_tolerant` finds those inputs when a whole-array cast fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

STRING = pa.string()
NULL_STRING = pa.scalar(None, STRING)


@dataclass(frozen=True)
class Conversion:
    """Values converted from text; `bad` marks the non-empty inputs that did not convert (and are null here)."""

    values: pa.Array
    bad: pa.Array

    @property
    def bad_count(self) -> int:
        return int(pc.sum(self.bad).as_py() or 0)

    @property
    def ok(self) -> bool:
        return self.bad_count == 0


def cast_tolerant(values: pa.Array, target: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """Cast, and if that fails find the values that do not cast: they become null and are marked in the mask."""
    try:
        return values.cast(target), pa.repeat(False, len(values))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    converted: list[object] = []
    failed: list[bool] = []
    for scalar in values:
        try:
            converted.append(scalar.cast(target).as_py() if scalar.is_valid else None)
            failed.append(False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError, ValueError):
            converted.append(None)
            failed.append(True)
    return pa.array(converted, target), pa.array(failed, pa.bool_())


def matches(text: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def all_match(text: pa.Array, pattern: str) -> bool:
    return not any_true(unmatched(text, matches(text, pattern)))


def unmatched(text: pa.Array, matched: pa.Array) -> pa.Array:
    """Non-empty values that did not match."""
    return pc.fill_null(pc.and_(pc.is_valid(text), pc.invert(matched)), False)


def is_in(text: pa.Array, words: Sequence[str]) -> pa.Array:
    return pc.fill_null(pc.is_in(text, value_set=pa.array(words, STRING)), False)


def any_true(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def count_true(mask: pa.Array) -> int:
    return int(pc.sum(pc.fill_null(mask, False)).as_py() or 0)


def first_true(mask: pa.Array, limit: int = 1) -> list[int]:
    """The indices of the first `limit` true values."""
    return [int(i) for i in pc.indices_nonzero(pc.fill_null(mask, False))[:limit].to_pylist()]


def as_int(text: pa.Array) -> pa.Array:
    """Digits as int64; empty or null text is null."""
    return pc.if_else(pc.equal(pc.fill_null(text, ""), ""), NULL_STRING, text).cast(pa.int64())


def pad2(text: pa.Array) -> pa.Array:
    return pc.utf8_lpad(text, width=2, padding="0")


def join(separator: str, *parts: pa.Array | pa.Scalar) -> pa.Array:
    return pc.binary_join_element_wise(*parts, separator)
