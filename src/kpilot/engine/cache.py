"""A small bounded cache, least recently used out first, safe to share between threads (the server's views of one
workspace share it). It keeps compiled queries and computed answers, and a server's answers and checked tokens:
what a key gives depends only on what the key holds, so a value is never wrong for its key, only old and unasked.

Bounded by count, and optionally by weight (an answer's bytes): a few large tables cannot fill the memory."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

Value = TypeVar("Value")


class LRU(Generic[Value]):
    def __init__(self, size: int, *, budget: int | None = None, weigh: Callable[[Value], int] | None = None) -> None:
        """At most `size` values, and with `weigh`, at most `budget` of their total weight (a value heavier than the
        whole budget is not kept)."""
        self.size = size
        self.budget = budget
        self._weigh = weigh
        self._items: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._weight = 0
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def weight(self) -> int:
        """The total weight of the values kept (0 without `weigh`)."""
        return self._weight

    def find(self, key: Hashable) -> Value | None:
        """The value kept under `key` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def keep(self, key: Hashable, value: Value) -> None:
        """Keep `value` under `key`, forgetting the least recently used values beyond `size` (and `budget`)."""
        weight = self._weigh(value) if self._weigh is not None else 0
        with self._lock:
            self._forget(key)
            if self.budget is not None and weight > self.budget:
                return
            self._items[key] = (value, weight)
            self._weight += weight
            while len(self._items) > self.size or (self.budget is not None and self._weight > self.budget):
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def forget(self, key: Hashable) -> None:
        """Forget the value under `key`, if one is kept."""
        with self._lock:
            self._forget(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def _forget(self, key: Hashable) -> None:
        found = self._items.pop(key, None)
        if found is not None:
            self._weight -= found[1]
