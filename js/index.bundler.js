// The package entry for bundlers (webpack 5 with `experiments.asyncWebAssembly`, Vite with a
// wasm plugin...): the bundler instantiates the wasm module, nothing to initialise here.
//   import { connect, connectAsync, MqttClient, Paho } from "wasmqtt";
//   import mqtt from "wasmqtt";   // mqtt.connect(url, options), as with MQTT.js
import { Client, connect, connectAsync, MqttClient, mqtt } from "./client.js";
import { Paho } from "./paho.js";

export { Client, connect, connectAsync, MqttClient, mqtt, Paho };
export default mqtt;
