// Starts tauri-driver (which starts WebKitWebDriver, which starts the app) in its own process group and
// guarantees the whole tree is gone afterwards, so a failing test leaves no stray app or driver behind.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { WebDriver } from "./webdriver.mjs";

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ env?: NodeJS.ProcessEnv, startTimeoutMs?: number, log?: (line: string) => void }} options
 * @returns {Promise<{ url: string, driver: WebDriver, stop: () => Promise<{ killed: boolean }>, output: () => string }>}
 */
export async function startTauriDriver({ env = process.env, startTimeoutMs = 20_000, log = () => {} } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  let output = "";
  const child = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    // Own process group: killing -pid reaches WebKitWebDriver and the app too, whatever state they are in.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onData = (chunk) => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split("\n")) if (line.trim()) log(line);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exited = false;
  child.on("exit", () => (exited = true));
  const spawned = new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  await spawned;

  const pgid = child.pid;
  const stop = async () => {
    if (!groupAlive(pgid)) return { killed: false };
    process.kill(-pgid, "SIGTERM");
    for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
    if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
    for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
    if (groupAlive(pgid)) throw new Error(`process group ${pgid} survived SIGKILL`);
    return { killed: true };
  };

  const url = `http://127.0.0.1:${port}`;
  const driver = new WebDriver(url);
  try {
    await driver.waitFor(
      async () => {
        if (exited) throw new Error(`tauri-driver exited early:\n${output}`);
        return (await driver.status()) !== undefined;
      },
      { timeoutMs: startTimeoutMs, what: "tauri-driver to accept connections" },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, driver, stop, pgid, output: () => output };
}
