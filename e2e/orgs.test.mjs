// The Organization view in the real app in headless Chromium: the built-in sample (its
// expected lifecycles read from src/sample.rs, the data it is generated from), the orgs
// fixtures (expectations from tests/orgs.rs), "show events" into the Events tab, and the
// detail pane's "Part of" links back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { suite, waitDone, fixtures, root } from './harness.mjs';

const env = suite();

const open = () => env.open();

async function openOrgTab(page, state = 'ready') {
  await page.click('[data-testid=tab-organization]');
  await page.waitForSelector(`[data-testid=orgs-view][data-state=${state}]`, { state: 'attached', timeout: 30_000 });
}

/// Loads files through the file input in a fresh page and opens the Organization tab.
async function loadFiles(files, state = 'ready') {
  const app = await open();
  await app.page.setInputFiles('[data-testid=file-input]', files);
  const status = await waitDone(app.page);
  assert.equal(status.files, files.length);
  await openOrgTab(app.page, state);
  return app;
}

/// Every element with this test id: its data-* attributes (camelCase) and its text.
function hooks(page, testid) {
  return page.$$eval(`[data-testid=${testid}]`, (els) => els.map((e) => ({ ...e.dataset, text: e.textContent })));
}

const orgFixture = (name) => path.join(fixtures, 'orgs', name);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;
const sortedKinds = (rows) => rows.map((r) => `${r.kind} ${r.accountId}`).sort();

// --- what the sample holds, read from the code that generates it

function sampleStory() {
  const src = fs.readFileSync(path.join(root, 'src', 'sample.rs'), 'utf8');
  const one = (re, what) => {
    const m = src.match(re);
    assert.ok(m, `src/sample.rs: cannot find ${what}`);
    return m;
  };
  // ("prod", "car-…", Some(("SUCCEEDED", "222222222222"))) or (…, None)
  const creations = [...src.matchAll(/\(\s*"([\w-]+)",\s*"(car-[0-9a-f]+)",\s*(?:None|Some\(\(\s*"(\w+)",\s*"(\w+)"\s*\)\))\s*,?\s*\)/g)]
    .map((m) => ({ name: m[1], car: m[2], state: m[3] ?? 'IN_PROGRESS', value: m[4] ?? '' }));
  // ("444444444444", "h-…", "accept")
  const invites = [...src.matchAll(/\(\s*"(\d{12})",\s*"(h-[0-9a-f]+)",\s*"(\w+)"\s*,?\s*\)/g)]
    .map((m) => ({ target: m[1], id: m[2], end: m[3] }));
  // The story this test is about: if the sample changes shape, this must fail loudly.
  assert.ok(creations.length >= 4, `creations parsed from sample.rs: ${creations.length}`);
  assert.ok(invites.length >= 5, `invitations parsed from sample.rs: ${invites.length}`);
  const [, mover, ou] = one(/"MoveAccount",\s*json!\(\{\s*"accountId":\s*"(\d{12})",\s*"sourceParentId":\s*\w+,\s*"destinationParentId":\s*"(ou-[\w-]+)"/, 'the MoveAccount');
  return {
    creations,
    invites,
    refusedName: one(/"CreateAccount",\s*json!\(\{\s*"accountName":\s*"([^"]+)"/, 'the refused CreateAccount')[1],
    refusedCode: one(/refused\["errorCode"\]\s*=\s*json!\("(\w+)"\)/, 'the refused call\'s errorCode')[1],
    removed: one(/"RemoveAccountFromOrganization",\s*json!\(\{\s*"accountId":\s*"(\d{12})"/, 'the removal')[1],
    leaver: one(/"(\d{12})",\s*owner,\s*"organizations\.amazonaws\.com",\s*"LeaveOrganization"/, 'the denied leave')[1],
    mover,
    ou,
    t0: Number(one(/org_story\(([\d_]+)\)/, 'the story start')[1].replaceAll('_', '')),
  };
}

const HANDSHAKE_END = { accept: 'ACCEPTED', decline: 'DECLINED', cancel: 'CANCELED', expire: 'EXPIRED', open: 'OPEN' };

test('the sample: creations, handshakes, membership, changes, tree and swimlanes', async () => {
  const story = sampleStory();
  const { page, log } = await open();
  await page.click('[data-testid=load-sample]');
  await waitDone(page);
  await openOrgTab(page);

  // Account creations: one row per car- request, plus the refused call.
  const creations = await hooks(page, 'account-creation');
  assert.equal(creations.length, story.creations.length + 1);
  for (const c of story.creations) {
    const row = creations.find((r) => r.requestId === c.car);
    assert.ok(row, `row for ${c.car}`);
    assert.equal(row.state, c.state, c.car);
    assert.equal(row.requestSeen, 'true');
    assert.equal(row.accountName, c.name);
    assert.equal(row.accountId, c.state === 'SUCCEEDED' ? c.value : '');
    assert.equal(row.failureReason, c.state === 'FAILED' ? c.value : '');
    assert.equal(row.failedCall, 'false');
  }
  const failedRow = creations.find((r) => r.state === 'FAILED' && r.requestId.startsWith('car-'));
  assert.match(failedRow.text, /Another AWS account already uses this email address/, 'the reason in plain words');
  const refused = creations.filter((r) => r.requestId === '');
  assert.equal(refused.length, 1);
  assert.deepEqual(
    [refused[0].state, refused[0].failureReason, refused[0].accountName, refused[0].failedCall, refused[0].accountId],
    ['FAILED', story.refusedCode, story.refusedName, 'true', ''],
  );
  const prodRow = creations.find((r) => r.requestId === story.creations[0].car);
  assert.match(prodRow.text, /1 min 35 s/, 'time from request to result');

  // Handshakes: one row per h- id, each in the state its story ends in.
  const handshakes = await hooks(page, 'handshake');
  assert.equal(handshakes.length, story.invites.length);
  for (const h of story.invites) {
    const row = handshakes.find((r) => r.handshakeId === h.id);
    assert.ok(row, `row for ${h.id}`);
    assert.deepEqual([row.action, row.state, row.target, row.requestSeen], ['INVITE', HANDSHAKE_END[h.end], h.target, 'true'], h.id);
  }
  const accepted = handshakes.find((r) => r.state === 'ACCEPTED');
  assert.match(accepted.text, /by OrgAdmin\/owner/, 'who accepted');
  const open_ = handshakes.find((r) => r.state === 'OPEN');
  assert.equal(open_.invitedLoaded, 'false');
  assert.match(open_.text, /invited account not loaded/);

  // Membership: the two creations that succeeded, the accepted invitation, the denied
  // leave and the removal.
  const membership = await hooks(page, 'membership-change');
  const expected = [
    ...story.creations.filter((c) => c.state === 'SUCCEEDED').map((c) => `CREATED ${c.value}`),
    ...story.invites.filter((h) => h.end === 'accept').map((h) => `INVITED_JOINED ${h.target}`),
    `LEFT_DENIED ${story.leaver}`,
    `REMOVED ${story.removed}`,
  ].sort();
  assert.deepEqual(sortedKinds(membership), expected);
  for (const m of membership) assert.match(m.time, ISO);
  const times = membership.map((m) => Date.parse(m.time));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  const denied = membership.find((m) => m.kind === 'LEFT_DENIED');
  assert.equal(denied.outcome, 'FAILED');
  assert.ok(Date.parse(denied.time) < Date.parse(membership.find((m) => m.kind === 'REMOVED').time));

  // Warnings, each with its events.
  const warnings = await hooks(page, 'org-warning');
  const kinds = warnings.map((w) => w.kind);
  for (const k of ['LeaveDenied', 'AccountsDeparted', 'InvitedAccountNotLoaded', 'FailedWriteCalls']) {
    assert.ok(kinds.includes(k), `warning ${k} in ${kinds}`);
  }
  const notLoaded = warnings.find((w) => w.kind === 'InvitedAccountNotLoaded');
  for (const h of story.invites.filter((x) => x.end === 'open' || x.end === 'expire')) {
    assert.ok(notLoaded.text.includes(h.target), `${h.target} named in the warning`);
  }
  assert.equal(await page.locator('[data-testid=org-warning][data-kind=LeaveDenied] [data-testid=show-events]').count(), 1);

  // Structure and policy changes.
  const changes = await hooks(page, 'org-change');
  const move = changes.find((c) => c.kind === 'MoveAccount');
  assert.ok(move && move.succeeded === 'true');
  assert.ok(move.text.includes(story.mover) && move.text.includes(story.ou));

  // The tree at the end of the data: the moved account is in its OU, the removed one gone.
  const tree = page.locator('[data-testid=org-tree]');
  const end = await tree.getAttribute('data-at');
  assert.match(end, ISO);
  // By default, as of the latest event loaded (the summary's time span ends there).
  const span = await page.textContent('[data-testid=time-span]');
  assert.equal(Date.parse(end), Date.parse(span.split('→')[1].replace('UTC', '').trim().replace(' ', 'T') + 'Z'), span);
  const nodeIn = (parent, child) => `[data-testid=tree-node][data-node-id="${parent}"] [data-testid=tree-node][data-node-id="${child}"]`;
  assert.equal(await page.locator(nodeIn(story.ou, story.mover)).count(), 1);
  assert.equal(await page.locator(`[data-testid=tree-node][data-node-id="${story.removed}"]`).count(), 0);
  const inferred = page.locator('[data-testid=tree-node][data-inferred=true]').first();
  assert.match(await inferred.getAttribute('class'), /inferred/);
  assert.match(await inferred.locator('.node-label').first().getAttribute('title'), /inferred/);
  // One hour into the story: both created accounts at the root, nothing moved yet.
  const early = new Date(story.t0 + 3_600_000).toISOString();
  await page.fill('[data-testid=tree-time-text]', early);
  await page.press('[data-testid=tree-time-text]', 'Enter');
  await page.waitForFunction((t) => Date.parse(document.querySelector('[data-testid=org-tree]').dataset.at) === t, Date.parse(early));
  assert.equal(await page.locator(nodeIn(story.ou, story.mover)).count(), 0);
  assert.equal(await page.locator(`[data-testid=tree-node][data-kind=ROOT] > ul > [data-testid=tree-node][data-node-id="${story.mover}"]`).count(), 1);
  assert.equal(await page.locator(`[data-testid=tree-node][data-node-id="${story.removed}"]`).count(), 1);
  // The slider's first stop is the earliest change; its last, the end of the data.
  await page.locator('[data-testid=tree-time]').fill('0');
  await page.waitForFunction((t) => document.querySelector('[data-testid=org-tree]').dataset.at !== t, early.replace('.000Z', 'Z'));
  assert.ok(Date.parse(await tree.getAttribute('data-at')) < Date.parse(early));
  const max = await page.getAttribute('[data-testid=tree-time]', 'max');
  await page.locator('[data-testid=tree-time]').fill(max);
  await page.waitForFunction((t) => document.querySelector('[data-testid=org-tree]').dataset.at === t, end);
  assert.equal(await page.locator(nodeIn(story.ou, story.mover)).count(), 1);

  // Swimlanes: a lane for every account with a lifecycle; both axis modes draw.
  const lanes = (await hooks(page, 'lane')).map((l) => l.accountId);
  for (const account of [...story.creations.filter((c) => c.state === 'SUCCEEDED').map((c) => c.value), ...story.invites.map((h) => h.target)]) {
    assert.ok(lanes.includes(account), `lane for ${account}`);
  }
  await page.click('[data-testid=axis-mode][data-even=true]');
  assert.equal((await hooks(page, 'lane')).length, lanes.length);
  assert.ok(await page.locator('[data-testid=lane] svg circle').count() > lanes.length);
  assert.deepEqual(log.errors, []);
});

test('"show events" shows exactly a row\'s events, and the detail pane links back', async () => {
  const story = sampleStory();
  const { page, log } = await open();
  await page.click('[data-testid=load-sample]');
  await waitDone(page);
  await openOrgTab(page);
  const car = story.creations[0].car;
  const button = page.locator(`[data-testid=account-creation][data-request-id="${car}"] [data-testid=show-events]`);
  const n = Number(await button.getAttribute('data-count'));
  assert.equal(n, 2, 'a CreateAccount and its CreateAccountResult');
  await button.click();

  // The Events tab, restricted to exactly those events, says so.
  await page.waitForSelector('[data-testid=view-filter]');
  await page.waitForFunction((k) => document.querySelectorAll('[data-testid=event-row]').length === k, n);
  assert.equal(await page.getAttribute('[data-testid=event-table]', 'data-total'), String(n));
  const banner = await page.textContent('[data-testid=view-filter]');
  assert.ok(banner.includes(`Showing ${n} events`) && banner.includes(car), banner);
  assert.match(await page.getAttribute('[data-testid=tab-events]', 'class'), /active/);

  // An Organizations event's detail says which lifecycle it is part of.
  const rows = page.locator('[data-testid=event-row]');
  await rows.nth(0).click();
  await page.waitForSelector('[data-testid=lifecycle-link][data-lifecycle=creation]');
  const link = page.locator('[data-testid=lifecycle-link][data-lifecycle=creation]');
  const linkText = await link.textContent();
  assert.ok(linkText.includes(car) && linkText.includes('(SUCCEEDED)'), linkText);
  assert.match(await page.textContent('[data-testid=part-of]'), /^Part of: /);
  // The result is part of the creation and of the membership change it made.
  const resultId = await rows.nth(1).getAttribute('data-event-id');
  await rows.nth(1).click();
  await page.waitForSelector(`[data-testid=detail][data-event-id="${resultId}"] [data-testid=lifecycle-link][data-lifecycle=membership]`);
  const membershipLink = page.locator('[data-testid=lifecycle-link][data-lifecycle=membership]');
  const m = Number(await membershipLink.getAttribute('data-count'));
  const label = (await membershipLink.textContent()).trim();
  assert.ok(label.includes(`CREATED ${story.creations[0].value}`), label);
  // A lifecycle without an id is drilled into by its events' ids: the query says which.
  await membershipLink.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=query]').value.startsWith('eventID:'));
  await page.waitForFunction((k) => document.querySelectorAll('[data-testid=event-row]').length === k, m);
  assert.equal(await page.getAttribute('[data-testid=event-table]', 'data-total'), String(m));

  // A row in another section too: the denied leave's single event.
  await openOrgTab(page);
  const leave = page.locator(`[data-testid=membership-change][data-kind=LEFT_DENIED] [data-testid=show-events]`);
  const leaveQuery = await leave.getAttribute('data-query');
  await leave.click();
  await page.waitForFunction((q) => document.querySelector('[data-testid=query]').value === q, leaveQuery);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 1);
  assert.match(await rows.nth(0).textContent(), /LeaveOrganization/);
  // Back to the creation's drill-down; Show all removes the clause, the whole table again.
  await page.goBack(); // the Organization tab
  await page.goBack(); // the membership drill-down
  await page.goBack(); // the creation's
  await page.waitForSelector('[data-testid=view-filter]');
  await page.click('[data-testid=show-all]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=view-filter]'));
  assert.equal(await page.inputValue('[data-testid=query]'), '');
  // The banner goes at once; the total follows with the worker's answer.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=event-table]')?.dataset.total) > 400);
  assert.deepEqual(log.errors, []);
});

test('all the orgs fixtures at once: the rows tests/orgs.rs expects', async () => {
  const files = fs.readdirSync(path.join(fixtures, 'orgs')).filter((f) => f.endsWith('.json')).sort().map(orgFixture);
  assert.ok(files.length >= 10);
  const { page, log } = await loadFiles(files);

  const creations = await hooks(page, 'account-creation');
  const byCar = (prefix) => {
    const found = creations.filter((r) => r.requestId.startsWith(prefix));
    assert.equal(found.length, 1, `one creation ${prefix}`);
    return found[0];
  };
  const pick = (r) => [r.state, r.accountId, r.failureReason, r.requestSeen];
  // creations_fixture
  assert.deepEqual(pick(byCar('car-sandbox')), ['SUCCEEDED', '444455556666', '', 'true']);
  assert.match(byCar('car-sandbox').text, /3 s/);
  assert.match(byCar('car-sandbox').text, /AWSReservedSSO_AdministratorAccess_0123456789abcdef\/alice@example\.com/);
  assert.deepEqual(pick(byCar('car-dupemail')), ['FAILED', '', 'EMAIL_ALREADY_EXISTS', 'true']);
  assert.match(byCar('car-dupemail').text, /41 s/);
  assert.deepEqual(pick(byCar('car-limit')), ['FAILED', '', 'ACCOUNT_LIMIT_EXCEEDED', 'true']);
  assert.deepEqual(pick(byCar('car-future')), ['FAILED', '', 'SOME_NEW_REASON', 'true']);
  assert.match(byCar('car-future').text, /does not know/, 'an unknown reason is said to be unknown');
  assert.deepEqual(pick(byCar('car-gov')), ['SUCCEEDED', '777700001111', '', 'true']);
  assert.match(byCar('car-gov').text, /GovCloud 777700002222/);
  assert.deepEqual(pick(byCar('car-pending')), ['IN_PROGRESS', '', '', 'true']);
  assert.deepEqual(pick(byCar('car-orphan')), ['SUCCEEDED', '888800001111', '', 'false']);
  assert.match(byCar('car-orphan').text, /result only/);
  const failedCalls = creations.filter((r) => r.requestId === '');
  assert.equal(failedCalls.length, 1);
  assert.deepEqual([failedCalls[0].state, failedCalls[0].failedCall], ['FAILED', 'true']);
  assert.match(failedCalls[0].text, /intern/);
  // real_create_account_result_in_eventbridge_envelope
  assert.deepEqual(pick(byCar('car-000000000000000000000000000000')), ['SUCCEEDED', '123456789012', '', 'false']);
  // structure.json's creation
  assert.deepEqual(pick(byCar('car-treesandbox')), ['SUCCEEDED', '444455556666', '', 'true']);

  // Handshake states that do not depend on the end of the data (handshakes_fixture).
  const handshakes = await hooks(page, 'handshake');
  const states = Object.fromEntries(handshakes.filter((h) => h.handshakeId).map((h) => [h.handshakeId, h.state]));
  for (const [id, state] of [['h-accepted000001', 'ACCEPTED'], ['h-declined000001', 'DECLINED'], ['h-canceled000001', 'CANCELED'],
    ['h-expired0000001', 'EXPIRED'], ['h-unknown0000001', 'UNKNOWN'], ['h-noparties00001', 'ACCEPTED']]) {
    assert.equal(states[id], state, id);
  }
  const refused = handshakes.filter((h) => h.handshakeId === '');
  assert.equal(refused.length, 1);
  assert.deepEqual([refused[0].state, refused[0].failedCall], ['UNKNOWN', 'true']);
  assert.match(refused[0].text, /DuplicateHandshakeException/);
  const declined = handshakes.find((h) => h.handshakeId === 'h-declined000001');
  assert.match(declined.text, /ci-deployer\/botocore-session-1690000000/, 'the failed accept before the decline');
  assert.equal(handshakes.find((h) => h.handshakeId === 'h-expired0000001').invitedLoaded, 'false');

  // Membership rows of every fixture (membership_fixture, creations_fixture,
  // handshakes_fixture, the real denied leaves, the EventBridge result, structure.json).
  const membership = await hooks(page, 'membership-change');
  assert.deepEqual(sortedKinds(membership), [
    'LEFT 222222222222', 'LEFT_DENIED 444455556666', 'REMOVED 101010101010', 'CLOSED 121212121212',
    'CLOSED 131313131313', 'CLOSED 141414141414', 'CREATED 151515151515', 'REMOVED 161616161616',
    'CREATED 444455556666', 'CREATED 777700001111', 'CREATED 888800001111',
    'INVITED_JOINED 222222222222', 'INVITED_JOINED 121212121212',
    'LEFT_DENIED 307578594326', 'LEFT_DENIED 123837392027',
    'CREATED 123456789012', 'CREATED 444455556666',
  ].sort());
  assert.equal(membership.find((m) => m.accountId === '131313131313').outcome, 'PENDING');
  assert.match(membership.find((m) => m.accountId === '307578594326').text, /stratus-red-team-leave-org-role\/aws-go-sdk-1722587398902687000/);

  const changes = await hooks(page, 'org-change');
  assert.ok(changes.some((c) => c.kind === 'RemoveAccountFailed' && c.succeeded === 'false'));
  assert.ok(changes.some((c) => c.kind === 'MoveAccount' && c.text.includes('AWSAdministratorAccess/john.foo@example.com')));
  assert.ok(changes.some((c) => c.kind === 'TagResource' && c.text.includes('CostCenter=1234')));

  const kinds = (await hooks(page, 'org-warning')).map((w) => w.kind);
  for (const k of ['ResultWithoutRequest', 'CreationWithoutResult', 'FailedWriteCalls', 'LeaveDenied', 'AccountsDeparted', 'GuardrailsWeakened']) {
    assert.ok(kinds.includes(k), `warning ${k} in ${kinds}`);
  }
  assert.ok(await page.locator('[data-testid=lane]').count() >= 10);
  assert.deepEqual(log.errors, []);
});

test('handshakes.json alone: open invitations stay open at the end of its data', async () => {
  const { page, log } = await loadFiles([orgFixture('handshakes.json')]);
  const handshakes = await hooks(page, 'handshake');
  assert.equal(handshakes.length, 9);
  const row = (id) => handshakes.find((h) => h.handshakeId === id);
  assert.deepEqual([row('h-open0000000001').state, row('h-open0000000001').target], ['OPEN', 'bob@example.com']);
  assert.match(row('h-open0000000001').text, /Please join/);
  assert.match(row('h-open0000000001').text, /111111111111/, 'the requester account');
  assert.deepEqual([row('h-enableall000001').state, row('h-enableall000001').action], ['OPEN', 'ENABLE_ALL_FEATURES']);
  assert.equal(row('h-noparties00001').requestSeen, 'false');
  const membership = await hooks(page, 'membership-change');
  assert.deepEqual(sortedKinds(membership), ['INVITED_JOINED 121212121212', 'INVITED_JOINED 222222222222']);
  const joined = page.locator('[data-testid=membership-change][data-account-id="222222222222"] [data-testid=show-events]');
  assert.equal(await joined.getAttribute('data-count'), '3', 'the invitation, its acceptance and AccountJoinedOrganization');
  const kinds = (await hooks(page, 'org-warning')).map((w) => w.kind);
  assert.ok(kinds.includes('InvitedAccountNotLoaded') && kinds.includes('ResponseWithoutInvitation'), kinds.join());
  assert.deepEqual(log.errors, []);
});

test('structure.json alone: the tree as of two times (structure_fixture_and_tree)', async () => {
  const { page, log } = await loadFiles([orgFixture('structure.json')]);
  assert.equal(await page.locator('[data-testid=org-change]').count(), 17);
  const setTime = async (iso) => {
    await page.fill('[data-testid=tree-time-text]', iso);
    await page.press('[data-testid=tree-time-text]', 'Enter');
    await page.waitForFunction((t) => Date.parse(document.querySelector('[data-testid=org-tree]')?.dataset.at) === t, Date.parse(iso));
  };
  const children = (id) => page.$$eval(`[data-testid=tree-node][data-node-id="${id}"] > ul > [data-testid=tree-node]`,
    (els) => els.map((e) => ({ id: e.dataset.nodeId, inferred: e.dataset.inferred, name: e.querySelector('.node-name')?.textContent ?? null })));

  await setTime('2020-01-10T00:00:00Z');
  const roots = await hooks(page, 'tree-node').then((n) => n.filter((x) => x.kind === 'ROOT'));
  assert.equal(roots[0].nodeId, 'r-exmp');
  const early = await children('r-exmp');
  assert.deepEqual(early.map((c) => c.id), ['ou-exmp-dev11111', 'ou-exmp-legacy99', '111111111111']);
  assert.equal(early[1].inferred, 'true', 'an OU seen only as a MoveAccount source');
  assert.deepEqual((await children('ou-exmp-dev11111')).map((c) => c.id), ['444455556666']);
  const legacy = page.locator('[data-testid=tree-node][data-node-id="ou-exmp-legacy99"]');
  assert.match(await legacy.getAttribute('class'), /inferred/);

  await setTime('2020-02-10T00:00:00Z');
  const late = await children('r-exmp');
  const dev = late.find((c) => c.id === 'ou-exmp-dev11111');
  assert.equal(dev.name, 'Development');
  assert.deepEqual(await children('ou-exmp-dev11111'), []);
  assert.deepEqual((await children('ou-exmp-prod2222')).map((c) => c.id), ['444455556666', '777788889999']);
  const kinds = (await hooks(page, 'org-warning')).map((w) => w.kind);
  assert.ok(kinds.includes('GuardrailsWeakened'), kinds.join());
  // A time the text box cannot read is said so, and the tree stays.
  await page.fill('[data-testid=tree-time-text]', 'yesterday-ish');
  await page.press('[data-testid=tree-time-text]', 'Enter');
  await page.waitForSelector('text=Not a time: yesterday-ish');
  assert.equal(Date.parse(await page.getAttribute('[data-testid=org-tree]', 'data-at')), Date.parse('2020-02-10T00:00:00Z'));
  assert.deepEqual(log.errors, []);
});

test('a denied leave with no us-east-1 event warns that most activity is missing', async () => {
  const { page, log } = await loadFiles([orgFixture('aws.defense-evasion.organizations-leave.json')]);
  const membership = await hooks(page, 'membership-change');
  assert.deepEqual(sortedKinds(membership), ['LEFT_DENIED 307578594326']);
  const warnings = await hooks(page, 'org-warning');
  const noEast = warnings.find((w) => w.kind === 'NoUsEast1Events');
  assert.ok(noEast, warnings.map((w) => w.kind).join());
  assert.match(noEast.text, /us-east-1/);
  // One lane, no time span: still drawn.
  assert.equal(await page.locator('[data-testid=lane]').count(), 1);
  await page.click('[data-testid=axis-mode][data-even=true]');
  assert.equal(await page.locator('[data-testid=lane] svg text.cross').count(), 1);
  assert.deepEqual(log.errors, []);
});

test('without Organizations events the view says what to load', async () => {
  const { page, log } = await loadFiles([path.join(fixtures, 'real', 'loki', 'cloudtrail-log-file.json.gz')], 'empty');
  const text = await page.textContent('[data-testid=orgs-empty]');
  assert.match(text, /No AWS Organizations events are loaded/);
  assert.match(text, /us-east-1/);
  assert.match(text, /management account/);
  assert.match(text, /member accounts/);
  assert.equal(await page.locator('[data-testid=account-creation]').count(), 0);
  assert.deepEqual(log.errors, []);
});

test('hundreds of lifecycles: drawn a page at a time, all on request', async () => {
  // 600 creations (each request and result) and 300 invitations accepted in the member accounts.
  const records = [];
  const t = (i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
  const who = { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/Admin/ops', accountId: '111111111111' };
  const base = (i, name, extra) => ({ eventVersion: '1.09', eventTime: t(i), eventSource: 'organizations.amazonaws.com', eventName: name,
    awsRegion: 'us-east-1', eventID: `big-${name}-${i}`, eventType: 'AwsApiCall', recipientAccountId: '111111111111', userIdentity: who, ...extra });
  for (let i = 0; i < 600; i++) {
    const car = `car-${String(i).padStart(32, '0')}`;
    records.push(base(i, 'CreateAccount', { requestParameters: { accountName: `acct-${i}`, email: `a${i}@example.com` },
      responseElements: { createAccountStatus: { id: car, state: 'IN_PROGRESS', accountName: `acct-${i}` } } }));
    records.push(base(i + 1, 'CreateAccountResult', { eventType: 'AwsServiceEvent', eventID: `big-result-${i}`,
      serviceEventDetails: { createAccountStatus: { id: car, state: 'SUCCEEDED', accountName: `acct-${i}`, accountId: String(100000000000 + i) } } }));
  }
  for (let i = 0; i < 300; i++) {
    const h = `h-${String(i).padStart(20, '0')}`;
    const target = String(200000000000 + i);
    const handshake = { id: h, action: 'INVITE', parties: [{ type: 'ORGANIZATION', id: 'o-big' }, { type: 'ACCOUNT', id: target }],
      requestedTimestamp: t(700 + i), expirationTimestamp: t(700 + i + 15 * 1440) };
    records.push(base(700 + i, 'InviteAccountToOrganization', { requestParameters: { target: { type: 'ACCOUNT', id: target } }, responseElements: { handshake } }));
    records.push(base(710 + i, 'AcceptHandshake', { recipientAccountId: target, userIdentity: { ...who, accountId: target },
      requestParameters: { handshakeId: h }, responseElements: { handshake: { ...handshake, state: 'ACCEPTED' } } }));
  }
  const file = path.join(fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'orgs-big-')), 'big.json');
  fs.writeFileSync(file, JSON.stringify({ Records: records }));
  const started = Date.now();
  const { page, log } = await loadFiles([file]);
  const ready = Date.now() - started;
  assert.ok(ready < 30_000, `load and first draw took ${ready} ms`);
  const creations = page.locator('[data-testid=account-creation]');
  assert.equal(await creations.count(), 250, 'the first page of rows');
  const showAll = page.locator('#org-creations [data-testid=show-all-rows]');
  await showAll.click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=account-creation]').length === 600);
  assert.equal(await page.locator('[data-testid=account-creation][data-state=SUCCEEDED]').count(), 600);
  assert.equal(await page.locator('[data-testid=handshake][data-state=ACCEPTED]').count(), 250);
  assert.equal(await page.locator('[data-testid=lane]').count(), 250);
  assert.equal(await page.getAttribute('[data-testid=swimlane]', 'data-accounts'), '900');
  // The tree lists every member at the end (accounts are not paged there).
  assert.equal(await page.locator('[data-testid=tree-node][data-kind=ACCOUNT]').count(), 900 + 1);
  // The slider stays responsive: a step back redraws the tree.
  const atEnd = await page.getAttribute('[data-testid=org-tree]', 'data-at');
  const moved = Date.now();
  await page.locator('[data-testid=tree-time]').fill('0');
  await page.waitForFunction((at) => document.querySelector('[data-testid=org-tree]').dataset.at !== at, atEnd);
  assert.ok(Date.now() - moved < 5_000, `slider redraw took ${Date.now() - moved} ms`);
  assert.deepEqual(log.errors, []);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
