/**
 * LivePair's advice inline at the end of its line in the style of Error Lens: the line tinted and the headline in
 * the severity's colour (a crash red, a risk amber or blue), themable. Mirrors the LivePair diagnostics of each
 * visible editor, so stale advice disappears when the daemon retracts it.
 */

import * as vscode from "vscode";
import { ADVICE_SOURCE } from "./constants";
import { type HintSeverity, inlineHints } from "./inlineHints";

function decorationType(severity: HintSeverity): vscode.TextEditorDecorationType {
  const color = {
    error: "livepair.inlineErrorForeground",
    warning: "livepair.inlineWarningForeground",
    info: "livepair.inlineInfoForeground",
    hint: "livepair.inlineHintForeground",
  }[severity];
  const background = {
    error: "livepair.inlineErrorBackground",
    warning: "livepair.inlineWarningBackground",
    info: "livepair.inlineAdviceBackground",
    hint: "livepair.inlineAdviceBackground",
  }[severity];
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor(background),
    after: {
      color: new vscode.ThemeColor(color),
      backgroundColor: new vscode.ThemeColor(background),
      margin: "0 0 0 3ch",
      fontStyle: severity === "error" ? "normal" : "italic",
      fontWeight: severity === "error" ? "600" : "normal",
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
}

export class InlineDecorations implements vscode.Disposable {
  private readonly types = new Map<HintSeverity, vscode.TextEditorDecorationType>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly settings: () => { enabled: boolean; maxLength: number }) {
    for (const severity of ["error", "warning", "info", "hint"] as const) {
      this.types.set(severity, decorationType(severity));
    }
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics((e) => {
        const changed = new Set(e.uris.map((u) => u.toString()));
        for (const editor of vscode.window.visibleTextEditors) {
          if (changed.has(editor.document.uri.toString())) {
            this.render(editor);
          }
        }
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((ed) => this.render(ed))),
    );
    this.refresh();
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      this.render(editor);
    }
  }

  dispose(): void {
    for (const t of this.types.values()) {
      t.dispose();
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private render(editor: vscode.TextEditor): void {
    const { enabled, maxLength } = this.settings();
    const ours = enabled
      ? vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === ADVICE_SOURCE)
      : [];
    const bySeverity = new Map<HintSeverity, vscode.DecorationOptions[]>();
    for (const hint of inlineHints(ours, maxLength)) {
      if (hint.line >= editor.document.lineCount) {
        continue;
      }
      const end = editor.document.lineAt(hint.line).range.end;
      const list = bySeverity.get(hint.severity) ?? [];
      list.push({
        range: new vscode.Range(end, end),
        renderOptions: { after: { contentText: hint.text } },
      });
      bySeverity.set(hint.severity, list);
    }
    for (const [severity, type] of this.types) {
      editor.setDecorations(type, bySeverity.get(severity) ?? []);
    }
  }
}
