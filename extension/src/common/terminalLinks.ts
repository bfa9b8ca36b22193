/**
 * A link on the failed command in the terminal (shell integration) once LivePair has said something about it: the
 * command text on its prompt line becomes a link to the advice (its line, or the panel for advice with no line).
 * Pure: the extension feeds it the runs, the advice and the replies, and asks it for a terminal line's links.
 */

import type { AdviceParams } from "./protocol";

export interface RunLink {
  start: number;
  length: number;
  tooltip: string;
  /** Where the advice is: a card's place, or undefined for the panel. */
  advice: Pick<AdviceParams, "uri" | "range"> | undefined;
}

export class FailedRunLinks {
  private command: string | undefined;
  private advised = false;
  private where: Pick<AdviceParams, "uri" | "range"> | undefined;

  runEnded(commandLine: string, exitCode: number | undefined): void {
    const failed = exitCode !== undefined && exitCode !== 0;
    this.command = failed && commandLine.trim() ? commandLine.trim() : undefined;
    this.advised = false;
    this.where = undefined;
  }

  advice(a: Pick<AdviceParams, "uri" | "range">): void {
    if (this.command !== undefined) {
      this.advised = true;
      this.where = { uri: a.uri, range: a.range };
    }
  }

  replied(): void {
    if (this.command !== undefined) {
      this.advised = true;
    }
  }

  links(line: string): RunLink[] {
    if (this.command === undefined || !this.advised) {
      return [];
    }
    const at = line.lastIndexOf(this.command);
    if (at < 0 || line.slice(at + this.command.length).trim() !== "") {
      return []; // only the prompt line that ends with the command
    }
    const tooltip = this.where ? "LivePair: go to the advice on this failure" : "LivePair: show what the senior dev said";
    return [{ start: at, length: this.command.length, tooltip, advice: this.where }];
  }
}
