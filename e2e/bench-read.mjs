// The floor under any in-browser load: how long headless Chromium takes just to read a
// folder's files (no parsing), the way the app reads them (Blobs of up to 256 files / 4 MiB
// read at once), and the CPU that costs. Figures only.
// Run: DIST=... node bench-read.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openApp, walk, chromiumCpu } from './harness.mjs';

const dir = path.resolve(process.argv[2] ?? '../bench-data');
const files = walk(dir);
const srv = await serve();
const browser = await launch();
const { page } = await openApp(browser.context, srv.url);
await page.evaluate(() => {
  const input = document.createElement('input');
  input.type = 'file';
  input.webkitdirectory = true;
  input.id = 'read-bench';
  document.body.append(input);
});
const c0 = chromiumCpu().total;
const t0 = Date.now();
await page.setInputFiles('#read-bench', dir, { timeout: 600_000 }); // 100,000 paths take minutes to hand over
const picked = (Date.now() - t0) / 1000;
const { bytes, seconds } = await page.evaluate(async () => {
  const list = [...document.getElementById('read-bench').files];
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < list.length;) {
    const batch = [];
    let size = 0;
    while (i < list.length && batch.length < 256 && size < 4 << 20) { size += list[i].size; batch.push(list[i++]); }
    bytes += (await new Blob(batch).arrayBuffer()).byteLength;
  }
  return { bytes, seconds: (performance.now() - start) / 1000 };
});
const total = (Date.now() - t0) / 1000;
console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB: handing the folder to the page ${picked.toFixed(2)} s, reading every file ${seconds.toFixed(2)} s; in all ${total.toFixed(2)} s and ${(chromiumCpu().total - c0).toFixed(2)} s of Chromium CPU; load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
await browser.close();
srv.server.close();
