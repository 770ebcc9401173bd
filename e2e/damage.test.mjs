// Nothing good is lost, in the real app in headless Chromium: each file of the damage
// corpus (tests/fixtures/damage, made by tests/damage_corpus.rs) keeps every intact
// record and names the kind of damage in the ledger; the seed page (AWS's Organizations
// logging page, tests/fixtures/seed) shows its six example records, and its
// Organization tab shows the account creation and the invitation handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { suite, waitDone, ledger, fixtures } from './harness.mjs';

const env = suite();

// file → [events kept, what the ledger says] (the native test asserts the same).
const CORPUS = {
  'cut-inside-string.json': [19, /record cut off at byte \d+ .*; recovered at byte \d+/],
  'cut-between-keys.json': [19, /record cut off at byte \d+ .*; recovered at byte \d+/],
  'missing-comma.json': [20, /invalid JSON: expected `,` or `\]`/],
  'stray-brace.json': [20, /text between records at bytes \d+–\d+ skipped/],
  'garbage.json': [20, /text between records at bytes \d+–\d+ skipped/],
  'nul-run.json': [20, /text between records at bytes \d+–\d+ skipped/],
  'two-files-glued.json': [20, null],
  'cut-file-then-another.json': [19, /record cut off at byte \d+ .*; recovered at byte \d+/],
  'multi-member.json.gz': [20, null],
  'cut-line.ndjson': [19, /line 9, column \d+ \(byte \d+\): invalid JSON/],
  'invalid-utf8.json': [20, /not UTF-8 were replaced/],
};

for (const [file, [events, says]] of Object.entries(CORPUS)) {
  test(`damage corpus: ${file} keeps every intact record`, async () => {
    const { page, log } = await env.open();
    await page.setInputFiles('[data-testid=file-input]', [path.join(fixtures, 'damage', file)]);
    const status = await waitDone(page);
    assert.equal(status.events, events);
    const [row] = await ledger(page);
    assert.equal(row.events, events);
    if (says) assert.match(row.text, says);
    else assert.equal(row.skipped, 0, row.text);
    assert.doesNotMatch(row.text, /file is cut off/);
    assert.deepEqual(log.errors, []);
  });
}

test('the seed page: six example records, the creation and the handshake', async () => {
  const { page, log } = await env.open();
  await page.setInputFiles('[data-testid=file-input]', [path.join(fixtures, 'seed', 'aws-organizations-logging-ja.txt')]);
  const status = await waitDone(page);
  assert.equal(status.events, 6);
  const [row] = await ledger(page);
  assert.equal(row.events, 6);
  assert.match(row.text, /eventID reused by a different record .*kept both \(5 records\)/);
  assert.match(row.text, /unquoted timestamp Jun 21, 2018 10:06:27 PM/);
  await page.click('[data-testid=tab-organization]');
  await page.waitForSelector('[data-testid=orgs-view][data-state=ready]', { state: 'attached', timeout: 30_000 });
  const creations = await page.$$eval('[data-testid=account-creation]', (els) => els.map((e) => e.dataset.requestId));
  assert.deepEqual(creations, ['car-examplecreateaccountrequestid111']);
  const handshakes = await page.$$eval('[data-testid=handshake]', (els) => els.map((e) => e.dataset.handshakeId));
  assert.deepEqual(handshakes, ['h-examplehandshakeid111']);
  assert.deepEqual(log.errors, []);
});
