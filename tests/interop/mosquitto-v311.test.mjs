// Interop through mosquitto (apt, 2.0.x) in MQTT 3.1.1: see interop-suite.mjs.
import { startMosquitto } from "./harness.mjs";
import { interopSuite } from "./interop-suite.mjs";

interopSuite({
  name: "mosquitto 3.1.1",
  protocolVersion: 4,
  startBroker: () => startMosquitto(),
});
