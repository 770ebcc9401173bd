// Browser benchmark: loads a generated folder through the real UI ("Open folder") in
// headless Chromium and reports ingest time, events/s, MB/s and the worker's heap.
// Not a test: figures only. Run with scripts/bench (it generates the data first).
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { serve, launch, openApp, waitDone, walk } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const files = walk(dir);
const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
const srv = await serve();
const browser = await launch();
const { page } = await openApp(browser.context, srv.url);
const t0 = Date.now();
await page.setInputFiles('[data-testid=folder-input]', dir);
const status = await waitDone(page);
const secs = (Date.now() - t0) / 1000;
// Memory: the resident size of every Chromium process (browser, page, worker) once the
// load is done; the worker's wasm memory lives in the renderer.
const rss = execSync("ps -C chromium -o rss=").toString().split('\n').reduce((n, l) => n + (Number(l) || 0), 0);
const heap = (await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0));
// Watch rules in the worker: the saved (starter) rules run as soon as the load is done;
// then one rule is switched off and on, which re-evaluates every rule over every event.
const allCounted = () => {
  const rules = [...document.querySelectorAll('[data-testid=rule]')];
  return rules.length > 0 && rules.every((r) => r.dataset.matches !== '');
};
const r0 = Date.now();
await page.waitForFunction(allCounted, null, { timeout: 120_000 });
const rulesFirst = (Date.now() - r0) / 1000;
const rulesCount = await page.locator('[data-testid=rule]').count();
await page.click('[data-testid=tab-rules]');
const toggle = page.locator('[data-testid=rule-toggle]').first();
const r1 = Date.now();
await toggle.click();
await page.waitForFunction(allCounted, null, { timeout: 120_000 });
await toggle.click();
await page.waitForFunction(allCounted, null, { timeout: 120_000 });
const rulesAgain = (Date.now() - r1) / 2 / 1000;
console.log(JSON.stringify({
  files: status.files, events: status.events, errors: status.errors, seconds: secs,
  events_per_s: Math.round(status.events / secs), gz_mb_per_s: +(bytes / 1e6 / secs).toFixed(1),
  rules: rulesCount, rules_first_s: rulesFirst, rules_again_s: rulesAgain,
  page_js_heap_mb: +(heap / 1e6).toFixed(1), chromium_rss_mb: +(rss / 1e3).toFixed(0),
}));
await browser.close();
srv.server.close();
