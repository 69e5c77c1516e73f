// A WebDriver BiDi client for Debian's firefox-esr, which Playwright cannot drive
// (extension/NATIVE-MESSAGING.md §10): the browser started headless with its remote agent, one
// session over a WebSocket (W3C WebDriver BiDi: `session.new`, `webExtension.install`,
// `browsingContext.*`, `script.evaluate`, `input.performActions`). Only what the Firefox tests use.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import WebSocket from 'ws';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

type Pending = { resolve: (value: any) => void; reject: (error: Error) => void };
export type BrowsingContext = { context: string; url: string; children?: BrowsingContext[] | null };

export class Firefox {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    readonly process: ChildProcess,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.type === 'error') waiting.reject(new Error(`${message.error}: ${message.message}`));
      else waiting.resolve(message.result);
    });
  }

  /** Starts firefox-esr headless on `profile` (a fresh folder) with `env`, and opens a session.
   *  `prefs` go into the profile's user.js. */
  static async launch(profile: string, env: NodeJS.ProcessEnv, prefs: Record<string, string | number | boolean>): Promise<Firefox> {
    await writeFile(
      path.join(profile, 'user.js'),
      Object.entries(prefs)
        .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
        .join(''),
    );
    const child = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`firefox-esr did not start its remote agent: ${output}`)), 60_000);
      child.stderr!.on('data', (chunk) => {
        output += chunk;
        const found = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`firefox-esr exited (${code}): ${output}`)));
    });
    const socket = new WebSocket(`${url}/session`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const firefox = new Firefox(child, socket);
    await firefox.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
    return firefox;
  }

  send(method: string, params: object): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Installs the unpacked extension in `dir` as a temporary add-on (no signature needed). */
  async installExtension(dir: string): Promise<string> {
    const { extension } = await this.send('webExtension.install', { extensionData: { type: 'path', path: dir } });
    return extension;
  }

  /** Every top-level browsing context (tabs and windows, the extension's own windows too). */
  async contexts(): Promise<BrowsingContext[]> {
    return (await this.send('browsingContext.getTree', {})).contexts;
  }

  async navigate(context: string, url: string) {
    await this.send('browsingContext.navigate', { context, url, wait: 'complete' });
  }

  /** Evaluates `expression` in `context` (awaiting a promise) and returns its value, which the
   *  expression must make JSON (a string, number, boolean or null). */
  async evaluate<T = unknown>(context: string, expression: string): Promise<T> {
    const answer = await this.send('script.evaluate', {
      expression,
      target: { context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (answer.type === 'exception') throw new Error(`in the page: ${answer.exceptionDetails?.text}`);
    return answer.result?.value as T;
  }

  /** Polls `expression` in `context` until it is truthy; returns its value. */
  async waitFor<T = unknown>(context: string, expression: string, what: string, timeout = 30_000): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        last = await this.evaluate(context, expression);
        if (last) return last as T;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Polls the top-level contexts until one's URL matches `pattern`. */
  async waitForContext(pattern: RegExp, what: string, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = (await this.contexts()).find((context) => pattern.test(context.url));
      if (found) return found.context;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Types `text` as a person does (trusted key events, W3C WebDriver "key" actions); `\uE007`
   *  is Enter. */
  async type(context: string, text: string) {
    const actions = [...text].flatMap((value) => [
      { type: 'keyDown', value },
      { type: 'keyUp', value },
    ]);
    await this.send('input.performActions', { context, actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  async close() {
    try {
      await this.send('browser.close', {});
    } catch {
      // The browser may close the socket before it answers.
    }
    this.socket.close();
    if (this.process.exitCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.process.kill('SIGKILL');
          resolve(undefined);
        }, 10_000);
        this.process.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  }
}
