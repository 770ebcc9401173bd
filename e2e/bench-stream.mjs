// Browser benchmark of one big file: loads FILE through the file input of the real app in
// headless Chromium and reports the load time and memory (the worker's and page's wasm
// memory, which never shrinks and so is their peak, and the peak resident size of the
// Chromium processes, sampled during the load). Not a test: figures only.
// Run with: DIST=... node bench-stream.mjs FILE
import fs from 'node:fs';
import { serve, launch, openApp, chromiumMemory, sampler } from './harness.mjs';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench-stream.mjs FILE');
const MB = (n) => +(n / 1e6).toFixed(1);

const srv = await serve();
const browser = await launch();
const { page, log } = await openApp(browser.context, srv.url);
const worker = page.workers()[0] ?? await page.waitForEvent('worker');
const wasm = async () => ({
  worker: await worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength),
  page: await page.evaluate(async () => (await window.wasmBindings.default()).memory.buffer.byteLength),
});
const idle = await chromiumMemory();
const loadSampler = sampler(200);
const t0 = Date.now();
await page.setInputFiles('[data-testid=file-input]', file);
await page.waitForSelector('[data-testid=load-status][data-state=done]', { state: 'attached', timeout: 1_800_000 });
const secs = (Date.now() - t0) / 1000;
const peak = await loadSampler.stop();
const status = await page.$eval('[data-testid=load-status]', (el) => ({ events: Number(el.dataset.events), errors: Number(el.dataset.errors) }));
const issues = await page.$$eval('[data-testid=ledger-row] .issue', (els) => els.map((e) => e.textContent));
const w = await wasm();
const size = fs.statSync(file).size;
console.log(`${file}: ${MB(size)} MB, ${status.events} events, ${status.errors} skipped, loaded in ${secs.toFixed(2)} s (${Math.round(status.events / secs)} events/s)`);
for (const i of issues) console.log(`  issue: ${i}`);
console.log(`wasm memory (its peak): worker ${MB(w.worker)} MB, page ${MB(w.page)} MB`);
console.log(`Chromium during the load: peak RSS ${MB(peak.rss)} MB, peak PSS ${MB(peak.pss)} MB (idle app: RSS ${MB(idle.rss)} MB, PSS ${MB(idle.pss)} MB)`);
if (log.errors.length) console.log('page errors:', log.errors);
await browser.close();
srv.server.close();
