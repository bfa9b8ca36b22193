"""Context digest + redaction of a 5,000-line file with 200 diagnostics, against sending the whole file."""

from __future__ import annotations

import json
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.stats import percentile, report, summary
from livepair.context.digest import DigestBuilder
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import Diagnostic, DiagnosticSeverity, EditorState, Position, Range, TerminalRun

LINES = 5_000
DIAGNOSTICS = 200


def make_source() -> str:
    body = []
    for i in range(LINES):
        match i % 5:
            case 0:
                body.append(f"def handler_{i}(request, session, retries=3):")
            case 1:
                body.append(f"    payload = json.loads(request.body or '{{}}')  # line {i}")
            case 2:
                body.append(f"    token = session.get('token_{i}') or os.environ.get('APP_TOKEN')")
            case 3:
                body.append(f"    result = compute(payload, retries=retries, label='item-{i}')")
            case _:
                body.append("    return result")
    return "\n".join(body) + "\n"


def run() -> None:
    with TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = make_source()
        (root / "big.py").write_text(source)
        uri = (root / "big.py").as_uri()
        store = ContextStore(lambda u: source if u == uri else None)
        store.root = root
        diags = [
            Diagnostic(
                range=Range(Position(i * 25, 4), Position(i * 25, 12)),
                message=f"Variable 'x{i}' is possibly unbound",
                severity=DiagnosticSeverity(1 + i % 2),
                source="pyright",
            )
            for i in range(DIAGNOSTICS)
        ]
        store.set_diagnostics(uri, diags)
        store.set_editor_state(EditorState(uri=uri, selection=Range(Position(2500, 0), Position(2500, 0))))
        store.add_terminal_run(TerminalRun("pytest -q", "E   AssertionError\n1 failed, 41 passed", 1, str(root)))

        samples, size = [], 0
        for _ in range(30):
            builder = DigestBuilder(store, Redactor())
            start = time.perf_counter()
            text = builder.update()
            samples.append((time.perf_counter() - start) * 1000)
            size = len((text or "").encode())
        # Baseline in the same run: the naive approach, the whole file as JSON (no redaction, no selection).
        base, whole = [], ""
        for _ in range(30):
            start = time.perf_counter()
            whole = json.dumps({"file": source, "diagnostics": [d.message for d in diags]})
            base.append((time.perf_counter() - start) * 1000)
        whole_bytes = len(whole.encode())
    p99 = percentile(samples, 99)
    print(f"digest+redaction, 5,000 lines / 200 diagnostics: {summary(samples)}")
    print(f"  baseline (whole file as JSON, unredacted): {summary(base)}")
    report("digest time p99", f"{p99:.1f} ms", "< 50 ms", p99 < 50)
    report(
        "digest bytes vs whole file",
        f"{size:,} B / {whole_bytes:,} B = {size / whole_bytes:.3f}",
        "well under 1",
        size < whole_bytes,
    )


if __name__ == "__main__":
    run()
