// The lineage explorer in a real browser (Debian's Chromium, driven headless by playwright-core),
// against a running API loaded with the demo seeds. Run by deploy/test.sh, which starts that API:
//   PROVENANCE_URL=http://127.0.0.1:PORT PROVENANCE_KEYS_FILE=.../demo-keys.env \
//   PROVENANCE_RESULTS=<folder for the TRX file and the screenshots> node tests/explorer.test.mjs
// Expected values come from the API itself (the same key, the same question), never from copies.
// Writes its results as a TRX file, so the test command counts them with every other test.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startFakeIdp } from './fake-idp.mjs';

const base = process.env.PROVENANCE_URL ?? 'http://127.0.0.1:5080';
const results = process.env.PROVENANCE_RESULTS ?? 'explorer-results';
const keys = Object.fromEntries(readFileSync(process.env.PROVENANCE_KEYS_FILE, 'utf8').split('\n')
  .map((line) => line.match(/^(?:export\s+)?([A-Z_0-9]+)=(\S+)/)).filter(Boolean).map((m) => [m[1], m[2]]));
mkdirSync(results, { recursive: true });

async function api(path, key) {
  const response = await fetch(new URL(path, base), { headers: { Authorization: `ApiKey ${key}` } });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return response.json();
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// #21: with PROVENANCE_IDP_PORT, the API was started with an OpenID Connect issuer at that port (the
// test command's setup), and this file runs the stand-in issuer there, for the single sign-on test.
const sso = { clientId: 'provenance-workspace', audience: 'provenance-workspace-test', user: { subject: 'sso-reviewer@health.example', roles: ['irb-reviewer'] } };
const idp = process.env.PROVENANCE_IDP_PORT
  ? await startFakeIdp({ port: Number(process.env.PROVENANCE_IDP_PORT), clientId: sso.clientId, audience: sso.audience, user: sso.user, redirectUri: new URL('/explorer/', base).href })
  : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const tests = [];
async function test(name, body, { mayFail = [] } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  const problems = [];
  // Script errors and content-security-policy refusals (console errors), and any request the API
  // refused that the test did not expect (a failed request's console line is the response's echo).
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !mayFail.some((m) => (m instanceof RegExp ? m.test(path) : m === path))) problems.push(`${response.status()} for ${path}`);
  });
  const started = Date.now();
  let outcome = 'Passed';
  let error = null;
  try {
    await body(page);
    // A script error or a content-security-policy refusal is a failure, even if the page looked right.
    assert(problems.length === 0, `the page reported errors: ${problems.join(' | ')}`);
  } catch (e) {
    outcome = 'Failed';
    error = e;
    await page.screenshot({ path: join(results, `failed-${tests.length + 1}.png`) }).catch(() => {});
  }
  tests.push({ name, outcome, error, ms: Date.now() - started });
  console.log(`${outcome === 'Passed' ? 'ok' : 'FAILED'} - ${name}${error ? `: ${error.message}` : ''}`);
  await context.close();
}

// #21: axe-core (from npm) checks the page as it stands against WCAG 2.1 A and AA; no serious or
// critical violation may remain. It is run through the browser's debugging protocol, which the
// page's CSP does not govern, so the page keeps its policy while it is checked.
const axeSource = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
async function accessible(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(serious.length === 0, `${what}: ${serious.map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`).join(' | ')}`);
}

// The picker's label of a model version, as the page writes it (owner and id tell same-named models apart).
const modelLabel = (model, version) => `${model.name} ${version} · ${model.owner} · ${model.id.slice(0, 8)}`;

// Without an address the workspace opens on its overview; the model version tests start at the models page.
async function signIn(page, key, hash = '#/models') {
  await page.goto(new URL(`/explorer/${hash}`, base).href);
  await page.fill('#api-key', key);
  await page.click('#sign-in button[type=submit]');
}

await test('A reviewer signs in, opens a model version and sees its lineage graph and a finding', async (page) => {
  const models = await api('/models?limit=100', keys.IRB_REVIEWER_KEY);
  const model = models.items.find((m) => m.versions.length > 0);
  const version = model.versions[0];
  const lineage = await api(`/models/${model.id}/versions/${encodeURIComponent(version)}/lineage`, keys.IRB_REVIEWER_KEY);

  await signIn(page, keys.IRB_REVIEWER_KEY);
  await page.waitForSelector('#workspace:not([hidden])');
  assert(await page.isHidden('#sign-in'), 'the sign-in form is still shown after signing in');
  assert((await page.textContent('#principal')).includes('irb-reviewer'), 'the signed-in principal and role are not shown');
  assert(await page.isHidden('#download-bundle'), 'an IRB reviewer was offered the audit bundle, which only regulators and administrators may export');
  const abilities = await page.textContent('#capabilities');
  assert(abilities.includes('record IRB approvals') && !abilities.includes('export audit bundles'), `the page says an IRB reviewer may: ${abilities}`);
  await page.selectOption('#model', { label: modelLabel(model, version) });
  await page.click('#show-lineage');
  await page.waitForFunction(() => document.querySelector('#summary').textContent.length > 0);
  const summary = await page.textContent('#summary');
  assert(summary.startsWith(`${lineage.nodes.length} nodes, ${lineage.edges.length} edges`), `the summary says "${summary}"`);
  const drawn = await page.evaluate(() => window.provenanceExplorer.graph().nodes().length);
  assert(drawn === lineage.nodes.length, `the graph drew ${drawn} nodes; the lineage has ${lineage.nodes.length}`);

  // A dataset version that was not cleared, on the training day or today, and the finding why.
  const uncleared = lineage.nodes.find((n) => n.kind === 'dataset-version' && (n.clearanceAtTraining?.some((c) => !c.cleared) || n.clearanceToday?.cleared === false));
  assert(uncleared, 'the demo lineage should hold a version that is not cleared');
  const color = await page.evaluate((id) => window.provenanceExplorer.graph().getElementById(id).style('background-color'), uncleared.id);
  assert(color !== 'rgb(46,125,50)', `the uncleared version is drawn in the cleared color (${color})`);
  await page.evaluate((id) => window.provenanceExplorer.graph().getElementById(id).emit('tap'), uncleared.id);
  const finding = [...(uncleared.clearanceAtTraining ?? []), uncleared.clearanceToday].flatMap((c) => c?.findings ?? [])[0];
  await page.waitForSelector(`#details .finding >> text=${finding.code}`);
  const details = await page.textContent('#details');
  assert(details.includes(finding.message), 'the details panel does not give the finding\'s reason');
  // #21: each finding once, with the days it held, under the version it is about.
  const shown = await page.$$eval('#details p.finding', (list) => list.map((p) => p.textContent));
  assert(new Set(shown).size === shown.length, `a finding is shown twice: ${shown.join(' | ')}`);
  assert(details.includes(`Clearance of ${uncleared.name} v${uncleared.version}`), 'the clearance does not say which version it is about');
  await page.waitForSelector('#details table >> nth=-1');
  const history = await api(`/datasets/${uncleared.datasetId}/events?limit=50`, keys.IRB_REVIEWER_KEY);
  assert(details.includes(history.items[0].type) || (await page.textContent('#details')).includes(String(history.items[0].position)),
    'the event history with positions is not shown');
  await page.screenshot({ path: join(results, 'explorer-lineage.png'), fullPage: true });
});

await test('The impact view shows what depends on a dataset version', async (page) => {
  const models = await api('/models?limit=100', keys.REGULATOR_KEY);
  const model = models.items.find((m) => m.versions.length > 0);
  const lineage = await api(`/models/${model.id}/versions/${encodeURIComponent(model.versions[0])}/lineage`, keys.REGULATOR_KEY);
  const start = lineage.nodes.find((n) => n.kind === 'dataset-version');
  const impact = await api(`/datasets/${start.datasetId}/versions/${start.version}/impact`, keys.REGULATOR_KEY);

  await signIn(page, keys.REGULATOR_KEY);
  await page.selectOption('#model', { label: modelLabel(model, model.versions[0]) });
  await page.click('#show-lineage');
  await page.waitForFunction(() => document.querySelector('#summary').textContent.length > 0);
  await page.evaluate((id) => window.provenanceExplorer.graph().getElementById(id).emit('tap'), start.id);
  await page.click('#show-impact');
  await page.waitForFunction(() => document.querySelector('#graph-title').textContent.startsWith('Impact'));
  const drawn = await page.evaluate(() => window.provenanceExplorer.graph().nodes().length);
  assert(drawn === impact.nodes.length, `the impact graph drew ${drawn} nodes; the API's impact has ${impact.nodes.length}`);
  // #14: a version no run used is judged by today alone, never drawn as "no longer cleared".
  for (const node of impact.nodes.filter((n) => n.kind === 'dataset-version' && (n.clearanceAtTraining ?? []).length === 0)) {
    const classes = await page.evaluate((id) => window.provenanceExplorer.graph().getElementById(id).classes(), node.id);
    const expected = node.clearanceToday?.cleared === false ? 'idle-blocked' : 'idle';
    assert(classes.includes(expected) && !classes.includes('lapsed'), `${node.name} v${node.version} is drawn as ${classes.join(' ')}, not ${expected}`);
  }
});

await test('Two models of the same name are told apart in the picker', async (page) => {
  const models = (await api('/models?limit=100', keys.REGULATOR_KEY)).items.filter((m) => m.versions.length > 0);
  const expected = models.flatMap((m) => m.versions.map((v) => modelLabel(m, v)));
  await signIn(page, keys.REGULATOR_KEY);
  await page.waitForSelector('#workspace:not([hidden])');
  // The workspace shows before the picker is filled (page by page): wait for every option.
  await page.waitForFunction((count) => document.querySelectorAll('#model option').length >= count, expected.length);
  const labels = await page.$$eval('#model option', (options) => options.map((o) => o.textContent));
  assert(labels.length === expected.length && expected.every((l) => labels.includes(l)), `the picker lists ${labels.join(' | ')}`);
  assert(new Set(labels).size === labels.length, 'two options of the picker read the same');
});

await test('A regulator downloads the audit bundle of the model version on screen', async (page) => {
  await signIn(page, keys.REGULATOR_KEY);
  await page.waitForSelector('#download-bundle:not([hidden])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-bundle')]);
  const path = join(results, await download.suggestedFilename());
  await download.saveAs(path);
  const bytes = readFileSync(path);
  assert(bytes.length > 1000 && bytes[0] === 0x50 && bytes[1] === 0x4b, 'the download is not a ZIP archive');
  await page.waitForSelector('#message >> text=Downloaded an audit bundle');
});

await test('A reviewer sees a device version outside its PCCP with the findings, its model card, and downloads the card and the disclosure', async (page) => {
  const models = await api('/models?limit=100', keys.IRB_REVIEWER_KEY);
  const model = models.items.find((m) => m.versions.includes('1.2.0') && m.versions.includes('1.1.0'));
  assert(model, 'the demo should hold a device model with versions 1.1.0 and 1.2.0');
  const review = await api(`/models/${model.id}/versions/1.2.0/change-control`, keys.IRB_REVIEWER_KEY);
  assert(review.applies && review.findings.length > 0, 'the demo device version 1.2.0 should lie outside its PCCP');

  await signIn(page, keys.IRB_REVIEWER_KEY);
  await page.selectOption('#model', { label: modelLabel(model, '1.2.0') });
  await page.click('#show-lineage');
  await page.waitForSelector('#change-control >> text=outside the authorization');
  const panel = await page.textContent('#model-panel');
  for (const finding of review.findings) assert(panel.includes(finding.message), `the panel does not give the finding ${finding.code}`);
  assert(panel.includes('K241234'), 'the regulatory status (510(k) K241234) is not shown');
  assert(/override/i.test(panel), 'the administrator\'s override of the findings is not shown');
  assert((await page.textContent('#model-card')).includes(model.name), 'the model card does not name the model');

  const [card] = await Promise.all([page.waitForEvent('download'), page.click('#download-card')]);
  const cardPath = join(results, await card.suggestedFilename());
  await card.saveAs(cardPath);
  assert(readFileSync(cardPath, 'utf8').includes('<AppliedModelCard xmlns="https://mc.chai.org/v0.2/schema.xsd"'), 'the downloaded card is not a CHAI model card');
  const [disclosure] = await Promise.all([page.waitForEvent('download'), page.click('#download-disclosure')]);
  const disclosurePath = join(results, await disclosure.suggestedFilename());
  await disclosure.saveAs(disclosurePath);
  assert(JSON.parse(readFileSync(disclosurePath, 'utf8')).format === 'provenance-procurement-disclosure/1', 'the downloaded disclosure is not one');

  // Inside the PCCP, the same panel says so.
  await page.selectOption('#model', { label: modelLabel(model, '1.1.0') });
  await page.click('#show-lineage');
  await page.waitForSelector('#change-control >> text=within the authorization');
  await page.screenshot({ path: join(results, 'explorer-model-side.png'), fullPage: true });
});

await test('An as-of date asks for the ledger as it stood then', async (page) => {
  await signIn(page, keys.REGULATOR_KEY);
  await page.waitForSelector('#workspace:not([hidden])');
  const today = new Date().toISOString().slice(0, 10);
  await page.fill('#as-of', today);
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().includes('/lineage?asOf=')), page.click('#show-lineage')]);
  assert(request.url().includes(encodeURIComponent(`${today}T23:59:59.999Z`)), `the lineage was asked for without the date: ${request.url()}`);
  await page.waitForSelector(`#graph-title >> text=as of ${today}`);
});

await test('A model version has an address: reloaded, or opened by a colleague who signs in, it shows the same lineage', async (page) => {
  const models = await api('/models?limit=100', keys.IRB_REVIEWER_KEY);
  const model = models.items.find((m) => m.versions.length > 1) ?? models.items.find((m) => m.versions.length > 0);
  const version = model.versions.at(-1);
  const lineage = await api(`/models/${model.id}/versions/${encodeURIComponent(version)}/lineage`, keys.IRB_REVIEWER_KEY);
  const today = new Date().toISOString().slice(0, 10);

  await signIn(page, keys.IRB_REVIEWER_KEY);
  await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
  await page.selectOption('#model', { label: modelLabel(model, version) });
  await page.fill('#as-of', today);
  await page.click('#show-lineage');
  await page.waitForFunction(() => document.querySelector('#summary').textContent.length > 0);
  const address = page.url();
  assert(address.endsWith(`#/models/${model.id}/versions/${encodeURIComponent(version)}?asOf=${today}`), `the address is ${address}`);
  await accessible(page, 'the model version page');

  // Without a mouse: the list of nodes opens from the keyboard, and a node chosen there is described.
  const node = lineage.nodes.find((n) => n.kind === 'dataset-version');
  await page.focus('#graph-list summary');
  await page.keyboard.press('Enter');
  const button = page.locator('#graph-nodes button', { hasText: `${node.name} v${node.version}` }).first();
  await button.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#details h2 >> text=${node.name} v${node.version}`);
  assert(await page.evaluate(() => document.activeElement?.id) === 'details', 'the description of the chosen node does not take the focus');

  await page.reload();
  await page.waitForSelector(`#graph-title >> text=as of ${today}`);
  assert(await page.inputValue('#model') === JSON.stringify({ modelId: model.id, version }), 'the reloaded page shows another model version');
  const drawn = await page.evaluate(() => window.provenanceExplorer.graph().nodes().length);
  assert(drawn === lineage.nodes.length, `after a reload the graph drew ${drawn} nodes; the lineage has ${lineage.nodes.length}`);

  // A colleague opens the same address in a browser of their own and signs in.
  const colleague = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await colleague.newPage();
  await signIn(other, keys.REGULATOR_KEY, new URL(address).hash);
  await other.waitForSelector(`#graph-title >> text=as of ${today}`);
  assert(await other.inputValue('#model') === JSON.stringify({ modelId: model.id, version }), 'the shared address opened another model version');
  await colleague.close();
});

await test('Datasets are searched by name and filters on the server, paged by address, and each has a page with its versions and timeline', async (page) => {
  const all = (await api('/datasets?limit=500', keys.IRB_REVIEWER_KEY)).items;
  const dataset = all.find((d) => d.versionCount > 1) ?? all.find((d) => d.versionCount > 0);
  const word = dataset.name.split(/\s+/).find((w) => w.length > 4).toLowerCase();
  const expected = await api(`/datasets?name=${encodeURIComponent(word)}&modality=${dataset.modality}&limit=25`, keys.IRB_REVIEWER_KEY);

  await signIn(page, keys.IRB_REVIEWER_KEY, '#/datasets');
  await page.waitForSelector('#page-datasets:not([hidden])');
  await page.fill('#dataset-search input[name=name]', word);
  await page.selectOption('#dataset-search select[name=modality]', dataset.modality);
  await page.click('#dataset-search button[type=submit]');
  await page.waitForSelector('#dataset-results table');
  assert(page.url().includes(`#/datasets?name=${encodeURIComponent(word)}&`) && page.url().includes(`modality=${dataset.modality}`), `the search is not in the address: ${page.url()}`);
  const names = await page.$$eval('#dataset-results tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert(JSON.stringify(names) === JSON.stringify(expected.items.map((d) => d.name)), `the page lists ${names.join(' | ')}; the API answers ${expected.items.map((d) => d.name).join(' | ')}`);
  assert(await page.getAttribute('#pages a[data-page=page-datasets]', 'aria-current') === 'page', 'the navigation does not mark the datasets page');
  await accessible(page, 'the datasets page');
  await page.screenshot({ path: join(results, 'workspace-datasets.png'), fullPage: true });

  // Paging: a second page of one dataset at a time, by address.
  await page.goto(new URL('/explorer/#/datasets?limit=1', base).href);
  await page.waitForSelector('#dataset-results table');
  await page.click('#dataset-results .pager a >> text=Next page');
  await page.waitForFunction(() => location.hash.includes('after='));
  await page.waitForSelector('#dataset-results-title >> text=(continued)');

  // Sorted by name, Z to A, on the server: the page shows the API's own order, and the address keeps it.
  const byName = (await api('/datasets?sort=-name&limit=25', keys.IRB_REVIEWER_KEY)).items.map((d) => d.name);
  await page.goto(new URL('/explorer/#/datasets', base).href);
  await page.waitForSelector('#dataset-results table');
  await page.selectOption('#dataset-search select[name=sort]', '-name');
  await page.click('#dataset-search button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('sort=-name'));
  await page.waitForSelector('#dataset-results caption >> text=by name, Z to A');
  const sorted = await page.$$eval('#dataset-results tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert(JSON.stringify(sorted) === JSON.stringify(byName), `sorted by name, the page shows ${sorted.join(', ')}`);

  // The dataset's page: its facts, every version's fingerprint, and its timeline as the API gives it.
  const view = await api(`/datasets/${dataset.id}`, keys.IRB_REVIEWER_KEY);
  const history = await api(`/datasets/${dataset.id}/events?limit=500`, keys.IRB_REVIEWER_KEY);
  await page.goto(new URL(`/explorer/#/datasets/${dataset.id}`, base).href);
  await page.waitForSelector('#dataset-timeline-title');
  const body = await page.textContent('#dataset-body');
  for (const v of view.versions) assert(body.includes(v.fingerprint), `the page does not show the fingerprint of v${v.version}`);
  const positions = await page.$$eval('#dataset-body section:last-child tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert(JSON.stringify(positions) === JSON.stringify(history.items.map((e) => String(e.position))), `the timeline lists positions ${positions.join(', ')}`);
  assert((await page.title()).includes(view.name), 'the tab is not named after the dataset');
  // Each version's verdict today and what lies downstream, as the API's own review gives them.
  const verdicts = async () => page.$$eval('#dataset-clearance-title ~ table tbody tr td:nth-child(2)', (cells) => cells.map((c) => c.textContent));
  const expectVerdicts = (review) => review.clearance.map((c) => (c.findings.length ? 'not cleared' : 'cleared'));
  const review = await api(`/datasets/${dataset.id}/review`, keys.IRB_REVIEWER_KEY);
  assert(JSON.stringify(await verdicts()) === JSON.stringify(expectVerdicts(review)), `the verdicts ${await verdicts()} are not the API's`);
  for (const c of review.clearance) for (const f of c.findings) assert(body.includes(f.message), `the finding "${f.message}" is missing`);
  for (const m of review.downstream.modelVersions) assert(body.includes(`${m.modelName} ${m.modelVersion}`), `the downstream model version ${m.modelName} ${m.modelVersion} is missing`);
  for (const p of review.irbCoverage) assert(body.includes(p.protocolNumber), `the covering protocol ${p.protocolNumber} is missing`);
  await accessible(page, 'the dataset page');
  await page.screenshot({ path: join(results, 'workspace-dataset.png'), fullPage: true });
  // Printed, the manifests folded away on screen are open, and they fold back afterwards.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  assert(await page.$$eval('#dataset-body details', (list) => list.length > 0 && list.every((d) => d.open)), 'a manifest stays folded in print');
  await page.emulateMedia({ media: 'print' });
  assert(await page.isHidden('#dataset-as-of-form'), 'the as-of form is printed');
  await page.pdf({ path: join(results, 'workspace-dataset.pdf') }).catch(() => {});
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert(await page.$$eval('#dataset-body details', (list) => list.every((d) => !d.open)), 'the manifests stay open after printing');

  // Clearance judged on another day: the address carries it and the verdicts are the API's for that day.
  await page.fill('#dataset-on', '2000-01-01');
  await page.click('#dataset-as-of-form button[type=submit]');
  await page.waitForSelector('#dataset-clearance-title >> text=on 2000-01-01');
  assert(page.url().endsWith(`#/datasets/${dataset.id}?on=2000-01-01`), `the clearance day is not in the address: ${page.url()}`);
  const then = await api(`/datasets/${dataset.id}/review?on=2000-01-01`, keys.IRB_REVIEWER_KEY);
  assert(JSON.stringify(await verdicts()) === JSON.stringify(expectVerdicts(then)), `the verdicts on 2000-01-01 ${await verdicts()} are not the API's`);
  await page.fill('#dataset-on', '');

  // As of the day before it was registered, the ledger did not know it; the page says so.
  const before = new Date(Date.parse(view.registeredAt) - 86400000).toISOString().slice(0, 10);
  await page.fill('#dataset-as-of', before);
  await page.click('#dataset-as-of-form button[type=submit]');
  await page.waitForSelector('#dataset-body .finding >> text=No such dataset');
  assert(page.url().endsWith(`#/datasets/${dataset.id}?asOf=${before}`), `the as-of is not in the address: ${page.url()}`);
}, { mayFail: [/^\/datasets\/[0-9a-f-]{36}\/review$/] });

await test('IRB protocols are listed with their status, and a protocol has a page with its terms, status over time, coverage and what relied on it', async (page) => {
  const protocols = (await api('/irb/protocols?limit=100', keys.IRB_REVIEWER_KEY)).items;
  assert(protocols.length > 0, 'the demo should hold IRB protocols');
  const usages = await Promise.all(protocols.map((p) => api(`/irb/protocols/${p.id}/usage`, keys.IRB_REVIEWER_KEY)));
  const index = usages.findIndex((u) => u.reliance.modelVersions.length > 0);
  const chosen = protocols[Math.max(0, index)];
  const usage = usages[Math.max(0, index)];
  const view = await api(`/irb/protocols/${chosen.id}`, keys.IRB_REVIEWER_KEY);

  await signIn(page, keys.IRB_REVIEWER_KEY, '#/protocols');
  await page.waitForSelector('#protocol-results table');
  const numbers = await page.$$eval('#protocol-results tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert(JSON.stringify(numbers) === JSON.stringify(protocols.slice(0, 25).map((p) => p.protocolNumber)), `the list shows ${numbers.join(', ')}`);
  await accessible(page, 'the IRB protocols page');
  assert(await page.isHidden('#nav-audit'), 'an IRB reviewer is offered the audit page');
  // Sorted by protocol number, descending, on the server.
  const byNumber = (await api('/irb/protocols?sort=-protocolNumber&limit=25', keys.IRB_REVIEWER_KEY)).items.map((p) => p.protocolNumber);
  await page.selectOption('#protocol-search select[name=sort]', '-protocolNumber');
  await page.click('#protocol-search button[type=submit]');
  await page.waitForSelector('#protocol-results caption >> text=by protocol number, descending');
  const sortedNumbers = await page.$$eval('#protocol-results tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert(JSON.stringify(sortedNumbers) === JSON.stringify(byNumber), `sorted by number, the list shows ${sortedNumbers.join(', ')}`);
  await page.goto(new URL('/explorer/#/protocols', base).href);
  await page.waitForSelector('#protocol-results table');

  await page.click(`#protocol-results a >> text=${chosen.protocolNumber}`);
  await page.waitForSelector('#protocol-reliance-title');
  assert(page.url().endsWith(`#/protocols/${chosen.id}`), `the protocol's address is ${page.url()}`);
  const body = await page.textContent('#protocol-body');
  assert(body.includes(`${view.status} on ${view.day}`), `the page does not give the status on the day (${view.status})`);
  const statusRows = await page.$$eval('#protocol-body section:nth-of-type(2) tbody tr', (rows) => rows.length);
  assert(statusRows === view.statusHistory.length, `the status history has ${statusRows} rows; the API's has ${view.statusHistory.length}`);
  assert(body.includes(`${usage.reliance.modelVersions.length} model version(s) relied on this protocol`), 'the page does not count the model versions that relied on it');
  for (const model of usage.reliance.modelVersions) assert(body.includes(`${model.modelName} ${model.modelVersion}`), `the page does not name ${model.modelName} ${model.modelVersion}`);
  await accessible(page, 'an IRB protocol\'s page');
  await page.screenshot({ path: join(results, 'workspace-protocol.png'), fullPage: true });

  // The role that may not export: the audit page's address says so and shows nothing of it.
  await page.goto(new URL('/explorer/#/audit', base).href);
  await page.waitForSelector('#message.error >> text=regulators and administrators');
  assert(await page.isHidden('#audit-body'), 'the audit page shows its content to an IRB reviewer');
});

await test('The audit page shows the signed checkpoint and verifies an event\'s inclusion proof in the browser, and refuses a tampered one', async (page) => {
  const latest = await api('/checkpoints/latest', keys.REGULATOR_KEY);
  const position = Math.max(1, Math.floor(latest.treeSize / 2));
  const proof = await api(`/events/${position}/inclusion-proof?treeSize=${latest.treeSize}`, keys.REGULATOR_KEY);
  const event = JSON.parse(proof.envelope);

  await signIn(page, keys.REGULATOR_KEY, '#/audit');
  await page.waitForSelector('#audit-checkpoint .note');
  assert((await page.textContent('#audit-checkpoint')).includes(`Tree size ${latest.treeSize}`), 'the page does not show the latest checkpoint');
  assert(await page.isVisible('#nav-audit'), 'a regulator is not offered the audit page');
  await page.fill('#proof-position', String(position));
  await page.click('#proof-form button[type=submit]');
  await page.waitForSelector('#proof-result h3 >> text=Verified in this browser');
  const steps = await page.textContent('#proof-result');
  assert(steps.includes(`a ${event.type} event of stream ${event.streamId}`), `the verified event is not described: ${steps}`);
  await accessible(page, 'the audit page');
  await page.screenshot({ path: join(results, 'workspace-audit.png'), fullPage: true });

  // The same check with one proof hash altered on its way to the page: refused, saying why.
  await page.route(`**/events/${position}/inclusion-proof*`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (body.proof.length === 0) throw new Error('the chosen event needs a proof of at least one hash');
    const first = Uint8Array.from(atob(body.proof[0]), (c) => c.charCodeAt(0));
    first[0] ^= 0x01;
    body.proof[0] = btoa(String.fromCharCode(...first));
    await route.fulfill({ response, json: body });
  });
  await page.click('#proof-form button[type=submit]');
  await page.waitForSelector('#proof-result h3 >> text=Not verified');
  assert((await page.textContent('#proof-result')).includes('does not lead to the signed root'), 'the refusal does not say why');
});

await test('The overview counts the ledger and lists what needs attention as the API does, each item linked to what it is about', async (page) => {
  // The tally of versions by clearance is kept in the background; the first one is computed at start-up.
  let overview = await api('/overview', keys.IRB_REVIEWER_KEY);
  for (let i = 0; i < 120 && !overview.clearance; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    overview = await api('/overview', keys.IRB_REVIEWER_KEY);
  }
  assert(overview.clearance, 'the overview has no tally of versions by clearance after a minute');
  assert(overview.attention.length > 0, 'the demo should hold something that needs attention');

  await signIn(page, keys.IRB_REVIEWER_KEY, '');
  await page.waitForSelector('#attention-title');
  assert(await page.getAttribute('#pages a[data-page=page-overview]', 'aria-current') === 'page', 'the workspace does not open on its overview');
  const text = await page.textContent('#overview-body');
  assert(text.includes(`${overview.counts.datasets.toLocaleString('en-US')} datasets`), 'the dataset count is not the API\'s');
  assert(text.includes(`${overview.counts.irbProtocols.toLocaleString('en-US')} IRB protocols`), 'the protocol count is not the API\'s');
  for (const item of overview.attention) assert(text.includes(item.text), `the overview does not list: ${item.text}`);
  const tally = await page.textContent('#tally-title');
  assert(tally.endsWith(`${overview.clearance.cleared.toLocaleString('en-US')} of ${overview.clearance.versions.toLocaleString('en-US')}`), `the page's tally is "${tally}"`);
  for (const [code, count] of Object.entries(overview.clearance.notClearedBy)) assert(text.includes(code) && text.includes(count.toLocaleString('en-US')), `the tally leaves out ${code}`);
  const rows = await page.$$eval('#overview-body section.attention tbody tr', (r) => r.length);
  assert(rows === overview.attention.length, `the page lists ${rows} items; the API ${overview.attention.length}`);
  await accessible(page, 'the overview');
  await page.screenshot({ path: join(results, 'workspace-overview.png'), fullPage: true });

  // An item's link leads to the page of what it is about.
  const withModel = overview.attention.find((i) => i.modelId);
  await page.click(`#overview-body a[href^="#/models/${withModel.modelId}"] >> nth=0`);
  await page.waitForFunction(() => document.querySelector('#summary').textContent.length > 0);
  assert(page.url().includes(`#/models/${withModel.modelId}/versions/`), `the link led to ${page.url()}`);

  // As of the day before the demo was loaded, the ledger held nothing of it.
  const registered = (await api('/datasets?limit=1', keys.IRB_REVIEWER_KEY)).items[0].registeredAt;
  const before = new Date(Date.parse(registered) - 86400000).toISOString().slice(0, 10);
  await page.goto(new URL(`/explorer/#/overview?asOf=${before}`, base).href);
  await page.waitForSelector(`#attention-title >> text=on ${before}: nothing`);
  assert((await page.textContent('#overview-body')).includes('0 datasets'), 'as of before the demo, the overview still counts its datasets');
  assert((await page.textContent('#tally-title')).endsWith('0 of 0'), 'as of before the demo, the tally still counts its versions');
});

await test('The API reference at /docs lists every tag of the OpenAPI document, loads nothing from elsewhere, and takes an API key', async (page) => {
  const openapi = await (await fetch(new URL('/openapi/v1.json', base))).json();
  const tags = openapi.tags.map((t) => t.name);
  const elsewhere = [];
  page.on('request', (request) => { if (new URL(request.url()).origin !== new URL(base).origin) elsewhere.push(request.url()); });
  await page.goto(new URL('/docs/', base).href);
  await page.waitForFunction((names) => names.every((name) => document.body.innerText.includes(name)), tags, { timeout: 30000 });
  const text = await page.textContent('body');
  assert(text.includes('ApiKey'), 'the page does not offer the API key scheme');
  assert(elsewhere.length === 0, `the page loaded from elsewhere: ${elsewhere.join(', ')}`);
  await page.screenshot({ path: join(results, 'api-reference.png') });
});

await test('A wrong key is refused with the reason and shows nothing', async (page) => {
  await signIn(page, 'pvk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await page.waitForSelector('#message.error >> text=Sign-in refused');
  assert(await page.isHidden('#workspace'), 'the workspace is shown without a valid key');
}, { mayFail: ['/access/me'] });

await test('A reviewer signs in through the organization\'s single sign-on (PKCE) and lands on the address they opened; a forged return signs nobody in', async (page) => {
  const options = await (await fetch(new URL('/access/sign-in', base))).json();
  const opened = await page.goto(new URL('/explorer/#/datasets?sort=name', base).href);
  if (!idp) {
    // Without an issuer configured, the page offers API keys only.
    assert(options.oidc === null, 'the API offers single sign-on without an issuer');
    assert(await page.isHidden('#sign-in-sso'), 'the single sign-on button is shown without an issuer');
    return;
  }
  assert(options.oidc?.tokenEndpoint === `${idp.issuer}/token` && options.oidc.clientId === sso.clientId, `the API names ${JSON.stringify(options.oidc)}`);
  const csp = opened.headers()['content-security-policy'];
  assert(csp.includes(`connect-src 'self' ${idp.issuer};`), `the page may not call the token endpoint: ${csp}`);
  await page.waitForSelector('#sign-in-sso:not([hidden])');
  await page.click('#sign-in-sso');
  await page.waitForSelector('#dataset-results table');
  assert(page.url() === new URL('/explorer/#/datasets?sort=name', base).href, `after signing in, the address is ${page.url()}`);
  const principal = await page.textContent('#principal');
  assert(principal.includes(sso.user.subject) && principal.includes('irb-reviewer'), `the page names ${principal}`);
  assert((await page.textContent('#capabilities')).startsWith('Signed in through your organization'), 'the page does not say how the user signed in');
  const asked = idp.seen.authorizations.at(-1);
  assert(asked.code_challenge_method === 'S256' && asked.code_challenge.length === 43 && asked.state.length > 0, `the sign-in asked ${JSON.stringify(asked)}`);
  assert(idp.seen.exchanges.at(-1)?.verified === true, 'the token was not exchanged with the verifier of the challenge');
  assert(idp.seen.refused.length === 0, `the issuer refused ${idp.seen.refused.join(', ')}`);
  await accessible(page, 'the datasets page after single sign-on');
  // Signing out forgets the token.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  assert(await page.isHidden('#workspace'), 'the workspace is still shown after signing out');

  // A return with a code this tab did not ask for is refused with the reason, and the code leaves the address.
  await page.goto(new URL('/explorer/?code=stolen&state=forged#/overview', base).href);
  await page.waitForSelector('#message.error >> text=not asked for by this tab');
  assert(await page.isHidden('#workspace'), 'a forged return signed someone in');
  assert(page.url() === new URL('/explorer/#/overview', base).href, `the code stays in the address: ${page.url()}`);
});

await browser.close();
await idp?.close();

// The results as a TRX file (the test command sums every TRX file's counters).
const failed = tests.filter((t) => t.outcome !== 'Passed').length;
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const now = new Date().toISOString();
const rows = tests.map((t) => ({ ...t, id: randomUUID(), execution: randomUUID() }));
writeFileSync(join(results, 'explorer.trx'), `<?xml version="1.0" encoding="UTF-8"?>
<TestRun id="${randomUUID()}" name="lineage explorer in Chromium" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Times creation="${now}" start="${now}" finish="${now}" />
  <Results>
${rows.map((t) => `    <UnitTestResult executionId="${t.execution}" testId="${t.id}" testName="${escape(t.name)}" computerName="localhost" duration="00:00:${(t.ms / 1000).toFixed(3).padStart(6, '0')}" outcome="${t.outcome}">${t.error ? `<Output><ErrorInfo><Message>${escape(t.error.message)}</Message></ErrorInfo></Output>` : ''}</UnitTestResult>`).join('\n')}
  </Results>
  <ResultSummary outcome="${failed ? 'Failed' : 'Completed'}">
    <Counters total="${tests.length}" executed="${tests.length}" passed="${tests.length - failed}" failed="${failed}" error="0" timeout="0" aborted="0" inconclusive="0" />
  </ResultSummary>
</TestRun>
`);
console.log(`${tests.length - failed} passed, ${failed} failed (explorer)`);
process.exit(failed ? 1 : 0);
