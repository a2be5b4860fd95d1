// Passwordless sign-in with the real aws-amplify: configured from the emitted amplify_outputs.json of
// examples/passwordless, signIn with the USER_AUTH flow and each preferred challenge must send the
// InitiateAuth request Cognito expects to the user pool endpoint. A loopback server stands in for
// Cognito (Amplify's userPoolEndpoint option points the library at it) and records each request.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Amplify } from "aws-amplify";
import { signIn } from "aws-amplify/auth";
import { runExample } from "../lib/suite.mjs";
import { configDir, loadOutputs } from "../lib/fixtures.mjs";
import { startLoopback } from "../lib/loopback.mjs";

runExample("passwordless");

const TARGET = "AWSCognitoIdentityProviderService.InitiateAuth";
const USERNAME = "alice@example.com";

// Cognito's answers: the one-time code challenges for the OTP factors (so signIn resolves with the
// next step), an error for the others (a passkey ceremony needs a browser; a password is refused).
function cognito(record) {
  if (record.headers["x-amz-target"] !== TARGET) return undefined;
  const req = JSON.parse(record.body.toString("utf8"));
  const json = (status, obj, extra = {}) => ({ status, headers: { "content-type": "application/x-amz-json-1.1", ...extra }, body: JSON.stringify(obj) });
  const challenge = req.AuthParameters?.PREFERRED_CHALLENGE;
  if (challenge === "EMAIL_OTP" || challenge === "SMS_OTP") {
    const medium = challenge === "EMAIL_OTP" ? "EMAIL" : "SMS";
    return json(200, { ChallengeName: challenge, Session: "loopback-session", ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: medium, CODE_DELIVERY_DESTINATION: "a***" } });
  }
  return json(400, { __type: "NotAuthorizedException", message: "loopback: refused" }, { "x-amzn-errortype": "NotAuthorizedException" });
}

// The emitted file as underhood config wrote it (its auth section names no endpoint to retarget).
const emitted = () => JSON.parse(readFileSync(join(configDir("passwordless"), "amplify_outputs.json"), "utf8"));

let server, out;
before(async () => {
  server = await startLoopback({ respond: cognito });
  out = loadOutputs("passwordless");
});
after(async () => {
  await server?.close();
});

/** Configures Amplify from the emitted amplify_outputs.json (edited by edit, if given), pointing the user pool API at the loopback server. */
function configure(edit) {
  const outputs = emitted();
  edit?.(outputs);
  Amplify.configure(outputs);
  const cfg = Amplify.getConfig();
  Amplify.configure({ ...cfg, Auth: { ...cfg.Auth, Cognito: { ...cfg.Auth.Cognito, userPoolEndpoint: `http://127.0.0.1:${server.port}` } } });
}

const cases = [
  { challenge: "EMAIL_OTP", password: undefined, next: "CONFIRM_SIGN_IN_WITH_EMAIL_CODE" },
  { challenge: "SMS_OTP", password: undefined, next: "CONFIRM_SIGN_IN_WITH_SMS_CODE" },
  { challenge: "WEB_AUTHN", password: undefined, next: null },
  { challenge: "PASSWORD", password: "correct horse battery staple", next: null },
];

for (const c of cases) {
  test(`passwordless: signIn USER_AUTH with preferredChallenge ${c.challenge} sends InitiateAuth USER_AUTH to the user pool endpoint`, async () => {
    configure();
    server.take();
    const call = signIn({ username: USERNAME, password: c.password, options: { authFlowType: "USER_AUTH", preferredChallenge: c.challenge } });
    if (c.next) {
      const res = await call;
      assert.equal(res.nextStep.signInStep, c.next);
    } else {
      await assert.rejects(call, (err) => err.name === "NotAuthorizedException");
    }
    const sent = server.take().filter((r) => r.headers["x-amz-target"] === TARGET);
    assert.equal(sent.length, 1, "one InitiateAuth request");
    const r = sent[0];
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/");
    const body = JSON.parse(r.body.toString("utf8"));
    assert.equal(body.AuthFlow, "USER_AUTH");
    assert.equal(body.ClientId, out.userPoolClientId, "the emitted config's app client");
    const want = { USERNAME, PREFERRED_CHALLENGE: c.challenge };
    if (c.password) want.PASSWORD = c.password;
    assert.deepEqual(body.AuthParameters, want);
  });
}

test("passwordless: the emitted config decides which challenges amplify-js offers (a factor the pool lacks is refused before any request)", async () => {
  assert.deepEqual(emitted().auth.passwordless, {
    email_otp_enabled: true,
    sms_otp_enabled: true,
    web_authn: { relying_party_id: "keyless.example.com", user_verification: "required" },
    preferred_challenge: "EMAIL_OTP",
  });
  configure();
  assert.equal(Amplify.getConfig().Auth.Cognito.passwordless.preferredChallenge, "EMAIL_OTP");
  for (const [key, challenge] of [["sms_otp_enabled", "SMS_OTP"], ["email_otp_enabled", "EMAIL_OTP"], ["web_authn", "WEB_AUTHN"]]) {
    configure((o) => {
      if (key === "web_authn") delete o.auth.passwordless.web_authn;
      else o.auth.passwordless[key] = false;
    });
    server.take();
    await assert.rejects(
      signIn({ username: USERNAME, options: { authFlowType: "USER_AUTH", preferredChallenge: challenge } }),
      (err) => err.name === "InvalidPreferredChallengeException" || /preferred challenge/i.test(err.message),
      `${challenge} without ${key}`,
    );
    assert.equal(server.take().length, 0, `${challenge}: no request`);
  }
});
