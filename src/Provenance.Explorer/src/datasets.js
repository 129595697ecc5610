// The datasets pages (#21): a search over the catalog, filtered and paged by the API, and a dataset's
// page: its versions with their fingerprints and manifests, de-identification decisions, licenses,
// consent withdrawals, derivations and the timeline of its events, as the ledger stood at a chosen
// instant. Each page takes its data in at most two requests.

import { $, api, say, element, link, table, section, tableSection, facts, pager, endOfDay, query, showPage, bindAsOf } from './core.js';

const filters = ['name', 'institution', 'modality', 'status', 'licenseKind', 'cleared', 'on'];
const pageSize = 25;

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
      ]), 'Datasets matching the search, in registration order'));
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
  $('dataset-as-of').value = asOf;
  const body = $('dataset-body');
  body.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const instant = query({ asOf: endOfDay(asOf) });
    const [dataset, history] = await Promise.all([
      api(`/datasets/${encodeURIComponent(id)}${instant}`),
      api(`/datasets/${encodeURIComponent(id)}/events${query({ limit: 500 })}`),
    ]);
    showPage('page-dataset', dataset.name);
    $('dataset-title').textContent = `${dataset.name}${asOf ? `, as of ${asOf}` : ''}`;
    body.replaceChildren(
      facts([
        ['Institution', dataset.sourceInstitution], ['Modality', dataset.modality], ['Status', dataset.status],
        ['Steward', dataset.steward], ['Collected', `${dataset.collectionPeriod.start} to ${dataset.collectionPeriod.end}`],
        ['Records', dataset.recordCount.toLocaleString('en-US')], ['Patients', dataset.patientCount.toLocaleString('en-US')],
        ['Registered', `${day(dataset.registeredAt)} by ${dataset.registeredBy}`], ['Description', dataset.description],
        ['Retired', dataset.retirement ? `${day(dataset.retirement.retiredAt)}: ${dataset.retirement.reason}` : null], ['Ledger id', fingerprint(dataset.id)],
      ]),
      versions(dataset), decisions(dataset), licenses(dataset), withdrawals(dataset),
      // The timeline as of the chosen instant: the events recorded by then.
      timeline({ ...history, items: history.items.filter((e) => !asOf || e.recordedAt <= endOfDay(asOf)) }),
    );
  } catch (error) {
    body.replaceChildren(element('p', error.status === 404 ? 'No such dataset in the ledger at that instant.' : error.message, 'finding'));
    say(error.message, true);
  }
}

$('dataset-search').addEventListener('submit', search);
bindAsOf('dataset-as-of-form', 'dataset-as-of');
