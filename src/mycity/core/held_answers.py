"""Answers a process holds in its own memory, least recently used dropped first once
their bodies pass a number of bytes: what a read would otherwise fetch from the shared
cache (or build through the middleware stack) on every request."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class HeldAnswers(Generic[T]):
    def __init__(self, budget: int, *, size: Callable[[T], int]) -> None:
        self.budget = budget
        self._size = size
        self._held: OrderedDict[Hashable, T] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            answer = self._held.get(key)
            if answer is not None:
                self._held.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: T) -> None:
        size = self._size(answer)
        with self._lock:
            previous = self._held.pop(key, None)
            if previous is not None:
                self._bytes -= self._size(previous)
            # One answer never takes more than a quarter of the room: a huge one would
            # push out everything else (and the one it replaces is gone: it is old).
            if size > self.budget // 4:
                return
            self._held[key] = answer
            self._bytes += size
            while self._bytes > self.budget:
                _, dropped = self._held.popitem(last=False)
                self._bytes -= self._size(dropped)
