// The Rules panel in the real app in headless Chromium: EventBridge patterns over the
// sample history, live validation, the Events tab filtered to a rule, badges, on/off,
// persistence (localStorage, the page address), export/import, and deduplication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, waitDone } from './harness.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trailglass-rules-'));
const env = suite({ cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) });

const STORAGE_KEY = 'trailglass.rules.v1';

// The starter rules' matches over the sample, derived from src/sample.rs's story (not from
// our output). The sample's 400 noise events never call the Organizations APIs these name
// (only DescribeOrganization, ListAccounts, ListPoliciesForTarget).
const STARTER = {
  // CreateAccount ×4 (prod, staging, sandbox, analytics) + 1 refused (shadow-it),
  // CreateAccountResult ×3 (2 SUCCEEDED, 1 FAILED; analytics never completes).
  'Account created': 8,
  // The denied LeaveOrganization, RemoveAccountFromOrganization, AccountDepartedOrganization.
  'Account left or was removed from the organization': 3,
  // InviteAccountToOrganization ×5, AcceptHandshake ×1.
  'Invitation sent or accepted': 6,
  'Policy detached or policy type disabled': 0,
  'Organizational unit deleted': 0,
  'All features enabled': 0,
  'Delegated administrator changed': 0,
  // CreateAccount 5, CreateOrganizationalUnit 1, InviteAccountToOrganization 5,
  // AcceptHandshake 1, DeclineHandshake 1, MoveAccount 1, CreatePolicy 1, AttachPolicy 1,
  // LeaveOrganization 1, RemoveAccountFromOrganization 1 (CancelHandshake is not listed).
  'AWS Organizations changes (CIS)': 18,
};
const ROOT = 'Root user activity';
const FAILED = 'Failed Organizations calls';

/// Opens the app with an empty rule store (the profile is shared by the tests of a file).
async function open(hash = '', { keepStorage = false } = {}) {
  const app = await env.open(hash);
  // The Rules panel reads storage when it opens, so clearing now is early enough.
  if (!keepStorage) await app.page.evaluate(() => localStorage.clear());
  return app;
}

async function loadSample(page, filesAfter = 1) {
  await page.click('[data-testid=load-sample]');
  await page.waitForFunction((n) => {
    const s = document.querySelector('[data-testid=load-status]');
    return s.dataset.state === 'done' && s.dataset.files === String(n);
  }, filesAfter, { timeout: 60_000 });
  return waitDone(page);
}

/// Opens the Rules tab and waits until the worker's answer for the current rules is shown.
async function openRules(page) {
  await page.click('[data-testid=tab-rules]');
  await settled(page);
}

async function settled(page) {
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid=rules-view]');
    return v && v.dataset.evaluated !== '' && v.dataset.evaluated === v.dataset.generation;
  });
}

async function rules(page) {
  return page.$$eval('[data-testid=rule]', (els) => els.map((el) => ({
    name: el.dataset.name,
    enabled: el.dataset.enabled === 'true',
    matches: el.dataset.matches === '' ? null : Number(el.dataset.matches),
    valid: el.dataset.valid === 'true',
  })));
}

const rule = (name) => `[data-testid=rule][data-name="${name}"]`;

function hashRules(url) {
  const item = new URL(url).hash.slice(1).split('&').find((k) => k.startsWith('rules='));
  return item === undefined ? undefined : JSON.parse(decodeURIComponent(item.slice('rules='.length)));
}

async function storedRules(page) {
  const text = await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
  return text === null ? null : JSON.parse(text);
}

async function addRule(page, name, pattern) {
  await page.fill('[data-testid=rule-name]', name);
  await page.fill('[data-testid=rule-pattern]', pattern);
  await page.waitForSelector('[data-testid=rule-ok]');
  await page.click('[data-testid=rule-save]');
  await page.waitForSelector(rule(name), { state: 'attached' });
  await settled(page);
}

/// The rows of the Events tab: event name text and badges.
async function eventRows(page) {
  return page.$$eval('[data-testid=event-row]', (els) => els.map((el) => ({
    id: el.dataset.eventId,
    text: el.textContent,
    badges: [...el.querySelectorAll('[data-testid=rule-badge]')].map((b) => b.textContent),
  })));
}

test('the starter rules are listed with their matches over the sample, and show them in the Events tab', async () => {
  const { page, log } = await open();
  await loadSample(page);
  await openRules(page);
  const list = await rules(page);
  assert.equal(list.length, 10, 'ten starter rules');
  const byName = Object.fromEntries(list.map((r) => [r.name, r]));
  for (const [name, matches] of Object.entries(STARTER)) {
    assert.ok(byName[name], `starter rule ${name}`);
    assert.equal(byName[name].enabled, true);
    assert.equal(byName[name].valid, true);
    assert.equal(byName[name].matches, matches, `matches of ${name}`);
  }
  // Random noise: ~1 in 10 of 400 events uses root credentials; the story never does.
  assert.ok(byName[ROOT].matches >= 20 && byName[ROOT].matches <= 80, `root: ${byName[ROOT].matches}`);
  // The refused CreateAccount and the denied LeaveOrganization, plus noise that failed.
  assert.ok(byName[FAILED].matches >= 2, `failed: ${byName[FAILED].matches}`);
  // A sparkline for rules with matches, none for those without.
  assert.ok(await page.locator(`${rule('Account created')} [data-testid=rule-sparkline] rect`).count() > 0);
  assert.equal(await page.locator(`${rule('All features enabled')} [data-testid=rule-sparkline]`).count(), 0);
  assert.equal(await page.locator(`${rule('All features enabled')} [data-testid=rule-show]`).isDisabled(), true);
  // The EventBridge / event-ruler note.
  assert.match(await page.textContent('[data-testid=rules-differences]'), /We follow EventBridge/);
  assert.match(await page.textContent('[data-testid=rules-differences]'), /\$or/);

  // "show matches": the Events tab, restricted to the rule's events, each with its badge.
  await page.click(`${rule('Account created')} [data-testid=rule-show]`);
  await page.waitForSelector('[data-testid=event-table][data-total="8"]');
  assert.match(await page.textContent('[data-testid=view-filter]'), /Showing 8 events: rule Account created/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 8);
  const rows = await eventRows(page);
  assert.equal(new Set(rows.map((r) => r.id)).size, 8);
  for (const r of rows) {
    assert.match(r.text, /CreateAccount(Result)?/);
    assert.ok(r.badges.includes('Account created'), `badges of ${r.id}: ${r.badges}`);
  }
  assert.equal(rows.filter((r) => /CreateAccountResult/.test(r.text)).length, 3);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('a pattern is validated while typing, saved, shown, turned off, and persisted', async () => {
  const { page, log } = await open();
  await loadSample(page);
  await openRules(page);

  // Invalid: EventBridge's wording, with where the problem is; saving is refused.
  await page.fill('[data-testid=rule-name]', 'leave');
  await page.fill('[data-testid=rule-pattern]', '{"detail":{"eventName":"LeaveOrganization"}}');
  const error = page.locator('[data-testid=rule-error]');
  await error.waitFor();
  assert.match(await error.textContent(), /Event pattern is not valid\. Reason: "eventName" must be an object or an array/);
  assert.match(await error.textContent(), /detail\.eventName · line 1, column 24/);
  assert.equal(await page.locator('[data-testid=rule-save]').isDisabled(), true);
  await page.fill('[data-testid=rule-pattern]', '{"detail":');
  await page.waitForFunction(() => /Unexpected end-of-input/.test(document.querySelector('[data-testid=rule-error]')?.textContent));
  assert.equal(await page.locator('[data-testid=rule-save]').isDisabled(), true);
  // Ctrl+Enter is refused too.
  await page.press('[data-testid=rule-pattern]', 'Control+Enter');
  assert.equal(await page.locator(rule('leave')).count(), 0);

  // Valid: the error goes, the rule is saved and evaluated.
  await page.fill('[data-testid=rule-pattern]', '{"detail":{"eventName":["LeaveOrganization"]}}');
  await error.waitFor({ state: 'detached' });
  await page.waitForSelector('[data-testid=rule-ok]');
  await page.click('[data-testid=rule-save]');
  await page.waitForSelector(`${rule('leave')}[data-enabled=true][data-matches="1"]`);
  assert.equal(await page.inputValue('[data-testid=rule-name]'), '', 'the editor is cleared');
  // A name is required.
  await page.fill('[data-testid=rule-pattern]', '{"source":["aws.s3"]}');
  await page.waitForSelector('[data-testid=rule-name-error]');
  assert.equal(await page.locator('[data-testid=rule-save]').isDisabled(), true);
  await page.fill('[data-testid=rule-pattern]', '');

  // Its one match in the Events tab, with its badge.
  await page.click(`${rule('leave')} [data-testid=rule-show]`);
  await page.waitForSelector('[data-testid=event-table][data-total="1"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 1);
  const [row] = await eventRows(page);
  assert.match(row.text, /LeaveOrganization/);
  assert.ok(row.badges.includes('leave'), `badges: ${row.badges}`);

  // Off: not evaluated, 0 matches.
  await page.click('[data-testid=tab-rules]');
  await page.click(`${rule('leave')} [data-testid=rule-toggle]`);
  await page.waitForSelector(`${rule('leave')}[data-enabled=false][data-matches="0"]`);
  await settled(page);

  // In the page address and in localStorage, the pattern as an object.
  const leave = { name: 'leave', pattern: { detail: { eventName: ['LeaveOrganization'] } }, enabled: false };
  const shared = page.url();
  assert.match(new URL(shared).hash, /(^#|&)rules=/);
  assert.deepEqual(hashRules(shared).find((r) => r.name === 'leave'), leave);
  assert.deepEqual((await storedRules(page)).find((r) => r.name === 'leave'), leave);
  assert.equal(hashRules(shared).length, 11);

  // Reload (same context): still there.
  await page.reload();
  await loadSample(page);
  await openRules(page);
  await page.waitForSelector(`${rule('leave')}[data-enabled=false][data-matches="0"]`, { state: 'attached' });

  // Without the hash: from localStorage alone, and the address gets the rules again as
  // soon as data is loaded (the panel is mounted, hidden, before its tab is opened).
  await page.goto(env.srv.url);
  assert.equal(hashRules(page.url()), undefined);
  await loadSample(page);
  await page.waitForFunction(() => location.hash.includes('rules='));
  await openRules(page);
  assert.deepEqual((await rules(page)).find((r) => r.name === 'leave'), { name: 'leave', enabled: false, matches: 0, valid: true });
  assert.equal(hashRules(page.url()).length, 11);
  assert.deepEqual(log.errors, []);
  await page.close();

  // The shared address in a browser with nothing saved restores them (and saves them).
  const other = await open(new URL(shared).hash);
  await loadSample(other.page);
  await openRules(other.page);
  const restored = await rules(other.page);
  assert.equal(restored.length, 11);
  assert.deepEqual(restored.find((r) => r.name === 'leave'), { name: 'leave', enabled: false, matches: 0, valid: true });
  assert.equal(restored.find((r) => r.name === 'Account created').matches, 8);
  assert.equal(await other.page.locator('[data-testid=rules-from-link]').count(), 0);
  assert.deepEqual((await storedRules(other.page)).find((r) => r.name === 'leave'), leave);
  assert.deepEqual(other.log.errors, []);
  await other.page.close();
});

test('a link with rules= wins over saved rules without overwriting them, and keeps other hash keys', async () => {
  // Something saved in this browser.
  const { page, log } = await open();
  const mine = [{ name: 'mine', pattern: { source: ['aws.s3'] }, enabled: true }];
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [STORAGE_KEY, JSON.stringify(mine)]);

  // A link with the sample key, one named rule and one bare pattern. (`sample` loads the
  // sample at start-up: go there, then load the page anew.)
  const linked = [
    { name: 'by link', pattern: { detail: { eventName: ['AcceptHandshake'] } }, enabled: true },
    { detail: { eventName: ['CreateAccountResult'] } },
  ];
  await page.goto(`${env.srv.url}#sample&rules=${encodeURIComponent(JSON.stringify(linked))}`);
  await page.reload();
  await waitDone(page);
  await openRules(page);
  assert.deepEqual(await rules(page), [
    { name: 'by link', enabled: true, matches: 1, valid: true },
    { name: 'imported 1', enabled: true, matches: 3, valid: true },
  ]);
  await page.waitForSelector('[data-testid=rules-from-link]');
  assert.deepEqual(await storedRules(page), mine, 'saved rules are not overwritten by a link');
  // Other hash keys are kept, in place.
  assert.equal(new URL(page.url()).hash.slice(1).split('&')[0], 'sample');
  assert.deepEqual(hashRules(page.url()).map((r) => r.name), ['by link', 'imported 1']);

  // "Use my saved rules" switches; undo switches back, and the linked rules are now saved.
  await page.click('[data-testid=rules-use-saved]');
  await page.waitForSelector(`${rule('mine')}[data-matches]`);
  await settled(page);
  assert.deepEqual((await rules(page)).map((r) => r.name), ['mine']);
  assert.ok((await rules(page))[0].matches > 0);
  assert.deepEqual(hashRules(page.url()), mine);
  assert.equal(await page.locator('[data-testid=rules-from-link]').count(), 0);
  await page.click('[data-testid=rules-undo]');
  await page.waitForSelector(rule('by link'));
  await settled(page);
  assert.deepEqual((await storedRules(page)).map((r) => r.name), ['by link', 'imported 1']);
  assert.equal(new URL(page.url()).hash.slice(1).split('&')[0], 'sample');

  // A broken rules= item is reported, not fatal.
  const broken = await open('#rules=%7Bnot-json', { keepStorage: true });
  await loadSample(broken.page);
  await openRules(broken.page);
  assert.match(await broken.page.textContent('[data-testid=rules-notice]'), /rules in the link could not be read/);
  assert.deepEqual((await rules(broken.page)).map((r) => r.name), ['by link', 'imported 1']);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(broken.log.errors, []);
  await page.close();
  await broken.page.close();
});

test('loading the same sample twice does not double any count (one eventID is one event)', async () => {
  const { page, log } = await open();
  const once = await loadSample(page);
  await openRules(page);
  const first = await rules(page);
  const generation = await page.getAttribute('[data-testid=rules-view]', 'data-generation');
  // The load button stays on the Rules tab; the rules are evaluated again for the new data.
  const twice = await loadSample(page, 2);
  assert.equal(twice.events, once.events);
  await page.waitForFunction((g) => document.querySelector('[data-testid=rules-view]').dataset.generation !== g, generation);
  await settled(page);
  assert.deepEqual(await rules(page), first);
  assert.equal(first.find((r) => r.name === 'Account created').matches, 8);
  assert.match(await page.textContent('[data-testid=summary]'), /duplicates merged/);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('export, delete and undo, import of rule files and bare patterns, edit, reset; names are text', async () => {
  const { page, log } = await open();
  await loadSample(page);
  await openRules(page);

  // Export: a JSON array of {name, pattern (the pattern object), enabled}.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid=rules-export]'),
  ]);
  assert.equal(download.suggestedFilename(), 'trailglass-rules.json');
  const exportedPath = path.join(tmp, 'exported.json');
  await download.saveAs(exportedPath);
  const exported = JSON.parse(fs.readFileSync(exportedPath, 'utf8'));
  assert.equal(exported.length, 10);
  for (const r of exported) {
    assert.deepEqual(Object.keys(r), ['name', 'pattern', 'enabled']);
    assert.equal(typeof r.pattern, 'object');
    assert.equal(r.enabled, true);
  }
  assert.deepEqual(exported[0].pattern.detail.eventName, ['CreateAccount', 'CreateAccountResult']);

  // Delete, undo, delete again.
  await page.click(`${rule('Account created')} [data-testid=rule-delete]`);
  await page.waitForSelector(rule('Account created'), { state: 'detached' });
  await page.click('[data-testid=rules-undo]');
  await page.waitForSelector(rule('Account created'));
  await page.click(`${rule('Account created')} [data-testid=rule-delete]`);
  await page.waitForSelector(rule('Account created'), { state: 'detached' });
  await settled(page);
  assert.equal((await rules(page)).length, 9);

  // Import the export: the deleted rule is back, the others are replaced in place.
  await page.setInputFiles('[data-testid=rule-import]', exportedPath);
  await page.waitForSelector(`${rule('Account created')}[data-matches="8"]`);
  assert.match(await page.textContent('[data-testid=rules-notice]'), /Imported 10 rules from exported\.json/);
  assert.equal((await rules(page)).length, 10);

  // Import bare patterns: named "imported 1", "imported 2".
  const bare = path.join(tmp, 'bare.json');
  fs.writeFileSync(bare, JSON.stringify([{ detail: { eventName: ['DeclineHandshake'] } }, { detail: { eventName: ['CancelHandshake', 'DeclineHandshake'] } }]));
  await page.setInputFiles('[data-testid=rule-import]', bare);
  await page.waitForSelector(`${rule('imported 1')}[data-matches="1"]`);
  await page.waitForSelector(`${rule('imported 2')}[data-matches="2"]`);

  // Not a rules file: reported, nothing changes.
  const junk = path.join(tmp, 'junk.json');
  fs.writeFileSync(junk, '[1, 2, 3]');
  await page.setInputFiles('[data-testid=rule-import]', junk);
  await page.waitForFunction(() => /not a rules file/.test(document.querySelector('[data-testid=rules-notice]')?.textContent));
  assert.equal((await rules(page)).length, 12);

  // Edit: the rule keeps its place; renaming onto another rule's name is refused.
  await page.click(`${rule('imported 1')} [data-testid=rule-edit]`);
  assert.equal(await page.inputValue('[data-testid=rule-name]'), 'imported 1');
  await page.fill('[data-testid=rule-name]', 'imported 2');
  await page.waitForSelector('[data-testid=rule-name-error]');
  assert.equal(await page.locator('[data-testid=rule-save]').isDisabled(), true);
  await page.fill('[data-testid=rule-name]', 'handshake ends');
  await page.fill('[data-testid=rule-pattern]', '{"detail":{"eventName":["AcceptHandshake","DeclineHandshake","CancelHandshake"]}}');
  await page.click('[data-testid=rule-save]');
  await page.waitForSelector(`${rule('handshake ends')}[data-matches="3"]`);
  const names = (await rules(page)).map((r) => r.name);
  assert.deepEqual(names.slice(10), ['handshake ends', 'imported 2']);

  // Names are shown as text, never as HTML.
  const evil = '<img src=x onerror=window.__pwned=1>';
  await addRule(page, evil, '{"source":["aws.kms"]}');
  assert.equal(await page.textContent(`[data-testid=rule]:last-child .rule-name`), evil);
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  // Reset: the starter set again.
  await page.click('[data-testid=rules-reset]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rule]').length === 10);
  await settled(page);
  assert.deepEqual((await rules(page)).map((r) => r.name), exported.map((r) => r.name));
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.dialogs, []);
  await page.close();
});
