// Every Mermaid diagram in the explain golden files (explain/testdata/*.md) must render with the real
// Mermaid library: a Mermaid parse or render error fails the test. Run: node --test (see ../scripts/render-test).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { Renderer, goldenFiles, mermaidBlocks } from "./render.mjs";

let r;
before(async () => {
  r = await Renderer.start();
});
after(async () => {
  await r?.close();
});

// MERMAID_SVG_DIR, when set, keeps the SVGs for a look by eye.
const svgDir = process.env.MERMAID_SVG_DIR;

test("every golden explain file's diagrams render to SVG", async (t) => {
  const files = await goldenFiles();
  assert.ok(files.length >= 3, `expected a golden file per example in explain/testdata, found ${files.length}`);
  let total = 0;
  for (const file of files) {
    const md = await readFile(file, "utf8");
    const blocks = mermaidBlocks(md);
    // Each explanation has the architecture flowchart, and one with a section on the life of
    // authentication and authorization (a spec with auth or APIs) has at least one sequence diagram too.
    const wantBlocks = md.includes("\n## The life of authentication and authorization") ? 2 : 1;
    assert.ok(blocks.length >= wantBlocks, `${path.basename(file)}: only ${blocks.length} mermaid blocks, want ${wantBlocks}`);
    assert.match(blocks[0].source, /^flowchart /, `${path.basename(file)}: first diagram is not the flowchart`);
    for (const b of blocks) {
      const where = `${path.relative(process.cwd(), file)}:${b.line}`;
      await t.test(where, async () => {
        let svg;
        try {
          svg = await r.render(b.source);
        } catch (err) {
          assert.fail(`${where}: Mermaid could not render the diagram: ${err.message}\n${b.source}`);
        }
        assert.match(svg, /^<svg[\s>]/, `${where}: not an SVG`);
        // Mermaid draws an error picture instead of throwing in some versions; refuse it too.
        assert.doesNotMatch(svg, /Syntax error in text|aria-roledescription="error"/, `${where}: Mermaid rendered an error diagram`);
        const kind = b.source.startsWith("sequenceDiagram") ? "sequence" : "flowchart-v2";
        assert.match(svg, new RegExp(`aria-roledescription="${kind}"`), `${where}: not a ${kind} diagram`);
        if (svgDir) {
          await mkdir(svgDir, { recursive: true });
          await writeFile(path.join(svgDir, `${path.basename(file, ".md")}-${b.line}.svg`), svg);
        }
      });
      total++;
    }
  }
  assert.ok(total > 0);
});

test("a broken diagram fails", async () => {
  for (const broken of [
    "flowchart LR\n  a -->|\"unclosed label| b\n",
    "sequenceDiagram\n  A->>: no target\n",
    "sequenceDiagram\n  alt never closed\n  A->>B: hi\n",
  ]) {
    await assert.rejects(r.render(broken), (err) => /Parse error|Syntax error|Lexical error|Expecting|error/i.test(err.message), `rendered without error:\n${broken}`);
  }
});

test("extraction finds fenced mermaid blocks only", () => {
  const md = "# t\n```mermaid\nflowchart LR\n  a --> b\n```\n```go\nx\n```\n```mermaid\nsequenceDiagram\n  A->>B: hi\n```\n";
  const blocks = mermaidBlocks(md);
  assert.deepEqual(blocks.map((b) => b.line), [3, 10]);
  assert.equal(blocks[0].source, "flowchart LR\n  a --> b\n");
});

test("Chromium made no network request", () => {
  // about:blank and data: are local; anything else means a diagram or Mermaid tried to fetch something.
  const remote = r.requests.filter((u) => !u.startsWith("about:") && !u.startsWith("data:"));
  assert.deepEqual(remote, []);
});
