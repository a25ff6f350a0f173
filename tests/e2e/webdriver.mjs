// A minimal W3C WebDriver client over fetch: the handful of endpoints the desktop tests use.
//
// Why not webdriverio: it pulls ~150 packages for what is, against tauri-driver, about a dozen HTTP calls, and
// its session handling hides the one thing these tests must control — that every session is deleted and every
// driver process killed, with a bounded timeout on each step. The protocol is small and stable; this is it.

/** The key W3C uses to mark an element reference in JSON. */
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

/** W3C key codepoints (WebDriver §17.4.2) for the keys the tests press. */
export const Keys = Object.freeze({
  Enter: "\uE007",
  Escape: "\uE00C",
  ArrowUp: "\uE013",
  ArrowDown: "\uE015",
  Home: "\uE011",
  End: "\uE010",
  Alt: "\uE00A",
  Control: "\uE009",
  PageUp: "\uE00E",
  PageDown: "\uE00F",
  F2: "\uE032",
  F5: "\uE035",
  F6: "\uE036",
  F7: "\uE037",
  F8: "\uE038",
});

export class WebDriverError extends Error {
  constructor(status, error, message) {
    super(`${error} (HTTP ${status}): ${message}`);
    this.name = "WebDriverError";
    this.error = error;
  }
}

export class WebDriver {
  /** @param {string} baseUrl e.g. http://127.0.0.1:4444 */
  constructor(baseUrl, { requestTimeoutMs = 30_000 } = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.requestTimeoutMs = requestTimeoutMs;
    this.sessionId = null;
  }

  async request(method, path, body, timeoutMs = this.requestTimeoutMs) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new WebDriverError(res.status, "invalid json", text.slice(0, 500));
    }
    const value = json.value;
    if (!res.ok || (value && typeof value === "object" && "error" in value)) {
      throw new WebDriverError(res.status, value?.error ?? "unknown error", value?.message ?? text.slice(0, 500));
    }
    return value;
  }

  session(path) {
    if (!this.sessionId) throw new Error("no WebDriver session");
    return `/session/${this.sessionId}${path}`;
  }

  async status() {
    return this.request("GET", "/status", undefined, 2_000);
  }

  async newSession(capabilities, timeoutMs = 90_000) {
    const value = await this.request("POST", "/session", { capabilities }, timeoutMs);
    this.sessionId = value.sessionId;
    return value;
  }

  /** Ends the session (which closes the app); safe to call twice or with no session. */
  async deleteSession(timeoutMs = 20_000) {
    if (!this.sessionId) return;
    const id = this.sessionId;
    this.sessionId = null;
    await this.request("DELETE", `/session/${id}`, undefined, timeoutMs);
  }

  async find(css) {
    const value = await this.request("POST", this.session("/element"), { using: "css selector", value: css });
    return value[ELEMENT_KEY];
  }

  async findAll(css) {
    const value = await this.request("POST", this.session("/elements"), { using: "css selector", value: css });
    return value.map((v) => v[ELEMENT_KEY]);
  }

  async findIn(element, css) {
    const value = await this.request("POST", this.session(`/element/${element}/element`), {
      using: "css selector",
      value: css,
    });
    return value[ELEMENT_KEY];
  }

  async text(element) {
    return this.request("GET", this.session(`/element/${element}/text`));
  }

  async attribute(element, name) {
    return this.request("GET", this.session(`/element/${element}/attribute/${encodeURIComponent(name)}`));
  }

  async click(element) {
    await this.request("POST", this.session(`/element/${element}/click`), {});
  }

  async clear(element) {
    await this.request("POST", this.session(`/element/${element}/clear`), {});
  }

  async sendKeys(element, text) {
    await this.request("POST", this.session(`/element/${element}/value`), { text });
  }

  /** Presses and releases each key in turn on whatever element has focus (W3C Actions). */
  async pressKeys(...keys) {
    const actions = keys.flatMap((k) => [
      { type: "keyDown", value: k },
      { type: "keyUp", value: k },
    ]);
    await this.request("POST", this.session("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.request("DELETE", this.session("/actions"));
  }

  /** Holds the keys down together, then lets them go (Alt+ArrowUp and the like). */
  async pressChord(...keys) {
    const actions = [...keys.map((k) => ({ type: "keyDown", value: k })), ...keys.reverse().map((k) => ({ type: "keyUp", value: k }))];
    await this.request("POST", this.session("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.request("DELETE", this.session("/actions"));
  }

  async execute(script, args = []) {
    return this.request("POST", this.session("/execute/sync"), { script, args });
  }

  async executeAsync(script, args = [], timeoutMs) {
    return this.request("POST", this.session("/execute/async"), { script, args }, timeoutMs);
  }

  async title() {
    return this.request("GET", this.session("/title"));
  }

  /** PNG bytes of the window's viewport. */
  async screenshot() {
    const b64 = await this.request("GET", this.session("/screenshot"), undefined, 30_000);
    return Buffer.from(b64, "base64");
  }

  /**
   * Polls `probe` until it returns a truthy value and returns that value; errors thrown by the probe count as
   * "not yet" (the element may not exist yet) and the last one is reported if time runs out.
   */
  async waitFor(probe, { timeoutMs = 20_000, intervalMs = 100, what = "condition" } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) {
        const cause = lastError ? `; last error: ${lastError.message}` : "";
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
