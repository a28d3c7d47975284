"""A fixed-size filter of strings (a Bloom filter): "certainly not added" or "maybe added".

A refresh over many files asks, for each, whether its id, path or slug is known to the index.
Holding every one of them (dicts of Identity objects, sets of strings) cost ~40 MB at 100,000
articles and took a first `serve` over its 100 MB budget; this is 2 MiB whatever the count.
A "maybe" is asked of the store, so a wrong "maybe" costs a query, never a wrong answer; with
100,000 keys about one in 200,000 is wrong, with a million one in 250.
"""

from __future__ import annotations

from collections.abc import Callable

_BITS = 1 << 24  #: 2 MiB of bits
_MASK = _BITS - 1
_PROBES = 3


class KeyFilter:
    """Strings added can be told apart from (almost all) strings never added."""

    __slots__ = ("_bits", "_key")

    def __init__(self, key: Callable[[str], int] = hash) -> None:
        self._bits = bytearray(_BITS // 8)
        self._key = key  #: a 64-bit hash of a string (tests pass one that always collides)

    def _spots(self, text: str) -> tuple[int, ...]:
        h = self._key(text) & 0xFFFF_FFFF_FFFF_FFFF
        a, b = h & _MASK, (h >> 32) | 1  # double hashing: a, a+b, a+2b
        return tuple((a + i * b) & _MASK for i in range(_PROBES))

    def add(self, text: str) -> None:
        bits = self._bits
        for spot in self._spots(text):
            bits[spot >> 3] |= 1 << (spot & 7)

    def __contains__(self, text: object) -> bool:
        """False: never added. True: maybe (ask the store)."""
        if not isinstance(text, str):
            return False
        bits = self._bits
        return all(bits[spot >> 3] & (1 << (spot & 7)) for spot in self._spots(text))
