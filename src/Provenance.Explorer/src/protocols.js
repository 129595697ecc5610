// The IRB protocol pages (#21): the list, searched by protocol number and paged by the API, with each
// protocol's status on a day; and a protocol's page: its terms and status over time, the datasets it
// covered, and everything that relied on it downstream (dataset versions, training runs, model
// versions), as the ledger stood at a chosen instant. Each page takes its data in at most two requests.

import { $, api, say, element, link, table, section, facts, pager, endOfDay, query, showPage, bindAsOf } from './core.js';

const pageSize = 25;
const sortCaption = {
  '': 'in the order they were approved in the ledger', '-approved': 'newest approval first', protocolNumber: 'by protocol number, ascending',
  '-protocolNumber': 'by protocol number, descending',
};

export async function showProtocols(parameters) {
  showPage('page-protocols', 'IRB protocols');
  const form = $('protocol-search');
  form.elements.protocolNumber.value = parameters.get('protocolNumber') ?? '';
  form.elements.on.value = parameters.get('on') ?? '';
  form.elements.sort.value = parameters.get('sort') ?? '';
  const results = $('protocol-results');
  results.replaceChildren(element('p', 'Searching…', 'hint'));
  const values = { protocolNumber: parameters.get('protocolNumber'), on: parameters.get('on'), sort: parameters.get('sort'), limit: parameters.get('limit') };
  try {
    const page = await api(`/irb/protocols${query({ ...values, after: parameters.get('after'), limit: values.limit ?? pageSize })}`);
    results.replaceChildren();
    const heading = element('h2', page.items.length ? 'IRB protocols' : 'No protocol matches');
    heading.id = 'protocol-results-title';
    results.appendChild(heading);
    if (page.items.length) {
      results.appendChild(table(['Protocol', 'Title', 'IRB', 'Review', 'Approved', `Status on ${page.items[0].day}`], page.items.map((p) => [
        link(`#/protocols/${p.id}`, p.protocolNumber), p.title, p.irbName, p.reviewType, p.approvedOn, p.status,
      ]), `IRB protocols ${sortCaption[parameters.get('sort') ?? ''] ?? 'in the order they were approved in the ledger'}`));
    }
    results.appendChild(pager('#/protocols', values, parameters.get('after'), page.next));
  } catch (error) {
    results.replaceChildren(element('p', error.message, 'finding'));
  }
}

function datasetLinks(ids, names) {
  const list = element('ul');
  for (const id of ids) {
    const item = element('li');
    item.appendChild(link(`#/datasets/${id}`, names.get(id) ?? id));
    list.appendChild(item);
  }
  return list;
}

export async function showProtocol(id, parameters) {
  showPage('page-protocol', 'IRB protocol');
  const asOf = parameters.get('asOf') ?? '';
  $('protocol-as-of').value = asOf;
  const body = $('protocol-body');
  body.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const instant = query({ asOf: endOfDay(asOf) });
    const [protocol, usage] = await Promise.all([
      api(`/irb/protocols/${encodeURIComponent(id)}${instant}`),
      api(`/irb/protocols/${encodeURIComponent(id)}/usage${instant}`),
    ]);
    const approval = protocol.approval;
    showPage('page-protocol', `${approval.protocolNumber} ${approval.title}`);
    $('protocol-title').textContent = `${approval.protocolNumber}: ${approval.title}${asOf ? `, as of ${asOf}` : ''}`;
    const names = new Map(usage.reliance.nodes.filter((n) => n.kind === 'dataset-version').map((n) => [n.datasetId, n.name]));

    const summary = facts([
      ['Status', `${protocol.status} on ${protocol.day}`], ['IRB', `${approval.irbName} (${approval.irbRegistration})`],
      ['Principal investigator', approval.principalInvestigator], ['Review', approval.reviewType], ['Approved', approval.approvedOn],
      ['Consent basis', approval.consentBasis], ['Expires', protocol.terms.expiresOn ?? 'no end date'],
      ['Permitted uses', protocol.terms.permittedUses.join(', ')], ['Ledger id', protocol.id],
    ]);

    const terms = section('Terms over time', 'protocol-terms-title');
    terms.appendChild(table(['Effective', 'Expires', 'Permitted uses', 'Datasets covered'], protocol.termsHistory.map((t) => [
      t.effectiveOn, t.terms.expiresOn ?? 'no end date', t.terms.permittedUses.join(', '), String(t.terms.coveredDatasetIds.length),
    ]), 'Each amendment of the protocol\'s terms, from the day it took effect'));

    const status = section('Status over time', 'protocol-status-title');
    status.appendChild(table(['Effective', 'Status', 'Reason'], protocol.statusHistory.map((s) => [s.effectiveOn, s.status, s.reason])));

    const covered = section('Datasets it covered', 'protocol-covered-title');
    covered.appendChild(usage.coveredDatasetIds.length ? datasetLinks(usage.coveredDatasetIds, names) : element('p', 'None.', 'hint'));

    const reliance = section('What depends on it', 'protocol-reliance-title');
    const models = usage.reliance.modelVersions;
    reliance.appendChild(element('p', `${usage.reliance.datasetVersions.length} dataset version(s), ${usage.reliance.trainingRuns.length} training run(s) and ` +
      `${models.length} model version(s) relied on this protocol.`));
    if (models.length) {
      reliance.appendChild(table(['Model version', 'Status', 'Training runs'], models.map((m) => [
        link(`#/models/${m.modelId}/versions/${encodeURIComponent(m.modelVersion)}${query({ asOf })}`, `${m.modelName} ${m.modelVersion}`), m.status, String(m.runIds.length),
      ]), 'Model versions trained on data this protocol covered, or on what derives from it'));
    }
    body.replaceChildren(summary, terms, status, covered, reliance);
  } catch (error) {
    body.replaceChildren(element('p', error.status === 404 ? 'No such IRB protocol in the ledger at that instant.' : error.message, 'finding'));
    say(error.message, true);
  }
}

function search(event) {
  event.preventDefault();
  const form = $('protocol-search');
  location.hash = `#/protocols${query({ protocolNumber: form.elements.protocolNumber.value.trim(), on: form.elements.on.value, sort: form.elements.sort.value })}`;
}

$('protocol-search').addEventListener('submit', search);
bindAsOf('protocol-as-of-form', 'protocol-as-of');
