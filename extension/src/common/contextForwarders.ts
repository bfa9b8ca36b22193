/** VS Code events -> the forwarding cores: diagnostics, editor state and terminal shell-integration executions. */

import * as vscode from "vscode";
import { ADVICE_SOURCE } from "./constants";
import { DiagnosticsForwarding, EditorStateForwarding, type Notify, TerminalForwarding } from "./forwarding";
import { toRange } from "./lspConvert";
import type { EditorStateParams } from "./protocol";

const FORWARDED_SCHEMES = new Set(["file", "untitled"]);
/** How long the end of a command waits for the rest of its output stream. */
const OUTPUT_DRAIN_MS = 1000;

function editorState(editor: vscode.TextEditor | undefined): EditorStateParams | undefined {
  if (!editor || !FORWARDED_SCHEMES.has(editor.document.uri.scheme)) {
    return undefined;
  }
  const visibleUris = vscode.window.visibleTextEditors
    .map((e) => e.document.uri)
    .filter((u) => FORWARDED_SCHEMES.has(u.scheme))
    .map((u) => u.toString());
  return {
    uri: editor.document.uri.toString(),
    selection: toRange(editor.selection),
    visibleRanges: editor.visibleRanges.map(toRange),
    visibleUris: [...new Set(visibleUris)],
  };
}

export class ContextForwarders implements vscode.Disposable {
  private readonly diagnostics: DiagnosticsForwarding;
  private readonly editor: EditorStateForwarding;
  private readonly terminal: TerminalForwarding<vscode.TerminalShellExecution>;
  private readonly reading = new Map<vscode.TerminalShellExecution, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(notify: Notify, shareTerminal: () => boolean) {
    this.diagnostics = new DiagnosticsForwarding(
      notify,
      (uri) => vscode.languages.getDiagnostics(vscode.Uri.parse(uri)),
      ADVICE_SOURCE,
    );
    this.editor = new EditorStateForwarding(notify);
    this.terminal = new TerminalForwarding(notify, shareTerminal);
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics((e) =>
        this.diagnostics.changed(e.uris.filter((u) => FORWARDED_SCHEMES.has(u.scheme)).map((u) => u.toString())),
      ),
      vscode.window.onDidChangeActiveTextEditor((ed) => this.pushEditor(ed)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.pushEditor(vscode.window.activeTextEditor)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.pushEditor(e.textEditor)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.pushEditor(e.textEditor)),
      vscode.window.onDidStartTerminalShellExecution((e) => this.commandStarted(e.execution)),
      vscode.window.onDidEndTerminalShellExecution((e) => void this.commandEnded(e.execution, e.exitCode)),
    );
  }

  /** Send what is pending now (before a start, an ask or an explain, so the model sees the latest). */
  flush(): void {
    this.diagnostics.flush();
    this.editor.flush();
  }

  /** The daemon (re)started and knows nothing: send the whole picture again. */
  resync(): void {
    const uris = vscode.languages
      .getDiagnostics()
      .map(([uri]) => uri)
      .filter((u) => FORWARDED_SCHEMES.has(u.scheme))
      .map((u) => u.toString());
    this.diagnostics.resync(uris);
    this.editor.resync(editorState(vscode.window.activeTextEditor));
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.editor.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private pushEditor(editor: vscode.TextEditor | undefined): void {
    if (editor && editor === vscode.window.activeTextEditor) {
      const state = editorState(editor);
      if (state) {
        this.editor.update(state);
      }
    }
  }

  private commandStarted(execution: vscode.TerminalShellExecution): void {
    this.terminal.started(execution, execution.commandLine.value, execution.cwd?.fsPath ?? null);
    // read() only yields what is written after the call, so it must start right away.
    const reading = (async () => {
      try {
        for await (const chunk of execution.read()) {
          this.terminal.data(execution, chunk);
        }
      } catch {
        // The terminal was closed mid-command; what was read is still sent.
      }
    })();
    this.reading.set(execution, reading);
  }

  private async commandEnded(execution: vscode.TerminalShellExecution, exitCode: number | undefined): Promise<void> {
    const reading = this.reading.get(execution);
    this.reading.delete(execution);
    if (reading) {
      await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS))]);
    }
    this.terminal.ended(execution, exitCode, execution.commandLine.value);
  }
}
