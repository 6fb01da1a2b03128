// Interop through mosquitto (apt, 2.0.x) in MQTT 5.0, with properties: see interop-suite.mjs.
import { startMosquitto } from "./harness.mjs";
import { interopSuite } from "./interop-suite.mjs";

interopSuite({
  name: "mosquitto 5.0",
  protocolVersion: 5,
  startBroker: () => startMosquitto(),
});
