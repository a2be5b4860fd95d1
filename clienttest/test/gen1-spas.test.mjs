// Real SPAs migrated from Amplify Gen 1 (importer/amplify/testdata/spa): the aws-exports.js each
// repository committed, and the files underhood config wrote for it after the import (generated/). The
// real amplify-js turns each into its ResourcesConfig, exactly as Amplify.configure does; whatever the
// original configures must be configured the same from the generated aws-exports.js, and from the
// generated amplify_outputs.json for the categories amplify_outputs carries (Auth, API.GraphQL,
// Storage, Analytics; REST APIs travel in the amplify-config module instead, as amplify-js ignores
// custom.API).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseAmplifyConfig } from "@aws-amplify/core/internals/utils";

import { CLIENTTEST, REPO } from "../lib/fixtures.mjs";

const SPA = join(REPO, "importer", "amplify", "testdata", "spa");
const WORK = join(CLIENTTEST, ".work", "spa");

// aws-exports.js is an ES module; outside this package Node would read it as CommonJS, so each file is
// copied unchanged to a .mjs name and imported from there.
async function importExports(project, rel) {
  const dst = join(WORK, project, rel.replaceAll("/", "_").replace(/\.js$/, ".mjs"));
  mkdirSync(join(WORK, project), { recursive: true });
  cpSync(join(SPA, project, rel), dst);
  return (await import(pathToFileURL(dst).href)).default;
}

// covers lists every leaf of want that got lacks or holds differently, by path.
function covers(want, got, path, problems, skip) {
  if (skip(path, want, got)) return problems;
  if (want !== null && typeof want === "object" && !Array.isArray(want)) {
    if (got === null || typeof got !== "object" || Array.isArray(got)) {
      problems.push(`${path}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      return problems;
    }
    for (const k of Object.keys(want)) covers(want[k], got[k], `${path}.${k}`, problems, skip);
    return problems;
  }
  try {
    assert.deepEqual(got, want);
  } catch {
    problems.push(`${path}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return problems;
}

// The differences that configure the same behavior, and why:
// - MFA types when MFA is off (the Go test allows it too): amplify-cli's default ["SMS"] means nothing.
// - allowGuestAccess: amplify_outputs sets it only when true, and amplify-js' credentials provider
//   reads a missing value as false (`!allowGuestAccess`); without an identity pool nobody gets
//   credentials, guest or not.
let mfaStatus, identityPool;
const sameBehavior = (path, want, got) =>
  (/^\.Auth\.Cognito\.mfa\.(smsEnabled|totpEnabled)$/.test(path) && mfaStatus === "off") ||
  (path === ".Auth.Cognito.allowGuestAccess" && (!identityPool || (want === false && got === undefined)));

// withAdded is the original aws-exports object plus the keys the generated one has and the original
// lacks: the measure is that no key of the original goes or changes meaning, and keys an
// older amplify-cli did not write (username attributes, MFA, ...) may be added. Parsing both through
// amplify-js then compares what the original's own keys configure.
const withAdded = (original, generated) => {
  const out = { ...original };
  for (const [k, v] of Object.entries(generated)) if (!(k in out)) out[k] = v;
  return out;
};
const projects = existsSync(SPA)
  ? readdirSync(SPA, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : [];

test("the real SPA fixtures are there", () => {
  assert.ok(projects.length >= 5, `want at least 5 fixtures in ${SPA}, found ${projects.length}`);
});

for (const project of projects) {
  test(project, async () => {
    const genExports = await importExports(project, "generated/aws-exports.js");
    const original = parseAmplifyConfig(withAdded(await importExports(project, "aws-exports.js"), genExports));
    mfaStatus = original.Auth?.Cognito?.mfa?.status;
    identityPool = original.Auth?.Cognito?.identityPoolId;
    const generated = parseAmplifyConfig(genExports);
    const outputs = parseAmplifyConfig(
      JSON.parse(readFileSync(join(SPA, project, "generated", "amplify_outputs.json"), "utf8")),
    );
    assert.ok(original.Auth?.Cognito?.userPoolId, "the original configures a user pool");

    const fromExports = covers(original, generated, "", [], sameBehavior);
    assert.deepEqual(fromExports, [], `generated aws-exports.js configures differently:\n${fromExports.join("\n")}`);

    const carried = {};
    for (const k of ["Auth", "Storage", "Analytics"]) if (original[k]) carried[k] = original[k];
    if (original.API?.GraphQL) carried.API = { GraphQL: original.API.GraphQL };
    const fromOutputs = covers(carried, outputs, "", [], sameBehavior);
    assert.deepEqual(fromOutputs, [], `generated amplify_outputs.json configures differently:\n${fromOutputs.join("\n")}`);
  });
}
