/** Reading the daemon's answers to commands. Pure. */

export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Request workspace\/executeCommand failed with message: /, "");
}

/** pygls answers an unknown command with "Command name '…' is not defined". */
export function isUnknownCommandError(err: unknown): boolean {
  return /is not defined|not found|unknown command/i.test(errorText(err));
}

/**
 * How a toggle left its device, from the daemon's answer: `{micOn: bool}`, `{screen: "sharing" | "paused" | ...}`
 * or `{enabled: bool}`. " on", " off", ": paused", or " toggled" when the answer says nothing.
 */
export function deviceState(result: Record<string, unknown> | null | undefined, device: "mic" | "screen"): string {
  const flag = result?.[`${device}On`] ?? result?.enabled;
  if (typeof flag === "boolean") {
    return flag ? " on" : " off";
  }
  const state = result?.[device];
  if (typeof state === "boolean") {
    return state ? " on" : " off";
  }
  if (typeof state === "string" && state) {
    return `: ${state}`;
  }
  return " toggled";
}
