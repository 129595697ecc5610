// A stand-in for the organization's OpenID Connect issuer, for the browser tests of the workspace's
// single sign-on (#21). It does what a real issuer does for a public client using the authorization
// code flow with PKCE, and checks what a real one checks: discovery, a key set, a sign-in that
// (without a login form: the test's user is already signed in) answers the registered redirect URI
// with a one-time code bound to the code challenge, and a token endpoint that issues an RS256 access
// token only for that code, that client, that redirect URI and the verifier whose SHA-256 is the
// challenge. It records what it saw, so the test can assert the flow, not just its outcome.
import { createServer } from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const base64url = (buffer) => Buffer.from(buffer).toString('base64url');

export async function startFakeIdp({ port, clientId, redirectUri, audience, user }) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = base64url(randomBytes(8));
  const codes = new Map();
  const seen = { authorizations: [], exchanges: [], refused: [] };

  const token = () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const payload = base64url(JSON.stringify({ iss: issuer, aud: audience, sub: user.subject, roles: user.roles, iat: now, nbf: now, exp: now + 300 }));
    return `${header}.${payload}.${base64url(sign('sha256', Buffer.from(`${header}.${payload}`), privateKey))}`;
  };

  const json = (response, status, body, headers = {}) => {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url, issuer);
    // The workspace's page calls the token endpoint from its own origin.
    const cors = { 'Access-Control-Allow-Origin': request.headers.origin ?? '*', Vary: 'Origin' };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/keys`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'], grant_types_supported: ['authorization_code'],
      });
    }
    if (url.pathname === '/keys') return json(response, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] });
    if (url.pathname === '/authorize') {
      const p = Object.fromEntries(url.searchParams);
      seen.authorizations.push(p);
      if (p.client_id !== clientId || p.redirect_uri !== redirectUri || p.response_type !== 'code' || p.code_challenge_method !== 'S256' || !p.code_challenge) {
        seen.refused.push('authorize');
        response.writeHead(400, { 'Content-Type': 'text/plain' });
        return response.end('invalid_request');
      }
      const code = base64url(randomBytes(16));
      codes.set(code, { challenge: p.code_challenge, redirectUri: p.redirect_uri, clientId: p.client_id });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.state);
      response.writeHead(302, { Location: back.href });
      return response.end();
    }
    if (url.pathname === '/token' && request.method === 'OPTIONS') {
      response.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type' });
      return response.end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        const p = Object.fromEntries(new URLSearchParams(body));
        const granted = codes.get(p.code);
        codes.delete(p.code);
        const verified = granted && p.code_verifier && base64url(createHash('sha256').update(p.code_verifier).digest()) === granted.challenge;
        seen.exchanges.push({ grantType: p.grant_type, verified: Boolean(verified) });
        if (p.grant_type !== 'authorization_code' || !granted || !verified || p.client_id !== granted.clientId || p.redirect_uri !== granted.redirectUri) {
          seen.refused.push('token');
          return json(response, 400, { error: 'invalid_grant', error_description: 'The code, its verifier, the client or the redirect URI does not match' }, cors);
        }
        return json(response, 200, { access_token: token(), token_type: 'Bearer', expires_in: 300 }, cors);
      });
      return undefined;
    }
    response.writeHead(404);
    return response.end();
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { issuer, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}
