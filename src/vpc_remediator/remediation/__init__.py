"""Use cases: read → decide (domain) → apply unless dry run → verify → report."""
