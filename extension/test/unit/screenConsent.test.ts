import { describe, expect, it } from "vitest";
import { CHOICES, type ChoiceItem, SCREEN_CHOICE_KEY, ScreenConsent, screenUnavailable } from "../../src/common/screenConsent";

function consent(answers: (string | undefined)[], setting = "ask") {
  const state = new Map<string, unknown>();
  const asked: string[][] = [];
  const pick = async (items: readonly ChoiceItem[]) => {
    asked.push(items.map((i) => i.label));
    const label = answers.shift();
    return items.find((i) => i.label === label);
  };
  const store = { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v) };
  return { screen: new ScreenConsent(store, pick, () => setting), asked, state };
}

describe("screen sharing asks on first use", () => {
  it("offers this window's monitor, only the VS Code window, or not now", async () => {
    const { screen, asked } = consent(["Share only the VS Code window"]);
    expect(await screen.choose()).toBe("window");
    expect(asked).toEqual([["Share this window's monitor", "Share only the VS Code window", "Not now"]]);
    expect(CHOICES.map((c) => c.choice)).toEqual(["monitor", "window", "off"]);
  });

  it("remembers a yes for the workspace and does not ask again", async () => {
    const { screen, asked, state } = consent(["Share this window's monitor"]);
    expect(await screen.choose()).toBe("monitor");
    expect(await screen.choose()).toBe("monitor");
    expect(asked).toHaveLength(1);
    expect(state.get(SCREEN_CHOICE_KEY)).toBe("monitor");
  });

  it("'not now' and Escape share nothing this time and ask again next time", async () => {
    const { screen, asked, state } = consent(["Not now", undefined, "Share only the VS Code window"]);
    expect(await screen.choose()).toBe("off");
    expect(await screen.choose()).toBe("off");
    expect(await screen.choose()).toBe("window");
    expect(asked).toHaveLength(3);
    expect(state.get(SCREEN_CHOICE_KEY)).toBe("window");
  });

  it("a screenShare setting other than ask decides without asking; asking again replaces the answer", async () => {
    const fixed = consent([], "off");
    expect(await fixed.screen.choose()).toBe("off");
    expect(fixed.asked).toEqual([]);
    const { screen, state } = consent(["Share this window's monitor", "Not now"]);
    await screen.choose();
    expect(await screen.ask()).toBe("off");
    expect(state.get(SCREEN_CHOICE_KEY)).toBeUndefined();
  });
});

describe("no option that cannot work here", () => {
  it("offers nothing and asks nothing where there is no display", async () => {
    const asked: string[][] = [];
    const pick = async (items: readonly ChoiceItem[]) => {
      asked.push(items.map((i) => i.label));
      return items[0];
    };
    const store = { get: () => "monitor", update: async () => undefined };
    const why = screenUnavailable("linux", {});
    const screen = new ScreenConsent(store, pick, () => "monitor", () => why);
    expect(await screen.choose()).toBe("off");
    expect(await screen.ask()).toBe("off");
    expect(asked).toEqual([]);
    expect(why).toContain("no display");
  });

  it("knows when a display is there", () => {
    expect(screenUnavailable("linux", { DISPLAY: ":99" })).toBeUndefined();
    expect(screenUnavailable("linux", { WAYLAND_DISPLAY: "wayland-0" })).toContain("Wayland");
    expect(screenUnavailable("darwin", {})).toBeUndefined();
  });
});
