"""Benchmark support: a deterministic synthetic corpus (`bench.generate`) and its figures."""
