// The lineage explorer: signs in with an API key (kept for this browser tab only), lets a reviewer
// pick a model version, draws its upstream lineage with each dataset version colored by its
// clearance, shows a node's records and event history, the impact of a dataset version, the
// version's regulatory status, change-control checks, evidence and model card (#18), and
// downloads the audit bundle, the model card and the disclosure of the selection. Every request goes to the API with the key; the API
// decides what the key's roles may read, and the page offers only what those roles may do.

import { $, state, keepCredential, api, say, element, table, endOfDay, query, showPage, mayDo, save } from './core.js';
import { signInOptions, startSignIn, finishSignIn } from './signin.js';
import { showDatasets, showDataset } from './datasets.js';
import { showProtocols, showProtocol } from './protocols.js';
import { showAudit, mayAudit } from './audit.js';
import { showOverview } from './overview.js';

// --- Signing in -----------------------------------------------------------------------------

async function signIn(credential) {
  state.credential = credential;
  try {
    state.me = await api('/access/me');
  } catch (error) {
    keepCredential(null);
    say(error.status === 401
      ? (credential.scheme === 'Bearer' ? `Your single sign-on was not accepted (it may have expired): ${error.message} Sign in again.` : `Sign-in refused: ${error.message}`)
      : error.message, true);
    return;
  }
  keepCredential(credential);
  $('sign-in').hidden = true;
  $('whoami').hidden = false;
  $('principal').textContent = `${state.me.principal} (${state.me.roles.join(', ')}${state.me.institution ? `, ${state.me.institution}` : ''})`;
  $('workspace').hidden = false;
  $('pages').hidden = false;
  // Exports are for regulators and administrators only: other roles are not offered the button.
  $('download-bundle').hidden = !mayAudit();
  $('nav-audit').hidden = !mayAudit();
  $('capabilities').textContent = `${credential.scheme === 'Bearer' ? 'Signed in through your organization, you' : 'With this key you'} may ${mayDo(state.me.roles).join('; ')}.`;
  $('capabilities').hidden = false;
  say('');
  await loadModels();
  await route();
}

// --- Pages: each has its own address (the part after #), which survives a reload and can be shared --

function parseHash() {
  const [path, search] = location.hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), parameters: new URLSearchParams(search ?? '') };
}

async function route() {
  if (!state.me) return;
  const { parts, parameters } = parseHash();
  say('');
  if (parts[0] === 'datasets' && parts.length === 1) return showDatasets(parameters);
  if (parts[0] === 'datasets' && parts.length === 2) return showDataset(parts[1], parameters);
  if (parts[0] === 'protocols' && parts.length === 1) return showProtocols(parameters);
  if (parts[0] === 'protocols' && parts.length === 2) return showProtocol(parts[1], parameters);
  if (parts[0] === 'audit') return showAudit();
  if (parts[0] === 'overview' || parts.length === 0) return showOverview(parameters);
  showPage('page-models', 'Models');
  if (parts[0] === 'models' && parts.length === 4 && parts[2] === 'versions') {
    const value = JSON.stringify({ modelId: parts[1], version: parts[3] });
    const option = [...$('model').options].find((o) => o.value === value);
    if (!option) {
      say('That model version is not in the ledger, or this key may not read it.', true);
      return;
    }
    $('model').value = value;
    $('as-of').value = parameters.get('asOf') ?? '';
    await loadLineage();
  }
}

function modelHash(model) {
  return `#/models/${encodeURIComponent(model.modelId)}/versions/${encodeURIComponent(model.version)}${query({ asOf: $('as-of').value })}`;
}

/** Goes to an address; the same address again reloads its page (the browser sends no hashchange then). */
function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function signOut() {
  keepCredential(null);
  state.me = null;
  location.reload();
}

function modelLabel(model, version) {
  return `${model.name} ${version} · ${model.owner} · ${model.id.slice(0, 8)}`;
}

async function loadModels() {
  const select = $('model');
  select.replaceChildren();
  let after = null;
  do {
    const page = await api(`/models?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    for (const model of page.items) {
      for (const version of model.versions) {
        // Two models may share a name: the owner and the id's start tell them apart (#14).
        const option = element('option', modelLabel(model, version));
        option.value = JSON.stringify({ modelId: model.id, version });
        select.appendChild(option);
      }
    }
    after = page.next;
  } while (after);
  if (!select.options.length) say('No model version has been trained yet.');
}

// --- The graph ----------------------------------------------------------------------------------

// A version no run used (an impact view's derived versions) has no verdict at training: it is
// judged by today alone, never "no longer cleared" (#14: [].every() made it so).
function clearanceClass(node) {
  if (node.kind !== 'dataset-version') return 'other';
  const verdicts = node.clearanceAtTraining ?? [];
  const today = node.clearanceToday?.cleared;
  if (verdicts.length === 0) return today === false ? 'idle-blocked' : 'idle';
  if (!verdicts.every((c) => c.cleared)) return 'blocked';
  if (today === false) return 'lapsed';
  return 'cleared';
}

function label(node) {
  switch (node.kind) {
    case 'dataset-version': return `${node.name ?? node.datasetId} v${node.version}`;
    case 'training-run': return `run ${node.runId.slice(0, 8)}${node.overridden ? ' (overridden)' : ''}`;
    case 'model-version': return `${node.modelVersion}`;
    default: return node.id;
  }
}

function draw(title, answer) {
  state.lineage = answer;
  state.selected = null;
  $('show-impact').disabled = true;
  $('graph-title').textContent = title;
  const elements = [
    ...answer.nodes.map((n) => ({ data: { id: n.id, label: label(n), node: n }, classes: `${n.kind} ${clearanceClass(n)}` })),
    ...answer.edges.map((e, i) => ({ data: { id: `edge-${i}`, source: e.from, target: e.to, relation: e.relation } })),
  ];
  state.graph?.destroy();
  state.graph = window.cytoscape({
    container: $('graph'),
    elements,
    layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1, animate: false },
    wheelSensitivity: 0.2,
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'text-valign': 'bottom', 'text-margin-y': 3, width: 16, height: 16 } },
      { selector: 'node.cleared', style: { 'background-color': '#2e7d32' } },
      { selector: 'node.lapsed', style: { 'background-color': '#ef8f00' } },
      { selector: 'node.blocked', style: { 'background-color': '#c62828' } },
      { selector: 'node.idle', style: { 'background-color': '#ffffff', 'border-width': 3, 'border-color': '#2e7d32' } },
      { selector: 'node.idle-blocked', style: { 'background-color': '#ffffff', 'border-width': 3, 'border-color': '#c62828' } },
      { selector: 'node.other', style: { 'background-color': '#607d8b', shape: 'round-rectangle', width: 22 } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1565c0' } },
      { selector: 'edge', style: { width: 1, 'line-color': '#b0bec5', 'target-arrow-color': '#b0bec5', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
    ],
  });
  state.graph.on('tap', 'node', (event) => select(event.target.data('node')));
  // Every node is reachable without a mouse: a button per node, named with its kind and clearance.
  const words = { cleared: 'cleared at training and today', lapsed: 'cleared at training, not today', blocked: 'not cleared at training',
    idle: 'not used in training, cleared today', 'idle-blocked': 'not used in training, not cleared today', other: '' };
  $('graph-nodes').replaceChildren(...answer.nodes.map((n) => {
    const item = element('li');
    const button = element('button', `${label(n)}${words[clearanceClass(n)] ? `: ${words[clearanceClass(n)]}` : ` (${n.kind.replace('-', ' ')})`}`);
    button.type = 'button';
    button.addEventListener('click', () => {
      state.graph.nodes().unselect();
      state.graph.getElementById(n.id).select();
      select(n);
      $('details').focus();
    });
    item.appendChild(button);
    return item;
  }));
  const versions = answer.nodes.filter((n) => n.kind === 'dataset-version');
  const counts = Object.groupBy(versions, clearanceClass);
  $('summary').textContent = `${answer.nodes.length} nodes, ${answer.edges.length} edges; dataset versions: ` +
    `${counts.cleared?.length ?? 0} cleared, ${counts.lapsed?.length ?? 0} no longer cleared, ${counts.blocked?.length ?? 0} not cleared at training` +
    (counts.idle || counts['idle-blocked']
      ? `; not used in training: ${counts.idle?.length ?? 0} cleared today, ${counts['idle-blocked']?.length ?? 0} not cleared today.` : '.');
}

function selectedModel() {
  return $('model').value ? JSON.parse($('model').value) : null;
}

function asOfQuery() {
  return query({ asOf: endOfDay($('as-of').value) });
}

function showLineage() {
  const model = selectedModel();
  if (model) navigate(modelHash(model));
}

async function loadLineage() {
  const model = selectedModel();
  if (!model) return;
  say('Loading the lineage…');
  try {
    const answer = await api(`/models/${model.modelId}/versions/${encodeURIComponent(model.version)}/lineage${asOfQuery()}`);
    draw(`Lineage of ${answer.modelName ?? 'model'} ${model.version}${$('as-of').value ? `, as of ${$('as-of').value}` : ''}`, answer);
    say('');
    await showRegulatory(model);
  } catch (error) {
    say(error.message, true);
  }
}

// --- The model side (#18): status, change control, evidence, model card ------------------------

function versionPath(model) {
  return `/models/${model.modelId}/versions/${encodeURIComponent(model.version)}`;
}

function answers(disclosure, id) {
  return disclosure.sections.find((s) => s.id === id)?.answers ?? [];
}

function statements(list) {
  const result = element('ul');
  for (const answer of list) {
    const item = element('li', answer.text);
    if (answer.citations.length) item.appendChild(element('span', ` (ledger positions ${answer.citations.join(', ')})`, 'cite'));
    result.appendChild(item);
  }
  return result;
}

// The CHAI model card's sections as a definition list per section, read from the XML itself.
function modelCard(xml) {
  const card = new DOMParser().parseFromString(xml, 'application/xml').documentElement;
  const words = (name) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  const result = element('div');
  result.id = 'model-card';
  for (const section of card.children) {
    if (section.localName === 'Signature') continue;
    result.appendChild(element('h4', words(section.localName)));
    const list = element('dl');
    const leaves = [...section.querySelectorAll('*')].filter((e) => e.children.length === 0);
    for (const leaf of leaves.length ? leaves : [section]) {
      list.appendChild(element('dt', words(leaf.localName)));
      list.appendChild(element('dd', leaf.textContent));
    }
    result.appendChild(list);
  }
  return result;
}

async function showRegulatory(model) {
  const panel = $('regulatory');
  $('model-panel').hidden = false;
  panel.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const [disclosure, review, card] = await Promise.all([
      api(`${versionPath(model)}/disclosure${asOfQuery()}`),
      api(`${versionPath(model)}/change-control`),
      api(`${versionPath(model)}/model-card${asOfQuery()}`, 'application/xml').then((r) => r.text()),
    ]);
    state.documents = { model, disclosure, card };
    panel.replaceChildren();
    panel.appendChild(element('h3', 'Regulatory status'));
    panel.appendChild(statements(answers(disclosure, 'fda-status').slice(0, 1)));
    const checks = element('h3', review.applies ? (review.findings.length ? 'Change control: outside the authorization' : 'Change control: within the authorization') : 'Change control: not a marketed device',
      review.applies && review.findings.length ? 'finding' : 'ok');
    checks.id = 'change-control';
    panel.appendChild(checks);
    panel.appendChild(element('p', `Reviewed against ${review.basis}.`));
    if (review.findings.length) {
      const list = element('ul');
      for (const finding of review.findings) list.appendChild(element('li', `${finding.code}: ${finding.message}`, 'finding'));
      panel.appendChild(list);
    }
    panel.appendChild(statements(answers(disclosure, 'change-control').filter((a) => /override/.test(a.text))));
    panel.appendChild(element('h3', 'Performance evaluations'));
    panel.appendChild(statements(answers(disclosure, 'performance')));
    panel.appendChild(element('h3', 'Post-market monitoring'));
    panel.appendChild(statements(answers(disclosure, 'monitoring-findings')));
    const details = element('details');
    details.appendChild(element('summary', 'Model card (CHAI Applied Model Card v0.2)'));
    details.appendChild(modelCard(card));
    panel.appendChild(details);
    $('download-card').disabled = false;
    $('download-disclosure').disabled = false;
  } catch (error) {
    panel.replaceChildren(element('p', error.message, 'finding'));
  }
}

function download(name, type, text) {
  save(new Blob([text], { type }), name);
}

function downloadCard() {
  const docs = state.documents;
  if (docs) download(`model-card-${docs.model.modelId}-${docs.model.version}.xml`, 'application/xml', docs.card);
}

function downloadDisclosure() {
  const docs = state.documents;
  if (docs) download(`disclosure-${docs.model.modelId}-${docs.model.version}.json`, 'application/json', JSON.stringify(docs.disclosure, null, 2));
}

async function showImpact() {
  const node = state.selected;
  if (node?.kind !== 'dataset-version') return;
  say('Loading the impact…');
  try {
    const answer = await api(`/datasets/${node.datasetId}/versions/${node.version}/impact${asOfQuery()}`);
    draw(`Impact of ${label(node)}: what depends on it`, answer);
    say(`${answer.modelVersions.length} model version(s) trained on it or on what derives from it.`);
  } catch (error) {
    say(error.message, true);
  }
}

async function downloadBundle() {
  const model = selectedModel();
  if (!model) return;
  say('Exporting the audit bundle…');
  try {
    const response = await api(`/audit-bundles?kind=model-version&modelId=${model.modelId}&modelVersion=${encodeURIComponent(model.version)}`, 'application/zip');
    save(await response.blob(), `audit-bundle-${model.modelId}-${model.version}.zip`);
    say(`Downloaded an audit bundle of ${response.headers.get('X-Provenance-Event-Count')} events, proved against the checkpoint of tree size ${response.headers.get('X-Provenance-Tree-Size')}.`);
  } catch (error) {
    say(error.message, true);
  }
}

// --- A node's details -------------------------------------------------------------------------

async function select(node) {
  state.selected = node;
  $('show-impact').disabled = node.kind !== 'dataset-version';
  const details = $('details');
  details.replaceChildren(element('h2', label(node)));
  const facts = [
    ['Kind', node.kind], ['Institution', node.sourceInstitution], ['Fingerprint', node.fingerprint], ['Records', node.recordCount],
    ['Started', node.startedAt], ['Finished', node.finishedAt], ['Overridden', node.overridden],
  ].filter(([, v]) => v !== undefined && v !== null);
  details.appendChild(table(['Fact', 'Value'], facts.map(([k, v]) => [k, String(v)])));

  // #21: each verdict once, and each finding once, saying on which of those days it held.
  const verdicts = [...(node.clearanceAtTraining ?? []).map((c) => [`at training (${c.day})`, c]), ...(node.clearanceToday ? [[`today (${node.clearanceToday.day})`, node.clearanceToday]] : [])];
  if (verdicts.length) {
    details.appendChild(element('h3', `Clearance of ${label(node)}`));
    const list = element('ul');
    for (const [when, c] of verdicts) list.appendChild(element('li', `${when}: ${c.cleared ? 'cleared' : 'not cleared'}`, c.cleared ? 'ok' : 'finding'));
    details.appendChild(list);
    const findings = new Map();
    for (const [when, c] of verdicts) {
      for (const finding of c.findings) {
        const key = `${finding.code}\n${finding.message}`;
        findings.set(key, { finding, when: [...(findings.get(key)?.when ?? []), when] });
      }
    }
    for (const { finding, when } of findings.values()) {
      details.appendChild(element('p', `${finding.code}: ${finding.message} (${when.join('; ')})`, 'finding'));
    }
  }
  if (node.deidentificationDecisions?.length) {
    details.appendChild(element('h3', 'De-identification decisions'));
    details.appendChild(table(['Method', 'Outcome', 'Decided', 'Rescinded'], node.deidentificationDecisions.map((d) =>
      [d.method, d.outcome, `${d.decidedAt.slice(0, 10)} by ${d.decidedBy}`, d.rescindedAt ? `${d.rescindedAt.slice(0, 10)}: ${d.rescissionReason}` : '—'])));
  }
  if (node.irbApprovals?.length) {
    details.appendChild(element('h3', 'IRB approvals'));
    details.appendChild(table(['Protocol', 'IRB', 'Review', 'Status on the day'], node.irbApprovals.map((a) =>
      [a.protocolNumber, a.irbName, a.reviewType, `${a.statusOnDay}${a.expiresOnDay ? ` (expires ${a.expiresOnDay})` : ''}`])));
  }
  if (node.licenses?.length) {
    details.appendChild(element('h3', 'Licenses'));
    details.appendChild(table(['Kind', 'Effective', 'In force on the day', 'Permitted uses'], node.licenses.map((l) =>
      [l.spdxId ?? l.kind, l.effectiveOn, l.inForceOnDay ? 'yes' : 'no', (l.permittedUsesOnDay ?? []).join(', ')])));
  }
  if (node.consentWithdrawals?.length) {
    details.appendChild(element('h3', 'Consent withdrawals'));
    details.appendChild(table(['Subjects', 'Effective', 'Actions'], node.consentWithdrawals.map((w) => [w.subjectCount, w.effectiveOn, w.requiredActions.join(', ')])));
  }
  const stream = node.kind === 'dataset-version' ? `/datasets/${node.datasetId}` : node.modelId ? `/models/${node.modelId}` : null;
  if (stream) {
    details.appendChild(element('h3', 'Event history'));
    try {
      const history = await api(`${stream}/events?limit=50`);
      details.appendChild(table(['Position', 'Type', 'Recorded', 'By'], history.items.map((e) =>
        [String(e.position), e.type, e.recordedAt.slice(0, 19).replace('T', ' '), e.metadata.actorId])));
      if (history.next) details.appendChild(element('p', 'Later events: see the API (the list is paged).', 'hint'));
    } catch (error) {
      details.appendChild(element('p', error.message, 'finding'));
    }
  }
}

// --- Wiring -------------------------------------------------------------------------------------

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn({ scheme: 'ApiKey', value: $('api-key').value.trim() });
});
$('sign-out').addEventListener('click', signOut);
$('show-lineage').addEventListener('click', showLineage);
$('show-impact').addEventListener('click', showImpact);
$('download-bundle').addEventListener('click', downloadBundle);
$('download-card').addEventListener('click', downloadCard);
$('download-disclosure').addEventListener('click', downloadDisclosure);
window.addEventListener('hashchange', route);
// Reviewers file the pages: a printout shows what is folded away on screen (manifests, the model card,
// the graph's node list), and the page folds it back afterwards.
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll('details:not([open])')) {
    details.dataset.printOpened = 'true';
    details.open = true;
  }
});
window.addEventListener('afterprint', () => {
  for (const details of document.querySelectorAll('details[data-print-opened]')) {
    details.open = false;
    delete details.dataset.printOpened;
  }
});
// Single sign-on is offered when the API names an issuer; coming back from it, the code in the
// address is exchanged for a token; otherwise the tab's earlier sign-in, if any, is resumed.
(async () => {
  const options = await signInOptions();
  if (options?.oidc) {
    const button = $('sign-in-sso');
    button.textContent = `Sign in with ${new URL(options.oidc.issuer).host}`;
    button.hidden = false;
    button.addEventListener('click', () => startSignIn(options.oidc).catch((error) => say(error.message, true)));
  }
  try {
    const token = await finishSignIn();
    if (token) return signIn({ scheme: 'Bearer', value: token });
  } catch (error) {
    say(error.message, true);
    return undefined;
  }
  return state.credential ? signIn(state.credential) : undefined;
})();

// For automation (the browser test, accessibility tools): the graph on screen.
window.provenanceExplorer = { graph: () => state.graph };
