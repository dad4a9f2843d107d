"""Scaffolding for simulated accounts, shared by the demo, the tests and the benchmark.

Dev-only: no handler imports it and the Lambda zip leaves it out (src/Makefile), like cli/.
"""
