// The audit page (#21), for regulators and administrators: the latest signed checkpoint with its
// witnesses' cosignatures, audit bundles of any scope, and the check of an event's inclusion proof,
// which this page does itself, in the browser, with the Web Crypto API: the checkpoint's signature
// against the log's public key (C2SP signed note, ECDSA P-256), the event's leaf hash from its
// canonical envelope, and the RFC 9162 inclusion proof up to the signed root. Nothing the service
// says about the result is trusted; only its bytes are used.

import { $, api, say, element, table, query, showPage, state, save } from './core.js';

const encoder = new TextEncoder();

export const auditRoles = ['regulator', 'admin'];

export function mayAudit() {
  return state.me?.roles.some((r) => auditRoles.includes(r)) ?? false;
}

function bytes(base64) {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function base64(data) {
  return btoa(String.fromCharCode(...new Uint8Array(data)));
}

async function sha256(...parts) {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** An ASN.1 DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs) as the 64-byte r ‖ s Web Crypto verifies. */
function rawSignature(der) {
  if (der[0] !== 0x30) throw new Error('the signature is not a DER sequence');
  let offset = 2;
  const take = () => {
    if (der[offset] !== 0x02) throw new Error('the signature is not two DER integers');
    const length = der[offset + 1];
    let value = der.slice(offset + 2, offset + 2 + length);
    offset += 2 + length;
    while (value.length > 32 && value[0] === 0) value = value.slice(1);
    if (value.length > 32) throw new Error('a signature integer is longer than 32 bytes');
    const padded = new Uint8Array(32);
    padded.set(value, 32 - value.length);
    return padded;
  };
  const r = take();
  const s = take();
  const result = new Uint8Array(64);
  result.set(r, 0);
  result.set(s, 32);
  return result;
}

/**
 * Verifies a checkpoint's signed note with the log's verifier key (`name+keyid+base64(0x02 ‖ SPKI)`)
 * and returns its origin, tree size and root hash; throws with the reason otherwise.
 */
export async function verifyCheckpoint(note, verifierKey) {
  // name + key ID + base64 key: the name has no '+', the ID is 8 hex digits, the base64 may hold '+'.
  const first = verifierKey.indexOf('+');
  const [name, keyIdHex, keyBase64] = [verifierKey.slice(0, first), verifierKey.slice(first + 1, first + 9), verifierKey.slice(first + 10)];
  const key = bytes(keyBase64);
  if (key[0] !== 0x02) throw new Error('the verifier key is not an ECDSA P-256 key (type 0x02)');
  const spki = key.slice(1);
  const keyId = (await sha256(spki)).slice(0, 4);
  if ([...keyId].map((b) => b.toString(16).padStart(2, '0')).join('') !== keyIdHex) throw new Error('the verifier key\'s ID does not match its key');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('the note has no signatures');
  const text = note.slice(0, split + 1);
  const line = note.slice(split + 2).split('\n').find((l) => l.startsWith(`\u2014 ${name} `));
  if (!line) throw new Error(`the note carries no signature of ${name}`);
  const signed = bytes(line.split(' ')[2]);
  if (!equal(signed.slice(0, 4), keyId)) throw new Error('the signature line names another key');
  const publicKey = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, rawSignature(signed.slice(4)), encoder.encode(text));
  if (!valid) throw new Error('the checkpoint\'s signature does not verify: the note was altered or signed by another key');
  const [origin, size, root] = text.split('\n');
  return { origin, treeSize: Number(size), rootHash: bytes(root) };
}

/** RFC 9162, 2.1.3.2: the root an inclusion proof leads to from a leaf hash, or an error. */
export async function rootFromInclusionProof(leafIndex, treeSize, leafHash, proof) {
  if (leafIndex >= treeSize) throw new Error('the leaf index is not inside the tree');
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const node of proof) {
    if (sn === 0) throw new Error('the proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), node, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('the proof is shorter than the path to the root');
  return r;
}

/** Checks the event at a position against the latest checkpoint, step by step; returns the steps. */
async function check(position) {
  const steps = [];
  const step = (text, ok = true) => steps.push({ text, ok });
  const [key, latest] = await Promise.all([api('/checkpoints/public-key'), api('/checkpoints/latest')]);
  const checkpoint = await verifyCheckpoint(latest.note, key.verifierKey);
  step(`The checkpoint of ${checkpoint.treeSize} events is signed by ${key.keyName} (key ID ${key.keyId}); compare that key with the one you were given out of band.`);
  const proof = await api(`/events/${position}/inclusion-proof${query({ treeSize: checkpoint.treeSize })}`);
  const leaf = await sha256(Uint8Array.of(0), encoder.encode(proof.envelope));
  if (!equal(leaf, bytes(proof.leafHash))) throw Object.assign(new Error('the event\'s envelope does not hash to the leaf hash given with it'), { steps });
  step(`The event's canonical envelope hashes to its leaf (${proof.leafHash}).`);
  const root = await rootFromInclusionProof(proof.leafIndex, checkpoint.treeSize, leaf, proof.proof.map(bytes));
  if (!equal(root, checkpoint.rootHash)) throw Object.assign(new Error('the inclusion proof does not lead to the signed root: the event is not in the signed log as given'), { steps });
  step(`Its ${proof.proof.length} proof hashes lead to the signed root (${base64(checkpoint.rootHash)}).`);
  const event = JSON.parse(proof.envelope);
  step(`So the ledger held, at position ${position}, a ${event.type} event of stream ${event.streamId} recorded ${event.recordedAt}, exactly as shown.`);
  return steps;
}

function steps(list, failure) {
  const result = element('ol', null, 'steps');
  for (const s of list) result.appendChild(element('li', s.text, 'ok'));
  if (failure) result.appendChild(element('li', failure, 'finding'));
  return result;
}

async function verifyPicked(event) {
  event.preventDefault();
  const position = Number($('proof-position').value);
  const output = $('proof-result');
  output.replaceChildren(element('p', 'Checking…', 'hint'));
  try {
    const done = await check(position);
    output.replaceChildren(element('h3', 'Verified in this browser', 'ok'), steps(done));
  } catch (error) {
    output.replaceChildren(element('h3', 'Not verified', 'finding'), steps(error.steps ?? [], error.message));
  }
}

export async function showAudit() {
  showPage('page-audit', 'Audit');
  const panel = $('audit-checkpoint');
  if (!mayAudit()) {
    $('audit-body').hidden = true;
    say('The audit page is for regulators and administrators; this key\'s roles may not export the ledger.', true);
    return;
  }
  $('audit-body').hidden = false;
  panel.replaceChildren(element('p', 'Loading…', 'hint'));
  try {
    const latest = await api('/checkpoints/latest');
    panel.replaceChildren(
      element('p', `Tree size ${latest.treeSize}, signed ${latest.signedAt.slice(0, 19).replace('T', ' ')} UTC by key ${latest.keyId}; ` +
        `${latest.published ? 'published' : 'awaiting its witnesses\' cosignatures (the quorum is not reached yet)'}.`),
      element('code', latest.note, 'note'),
      latest.cosignatures.length
        ? table(['Witness', 'Key ID', 'Cosigned'], latest.cosignatures.map((c) => [c.witness, c.keyId, c.cosignedAt.slice(0, 19).replace('T', ' ')]), 'Witness cosignatures of this checkpoint')
        : element('p', 'No witness has cosigned this checkpoint.', 'hint'),
    );
    $('proof-position').max = String(latest.treeSize);
    if (!$('proof-position').value) $('proof-position').value = String(latest.treeSize);
  } catch (error) {
    panel.replaceChildren(element('p', error.status === 404 ? 'No checkpoint has been signed yet.' : error.message, 'finding'));
  }
}

/** Downloads an audit bundle of the scope the form names. */
async function downloadBundle(event) {
  event.preventDefault();
  const form = $('bundle-form');
  const kind = form.elements.kind.value;
  const id = form.elements.id.value.trim();
  const scope = {
    'model-version': { kind, modelId: id, modelVersion: form.elements.version.value.trim() },
    dataset: { kind, datasetId: id },
    'irb-protocol': { kind, protocolId: id },
    'time-range': { kind, from: `${form.elements.from.value}T00:00:00Z`, to: `${form.elements.to.value}T00:00:00Z` },
  }[kind];
  say('Exporting the audit bundle…');
  try {
    const response = await api(`/audit-bundles${query(scope)}`, 'application/zip');
    save(await response.blob(), `audit-bundle-${kind}.zip`);
    say(`Downloaded an audit bundle of ${response.headers.get('X-Provenance-Event-Count')} events, proved against the checkpoint of tree size ${response.headers.get('X-Provenance-Tree-Size')}.`);
  } catch (error) {
    say(error.message, true);
  }
}

function showScopeFields() {
  const kind = $('bundle-form').elements.kind.value;
  for (const field of document.querySelectorAll('#bundle-form [data-kinds]')) field.hidden = !field.dataset.kinds.split(' ').includes(kind);
}

$('proof-form').addEventListener('submit', verifyPicked);
$('bundle-form').addEventListener('submit', downloadBundle);
$('bundle-form').elements.kind.addEventListener('change', showScopeFields);
showScopeFields();
