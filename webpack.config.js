// Bundles the demo page: www/main.js (+ the wasm package in pkg/) -> www/dist, with
// www/index.html and www/style.css copied beside it. `npm start` builds pkg/ first
// (scripts/build.sh), then runs this.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const STATIC = ["index.html", "style.css"].map((f) => path.join(here, "www", f));

// Copies the static files into the output, so no HTML or CSS plugin dependency is needed.
class EmitStatic {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap("EmitStatic", (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: "EmitStatic", stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          for (const file of STATIC) {
            compilation.fileDependencies.add(file);
            compilation.emitAsset(path.basename(file), new sources.RawSource(fs.readFileSync(file)));
          }
        },
      );
    });
  }
}

export default {
  mode: "production",
  entry: "./www/main.js",
  output: {
    path: path.join(here, "www", "dist"),
    filename: "main.js",
    webassemblyModuleFilename: "[hash].wasm",
    clean: true,
  },
  resolve: {
    // `import { connect } from "wasmqtt"` resolves to pkg/ through its package.json, as it
    // would after `npm install ./pkg`.
    alias: { wasmqtt: path.join(here, "pkg") },
  },
  experiments: { asyncWebAssembly: true },
  // The .wasm is the point of the page; its size is reported by scripts/build.sh instead.
  performance: { hints: false },
  plugins: [new EmitStatic()],
};
