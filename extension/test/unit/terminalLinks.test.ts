import { describe, expect, it } from "vitest";
import { FailedRunLinks } from "../../src/common/terminalLinks";

const at = { uri: "file:///ws/f.py", range: { start: { line: 7, character: 0 }, end: { line: 7, character: 9 } } };

describe("a link on the failed command once LivePair has advice on it", () => {
  it("links the command on its prompt line to the advice's place", () => {
    const links = new FailedRunLinks();
    links.runEnded("python3 f.py", 1);
    expect(links.links("root@vm:/ws# python3 f.py")).toEqual([]); // nothing said yet
    links.advice(at);
    expect(links.links("root@vm:/ws# python3 f.py")).toEqual([
      { start: 13, length: 12, tooltip: "LivePair: go to the advice on this failure", advice: at },
    ]);
    expect(links.links("FileNotFoundError: python3 f.py was here")).toEqual([]);
  });

  it("links to the panel for a reply with no line, and never a command that succeeded", () => {
    const links = new FailedRunLinks();
    links.runEnded("pyhton f.py", 127);
    links.replied();
    expect(links.links("$ pyhton f.py")[0]).toMatchObject({ start: 2, advice: undefined });
    links.runEnded("ls", 0);
    links.replied();
    expect(links.links("$ ls")).toEqual([]);
    expect(links.links("$ pyhton f.py")).toEqual([]);
  });
});
