// Minifies the package's JavaScript in place (terser: ES modules, compressed and mangled;
// export names kept), each with a source map holding the readable source, for pkg-web/: the
// build a page loads as it is, without a bundler to minify it (as MQTT.js's mqtt.min.js).
//   node scripts/minify.mjs FILE...
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { minify } from "terser";

for (const file of process.argv.slice(2)) {
  const name = path.basename(file);
  const source = readFileSync(file, "utf8");
  const out = await minify(
    { [name]: source },
    {
      module: true,
      ecma: 2020,
      compress: { passes: 2 },
      mangle: true,
      format: { comments: false },
      sourceMap: { url: `${name}.map`, includeSources: true },
    },
  );
  writeFileSync(file, out.code);
  writeFileSync(`${file}.map`, out.map);
}
