// The datasets pages (#21): a search over the catalog, filtered and paged by the API, and a dataset's
// page: its versions with their fingerprints and manifests, de-identification decisions, licenses,
// consent withdrawals, derivations, the clearance of each version on a chosen day with its findings,
// the IRB protocols that covered it over time, what lies downstream, and the timeline of its events,
// as the ledger stood at a chosen instant. Each page takes its data in at most two requests.

import { $, api, say, element, link, table, section, tableSection, facts, pager, endOfDay, query, showPage } from './core.js';

const filters = ['name', 'institution', 'modality', 'status', 'licenseKind', 'cleared', 'on', 'sort'];
const pageSize = 25;
const sortCaption = { '': 'in registration order', '-registered': 'newest first', name: 'by name, A to Z', '-name': 'by name, Z to A' };

/** The search form's values, as the page's address carries them. */
function fromForm() {
  const form = $('dataset-search');
  return Object.fromEntries(filters.map((name) => [name, form.elements[name].value.trim()]));
}

function fillForm(parameters) {
  const form = $('dataset-search');
  for (const name of filters) form.elements[name].value = parameters.get(name) ?? '';
}

export async function showDatasets(parameters) {
  showPage('page-datasets', 'Datasets');
  fillForm(parameters);
  const results = $('dataset-results');
  results.replaceChildren(element('p', 'Searching…', 'hint'));
  // The page size rides in the address too, when it is not the default.
  const values = { ...Object.fromEntries(filters.map((name) => [name, parameters.get(name)])), limit: parameters.get('limit') };
  try {
    const page = await api(`/datasets${query({ ...values, after: parameters.get('after'), limit: values.limit ?? pageSize })}`);
    results.replaceChildren();
    const heading = element('h2', page.items.length ? `Datasets${parameters.get('after') ? ' (continued)' : ''}` : 'No dataset matches');
    heading.id = 'dataset-results-title';
    results.appendChild(heading);
    if (page.stale) results.appendChild(element('p', `The catalog is ${page.stale.behind} event(s) behind the log; refresh in a moment.`, 'hint'));
    if (page.items.length) {
      results.appendChild(table(['Name', 'Institution', 'Modality', 'Status', 'Licenses', 'Versions', 'Registered'], page.items.map((d) => [
        link(`#/datasets/${d.id}`, d.name), d.sourceInstitution, d.modality, d.status, d.licenseKinds.join(', ') || 'none',
        String(d.versionCount), d.registeredAt.slice(0, 10),
      ]), `Datasets matching the search, ${sortCaption[parameters.get('sort') ?? ''] ?? 'in registration order'}`));
    }
    results.appendChild(pager('#/datasets', values, parameters.get('after'), page.next));
  } catch (error) {
    results.replaceChildren(element('p', error.message, 'finding'));
  }
}

function search(event) {
  event.preventDefault();
  location.hash = `#/datasets${query(fromForm())}`;
}

// --- A dataset's page ---------------------------------------------------------------------------

function fingerprint(text) {
  return element('code', text, 'fingerprint');
}

const day = (instant) => (instant ? instant.slice(0, 10) : '—');

/** Each parent version, linked to its dataset's page. */
function parents(dataset, list) {
  const result = element('span');
  list.forEach((p, i) => {
    if (i > 0) result.appendChild(document.createTextNode(', '));
    result.appendChild(p.datasetId === dataset.id
      ? document.createTextNode(`v${p.version} of this dataset`)
      : link(`#/datasets/${p.datasetId}`, `dataset ${p.datasetId.slice(0, 8)} v${p.version}`));
  });
  return result;
}

function versions(dataset) {
  const result = section('Versions', 'dataset-versions-title');
  if (!dataset.versions.length) {
    result.appendChild(element('p', 'No version has been contributed yet.', 'hint'));
    return result;
  }
  result.appendChild(table(['Version', 'Fingerprint', 'Records', 'Contributed', 'Derived from', 'Quarantine'], dataset.versions.map((v) => [
    `v${v.version}`, fingerprint(v.fingerprint), v.recordCount.toLocaleString('en-US'),
    `${day(v.contribution.contributedAt)} by ${v.contribution.contributedBy}`,
    v.parents.length ? parents(dataset, v.parents) : '—',
    v.quarantined ? 'quarantined' : v.quarantines.length ? 'released' : '—',
  ]), 'Each version, its fingerprint (the SHA-256 of its manifest) and where it came from'));
  for (const v of dataset.versions) {
    const manifest = element('details');
    manifest.appendChild(element('summary', `Manifest of v${v.version}: ${v.contribution.files.length} file(s), stored at ${v.contribution.storageUri}`));
    manifest.appendChild(table(['Path', 'Bytes', 'SHA-256'], v.contribution.files.map((f) => [f.path, f.byteSize.toLocaleString('en-US'), fingerprint(f.sha256)])));
    result.appendChild(manifest);
  }
  return result;
}

function decisions(dataset) {
  return tableSection('De-identification decisions', 'dataset-decisions-title', dataset.deidentificationDecisions, 'None recorded.',
    ['Version', 'Method', 'Outcome', 'Decided', 'Rescinded'], (d) => [
      `v${d.decided.version}`, d.decided.method, d.decided.outcome, `${day(d.decided.decidedAt)} by ${d.decided.decidedBy}`,
      d.rescinded ? `${day(d.rescinded.rescindedAt)}: ${d.rescinded.reason}` : '—',
    ]);
}

function licenses(dataset) {
  return tableSection('Licenses', 'dataset-licenses-title', dataset.licenses, 'None granted.',
    ['License', 'Parties', 'Effective', 'Expires', 'Permitted uses', 'Terminated'], (l) => {
      const terms = l.termsHistory.at(-1)?.terms ?? l.granted.terms;
      return [
        l.granted.spdxId ?? `${l.granted.kind}${terms.documentReference ? ` ${terms.documentReference}` : ''}`, l.granted.parties.join(', '),
        l.granted.effectiveOn, terms.expiresOn ?? 'no end date', terms.permittedUses.join(', '),
        l.terminated ? `${l.terminated.effectiveOn}: ${l.terminated.reason}` : '—',
      ];
    });
}

function withdrawals(dataset) {
  return tableSection('Consent withdrawals', 'dataset-withdrawals-title', dataset.consentWithdrawals, 'None recorded.',
    ['Version', 'Subjects', 'Effective', 'Required actions', 'Entered'], (w) => [
      `v${w.version}`, w.subjectCount.toLocaleString('en-US'), w.effectiveOn, w.requiredActions.join(', '), `${day(w.enteredAt)} by ${w.enteredBy}`,
    ]);
}

/** Each version's verdict on the day, with every finding in plain words. */
function clearance(review) {
  return tableSection(`Clearance for training on ${review.day}`, 'dataset-clearance-title', review.clearance, 'No version to judge yet.',
    ['Version', 'Verdict', 'Findings'], (c) => {
      const findings = element('ul', null, 'findings');
      for (const f of c.findings) findings.appendChild(element('li', f.message));
      return [`v${c.version.version}`, c.findings.length ? 'not cleared' : 'cleared', c.findings.length ? findings : '—'];
    }, `Each version judged by the ledger's clearance rules on ${review.day}${review.commercialUse ? ', for commercial use' : ''}`);
}

/** The IRB protocols that covered the dataset, each stretch of their terms, and where they stand on the day. */
function coverage(review, asOf) {
  return tableSection('IRB coverage over time', 'dataset-irb-title', review.irbCoverage, 'No IRB protocol has covered this dataset.',
    ['Protocol', `On ${review.day}`, 'Terms over time', 'Status changes'], (p) => {
      const periods = element('ul');
      for (const t of p.periods) {
        periods.appendChild(element('li', `${t.from} to ${t.until ?? 'now'}: ${t.covers ? 'covers it' : 'does not cover it'}${t.expiresOn ? `, expires ${t.expiresOn}` : ''}`));
      }
      return [
        link(`#/protocols/${p.protocolId}${query({ asOf })}`, `${p.protocolNumber}: ${p.title}`),
        `${p.standing}${p.coversOnDay ? ', covers it' : ', does not cover it'}${p.expiresOn ? `, expires ${p.expiresOn}` : ''}`,
        periods, p.statusHistory.map((s) => `${s.effectiveOn} ${s.status}`).join('; '),
      ];
    });
}

/** What derives from the dataset's versions and the model versions trained on any of them. */
function downstream(dataset, review, asOf) {
  const result = section('Downstream', 'dataset-downstream-title');
  const derived = review.downstream.datasetVersions.filter((v) => v.datasetId !== dataset.id);
  const names = new Map(review.downstream.nodes.filter((n) => n.datasetId).map((n) => [`${n.datasetId}@${n.version}`, n.name]));
  result.appendChild(derived.length
    ? table(['Derived version'], derived.map((v) => [link(`#/datasets/${v.datasetId}${query({ asOf })}`, `${names.get(`${v.datasetId}@${v.version}`) ?? v.datasetId} v${v.version}`)]),
      'Dataset versions derived from this one, directly or further down')
    : element('p', 'Nothing derives from it.', 'hint'));
  result.appendChild(review.downstream.modelVersions.length
    ? table(['Model version', 'Status', 'Training runs'], review.downstream.modelVersions.map((m) => [
      link(`#/models/${m.modelId}/versions/${encodeURIComponent(m.modelVersion)}${query({ asOf })}`, `${m.modelName} ${m.modelVersion}`), m.status, String(m.runIds.length),
    ]), 'Model versions trained on it or on what derives from it: what a withdrawal, termination or rescission here would touch')
    : element('p', 'No model version was trained on it or on what derives from it.', 'hint'));
  return result;
}

function timeline(history) {
  const result = section('Timeline', 'dataset-timeline-title');
  result.appendChild(table(['Position', 'Event', 'Recorded', 'By', 'Role'], history.items.map((e) => [
    String(e.position), e.type, e.recordedAt.slice(0, 19).replace('T', ' '), e.metadata.actorId, e.metadata.actorRole,
  ]), 'Every event of this dataset, in the order the ledger recorded them'));
  if (history.next) result.appendChild(element('p', 'Later events are on the next page of GET /datasets/{id}/events.', 'hint'));
  return result;
}

export async function showDataset(id, parameters) {
  showPage('page-dataset', 'Dataset');
  const asOf = parameters.get('asOf') ?? '';
  const on = parameters.get('on') ?? '';
  $('dataset-as-of').value = asOf;
  $('dataset-on').value = on;
  const body = $('dataset-body');
  body.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const [review, history] = await Promise.all([
      api(`/datasets/${encodeURIComponent(id)}/review${query({ asOf: endOfDay(asOf), on })}`),
      api(`/datasets/${encodeURIComponent(id)}/events${query({ limit: 500 })}`),
    ]);
    const dataset = review.dataset;
    showPage('page-dataset', dataset.name);
    $('dataset-title').textContent = `${dataset.name}${asOf ? `, as of ${asOf}` : ''}`;
    body.replaceChildren(
      facts([
        ['Institution', dataset.sourceInstitution], ['Modality', dataset.modality], ['Status', dataset.status],
        ['Steward', dataset.steward], ['Collected', `${dataset.collectionPeriod.start} to ${dataset.collectionPeriod.end}`],
        ['Records', dataset.recordCount.toLocaleString('en-US')], ['Patients', dataset.patientCount.toLocaleString('en-US')],
        ['Registered', `${day(dataset.registeredAt)} by ${dataset.registeredBy}`], ['Description', dataset.description],
        ['Retired', dataset.retirement ? `${day(dataset.retirement.retiredAt)}: ${dataset.retirement.reason}` : null], ['Ledger id', fingerprint(dataset.id)],
        ['Log position', String(review.asOf.position)],
      ]),
      clearance(review), versions(dataset), decisions(dataset), licenses(dataset), coverage(review, asOf), withdrawals(dataset),
      downstream(dataset, review, asOf),
      // The timeline as of the chosen instant: the events recorded by then.
      timeline({ ...history, items: history.items.filter((e) => e.position <= review.asOf.position) }),
    );
  } catch (error) {
    body.replaceChildren(element('p', error.status === 404 ? 'No such dataset in the ledger at that instant.' : error.message, 'finding'));
    say(error.message, true);
  }
}

$('dataset-search').addEventListener('submit', search);
$('dataset-as-of-form').addEventListener('submit', (event) => {
  event.preventDefault();
  location.hash = `${location.hash.split('?')[0]}${query({ asOf: $('dataset-as-of').value, on: $('dataset-on').value })}`;
});
