// Export benchmark: loads a generated folder through the real UI ("Open folder") in
// headless Chromium, then exports every event as JSON with a real click, and reports the
// export's time and what it cost in memory: the worker's and the page's wasm memory and
// JS heaps before and after, and the tab's (renderer's) and the whole browser's
// proportional set size, peak during the export. Not a test: figures only.
// Usage: node e2e/bench-export.mjs DIR   (DIST=… picks the build, as for the tests;
// EXPORT_PART=BYTES sets the part size through the page's test hook)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, appMemory, chromiumMemory } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const MB = (n) => (n / 1e6).toFixed(1);

const srv = await serve();
const browser = await launch();
const part = process.env.EXPORT_PART;
const { page } = await openApp(browser.context, srv.url + (part ? `#export-part=${part}` : ''));
const memory = await appMemory(page);

await page.setInputFiles('[data-testid=folder-input]', dir, { timeout: 600_000 }); // 100,000 paths take minutes to hand over
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 1_800_000 });
const events = await page.$eval('[data-testid=load-status]', (el) => Number(el.dataset.events));
// The Events tab has answered: its count is every event.
await page.waitForFunction((n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n),
  events, { timeout: 600_000 });
const before = await memory();

// Peaks of the renderer (the tab: page and worker) and of every Chromium process.
const peak = { renderer: 0, all: 0 };
let sampling = true;
const sampled = (async () => {
  while (sampling) {
    const m = await chromiumMemory();
    peak.renderer = Math.max(peak.renderer, (m.byType.renderer ?? 0) * 1e6);
    peak.all = Math.max(peak.all, m.pss);
    await new Promise((ok) => setTimeout(ok, 100));
  }
})();
// The page's main thread during the export: its long tasks (over 50 ms), as a user would
// feel them.
await page.evaluate(() => {
  window.longTasks = [];
  new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration)))
    .observe({ type: 'longtask' });
});
const t0 = Date.now();
const [download] = await Promise.all([
  page.waitForEvent('download', { timeout: 1_800_000 }),
  page.click('[data-testid=export-json]'),
]);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-bench-export-')), download.suggestedFilename());
await download.saveAs(file);
const seconds = (Date.now() - t0) / 1000;
sampling = false;
await sampled;
const after = await memory();
const longTasks = await page.evaluate(() => window.longTasks);
// What the tab still holds once the page's and the worker's dead JS copies of the parts
// are collected (V8 collects them in batches, so the figures above include some).
const collected = await memory.afterGc();
const bytes = fs.statSync(file).size;
fs.rmSync(path.dirname(file), { recursive: true, force: true });

const line = (what, b, a) => console.log(`${what}: ${MB(b)} MB before, ${MB(a)} MB after (+${MB(a - b)} MB)`);
console.log(`events: ${events} (${dir})${part ? `, parts of ${part} bytes` : ''}`);
console.log(`JSON export: ${MB(bytes)} MB in ${seconds.toFixed(2)} s (click to file saved)`);
console.log(`page long tasks during the export: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms`);
line('worker wasm memory', before.workerWasm, after.workerWasm);
line('page wasm memory', before.pageWasm, after.pageWasm);
line('worker JS heap', before.workerHeap, after.workerHeap);
line('page JS heap', before.pageHeap, after.pageHeap);
console.log(`tab (renderer) PSS: ${MB(before.procs.byType.renderer * 1e6)} MB before, peak ${MB(peak.renderer)} MB during (+${MB(peak.renderer - before.procs.byType.renderer * 1e6)} MB), ${MB(after.procs.byType.renderer * 1e6)} MB after`);
console.log(`tab (renderer) PSS after a garbage collection: ${MB(collected.procs.byType.renderer * 1e6)} MB (+${MB((collected.procs.byType.renderer - before.procs.byType.renderer) * 1e6)} MB)`);
console.log(`all Chromium PSS: ${MB(before.procs.pss)} MB before, peak ${MB(peak.all)} MB during (+${MB(peak.all - before.procs.pss)} MB), ${MB(after.procs.pss)} MB after (the browser process holds the file's Blob until the page lets it go)`);
await browser.close();
srv.server.close();
