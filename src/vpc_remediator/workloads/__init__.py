"""One module per workload kind, each declaring everything about its kind; `registry` lists them in one place."""
