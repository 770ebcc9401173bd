// Drivers for the three browser engines, behind one small interface, so one scenario runs
// in each: Chromium (puppeteer-core over CDP), Firefox ESR (puppeteer-core over WebDriver
// BiDi) and WebKitGTK (WebKitWebDriver + MiniBrowser, WebDriver classic over plain HTTP,
// under a private Xvfb). Every input is a real click or key press sent by the driver.
//
// A driver has: goto(url), waitFor(fn, ...args), eval(fn, ...args), click(selector),
// type(selector, text), upload(selector, paths), viewport(w, h), close().
import { spawn } from 'node:child_process';
import net from 'node:net';
import puppeteer from 'puppeteer-core';

const TIMEOUT = 120_000;

export const ENGINES = {
  chromium: { executable: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  firefox: { executable: process.env.FIREFOX ?? '/usr/bin/firefox-esr' },
  webkit: {
    executable: process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver',
    browser: process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  },
};

export async function launch(engine) {
  if (engine === 'webkit') return webkit();
  return puppeteerDriver(engine);
}

async function puppeteerDriver(engine) {
  const options = engine === 'firefox'
    ? { browser: 'firefox', executablePath: ENGINES.firefox.executable, headless: true }
    : {
      browser: 'chrome', executablePath: ENGINES.chromium.executable, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage'],
    };
  const browser = await puppeteer.launch({ ...options, defaultViewport: { width: 1400, height: 900 } });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    name: engine,
    version: await browser.version(),
    errors,
    goto: (url) => page.goto(url),
    waitFor: (fn, ...args) => page.waitForFunction(fn, { timeout: TIMEOUT, polling: 100 }, ...args),
    eval: (fn, ...args) => page.evaluate(fn, ...args),
    click: async (selector) => { await page.waitForSelector(selector, { timeout: TIMEOUT }); await page.click(selector); },
    type: (selector, text) => page.type(selector, text),
    upload: async (selector, paths) => (await page.$(selector)).uploadFile(...paths),
    viewport: (width, height) => page.setViewport({ width, height }),
    close: () => browser.close(),
  };
}

const freePort = () => new Promise((ok, fail) => {
  const s = net.createServer();
  s.on('error', fail);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

// WebKitGTK has no headless mode: MiniBrowser draws into a private X server that this
// driver starts (-displayfd lets Xvfb pick a free display) and stops.
async function webkit() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise((ok, fail) => {
    let text = '';
    xvfb.stdio[3].on('data', (d) => { text += d; if (text.includes('\n')) ok(`:${text.trim()}`); });
    xvfb.on('exit', (code) => fail(new Error(`Xvfb exited (${code})`)));
  });
  const port = await freePort();
  const driver = spawn(ENGINES.webkit.executable, [`--port=${port}`, '--host=127.0.0.1'],
    { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  const stop = () => { driver.kill(); xvfb.kill(); };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body) => {
    const r = await fetch(base + url, {
      method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    const { value } = await r.json();
    if (value?.error) throw new Error(`WebDriver ${method} ${url}: ${value.error}: ${value.message}`);
    return value;
  };
  let session;
  for (let tries = 0; !session; tries += 1) {
    try {
      session = await call('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': { binary: ENGINES.webkit.browser, args: ['--automation'] },
          },
        },
      });
    } catch (e) {
      // The driver's port opens a moment after it starts: retry on refusal only.
      if (tries > 100 || !String(e.cause?.code ?? e).includes('ECONNREFUSED')) { stop(); throw e; }
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const s = `/session/${session.sessionId}`;
  const find = async (selector) => {
    const el = await call('POST', `${s}/element`, { using: 'css selector', value: selector });
    return Object.values(el)[0];
  };
  const run = (fn, args) => call('POST', `${s}/execute/sync`, {
    script: `return (${fn}).apply(null, arguments)`, args,
  });
  const waitFor = async (fn, ...args) => {
    const until = Date.now() + TIMEOUT;
    for (;;) {
      if (await run(fn, args)) return;
      if (Date.now() > until) throw new Error(`WebKit: timed out waiting for ${fn}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  };
  return {
    name: 'webkit',
    version: `${session.capabilities.browserName} ${session.capabilities.browserVersion}`,
    errors: [],
    goto: (url) => call('POST', `${s}/url`, { url }),
    waitFor,
    eval: (fn, ...args) => run(fn, args),
    click: async (selector) => {
      await waitFor((sel) => !!document.querySelector(sel), selector);
      await call('POST', `${s}/element/${await find(selector)}/click`, {});
    },
    type: async (selector, text) => call('POST', `${s}/element/${await find(selector)}/value`, { text }),
    upload: async (selector, paths) => call('POST', `${s}/element/${await find(selector)}/value`, { text: paths.join('\n') }),
    viewport: (width, height) => call('POST', `${s}/window/rect`, { width, height }),
    close: async () => {
      try { await call('DELETE', s); } finally { stop(); }
    },
  };
}
