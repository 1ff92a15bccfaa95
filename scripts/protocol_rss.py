#!/usr/bin/env python3
"""Peak RSS of `corpus-ls serve` after one large didOpen (the protocol input bounds).

Usage: python3 scripts/protocol_rss.py BINARY [SECONDS] [BODY_BYTES]
Starts the server on a one-article temporary corpus, opens a note whose text is BODY_BYTES long
(default 100,000,000), samples VmHWM for SECONDS (default 60), then says whether the server
still runs.
"""
import json, os, subprocess, sys, tempfile, time

binary = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
size = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000_000
root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, "articles"))
os.makedirs(os.path.join(root, "notes"))
with open(os.path.join(root, "articles", "a.md"), "w") as f:
    f.write("# Boats\n\nOskar Lindqvist said 12 boats sailed.\n")
p = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def send(msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()

send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": "file://" + root, "capabilities": {}}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
time.sleep(2)
line = "Oskar Lindqvist said 12 boats sailed on 3 June. "
text = (line * (size // len(line) + 1))[:size]
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": "file://" + root + "/notes/big.md",
                                  "languageId": "markdown", "version": 1, "text": text}}})
del text
start, peak = time.time(), 0
while time.time() - start < seconds and p.poll() is None:
    with open(f"/proc/{p.pid}/status") as f:
        for l in f:
            if l.startswith("VmHWM"):
                peak = int(l.split()[1])
    time.sleep(0.5)
print(f"body {size} bytes: peak RSS {peak / 1024:.0f} MiB; still running: {p.poll() is None}")
p.kill()
