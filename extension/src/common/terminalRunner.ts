/**
 * Runs a command the user approved in a terminal the user sees (livepair/runInTerminal): a pseudoterminal whose
 * process the extension spawns itself, with exactly the environment the daemon sent (already scrubbed of keys and
 * tokens), killed at the time limit, on livepair/cancelRun, or when the user closes the terminal. The output (the
 * first `maxOutput` characters) and the exit code go back to the daemon.
 */

import { type ChildProcess, spawn } from "node:child_process";
import * as vscode from "vscode";
import { log } from "./log";
import type { RunInTerminalParams, RunInTerminalResult } from "./protocol";
import { BoundedOutput, checkRequest, footer, terminalName, toTerminal } from "./runOutput";

const OPEN_WAIT_MS = 3000; // start anyway if the terminal never opens (a hidden panel)

interface Run {
  child?: ChildProcess;
  stop(why: string): void;
}

export class TerminalRunner implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();

  async run(params: RunInTerminalParams): Promise<RunInTerminalResult> {
    const problem = checkRequest(params);
    if (problem) {
      return { exitCode: null, output: "", timedOut: false, error: problem };
    }
    const writer = new vscode.EventEmitter<string>();
    const closer = new vscode.EventEmitter<number | void>();
    const output = new BoundedOutput(params.maxOutput);
    let opened: () => void = () => undefined;
    const openedOnce = new Promise<void>((resolve) => (opened = resolve));
    let run: Run | undefined;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writer.event,
      onDidClose: closer.event,
      open: () => opened(),
      close: () => run?.stop("the terminal was closed"),
      handleInput: (data) => {
        if (data === "\x03") {
          run?.stop("Ctrl+C");
        }
      },
    };
    const terminal = vscode.window.createTerminal({ name: terminalName(params.command), pty, isTransient: true });
    terminal.show(true); // visible, but the focus stays where the user is typing
    await Promise.race([openedOnce, new Promise((r) => setTimeout(r, OPEN_WAIT_MS))]);
    writer.fire(toTerminal(`\x1b[1mLivePair runs (approved):\x1b[0m $ ${params.command}\nin ${params.cwd}\n\n`));
    try {
      const result = await this.spawnRun(params, output, writer, (r) => {
        run = r;
        this.runs.set(params.runId, r);
      });
      writer.fire(toTerminal(`\n${footer(result.exitCode, result.timedOut, result.stoppedBy)}\n`));
      log().info(`terminal run ${params.runId}: ${footer(result.exitCode, result.timedOut, result.stoppedBy)}`);
      return { exitCode: result.exitCode, output: output.text, timedOut: result.timedOut, truncated: output.truncated };
    } finally {
      this.runs.delete(params.runId);
      writer.dispose();
    }
  }

  private spawnRun(
    params: RunInTerminalParams,
    output: BoundedOutput,
    writer: vscode.EventEmitter<string>,
    started: (run: Run) => void,
  ): Promise<{ exitCode: number | null; timedOut: boolean; stoppedBy?: string }> {
    return new Promise((resolve) => {
      let timedOut = false;
      let stoppedBy: string | undefined;
      const shell = process.platform === "win32" ? ["cmd.exe", "/d", "/s", "/c"] : ["/bin/sh", "-c"];
      let child: ChildProcess;
      try {
        child = spawn(shell[0], [...shell.slice(1), params.command], {
          cwd: params.cwd,
          env: params.env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: process.platform !== "win32", // its own process group: the kill reaches its children
        });
      } catch (err) {
        output.add(`could not start: ${err instanceof Error ? err.message : String(err)}\n`);
        resolve({ exitCode: null, timedOut: false, stoppedBy: "it could not start" });
        return;
      }
      const kill = (): void => {
        try {
          if (child.pid !== undefined && process.platform !== "win32") {
            process.kill(-child.pid, "SIGKILL");
          } else {
            child.kill("SIGKILL");
          }
        } catch {
          // already gone
        }
      };
      started({
        child,
        stop: (why) => {
          stoppedBy ??= why;
          kill();
        },
      });
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, params.timeoutMs);
      const onData = (data: Buffer): void => {
        const text = data.toString("utf8");
        output.add(text);
        writer.fire(toTerminal(text));
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("error", (err) => output.add(`\n${err.message}\n`));
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ exitCode: timedOut || stoppedBy ? null : code, timedOut, stoppedBy });
      });
    });
  }

  /** livepair/cancelRun: the model cancelled the call. */
  cancel(runId: string): void {
    this.runs.get(runId)?.stop("the senior dev cancelled it");
  }

  dispose(): void {
    for (const run of this.runs.values()) {
      run.stop("LivePair stopped");
    }
    this.runs.clear();
  }
}
