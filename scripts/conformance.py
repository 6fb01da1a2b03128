#!/usr/bin/env python3
"""Generates docs/CONFORMANCE.md: every MQTT 5.0 normative statement that binds a client, with
the tests that show it, or why it does not apply or is not done.

The statements come from the JSON list (id + text). Each id is classified below, by hand,
as binding the client (CLIENT: "Client", "Client or Server", or a sender/receiver rule
that applies to the client side), as a well-formedness rule of the packets both sides write
and read (WIRE: the codec's), or as binding only the server (SERVER_ONLY). An id of the JSON
that is in none of the three sets is reported as unclassified, so nothing is missed.

Tests are found by reading tests/**/*.rs: a test cites a statement by its name
(`..._mqtt_4_4_0_1`, `..._mqtt_4_3_3_1_to_mqtt_4_3_3_5` for a range) or by `[MQTT-x.y.z-n]`
in its doc comment or body. Citations of MQTT 3.1.1 numbers ("[MQTT-3.1.2-22] of 3.1.1",
"MQTT 3.1.1 [MQTT-3.1.3-7]") are skipped. A file with a single test (a property test)
gives it the citations of its module documentation too.

With --results, the output of `cargo test` runs (any number of files) gives each test its
outcome: a statement whose tests fail is shown as failing (an engine bug).

Usage:
    cargo test --no-fail-fast --test session --test session_model [--test codec_...] \
        > /tmp/results.txt 2>&1
    python3 scripts/conformance.py --results /tmp/results.txt > docs/CONFORMANCE.md
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = Path("/work/shared/spec/mqtt5-normative-statements.json")


def ids(*specs):
    """Expands "3.1.2-11..13" into MQTT-3.1.2-11, -12, -13."""
    out = set()
    for s in specs:
        m = re.fullmatch(r"(\d+\.\d+\.\d+)-(\d+)(?:\.\.(\d+))?", s)
        assert m, s
        lo = int(m.group(2))
        hi = int(m.group(3) or lo)
        for n in range(lo, hi + 1):
            out.add(f"MQTT-{m.group(1)}-{n}")
    return out


# Rules on the shape of packets, checked by the codec on what it encodes and what it decodes.
WIRE = ids(
    "1.5.4-1..3", "1.5.5-1", "1.5.7-1", "2.1.3-1", "2.2.1-2", "2.2.2-1",
    "3.1.2-1", "3.1.2-9", "3.1.2-11..13", "3.1.2-16..19",
    "3.1.3-1", "3.1.3-3", "3.1.3-4", "3.1.3-11", "3.1.3-12",
    "3.2.2-1", "3.3.1-2", "3.3.1-4", "3.3.2-1", "3.3.2-2", "3.3.2-13", "3.3.2-14", "3.3.2-19",
    "3.6.1-1", "3.8.1-1", "3.8.3-1", "3.8.3-2", "3.8.3-4", "3.10.1-1", "3.10.3-1", "3.10.3-2",
    "4.7.0-1", "4.7.1-1", "4.7.1-2", "4.7.3-1..3", "4.8.2-1", "4.8.2-2",
)

# What the client must do (or, for "Client or Server" and sender/receiver rules, what the
# client side must do).
CLIENT = ids(
    "2.2.1-3", "2.2.1-5", "3.1.0-1",
    "3.1.2-4", "3.1.2-20", "3.1.2-21", "3.1.2-23", "3.1.2-30", "3.1.3-2",
    "3.2.2-4", "3.2.2-5", "3.2.2-11", "3.2.2-14", "3.2.2-15", "3.2.2-17", "3.2.2-18",
    "3.2.2-21",
    "3.3.1-1", "3.3.1-3", "3.3.2-7..10", "3.3.4-1", "3.3.4-6..8",
    "3.4.2-1..3", "3.5.2-1..3", "3.6.2-1..3", "3.7.2-1..3",
    "3.14.1-1", "3.14.2-1", "3.14.2-3", "3.14.2-4", "3.14.4-1", "3.14.4-2",
    "3.15.1-1", "3.15.2-1..3",
    "4.1.0-1", "4.2.0-1", "4.3.1-1", "4.3.2-1..5", "4.3.3-1..13", "4.4.0-1", "4.4.0-2",
    "4.5.0-2", "4.6.0-1..4", "4.9.0-1..3",
    "4.12.0-3", "4.12.0-5", "4.12.0-7", "4.12.1-1", "4.12.1-2", "4.13.2-1",
    "6.0.0-1..3",
)

SERVER_ONLY = ids(
    "2.2.1-4", "2.2.1-6", "3.1.0-2",
    "3.1.2-2", "3.1.2-3", "3.1.2-5..8", "3.1.2-10", "3.1.2-14", "3.1.2-15", "3.1.2-22",
    "3.1.2-24..29", "3.1.3-5..10", "3.1.4-1..6", "3.2.0-1", "3.2.0-2",
    "3.2.2-2", "3.2.2-3", "3.2.2-6..10", "3.2.2-12", "3.2.2-13", "3.2.2-16", "3.2.2-19",
    "3.2.2-20", "3.2.2-22",
    "3.3.1-5..13", "3.3.2-3..6", "3.3.2-11", "3.3.2-12", "3.3.2-15..18", "3.3.2-20",
    "3.3.4-2..5", "3.3.4-9", "3.3.4-10",
    "3.8.3-3", "3.8.3-5", "3.8.4-1..8", "3.9.2-1", "3.9.2-2", "3.9.3-1", "3.9.3-2",
    "3.10.4-1..6", "3.11.2-1", "3.11.2-2", "3.11.3-1", "3.11.3-2", "3.12.4-1",
    "3.14.0-1", "3.14.2-2", "3.14.4-3", "4.1.0-2", "4.5.0-1", "4.6.0-5", "4.6.0-6",
    "4.7.2-1", "4.7.3-4", "4.8.2-3..6", "4.12.0-1", "4.12.0-2", "4.12.0-4", "4.12.0-6",
    "4.13.1-1", "6.0.0-4",
)

# ("na", text): does not apply to this client; ("note", text): how the engine meets it, or
# what its failing test shows.
NOTES = {
    "MQTT-3.1.2-4": ("note", "Clean Start 1 starts a new session. What the client held is not "
                     "silently dropped: publishes not yet acknowledged go out again as new "
                     "messages (DUP 0), QoS 2 past PUBREC count as delivered, incoming QoS 2 "
                     "state is forgotten, and the application is told "
                     "(`Event::SessionNotResumed`)."),
    "MQTT-3.1.2-23": ("note", "The session state lives as long as the `Session` value (memory "
                      "only: nothing is persisted across page loads)."),
    "MQTT-3.1.2-30": ("note", 'A PUBREC or PUBACK the application releases (Backpressure) waits for CONNACK; `Session::auth` is the only packet besides CONNECT before it.'),
    "MQTT-3.2.2-4": ("note", "Implemented as Session Present 1 in answer to Clean Start 1. With "
                     "Clean Start 0 and nothing stored (a fresh page), Session Present 1 is "
                     "taken as resuming an empty session."),
    "MQTT-3.2.2-5": ("note", "Incoming QoS 2 state discarded, QoS 2 past PUBREC taken as "
                     "delivered; unacknowledged publishes are republished as new messages and "
                     "the application is told."),
    "MQTT-3.2.2-11": ("note", "Checked when a publish is accepted and again whenever it is sent, so a message in flight meets a new CONNACK's Maximum QoS when republished."),
    "MQTT-3.2.2-15": ("note", "Every packet a session test reads is checked against the server's maximum. An automatic topic alias that would push a fitting publish over it is dropped."),
    "MQTT-3.2.2-17": ("note", 'Automatic aliases stay within the maximum; an application-set alias above it is refused (`SessionError::TopicAliasNotAllowed`).'),
    "MQTT-3.2.2-18": ("note", 'No alias at all, automatic or application-set, when the server allows none.'),
    "MQTT-3.3.2-9": ("note", 'Automatic aliases stay within the maximum; application-set aliases are checked and recorded, so they never corrupt the automatic ones.'),
    "MQTT-3.3.4-8": ("note", 'SUBSCRIBE and UNSUBSCRIBE queued behind a publish waiting for send quota go out at once.'),
    "MQTT-3.4.2-2": ("na", "The client's PUBACK never carries properties (no Reason String, no "
                     "User Property): it cannot grow past the server's maximum."),
    "MQTT-3.4.2-3": ("na", "As MQTT-3.4.2-2."),
    "MQTT-3.5.2-2": ("na", "The client's PUBREC never carries properties."),
    "MQTT-3.5.2-3": ("na", "As MQTT-3.5.2-2."),
    "MQTT-3.6.2-2": ("na", "The client's PUBREL never carries properties."),
    "MQTT-3.6.2-3": ("na", "As MQTT-3.6.2-2."),
    "MQTT-3.7.2-2": ("na", "The client's PUBCOMP never carries properties."),
    "MQTT-3.7.2-3": ("na", "As MQTT-3.7.2-2."),
    "MQTT-4.2.0-1": ("note", "The transport is the web shell's WebSocket (src/web/socket.rs); "
                     "the session consumes an ordered byte stream in any split."),
    "MQTT-4.3.3-7": ("na", "The client applies no Message Expiry of its own, to publishes sent "
                     "or received."),
    "MQTT-4.3.3-9": ("na", "The client never sends a PUBREC with a reason code of 0x80 or "
                     "above."),
    "MQTT-4.3.3-13": ("na", "The client applies no Message Expiry: the QoS 2 exchange always "
                      "completes."),
    "MQTT-4.9.0-1": ("note", "Send quota = min(server Receive Maximum, `max_inflight`), at "
                     "least 1."),
    "MQTT-4.12.0-3": ("note", '`Session::auth` accepts 0x18 (and 0x19 once connected) only.'),
    "MQTT-4.12.0-5": ("note", "`Session::auth` supplies the CONNECT's Authentication Method and refuses another."),
    "MQTT-4.12.0-7": ("note", '`Session::auth` refuses when CONNECT had no Authentication Method.'),
    "MQTT-4.12.1-1": ("note", "Re-authentication (0x19) once connected, with the CONNECT's method."),
    "MQTT-6.0.0-1": ("note", "Web shell: src/web/socket.rs sends and expects binary frames "
                     "(binaryType arraybuffer); a text frame is an error (src/web/errors.rs). "
                     "No native test; the browser tests (tests/browser_client.rs) run it "
                     "against mosquitto."),
    "MQTT-6.0.0-3": ("note", "Web shell: src/web/options.rs offers the \"mqtt\" subprotocol "
                     "(\"mqttv3.1\" for MQTT 3.1). No native test; the browser tests connect "
                     "to mosquitto with it."),
}

# Tests that check many invariants at once (the model-based property test): shown with the
# statements they cite, but a statement's status comes from its dedicated tests when it has
# any, since such a test fails as a whole on whichever invariant breaks first.
MULTI = {"tests/session_model.rs::session_invariants_hold_under_random_interleavings"}

ID_RE = re.compile(r"\[?MQTT-(\d+\.\d+\.\d+-\d+)\]?")
NAME_RE = re.compile(r"mqtt_(\d+)_(\d+)_(\d+)_(\d+)")


def strip_strings_and_comments(line):
    """The line with string literals, char literals and // comments blanked (for braces)."""
    out = []
    i = 0
    in_str = False
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
            i += 1
            continue
        if c == '"':
            in_str = True
        elif line.startswith("//", i):
            break
        elif c == "'" and i + 2 < len(line) and line[i + 2] == "'":
            i += 3
            continue
        elif c == "'" and line.startswith("'\\", i):
            j = line.find("'", i + 2)
            i = j + 1 if j > 0 else i + 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def cited_in_text(text):
    """Statement ids cited in `text`, without those given in MQTT 3.1.1 numbering."""
    found = set()
    for m in ID_RE.finditer(text):
        before = text[max(0, m.start() - 14):m.start()]
        after = text[m.end():m.end() + 12]
        if "3.1.1" in before or "of 3.1.1" in after:
            continue
        found.add("MQTT-" + m.group(1))
    return found


def cited_in_name(name):
    found = set()
    matches = list(NAME_RE.finditer(name))
    for i, m in enumerate(matches):
        a, b, c, d = m.groups()
        found.add(f"MQTT-{a}.{b}.{c}-{d}")
        if i + 1 < len(matches):
            n = matches[i + 1]
            between = name[m.end():n.start()]
            if between == "_to_" and n.groups()[:3] == (a, b, c):
                for k in range(int(d), int(n.group(4)) + 1):
                    found.add(f"MQTT-{a}.{b}.{c}-{k}")
    return found


def tests_in(path):
    """[(test name, set of cited ids)] for each #[test] function of a file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tests = []
    i = 0
    while i < len(lines):
        if re.match(r"\s*#\[(wasm_bindgen_)?test\]", lines[i]):
            # The doc comment and attributes above.
            start = i
            while start > 0 and re.match(r"\s*(///|#\[|//)", lines[start - 1]):
                start -= 1
            j = i
            while j < len(lines) and not re.match(r"\s*(pub\s+)?(async\s+)?fn\s+\w+", lines[j]):
                j += 1
            if j == len(lines):
                break
            name = re.search(r"fn\s+(\w+)", lines[j]).group(1)
            # The body: braces balanced from the fn line.
            depth = 0
            k = j
            opened = False
            while k < len(lines):
                code = strip_strings_and_comments(lines[k])
                depth += code.count("{") - code.count("}")
                opened = opened or "{" in code
                if opened and depth <= 0:
                    break
                k += 1
            text = "\n".join(lines[start:k + 1])
            tests.append((name, cited_in_text(text) | cited_in_name(name)))
            i = k + 1
            continue
        i += 1
    if len(tests) == 1:
        header = []
        for line in lines:
            if line.startswith("//!"):
                header.append(line)
            elif line.strip():
                break
        name, cited = tests[0]
        tests[0] = (name, cited | cited_in_text("\n".join(header)))
    return tests


def test_key(path):
    """(cargo target file, module prefix) for a test file."""
    rel = path.relative_to(ROOT)
    parts = rel.parts
    if len(parts) == 3 and (ROOT / parts[0] / parts[1] / "main.rs").exists():
        target = f"{parts[0]}/{parts[1]}/main.rs"
        module = "" if parts[2] == "main.rs" else Path(parts[2]).stem + "::"
        return target, module
    return str(rel), ""


def read_results(files):
    """{(target file, test path): "ok" | "FAILED" | "ignored"} from `cargo test` outputs."""
    results = {}
    for f in files:
        target = None
        for line in Path(f).read_text(encoding="utf-8", errors="replace").splitlines():
            m = re.search(r"Running (tests/\S+\.rs)", line)
            if m:
                target = m.group(1)
                continue
            m = re.match(r"test (\S+) \.\.\. (ok|FAILED|ignored)", line)
            if m and target:
                results[(target, m.group(1))] = m.group(2)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("--results", action="append", default=[],
                    help="output of a `cargo test` run (repeatable)")
    args = ap.parse_args()

    statements = json.loads(args.spec.read_text(encoding="utf-8"))
    all_ids = [s["id"] for s in statements]
    text_of = {s["id"]: s["text"] for s in statements}
    known = set(all_ids)
    for a, b in [(WIRE, CLIENT), (WIRE, SERVER_ONLY), (CLIENT, SERVER_ONLY)]:
        overlap = a & b
        assert not overlap, f"classified twice: {sorted(overlap)}"
    stray = (WIRE | CLIENT | SERVER_ONLY) - known
    assert not stray, f"classified but not in the JSON: {sorted(stray)}"
    unclassified = [i for i in all_ids if i not in WIRE | CLIENT | SERVER_ONLY]

    results = read_results(args.results)
    cites = {}  # id -> [(display name, outcome)]
    for path in sorted((ROOT / "tests").rglob("*.rs")):
        target, module = test_key(path)
        rel = path.relative_to(ROOT)
        for name, cited in tests_in(path):
            outcome = results.get((target, module + name))
            for i in cited:
                cites.setdefault(i, []).append((f"{rel}::{name}", outcome))

    def status(i):
        tests = cites.get(i, [])
        dedicated = [t for t in tests if t[0] not in MULTI]
        tests = dedicated or tests
        kind, note = NOTES.get(i, (None, ""))
        if tests:
            outcomes = {o for _, o in tests}
            if "FAILED" in outcomes:
                return "fail", note
            if outcomes <= {"ok"}:
                return "pass", note
            return "tested", note
        if kind == "na":
            return "na", note
        return "none", note

    label = {
        "pass": "✅ tested, passes",
        "fail": "❌ tested, FAILS (engine bug)",
        "tested": "tested (not run here)",
        "na": "n/a",
        "none": "⚠️ no test",
    }

    def row(i):
        st, note = status(i)
        tests = cites.get(i, [])
        shown = []
        for name, outcome in sorted(tests):
            mark = {"ok": "", "FAILED": " ❌", None: " (not run)", "ignored": " (ignored)"}[outcome]
            if name in MULTI:
                mark += " (property test: all its invariants in one outcome)"
            shown.append(f"`{name}`{mark}")
        text = text_of[i].replace("|", "\\|")
        cell = "<br>".join(shown) if shown else "—"
        return f"| {i} | {text} | {cell} | {label[st]}{'. ' + note if note else ''} |"

    out = []
    w = out.append
    w("# MQTT 5.0 conformance of the client")
    w("")
    w("Generated by `scripts/conformance.py` from the normative statements of MQTT 5.0 "
      "(`mqtt5-normative-statements.json`) and the tests under `tests/`; do not edit by hand.")
    w("")
    w("Each statement that binds a client, or the client side of a \"Client or Server\" or "
      "sender/receiver rule, is listed with the tests that cite it (by name, "
      "`..._mqtt_4_4_0_1`, or as `[MQTT-4.4.0-1]` in the test), and the outcome of the last "
      "recorded run: a failing test is an engine bug the test shows (kept, not ignored). "
      "Statements on the well-formedness of packets are mostly shown by the codec tests "
      "(`tests/codec_*.rs`); the session tests show the behaviour (`tests/session/`, "
      "`tests/session_model.rs`). The property test checks many invariants at once and "
      "fails as a whole on the first that breaks; a statement's status comes from its "
      "dedicated tests when it has any. Statements that bind only the server are listed at "
      "the end.")
    w("")

    groups = [("Client", [i for i in all_ids if i in CLIENT]),
              ("Well-formed packets (codec, both directions)", [i for i in all_ids if i in WIRE])]
    tally = {}
    for _, members in groups:
        for i in members:
            st, _ = status(i)
            tally[st] = tally.get(st, 0) + 1
    total = sum(tally.values())
    w("## Tally")
    w("")
    w(f"- Statements binding the client (client behaviour and well-formed packets): **{total}**")
    w(f"  - tested, all tests passing: {tally.get('pass', 0)}")
    w(f"  - tested, a test failing (engine bug): {tally.get('fail', 0)}")
    if tally.get("tested"):
        w(f"  - tested by tests not run here (browser): {tally.get('tested', 0)}")
    w(f"  - not applicable to this client: {tally.get('na', 0)}")
    w(f"  - without a test: {tally.get('none', 0)}")
    w(f"- Binding only the server: {len([i for i in all_ids if i in SERVER_ONLY])}")
    if unclassified:
        w(f"- **Unclassified (new in the JSON, to classify in the script): {len(unclassified)}**")
    w(f"- Total statements in the JSON: {len(all_ids)}")
    w("")
    if args.results:
        w("Outcomes from the recorded run of: "
          + ", ".join(sorted({t for (t, _) in results})) + ".")
        w("")

    for title, members in groups:
        w(f"## {title}")
        w("")
        w("| Statement | Text | Tests | Status |")
        w("|---|---|---|---|")
        for i in members:
            w(row(i))
        w("")

    if unclassified:
        w("## Unclassified")
        w("")
        w("| Statement | Text | Tests | Status |")
        w("|---|---|---|---|")
        for i in unclassified:
            w(row(i))
        w("")

    w("## Server-only")
    w("")
    w("These bind only the server; nothing for the client to do. Where the client checks the "
      "server's side on receipt, a test may cite the id all the same.")
    w("")
    server = [i for i in all_ids if i in SERVER_ONLY]
    checked = [f"{i} ({', '.join('`' + n.split('::')[-1] + '`' for n, _ in sorted(cites[i]))})"
               for i in server if i in cites]
    w(", ".join(server) + ".")
    w("")
    if checked:
        w("Checked by the client on receipt, or exercised by a test:")
        w("")
        for c in checked:
            w(f"- {c}")
        w("")
    sys.stdout.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
