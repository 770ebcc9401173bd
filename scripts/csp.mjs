// Trunk post_build hook (Trunk.toml): the Content-Security-Policy allows the page's inline
// scripts by their SHA-256 hashes instead of 'unsafe-inline'. Trunk writes one inline
// module script (the app's start-up) whose file names change with every build, so the
// hash is taken from the built page: the CSP's 'inline-scripts' placeholder becomes the
// hashes of every inline <script> in it. scripts/single-file.mjs uses the same function.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PLACEHOLDER = "'inline-scripts'";

export function hashInlineScripts(html) {
  if (!html.includes(PLACEHOLDER)) throw new Error(`index.html: the CSP has no ${PLACEHOLDER} placeholder`);
  const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .filter(([tag, body]) => body.trim() !== '' && !/\bsrc=/.test(tag.slice(0, tag.indexOf('>'))))
    .map(([, body]) => `'sha256-${crypto.createHash('sha256').update(body).digest('base64')}'`);
  return html.replace(PLACEHOLDER, [...new Set(hashes)].join(' '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.env.TRUNK_STAGING_DIR;
  if (!dir) throw new Error('scripts/csp.mjs runs as a Trunk post_build hook (TRUNK_STAGING_DIR unset)');
  const file = path.join(dir, 'index.html');
  fs.writeFileSync(file, hashInlineScripts(fs.readFileSync(file, 'utf8')));
}
