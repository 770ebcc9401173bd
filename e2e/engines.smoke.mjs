// The smoke subset of the end-to-end suite in all three engines: load real files, a typed
// query, a facet click, an export, the Organization and Rules tabs. Each engine must show
// exactly what Chromium shows. Then the single-file build from disk in Firefox and WebKit
// (Chromium's is in offline.test.mjs). Run by scripts/test as its own step:
//   cd e2e && node --test engines.smoke.mjs
// (not named *.test.mjs, so the Chromium suite's `node --test` leaves it out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, fixtures, walk, root } from './harness.mjs';
import { launch } from './engines.mjs';

let srv;
before(async () => { srv = await serve(); });
after(() => srv.server.close());

const files = ['real', 'orgs'].flatMap((d) => walk(path.join(fixtures, d))
  .filter((f) => !f.endsWith('.md')).map((f) => path.join(fixtures, d, f)));

const countIs = (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n);

async function scenario(d) {
  // Exports come in parts of about 1 KiB (a test hook): the export below is several parts
  // joined into one Blob by each engine.
  await d.goto(`${srv.url}#export-part=1024`);
  await d.waitFor(() => document.querySelector('[data-testid=load-status]')?.dataset.state === 'idle');
  await d.upload('[data-testid=file-input]', files);
  await d.waitFor(() => document.querySelector('[data-testid=load-status]')?.dataset.state === 'done');
  const loaded = await d.eval(() => {
    const s = document.querySelector('[data-testid=load-status]').dataset;
    return { files: Number(s.files), events: Number(s.events), errors: Number(s.errors) };
  });
  await d.waitFor(countIs, loaded.events);
  const facet = (field) => d.eval((f) => [...document.querySelectorAll(`[data-testid=facet-value][data-field="${f}"]`)]
    .map((e) => ({ value: e.dataset.value, count: Number(e.dataset.count) })), field);

  // A typed query: a service from the facets, so its count is known before the answer.
  const [service] = await facet('eventSource');
  await d.click('[data-testid=query]');
  await d.type('[data-testid=query]', `eventSource:${service.value}`);
  await d.waitFor(countIs, service.count);

  // A facet click within it: the table shows exactly the facet's count.
  const [name] = await facet('eventName');
  await d.click(`[data-testid=facet-value][data-field=eventName][data-value="${name.value}"] .value`);
  await d.waitFor(countIs, name.count);
  // The count is drawn before the rows that answer it: wait for the table to stop being stale.
  await d.waitFor(() => document.querySelector('[data-testid=event-table]')?.dataset.stale === 'false'
    && document.querySelectorAll('[data-testid=event-row]').length > 0);
  const rows = await d.eval(() => document.querySelectorAll('[data-testid=event-row]').length);

  // Export as NDJSON: the file the page offers, caught as the page makes it (its <a
  // download> click is stopped so no browser shows a save dialog).
  await d.eval(() => {
    window.exported = [];
    const make = URL.createObjectURL;
    URL.createObjectURL = (blob) => { window.exported.push(blob); return make.call(URL, blob); };
    addEventListener('click', (e) => { if (e.target.download) e.preventDefault(); }, true);
  });
  await d.click('[data-testid=export-ndjson]');
  await d.waitFor(() => window.exported.length === 1);
  const exported = await d.eval(async () => (await window.exported[0].text()).trim().split('\n')
    .map((l) => JSON.parse(l).eventName));

  await d.click('[data-testid=tab-organization]');
  await d.waitFor(() => document.querySelector('[data-testid=orgs-view]')?.dataset.state === 'ready');
  const orgs = await d.eval(() => [...document.querySelectorAll('[data-testid=orgs-view] [data-testid]')]
    .map((e) => e.dataset.testid).sort().join(','));

  await d.click('[data-testid=tab-rules]');
  await d.waitFor(() => {
    const v = document.querySelector('[data-testid=rules-view]');
    return v && v.dataset.evaluated !== '' && v.dataset.evaluated === v.dataset.generation;
  });
  const rules = await d.eval(() => [...document.querySelectorAll('[data-testid=rule]')]
    .map((e) => `${e.dataset.name}=${e.dataset.matches}`));
  return { loaded, service, name, rows: rows > 0, exported, orgs, rules };
}

let reference;
for (const engine of ['chromium', 'firefox', 'webkit']) {
  test(`smoke in ${engine}: load, query, facet, export, Organization, Rules`, async (t) => {
    const d = await launch(engine);
    try {
      t.diagnostic(d.version);
      const seen = await scenario(d);
      assert.ok(seen.loaded.events > 0 && seen.exported.length === seen.name.count, JSON.stringify(seen.loaded));
      assert.ok(seen.exported.every((n) => n === seen.name.value));
      assert.ok(seen.rules.length > 0 && seen.orgs.includes('org-tree'), seen.orgs);
      t.diagnostic(`${seen.loaded.files} files, ${seen.loaded.events} events, ${seen.loaded.errors} skipped; `
        + `${seen.service.value} ${seen.service.count}; ${seen.name.value} ${seen.name.count}; ${seen.rules.length} rules`);
      if (engine === 'chromium') reference = seen;
      else assert.deepEqual(seen, reference, `${engine} differs from Chromium`);
      assert.deepEqual(d.errors, []);
    } finally {
      await d.close();
    }
  });
}

// The single-file build (bash scripts/build --single-file) opened from disk, as a
// colleague's double-click does: file://, no server.
const single = path.resolve(process.env.DIST ?? path.join(root, 'dist'), 'trailglass.html');
for (const engine of ['firefox', 'webkit']) {
  test(`single file from disk in ${engine}: loads a file`, async () => {
    assert.ok(fs.existsSync(single), `${single} is missing: run \`bash scripts/build --single-file\``);
    const d = await launch(engine);
    try {
      await d.goto(pathToFileURL(single).href);
      await d.waitFor(() => document.querySelector('[data-testid=load-status]')?.dataset.state === 'idle');
      await d.upload('[data-testid=file-input]', [path.join(fixtures, 'real', 'plaso', 'aws_cloudtrail.jsonl')]);
      await d.waitFor(() => document.querySelector('[data-testid=load-status]')?.dataset.state === 'done');
      assert.equal(await d.eval(() => document.querySelector('[data-testid=load-status]').dataset.events), '6');
      assert.deepEqual(d.errors, []);
    } finally {
      await d.close();
    }
  });
}
