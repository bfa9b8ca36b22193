/**
 * Which Python runs the daemon. Order: the `livepair.python` setting, then the extension's private environment,
 * then `python3` (and `python`) on PATH. The first one where `livepair` imports wins. Pure: the probe is injected.
 */

export const MIN_PYTHON: readonly [number, number] = [3, 11];

export type PythonSource = "setting" | "private" | "path";

export interface PythonCandidate {
  source: PythonSource;
  /** An executable path or a command name looked up on PATH. */
  command: string;
}

export type ProbeResult =
  | { kind: "ok"; pythonVersion: string; daemonVersion: string }
  /** The command does not exist or cannot run. */
  | { kind: "missing"; detail: string }
  /** Python runs, but `import livepair` fails. */
  | { kind: "noDaemon"; pythonVersion: string; detail: string }
  /** Python runs but is older than the daemon needs. */
  | { kind: "tooOld"; pythonVersion: string }
  /** Something else went wrong (crashed, garbage output, timeout). */
  | { kind: "broken"; detail: string };

export type Probe = (command: string) => Promise<ProbeResult>;

export interface Attempt {
  candidate: PythonCandidate;
  result: ProbeResult;
}

export interface Discovery {
  /** The interpreter to run the daemon with, if any has it installed. */
  found: (Attempt & { result: { kind: "ok" } }) | null;
  /** A Python new enough to create the private environment from (the first that ran). */
  baseForVenv: PythonCandidate | null;
  tried: Attempt[];
}

export function pythonCandidates(options: {
  setting: string;
  privatePython: string;
  pathCommands?: readonly string[];
}): PythonCandidate[] {
  const out: PythonCandidate[] = [];
  if (options.setting.trim()) {
    out.push({ source: "setting", command: options.setting.trim() });
  }
  out.push({ source: "private", command: options.privatePython });
  for (const command of options.pathCommands ?? ["python3", "python"]) {
    out.push({ source: "path", command });
  }
  return out;
}

export function versionAtLeast(version: string, minimum: readonly [number, number] = MIN_PYTHON): boolean {
  const [major, minor] = version.split(".").map((p) => Number.parseInt(p, 10));
  if (!Number.isFinite(major) || !Number.isFinite(minor)) {
    return false;
  }
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}

/** Probe candidates in order (stopping at the first that has the daemon) and note a base for a private venv. */
export async function discoverPython(candidates: readonly PythonCandidate[], probe: Probe): Promise<Discovery> {
  const tried: Attempt[] = [];
  let baseForVenv: PythonCandidate | null = null;
  for (const candidate of candidates) {
    const result = await probe(candidate.command);
    tried.push({ candidate, result });
    if (result.kind === "ok") {
      return { found: { candidate, result }, baseForVenv: baseForVenv ?? candidate, tried };
    }
    if (result.kind === "noDaemon" && candidate.source !== "private" && baseForVenv === null) {
      baseForVenv = candidate;
    }
  }
  return { found: null, baseForVenv, tried };
}

const SOURCE_NAMES: Record<PythonSource, string> = {
  setting: "livepair.python",
  private: "private environment",
  path: "PATH",
};

export function describeAttempt(attempt: Attempt): string {
  const where = `${attempt.candidate.command} (${SOURCE_NAMES[attempt.candidate.source]})`;
  const r = attempt.result;
  switch (r.kind) {
    case "ok":
      return `${where}: Python ${r.pythonVersion}, livepair ${r.daemonVersion}`;
    case "missing":
      return `${where}: not found`;
    case "noDaemon":
      return `${where}: Python ${r.pythonVersion}, livepair is not installed`;
    case "tooOld":
      return `${where}: Python ${r.pythonVersion} is too old (needs ${MIN_PYTHON.join(".")}+)`;
    case "broken":
      return `${where}: ${r.detail}`;
  }
}

/** One sentence for a notification: why no interpreter can run the daemon, and what would fix it. */
export function explainDiscoveryFailure(discovery: Discovery): string {
  const setting = discovery.tried.find((a) => a.candidate.source === "setting");
  const settingMissing =
    setting && setting.result.kind === "missing"
      ? `The Python in livepair.python (${setting.candidate.command}) was not found.`
      : "";
  if (discovery.baseForVenv) {
    const why = settingMissing || "The LivePair daemon is not installed in any Python found.";
    return `${why} Install the daemon in a private environment?`;
  }
  if (settingMissing) {
    return settingMissing;
  }
  const tooOld = discovery.tried.find((a) => a.result.kind === "tooOld");
  if (tooOld && tooOld.result.kind === "tooOld") {
    return `LivePair needs Python ${MIN_PYTHON.join(".")} or newer; found ${tooOld.result.pythonVersion}.`;
  }
  return `LivePair needs Python ${MIN_PYTHON.join(".")} or newer, and none was found. Install Python or set livepair.python.`;
}

/** The Python program the probe runs: one JSON line with the versions, or the import error. */
export const PROBE_SCRIPT = [
  "import json, sys",
  "info = {'python': '%d.%d.%d' % sys.version_info[:3]}",
  "try:",
  "    import livepair",
  "    info['livepair'] = getattr(livepair, '__version__', '0')",
  "except Exception as exc:",
  "    info['error'] = '%s: %s' % (type(exc).__name__, exc)",
  "print(json.dumps(info))",
].join("\n");

/** Turn the probe program's exit code and output into a result. */
export function parseProbeOutput(exitCode: number | null, stdout: string, stderr: string): ProbeResult {
  const line = stdout.trim().split("\n").pop() ?? "";
  let info: { python?: unknown; livepair?: unknown; error?: unknown };
  try {
    info = JSON.parse(line) as typeof info;
  } catch {
    const why = stderr.trim().split("\n").pop() || `exit code ${exitCode}`;
    return { kind: "broken", detail: `does not run Python (${why})` };
  }
  const pythonVersion = typeof info.python === "string" ? info.python : "?";
  if (!versionAtLeast(pythonVersion)) {
    return { kind: "tooOld", pythonVersion };
  }
  if (typeof info.livepair === "string") {
    return { kind: "ok", pythonVersion, daemonVersion: info.livepair };
  }
  return { kind: "noDaemon", pythonVersion, detail: typeof info.error === "string" ? info.error : "import failed" };
}
