// Shared test harness: serves dist/ on 127.0.0.1 under a sub-path (so relative asset
// paths are proven), starts Debian's Chromium headless with a fresh profile, and records
// every request and page error so each test can assert that nothing left the machine.
import http from 'node:http';
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const fixtures = path.join(root, 'tests', 'fixtures');
// DIST lets parallel builds (one per developer or agent) be tested side by side.
const dist = path.resolve(process.env.DIST ?? path.join(root, 'dist'));
export const SUBPATH = '/deep/sub/path/';
const GATE = '/__test-gate/';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.png': 'image/png',
};

export async function serve() {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('dist/ is missing: run `trunk build --release` first (scripts/test does)');
  }
  const gates = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith(GATE)) {
      const g = gates.get(url.pathname.slice(GATE.length));
      if (!g) { res.writeHead(404).end(); return; }
      g.arrived(res);
      return;
    }
    if (!url.pathname.startsWith(SUBPATH)) { res.writeHead(404).end(); return; }
    const rel = decodeURIComponent(url.pathname.slice(SUBPATH.length)) || 'index.html';
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end(); return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // A gate holds a synchronous request open until the test releases it: a test blocks a
  // thread of the page (e.g. the worker) on it to hold the app in a state, with no timing.
  const gate = (name) => {
    let arrived;
    const waiting = new Promise((ok) => { arrived = ok; });
    gates.set(name, { arrived });
    return {
      url: origin + GATE + name,
      arrived: waiting.then(() => undefined),
      release: async () => { (await waiting).writeHead(200).end('open'); gates.delete(name); },
    };
  };
  return { server, origin, url: origin + SUBPATH, gate };
}

export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  return { context, close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); } };
}

/// Opens the app and records what it does: requests, page errors, dialogs, workers.
export async function openApp(context, url) {
  const page = await context.newPage();
  const log = { requests: [], errors: [], dialogs: [], beforeunload: 0, workers: 0 };
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') log.errors.push(m.text()); });
  // Leaving a page with data loaded asks first (beforeunload): counted, and accepted so
  // that a test's reload or goto goes ahead; a test that checks the question dismisses it.
  page.on('dialog', (d) => {
    if (d.type() === 'beforeunload') {
      log.beforeunload += 1;
      if (!log.stayOnLeave) d.accept();
      else d.dismiss();
      return;
    }
    log.dialogs.push(d.message());
    d.dismiss();
  });
  page.on('worker', (w) => {
    log.workers += 1;
    w.on('request', (r) => log.requests.push(r.url()));
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid=load-status][data-state=idle]', { state: 'attached' });
  return { page, log };
}

export async function waitDone(page, timeout = 60_000) {
  await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout });
  return page.$eval('[data-testid=load-status]', (el) => ({
    files: Number(el.dataset.files), events: Number(el.dataset.events), errors: Number(el.dataset.errors),
  }));
}

export async function ledger(page) {
  return page.$$eval('[data-testid=ledger-row]', (rows) => rows.map((r) => ({
    file: r.dataset.file, format: r.dataset.format, events: Number(r.dataset.events),
    skipped: Number(r.dataset.skipped), text: r.textContent,
  })));
}

/// Every file below `dir`, as paths relative to it.
export function walk(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  }).sort();
}

/// One test file's set-up: a server and a browser before the tests, and after them the
/// check that no page sent a request anywhere but our own server (logs never leave).
/// `open(hash)` opens the app in a new page whose log is checked at the end.
export function suite({ cleanup } = {}) {
  const s = { srv: null, browser: null, pages: [] };
  before(async () => { s.srv = await serve(); s.browser = await launch(); });
  after(async () => {
    for (const { log } of s.pages) {
      const foreign = log.requests.filter((u) => !u.startsWith(s.srv.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'requests to other origins');
    }
    await s.browser.close();
    s.srv.server.close();
    cleanup?.();
  });
  s.open = async (hash = '') => {
    const app = await openApp(s.browser.context, s.srv.url + hash);
    s.pages.push(app);
    return app;
  };
  return s;
}

// The processes this script started, directly or not (the browser it launched and that
// browser's children; not other Chromiums on the machine), from [pid, ppid, ...] rows.
export function descendants(procs) {
  const ours = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of procs) {
      if (ours.has(ppid) && !ours.has(pid)) { ours.add(pid); grew = true; }
    }
  }
  ours.delete(process.pid);
  return ours;
}

// CPU seconds (user + system) of every thread of the Chromium this script started, by
// thread name (the worker is a thread of the renderer: "DedicatedWorker thread"). Other
// jobs on the machine stretch wall time; CPU time they disturb far less.
export function chromiumCpu() {
  const procs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return [Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])];
    } catch { return [Number(pid), -1]; }
  });
  const ours = descendants(procs);
  const byThread = {};
  let total = 0;
  for (const pid of ours) {
    let tids = [];
    let type = 'browser';
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
      type = /--type=(\S+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1] ?? 'browser';
    } catch { continue; }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = `${type}/${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`;
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const s = (Number(f[11]) + Number(f[12])) / 100;
        total += s;
        byThread[name] = (byThread[name] ?? 0) + s;
      } catch { /* the thread ended */ }
    }
  }
  return { total, byThread };
}

// CPU seconds spent between two chromiumCpu() readings: in all, and by the busiest threads.
export function cpuBetween(a, b) {
  const threads = Object.entries(b.byThread)
    .map(([name, s]) => [name, s - (a.byThread[name] ?? 0)])
    .filter(([, s]) => s >= 0.05)
    .sort((x, y) => y[1] - x[1]);
  return { total: +(b.total - a.total).toFixed(2), threads: threads.slice(0, 8).map(([n, s]) => `${n} ${s.toFixed(2)} s`).join(', ') };
}

// Every process of the browser this script started (its descendants: browser, renderer,
// utilities; not other Chromiums on the machine): the sum of resident sizes counts shared
// pages once per process; the sum of proportional sizes (PSS) splits them, so it is the
// fairer total. Both in bytes.
export async function chromiumMemory() {
  const { stdout } = await promisify(exec)('ps -eo pid=,ppid=,rss=,comm=,args=');
  const procs = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, kb, comm, ...args]) => [Number(pid), Number(ppid), Number(kb), comm,
      /--type=(\S+)/.exec(args.join(' '))?.[1] ?? 'browser']);
  const ours = descendants(procs);
  let rss = 0;
  let pss = 0;
  const byType = {};
  for (const [pid, , kb, comm, type] of procs) {
    if (comm !== 'chromium' || !ours.has(pid)) continue;
    rss += kb * 1024;
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const p = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
      pss += p;
      byType[type] = +(((byType[type] ?? 0) * 1e6 + p) / 1e6).toFixed(1);
    } catch { /* the process exited between ps and here */ }
  }
  return { rss, pss, byType };
}

// The app's memory, as a function to call whenever (`.afterGc()` collects garbage first): the worker's and the page's wasm
// memory (which never shrinks: its size is the peak) and JS heaps in bytes, and every
// Chromium process's (chromiumMemory). JS heaps come through the DevTools protocol: the
// page's directly, the worker's through the page's auto-attached worker target.
export async function appMemory(page) {
  const worker = page.workers()[0] ?? await page.waitForEvent('worker');
  const cdp = await page.context().newCDPSession(page);
  const workerSessions = [];
  cdp.on('Target.attachedToTarget', (e) => { if (e.targetInfo.type === 'worker') workerSessions.push(e.sessionId); });
  const replies = new Map();
  let nextId = 1;
  cdp.on('Target.receivedMessageFromTarget', (e) => { const m = JSON.parse(e.message); replies.get(m.id)?.(m.result); });
  const askWorker = (method) => new Promise((ok) => {
    const id = nextId++;
    replies.set(id, ok);
    cdp.send('Target.sendMessageToTarget', { sessionId: workerSessions[0], message: JSON.stringify({ id, method, params: {} }) });
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let i = 0; i < 50 && workerSessions.length === 0; i++) await new Promise((ok) => setTimeout(ok, 100));
  // `wasm_bindgen()` / the module's default export return the already initialised
  // instance's exports.
  const sample = async () => {
    const [workerWasm, pageWasm, pageHeap, workerHeap, procs] = await Promise.all([
      worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength),
      page.evaluate(async () => (await window.wasmBindings.default()).memory.buffer.byteLength),
      cdp.send('Runtime.getHeapUsage'),
      workerSessions.length ? askWorker('Runtime.getHeapUsage') : Promise.resolve({ usedSize: 0 }),
      chromiumMemory(),
    ]);
    return { workerWasm, pageWasm, pageHeap: pageHeap.usedSize, workerHeap: workerHeap.usedSize, procs };
  };
  // A full garbage collection in the page and the worker first: what is left is held.
  sample.afterGc = async () => {
    await Promise.all([cdp.send('HeapProfiler.collectGarbage'),
      workerSessions.length ? askWorker('HeapProfiler.collectGarbage') : null]);
    return sample();
  };
  return sample;
}

// Samples chromiumMemory() until stopped; keeps the peaks.
export function sampler(everyMs = 250) {
  const peak = { rss: 0, pss: 0 };
  let running = true;
  const done = (async () => {
    while (running) {
      const m = await chromiumMemory();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.pss = Math.max(peak.pss, m.pss);
      await new Promise((ok) => setTimeout(ok, everyMs));
    }
  })();
  return { stop: async () => { running = false; await done; return peak; } };
}

// Holds the page's worker on a gate (a synchronous request the test server answers only
// when released): whatever the worker is asked meanwhile waits, so a test can act while
// a load is certainly still running. `held` settles with 'open' once released.
export async function holdWorker(srv, page, name) {
  const worker = page.workers()[0] ?? await page.waitForEvent('worker');
  const gate = srv.gate(name);
  const held = worker.evaluate((url) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url, false);
    xhr.send();
    return xhr.responseText;
  }, gate.url);
  await gate.arrived;
  return { held, release: gate.release };
}

// Drops `n` small one-record CloudTrail files on the page (eventIDs `prefix-0`…).
export function dropSmallFiles(page, n, prefix) {
  return page.evaluate(([n, prefix]) => {
    const dt = new DataTransfer();
    for (let i = 0; i < n; i++) {
      const rec = { eventVersion: '1.08', eventID: `${prefix}-${i}`, eventTime: '2024-03-01T00:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' };
      dt.items.add(new File([JSON.stringify({ Records: [rec] })], `f${i}.json`));
    }
    document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [n, prefix]);
}

// Drops `n` small files while the worker is held, clicks Cancel once the load runs, then
// lets the worker go: the load ends at the batch in flight. The load's status when done.
export async function dropAndCancel(srv, page, n, prefix) {
  const gate = await holdWorker(srv, page, prefix);
  await dropSmallFiles(page, n, prefix);
  await page.waitForSelector('[data-testid=load-status][data-state=loading]', { state: 'attached' });
  await page.click('[data-testid=cancel]');
  await page.waitForSelector('[data-testid=cancel]:disabled', { state: 'attached' });
  await gate.release();
  if (await gate.held !== 'open') throw new Error('the worker was not held');
  return waitDone(page);
}
