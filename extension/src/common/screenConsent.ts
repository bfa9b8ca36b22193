/**
 * Screen sharing asks on first use: this window's monitor, only the VS Code window, or not now. The answer is
 * remembered for the workspace (workspace state) and sent with livepair.start; the daemon limits the capture to it.
 * "Not now" (or Escape) shares nothing for this start and asks again next time. The `screenShare` setting other
 * than "ask" decides without asking. Pure apart from the injected state and picker, so it is unit-tested.
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

export class ScreenConsent {
  constructor(
    private readonly store: ChoiceStore,
    private readonly pick: Pick,
    private readonly setting: () => string,
  ) {}

  /** What to share for this start: the setting, the remembered answer, or the user's answer now. */
  async choose(): Promise<ScreenChoice> {
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
    const picked = await this.pick(CHOICES);
    if (picked === undefined) {
      return "off";
    }
    await this.store.update(SCREEN_CHOICE_KEY, picked.remember ? picked.choice : undefined);
    return picked.choice;
  }
}
