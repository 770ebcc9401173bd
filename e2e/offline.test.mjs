// Sharing: after one visit the site opens and works with no network (its service worker
// keeps the app shell); the single-file build opens from disk; the Content-Security-
// Policy is the strictest the app runs under, and nothing is fetched but the app's own
// files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, launch, openApp, waitDone, fixtures, root } from './harness.mjs';

const dist = path.resolve(process.env.DIST ?? path.join(root, 'dist'));
const FILE = path.join(fixtures, 'real', 'plaso', 'aws_cloudtrail.jsonl');

test('after the first visit the page opens and loads files with no network', async () => {
  const srv = await serve();
  const browser = await launch();
  try {
    const { page, log } = await openApp(browser.context, srv.url);
    // The service worker is installed (the shell is kept) and controls the page.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${srv.url}sw.js`);

    // No network at all: the server is gone and the browser is offline.
    await browser.context.setOffline(true);
    srv.server.closeAllConnections();
    await new Promise((ok) => srv.server.close(ok));
    assert.equal(await page.evaluate((u) => fetch(u).then(() => 'reached', () => 'unreachable'), `${srv.origin}/elsewhere`), 'unreachable');

    await page.reload();
    await page.waitForSelector('[data-testid=load-status][data-state=idle]', { state: 'attached' });
    await page.setInputFiles('[data-testid=file-input]', FILE);
    assert.equal((await waitDone(page)).events, 6);
    await page.click('[data-testid=tab-organization]');
    await page.waitForSelector('[data-testid=orgs-view]', { state: 'attached' });
    // The only errors are the one fetch above that had to fail.
    assert.ok(log.errors.every((e) => /elsewhere|ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), log.errors.join('\n'));
  } finally {
    await browser.close();
  }
});

function csp(html) {
  const meta = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(meta, 'the page has a CSP');
  return Object.fromEntries(meta[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
}

test('the built page\'s CSP: nothing inline but hashed scripts, nothing from elsewhere', () => {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const p = csp(html);
  assert.deepEqual(p['default-src'], ["'none'"]);
  assert.deepEqual(p['connect-src'], ["'self'"]);
  assert.deepEqual(p['worker-src'], ["'self'"]);
  assert.deepEqual(p['style-src'], ["'self'"]);
  assert.deepEqual(p['base-uri'], ["'none'"]);
  assert.deepEqual(p['form-action'], ["'none'"]);
  const scripts = p['script-src'];
  assert.deepEqual(scripts.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  assert.ok(scripts.slice(2).length >= 1 && scripts.slice(2).every((s) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(s)), scripts.join(' '));
  for (const v of Object.values(p).flat()) {
    assert.ok(!["'unsafe-eval'", 'blob:', '*', 'http:', 'https:'].includes(v), v);
  }
  assert.ok(!p['script-src'].includes("'unsafe-inline'"));
});

test('every request after load is one of the app\'s own files, and the CSP refuses nothing', async () => {
  const srv = await serve();
  const browser = await launch();
  try {
    const all = [];
    browser.context.on('request', (r) => all.push(r.url()));
    const { page, log } = await openApp(browser.context, srv.url);
    await page.click('[data-testid=load-sample]');
    const sample = await waitDone(page);
    await page.setInputFiles('[data-testid=file-input]', FILE);
    await page.waitForFunction((n) => {
      const s = document.querySelector('[data-testid=load-status]').dataset;
      return s.state === 'done' && Number(s.events) === n;
    }, sample.events + 6);
    await page.click('[data-testid=event-row]');
    await page.waitForSelector('[data-testid=detail]');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export-csv]');
    await download;
    await page.click('[data-testid=tab-organization]');
    await page.waitForSelector('[data-testid=orgs-view][data-state=ready]', { state: 'attached' });
    await page.click('[data-testid=tab-rules]');
    await page.waitForSelector('[data-testid=rules-view]');
    const requests = [...new Set([...all, ...log.requests])];
    const foreign = requests.filter((u) => !u.startsWith(srv.url) && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    const files = new Set(fs.readdirSync(dist));
    for (const u of requests.filter((r) => r.startsWith(srv.url))) {
      const name = new URL(u).pathname.slice(new URL(srv.url).pathname.length) || 'index.html';
      assert.ok(files.has(name), `${u} is not a file of the app`);
    }
    assert.deepEqual(log.errors, []);
  } finally {
    await browser.close();
    srv.server.close();
  }
});

test('the single-file build opens from disk (file://) and loads files', async () => {
  const file = path.join(dist, 'trailglass.html');
  assert.ok(fs.existsSync(file), 'dist/trailglass.html is missing: run `bash scripts/build --single-file`');
  const html = fs.readFileSync(file, 'utf8');
  // One file: nothing it names is outside it.
  assert.equal([...html.matchAll(/(?:src|href)="\.?\/?[\w-]+\.(?:js|wasm|css)"/g)].length, 0);
  const p = csp(html);
  assert.ok(!p['script-src'].includes("'unsafe-inline'"));
  assert.deepEqual(p['worker-src'], ['blob:']);
  const browser = await launch();
  try {
    const { page, log } = await openApp(browser.context, pathToFileURL(file).href);
    await page.setInputFiles('[data-testid=file-input]', FILE);
    assert.equal((await waitDone(page)).events, 6);
    await page.click('[data-testid=event-row]');
    await page.waitForSelector('[data-testid=detail]');
    assert.ok(log.workers >= 1);
    const foreign = log.requests.filter((u) => u !== pathToFileURL(file).href && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.deepEqual(log.errors, []);
  } finally {
    await browser.close();
  }
});
