// "Run this elsewhere": a typed query appears as Athena, CloudTrail Lake and DuckDB SQL,
// with the Athena DDL for the loaded trail; copy puts the SQL on the clipboard; a part
// with no SQL equivalent is refused by name. (The SQL's meaning is proven against DuckDB
// in tests/sql/equivalence.py.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, waitDone } from './harness.mjs';

const env = suite();

const text = (page, id) => page.textContent(`[data-testid=${id}]`);
const waitText = (page, id, needle) => page.waitForFunction(
  ([id, needle]) => document.querySelector(`[data-testid=${id}]`)?.textContent.includes(needle), [id, needle]);

test('a typed query shows as Athena, Lake and DuckDB SQL, and copies', async () => {
  const { page, log } = await env.open();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await page.click('[data-testid=load-sample]');
  await waitDone(page);

  await page.click('[data-testid=query]');
  await page.keyboard.type('eventName:CreateAccount* -errorCode:*');
  await page.keyboard.press('Escape');
  await page.click('[data-testid=sql-open]');

  await waitText(page, 'sql-athena', "lower(eventname) LIKE 'createaccount%'");
  const athena = await text(page, 'sql-athena');
  // NOT keeps the rows where errorCode is missing.
  assert.match(athena, /\(errorcode IS NULL OR NOT errorcode <> ''\)/);
  assert.match(athena, /FROM cloudtrail_logs_pp/);
  assert.match(athena, /json_format\(CAST\(useridentity AS JSON\)\) AS "userIdentity"/);
  const lake = await text(page, 'sql-lake');
  assert.match(lake, /FROM EVENT_DATA_STORE_ID/);
  assert.match(lake, /lower\(eventName\) LIKE 'createaccount%'/);
  const duck = await text(page, 'sql-duckdb');
  // The loaded file, relative to the folder it came from.
  assert.match(duck, /read_json_objects\(\['org-history\.json'\], format = 'auto'/);
  assert.match(duck, /run from inside the folder sample/);

  // The DDL names the bucket typed.
  await page.fill('[data-testid=sql-bucket]', 'my-trail-bucket');
  await waitText(page, 'sql-ddl', "s3://my-trail-bucket/AWSLogs/");
  assert.match(await text(page, 'sql-ddl'), /^CREATE EXTERNAL TABLE cloudtrail_logs_pp \(/);

  // Copy puts exactly the shown text on the clipboard.
  await page.click('[data-testid=copy-sql-duckdb]');
  await page.waitForSelector('[data-testid=copy-sql-duckdb][data-state=copied]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), duck);

  // A new query rewrites all three; a brushed time range becomes a condition (and, in
  // Athena, the day partitions around it).
  await page.fill('[data-testid=query]', 'eventTime:[2023-11-14 TO 2023-11-15] source:organizations*');
  await waitText(page, 'sql-athena', `"timestamp" >= '2023/11/13' AND "timestamp" <= '2023/11/17'`);
  await waitText(page, 'sql-lake', "eventTime >= timestamp '2023-11-14 00:00:00.000'");
  await waitText(page, 'sql-duckdb', "TIMESTAMPTZ '2023-11-16T00:00:00.000Z'");

  // No SQL for the viewer's own reading of userIdentity: refused, by name.
  await page.fill('[data-testid=query]', 'eventName:CreateAccount principal:alice');
  await page.waitForSelector('[data-testid=sql-athena-error]');
  assert.match(await text(page, 'sql-athena-error'), /^`principal:alice` has no SQL equivalent: the principal/);
  assert.match(await text(page, 'sql-duckdb-error'), /principal/);
  assert.deepEqual(log.errors, []);
});
