// The package entry without a bundler, for `<script type="module">`: instantiates the wasm
// module (fetched next to this file) before anything is exported, so importers need no glue.
//   import { connect, connectAsync, MqttClient, Paho } from "./pkg-web/index.js";
// `init` is exported for those who want to pass the module or its URL themselves (calling it
// again is harmless).
import init from "./wasmqtt.js";
import { Client, connect, connectAsync, MqttClient, mqtt } from "./client.js";
import { Paho } from "./paho.js";

await init();

export { Client, connect, connectAsync, MqttClient, mqtt, Paho, init };
export { initSync } from "./wasmqtt.js";
export default mqtt;
