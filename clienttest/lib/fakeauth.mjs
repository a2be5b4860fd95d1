// Fake Cognito session injected through Amplify's library options (Auth.tokenProvider and
// Auth.credentialsProvider): JWT-shaped id and access tokens built here, and "identity pool"
// credentials whose secret the loopback server knows, so it can verify SigV4 signatures.
import { randomBytes } from "node:crypto";

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");

export function makeJwt(payload) {
  const raw = `${b64url({ kid: "fake-kid", alg: "RS256" })}.${b64url(payload)}.${randomBytes(32).toString("base64url")}`;
  return { raw, jwt: { payload, toString: () => raw } };
}

/**
 * @param cfg { region, userPoolId, userPoolClientId, groups? }
 */
export function makeFakeSession({ region, userPoolId, userPoolClientId, groups = [] }) {
  const now = Math.floor(Date.now() / 1000);
  const sub = "7c1e5a2b-3d4f-4a6b-8c9d-0e1f2a3b4c5d";
  const iss = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const common = { sub, iss, auth_time: now, iat: now, exp: now + 3600, ...(groups.length ? { "cognito:groups": groups } : {}) };
  const access = makeJwt({
    ...common,
    token_use: "access",
    client_id: userPoolClientId,
    scope: "aws.cognito.signin.user.admin",
    username: sub,
    jti: "access-" + randomBytes(6).toString("hex"),
  });
  const id = makeJwt({
    ...common,
    token_use: "id",
    aud: userPoolClientId,
    email: "alice@example.com",
    email_verified: true,
    "cognito:username": sub,
    jti: "id-" + randomBytes(6).toString("hex"),
  });
  const identityId = `${region}:1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d`;
  const guestIdentityId = `${region}:9f8e7d6c-5b4a-4392-8a1b-0c9d8e7f6a5b`;
  const mk = (prefix) => ({
    accessKeyId: prefix + randomBytes(8).toString("hex").toUpperCase().slice(0, 16),
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: "IQoJb3JpZ2luX2VjE" + randomBytes(48).toString("base64"),
    expiration: new Date(Date.now() + 3600 * 1000),
  });
  const authCreds = mk("ASIA");
  const guestCreds = mk("ASIA");
  const state = { signedIn: true, calls: [] };

  const tokenProvider = {
    async getTokens() {
      if (!state.signedIn) return null;
      return { accessToken: access.jwt, idToken: id.jwt };
    },
  };
  // Mimics the Cognito credentials provider: nothing without an identity pool, guest credentials
  // for a signed-out visitor only when the config allows guest access.
  const credentialsProvider = {
    async getCredentialsAndIdentityId({ authConfig, authenticated }) {
      state.calls.push({ authenticated });
      const c = authConfig?.Cognito;
      if (!c?.identityPoolId) return undefined;
      if (authenticated) return { credentials: authCreds, identityId };
      if (!c.allowGuestAccess) return undefined;
      return { credentials: guestCreds, identityId: guestIdentityId };
    },
    async clearCredentialsAndIdentityId() {},
  };
  return {
    state,
    sub,
    accessToken: access.raw,
    idToken: id.raw,
    identityId,
    guestIdentityId,
    authCreds,
    guestCreds,
    /** the server's key table */
    keys: { [authCreds.accessKeyId]: authCreds, [guestCreds.accessKeyId]: guestCreds },
    libraryOptions: { Auth: { tokenProvider, credentialsProvider } },
  };
}
