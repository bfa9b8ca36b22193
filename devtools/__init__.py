"""Development launchers shared by `make run`, the e2e tests and the benchmarks: where the tools are, and a real
VS Code (code-server) with the LivePair extension. Not part of the daemon, and not shipped in its wheel."""
