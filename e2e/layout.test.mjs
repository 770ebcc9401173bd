// Small screens: 200% zoom on a 1400x900 screen (700x450 CSS px), a tablet and a phone.
// At each: no sideways scroll on any tab, histogram labels that do not overlap, a
// histogram that folds, and an event row that can be clicked and opens its detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, waitDone } from './harness.mjs';

const env = suite();

const SIZES = {
  'zoom 200%': { width: 700, height: 450 },
  tablet: { width: 820, height: 1180 },
  'tablet landscape': { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
};

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

for (const [name, viewport] of Object.entries(SIZES)) {
  test(`${name} (${viewport.width}x${viewport.height}): no sideways scroll, rows open their detail`, async () => {
    const { page, log } = await env.open();
    await page.setViewportSize(viewport);
    assert.equal(await sideways(page), 0, 'empty page');
    await page.click('[data-testid=load-sample]');
    await waitDone(page);
    await page.waitForSelector('[data-testid=event-row]');
    assert.equal(await sideways(page), 0, 'Events tab');

    // The histogram's visible labels do not overlap.
    const labels = await page.$$eval('[data-testid=histogram-x] .histogram-tick', (ticks) => ticks
      .map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0)
      .map((r) => [r.left, r.right]));
    assert.ok(labels.length >= 2, JSON.stringify(labels));
    for (let i = 1; i < labels.length; i += 1) {
      assert.ok(labels[i][0] >= labels[i - 1][1], `labels overlap: ${JSON.stringify(labels)}`);
    }

    // The histogram folds to its head line, and unfolds.
    const tableTop = () => page.$eval('[data-testid=event-table]', (t) => t.getBoundingClientRect().top);
    const unfolded = await tableTop();
    await page.click('[data-testid=histogram-fold]');
    await page.waitForSelector('[data-testid=histogram-chart]', { state: 'detached' });
    assert.ok(await tableTop() < unfolded - 40, 'folding the chart gives the table its room');
    await page.click('[data-testid=histogram-fold]');
    await page.waitForSelector('[data-testid=histogram-chart]');

    // The table has room, and a click on a row opens that event.
    const table = await page.$eval('[data-testid=event-table]', (t) => t.getBoundingClientRect().height);
    assert.ok(table >= 150, `table height ${table}`);
    const row = page.locator('[data-testid=event-row]').nth(2);
    const id = await row.getAttribute('data-event-id');
    await row.click();
    await page.waitForSelector(`[data-testid=detail][data-event-id="${id}"]`, { state: 'attached' });
    await page.locator('[data-testid=detail]').scrollIntoViewIfNeeded();
    assert.ok(await page.locator('[data-testid=detail]').isVisible());
    assert.equal(await sideways(page), 0, 'with the detail open');

    await page.click('[data-testid=tab-organization]');
    await page.waitForSelector('[data-testid=orgs-view][data-state=ready]', { state: 'attached' });
    assert.equal(await sideways(page), 0, 'Organization tab');
    await page.click('[data-testid=tab-rules]');
    await page.waitForSelector('[data-testid=rules-view]');
    assert.equal(await sideways(page), 0, 'Rules tab');
    assert.deepEqual(log.errors, []);
  });
}
