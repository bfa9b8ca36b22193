/** Run a child process to completion with a timeout, streaming its lines to a callback. */

import { spawn } from "node:child_process";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start at all (e.g. ENOENT). */
  spawnError?: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

const MAX_CAPTURE = 256 * 1024;

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const finish = (result: RunResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, windowsHide: true });
    } catch (err) {
      resolve({ code: null, stdout, stderr, spawnError: String(err), timedOut });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 60_000);
    const collect = (stream: "stdout" | "stderr") => {
      let partial = "";
      return (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        if (stream === "stdout") {
          stdout = (stdout + text).slice(-MAX_CAPTURE);
        } else {
          stderr = (stderr + text).slice(-MAX_CAPTURE);
        }
        if (options.onLine) {
          const lines = (partial + text).split(/\r?\n/);
          partial = lines.pop() ?? "";
          for (const line of lines) {
            options.onLine(line, stream);
          }
        }
      };
    };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));
    child.on("error", (err) => finish({ code: null, stdout, stderr, spawnError: err.message, timedOut }));
    child.on("close", (code) => finish({ code, stdout, stderr, timedOut }));
  });
}
