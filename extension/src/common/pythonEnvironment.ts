/**
 * Finding and preparing the Python that runs the daemon: probing interpreters, and creating the private
 * environment in the extension's global storage from the wheel shipped inside the .vsix.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { PRIVATE_VENV_DIR } from "./constants";
import { log } from "./log";
import { run } from "./processes";
import {
  type Discovery,
  PROBE_SCRIPT,
  type ProbeResult,
  describeAttempt,
  discoverPython,
  parseProbeOutput,
  pythonCandidates,
} from "./pythonDiscovery";

export function privateVenvDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, PRIVATE_VENV_DIR);
}

export function venvPython(venv: string): string {
  return process.platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");
}

/** `~`, `${userHome}` and `${workspaceFolder}` in the livepair.python setting. */
export function expandSettingPath(value: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return value
    .trim()
    .replace(/^~(?=$|[\\/])/, os.homedir())
    .replace(/\$\{userHome\}/g, os.homedir())
    .replace(/\$\{workspaceFolder\}/g, folder);
}

export async function probePython(command: string): Promise<ProbeResult> {
  const result = await run(command, ["-I", "-c", PROBE_SCRIPT], { timeoutMs: 20_000 });
  if (result.spawnError) {
    return { kind: "missing", detail: result.spawnError };
  }
  if (result.timedOut) {
    return { kind: "broken", detail: "timed out after 20 s" };
  }
  return parseProbeOutput(result.code, result.stdout, result.stderr);
}

export async function discover(context: vscode.ExtensionContext, setting: string): Promise<Discovery> {
  const candidates = pythonCandidates({
    setting: setting ? expandSettingPath(setting) : "",
    privatePython: venvPython(privateVenvDir(context)),
  });
  const discovery = await discoverPython(candidates, probePython);
  for (const attempt of discovery.tried) {
    log().info(`python: ${describeAttempt(attempt)}`);
  }
  return discovery;
}

/** The daemon wheel inside the extension (wheels/livepair-*.whl), if this build ships one. */
export function bundledWheel(context: vscode.ExtensionContext): string | undefined {
  const dir = path.join(context.extensionUri.fsPath, "wheels");
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const wheels = names.filter((n) => /^livepair-.*\.whl$/.test(n)).sort();
  return wheels.length > 0 ? path.join(dir, wheels[wheels.length - 1]) : undefined;
}

export class SetupError extends Error {}

function lastLines(text: string, n = 3): string {
  return text.trim().split("\n").slice(-n).join(" ").slice(0, 400);
}

/**
 * Create (or repair) the private environment and install the bundled wheel into it, with a progress
 * notification. Returns the environment's Python. Throws SetupError with a message meant for the user.
 */
export async function installPrivateDaemon(context: vscode.ExtensionContext, basePython: string): Promise<string> {
  const wheel = bundledWheel(context);
  if (!wheel) {
    throw new SetupError(
      "This build of LivePair does not include the daemon. Install it with 'pip install livepair' and set livepair.python.",
    );
  }
  const venv = privateVenvDir(context);
  const python = venvPython(venv);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "LivePair", cancellable: false },
    async (progress) => {
      fs.mkdirSync(path.dirname(venv), { recursive: true });
      if (!fs.existsSync(python)) {
        progress.report({ message: "Creating a private Python environment…" });
        log().info(`setup: ${basePython} -m venv ${venv}`);
        const made = await run(basePython, ["-I", "-m", "venv", venv], { timeoutMs: 180_000 });
        if (made.code !== 0) {
          fs.rmSync(venv, { recursive: true, force: true });
          const why = made.spawnError ?? lastLines(made.stderr || made.stdout);
          log().error(`setup: venv failed: ${made.stderr || made.stdout || made.spawnError}`);
          const hint = /ensurepip|venv/.test(why) ? " On Debian/Ubuntu: sudo apt install python3-venv." : "";
          throw new SetupError(`Could not create a Python environment with ${basePython}: ${why}.${hint}`);
        }
      }
      progress.report({ message: "Installing the LivePair daemon and its dependencies…" });
      log().info(`setup: pip install ${path.basename(wheel)}`);
      const installed = await run(
        python,
        ["-I", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--upgrade", wheel],
        {
          timeoutMs: 15 * 60_000,
          onLine: (line) => {
            log().info(`pip: ${line}`);
            const m = /^(Collecting|Downloading|Installing collected packages:?)\s*(\S*)/.exec(line.trim());
            if (m) {
              progress.report({ message: `${m[1]} ${m[2]}`.trim() });
            }
          },
        },
      );
      if (installed.code !== 0) {
        const why = installed.spawnError ?? lastLines(installed.stderr || installed.stdout);
        throw new SetupError(
          `Installing the LivePair daemon failed: ${why}. Check your network or proxy; the full output is in the log.`,
        );
      }
      const check = await probePython(python);
      if (check.kind !== "ok") {
        throw new SetupError(`The private environment was set up but the daemon does not import (${check.kind}).`);
      }
      log().info(`setup: livepair ${check.daemonVersion} installed in ${venv}`);
      return python;
    },
  );
}
