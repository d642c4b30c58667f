// After `vite build`: checks the first-load JavaScript budget and writes pre-compressed copies
// (.br, .gz) of the assets, which the gateway serves to browsers that accept them.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const BUDGET_BYTES = 250 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");

// The JavaScript a first visit loads: the entry script and the chunks it preloads.
const firstLoad = [
  ...html.matchAll(
    /<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g,
  ),
].map((m) => m[1]);
let total = 0;
for (const file of firstLoad) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  console.log(`first load: ${file} ${(size / 1024).toFixed(1)} KB gzip`);
}
console.log(
  `first-load JavaScript: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`,
);
if (!firstLoad.length || total > BUDGET_BYTES) {
  console.error(
    firstLoad.length ? "Over the first-load budget." : "No entry script found in index.html.",
  );
  process.exit(1);
}

// The gateway serves only the copies listed in assets/precompressed.txt, so a request for a name
// that does not exist never reaches its class loader.
const listed = [];
for (const name of readdirSync(join(dist, "assets"))) {
  if (!/\.(js|css|svg|json|ttf|html)$/.test(name)) continue;
  const path = join(dist, "assets", name);
  const bytes = readFileSync(path);
  if (bytes.length < 1024) continue;
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
  );
  listed.push(`${name}.gz`, `${name}.br`);
}
writeFileSync(join(dist, "assets", "precompressed.txt"), listed.join("\n") + "\n");
console.log(`pre-compressed ${listed.length / 2} assets (.br, .gz)`);
