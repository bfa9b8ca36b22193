/**
 * Keeps secrets out of the log: known secrets (the API key the extension holds) and anything shaped like a Google
 * API key are replaced before a line is written. Pure.
 */

const GOOGLE_KEY = /AIza[0-9A-Za-z_-]{35}/g;
const API_KEY_FIELD = /("apiKey"\s*:\s*")[^"]*(")/g;

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remember a secret to redact from now on (short strings are ignored: they would mangle ordinary text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) {
      this.secrets.add(secret);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      out = out.split(secret).join("<redacted>");
    }
    return out.replace(GOOGLE_KEY, "<redacted>").replace(API_KEY_FIELD, "$1<redacted>$2");
  }
}
