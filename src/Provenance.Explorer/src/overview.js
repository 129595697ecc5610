// The overview (#21): how much the ledger holds and what needs attention on a day, in one request
// (GET /overview). Each item of the attention list is in the API's own words and links to the
// dataset, IRB protocol or model version it is about.

import { $, api, say, element, link, table, endOfDay, query, showPage, bindAsOf } from './core.js';

const headings = {
  'consent-withdrawal-reaches-released-model': 'Consent withdrawals that reach released model versions',
  'irb-approval-expiring': 'IRB approvals expiring within 90 days',
  'license-terminated': 'Licenses terminated on data released models were trained on',
  'license-expiring': 'Licenses expiring within 90 days on data released models were trained on',
  'device-change-control-failed': 'Device model versions outside their authorization and PCCP',
  'monitoring-finding': 'Monitoring findings on model versions',
};

function links(item, asOf) {
  const result = element('span');
  const add = (node) => {
    if (result.childNodes.length) result.appendChild(document.createTextNode(' · '));
    result.appendChild(node);
  };
  if (item.datasetId) add(link(`#/datasets/${item.datasetId}${query({ asOf })}`, item.datasetName ?? 'the dataset'));
  if (item.protocolId) add(link(`#/protocols/${item.protocolId}${query({ asOf })}`, `protocol ${item.protocolNumber}`));
  if (item.modelId) add(link(`#/models/${item.modelId}/versions/${encodeURIComponent(item.modelVersion)}${query({ asOf })}`, `${item.modelName} ${item.modelVersion}`));
  return result;
}

/** Dataset versions by clearance on the day, and each finding that holds the others back. */
function clearance(overview) {
  const result = element('section');
  result.setAttribute('aria-labelledby', 'tally-title');
  const t = overview.clearance;
  const title = element('h3', t ? `Dataset versions cleared for training on ${t.day}: ${t.cleared.toLocaleString('en-US')} of ${t.versions.toLocaleString('en-US')}`
    : 'Dataset versions by clearance: being judged; reload in a moment');
  title.id = 'tally-title';
  result.appendChild(title);
  if (!t) return result;
  const behind = overview.asOf.position - t.position;
  result.appendChild(element('p', `Judged by the clearance rules at log position ${t.position.toLocaleString('en-US')}` +
    `${behind > 0 ? ` (${behind.toLocaleString('en-US')} event(s) before this page's)` : ''}, ${t.computedAt.slice(0, 16).replace('T', ' ')} UTC.`, 'hint'));
  const reasons = Object.entries(t.notClearedBy);
  if (reasons.length) {
    result.appendChild(table(['Held back by', 'Versions'], reasons.sort((a, b) => b[1] - a[1]).map(([code, count]) => [code, count.toLocaleString('en-US')]),
      'The versions not cleared, by each finding that holds them back (a version with two findings counts under both)'));
  }
  return result;
}

export async function showOverview(parameters) {
  showPage('page-overview', 'Overview');
  const asOf = parameters.get('asOf') ?? '';
  $('overview-as-of').value = asOf;
  const body = $('overview-body');
  body.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const overview = await api(`/overview${query({ asOf: endOfDay(asOf) })}`);
    const c = overview.counts;
    const counts = element('ul', null, 'counts');
    for (const [number, what] of [[c.datasets, 'datasets'], [c.datasetVersions, 'dataset versions'], [c.models, 'models'],
      [c.modelVersions, 'model versions trained'], [c.irbProtocols, 'IRB protocols'], [c.events, 'events in the log']]) {
      const item = element('li');
      item.appendChild(element('strong', number.toLocaleString('en-US')));
      item.appendChild(document.createTextNode(` ${what}`));
      counts.appendChild(item);
    }
    const tally = clearance(overview);
    const attention = element('section');
    attention.setAttribute('aria-labelledby', 'attention-title');
    const title = element('h3', `What needs attention on ${overview.day}: ${overview.attention.length === 0 ? 'nothing' : `${overview.attention.length} item(s)`}`);
    title.id = 'attention-title';
    attention.appendChild(title);
    for (const [kind, heading] of Object.entries(headings)) {
      const items = overview.attention.filter((i) => i.kind === kind);
      if (!items.length) continue;
      const group = element('section', null, 'attention');
      group.dataset.kind = kind;
      group.appendChild(element('h4', `${heading} (${items.length})`));
      group.appendChild(table(['What', 'Due', 'About'], items.map((i) => [
        i.text, i.due ? `${i.due}${i.withinDays ? ` (within ${i.withinDays} days)` : ''}` : '—', links(i, asOf),
      ])));
      attention.appendChild(group);
    }
    body.replaceChildren(counts, tally, attention);
  } catch (error) {
    body.replaceChildren(element('p', error.message, 'finding'));
    say(error.message, true);
  }
}

bindAsOf('overview-as-of-form', 'overview-as-of');
