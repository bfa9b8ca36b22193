/**
 * What the editor tells the daemon, minus the VS Code wiring (contextForwarders.ts): diagnostics per document,
 * the editor state and finished terminal commands — debounced, deduplicated and bounded. Pure, so tested directly.
 */

import { ChangeFilter, KeyedDebouncer, type Timers } from "./debounce";
import { type DiagnosticLike, diagnosticsToForward } from "./lspConvert";
import * as protocol from "./protocol";
import { TerminalOutputBuffer } from "./terminalOutput";

export type Notify = (method: string, params: unknown) => void;

export const DIAGNOSTICS_DELAY_MS = 150;
export const EDITOR_STATE_DELAY_MS = 250;

/** All diagnostics of a document, every source but LivePair's, sent when the set changed. */
export class DiagnosticsForwarding {
  private readonly filter = new ChangeFilter();
  private readonly debouncer: KeyedDebouncer<null>;

  constructor(
    private readonly notify: Notify,
    private readonly read: (uri: string) => readonly DiagnosticLike[],
    private readonly ownSource: string,
    timers?: Timers,
    delayMs = DIAGNOSTICS_DELAY_MS,
  ) {
    this.debouncer = new KeyedDebouncer(delayMs, (uri) => this.send(uri), timers);
  }

  changed(uris: readonly string[]): void {
    for (const uri of uris) {
      this.debouncer.push(uri, null);
    }
  }

  flush(): void {
    this.debouncer.flush();
  }

  /** After a daemon (re)start: forget what was sent and send everything again. */
  resync(uris: readonly string[]): void {
    this.filter.forget();
    this.changed(uris);
  }

  dispose(): void {
    this.debouncer.dispose();
  }

  private send(uri: string): void {
    const payload: protocol.DiagnosticsParams = { uri, diagnostics: diagnosticsToForward(this.read(uri), this.ownSource) };
    if (this.filter.changed(uri, payload)) {
      this.notify(protocol.DIAGNOSTICS, payload);
    }
  }
}

/** The active document, selection and visible ranges; the last state wins once the editor is quiet. */
export class EditorStateForwarding {
  private readonly filter = new ChangeFilter();
  private readonly debouncer: KeyedDebouncer<protocol.EditorStateParams>;

  constructor(
    private readonly notify: Notify,
    timers?: Timers,
    delayMs = EDITOR_STATE_DELAY_MS,
  ) {
    this.debouncer = new KeyedDebouncer(delayMs, (_key, state) => this.send(state), timers);
  }

  update(state: protocol.EditorStateParams): void {
    this.debouncer.push("editor", state);
  }

  flush(): void {
    this.debouncer.flush();
  }

  resync(state: protocol.EditorStateParams | undefined): void {
    this.filter.forget();
    if (state) {
      this.update(state);
    }
  }

  dispose(): void {
    this.debouncer.dispose();
  }

  private send(state: protocol.EditorStateParams): void {
    if (this.filter.changed("editor", state)) {
      this.notify(protocol.EDITOR_STATE, state);
    }
  }
}

interface Running {
  command: string;
  cwd: string | null;
  output: TerminalOutputBuffer;
}

/** At most this many commands are followed at once (a runaway script spawning terminals stays bounded). */
export const MAX_RUNNING_COMMANDS = 16;

/** Finished terminal commands with their exit code and the capped, cleaned tail of their output. */
export class TerminalForwarding<K> {
  private readonly running = new Map<K, Running>();

  constructor(
    private readonly notify: Notify,
    private readonly enabled: () => boolean = () => true,
    private readonly outputLimit = protocol.MAX_TERMINAL_OUTPUT,
  ) {}

  started(key: K, command: string, cwd: string | null): void {
    if (!this.enabled()) {
      return;
    }
    if (this.running.size >= MAX_RUNNING_COMMANDS) {
      const oldest = this.running.keys().next().value as K;
      this.running.delete(oldest);
    }
    this.running.set(key, { command, cwd, output: new TerminalOutputBuffer(this.outputLimit) });
  }

  data(key: K, chunk: string): void {
    this.running.get(key)?.output.append(chunk);
  }

  /** The command ended: send it. `command` may be better known at the end (shell integration confidence). */
  ended(key: K, exitCode: number | undefined, command?: string): void {
    const run = this.running.get(key);
    this.running.delete(key);
    if (!run || !this.enabled()) {
      return;
    }
    const line = (command && command.trim()) || run.command.trim();
    if (!line) {
      return; // an empty prompt line: nothing ran
    }
    const payload: protocol.TerminalParams = {
      command: line,
      cwd: run.cwd,
      exitCode: exitCode === undefined ? null : exitCode,
      output: run.output.text(),
    };
    this.notify(protocol.TERMINAL, payload);
  }

  get size(): number {
    return this.running.size;
  }
}
