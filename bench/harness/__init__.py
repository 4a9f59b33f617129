"""Benchmark harness of Wegwijs (bench/run_bench.py): dev questions, scoring, server control, report."""
