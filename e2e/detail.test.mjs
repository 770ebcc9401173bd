// The detail pane: the record as a collapsible tree, filter / exclude on a value, the
// ±5 min context actions, the caller in words, Copy JSON, and hostile records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { suite, waitDone, fixtures } from './harness.mjs';

const env = suite();

const count = (page) => page.$eval('[data-testid=match-count]', (el) => Number(el.dataset.count));
const waitCount = (page, n) => page.waitForFunction(
  (n) => document.querySelector('[data-testid=match-count]')?.dataset.count === String(n), n);
const queryText = (page) => page.inputValue('[data-testid=query]');
const node = (p) => `[data-testid=json-node][data-path="${p}"]`;
const values = (page, p) => page.locator(`[data-testid=json-value][data-path="${p}"]`);
const rows = (page) => page.$$eval('[data-testid=event-row]', (rs) => rs.map((r) => ({
  // With watch-rule badges the name has its own span.
  id: r.dataset.eventId, name: (r.querySelector('.c-name .name') ?? r.querySelector('.c-name')).textContent,
  principal: r.querySelector('.c-principal').textContent, account: r.querySelector('.c-account').textContent,
  time: r.querySelector('.c-time').textContent,
})));

async function select(page, eventId) {
  await page.click(`[data-testid=event-row][data-event-id="${eventId}"]`);
  await page.waitForSelector(`[data-testid=detail][data-event-id="${eventId}"] [data-testid=json-tree]`);
}

test('sample: the tree opens and closes, and values filter and exclude', async () => {
  const { page, log } = await env.open();
  await page.click('[data-testid=load-sample]');
  const { events } = await waitDone(page);

  // The sample (src/sample.rs) has five CreateAccount calls (and three results), for
  // accounts named prod, staging, sandbox, analytics and shadow-it.
  await page.fill('[data-testid=query]', 'eventName:CreateAccount*');
  await waitCount(page, 8);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 8);
  const create = (await rows(page)).find((r) => r.name === 'CreateAccount');
  await select(page, create.id);

  // Top level and two levels below start open; sessionIssuer (depth 3) starts closed, and
  // nothing below a closed node is drawn.
  assert.equal(await page.getAttribute(node(''), 'data-open'), 'true');
  assert.equal(await page.getAttribute(node('userIdentity'), 'data-open'), 'true');
  assert.equal(await page.getAttribute(node('userIdentity.sessionContext'), 'data-open'), 'true');
  const issuer = node('userIdentity.sessionContext.sessionIssuer');
  assert.equal(await page.getAttribute(issuer, 'data-open'), 'false');
  assert.equal(await values(page, 'userIdentity.sessionContext.sessionIssuer.userName').count(), 0);
  await page.click(`${issuer} > .jt-line [data-testid=json-toggle]`);
  await page.waitForSelector(`${issuer}[data-open=true]`);
  assert.equal(await values(page, 'userIdentity.sessionContext.sessionIssuer.userName').textContent(), '"OrgAdmin"');
  // Closing userIdentity (by its key) removes everything under it from the page.
  await page.click(`${node('userIdentity')} > .jt-line .jt-key`);
  await page.waitForSelector(`${node('userIdentity')}[data-open=false]`);
  assert.equal(await page.locator('[data-testid=json-value][data-path^="userIdentity."]').count(), 0);
  // The whole record is still there as text, key order and all.
  assert.match(await page.textContent('[data-testid=detail]'), /"eventID": "/);

  // The caller in words.
  assert.equal(await page.textContent('[data-testid=identity-explained]'),
    'Assumed role OrgAdmin (session alice) in account 111111111111, role arn:aws:iam::111111111111:role/OrgAdmin.');

  // Filter by eventName: ANDed onto the query in the box, and run.
  await page.click('[data-testid=filter-value][data-path="eventName"]');
  await waitCount(page, 5);
  assert.equal(await queryText(page), 'eventName:CreateAccount* eventName:CreateAccount');
  // Exclude this account name: four left.
  const name = await page.getAttribute('[data-testid=exclude-value][data-path="requestParameters.accountName"]', 'data-value');
  assert.ok(['prod', 'staging', 'sandbox', 'analytics', 'shadow-it'].includes(name), name);
  await page.click('[data-testid=exclude-value][data-path="requestParameters.accountName"]');
  await waitCount(page, 4);
  assert.equal(await queryText(page), `eventName:CreateAccount* eventName:CreateAccount NOT requestParameters.accountName:${name}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 4);
  assert.ok(!(await rows(page)).some((r) => r.id === create.id));

  // ±5 min, same principal: a new query; the event is in it, and nobody else is.
  await page.click('[data-testid=context-principal]');
  await page.waitForFunction(() => document.querySelector('[data-testid=query]').value.startsWith('eventTime:['));
  const q = await queryText(page);
  assert.match(q, /^eventTime:\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ TO \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] AND principal:OrgAdmin\/alice$/);
  await page.waitForFunction((id) => [...document.querySelectorAll('[data-testid=event-row]')]
    .some((r) => r.dataset.eventId === id), create.id);
  const n = await count(page);
  // Few enough that the table draws them all.
  assert.ok(n >= 1 && n < 40 && n < events, `${n} of ${events}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, n);
  const around = await rows(page);
  assert.ok(around.every((r) => r.principal === 'OrgAdmin/alice'), JSON.stringify(around));
  const [from, to] = q.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g).map(Date.parse);
  assert.equal(to - from, 10 * 60_000);
  assert.ok(around.every((r) => Date.parse(`${r.time.replace(' ', 'T')}Z`) >= from
    && Date.parse(`${r.time.replace(' ', 'T')}Z`) <= to + 999), JSON.stringify(around));
  assert.deepEqual(log.errors, []);
});

// A file made here, so every count is known without the app.
const T0 = Date.parse('2024-05-01T10:00:00Z');
const MIN = 60_000;
const ALICE = { type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' };
const SSO_ROLE = 'AWSReservedSSO_ReadOnly_0123456789abcdef';
const BOB = {
  type: 'AssumedRole', principalId: 'AROAEXAMPLEBOB:bob@example.com',
  arn: `arn:aws:sts::444455556666:assumed-role/${SSO_ROLE}/bob@example.com`, accountId: '444455556666',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEBOB', arn: `arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/${SSO_ROLE}`, accountId: '444455556666', userName: SSO_ROLE },
    webIdFederationData: {}, attributes: { creationDate: '2024-05-01T09:00:00Z', mfaAuthenticated: 'false' },
  },
};
const SERVICE = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
const RECORDS = Array.from({ length: 24 }, (_, i) => {
  const who = [ALICE, BOB, SERVICE][i % 3];
  return {
    eventVersion: '1.09', userIdentity: who, eventTime: new Date(T0 + i * 2 * MIN).toISOString().replace('.000', ''),
    eventSource: 's3.amazonaws.com', eventName: ['GetObject', 'PutObject', 'ListBuckets', 'DeleteObject'][i % 4],
    awsRegion: 'eu-west-1', sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15.0',
    requestParameters: { bucketName: `bucket-${i % 5}`, size: (i % 3) * 100, versioned: i % 2 === 0, note: null, empty: '' },
    responseElements: i === 7 ? { items: Array.from({ length: 100 }, (_, k) => `item-${k}`) } : null,
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket-${i % 5}/key-${i}` }, { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::bucket-${i % 5}` }],
    eventID: `e-${i}`, readOnly: false, eventType: 'AwsApiCall',
    recipientAccountId: who === ALICE ? '111122223333' : '444455556666',
  };
});
const account = (r) => r.recipientAccountId;
const within = (r, t) => Math.abs(Date.parse(r.eventTime) - t) <= 5 * MIN;

async function loadRecords(page) {
  await page.setInputFiles('[data-testid=file-input]', {
    name: 'detail.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ Records: RECORDS })),
  });
  const { events } = await waitDone(page);
  assert.equal(events, RECORDS.length);
}

test('values inside arrays, numbers, no value; context by account; Identity Center in words', async () => {
  const { page, log } = await env.open();
  await loadRecords(page);
  const e7 = RECORDS[7];
  await select(page, 'e-7');

  assert.equal(await page.textContent('[data-testid=identity-explained]'),
    `IAM Identity Center user bob@example.com via permission set ReadOnly in account 444455556666 (role ${SSO_ROLE}).`);

  // A large list starts closed and draws nothing until opened.
  const items = node('responseElements.items');
  assert.equal(await page.getAttribute(items, 'data-open'), 'false');
  assert.equal(await values(page, 'responseElements.items').count(), 0);
  await page.click(`${items} > .jt-line [data-testid=json-toggle]`);
  await page.waitForSelector(`${items}[data-open=true]`);
  assert.equal(await values(page, 'responseElements.items').count(), 100);
  await page.click(`${items} > .jt-line [data-testid=json-toggle]`);
  await page.waitForSelector(`${items}[data-open=false]`);
  assert.equal(await values(page, 'responseElements.items').count(), 0);

  // null and "" have no value to filter on; the rest do.
  assert.equal(await values(page, 'requestParameters.note').textContent(), 'null');
  assert.equal(await values(page, 'requestParameters.empty').textContent(), '""');
  assert.equal(await page.locator('[data-testid=filter-value][data-path="requestParameters.note"]').count(), 0);
  assert.equal(await page.locator('[data-testid=filter-value][data-path="requestParameters.empty"]').count(), 0);

  // A value inside an array: the path leaves the index out (the language walks arrays).
  const bucket = `arn:aws:s3:::bucket-${7 % 5}`;
  const arn = page.locator(`[data-testid=filter-value][data-path="resources.ARN"][data-value="${bucket}"]`);
  await arn.click();
  const byBucket = RECORDS.filter((r) => r.resources.some((x) => x.ARN === bucket));
  await waitCount(page, byBucket.length);
  assert.equal(await queryText(page), `resources.ARN:${bucket}`);

  // Exclude a number.
  await page.click('[data-testid=exclude-value][data-path="requestParameters.size"]');
  const expected = byBucket.filter((r) => r.requestParameters.size !== e7.requestParameters.size);
  await waitCount(page, expected.length);
  assert.equal(await queryText(page), `resources.ARN:${bucket} NOT requestParameters.size:${e7.requestParameters.size}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, expected.length);
  assert.deepEqual((await rows(page)).map((r) => r.id).sort(), expected.map((r) => r.eventID).sort());

  // A typed OR query gets parentheses before a clause is added (else AND binds first).
  await page.fill('[data-testid=query]', 'eventName:GetObject OR eventName:PutObject');
  const getOrPut = RECORDS.filter((r) => ['GetObject', 'PutObject'].includes(r.eventName));
  await waitCount(page, getOrPut.length);
  // The rows follow the count: wait for those that answer the box.
  await page.waitForSelector('[data-testid=event-table][data-stale=false] [data-testid=event-row]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, getOrPut.length);
  await select(page, (await rows(page))[0].id);
  const versioned = await page.getAttribute('[data-testid=filter-value][data-path="requestParameters.versioned"]', 'data-value');
  await page.click('[data-testid=filter-value][data-path="requestParameters.versioned"]');
  await waitCount(page, getOrPut.filter((r) => String(r.requestParameters.versioned) === versioned).length);
  assert.equal(await queryText(page), `(eventName:GetObject OR eventName:PutObject) requestParameters.versioned:${versioned}`);

  // ±5 min in the same account replaces the query.
  await page.fill('[data-testid=query]', '');
  await waitCount(page, RECORDS.length);
  await select(page, 'e-7');
  await page.click('[data-testid=context-account]');
  const t = Date.parse(e7.eventTime);
  const near = RECORDS.filter((r) => account(r) === account(e7) && within(r, t));
  await waitCount(page, near.length);
  assert.equal(await queryText(page), 'eventTime:[2024-05-01T10:09:00Z TO 2024-05-01T10:19:00Z] AND account:444455556666');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, near.length);
  assert.deepEqual((await rows(page)).map((r) => r.id).sort(), near.map((r) => r.eventID).sort());
  assert.ok(near.some((r) => r.eventID === 'e-7'));

  // … and the same principal.
  await page.click('[data-testid=context-principal]');
  const mine = RECORDS.filter((r) => r.userIdentity === BOB && within(r, t));
  await waitCount(page, mine.length);
  assert.equal(await queryText(page), `eventTime:[2024-05-01T10:09:00Z TO 2024-05-01T10:19:00Z] AND principal:${SSO_ROLE}/bob@example.com`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=event-row]').length === n, mine.length);
  assert.deepEqual((await rows(page)).map((r) => r.id).sort(), mine.map((r) => r.eventID).sort());
  assert.ok((await rows(page)).every((r) => r.principal === `${SSO_ROLE}/bob@example.com`));

  // Typing still works after the box was set from the pane.
  await page.fill('[data-testid=query]', 'eventName:ListBuckets');
  await waitCount(page, RECORDS.filter((r) => r.eventName === 'ListBuckets').length);
  assert.deepEqual(log.errors, []);
});

test('Copy JSON puts the record on the clipboard', async () => {
  const { page, log } = await env.open();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await loadRecords(page);
  await select(page, 'e-4');
  await page.click('[data-testid=copy-json]');
  await page.waitForSelector('[data-testid=copy-json][data-state=copied]');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.deepEqual(JSON.parse(copied), RECORDS[4]);
  // Key order is the record's, not alphabetical.
  assert.deepEqual(Object.keys(JSON.parse(copied)), Object.keys(RECORDS[4]));
  assert.deepEqual(log.errors, []);
});

test('hostile records: script as text, filters on it, and too-deep records as text', async () => {
  const { page, log } = await env.open();
  await page.setInputFiles('[data-testid=file-input]', [
    path.join(fixtures, 'damaged', 'script-in-strings.json'),
    path.join(fixtures, 'damaged', 'deep-nesting.json'),
  ]);
  await waitDone(page);
  await select(page, 'xss-1');
  const agent = values(page, 'userAgent');
  assert.equal(await agent.textContent(), '"<script>window.__pwned=2</script>"');
  assert.equal(await page.locator('[data-testid=detail] script').count(), 0);
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.equal(await page.locator('[data-testid=detail] b').filter({ hasText: 'AccessDenied' }).count(), 0);
  // Filtering on such a value quotes it right: only that event matches.
  await agent.hover();
  await page.click('[data-testid=filter-value][data-path="userAgent"]');
  await waitCount(page, 1);
  assert.equal(await queryText(page), 'userAgent:\\<script>window.__pwned=2</script>');
  await page.click('[data-testid=filter-value][data-path="eventName"]');
  await waitCount(page, 1);
  assert.match(await queryText(page), /eventName:"<img src=x onerror=\\"window.__pwned=1\\">"$/);

  // Nested past serde_json's limit: shown as text, no tree, no error.
  await page.fill('[data-testid=query]', '');
  await waitCount(page, 3);
  await page.click('[data-testid=event-row][data-event-id="deep"]');
  await page.waitForSelector('[data-testid=detail][data-event-id="deep"] [data-testid=detail-text]');
  assert.equal(await page.locator('[data-testid=detail] [data-testid=json-tree]').count(), 0);
  assert.match(await page.textContent('[data-testid=detail-text]'), /"eventName": "Deep"/);

  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.errors, []);
});
