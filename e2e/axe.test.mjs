// Accessibility in the real app: axe-core (npm, pinned) over every tab, empty and loaded,
// at desktop and phone sizes, in the light and the dark theme; the theme switch; "Open
// files" by keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { suite, waitDone, fixtures } from './harness.mjs';

const env = suite();
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const SIZES = { desktop: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } };

// Known findings inside the query box, the event table and the tab bar, as
// { rule: 'axe rule id', target: 'part of the flagged element\'s selector' }: none today
// (the event table is an ARIA grid, whose rows may carry aria-selected). Every finding
// of any impact fails the test.
const LEAD_OWNED = [];

const ownedByLead = (id, target) => LEAD_OWNED.some((k) => k.rule === id && target.includes(k.target));

// Findings we keep, by rule id, each with why (none today).
const EXPLAINED = {};

async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
      summary: v.nodes.slice(0, 3).map((n) => n.failureSummary),
    }));
  });
}

/// What the test cannot accept: any finding but the lead's known ones and the explained.
/// (The issue asks for no serious or critical ones and every moderate one fixed or
/// explained; minor ones were fixed too, so none may come back unnoticed.)
function unaccepted(violations) {
  return violations.map((v) => ({ ...v, targets: v.targets.filter((t) => !ownedByLead(v.id, t)) }))
    .filter((v) => v.targets.length > 0 && !EXPLAINED[v.id]);
}

const report = {};
for (const [size, viewport] of Object.entries(SIZES)) {
  for (const scheme of ['dark', 'light']) {
    test(`axe: every tab, empty and loaded, ${size} ${viewport.width}x${viewport.height}, ${scheme} theme`, async () => {
      const { page, log } = await env.open();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      const found = {};
      found.empty = await axe(page);
      const dir = path.join(fixtures, 'orgs');
      await page.setInputFiles('[data-testid=file-input]', fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)));
      await waitDone(page);
      await page.click('[data-testid=event-row]');
      await page.waitForSelector('[data-testid=detail]');
      found.events = await axe(page);
      await page.click('[data-testid=tab-organization]');
      await page.waitForSelector('[data-testid=orgs-view][data-state=ready]', { state: 'attached' });
      found.organization = await axe(page);
      await page.click('[data-testid=tab-rules]');
      await page.waitForSelector('[data-testid=rules-view]');
      found.rules = await axe(page);
      const bad = {};
      for (const [tab, violations] of Object.entries(found)) {
        report[`${size} ${scheme} ${tab}`] = violations.map((v) => `${v.impact} ${v.id} ×${v.targets.length}`).join(', ') || 'none';
        const left = unaccepted(violations);
        if (left.length) bad[tab] = left;
      }
      assert.deepEqual(bad, {}, JSON.stringify(bad, null, 1));
      assert.deepEqual(log.errors, []);
    });
  }
}

test('axe results per tab, size and theme (lead-owned known ones included)', () => {
  for (const [k, v] of Object.entries(report)) console.log(`# axe ${k}: ${v}`);
});

const scheme = (page) => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);

test('the theme follows the system until the switch pins one, and the choice is kept', async () => {
  const { page, log } = await env.open();
  await page.evaluate(() => localStorage.clear());
  await page.emulateMedia({ colorScheme: 'light' });
  // The root paints the page: read the root's background.
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  assert.equal(await scheme(page), 'light dark');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await bg(), 'rgb(15, 20, 25)');

  // Pin light while the system is dark: the page and its scrollbars (color-scheme) turn light.
  await page.selectOption('[data-testid=theme]', 'light');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  assert.equal(await scheme(page), 'light');
  // Kept across a reload.
  await page.reload();
  await page.waitForSelector('[data-testid=load-status][data-state=idle]', { state: 'attached' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  assert.equal(await page.$eval('[data-testid=theme]', (s) => s.value), 'light');
  // Back to the system's.
  await page.selectOption('[data-testid=theme]', '');
  await page.waitForFunction(() => !('theme' in document.documentElement.dataset));
  assert.equal(await bg(), 'rgb(15, 20, 25)');
  assert.equal(await page.evaluate(() => localStorage.getItem('trailglass.theme')), null);
  assert.deepEqual(log.errors, []);
});

test('"Open files" is reached and operated by keyboard alone, with a visible focus', async () => {
  const { page, log } = await env.open();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'file-input');
  // The label around it shows the focus ring.
  const outline = await page.$eval('[data-testid=file-input]', (i) => getComputedStyle(i.closest('label')).outlineStyle);
  assert.equal(outline, 'solid');
  // Space opens the chooser; headless Chromium now and then drops the first activation
  // of a hidden file input, so Enter (the other key that operates it) is the second try.
  let chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
  await page.keyboard.press('Space');
  let opened = await chooser.catch(() => null);
  if (!opened) {
    chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    opened = await chooser;
  }
  await opened.setFiles(path.join(fixtures, 'real', 'plaso', 'aws_cloudtrail.jsonl'));
  assert.equal((await waitDone(page)).events, 6);
  // The next stop is "Open folder", operated the same way.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'folder-input');
  assert.deepEqual(log.errors, []);
});
