"""`make bench`: every benchmark, each printing its figures against a baseline measured in the same run."""

from bench import bench_digest, bench_lsp

print("== context digest ==")
bench_digest.run()
print("\n== daemon over stdio ==")
bench_lsp.run()
