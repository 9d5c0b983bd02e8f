// A real OpenID provider for Tandem's sign-in tests: node-oidc-provider (OpenID certified),
// on 127.0.0.1, with one client (code flow, PKCE S256 required) and the accounts the test gives.
//
// Environment: PORT; REDIRECT_URI and POST_LOGOUT_URI (Tandem's callback and sign-in page);
// ACCOUNTS, JSON: {"login": {"email": ..., "email_verified": true, "name": ..., "groups": [...]}}.
// Sign-in goes through the provider's own login form (any password; the login picks the account).
//
// GET /__test/mode?set=MODE makes the token endpoint answer an ID token gone wrong, as an
// attacker between Tandem and the provider, or a misbehaving provider, would hand it over:
//   tamper    the payload rewritten (another e-mail), the provider's signature kept;
//   other-key the payload signed by a key that is not in the provider's JWKS (same key id);
//   audience  signed by the provider's key, for another client;
//   expired   signed by the provider's key, expired an hour ago;
//   replay    the ID token of the previous sign-in (another nonce), as the provider signed it.
// Anything else (normal): the token as the provider issued it.
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signing = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const other = (await jose.generateKeyPair('RS256', { extractable: true })).privateKey;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'tandem',
    client_secret: 'tandem-test-secret',
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  jwks: { keys: [signing] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  // A first-party client: no consent screen (the grant is given at once).
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

let mode = 'normal';
let previous = null;

function parts(token) {
  const [header, payload] = token.split('.');
  return [JSON.parse(Buffer.from(header, 'base64url')), JSON.parse(Buffer.from(payload, 'base64url'))];
}

async function sign(header, payload, key) {
  return new jose.CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

async function altered(token) {
  const [header, payload] = parts(token);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'tamper': {
      const [h, , s] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...payload, email: 'zoe@northwind.test' })).toString('base64url');
      return `${h}.${forged}.${s}`;
    }
    case 'other-key': return sign(header, payload, other);
    case 'audience': return sign(header, { ...payload, aud: 'another-client' }, privateKey);
    case 'expired': return sign(header, { ...payload, iat: now - 7200, exp: now - 3600 }, privateKey);
    case 'replay': return previous ?? token;
    default: return token;
  }
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/mode') {
    mode = ctx.query.set || 'normal';
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
    const issued = ctx.body.id_token;
    ctx.body = { ...ctx.body, id_token: await altered(issued) };
    previous = issued;
  }
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
