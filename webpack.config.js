// Bundles the demo page: www/index.js (+ the wasm package in pkg/) -> www/dist.
// `npm start` builds pkg/ first (scripts/build.sh), then runs this.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const htmlTemplate = path.join(here, "www", "index.html");

// Copies www/index.html into the output, so no HTML plugin dependency is needed.
class EmitIndexHtml {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap("EmitIndexHtml", (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: "EmitIndexHtml", stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          compilation.fileDependencies.add(htmlTemplate);
          compilation.emitAsset("index.html", new sources.RawSource(fs.readFileSync(htmlTemplate)));
        },
      );
    });
  }
}

export default {
  mode: "production",
  entry: "./www/index.js",
  output: {
    path: path.join(here, "www", "dist"),
    filename: "index.js",
    webassemblyModuleFilename: "[hash].wasm",
    clean: true,
  },
  resolve: {
    alias: { wasmqtt$: path.join(here, "pkg", "wasmqtt.js") },
  },
  experiments: { asyncWebAssembly: true },
  // The .wasm is the point of the page; its size is reported by scripts/build.sh instead.
  performance: { hints: false },
  plugins: [new EmitIndexHtml()],
};
