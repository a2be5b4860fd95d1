// Renders Mermaid diagrams with the real Mermaid browser bundle in Debian's headless Chromium, with no
// network: the bundle is injected from node_modules into about:blank, and Chromium is started with every
// background service off and a host resolver that resolves nothing.
import { mkdtemp, rm, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const mermaidBundle = path.join(here, "node_modules", "mermaid", "dist", "mermaid.min.js");
export const goldenDir = path.join(here, "..", "explain", "testdata");
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// The launch flags the project requires, one argv entry each (no shell quoting).
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

// mermaidBlocks returns the body of every ```mermaid fence in a Markdown text, with its line number.
export function mermaidBlocks(markdown) {
  const out = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```mermaid") continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j] !== "```") j++;
    if (j === lines.length) throw new Error(`unclosed mermaid fence at line ${i + 1}`);
    out.push({ line: start + 1, source: lines.slice(start, j).join("\n") + "\n" });
    i = j;
  }
  return out;
}

// goldenFiles lists explain/testdata/*.md, sorted.
export async function goldenFiles() {
  return (await readdir(goldenDir)).filter((f) => f.endsWith(".md")).sort().map((f) => path.join(goldenDir, f));
}

// Renderer owns one browser with one page that has Mermaid loaded; render() turns source into SVG or throws.
export class Renderer {
  static async start() {
    const r = new Renderer();
    r.profile = await mkdtemp(path.join(tmpdir(), "underhood-mermaid-profile-"));
    // launchPersistentContext is Playwright's way to give Chromium a user-data-dir: a fresh one each run.
    r.context = await chromium.launchPersistentContext(r.profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      offline: true,
    });
    r.requests = [];
    r.context.on("request", (req) => r.requests.push(req.url()));
    r.page = r.context.pages()[0] || (await r.context.newPage());
    r.consoleErrors = [];
    r.page.on("pageerror", (err) => r.consoleErrors.push(String(err)));
    await r.page.goto("about:blank");
    await r.page.addScriptTag({ content: await readFile(mermaidBundle, "utf8") });
    r.version = await r.page.evaluate(() => {
      // strict: no HTML from labels runs as script; startOnLoad off: we render explicitly.
      globalThis.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
      return globalThis.mermaid.version ?? "unknown";
    });
    r.n = 0;
    return r;
  }

  async render(source) {
    const id = `d${++this.n}`;
    return this.page.evaluate(
      async ({ id, source }) => {
        // parse throws a Mermaid syntax error; render would too, but parse gives the clearer message.
        await globalThis.mermaid.parse(source);
        const { svg } = await globalThis.mermaid.render(id, source);
        return svg;
      },
      { id, source },
    );
  }

  async close() {
    await this.context?.close();
    if (this.profile) await rm(this.profile, { recursive: true, force: true });
  }
}
