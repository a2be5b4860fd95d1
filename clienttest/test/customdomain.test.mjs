// examples/customdomain: the real aws-amplify v6, configured from each generated file, uses the custom
// domains of the stack outputs: the hosted UI's for OAuth, the APIs' for REST. Values come from
// examples/customdomain/outputs.sample.json. A REST call goes to https://<api domain>/<base path>/<route>:
// fetch is replaced for that call by a recorder (nothing resolves example.com here), which answers 200.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Amplify } from "aws-amplify";
import { get } from "aws-amplify/api";

import { FORMATS, loadOutputs, stageConfig } from "../lib/fixtures.mjs";
import { makeFakeSession } from "../lib/fakeauth.mjs";

const EXAMPLE = "customdomain";
const APIS = ["admin", "shop"];
const trimSlash = (u) => u.replace(/\/+$/, "");

let out, staged, session;
before(() => {
  out = loadOutputs(EXAMPLE);
  staged = stageConfig(EXAMPLE, { from: 0, to: 0 }); // nothing to retarget: no loopback URL is used
  session = makeFakeSession({ region: out.region, userPoolId: out.userPoolId, userPoolClientId: out.userPoolClientId });
  session.state.signedIn = true;
});
after(() => staged?.cleanup());

async function configureWith(format) {
  if (format === "aws-exports.js") {
    Amplify.configure((await staged.import(format)).default, session.libraryOptions);
  } else if (format.endsWith(".json")) {
    Amplify.configure(staged.json(format), session.libraryOptions);
  } else {
    await (await staged.import(format)).configureAmplify(session.libraryOptions);
  }
  return Amplify.getConfig();
}

for (const format of FORMATS) {
  test(`${format}: the hosted UI and the REST APIs are on their custom domains`, async () => {
    const cfg = await configureWith(format);
    assert.equal(out.hostedUIDomain, "auth.dev.example.com", "the sample's HostedUIDomain");
    assert.equal(cfg.Auth?.Cognito?.loginWith?.oauth?.domain, out.hostedUIDomain);
    if (format === "amplify_outputs.json") {
      // amplify_outputs carries the REST APIs under custom.API, which amplify-js does not read.
      for (const name of APIS) {
        assert.equal(staged.json(format).custom.API[name].endpoint, trimSlash(out.need(`Domain${name[0].toUpperCase()}${name.slice(1)}Url`)));
      }
      return;
    }
    for (const name of APIS) {
      const want = trimSlash(out.need(`Domain${name[0].toUpperCase()}${name.slice(1)}Url`));
      assert.match(want, /^https:\/\/api\.dev\.example\.com\/(v1|admin)$/);
      assert.equal(cfg.API?.REST?.[name]?.endpoint, want, `${name} endpoint`);
      assert.notEqual(cfg.API.REST[name].endpoint, trimSlash(out.apiUrl(name)), "not the execute-api invoke URL");
    }
  });
}

test("amplify-config.ts: a REST call goes to the API's custom domain and base path, with the id token", async () => {
  await configureWith("amplify-config.ts");
  const seen = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, authorization: req.headers.get("authorization") });
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  try {
    const { body } = await get({ apiName: "shop", path: "/products" }).response;
    assert.deepEqual(await body.json(), { ok: true });
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(seen.length, 1);
  assert.equal(seen[0].url, "https://api.dev.example.com/v1/products");
  const payload = JSON.parse(Buffer.from(seen[0].authorization.split(".")[1], "base64url").toString("utf8"));
  assert.equal(payload.token_use, "id", "the shop API takes id tokens");
});
