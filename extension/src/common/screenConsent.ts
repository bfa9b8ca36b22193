/**
 * Screen sharing asks on first use: this window's monitor, only the VS Code window, or not now. The answer is
 * remembered for the workspace (workspace state) and sent with livepair.start; the daemon limits the capture to it.
 * "Not now" (or Escape) shares nothing for this start and asks again next time. The `screenShare` setting other
 * than "ask" decides without asking. Where nothing can be captured (no display) nothing is offered: the session
 * starts without the screen and the command says why. Pure apart from the injected state and picker, so it is
 * unit-tested.
 */

export type ScreenChoice = "monitor" | "window" | "off";
export const SCREEN_CHOICE_KEY = "livepair.screenChoice";

export interface ChoiceItem {
  label: string;
  detail: string;
  choice: ScreenChoice;
  remember: boolean;
}

export const CHOICES: readonly ChoiceItem[] = [
  {
    label: "Share this window's monitor",
    detail: "The senior dev sees the monitor VS Code is on (paused while a sensitive file is visible).",
    choice: "monitor",
    remember: true,
  },
  {
    label: "Share only the VS Code window",
    detail: "Only the VS Code window's region is captured; nothing else on the screen leaves.",
    choice: "window",
    remember: true,
  },
  { label: "Not now", detail: "Pair without the screen this time; ask again next time.", choice: "off", remember: false },
];

export interface ChoiceStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type Pick = (items: readonly ChoiceItem[]) => PromiseLike<ChoiceItem | undefined>;

function isChoice(value: unknown): value is ScreenChoice {
  return value === "monitor" || value === "window" || value === "off";
}

/**
 * Why the screen cannot be captured here, or undefined when it can. The daemon captures the display of the machine
 * it runs on (the extension host's): on Linux that needs an X display (DISPLAY); Wayland-only sessions are refused
 * by the capture library.
 */
export function screenUnavailable(platform: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (platform !== "linux") {
    return undefined;
  }
  if (env.DISPLAY) {
    return undefined;
  }
  return env.WAYLAND_DISPLAY
    ? "Screen sharing is unavailable: this is a Wayland session without an X display (DISPLAY is not set)."
    : "Screen sharing is unavailable: this machine has no display (DISPLAY is not set), so there is no screen to share.";
}

export class ScreenConsent {
  constructor(
    private readonly store: ChoiceStore,
    private readonly pick: Pick,
    private readonly setting: () => string,
    /** Why the screen cannot be captured here; undefined: it can. */
    readonly unavailable: () => string | undefined = () => undefined,
  ) {}

  /** What to share for this start: the setting, the remembered answer, or the user's answer now. */
  async choose(): Promise<ScreenChoice> {
    if (this.unavailable() !== undefined) {
      return "off"; // nothing to offer: never ask a question whose answers cannot work
    }
    const setting = this.setting();
    if (isChoice(setting)) {
      return setting;
    }
    const remembered = this.store.get(SCREEN_CHOICE_KEY);
    if (isChoice(remembered)) {
      return remembered;
    }
    return this.ask();
  }

  /** Ask (again), remember a yes, and return the answer; dismissing the picker is "not now". */
  async ask(): Promise<ScreenChoice> {
    if (this.unavailable() !== undefined) {
      return "off";
    }
    const picked = await this.pick(CHOICES);
    if (picked === undefined) {
      return "off";
    }
    await this.store.update(SCREEN_CHOICE_KEY, picked.remember ? picked.choice : undefined);
    return picked.choice;
  }
}
