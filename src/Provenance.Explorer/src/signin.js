// Single sign-on through the organization's OpenID Connect issuer (#21): the authorization code flow
// with PKCE (RFC 7636, S256), as a public client. The page asks the API how it may sign in
// (GET /access/sign-in), sends the browser to the issuer with a fresh code challenge and state, and,
// back on the workspace's address with a code, checks the state, exchanges the code and its verifier
// for an access token at the issuer's token endpoint, and keeps the token for this tab only. The
// address the user asked for (the part after #) is kept across the round trip.

const pendingStore = 'provenance.workspace.signIn';

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (length) => base64url(crypto.getRandomValues(new Uint8Array(length)));

/** How the workspace may sign in: { apiKey, oidc } (oidc null without single sign-on); null when the API does not say. */
export async function signInOptions() {
  try {
    const response = await fetch('/access/sign-in', { headers: { Accept: 'application/json' } });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** The workspace's own address at the issuer: this page without its query or fragment. */
const redirectUri = () => `${location.origin}${location.pathname}`;

/** Sends the browser to the issuer's sign-in, remembering the verifier, the state and where the user was. */
export async function startSignIn(oidc) {
  const verifier = random(32);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  sessionStorage.setItem(pendingStore, JSON.stringify({
    verifier, state, hash: location.hash, tokenEndpoint: oidc.tokenEndpoint, clientId: oidc.clientId, redirectUri: redirectUri(),
  }));
  const target = new URL(oidc.authorizationEndpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code', client_id: oidc.clientId, redirect_uri: redirectUri(), scope: oidc.scope, state,
    code_challenge: challenge, code_challenge_method: 'S256',
  })) target.searchParams.set(name, value);
  location.assign(target.href);
}

/**
 * Back from the issuer: the access token for the code in the address (null when the address holds
 * none). The code leaves the address at once. Throws with the reason when the issuer refused, the
 * state is not this tab's, or the exchange fails.
 */
export async function finishSignIn() {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(pendingStore) ?? 'null');
  sessionStorage.removeItem(pendingStore);
  history.replaceState(null, '', `${location.pathname}${pending?.hash ?? location.hash}`);
  if (answer.has('error')) throw new Error(`The sign-in service refused: ${answer.get('error_description') ?? answer.get('error')}.`);
  if (!pending || answer.get('state') !== pending.state) throw new Error('That sign-in answer was not asked for by this tab; sign in again.');
  let response;
  try {
    response = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: pending.redirectUri, client_id: pending.clientId, code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new Error('The sign-in service could not be reached to finish signing in.');
  }
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.access_token) {
    throw new Error(`The sign-in service did not issue a token: ${tokens.error_description ?? tokens.error ?? response.status}.`);
  }
  return tokens.access_token;
}
