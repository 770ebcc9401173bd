// Writes the built site (dist/) as one self-contained HTML file that opens from disk with
// a double-click: styles inlined, the app's module script and its wasm inlined, and the
// worker (its script and wasm) carried in the page and started from a blob: URL.
// Usage: node scripts/single-file.mjs DIST OUT   (bash scripts/build --single-file runs it)
import fs from 'node:fs';
import path from 'node:path';
import { hashInlineScripts } from './csp.mjs';

const [dist, out] = process.argv.slice(2);
if (!dist || !out) throw new Error('usage: node scripts/single-file.mjs DIST OUT');
const read = (name) => fs.readFileSync(path.join(dist, name));
const base64 = (name) => read(name).toString('base64');
let html = read('index.html').toString('utf8');

// Scripts must not close the inline element they are written into.
const inline = (text) => text.replace(/<\/(script|style)/gi, '<\\/$1');
// Base64 → bytes in the page: no fetch, so the CSP needs no connect-src at all.
const bytes = (b64) => `Uint8Array.from(atob("${b64}"), (c) => c.charCodeAt(0))`;

// Styles: each <link rel=stylesheet> becomes a <style>; preloads of the wasm and the
// module go (their content is inlined below).
const styles = [];
html = html.replace(/<link\b[^>]*>/g, (tag) => {
  const href = /href="\.\/([^"]+)"/.exec(tag)?.[1];
  if (/rel="stylesheet"/.test(tag) && href) {
    const css = read(href).toString('utf8');
    styles.push(css);
    return `<style>${inline(css)}</style>`;
  }
  return /rel="(modulepreload|preload)"/.test(tag) ? '' : tag;
});

// The start-up module: Trunk's `import init … from './app-….js'; await init({…})` becomes
// the module's own text followed by the same call with the wasm's bytes.
const startup = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
if (!startup) throw new Error(`${dist}/index.html: no start-up module script`);
const js = /from '\.\/([^']+\.js)'/.exec(startup[1])?.[1];
const wasm = /module_or_path: '\.\/([^']+\.wasm)'/.exec(startup[1])?.[1];
if (!js || !wasm) throw new Error(`${dist}/index.html: the start-up script names no module or wasm`);
const glue = read(js).toString('utf8');
if (!/function __wbg_init\b/.test(glue)) throw new Error(`${js}: not wasm-bindgen's web glue`);

// The worker: what web/worker-loader.js does, with the wasm as bytes, from a blob: URL
// (src/web/engine.rs reads trailglassWorkerUrl). Carried as text the browser never runs.
const worker = `${read('worker.js').toString('utf8')}\nwasm_bindgen({ module_or_path: ${bytes(base64('worker_bg.wasm'))} });\n`;
const module = `
window.trailglassWorkerUrl = URL.createObjectURL(new Blob(
  [document.getElementById('trailglass-worker').textContent], { type: 'text/javascript' }));
${glue}
await __wbg_init({ module_or_path: ${bytes(base64(wasm))} });
`;
html = html.replace(startup[0], () => `<script type="text/plain" id="trailglass-worker">${inline(worker)}</script>\n`
  + `<script type="module">${inline(module)}</script>`);

// The CSP: the same rules, less what a file on disk has no use for ('self', the service
// worker), plus the inline styles and scripts by hash and the worker's blob: URL.
const crypto = await import('node:crypto');
const styleHashes = [...new Set(styles)].map((css) => `'sha256-${crypto.createHash('sha256').update(inline(css)).digest('base64')}'`);
html = html.replace(/content="default-src[^"]*"/, () => `content="default-src 'none'; script-src 'wasm-unsafe-eval' 'inline-scripts'; `
  + `worker-src blob:; style-src ${styleHashes.join(' ')}; style-src-attr 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
// Scripts of the page only: the worker's carrier is not run, so it needs no hash.
html = hashInlineScripts(html.replace(/<script type="text\/plain"[\s\S]*?<\/script>/, '<!--worker-->'))
  .replace('<!--worker-->', () => `<script type="text/plain" id="trailglass-worker">${inline(worker)}</script>`);
fs.writeFileSync(out, html);
console.log(`${out}: ${(fs.statSync(out).size / 1048576).toFixed(1)} MiB, one file`);
