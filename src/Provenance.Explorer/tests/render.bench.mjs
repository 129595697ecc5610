// #21: how long the workspace's pages take to render in a real browser (Debian's Chromium, headless),
// for deploy/bench.sh on its generated ledger: from navigating to the page's address until its data
// is on screen, for the overview and for a dataset page, after one warm-up each; the median and the
// slowest of the runs. Prints "RESULT name=value" lines.
//   PROVENANCE_URL=http://127.0.0.1:PORT PROVENANCE_API_KEY=<key> node tests/render.bench.mjs [runs]
import { chromium } from 'playwright-core';

const base = process.env.PROVENANCE_URL;
const key = process.env.PROVENANCE_API_KEY;
const runs = Number(process.argv[2] ?? 5);
const datasets = await (await fetch(new URL('/datasets?limit=1', base), { headers: { Authorization: `ApiKey ${key}` } })).json();
const dataset = datasets.items[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
const page = await context.newPage();
// Signed in once, as a user would be: the key stays in the tab.
await page.goto(new URL('/explorer/#/datasets?limit=1', base).href);
await page.fill('#api-key', key);
await page.click('#sign-in button[type=submit]');
await page.waitForSelector('#dataset-results table');

async function time(hash, ready) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    await page.goto(new URL('/explorer/#/blank', base).href);
    await page.waitForSelector('#workspace:not([hidden])');
    const started = Date.now();
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForSelector(ready, { timeout: 120000 });
    if (i > 0) samples.push(Date.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], max: samples.at(-1) };
}

const overview = await time('#/overview', '#attention-title');
const datasetPage = await time(`#/datasets/${dataset.id}`, '#dataset-timeline-title');
console.log(`Overview rendered in ${overview.median} ms (median of ${runs}; slowest ${overview.max} ms); a dataset page in ${datasetPage.median} ms (slowest ${datasetPage.max} ms).`);
console.log(`RESULT render.overview_ms=${overview.median}`);
console.log(`RESULT render.overview_max_ms=${overview.max}`);
console.log(`RESULT render.dataset_ms=${datasetPage.median}`);
console.log(`RESULT render.dataset_max_ms=${datasetPage.max}`);
await browser.close();
