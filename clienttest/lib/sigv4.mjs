// Server-side SigV4 verification, the way API Gateway does it: parse the Authorization header, look the
// access key up in the "IAM" key table, rebuild the canonical request from what was actually received
// (method, raw path, query, the headers listed in SignedHeaders, the body) and recompute the signature
// with @smithy/signature-v4. Anything that differs (tampered signature, path, body, header, wrong
// region/service, session token of another key) fails.
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export function parseAuthorization(value) {
  const m = AUTH_RE.exec(value ?? "");
  if (!m) return null;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? "");
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/**
 * @param rec   a request recorded by the loopback server
 * @param keys  { [accessKeyId]: { accessKeyId, secretAccessKey, sessionToken } }
 * @param want  { region, service }
 * @returns { ok: true, auth } or { ok: false, reason }
 */
export async function verifySigV4(rec, keys, want) {
  const auth = parseAuthorization(rec.headers["authorization"]);
  if (!auth) return { ok: false, reason: `not a SigV4 Authorization header: ${rec.headers["authorization"]}` };
  if (auth.region !== want.region) return { ok: false, reason: `credential scope region ${auth.region} != ${want.region}` };
  if (auth.service !== want.service) return { ok: false, reason: `credential scope service ${auth.service} != ${want.service}` };
  const creds = keys[auth.accessKeyId];
  if (!creds) return { ok: false, reason: `unknown access key ${auth.accessKeyId}` };
  if (creds.sessionToken) {
    if (rec.headers["x-amz-security-token"] !== creds.sessionToken)
      return { ok: false, reason: "X-Amz-Security-Token does not belong to the access key" };
    if (!auth.signedHeaders.includes("x-amz-security-token"))
      return { ok: false, reason: "X-Amz-Security-Token is not signed" };
  }
  for (const h of ["host", "x-amz-date"]) {
    if (!auth.signedHeaders.includes(h)) return { ok: false, reason: `${h} is not signed` };
  }
  const signingDate = parseAmzDate(rec.headers["x-amz-date"]);
  if (!signingDate) return { ok: false, reason: `bad X-Amz-Date ${rec.headers["x-amz-date"]}` };
  if (rec.headers["x-amz-date"].slice(0, 8) !== auth.date) return { ok: false, reason: "credential scope date != X-Amz-Date" };
  // Against the time the request arrived, not now: a request recorded early in a slow run still verifies.
  if (Math.abs(rec.received - signingDate.getTime()) > 5 * 60 * 1000) return { ok: false, reason: "request time too skewed" };
  // A signed x-amz-content-sha256 header is taken at its word by the signer: check it against the body.
  const bodyHash = createHash("sha256").update(rec.body).digest("hex");
  const declared = rec.headers["x-amz-content-sha256"];
  if (declared !== undefined && declared !== "UNSIGNED-PAYLOAD" && declared !== bodyHash)
    return { ok: false, reason: "x-amz-content-sha256 does not match the body" };

  const headers = {};
  for (const h of auth.signedHeaders) {
    if (rec.headers[h] === undefined) return { ok: false, reason: `signed header ${h} missing` };
    headers[h] = rec.headers[h];
  }
  const url = new URL(rec.url, `http://${rec.headers.host}`);
  const query = {};
  for (const [k, v] of url.searchParams) {
    if (k in query) query[k] = [].concat(query[k], v);
    else query[k] = v;
  }
  const request = {
    method: rec.method,
    protocol: "http:",
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: rec.path, // raw, still percent-encoded: SigV4 for execute-api encodes it once more
    query,
    headers,
    body: rec.body.length ? rec.body : undefined,
  };
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    region: want.region,
    service: want.service,
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(auth.signedHeaders) });
  const expected = parseAuthorization(signed.headers["authorization"]);
  if (!expected) return { ok: false, reason: "signer produced no Authorization header" };
  if (expected.signedHeaders.join(";") !== auth.signedHeaders.join(";"))
    return { ok: false, reason: `signed header set differs: ${expected.signedHeaders} vs ${auth.signedHeaders}` };
  if (expected.signature !== auth.signature) return { ok: false, reason: "signature mismatch" };
  return { ok: true, auth };
}
