import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DIAGNOSTICS_DELAY_MS,
  DiagnosticsForwarding,
  EDITOR_STATE_DELAY_MS,
  EditorStateForwarding,
  MAX_RUNNING_COMMANDS,
  TerminalForwarding,
} from "../../src/common/forwarding";
import type { DiagnosticLike } from "../../src/common/lspConvert";
import * as protocol from "../../src/common/protocol";
import { TRUNCATION_MARK } from "../../src/common/terminalOutput";

function diag(line: number, message: string, source: string, severity = 0): DiagnosticLike {
  return { range: { start: { line, character: 0 }, end: { line, character: 5 } }, message, source, severity };
}

function recorder() {
  const sent: Array<{ method: string; params: any }> = [];
  return { sent, notify: (method: string, params: unknown) => sent.push({ method, params }) };
}

describe("DiagnosticsForwarding", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends every source but LivePair's, once the document is quiet", () => {
    const { sent, notify } = recorder();
    const store: Record<string, DiagnosticLike[]> = {
      "file:///f.py": [diag(1, "undefined name", "pyright"), diag(7, "advice", "LivePair", 1)],
    };
    const fwd = new DiagnosticsForwarding(notify, (uri) => store[uri] ?? [], "LivePair");
    fwd.changed(["file:///f.py"]);
    fwd.changed(["file:///f.py"]);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(DIAGNOSTICS_DELAY_MS);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe(protocol.DIAGNOSTICS);
    expect(sent[0].params.uri).toBe("file:///f.py");
    expect(sent[0].params.diagnostics).toEqual([
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
        message: "undefined name",
        severity: 1,
        source: "pyright",
      },
    ]);
  });

  it("does not resend an unchanged set (our own advice changing is not news)", () => {
    const { sent, notify } = recorder();
    const store: DiagnosticLike[] = [diag(1, "e", "ruff")];
    const fwd = new DiagnosticsForwarding(notify, () => store, "LivePair");
    fwd.changed(["file:///a"]);
    vi.advanceTimersByTime(DIAGNOSTICS_DELAY_MS);
    store.push(diag(3, "advice", "LivePair"));
    fwd.changed(["file:///a"]);
    vi.advanceTimersByTime(DIAGNOSTICS_DELAY_MS);
    expect(sent).toHaveLength(1);
    store.push(diag(4, "another", "ruff"));
    fwd.changed(["file:///a"]);
    vi.advanceTimersByTime(DIAGNOSTICS_DELAY_MS);
    expect(sent).toHaveLength(2);
    expect(sent[1].params.diagnostics).toHaveLength(2);
  });

  it("sends an empty list when a document's problems are gone", () => {
    const { sent, notify } = recorder();
    let store: DiagnosticLike[] = [diag(1, "e", "ruff")];
    const fwd = new DiagnosticsForwarding(notify, () => store, "LivePair");
    fwd.changed(["file:///a"]);
    fwd.flush();
    store = [];
    fwd.changed(["file:///a"]);
    fwd.flush();
    expect(sent.map((s) => s.params.diagnostics.length)).toEqual([1, 0]);
  });

  it("resync forgets what was sent, so a restarted daemon gets everything", () => {
    const { sent, notify } = recorder();
    const fwd = new DiagnosticsForwarding(notify, () => [diag(1, "e", "ruff")], "LivePair");
    fwd.changed(["file:///a", "file:///b"]);
    fwd.flush();
    fwd.resync(["file:///a", "file:///b"]);
    fwd.flush();
    expect(sent.map((s) => s.params.uri)).toEqual(["file:///a", "file:///b", "file:///a", "file:///b"]);
  });

  it("debounces documents independently", () => {
    const { sent, notify } = recorder();
    const fwd = new DiagnosticsForwarding(notify, () => [diag(0, "x", "ts")], "LivePair");
    fwd.changed(["file:///a"]);
    vi.advanceTimersByTime(DIAGNOSTICS_DELAY_MS - 10);
    fwd.changed(["file:///b"]);
    vi.advanceTimersByTime(10);
    expect(sent.map((s) => s.params.uri)).toEqual(["file:///a"]);
  });
});

describe("EditorStateForwarding", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const state = (line: number): protocol.EditorStateParams => ({
    uri: "file:///f.py",
    selection: { start: { line, character: 0 }, end: { line, character: 0 } },
    visibleRanges: [{ start: { line: 0, character: 0 }, end: { line: 40, character: 0 } }],
    visibleUris: ["file:///f.py"],
  });

  it("sends only the last state of a burst of cursor moves", () => {
    const { sent, notify } = recorder();
    const fwd = new EditorStateForwarding(notify);
    for (let line = 0; line < 20; line++) {
      fwd.update(state(line));
      vi.advanceTimersByTime(EDITOR_STATE_DELAY_MS / 2);
    }
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(EDITOR_STATE_DELAY_MS);
    expect(sent).toEqual([{ method: protocol.EDITOR_STATE, params: state(19) }]);
  });

  it("skips a state equal to the last one sent, and flush sends at once", () => {
    const { sent, notify } = recorder();
    const fwd = new EditorStateForwarding(notify);
    fwd.update(state(3));
    fwd.flush();
    fwd.update(state(3));
    fwd.flush();
    expect(sent).toHaveLength(1);
    fwd.resync(state(3));
    fwd.flush();
    expect(sent).toHaveLength(2);
  });
});

describe("TerminalForwarding", () => {
  it("sends the command, cwd, exit code and cleaned output when it ends", () => {
    const { sent, notify } = recorder();
    const fwd = new TerminalForwarding<string>(notify);
    fwd.started("run1", "python3 f.py", "/ws");
    fwd.data("run1", "\u001b]633;C\u0007Traceback (most recent call last):\r\n");
    fwd.data("run1", "\u001b[31mFileNotFoundError\u001b[0m: data/config.json\r\n");
    fwd.ended("run1", 1);
    expect(sent).toEqual([
      {
        method: protocol.TERMINAL,
        params: {
          command: "python3 f.py",
          cwd: "/ws",
          exitCode: 1,
          output: "Traceback (most recent call last):\nFileNotFoundError: data/config.json\n",
        },
      },
    ]);
    expect(fwd.size).toBe(0);
  });

  it("caps the output to the tail", () => {
    const { sent, notify } = recorder();
    const fwd = new TerminalForwarding<number>(notify, () => true, 1000);
    fwd.started(1, "make", null);
    for (let i = 0; i < 5000; i++) {
      fwd.data(1, `line ${i}\n`);
    }
    fwd.ended(1, 2);
    const output: string = sent[0].params.output;
    expect(output.length).toBeLessThanOrEqual(1000);
    expect(output.startsWith(TRUNCATION_MARK)).toBe(true);
    expect(output.endsWith("line 4999\n")).toBe(true);
    expect(sent[0].params.exitCode).toBe(2);
  });

  it("uses the command line known at the end, reports an unknown exit code as null, skips empty lines", () => {
    const { sent, notify } = recorder();
    const fwd = new TerminalForwarding<number>(notify);
    fwd.started(1, "", null);
    fwd.ended(1, undefined, "ls -la");
    fwd.started(2, "   ", null);
    fwd.ended(2, 0);
    expect(sent).toHaveLength(1);
    expect(sent[0].params).toMatchObject({ command: "ls -la", exitCode: null });
  });

  it("sends nothing while terminal sharing is off", () => {
    const { sent, notify } = recorder();
    let share = false;
    const fwd = new TerminalForwarding<number>(notify, () => share);
    fwd.started(1, "echo secret", null);
    fwd.ended(1, 0);
    share = true;
    fwd.ended(99, 0); // never started
    expect(sent).toHaveLength(0);
  });

  it("follows a bounded number of commands at once", () => {
    const { notify } = recorder();
    const fwd = new TerminalForwarding<number>(notify);
    for (let i = 0; i < MAX_RUNNING_COMMANDS + 5; i++) {
      fwd.started(i, `sleep ${i}`, null);
    }
    expect(fwd.size).toBe(MAX_RUNNING_COMMANDS);
  });
});
