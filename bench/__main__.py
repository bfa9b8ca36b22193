"""`make bench`: every benchmark, each printing its figures against a baseline measured in the same run."""

from bench import (
    bench_digest,
    bench_hands,
    bench_lsp,
    bench_ocr,
    bench_offline,
    bench_reconnect,
    bench_redact,
    bench_screen,
    bench_tools,
    bench_turns,
    bench_tutor,
    bench_voice,
)

print("== redaction ==")
bench_redact.run()
print("\n== context digest ==")
bench_digest.run()
print("\n== the model's workspace tools ==")
bench_tools.run()
print("\n== daemon over stdio ==")
bench_lsp.run()
print("\n== turn-taking on the Live service ==")
bench_turns.run()
print("\n== the Live link through goAway ==")
bench_reconnect.run()
print("\n== the senior dev's hands: tool dispatch, sandbox ==")
bench_hands.run()
print("\n== offline advisor ==")
bench_offline.run()
print("\n== tutor mode ==")
bench_tutor.run()
print("\n== voice ==")
bench_voice.run()
print("\n== screen ==")
bench_screen.run()
print("\n== screen OCR masking ==")
bench_ocr.run()
