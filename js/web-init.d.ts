
// ---------------------------------------------------------------------------------------------
// Web target only (pkg-web): index.js has already instantiated the wasm module when an import
// of it resolves. `init` is there to pass the module or its URL yourself; calling it again is
// harmless. (build.sh appends this block to the web package's index.d.ts.)
// ---------------------------------------------------------------------------------------------

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
