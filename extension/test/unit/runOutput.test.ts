import { describe, expect, it } from "vitest";
import { describeToolRun } from "../../src/common/conversationModel";
import { BoundedOutput, checkRequest, footer, terminalName, toTerminal } from "../../src/common/runOutput";

describe("visible terminal runs", () => {
  it("keeps the first maxOutput characters and says more was dropped", () => {
    const out = new BoundedOutput(5);
    out.add("abc");
    expect(out.truncated).toBe(false);
    out.add("defg");
    out.add("h");
    expect(out.text).toBe("abcde");
    expect(out.truncated).toBe(true);
  });

  it("writes CRLF to the pseudoterminal and names the tab after the command", () => {
    expect(toTerminal("a\nb\r\nc")).toBe("a\r\nb\r\nc");
    expect(terminalName("pytest   -q")).toBe("LivePair: pytest -q");
    expect(terminalName("x".repeat(60))).toHaveLength("LivePair: ".length + 40);
  });

  it("ends each run with how it ended", () => {
    expect(footer(0, false, undefined)).toBe("[LivePair: exit code 0]");
    expect(footer(null, true, undefined)).toContain("time limit");
    expect(footer(null, false, "the senior dev cancelled it")).toContain("cancelled");
  });

  it("refuses a request without a command or bounds", () => {
    const ok = { runId: "1", command: "ls", cwd: "/w", env: {}, timeoutMs: 1000, maxOutput: 10 };
    expect(checkRequest(ok)).toBeUndefined();
    expect(checkRequest({ ...ok, command: " " })).toBe("a run without a command");
    expect(checkRequest({ ...ok, env: null })).toBe("a run without a folder or an environment");
    expect(checkRequest({ ...ok, timeoutMs: 0 })).toBe("a run without bounds");
  });

  it("shows a run in the panel: what ran, how it ended, the output's tail", () => {
    const text = describeToolRun({
      tool: "run_command",
      what: "pytest -q",
      exitCode: 1,
      output: "F\n1 failed\n",
      outcome: "finished",
      where: "terminal",
    });
    expect(text).toBe("Command (terminal): exit code 1\n$ pytest -q\nF\n1 failed");
    const denied = describeToolRun({ tool: "run_python", what: "print(1)\n", exitCode: null, output: "", outcome: "denied", where: "none" });
    expect(denied).toBe("Python (sandbox): not run: you said no\nprint(1)");
    const cancelled = describeToolRun({ tool: "run_command", what: "sleep 9", exitCode: null, output: "", outcome: "cancelled", where: "terminal" });
    expect(cancelled).toBe("Command (terminal): stopped: the senior dev cancelled it\n$ sleep 9");
  });
});
