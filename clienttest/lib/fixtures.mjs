// Inputs of the client test: the sample stack outputs (examples/<ex>/outputs.sample.json), the generated
// config files (emit/testdata/<ex>/, or $CLIENTTEST_CONFIG_DIR/<ex>/), and the synthesized IAM policy
// (stacks/testdata/<ex>.template.json).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const CLIENTTEST = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = resolve(CLIENTTEST, "..");

export const FORMATS = [
  "aws-exports.js",
  "amplifyconfiguration.json",
  "amplify_outputs.json",
  "amplify-config.ts",
  "amplify-config.js",
];

const upperFirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The sample outputs put every API of an example at http://127.0.0.1:<its port in examples.mjs>; the
 * loopback server listens on a free port instead. retarget points that origin of a text at the server:
 * it replaces http://127.0.0.1:<from>/ with http://127.0.0.1:<to>/ and counts the replacements.
 */
export function retarget(text, { from, to }) {
  const parts = text.split(`http://127.0.0.1:${from}/`);
  return { text: parts.join(`http://127.0.0.1:${to}/`), count: parts.length - 1 };
}

/**
 * The single stack of examples/<ex>/outputs.sample.json, with helpers for the keys of spec/outputs.go;
 * with ports ({ from, to }), its API URLs are retargeted at the loopback server.
 */
export function loadOutputs(example, ports) {
  const file = join(REPO, "examples", example, "outputs.sample.json");
  let text = readFileSync(file, "utf8");
  if (ports) text = retarget(text, ports).text;
  const all = JSON.parse(text);
  const stacks = Object.keys(all);
  if (stacks.length !== 1) throw new Error(`${file}: want exactly one stack, got ${stacks.join(", ")}`);
  const stack = stacks[0];
  const o = all[stack];
  const need = (k) => {
    if (typeof o[k] !== "string" || !o[k]) throw new Error(`${file}: stack ${stack} has no output ${k}`);
    return o[k];
  };
  return {
    file,
    stack,
    raw: o,
    need,
    region: need("Region"),
    userPoolId: need("UserPoolId"),
    userPoolClientId: need("UserPoolClientId"),
    identityPoolId: o.IdentityPoolId,
    hostedUIDomain: o.HostedUIDomain,
    apiUrl: (name) => need(`Api${upperFirst(name)}Url`),
    apiAuthorization: (name) => need(`Api${upperFirst(name)}Authorization`),
    bucketName: (name) => need(`Bucket${upperFirst(name)}Name`),
  };
}

/** Folder holding the generated files of one example. */
export function configDir(example) {
  const base = process.env.CLIENTTEST_CONFIG_DIR
    ? resolve(process.env.CLIENTTEST_CONFIG_DIR)
    : join(REPO, "emit", "testdata");
  return join(base, example);
}

/**
 * The generated modules import "aws-amplify", which only resolves from inside clienttest/ (its
 * node_modules). So the example's generated files are copied into clienttest/.work/<ex>-<pid>/ and
 * imported from there, changed only by retarget (ports): retargeted counts its replacements per file.
 */
export function stageConfig(example, ports) {
  const src = configDir(example);
  if (!existsSync(src)) throw new Error(`generated config folder missing: ${src}`);
  const dst = join(CLIENTTEST, ".work", `${example}-${process.pid}`);
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dst, { recursive: true });
  cpSync(src, dst, { recursive: true });
  const retargeted = {};
  for (const f of FORMATS) {
    const path = join(dst, f);
    if (!existsSync(path)) continue;
    const r = retarget(readFileSync(path, "utf8"), ports);
    writeFileSync(path, r.text);
    retargeted[f] = r.count;
  }
  return {
    src,
    dir: dst,
    retargeted,
    path: (f) => join(dst, f),
    text: (f) => readFileSync(join(dst, f), "utf8"),
    json: (f) => JSON.parse(readFileSync(join(dst, f), "utf8")),
    import: (f) => import(pathToFileURL(join(dst, f)).href),
    cleanup: () => rmSync(dst, { recursive: true, force: true }),
  };
}

const SUB = "${cognito-identity.amazonaws.com:sub}";

/** Flattens an IAM Resource value (string, Fn::Join, array of them) into {bucketRef, suffix} strings. */
function resourceStrings(r) {
  if (Array.isArray(r)) return r.flatMap(resourceStrings);
  if (typeof r === "string") return [{ bucketRef: null, suffix: r }];
  if (r && r["Fn::Join"]) {
    const [sep, parts] = r["Fn::Join"];
    let bucketRef = null;
    const text = parts
      .map((p) => {
        if (typeof p === "string") return p;
        if (p["Fn::GetAtt"]) { bucketRef = p["Fn::GetAtt"][0]; return ""; }
        if (p.Ref) { bucketRef = p.Ref; return ""; }
        return "";
      })
      .join(sep);
    return [{ bucketRef, suffix: text }];
  }
  return [];
}

/**
 * Every object-level grant in the template's IAM policies (policy resources and roles' inline
 * policies) whose Resource is scoped by the caller's identity id: [{ policy, roles, actions, bucketRef, prefix }] where prefix is the object-key pattern
 * (e.g. "protected/${cognito-identity.amazonaws.com:sub}/*").
 */
export function identityScopedGrants(example) {
  const file = join(REPO, "stacks", "testdata", `${example}.template.json`);
  const t = JSON.parse(readFileSync(file, "utf8"));
  const out = [];
  // Policy resources, and the inline policies of roles (a role's own grants: policy is then the role).
  const docs = [];
  for (const [id, res] of Object.entries(t.Resources ?? {})) {
    if (res.Type === "AWS::IAM::Policy" || res.Type === "AWS::IAM::ManagedPolicy") {
      docs.push({ policy: id, roles: (res.Properties.Roles ?? []).map((r) => r.Ref ?? r), doc: res.Properties?.PolicyDocument });
    } else if (res.Type === "AWS::IAM::Role") {
      for (const p of res.Properties?.Policies ?? []) docs.push({ policy: id, roles: [id], doc: p.PolicyDocument });
    }
  }
  for (const { policy, roles, doc } of docs) {
    for (const st of [].concat(doc?.Statement ?? [])) {
      if (st.Effect !== "Allow") continue;
      for (const { bucketRef, suffix } of resourceStrings(st.Resource)) {
        if (!suffix.includes(SUB)) continue;
        out.push({ policy, roles, actions: [].concat(st.Action), bucketRef, prefix: suffix.replace(/^\//, "") });
      }
    }
  }
  return { file, grants: out };
}

/** IAM string-like match (`*` any run, `?` any one character) after substituting the identity id. */
export function iamMatches(pattern, key, identityId) {
  const p = pattern.split(SUB).join(identityId);
  const re = new RegExp(
    "^" + p.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("") + "$",
    "s",
  );
  return re.test(key);
}
