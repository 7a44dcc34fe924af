"""The process-wide region matcher, built once from the shipped GB/T 2260 list."""

from __future__ import annotations

from functools import lru_cache

from kaifang.regions.matching import RegionMatcher, load_regions


@lru_cache(maxsize=1)
def matcher() -> RegionMatcher:
    return RegionMatcher(load_regions())
