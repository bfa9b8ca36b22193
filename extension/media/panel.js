// The LivePair panel: renders the state the extension posts; every text goes in through textContent.
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const state = $("state");
  const toggle = $("toggle");
  const turns = $("turns");
  const advice = $("advice");
  let stick = true;
  let recapShown = 0; // the id of the last recap scrolled to

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderTurns(list) {
    $("no-turns").hidden = list.length > 0;
    turns.replaceChildren(
      ...list.map((t) => {
        const li = el("li", `turn ${t.role}${t.final ? "" : " partial"}`);
        li.append(el("span", "who", t.role === "user" ? "You" : t.role === "tool" ? "Ran" : "Senior dev"), el("p", "text", t.text));
        if (t.sources && t.sources.length) li.append(renderSources(t.sources));
        return li;
      }),
    );
    if (stick) turns.lastElementChild?.scrollIntoView({ block: "end" });
  }

  // A grounded answer's web sources, as links next to it; the extension opens only links it sent.
  function renderSources(links) {
    const box = el("p", "sources");
    box.append(el("span", "label", "Sources: "));
    links.forEach((s, i) => {
      const a = el("a", "source", s.title);
      a.href = s.uri;
      a.title = s.uri;
      a.addEventListener("click", (e) => {
        e.preventDefault();
        vscode.postMessage({ type: "openSource", uri: s.uri });
      });
      if (i > 0) box.append(" · ");
      box.append(a);
    });
    return box;
  }

  const SEVERITY_WORDS = { error: "Error", warning: "Warning", info: "Info", hint: "Hint" };

  // One card per finding: where, the headline (the cause), the explanation, the fix.
  function card(a) {
    const li = el("li", `advice ${a.severity}${a.stale ? " stale" : ""}`);
    li.dataset.id = a.id;
    const head = el("p", "head");
    head.append(el("span", `severity ${a.severity}`, SEVERITY_WORDS[a.severity] || a.severity), " ");
    const link = el("a", "where", a.where);
    link.href = "#";
    link.title = "Go to the line";
    link.addEventListener("click", (e) => {
      e.preventDefault();
      vscode.postMessage({ type: "reveal", uri: a.uri, range: a.range });
    });
    head.append(link, " ", el("strong", "headline", a.headline));
    li.append(head);
    if (a.message.trim() !== a.headline.trim()) li.append(el("p", "message", a.message));
    if (a.fix && !a.stale) {
      const fix = el("button", "fix", `Apply fix: ${a.fix.title.replace(/^LivePair:\s*/, "")}`);
      fix.type = "button";
      fix.addEventListener("click", () => vscode.postMessage({ type: "applyFix", id: a.id }));
      li.append(fix);
    }
    if (a.stale) li.append(el("span", "note", "(the code changed since)"));
    return li;
  }

  function renderAdvice(list, earlier) {
    $("no-advice").hidden = list.length > 0 || earlier.length > 0;
    advice.replaceChildren(...list.map(card));
    $("earlier-box").hidden = earlier.length === 0;
    $("earlier-title").textContent = `Earlier (${earlier.length})`;
    $("earlier").replaceChildren(...earlier.map(card));
  }

  // The tutor's recap: blocks parsed by the extension (recap.ts), each text through textContent.
  function renderRecap(recap) {
    const box = $("recap-box");
    box.hidden = !recap;
    if (!recap) return;
    $("recap").replaceChildren(
      ...recap.blocks
        .filter((b) => b.kind !== "title")
        .map((b) => {
          if (b.kind === "heading") return el("h3", "recap-heading", b.text);
          if (b.kind === "note") return el("p", "recap-note", b.text);
          if (b.kind !== "concept") return el("p", "recap-text", b.text);
          const p = el("p", "recap-concept");
          const name = el(b.uri ? "a" : "strong", "concept", b.title);
          if (b.uri) {
            name.href = b.uri;
            name.title = b.uri;
            name.addEventListener("click", (e) => {
              e.preventDefault();
              vscode.postMessage({ type: "openSource", uri: b.uri });
            });
          }
          p.append(name, b.text ? `: ${b.text}` : "");
          return p;
        }),
    );
    if (recap.id !== recapShown) {
      recapShown = recap.id;
      stick = false; // the recap, not the newest turn, is what was asked for
      box.scrollIntoView({ block: "start" });
    }
  }

  window.addEventListener("message", (event) => {
    const m = event.data;
    if (!m || m.type !== "state") return;
    state.textContent = m.status.label;
    state.title = m.status.tooltip;
    state.className = `state ${m.status.tone}`;
    toggle.textContent = m.status.active ? "Stop pairing" : "Pair with senior dev";
    $("screen").textContent = m.screen || "";
    $("usage").textContent = m.usage || "";
    if (m.scroll) stick = true; // the user asked: show the newest entry
    renderTurns(m.turns);
    renderAdvice(m.advice, m.earlier || []);
    renderRecap(m.recap || null);
  });

  document.querySelector("main").addEventListener("scroll", (e) => {
    const t = e.target;
    stick = t.scrollTop + t.clientHeight >= t.scrollHeight - 8;
  });
  toggle.addEventListener("click", () => vscode.postMessage({ type: "toggle" }));
  $("recap-markdown").addEventListener("click", () => vscode.postMessage({ type: "recapMarkdown" }));
  $("recap-close").addEventListener("click", () => vscode.postMessage({ type: "closeRecap" }));
  $("ask").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("question");
    if (q.value.trim()) {
      vscode.postMessage({ type: "ask", text: q.value.trim() });
      q.value = "";
    }
  });
  vscode.postMessage({ type: "ready" });
})();
