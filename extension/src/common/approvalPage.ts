/**
 * The approval prompt as a page the extension can close: its HTML (strict CSP, one nonce'd script, no remote
 * content) and the rules for the answers it sends back. Pure; the webview panel itself is in approvalPrompt.ts.
 *
 * Why a page and not VS Code's modal: a modal cannot be closed by the extension, so a prompt the daemon withdrew
 * (livepair/approvalWithdrawn) would stay on screen, asking for an answer that no longer means anything.
 */

import { type ApprovalText, type Choice, DENY_CHOICE } from "./approvalText";

/** Allow and Always only work this long after the prompt appears: a click or key meant for what was there before never
 * approves. Deny works at once. */
export const ARM_MS = 600;

export interface PageInput {
  text: ApprovalText;
  choices: readonly Choice[];
  /** The CSP nonce of the page's one script. */
  nonce: string;
  /** Names this prompt in its answers: a message from any other page is ignored. */
  token: string;
  /** webview.cspSource, and the page's script and stylesheet as webview URIs. */
  cspSource: string;
  script: string;
  style: string;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text as HTML that shows exactly that text (in an element or an attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'; form-action 'none'; base-uri 'none';`;
}

/** The panel's tab title: short, LivePair's own words. */
export function tabTitle(kind: string): string {
  return `LivePair: ${kind === "python" ? "run Python code?" : kind === "edit" ? "edit files?" : "run a command?"}`;
}

function button(choice: Choice): string {
  const deny = choice === DENY_CHOICE;
  // Deny has the focus (Enter presses it); the others start disabled until the page's script arms them.
  const attrs = deny ? 'id="deny" class="deny" autofocus' : `class="${choice.key}" disabled`;
  return `<button type="button" ${attrs} data-choice="${choice.key}">${escapeHtml(choice.title)}</button>`;
}

export function approvalHtml(p: PageInput): string {
  const { parts, message } = p.text;
  const warned = parts.warnings.map((w) => `<li>\u26a0 ${escapeHtml(w)}</li>`).join("");
  const notes = parts.notes.map((n) => `<pre class="note">${escapeHtml(n)}</pre>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.style)}">
<title>LivePair approval</title>
</head>
<body data-token="${escapeHtml(p.token)}" data-arm-ms="${ARM_MS}">
<h1 id="message">${escapeHtml(message)}</h1>
${warned ? `<ul id="warnings" role="alert">${warned}</ul>` : ""}
<pre id="runs" tabindex="0" aria-label="What would run">${escapeHtml(parts.runs)}</pre>
${notes}
${parts.reason ? `<p id="reason" class="reason">${escapeHtml(parts.reason)}</p>` : ""}
<footer>
  ${p.choices.map(button).join("\n  ")}
  <span class="hint">Enter or Escape: Deny. Nothing runs unless you press Allow.</span>
</footer>
<script nonce="${escapeHtml(p.nonce)}" src="${escapeHtml(p.script)}"></script>
</body>
</html>`;
}

export type Outcome =
  | { kind: "answered"; choice: Choice }
  | { kind: "closed" } // the tab was closed, or the extension is going away: a no
  | { kind: "withdrawn" };

/**
 * One prompt's answer. The first of: an answer from its own page, its closing, or its withdrawal settles it; anything
 * later is ignored. Only an offered button counts, and Allow or Always only once the prompt is armed.
 */
export class PromptState {
  readonly outcome: Promise<Outcome>;
  private settle: (o: Outcome) => void = () => undefined;
  private done = false;
  private readonly armedAt: number;

  constructor(
    private readonly choices: readonly Choice[],
    private readonly token: string,
    private readonly now: () => number = Date.now,
  ) {
    this.armedAt = now() + ARM_MS;
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  get settled(): boolean {
    return this.done;
  }

  /** A message from the page. Returns what it did: the choice it settled with, or why it was ignored. */
  receive(message: unknown): Choice | "ignored: settled" | "ignored: not this prompt" | "ignored: not armed" {
    if (this.done) {
      return "ignored: settled";
    }
    const m = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
    const choice = this.choices.find((c) => c.key === m.choice);
    if (m.type !== "answer" || m.token !== this.token || choice === undefined) {
      return "ignored: not this prompt";
    }
    if (choice !== DENY_CHOICE && this.now() < this.armedAt) {
      return "ignored: not armed";
    }
    this.finish({ kind: "answered", choice });
    return choice;
  }

  close(): void {
    this.finish({ kind: "closed" });
  }

  withdraw(): void {
    this.finish({ kind: "withdrawn" });
  }

  private finish(o: Outcome): void {
    if (!this.done) {
      this.done = true;
      this.settle(o);
    }
  }
}
