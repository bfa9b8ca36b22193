import { describe, expect, it } from "vitest";
import {
  type ProbeResult,
  describeAttempt,
  discoverPython,
  explainDiscoveryFailure,
  parseProbeOutput,
  pythonCandidates,
  versionAtLeast,
} from "../../src/common/pythonDiscovery";

const ok = (v = "0.1.0"): ProbeResult => ({ kind: "ok", pythonVersion: "3.11.7", daemonVersion: v });
const noDaemon: ProbeResult = { kind: "noDaemon", pythonVersion: "3.12.1", detail: "ModuleNotFoundError" };
const missing: ProbeResult = { kind: "missing", detail: "ENOENT" };

function prober(results: Record<string, ProbeResult>) {
  const asked: string[] = [];
  return {
    asked,
    probe: async (command: string) => {
      asked.push(command);
      return results[command] ?? missing;
    },
  };
}

describe("pythonCandidates", () => {
  it("orders the setting, the private environment, then PATH", () => {
    expect(pythonCandidates({ setting: " /opt/py/bin/python ", privatePython: "/g/venv/bin/python" })).toEqual([
      { source: "setting", command: "/opt/py/bin/python" },
      { source: "private", command: "/g/venv/bin/python" },
      { source: "path", command: "python3" },
      { source: "path", command: "python" },
    ]);
  });

  it("leaves out an empty setting", () => {
    const list = pythonCandidates({ setting: "", privatePython: "/v", pathCommands: ["python3"] });
    expect(list.map((c) => c.source)).toEqual(["private", "path"]);
  });
});

describe("discoverPython", () => {
  const candidates = pythonCandidates({ setting: "/set", privatePython: "/venv" });

  it("stops at the first interpreter with the daemon", async () => {
    const p = prober({ "/set": ok(), "/venv": ok() });
    const d = await discoverPython(candidates, p.probe);
    expect(d.found?.candidate.command).toBe("/set");
    expect(p.asked).toEqual(["/set"]);
  });

  it("falls through a broken setting to the private environment", async () => {
    const p = prober({ "/venv": ok("0.2.0") });
    const d = await discoverPython(candidates, p.probe);
    expect(d.found?.candidate).toEqual({ source: "private", command: "/venv" });
    expect(d.found?.result.daemonVersion).toBe("0.2.0");
    expect(p.asked).toEqual(["/set", "/venv"]);
  });

  it("uses python3 on PATH last", async () => {
    const d = await discoverPython(candidates, prober({ python3: ok() }).probe);
    expect(d.found?.candidate).toEqual({ source: "path", command: "python3" });
  });

  it("remembers a Python without the daemon as the base for a private environment", async () => {
    const d = await discoverPython(candidates, prober({ python3: noDaemon, python: noDaemon }).probe);
    expect(d.found).toBeNull();
    expect(d.baseForVenv).toEqual({ source: "path", command: "python3" });
    expect(d.tried).toHaveLength(4);
    expect(explainDiscoveryFailure(d)).toBe(
      "The Python in livepair.python (/set) was not found. Install the daemon in a private environment?",
    );
    const noSetting = await discoverPython(
      pythonCandidates({ setting: "", privatePython: "/venv" }),
      prober({ python3: noDaemon }).probe,
    );
    expect(explainDiscoveryFailure(noSetting)).toBe(
      "The LivePair daemon is not installed in any Python found. Install the daemon in a private environment?",
    );
  });

  it("says when livepair.python does not exist", async () => {
    const d = await discoverPython(candidates, prober({}).probe);
    expect(d.baseForVenv).toBeNull();
    expect(explainDiscoveryFailure(d)).toBe("The Python in livepair.python (/set) was not found.");
  });

  it("says when no Python at all was found, or only an old one", async () => {
    const none = await discoverPython(pythonCandidates({ setting: "", privatePython: "/v" }), prober({}).probe);
    expect(explainDiscoveryFailure(none)).toMatch(/needs Python 3\.11 or newer, and none was found/);
    const old = await discoverPython(
      pythonCandidates({ setting: "", privatePython: "/v" }),
      prober({ python3: { kind: "tooOld", pythonVersion: "3.8.10" } }).probe,
    );
    expect(explainDiscoveryFailure(old)).toBe("LivePair needs Python 3.11 or newer; found 3.8.10.");
  });
});

describe("parseProbeOutput", () => {
  it("reads versions from the probe's JSON line", () => {
    expect(parseProbeOutput(0, '{"python": "3.11.7", "livepair": "0.1.0"}\n', "")).toEqual(ok());
  });

  it("reports a missing daemon with the import error", () => {
    const r = parseProbeOutput(0, '{"python": "3.12.0", "error": "ModuleNotFoundError: No module named \'livepair\'"}', "");
    expect(r).toEqual({ kind: "noDaemon", pythonVersion: "3.12.0", detail: "ModuleNotFoundError: No module named 'livepair'" });
  });

  it("rejects an old Python even with the daemon installed", () => {
    expect(parseProbeOutput(0, '{"python": "3.10.4", "livepair": "0.1.0"}', "")).toEqual({
      kind: "tooOld",
      pythonVersion: "3.10.4",
    });
  });

  it("calls garbage broken, with stderr's last line", () => {
    const r = parseProbeOutput(127, "", "bash: line 1\nNo such file or directory");
    expect(r).toEqual({ kind: "broken", detail: "does not run Python (No such file or directory)" });
  });
});

describe("versionAtLeast and describeAttempt", () => {
  it("compares major.minor", () => {
    expect(versionAtLeast("3.11.0")).toBe(true);
    expect(versionAtLeast("3.13.1")).toBe(true);
    expect(versionAtLeast("4.0")).toBe(true);
    expect(versionAtLeast("3.10.12")).toBe(false);
    expect(versionAtLeast("2.7.18")).toBe(false);
    expect(versionAtLeast("?")).toBe(false);
  });

  it("describes each attempt for the log", () => {
    expect(describeAttempt({ candidate: { source: "setting", command: "/p" }, result: ok() })).toBe(
      "/p (livepair.python): Python 3.11.7, livepair 0.1.0",
    );
    expect(describeAttempt({ candidate: { source: "path", command: "python3" }, result: noDaemon })).toBe(
      "python3 (PATH): Python 3.12.1, livepair is not installed",
    );
  });
});
