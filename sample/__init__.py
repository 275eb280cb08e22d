"""The sample: realistic synthetic exports for `duaal demo`, `duaal generate`, the tests and
the benchmarks. Outside the product's run path: nothing under duaal/ or flows/ imports it."""
