import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConversationModel, MAX_SOURCES, webLinks } from "../../src/common/conversationModel";
import { parseRecap, recapLinks } from "../../src/common/recap";

/** Just enough DOM for media/panel.js: elements with children, text, attributes and click listeners. */
class FakeElement {
  children: (FakeElement | string)[] = [];
  className = "";
  hidden = false;
  href = "";
  title = "";
  type = "";
  value = "";
  private text = "";
  private listeners = new Map<string, ((e: { preventDefault(): void; target?: unknown }) => void)[]>();
  constructor(readonly tag: string) {}
  get textContent(): string {
    return this.text + this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  set textContent(value: string) {
    this.text = value;
    this.children = [];
  }
  append(...nodes: (FakeElement | string)[]): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: FakeElement[]): void {
    this.children = nodes;
  }
  get lastElementChild(): { scrollIntoView(): void } | undefined {
    return this.children.length ? { scrollIntoView: () => undefined } : undefined;
  }
  addEventListener(kind: string, fn: (e: { preventDefault(): void }) => void): void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), fn]);
  }
  scrolled = 0;
  scrollIntoView(): void {
    this.scrolled++;
  }
  click(): void {
    for (const fn of this.listeners.get("click") ?? []) fn({ preventDefault: () => undefined });
  }
  all(cls: string): FakeElement[] {
    const own: FakeElement[] = this.className.split(" ").includes(cls) ? [this] : [];
    return own.concat(...this.children.filter((c): c is FakeElement => typeof c !== "string").map((c) => c.all(cls)));
  }
}

function loadPanel(): { posted: unknown[]; byId: Map<string, FakeElement>; send(m: unknown): void } {
  const byId = new Map<string, FakeElement>();
  const posted: unknown[] = [];
  let onMessage: (e: { data: unknown }) => void = () => undefined;
  const document = {
    getElementById: (id: string) => byId.get(id) ?? byId.set(id, new FakeElement("div")).get(id),
    createElement: (tag: string) => new FakeElement(tag),
    querySelector: () => new FakeElement("main"),
  };
  const window = { addEventListener: (_: string, fn: typeof onMessage) => (onMessage = fn) };
  const source = readFileSync(join(__dirname, "..", "..", "media", "panel.js"), "utf8");
  new Function("acquireVsCodeApi", "document", "window", source)(
    () => ({ postMessage: (m: unknown) => posted.push(m) }),
    document,
    window,
  );
  return { posted, byId, send: (data) => onMessage({ data }) };
}

const state = (turns: unknown[]) => ({
  type: "state",
  status: { label: "listening", tone: "ok", active: true, tooltip: "" },
  usage: "",
  turns,
  advice: [],
});

describe("the panel shows a grounded answer's sources", () => {
  it("renders each source as a link next to the answer; a click asks the extension to open it", () => {
    const model = new ConversationModel(() => 1);
    model.addTranscript({ role: "user", text: "What is the latest Python?", final: true });
    model.addTranscript({ role: "model", text: "Python 3.14, according to python.org.", final: true });
    model.addSources({
      sources: [
        { title: "Python 3.14.0", uri: "https://www.python.org/downloads/release/python-3140/" },
        { title: "evil", uri: "javascript:alert(1)" },
        { title: "What's new", uri: "https://docs.python.org/3/whatsnew/3.14.html" },
      ],
      queries: ["latest python release"],
    });
    const panel = loadPanel();
    panel.send(state(model.turns));

    const answer = panel.byId.get("turns")!.all("model")[0];
    expect(answer.textContent).toContain("Python 3.14, according to python.org.");
    const links = answer.all("source");
    expect(links.map((a) => [a.textContent, a.href])).toEqual([
      ["Python 3.14.0", "https://www.python.org/downloads/release/python-3140/"],
      ["What's new", "https://docs.python.org/3/whatsnew/3.14.html"],
    ]);
    expect(panel.byId.get("turns")!.all("user")[0].all("source")).toEqual([]);
    links[1].click();
    expect(panel.posted).toContainEqual({ type: "openSource", uri: "https://docs.python.org/3/whatsnew/3.14.html" });
    expect(model.isSource("https://docs.python.org/3/whatsnew/3.14.html")).toBe(true);
    expect(model.isSource("javascript:alert(1)")).toBe(false);
  });

  it("keeps only web links, once each, and at most MAX_SOURCES", () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ title: `t${i}`, uri: `https://e.org/${i}` }));
    const links = webLinks([{ title: "", uri: "file:///etc/passwd" }, ...many, { title: "again", uri: "https://e.org/0" }]);
    expect(links).toHaveLength(MAX_SOURCES);
    expect(links[0]).toEqual({ title: "t0", uri: "https://e.org/0" });
    expect(webLinks([{ title: "", uri: "https://h.example/x" }])).toEqual([{ title: "h.example", uri: "https://h.example/x" }]);
  });

  it("sources with no answer before them are dropped", () => {
    const model = new ConversationModel();
    model.addSources({ sources: [{ title: "x", uri: "https://x.org" }], queries: [] });
    expect(model.turns).toEqual([]);
  });
});

// What session/learning_log.py's recap() writes (tests/unit/test_tutor_lessons.py checks that side).
const RECAP = `# What did I learn?

## This session

1 concept(s) met; fixed alone 1 time(s).

- **[Relative paths and the working directory](https://docs.python.org/3/library/os.html#os.getcwd)**: met 1×, hints used 2, fixed alone 1×, fix shown 0×

## Overall

2 concept(s) met; fixed alone 1 time(s).

- **[Relative paths and the working directory](https://docs.python.org/3/library/os.html#os.getcwd)**: met 2×, hints used 2, fixed alone 1×, fix shown 0×
- **[evil](javascript:alert(1))**: met 1×, hints used 0, fixed alone 0×, fix shown 1×

_Kept only on this machine: /home/me/.local/state/livepair/learning.jsonl. Never sent to the model._
`;

describe("the tutor's recap in the panel", () => {
  it("parses the recap into headings, concepts with their documentation link, and the privacy note", () => {
    const blocks = parseRecap(RECAP);
    expect(blocks.map((b) => b.kind)).toEqual(["title", "heading", "text", "concept", "heading", "text", "concept", "concept", "note"]);
    expect(blocks[3]).toEqual({
      kind: "concept",
      title: "Relative paths and the working directory",
      uri: "https://docs.python.org/3/library/os.html#os.getcwd",
      text: "met 1×, hints used 2, fixed alone 1×, fix shown 0×",
    });
    expect(blocks[7]).toMatchObject({ title: "evil", uri: undefined }); // only web links
    expect([...recapLinks(blocks)]).toEqual(["https://docs.python.org/3/library/os.html#os.getcwd"]);
    expect(parseRecap("# What did I learn?\n\n## This session\n\nNothing yet: when a run fails…")).toEqual([
      { kind: "title", text: "What did I learn?" },
      { kind: "heading", text: "This session" },
      { kind: "text", text: "Nothing yet: when a run fails…" },
    ]);
  });

  it("renders the recap when asked, scrolled into view, its links opened by the extension; hidden when absent", () => {
    const panel = loadPanel();
    panel.send({ ...state([]), recap: null });
    expect(panel.byId.get("recap-box")!.hidden).toBe(true);
    panel.send({ ...state([]), recap: { id: 1, blocks: parseRecap(RECAP) } });
    const box = panel.byId.get("recap-box")!;
    expect(box.hidden).toBe(false);
    expect(box.scrolled).toBe(1);
    panel.send({ ...state([]), recap: { id: 1, blocks: parseRecap(RECAP) } }); // a later state: no jump back to it
    expect(box.scrolled).toBe(1);
    panel.send({ ...state([]), recap: { id: 2, blocks: parseRecap(RECAP) } }); // asked again
    expect(box.scrolled).toBe(2);
    const recap = panel.byId.get("recap")!;
    expect(recap.textContent).toContain("Relative paths and the working directory: met 1×, hints used 2, fixed alone 1×");
    expect(recap.textContent).toContain("Never sent to the model.");
    expect(recap.textContent).not.toContain("**");
    const links = recap.all("concept");
    expect(links.map((a) => a.href)).toEqual([
      "https://docs.python.org/3/library/os.html#os.getcwd",
      "https://docs.python.org/3/library/os.html#os.getcwd",
      "",
    ]);
    links[0].click();
    expect(panel.posted).toContainEqual({ type: "openSource", uri: "https://docs.python.org/3/library/os.html#os.getcwd" });
    panel.byId.get("recap-markdown")!.click();
    panel.byId.get("recap-close")!.click();
    expect(panel.posted).toContainEqual({ type: "recapMarkdown" });
    expect(panel.posted).toContainEqual({ type: "closeRecap" });
  });
});
