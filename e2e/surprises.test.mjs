// The page never surprises: one test per finding of the "page never surprises" issue, each
// driven with real keys and clicks. Back keeps the data, the box keeps what was typed,
// mistakes are named where they are, drill-downs are queries in the address, and the
// honest states (cancelled load, waiting link, sample over real files) say what they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { suite, waitDone, fixtures, dropAndCancel } from './harness.mjs';

const env = suite();

const count = (page) => page.$eval('[data-testid=match-count]', (el) => el.dataset.count);
const untilCount = (page, n) => page.waitForFunction(
  (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), n);
const queryText = (page) => page.inputValue('[data-testid=query]');
const hashParams = (page) => page.evaluate(() => Object.fromEntries(location.hash.slice(1).split('&')
  .filter(Boolean).map((i) => { const k = i.indexOf('='); return k < 0 ? [i, ''] : [i.slice(0, k), decodeURIComponent(i.slice(k + 1))]; })));
const activeTab = (page) => page.$eval('.tab.active', (el) => el.dataset.testid);
const rowIds = (page) => page.$$eval('[data-testid=event-row]', (els) => els.map((e) => e.dataset.eventId));

async function sample(page) {
  await page.click('[data-testid=load-sample]');
  return waitDone(page);
}

// Types into the query box as a person does (focus, then keys).
async function typeQuery(page, text) {
  await page.click('[data-testid=query]');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

test('1. Back and Forward move between views and never leave the loaded data', async () => {
  const { page, log } = await env.open();
  const { events } = await sample(page);
  await page.click('[data-testid=tab-organization]');
  await page.waitForSelector('[data-testid=orgs-view][data-state=ready]');
  assert.equal((await hashParams(page)).tab, 'organization');
  const button = page.locator('[data-testid=account-creation] [data-testid=show-events]').first();
  const n = Number(await button.getAttribute('data-count'));
  await button.click();
  await untilCount(page, n);
  assert.equal(await activeTab(page), 'tab-events');
  assert.match((await hashParams(page)).q, /^lifecycle:car-/);

  // Back: the Organization tab again, data still there.
  await page.goBack();
  await page.waitForSelector('[data-testid=orgs-view][data-state=ready]');
  assert.equal(await activeTab(page), 'tab-organization');
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-events'), String(events));
  // Back: the first view (all events).
  await page.goBack();
  await untilCount(page, events);
  assert.equal(await activeTab(page), 'tab-events');
  // Forward twice: the drill-down again.
  await page.goForward();
  await page.waitForSelector('[data-testid=orgs-view][data-state=ready]');
  await page.goForward();
  await untilCount(page, n);
  assert.match(await queryText(page), /^lifecycle:car-/);

  // A rule's "show matches" is a query in the address too.
  await page.click('[data-testid=tab-rules]');
  assert.equal((await hashParams(page)).tab, 'rules');
  await page.click('[data-testid=rule][data-name="Account created"] [data-testid=rule-show]');
  await page.waitForFunction(() => document.querySelector('[data-testid=query]').value === 'rule:"Account created"');
  assert.equal((await hashParams(page)).q, 'rule:"Account created"');
  await page.goBack();
  assert.equal(await activeTab(page), 'tab-rules');

  // Back past the first view stays in the app (a history entry guards the data)…
  await page.goBack(); // the drill-down
  await page.goBack(); // the Organization tab
  await page.goBack(); // the first view
  await page.goBack(); // the guard
  assert.ok(page.url().startsWith(env.srv.url), page.url());
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-events'), String(events));
  // …and leaving asks first.
  log.stayOnLeave = true;
  const before = log.beforeunload;
  await page.goto('about:blank', { timeout: 10_000 }).catch(() => {});
  assert.equal(log.beforeunload, before + 1);
  assert.ok(page.url().startsWith(env.srv.url), page.url());
  assert.deepEqual(log.errors, []);
});

test('2. Escape closes the suggestions and leaves the text alone', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await typeQuery(page, 'eventName:Creat');
  await page.waitForSelector('[data-testid=suggestions]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=suggestions]', { state: 'detached' });
  assert.equal(await queryText(page), 'eventName:Creat');
  // Enter then runs what is typed: no suggestion is taken.
  await page.keyboard.press('Enter');
  await untilCount(page, 0);
  assert.equal(await queryText(page), 'eventName:Creat');
  assert.deepEqual(log.errors, []);
});

test('3. The suggestion list never lies over the facets when the box is empty', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await typeQuery(page, 'e');
  await page.waitForSelector('[data-testid=suggestions]');
  await page.keyboard.press('Backspace');
  // Empty box, still focused: nothing to offer, no list.
  await page.waitForSelector('[data-testid=suggestions]', { state: 'detached' });
  // The table answers the (empty) box before the facets are read.
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  const first = page.locator('[data-testid=facet-value][data-field=eventSource]').first();
  const value = await first.getAttribute('data-value');
  await first.click();
  await page.waitForFunction((v) => document.querySelector('[data-testid=query]').value === `eventSource:${v}`, value);
  assert.ok(!(await queryText(page)).includes('identityType'));
  assert.deepEqual(log.errors, []);
});

test('4. Enter runs exactly what was typed; Tab takes a suggestion', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await typeQuery(page, 'eventName:Describe');
  await page.keyboard.press('Enter');
  await untilCount(page, 0);
  assert.equal(await queryText(page), 'eventName:Describe');
  await typeQuery(page, 'account:1111');
  await page.keyboard.press('Enter');
  await untilCount(page, 0);
  assert.equal(await queryText(page), 'account:1111');
  // Tab takes the active suggestion.
  await typeQuery(page, 'eventNa');
  await page.waitForSelector('[data-testid=suggestion][data-text=eventName]');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid=query]').value === 'eventName:');
  assert.deepEqual(log.errors, []);
});

test('5. Unknown fields and unsupported syntax are named where they are', async () => {
  const { page, log } = await env.open();
  await sample(page);
  const cases = [
    ['eventNmae:CreateAccount', 'eventNmae', /did you mean eventName\?/],
    ['foo:bar', 'foo', /no field foo in the loaded events/],
    ['eventName:/Delete.*/', '/Delete.*/', /regular expressions are not supported/],
  ];
  for (const [q, word, message] of cases) {
    await typeQuery(page, q);
    await page.keyboard.press('Enter');
    const error = page.locator('[data-testid=query-error]');
    await page.waitForFunction((w) => document.querySelector('[data-testid=query-error]')?.dataset.word === w, word);
    assert.match(await error.textContent(), message);
    // The word is underlined in the box, at its place.
    const mark = page.locator('[data-testid=query-underline]');
    assert.equal(await mark.textContent(), word);
    assert.equal(Number(await mark.getAttribute('data-start')), q.indexOf(word));
  }
  assert.deepEqual(log.errors, []);
});

test('6. A broken query shows no stale answer and marks the box', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await typeQuery(page, 'eventName:Create*');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=match-count]').dataset.count) > 0);
  assert.equal(await page.getAttribute('[data-testid=event-table]', 'data-stale'), 'false');
  await page.keyboard.type(' errorCode:');
  await page.waitForSelector('[data-testid=event-table][data-stale=true]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 0);
  assert.equal(await count(page), '');
  const input = page.locator('[data-testid=query]');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await input.getAttribute('aria-describedby'), 'query-error');
  assert.equal(await page.getAttribute('#query-error', 'data-testid'), 'query-error');
  assert.equal(await page.locator('[data-testid=query-underline]').count(), 1);
  // Fixing it brings the rows back, current.
  await page.keyboard.type('*');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  assert.ok(Number(await count(page)) > 0);
  assert.equal(await input.getAttribute('aria-invalid'), 'false');
  assert.deepEqual(log.errors, []);
});

test('7. Drill-downs are queries a link restores; ±5 min marks the starting event', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await page.click('[data-testid=tab-organization]');
  const button = page.locator('[data-testid=account-creation] [data-testid=show-events]').first();
  const n = Number(await button.getAttribute('data-count'));
  const expected = await button.getAttribute('data-query');
  await button.click();
  await untilCount(page, n);
  assert.equal(await queryText(page), expected);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, n);
  const ids = (await rowIds(page)).sort();
  assert.equal(ids.length, n);
  // The address alone, in a new tab, with the same data: the same events.
  const link = page.url();
  const other = await env.open(new URL(link).hash);
  await other.page.waitForSelector('[data-testid=waiting-view]');
  await sample(other.page);
  await untilCount(other.page, n);
  await other.page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, n);
  assert.deepEqual((await rowIds(other.page)).sort(), ids);
  assert.equal(await queryText(other.page), expected);

  // ±5 min, same principal: the starting event is selected in the new view.
  const row = page.locator('[data-testid=event-row]').first();
  const id = await row.getAttribute('data-event-id');
  await row.click();
  await page.waitForSelector(`[data-testid=detail][data-event-id="${id}"]`);
  await page.click('[data-testid=context-principal]');
  await page.waitForFunction(() => document.querySelector('[data-testid=query]').value.startsWith('eventTime:['));
  await page.waitForSelector(`[data-testid=event-row].selected[data-event-id="${id}"]`);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(other.log.errors, []);
});

test('8. A cancelled load says it was cut short and how to finish it', async () => {
  const { page, log } = await env.open();
  const status = await dropAndCancel(env.srv, page, 2000, 'i');
  assert.ok(status.files < 2000);
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-interrupted'), 'true');
  const note = await page.textContent('[data-testid=load-interrupted]');
  assert.match(note, /Load cancelled/);
  assert.match(note, /of 2,000 files/);
  assert.match(note, /load the same files again/);
  assert.deepEqual(log.errors, []);
});

test('9. A link to a view says, before its files are loaded, that it waits for them', async () => {
  const { page, log } = await env.open('#q=eventName%3ACreateAccount&sel=abc');
  const waiting = await page.waitForSelector('[data-testid=waiting-view]');
  assert.match(await waiting.textContent(), /eventName:CreateAccount/);
  assert.match(await waiting.textContent(), /load the same files/);
  await sample(page);
  assert.equal(await page.locator('[data-testid=waiting-view]').count(), 0);
  assert.equal(await queryText(page), 'eventName:CreateAccount');
  assert.deepEqual(log.errors, []);
});

test('10. The sample is never mixed silently into real files', async () => {
  const { page, log } = await env.open();
  await page.setInputFiles('[data-testid=file-input]', path.join(fixtures, 'real/loki/cloudtrail-log-file.json.gz'));
  const real = await waitDone(page);
  assert.equal(real.events, 2);
  await page.click('[data-testid=load-sample]');
  await page.waitForSelector('[data-testid=confirm-sample]');
  await page.click('[data-testid=sample-cancel]');
  await page.waitForSelector('[data-testid=confirm-sample]', { state: 'detached' });
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-events'), '2');
  // Replace: only the sample afterwards.
  await page.click('[data-testid=load-sample]');
  await page.click('[data-testid=sample-replace]');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=load-status]');
    return s.dataset.state === 'done' && Number(s.dataset.events) > 400;
  });
  const ledger = await page.$$eval('[data-testid=ledger-row]', (rows) => rows.map((r) => r.dataset.file));
  assert.ok(!ledger.includes('cloudtrail-log-file.json.gz'), ledger.join());
  assert.deepEqual(log.errors, []);
});

test('11. The address carries the rules only when they differ from the starters', async () => {
  const { page, log } = await env.open();
  await sample(page);
  await page.click('[data-testid=tab-rules]');
  await page.waitForSelector('[data-testid=rule]');
  assert.equal((await hashParams(page)).rules, undefined);
  assert.ok(page.url().length < 300, page.url());
  await page.click('[data-testid=rule][data-name="Account created"] [data-testid=rule-toggle]');
  await page.waitForFunction(() => location.hash.includes('rules='));
  await page.click('[data-testid=rule][data-name="Account created"] [data-testid=rule-toggle]');
  await page.waitForFunction(() => !location.hash.includes('rules='));
  assert.deepEqual(log.errors, []);
});

test('12. The table fits: sortable, resizable columns, a closable pane, readable badges, local time, the file', async () => {
  const { page, log } = await env.open();
  await sample(page);
  const table = page.locator('[data-testid=event-table]');
  const box = await table.boundingBox();
  // Every default column is in sight, and the account number is whole.
  for (const col of ['account', 'region', 'error']) {
    const head = await page.locator(`.event-head .head-cell[data-column=${col}]`).boundingBox();
    assert.ok(head.x + head.width <= box.x + box.width + 1, `${col} header off-screen`);
  }
  const cut = await page.$$eval('[data-testid=event-row] .c-account', (cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).length);
  assert.equal(cut, 0);
  // No selection, no pane; a selection opens it, × closes it.
  assert.equal(await page.locator('[data-testid=detail-pane]').count(), 0);
  await page.locator('[data-testid=event-row]').first().click();
  await page.waitForSelector('[data-testid=detail-pane]');
  assert.match(await page.textContent('[data-testid=detail-file]'), /sample\/org-history\.json/);
  // Drag the pane's edge: it widens.
  const pane = await page.locator('[data-testid=detail-pane]').boundingBox();
  const edge = await page.locator('[data-testid=detail-resize]').boundingBox();
  await page.mouse.move(edge.x + edge.width / 2, edge.y + 100);
  await page.mouse.down();
  await page.mouse.move(edge.x - 120, edge.y + 100, { steps: 4 });
  await page.mouse.up();
  const wider = await page.locator('[data-testid=detail-pane]').boundingBox();
  assert.ok(wider.width > pane.width + 100, `${pane.width} -> ${wider.width}`);
  await page.click('[data-testid=detail-close]');
  await page.waitForSelector('[data-testid=detail-pane]', { state: 'detached' });

  // Any column sorts: Account, A→Z, then Z→A.
  await page.click('[data-testid=sort-toggle][data-column=account]');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('by') === 'account');
  await page.waitForSelector('[data-testid=event-table][data-stale=false]');
  const accounts = async () => page.$$eval('[data-testid=event-row] .c-account', (c) => c.map((e) => e.textContent));
  await page.waitForFunction(() => {
    const a = [...document.querySelectorAll('[data-testid=event-row] .c-account')].map((e) => e.textContent);
    return a.length > 10 && a.every((v, i) => i === 0 || a[i - 1] <= v || v === '');
  });
  const up = (await accounts()).filter(Boolean);
  assert.deepEqual(up, [...up].sort());
  await page.click('[data-testid=sort-toggle][data-column=account]');
  await page.waitForFunction((first) => document.querySelector('[data-testid=event-row] .c-account')?.textContent !== first, up[0]);
  assert.equal(await page.getAttribute('.event-head .head-cell[data-column=account]', 'aria-sort'), 'descending');

  // Columns resize by dragging their header's edge.
  const region = await page.locator('.event-head .head-cell[data-column=region]').boundingBox();
  const handle = await page.locator('[data-testid=column-resize][data-column=region]').boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + 80, handle.y + handle.height / 2, { steps: 4 });
  await page.mouse.up();
  const widened = await page.locator('.event-head .head-cell[data-column=region]').boundingBox();
  assert.ok(widened.width > region.width + 60, `${region.width} -> ${widened.width}`);

  // Badges keep the event name whole and say their rule.
  await page.waitForSelector('[data-testid=event-row] [data-testid=rule-badge]');
  const badge = page.locator('[data-testid=event-row] [data-testid=rule-badge]').first();
  assert.match(await badge.getAttribute('title'), /^rule: /);
  const names = await page.$$eval('[data-testid=event-row] .c-name.with-rules .name', (n) => n.filter((e) => e.scrollWidth > e.clientWidth).length);
  assert.equal(names, 0);

  // Local time: the header and the cells say so.
  await page.click('[data-testid=local-time]');
  await page.waitForFunction(() => document.querySelector('.event-head .head-cell[data-column=time]').textContent.includes('local'));
  assert.match(await page.textContent('[data-testid=event-row] .c-time'), /[+-]\d\d:\d\d$/);

  // The file column.
  await page.click('[data-testid=columns-button]');
  await page.click('[data-testid=column-option][data-column=file]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=event-row] .c-file')].some((c) => c.textContent.length > 0));
  assert.deepEqual(log.errors, []);
});
