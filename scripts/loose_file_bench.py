#!/usr/bin/env python3
"""A loose file in a large folder: time to its diagnostics and the server's peak memory.

Generates FILES small Markdown files (and as many in a subfolder) in a fresh folder, writes a
note beside them, starts `corpus-ls serve` with no root (as Neovim's set-up does for a loose
file), opens the note and waits for its first publishDiagnostics. Prints the seconds from didOpen
to the diagnostics and the server's VmHWM (peak resident memory) from /proc.

    python3 scripts/loose_file_bench.py target/release/corpus-ls [FILES] [FOLDER]
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_msg(out):
    length = None
    while True:
        line = out.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


def main():
    binary = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 40000
    folder = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="corpus-ls-loose-")
    os.makedirs(os.path.join(folder, "sub"), exist_ok=True)
    filler = "Item {i}: a line of filler about the weather, the 3 buses and 12 per cent. " * 20
    for i in range(files):
        for sub in ("", "sub"):
            p = os.path.join(folder, sub, "item-%05d.md" % i)
            if not os.path.exists(p):
                with open(p, "w") as f:
                    f.write(filler.format(i=i) + "\n")
    note = os.path.join(folder, "loose-note.md")
    with open(note, "w") as f:
        f.write("---\nkind: note\n---\n# A note\n\nThe mill employs 6,500 weavers.\n")
    uri = "file://" + note
    env = dict(os.environ, CORPUS_LS_CACHE="off")
    p = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    send = lambda m: (p.stdin.write(frame(m)), p.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    while read_msg(p.stdout).get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    text = open(note).read()
    t0 = time.monotonic()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 0, "text": text}}})
    log = ""
    while True:
        m = read_msg(p.stdout)
        if m is None:
            sys.exit("the server exited")
        if m.get("method") == "window/logMessage" and m["params"]["message"].startswith("indexed"):
            log = m["params"]["message"]
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            break
    secs = time.monotonic() - t0
    time.sleep(0.5)
    hwm = [l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmHWM")][0].split()[1]
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait(timeout=10)
    print("folder: %s (%d files + %d in a subfolder)" % (folder, files + 1, files))
    print("server log: %s" % log)
    print("didOpen -> diagnostics: %.3f s; peak RSS (VmHWM): %.1f MB" % (secs, int(hwm) / 1024))


main()
