"""Helpers only the tests use; what the demo and the benchmark share with them is in vpc_remediator.devkit."""
