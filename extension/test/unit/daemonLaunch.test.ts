import { describe, expect, it } from "vitest";
import { DAEMON_ARGS, daemonEnvironment, environmentApiKey, startRunning } from "../../src/common/daemonLaunch";

describe("daemon launch", () => {
  it("starts the interpreter isolated, so the working directory cannot shadow the daemon's modules", () => {
    expect(DAEMON_ARGS.slice(0, 2)).toEqual(["-I", "-u"]);
    expect(DAEMON_ARGS.slice(2)).toEqual(["-m", "livepair", "serve"]);
  });

  it("keeps the API key out of the daemon's environment and reads it for livepair.start instead", () => {
    const editor = { PATH: "/usr/bin", GEMINI_API_KEY: "key-from-env", GOOGLE_API_KEY: "other", HTTPS_PROXY: "p" };
    const env = daemonEnvironment(editor);
    expect(env.GEMINI_API_KEY).toBeUndefined();
    expect(env.GOOGLE_API_KEY).toBeUndefined();
    expect(env).toMatchObject({ PATH: "/usr/bin", HTTPS_PROXY: "p", PYTHONUNBUFFERED: "1" });
    expect(editor.GEMINI_API_KEY).toBe("key-from-env"); // the editor's own environment is untouched
    expect(environmentApiKey(editor)).toBe("key-from-env");
    expect(environmentApiKey({ GOOGLE_API_KEY: " g " })).toBe("g");
    expect(environmentApiKey({ GEMINI_API_KEY: "" })).toBeUndefined();
  });

  it("does not count a daemon as started when its connection closed while it started", async () => {
    // languageclient 9.0.1 resolves start() with nothing in that race (e2e: a daemon that dies at once went unreported)
    const died = { start: async () => undefined, isRunning: () => false };
    await expect(startRunning(died)).rejects.toThrow("closed while it started");
    const alive = { start: async () => undefined, isRunning: () => true };
    await expect(startRunning(alive)).resolves.toBeUndefined();
    const refused = { start: async () => Promise.reject(new Error("spawn ENOENT")), isRunning: () => false };
    await expect(startRunning(refused)).rejects.toThrow("spawn ENOENT");
  });
});
