/** Pure helpers of the visible-terminal runs (terminalRunner.ts): the bounded output and the terminal's text. */

/** Keeps the first `max` characters of a run's output and remembers whether more came (then it is dropped). */
export class BoundedOutput {
  private parts: string[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  add(chunk: string): void {
    const room = this.max - this.size;
    if (room <= 0) {
      this.truncated ||= chunk.length > 0;
      return;
    }
    const kept = chunk.length > room ? chunk.slice(0, room) : chunk;
    this.truncated ||= kept.length < chunk.length;
    this.parts.push(kept);
    this.size += kept.length;
  }

  get text(): string {
    return this.parts.join("");
  }
}

/** A pseudoterminal needs CRLF line ends. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}

/** The terminal tab's name: the command, short. */
export function terminalName(command: string): string {
  const flat = command.replace(/\s+/g, " ").trim();
  return `LivePair: ${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}`;
}

/** The last line the user sees under a run. */
export function footer(exitCode: number | null, timedOut: boolean, stoppedBy: string | undefined): string {
  if (timedOut) {
    return "[LivePair: stopped: the time limit was reached]";
  }
  if (stoppedBy) {
    return `[LivePair: stopped: ${stoppedBy}]`;
  }
  return `[LivePair: exit code ${exitCode ?? "none"}]`;
}

/** A reply field the daemon checks: a well-formed request, or why not. */
export function checkRequest(p: {
  runId?: unknown;
  command?: unknown;
  cwd?: unknown;
  env?: unknown;
  timeoutMs?: unknown;
  maxOutput?: unknown;
}): string | undefined {
  if (typeof p.runId !== "string" || typeof p.command !== "string" || !p.command.trim()) {
    return "a run without a command";
  }
  if (typeof p.cwd !== "string" || typeof p.env !== "object" || p.env === null) {
    return "a run without a folder or an environment";
  }
  if (typeof p.timeoutMs !== "number" || p.timeoutMs <= 0 || typeof p.maxOutput !== "number" || p.maxOutput <= 0) {
    return "a run without bounds";
  }
  return undefined;
}
