/**
 * The learning log's recap (the daemon's Markdown, session/learning_log.py) as blocks the LivePair panel renders
 * with textContent: a title, headings, one item per concept with its documentation link, plain lines, the privacy
 * note. No Markdown reaches the webview as HTML. Pure.
 */

export type RecapBlock =
  | { kind: "title" | "heading" | "text" | "note"; text: string }
  | { kind: "concept"; title: string; uri: string | undefined; text: string };

const CONCEPT = /^- \*\*(?:\[(?<linked>[^\]]+)\]\((?<uri>(?:[^()\s]|\([^()\s]*\))+)\)|(?<plain>[^*]+))\*\*:?\s*(?<rest>.*)$/;

export function parseRecap(markdown: string): RecapBlock[] {
  const blocks: RecapBlock[] = [];
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const concept = CONCEPT.exec(line)?.groups;
    if (line.startsWith("## ")) {
      blocks.push({ kind: "heading", text: line.slice(3).trim() });
    } else if (line.startsWith("# ")) {
      blocks.push({ kind: "title", text: line.slice(2).trim() });
    } else if (concept) {
      const uri = concept.uri && /^https?:\/\//.test(concept.uri) ? concept.uri : undefined;
      blocks.push({ kind: "concept", title: (concept.linked ?? concept.plain ?? "").trim(), uri, text: concept.rest });
    } else if (/^_.+_$/.test(line)) {
      blocks.push({ kind: "note", text: line.slice(1, -1) });
    } else {
      blocks.push({ kind: "text", text: line.replace(/^- /, "") });
    }
  }
  return blocks;
}

/** The documentation links a recap may open (the panel opens only these, and the answers' sources). */
export function recapLinks(blocks: readonly RecapBlock[]): Set<string> {
  return new Set(blocks.flatMap((b) => (b.kind === "concept" && b.uri ? [b.uri] : [])));
}
