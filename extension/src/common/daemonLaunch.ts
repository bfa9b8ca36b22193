/**
 * How the daemon process is started, apart from the language client so it can be tested without VS Code: isolated
 * interpreter flags, and an environment without the API key (the key goes in `livepair.start`'s arguments, so no
 * process can read it from /proc/<daemon pid>/environ).
 */

/** How the daemon is started: `python -I -u -m livepair serve`. */
export const DAEMON_ARGS = ["-I", "-u", "-m", "livepair", "serve"];
/** The variables that carry the Gemini key: read by the extension, never put in the daemon's environment. */
export const API_KEY_VARS = ["GEMINI_API_KEY", "GOOGLE_API_KEY"];

/** The editor's environment for the daemon, without the API key variables. */
export function daemonEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, PYTHONUNBUFFERED: "1" };
  for (const name of API_KEY_VARS) {
    delete out[name];
  }
  return out;
}

/** A key from the editor's environment, for `livepair.start` when secret storage holds none. */
export function environmentApiKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return API_KEY_VARS.map((name) => env[name]?.trim()).find((value) => !!value);
}

/**
 * Start the language client and insist it runs. vscode-languageclient 9.0.1 can resolve start() with nothing when
 * the daemon's connection closes while it starts (its close handler clears the start promise before start() returns
 * it), so a daemon that died at once would count as started and no one would be told.
 */
export async function startRunning(client: { start(): Promise<void>; isRunning(): boolean }): Promise<void> {
  await client.start();
  if (!client.isRunning()) {
    throw new Error("the connection to the daemon closed while it started");
  }
}
