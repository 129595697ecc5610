// What every page of the workspace shares: the sign-in (an API key or a single sign-on token) and
// caller, requests to the API, and small DOM helpers. Nothing here knows a page.

export const $ = (id) => document.getElementById(id);
const credentialStore = 'provenance.workspace.credential';
/** `credential`: { scheme: 'ApiKey' | 'Bearer', value }, kept for this tab only. */
export const state = { credential: JSON.parse(sessionStorage.getItem(credentialStore) ?? 'null'), me: null, graph: null, selected: null, lineage: null, documents: null };

/** Keeps (or, with null, forgets) the tab's credential. */
export function keepCredential(credential) {
  state.credential = credential;
  if (credential) sessionStorage.setItem(credentialStore, JSON.stringify(credential));
  else sessionStorage.removeItem(credentialStore);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The API answered ${status}.`);
    this.status = status;
  }
}

export async function api(path, accept = 'application/json') {
  const response = await fetch(path, { headers: { Authorization: `${state.credential?.scheme} ${state.credential?.value}`, Accept: accept } });
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not a problem document */ }
    throw new ApiError(response.status, problem);
  }
  return accept === 'application/json' ? response.json() : response;
}

export function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function link(href, text, className) {
  const node = element('a', text, className);
  node.href = href;
  return node;
}

/** A table with a caption (for screen readers and print) and header cells scoped to their columns. */
export function table(headers, rows, caption) {
  const result = element('table');
  if (caption) result.createCaption().textContent = caption;
  const head = result.createTHead().insertRow();
  headers.forEach((h) => {
    const cell = element('th', h);
    cell.scope = 'col';
    head.appendChild(cell);
  });
  const body = result.createTBody();
  rows.forEach((cells) => {
    const row = body.insertRow();
    cells.forEach((c) => row.insertCell().appendChild(c instanceof Node ? c : document.createTextNode(c ?? '—')));
  });
  return result;
}

/** The end of a chosen day in UTC, as the API's asOf: the ledger as it stood when that day ended. */
export function endOfDay(day) {
  return day ? `${day}T23:59:59.999Z` : null;
}

/** A query string from the entries that have a value. */
export function query(values) {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') parameters.set(name, value);
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

// --- Pages: each has its own address (the part after #), which survives a reload and can be shared --

const pages = ['page-overview', 'page-models', 'page-datasets', 'page-dataset', 'page-protocols', 'page-protocol', 'page-audit'];
const parents = { 'page-dataset': 'page-datasets', 'page-protocol': 'page-protocols' };

/** Shows one page of the workspace, marks its place in the navigation, and names the tab after it. */
export function showPage(id, title) {
  for (const page of pages) $(page).hidden = page !== id;
  for (const item of document.querySelectorAll('#pages a')) {
    if (item.dataset.page === id || item.dataset.page === parents[id]) item.setAttribute('aria-current', 'page');
    else item.removeAttribute('aria-current');
  }
  document.title = `Provenance · ${title}`;
}


// What each kind of access lets a caller do, as the API's role policies grant it (docs/security.md).
const abilities = [
  [['steward', 'irb-reviewer', 'regulator', 'admin'], 'read the ledger, its lineage and its proofs'],
  [['steward', 'admin'], 'register datasets and record their versions, de-identification decisions, licenses and consent withdrawals'],
  [['steward', 'admin'], 'record models, training runs, evidence and releases'],
  [['irb-reviewer', 'admin'], 'record IRB approvals and their changes'],
  [['steward', 'irb-reviewer', 'admin'], 'import records in bulk'],
  [['regulator', 'admin'], 'export audit bundles'],
  [['admin'], 'manage API keys, projections and checkpoints'],
];

/** What the signed-in roles may do, in words (the page offers only those; the API enforces them). */
export function mayDo(roles) {
  return abilities.filter(([allowed]) => allowed.some((r) => roles.includes(r))).map(([, what]) => what);
}

/** A section of a page with its heading (its id labels the section for assistive technology). */
export function section(title, id) {
  const result = element('section');
  result.setAttribute('aria-labelledby', id);
  const heading = element('h3', title);
  heading.id = id;
  result.appendChild(heading);
  return result;
}

/** A section holding a table of the items, or a line saying there are none. */
export function tableSection(title, id, items, none, headers, row, caption) {
  const result = section(title, id);
  result.appendChild(items.length ? table(headers, items.map(row), caption) : element('p', none, 'hint'));
  return result;
}

/** Saves a blob (a download the API answered, or text made here) under a file name. */
export function save(blob, name) {
  const anchor = element('a');
  anchor.href = URL.createObjectURL(blob);
  anchor.download = name;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
}

/** Makes an as-of form go to the same page at the chosen day (the address keeps everything else of the path). */
export function bindAsOf(formId, inputId) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `${location.hash.split('?')[0]}${query({ asOf: $(inputId).value })}`;
  });
}

/** First-page and next-page links of a list page at `path`, its filters kept in the address. */
export function pager(path, values, after, next) {
  const result = element('p', null, 'pager');
  if (after) result.appendChild(link(`${path}${query(values)}`, 'First page'));
  if (next) result.appendChild(link(`${path}${query({ ...values, after: next })}`, 'Next page'));
  return result;
}

/** A definition list of [term, value] pairs; a value may be a node; empty values are left out. */
export function facts(list) {
  const result = element('dl', null, 'facts');
  for (const [term, value] of list) {
    if (value === undefined || value === null || value === '') continue;
    result.appendChild(element('dt', term));
    const description = element('dd');
    description.appendChild(value instanceof Node ? value : document.createTextNode(String(value)));
    result.appendChild(description);
  }
  return result;
}
