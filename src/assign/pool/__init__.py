"""Sizing the methodist pool per subject and planning recruitment (002 §3.3, §3.4, §3.7)."""

from assign.pool.sizing import PoolResult, PoolSettings, size_pool

__all__ = ["PoolResult", "PoolSettings", "size_pool"]
