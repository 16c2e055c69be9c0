// Writes the licence notices of every package installed in ui/node_modules (the YASGUI bundle
// and what it bundles) to the file named by argv[2]. Run by .ci/build-ui; reads only local files.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

function person(p) {
  return typeof p === "string" ? p : [p.name, p.email && `<${p.email}>`].filter(Boolean).join(" ");
}

const sections = [];
const paths = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/")).sort();
for (const path of paths) {
  const dir = join(here, path);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licence = typeof meta.license === "string" ? meta.license : JSON.stringify(meta.license ?? "UNKNOWN");
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort();
  let text = files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
  if (!text) {
    const who = [meta.author, ...(meta.contributors ?? [])].filter(Boolean).map(person).join(", ");
    text = licence === "MIT"
      ? `(The package declares "license": "MIT" and ships no licence text. Authors: ${who || "see the package"}.)\n\n${MIT}`
      : `(The package declares "license": ${JSON.stringify(licence)} and ships no licence text.)`;
  }
  const home = meta.homepage || meta.repository?.url || meta.repository || "";
  sections.push(`${meta.name}@${meta.version}  (${licence})${home ? "  " + home : ""}\n\n${text}`);
}
const head = `Third-party software in this directory: the YASGUI SPARQL editor (@zazuko/yasgui) and the
packages installed with it (${sections.length}), as pinned in ui/package-lock.json. Written by .ci/build-ui.`;
writeFileSync(process.argv[2], head + "\n\n" + sections.map((s) => "=".repeat(78) + "\n" + s).join("\n\n") + "\n");
