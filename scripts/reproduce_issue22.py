#!/usr/bin/env python3
"""Re-runs the 14 reproductions of issue 22 (and the variants it names) against a corpus-ls
binary and prints one line per reproduction: PASS, FAIL or INFO, and what happened.

    python3 scripts/reproduce_issue22.py [--bin target/release/corpus-ls] [--quick] [--only 2,9]

Everything is built in a temp folder beside a canary folder (`outside/`) whose text must never
reach an output; nothing else on the machine is read or written. `--quick` skips the slow
inputs (16 MiB article, CoNLL's eng.train, 160k mentions). Needs Python 3.11 (tomllib); strace
makes the "what is opened" checks stronger and is used when present. Exit status 1 when any
line FAILs.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CANARY = "Quillon Vantablack"
CANARY_WORDS = ("Quillon", "Vantablack", "Canaryco")
PROSE = "Harwick Mills paid $40 million to Maria Delgado of Lisbon on June 3, 2018.\n"
RIVER_BANK = ("sat bank bank on.\nriver sat bank bank sat the sat bank bank river house bank "
              "sat dogs ran")
RESULTS = []
FAILED = []


def report(num, status, what):
    line = f"#{num:<4} {status:<4} {what}"
    RESULTS.append(line)
    if status == "FAIL":
        FAILED.append(line)
    print(line, flush=True)


def check(num, ok, what):
    report(num, "PASS" if ok else "FAIL", what)


# ---------------------------------------------------------------- running the CLI


class Run:
    def __init__(self, code, out, err, wall, user, sys_, rss_kb, timed_out):
        self.code, self.out, self.err = code, out, err
        self.wall, self.user, self.sys, self.rss_kb = wall, user, sys_, rss_kb
        self.timed_out = timed_out

    @property
    def cpu(self):
        return self.user + self.sys

    def panicked(self):
        return "panicked" in self.err or self.code == 101

    def leaked(self):
        return any(w in self.out or w in self.err for w in CANARY_WORDS)

    def brief(self):
        if self.timed_out:
            return f"HUNG (killed after {self.wall:.0f} s)"
        sig = f" signal {-self.code}" if self.code is not None and self.code < 0 else ""
        return f"exit {self.code}{sig}, {self.wall:.1f} s wall, {self.cpu:.2f} s CPU, " \
               f"{self.rss_kb // 1024} MB peak"


def run(args, cwd, timeout=120, env=None, stdin=subprocess.DEVNULL, wrap=None, keep_out=True):
    """Runs BIN ARGS in cwd, cache off unless env places it, with a deadline; measures the
    child's own CPU and peak RSS through wait4. Timed runs drop stdout (`keep_out=False`):
    a child's peak RSS starts at this process's own, so reading a big output here would
    inflate the next runs' peaks."""
    e = dict(os.environ)
    e.setdefault("CORPUS_LS_CACHE", "off")
    e.update(env or {})
    cmd = (wrap or []) + [BIN] + args
    t0 = time.monotonic()
    out_f = tempfile.TemporaryFile() if keep_out else subprocess.DEVNULL
    err_f = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, cwd=cwd, env=e, stdin=stdin, stdout=out_f, stderr=err_f,
                         start_new_session=True)
    timed_out = False
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > timeout:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    err_f.seek(0)
    out = ""
    if keep_out:
        out_f.seek(0)
        out = out_f.read().decode("utf-8", "replace")
    err = err_f.read().decode("utf-8", "replace")
    return Run(p.returncode, out, err, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, timed_out)


class Sandbox:
    """A temp folder holding root/ (the corpus) and outside/ (canaries)."""

    def __init__(self):
        self.base = os.path.realpath(tempfile.mkdtemp(prefix="issue22-"))
        self.root = os.path.join(self.base, "root")
        self.outside = os.path.join(self.base, "outside")
        os.makedirs(self.root)
        os.makedirs(self.outside)
        art = f"# Secret\n\n{CANARY} of Canaryco Holdings paid $777 million on March 3, 2019.\n"
        for n in ("canary.md", "canary.txt"):
            self.put_outside(n, art)
        self.put_outside("corpus-ls.toml",
                         f'[entities]\n"{CANARY}" = {{ type = "PER", aliases = ["Mr. Vantablack"] }}\n')
        self.put_outside("ignore-all", "*.md\n*.txt\n")

    def put_outside(self, name, text):
        with open(os.path.join(self.outside, name), "w") as f:
            f.write(text)

    def write(self, rel, data):
        p = os.path.join(os.fsencode(self.root), rel if isinstance(rel, bytes) else rel.encode())
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def link(self, rel, target):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(target, p)

    def fifo(self, rel):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.mkfifo(p)

    def close(self):
        shutil.rmtree(self.base, ignore_errors=True)


def entity_files(r):
    files = set()
    for line in r.out.splitlines():
        if line.strip():
            try:
                files.update(json.loads(line).get("files", []))
            except json.JSONDecodeError:
                pass
    return files


def strace_ok():
    return shutil.which("strace") is not None and subprocess.run(
        ["strace", "-f", "-qq", "-o", "/dev/null", "true"], capture_output=True).returncode == 0


def opened_paths(log):
    """Real paths of every descriptor a traced run opened successfully (strace -y)."""
    paths = []
    with open(log, errors="replace") as f:
        for line in f:
            m = re.search(r"\bopen(?:at|at2)?\(.*\)\s+=\s+\d+<([^>]*)>", line)
            if m:
                paths.append(m.group(1))
    return paths


def traced(args, cwd, sb, timeout=120, env=None):
    log = os.path.join(sb.base, "strace.log")
    r = run(args, cwd, timeout, env,
            wrap=["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", log])
    return r, opened_paths(log)


def outside_opens(paths, sb, allowed=()):
    return [p for p in paths if p.startswith(sb.base)
            and not p.startswith(sb.root) and not any(p.startswith(a) for a in allowed)]


# ---------------------------------------------------------------- a small LSP client


class Lsp:
    def __init__(self, root, env=None, wrap=None):
        e = dict(os.environ)
        e.setdefault("CORPUS_LS_CACHE", "off")
        e.update(env or {})
        self.p = subprocess.Popen((wrap or []) + [BIN, "serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
        self.msgs, self.lock, self.cv = [], threading.Lock(), threading.Condition()
        self.err = []
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.err.extend(
            iter(lambda: self.p.stderr.read(4096), b"")), daemon=True).start()
        self.root = root

    def _read(self):
        f = self.p.stdout
        while True:
            n = None
            while True:
                line = f.readline()
                if not line:
                    with self.cv:
                        self.cv.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
            body = f.read(n)
            msg = json.loads(body)
            if "method" in msg and "id" in msg:
                res = None
                if msg["method"] == "workspace/configuration":
                    res = [None] * len(msg["params"]["items"])
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": res})
                continue
            with self.cv:
                self.msgs.append(msg)
                self.cv.notify_all()

    def raw(self, data):
        try:
            self.p.stdin.write(data)
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def send(self, msg):
        body = json.dumps(msg).encode()
        with self.lock:
            return self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, pred, timeout=60):
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                for i, m in enumerate(self.msgs):
                    if pred(m):
                        return self.msgs.pop(i)
                left = end - time.monotonic()
                if left <= 0 or self.p.poll() is not None and not any(pred(m) for m in self.msgs):
                    return None
                self.cv.wait(min(left, 0.5))

    def request(self, method, params, timeout=60):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == i and "method" not in m, timeout)

    def start(self, timeout=120):
        """initialize + initialized; True when the index's $/progress end came in time."""
        u = uri(self.root)
        caps = {"window": {"workDoneProgress": True},
                "workspace": {"configuration": True, "workspaceFolders": True,
                              "didChangeWatchedFiles": {"dynamicRegistration": True}},
                "textDocument": {"synchronization": {"didSave": True}}}
        r = self.request("initialize", {"processId": None, "rootUri": u, "capabilities": caps,
                                        "workspaceFolders": [{"uri": u, "name": "root"}]})
        if r is None:
            return False
        self.notify("initialized", {})
        return self.wait(lambda m: m.get("method") == "$/progress"
                         and m["params"]["value"].get("kind") == "end", timeout) is not None

    def open(self, path, text=None, version=1):
        if text is None:
            text = open(path, encoding="utf-8").read()
        u = uri(path)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": u, "languageId": "markdown", "version": version, "text": text}})
        return u

    def hwm_mb(self):
        try:
            with open(f"/proc/{self.p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) // 1024
        except OSError:
            pass
        return -1

    def alive(self):
        return self.p.poll() is None

    def stderr(self):
        return b"".join(self.err).decode("utf-8", "replace")

    def close(self):
        if self.alive():
            self.request("shutdown", None, 10)
            self.notify("exit", None)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
        self.p.wait()
        return self.p.returncode


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(path)


def utf16_pos(text, offset):
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def offset_of(text, pos):
    lines = text.split("\n")
    off = sum(len(l) + 1 for l in lines[:pos["line"]])
    units, col = 0, 0
    line = lines[pos["line"]] if pos["line"] < len(lines) else ""
    while units < pos["character"] and col < len(line):
        units += 2 if ord(line[col]) > 0xFFFF else 1
        col += 1
    return off + col


def apply_edit(text, edit, target_uri):
    """Applies a WorkspaceEdit's edits for target_uri to text (None: file absent)."""
    ops = edit.get("documentChanges") or [
        {"textDocument": {"uri": u}, "edits": es} for u, es in edit.get("changes", {}).items()]
    for op in ops:
        if op.get("kind") == "create" and op["uri"] == target_uri:
            text = text or ""
        elif op.get("textDocument", {}).get("uri") == target_uri:
            for e in sorted(op["edits"], key=lambda e: (e["range"]["start"]["line"],
                                                        e["range"]["start"]["character"]),
                            reverse=True):
                s, t = offset_of(text, e["range"]["start"]), offset_of(text, e["range"]["end"])
                text = text[:s] + e["newText"] + text[t:]
    return text


# ---------------------------------------------------------------- the reproductions


def item1():
    sb = Sandbox()
    try:
        sb.write("a.md", RIVER_BANK)
        bad = []
        for args in (["entities", ".", "--no-cache"], ["entities", ".", "--no-cache", "--format", "json"],
                     ["check", ".", "--no-cache", "--fail-on", "never"], ["mentions", "bank", ".", "--no-cache"],
                     ["spans", "a.md", "--no-cache"]):
            r = run(args, sb.root)
            # `mentions` of a name that is no entity says so and exits 1.
            said = args[0] == "mentions" and r.code == 1 and "no entity named" in r.err
            if (r.code != 0 and not said) or r.panicked():
                bad.append(f"{args[0]}: {r.brief()} {r.err[-200:]}")
        check("1", not bad, "plain river/bank text through entities, check, mentions, spans: "
              + ("exit 0 (mentions: 1, 'no entity named'), no panic" if not bad else "; ".join(bad)))
        sb.write("b.md", "# B\n\n" + PROSE)
        c = Lsp(sb.root)
        done = c.start(60)
        ws = c.request("workspace/symbol", {"query": "Maria"}, 30) if done else None
        ok = done and ws is not None and "Maria Delgado" in json.dumps(ws)
        c.close()
        check("1s", ok, "server over stdio on that text: index "
              + ("ends and workspace/symbol finds Maria Delgado" if ok else
                 f"ended={done}, answer={str(ws)[:120]}"))
    finally:
        sb.close()
    train = os.path.join(REPO, "../shared/corpora/conll2003/eng.train")
    if QUICK or not os.path.exists(train):
        report("1c", "SKIP", "eng.train as .conll: " + ("--quick" if QUICK else f"{train} absent"))
        return
    sb = Sandbox()
    try:
        shutil.copy(train, os.path.join(sb.root, "train.conll"))
        r1 = run(["entities", ".", "--no-cache", "--format", "json"], sb.root, 600)
        r2 = run(["check", ".", "--no-cache", "--fail-on", "never"], sb.root, 600)
        germany = [json.loads(l) for l in r1.out.splitlines()
                   if l.strip() and '"Germany"' in l]
        ok = r1.code == 0 and r2.code == 0 and not r1.panicked() and not r2.panicked() and germany
        check("1c", ok, f"CoNLL-2003 eng.train saved as .conll: entities {r1.brief()}, "
              f"check {r2.brief()}; Germany found: {bool(germany)}")
    finally:
        sb.close()


def item2():
    # FIFOs where ignore files and the config are read.
    for rel in ("sub/.ignore", ".gitignore", ".ignore", "corpus-ls.toml"):
        sb = Sandbox()
        try:
            sb.write("a.md", "# A\n\n" + PROSE)
            sb.write("sub/b.md", "# B\n\n" + PROSE)
            sb.fifo(rel)
            r = run(["entities", ".", "--no-cache", "--format", "json"], sb.root, 60)
            files = entity_files(r)
            ok = r.code == 0 and {"a.md", "sub/b.md"} <= files and "FIFO" in r.err
            check("2", ok, f"FIFO as {rel}: {r.brief()}, files indexed {sorted(files)}, "
                  f"stderr says FIFO: {'FIFO' in r.err}")
        finally:
            sb.close()
    # The server's index with a FIFO as an ignore file and as the config.
    sb = Sandbox()
    try:
        sb.write("a.md", "# A\n\n" + PROSE)
        sb.fifo("sub/.ignore")
        sb.fifo("corpus-ls.toml")
        c = Lsp(sb.root)
        done = c.start(60)
        c.close()
        check("2s", done, "server with FIFO sub/.ignore and corpus-ls.toml: index "
              + ("ends" if done else "never ends"))
    finally:
        sb.close()
    # Ignore files that never end or are huge.
    for what, make in (("linked to /dev/zero", lambda sb: sb.link(".gitignore", "/dev/zero")),
                       ("a 20 GB sparse file", lambda sb: os.truncate(sb.write(".gitignore", ""), 20 << 30))):
        sb = Sandbox()
        try:
            sb.write("a.md", "# A\n\n" + PROSE)
            make(sb)
            r = run(["entities", ".", "--no-cache", "--format", "json"], sb.root, 60)
            ok = r.code == 0 and "a.md" in entity_files(r) and r.rss_kb < 200 * 1024
            check("2", ok, f".gitignore {what}: {r.brief()}, a.md indexed: "
                  f"{'a.md' in entity_files(r)}; says: {first_line_with(r.err, '.gitignore')}")
        finally:
            sb.close()
    # The cache reader: a FIFO and /dev/zero at the cache file's name.
    for what in ("FIFO", "/dev/zero"):
        sb = Sandbox()
        try:
            sb.write("a.md", "# A\n\n" + PROSE)
            cache = os.path.join(sb.base, "cache")
            env = {"XDG_CACHE_HOME": cache, "CORPUS_LS_CACHE_MIN_BYTES": "0", "CORPUS_LS_CACHE": "on"}
            r0 = run(["entities", ".", "--format", "json"], sb.root, 60, env)
            bins = [os.path.join(cache, "corpus-ls", n) for n in os.listdir(os.path.join(cache, "corpus-ls"))
                    if n.endswith(".bin")]
            for b in bins:
                os.remove(b)
                os.mkfifo(b) if what == "FIFO" else os.symlink("/dev/zero", b)
            r = run(["entities", ".", "--format", "json"], sb.root, 60, env)
            ok = bool(bins) and r0.code == 0 and r.code == 0 and "a.md" in entity_files(r) \
                and r.rss_kb < 200 * 1024
            check("2", ok, f"cache *.bin ({len(bins)} file) replaced by {what}: {r.brief()}, "
                  f"a.md indexed: {'a.md' in entity_files(r)}")
        finally:
            sb.close()


def first_line_with(text, needle):
    return next((l.strip()[:140] for l in text.splitlines() if needle in l), "(nothing)")


def item3():
    sb = Sandbox()
    try:
        sb.write("a.md", "# A\n\n" + PROSE)
        sb.write("sub/b.txt", PROSE)
        sb.link(".gitignore", "../outside/ignore-all")
        sb.link("sub/.ignore", "../../outside/ignore-all")
        os.makedirs(os.path.join(sb.root, ".git/info"))
        os.symlink(os.path.join(sb.outside, "ignore-all"), os.path.join(sb.root, ".git/info/exclude"))
        # Ignore files above the root must not decide either.
        with open(os.path.join(sb.base, ".gitignore"), "w") as f:
            f.write("*.md\n")
        r = run(["entities", ".", "--no-cache", "--format", "json"], sb.root)
        files = entity_files(r)
        ok = r.code == 0 and {"a.md", "sub/b.txt"} <= files
        check("3", ok, f".gitignore, sub/.ignore, .git/info/exclude linked out (and a .gitignore "
              f"above the root): {r.brief()}, still indexed {sorted(files)}")
        if strace_ok():
            bad = []
            for args in (["entities", "."], ["check", ".", "--fail-on", "never"], ["spans", "a.md", "sub/b.txt"]):
                r, paths = traced(args + ["--no-cache"], sb.root, sb)
                out = outside_opens(paths, sb)
                if r.code != 0 or out or r.leaked():
                    bad.append(f"{args[0]}: {r.brief()} opened {out}")
            check("3", not bad, "strace -y of entities, check, spans: "
                  + ("no open outside the root" if not bad else "; ".join(bad)))
        else:
            report("3", "SKIP", "strace absent: the open trace was not checked")
    finally:
        sb.close()


def item4():
    """A file swapped for a link to the canary between the walk and the read, 30 times."""
    sb = Sandbox()
    try:
        for i in range(400):
            sb.write(f"f{i:03}.md", f"# F{i}\n\nMaria Delgado of Harwick Mills met Tomas Brandt in Lisbon.\n")
        victim = os.path.join(sb.root, "victim.md")
        plain = "# V\n\nOlga Lind of Harwick Mills spoke in Quito.\n"
        canary = os.path.join(sb.outside, "canary.md")
        stop = threading.Event()

        def racer():
            n = 0
            while not stop.is_set():
                n += 1
                tmp = os.path.join(sb.root, f".swap{n % 2}")
                try:
                    if n % 2:
                        os.symlink(canary, tmp)
                    else:
                        with open(tmp, "w") as f:
                            f.write(plain)
                    os.replace(tmp, victim)
                except OSError:
                    pass

        with open(victim, "w") as f:
            f.write(plain)
        leaked, refused, bad = 0, 0, []
        for _ in range(30):
            stop.clear()
            t = threading.Thread(target=racer)
            t.start()
            for args in (["entities", ".", "--no-cache", "--format", "json"], ["spans", "victim.md", "--no-cache"]):
                r = run(args, sb.root, 120)
                if r.leaked():
                    leaked += 1
                if "victim.md" in r.err:
                    refused += 1
                # `spans` of a file that is a link out (or changed under it) skips it, exit 2.
                skipped = args[0] == "spans" and r.code == 2 and "victim.md: skipped" in r.err
                if r.panicked() or r.timed_out or (r.code != 0 and not skipped):
                    bad.append(r.brief())
            stop.set()
            t.join()
        check("4", leaked == 0 and not bad, f"file swapped for a link to the canary while 30 "
              f"entities + 30 spans runs read it: {leaked} of 60 runs read the canary; {refused} "
              "runs met the link (or the swap) and said so"
              + (f"; bad runs: {bad[:3]}" if bad else ""))
    finally:
        sb.close()


def item5():
    sb = Sandbox()
    try:
        sb.write("a.md", "# A\n\n" + PROSE)
        sb.link("linked.md", "../outside/canary.md")
        wrap = None
        log = os.path.join(sb.base, "lsp.strace")
        if strace_ok():
            wrap = ["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", log]
        c = Lsp(sb.root, wrap=wrap)
        done = c.start(60)
        with open(os.path.join(sb.root, "fresh.md"), "w") as f:
            f.write("# Fresh\n\nOskar Marchbanks of Ferrovia said 4 trains ran.\n")
        ru = uri(sb.root)
        evil = [f"{ru}/../outside/canary.md", f"{ru}/%2e%2e/outside/canary.md",
                f"{ru}/sub/%2E%2E/../outside/canary.txt", uri(os.path.join(sb.root, "linked.md"))]
        changes = [{"uri": u, "type": t} for u in evil for t in (1, 2)]
        changes.append({"uri": uri(os.path.join(sb.root, "fresh.md")), "type": 1})
        c.notify("workspace/didChangeWatchedFiles", {"changes": changes})
        seen_fresh = False
        for _ in range(100):
            r = c.request("workspace/symbol", {"query": "Marchbanks"}, 30)
            if r and "Oskar Marchbanks" in json.dumps(r):
                seen_fresh = True
                break
            time.sleep(0.1)
        leak = c.request("workspace/symbol", {"query": "Vantablack"}, 30)
        leaked = leak is None or "Vantablack" in json.dumps(leak)
        c.close()
        out = outside_opens(opened_paths(log), sb) if wrap else []
        ok = done and seen_fresh and not leaked and not out
        check("5", ok, f"didChangeWatchedFiles with /../, %2e%2e, %2E%2E and a skipped in-root link: "
              f"in-root event handled: {seen_fresh}, canary indexed: {leaked}"
              + (f", outside opens under strace: {out}" if wrap else " (strace absent)"))
    finally:
        sb.close()


def item6():
    sb = Sandbox()
    try:
        text = "# A\n\n" + PROSE
        a = sb.write("a.md", text).decode()
        sb.link("corpus-ls.toml", "../outside/corpus-ls.toml")
        log = os.path.join(sb.base, "lsp.strace")
        wrap = ["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", log] \
            if strace_ok() else None
        c = Lsp(sb.root, wrap=wrap)
        done = c.start(60)
        u = c.open(a, text)
        at = utf16_pos(text, text.index("Maria Delgado") + 2)
        acts = c.request("textDocument/codeAction", {"textDocument": {"uri": u},
                         "range": {"start": at, "end": at}, "context": {"diagnostics": []}}, 30)
        cfg = uri(os.path.join(sb.root, "corpus-ls.toml"))
        edits_cfg = acts is not None and cfg in json.dumps(acts)
        c.close()
        out = outside_opens(opened_paths(log), sb) if wrap else []
        r = run(["entities", ".", "--no-cache"], sb.root)
        ok = done and acts is not None and not edits_cfg and not out and not r.leaked() \
            and "not read" in r.err
        check("6", ok, f"corpus-ls.toml linked out: server code actions edit it: {edits_cfg}; "
              f"outside opens under strace: {out if wrap else 'strace absent'}; CLI says: "
              f"{first_line_with(r.err, 'corpus-ls.toml')}")
    finally:
        sb.close()


def item7():
    sb = Sandbox()
    try:
        text = "# A\n\n" + PROSE
        a = sb.write("a.md", text).decode()
        c = Lsp(sb.root)
        done = c.start(60)
        u = c.open(a, text)
        params = json.dumps({"textDocument": {"uri": u},
                             "position": utf16_pos(text, text.index("Maria") + 2)})
        frames = [
            (f'{{"jsonrpc":"2.0","id":5,"id":"x","method":"textDocument/hover","params":{params}}}', "duplicate id"),
            (f'{{"jsonrpc":"2.0","id":901,"method":"textDocument/hover","params":{params},"params":{params}}}', "duplicate params"),
            (f'{{"jsonrpc":"2.0","jsonrpc":"2.0","id":902,"method":"textDocument/hover","params":{params}}}', "duplicate jsonrpc"),
            (f'{{"jsonrpc":"2.0","id":9223372036854775808,"method":"textDocument/hover","params":{params}}}', "id past i64::MAX"),
            (f'{{"jsonrpc":"2.0","id":18446744073709551616,"method":"textDocument/hover","params":{params}}}', "id past u64::MAX"),
        ]
        for body, what in frames:
            b = body.encode()
            c.raw(b"Content-Length: %d\r\n\r\n" % len(b) + b)
            err = c.wait(lambda m: "error" in m, 20)
            hover = c.request("textDocument/hover", json.loads(
                f'{{"textDocument":{{"uri":"{u}"}},"position":{json.dumps(utf16_pos(text, text.index("Maria") + 2))}}}'), 30)
            ok = done and err is not None and hover is not None and "Maria Delgado" in json.dumps(hover) \
                and c.alive()
            if err is not None and what == "id past u64::MAX" and not isinstance(err.get("id"), int):
                report("7", "INFO", f"frame with {what}: answered and alive, but the id is echoed as "
                       f"{json.dumps(err.get('id'))}, not the integer sent (precision lost)")
                continue
            check("7", ok, f"frame with {what}: answered "
                  f"{json.dumps(err['error']['code']) + ' id=' + json.dumps(err.get('id')) if err else 'nothing'}"
                  f", server alive and hover right after: {ok}")
            if not c.alive():
                break
        code = c.close()
        check("7", code == 0, f"clean shutdown after the bad frames (exit {code})")
    finally:
        sb.close()


def item8():
    cases = [
        ("ignore", 'ignore = "Section 301"\n', "Maria Delgado", "is not an entity"),
        ("ignore", "\ufeff# mine\n[entities]\n", "Maria Delgado", "is not an entity"),
        ("aliases", '[entities]\n"Olga Lind" = { type = "PER", aliases = "O. L." }\n', "Lind said", "as an alias of"),
        ("aliases", '[entities."Olga Lind"]\ntype = "PER"\naliases = "O. L."\n', "Lind said", "as an alias of"),
    ]
    text = ("# A\n\nOlga Lind of Harwick Mills met Maria Delgado in Lisbon. Lind said 40 ships "
            "docked.\n\nMaria Delgado of Harwick Mills paid $40 million.\n")
    for key, cfg, at_text, title in cases:
        sb = Sandbox()
        try:
            a = sb.write("a.md", text).decode()
            cfg_path = sb.write("corpus-ls.toml", cfg).decode()
            c = Lsp(sb.root)
            c.start(60)
            u = c.open(a, text)
            at = utf16_pos(text, text.index(at_text) + 1)
            acts = c.request("textDocument/codeAction", {"textDocument": {"uri": u},
                             "range": {"start": at, "end": at}, "context": {"diagnostics": []}}, 30)
            c.close()
            act = next((x for x in (acts or {}).get("result") or [] if title in x.get("title", "")), None)
            if act is None:
                check("8", False, f"{key} action on {cfg!r}: no such action offered "
                      f"({[x.get('title') for x in (acts or {}).get('result') or []]})")
                continue
            new = apply_edit(cfg, act["edit"], uri(cfg_path))
            bom_ok = not cfg.startswith("\ufeff") or (new.startswith("\ufeff") and "\ufeff" not in new[1:])
            try:
                parsed = tomllib.loads(new.lstrip("\ufeff"))
                vals = parsed.get("ignore") if key == "ignore" else parsed["entities"]["Olga Lind"]["aliases"]
                parse_ok = isinstance(vals, list) and len(vals) >= (2 if "=" in cfg.split("\n")[0 if key == "ignore" else -2] else 1)
                err = ""
            except (tomllib.TOMLDecodeError, KeyError, TypeError) as e:
                parse_ok, vals, err = False, None, str(e)
            ok = parse_ok and bom_ok and new.count(key + " =") + new.count(key + "=") == 1
            check("8", ok, f"\"{act['title']}\" on {cfg!r}: result parses as TOML: "
                  f"{err or 'yes'}, one {key} key: {new.count(key)} == 1, {key} = {vals}"
                  + (f", BOM first and only: {bom_ok}" if cfg.startswith("\ufeff") else ""))
            # The CLI still reads the edited config (a corrupted one falls back to defaults).
            with open(cfg_path, "w") as f:
                f.write(new)
            r = run(["entities", ".", "--no-cache"], sb.root)
            if "problem" in r.err.lower() or "defaults" in r.err:
                check("8", False, f"the CLI rejects the edited config: {r.err[:200]}")
        finally:
            sb.close()


def timed(args, cwd, timeout=600):
    return run(args + ["--no-cache"], cwd, timeout, keep_out=False)


def doubling_ok(cpus):
    """Linear within noise: over the whole range, a doubling of the input costs at most 2.5x on
    average (a quadratic cost gives 4x; one step alone is noisy on a shared machine). Times
    under 0.25 s are mostly start-up and are not the base."""
    ratios = [b / a for a, b in zip(cpus, cpus[1:]) if a > 0]
    base = next((i for i, c in enumerate(cpus) if c >= 0.25), None)
    if base is None or base == len(cpus) - 1:
        return True, ratios
    mean = (cpus[-1] / cpus[base]) ** (1 / (len(cpus) - 1 - base))
    return mean <= 2.5, ratios


def item9():
    sizes = [1, 2, 4] if QUICK else [1, 2, 4, 8, 16]
    rows = {"spans": [], "entities": [], "check": []}
    for n in sizes:
        d = tempfile.mkdtemp(prefix=f"issue22-big{n}-")
        try:
            # A little under n MiB: the generator overshoots by a sentence, and 16 MiB is the cap.
            subprocess.run([sys.executable, os.path.join(HERE, "big_article.py"), str((n << 20) - 1024),
                            os.path.join(d, "big.md")], check=True)
            for cmd, args in (("spans", ["spans", "big.md", "--format", "json"]), ("entities", ["entities", "."]),
                              ("check", ["check", ".", "--fail-on", "never"])):
                r = timed(args, d)
                rows[cmd].append((n, r))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    for cmd, rs in rows.items():
        ok_lin, ratios = doubling_ok([r.cpu for _, r in rs])
        ok = all(r.code == 0 for _, r in rs) and ok_lin and (QUICK or rs[-1][1].cpu < 10)
        check("9", ok, f"{cmd} of one {'/'.join(str(n) for n, _ in rs)} MiB article: CPU "
              + " / ".join(f"{r.cpu:.2f}" for _, r in rs) + " s, wall "
              + " / ".join(f"{r.wall:.1f}" for _, r in rs) + " s, peak "
              + " / ".join(f"{r.rss_kb // 1024}" for _, r in rs) + " MB; per doubling "
              + " ".join(f"{x:.2f}x" for x in ratios))
    counts = [20_000, 40_000, 80_000] if QUICK else [20_000, 40_000, 80_000, 160_000]
    rows = {"spans": [], "entities": [], "check": []}
    for n in counts:
        d = tempfile.mkdtemp(prefix=f"issue22-m{n}-")
        try:
            subprocess.run([sys.executable, os.path.join(HERE, "many_mentions.py"), str(n),
                            os.path.join(d, "a.md")], check=True)
            for cmd, args in (("spans", ["spans", "a.md", "--format", "json"]), ("entities", ["entities", "."]),
                              ("check", ["check", ".", "--fail-on", "never"])):
                rows[cmd].append(timed(args, d))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    for cmd, rs in rows.items():
        ok_lin, ratios = doubling_ok([r.cpu for r in rs])
        check("9", all(r.code == 0 for r in rs) and ok_lin,
              f"{cmd} of {'/'.join(f'{n // 1000}k' for n in counts)} mentions in one file: CPU "
              + " / ".join(f"{r.cpu:.2f}" for r in rs) + " s; per doubling "
              + " ".join(f"{x:.2f}x" for x in ratios))
    train = os.path.join(REPO, "../shared/corpora/conll2003/eng.train")
    if os.path.exists(train):
        rs = []
        for n in (25_000, 50_000, 100_000):
            d = tempfile.mkdtemp(prefix=f"issue22-c{n}-")
            try:
                with open(train) as src, open(os.path.join(d, "a.conll"), "w") as dst:
                    c = 0
                    for line in src:
                        if line.strip():
                            c += 1
                        if c > n:
                            break
                        dst.write(line)
                rs.append(timed(["check", ".", "--fail-on", "never"], d))
            finally:
                shutil.rmtree(d, ignore_errors=True)
        ok_lin, ratios = doubling_ok([r.cpu for r in rs])
        check("9", all(r.code == 0 for r in rs) and ok_lin,
              "check of eng.train's first 25k/50k/100k tokens as one .conll: CPU "
              + " / ".join(f"{r.cpu:.2f}" for r in rs) + " s, wall "
              + " / ".join(f"{r.wall:.1f}" for r in rs) + " s")
    else:
        report("9", "SKIP", "CoNLL .conll timings: eng.train absent")
    rs = []
    for n in (25_000, 50_000, 100_000):
        d = tempfile.mkdtemp(prefix=f"issue22-t{n}-")
        try:
            with open(os.path.join(d, "a.md"), "w") as f:
                f.write("# A\n\n" + PROSE)
            with open(os.path.join(d, "corpus-ls.toml"), "w") as f:
                f.write("[" + ".".join(["a"] * n) + "]\nx = 1\n")
            rs.append(timed(["entities", "."], d))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    ok = all(r.code == 0 and r.cpu < 2 for r in rs)
    check("9", ok, "entities with a corpus-ls.toml header 25k/50k/100k dotted levels deep: CPU "
          + " / ".join(f"{r.cpu:.2f}" for r in rs) + " s; says: " + first_line_with(rs[-1].err, "toml"))


def item10():
    sb = Sandbox()
    try:
        sb.write("a.md", "# A\n\n" + PROSE)
        evil = "x.md: 1:1: warning[figure-conflict]: forged\n\x1b[2Jy.md"
        sb.write(evil, b"bin\0ary")
        sb.write("notes/" + evil, "Maria Delgado got $45 million.\n")
        bad = []
        for args in (["check", ".", "--no-cache"], ["entities", ".", "--no-cache"],
                     ["mentions", "Maria Delgado", ".", "--no-cache"]):
            r = run(args, sb.root)
            for what, s in (("stdout", r.out), ("stderr", r.err)):
                if "\x1b" in s or any(l.startswith("[2Jy") or l.startswith("\x1b") for l in s.splitlines()):
                    bad.append(f"{args[0]} {what}")
            if r.panicked():
                bad.append(f"{args[0]} panicked")
        check("10", not bad, "file names holding a newline and an escape sequence: "
              + ("printed escaped on stdout and stderr of check, entities, mentions" if not bad
                 else f"raw in {bad}"))
    finally:
        sb.close()


def item11():
    sb = Sandbox()
    try:
        for n, who in ((b"x\xff.md", "Maria Delgado"), (b"x\xfe.md", "Tomas Brandt"),
                       ("x\ufffd.md".encode(), "Ines Okafor")):
            sb.write(n, f"# T\n\n{who} of Harwick Mills spoke in Lisbon.\n")
        r = run(["entities", ".", "--no-cache", "--format", "json"], sb.root)
        lisbon = next((json.loads(l) for l in r.out.splitlines() if '"entity":"Lisbon"' in l
                       or json.loads(l).get("entity") == "Lisbon"), {})
        files = sorted(lisbon.get("files", []))
        check("11", r.code == 0 and len(set(files)) == 3,
              f"x\\xff.md, x\\xfe.md, x\\u{{FFFD}}.md: Lisbon's files {files}")
    finally:
        sb.close()


def item12():
    sb = Sandbox()
    try:
        sb.write("a.txt", "Liu He\r" * 9400)
        r = run(["entities", ".", "--no-cache"], sb.root)
        check("12", r.code == 0 and not r.panicked() and "\r" not in r.out,
              f"'Liu He\\r' * 9400 through human entities: {r.brief()}")
    finally:
        sb.close()


def item13():
    sb = Sandbox()
    try:
        text = "# A\n\n" + PROSE
        a = sb.write("a.md", text).decode()
        for what, size in (("100 MB didOpen frame", 100_000_000), ("30 MB didOpen", 30_000_000)):
            c = Lsp(sb.root)
            c.start(60)
            before = c.hwm_mb()
            big_uri = uri(os.path.join(sb.root, "big.md"))
            line = "Oskar Lindqvist said 12 boats sailed on 3 June.\n"
            body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                "textDocument": {"uri": big_uri, "languageId": "markdown", "version": 1,
                                 "text": line * (size // len(line))}}}).encode()
            c.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            del body
            u = c.open(a, text)
            hover = c.request("textDocument/hover", {"textDocument": {"uri": u},
                              "position": utf16_pos(text, text.index("Maria") + 2)}, 120)
            time.sleep(5)
            peak = c.hwm_mb()
            said = c.wait(lambda m: m.get("method") == "window/showMessage" and "skipped" in json.dumps(m)
                          or m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == big_uri and m["params"]["diagnostics"], 10)
            alive = c.alive()
            c.close()
            ok = alive and hover is not None and "Maria" in json.dumps(hover) and peak < 400 \
                and said is not None
            check("13", ok, f"{what}: server peak RSS {peak} MB (before {before} MB), answers after: "
                  f"{hover is not None}, told: {json.dumps(said.get('params'))[:150] if said else 'nothing'}")
        # A header line that never ends.
        c = Lsp(sb.root)
        c.start(60)
        chunk = b"X" * (1 << 20)
        for _ in range(200):
            if not c.raw(chunk):
                break
        c.raw(b"\r\n\r\n")
        u = c.open(a, text)
        hover = c.request("textDocument/hover", {"textDocument": {"uri": u},
                          "position": utf16_pos(text, text.index("Maria") + 2)}, 60)
        peak = c.hwm_mb()
        c.close()
        check("13", hover is not None and peak < 200,
              f"a 200 MiB header line: server peak RSS {peak} MB, answers after: {hover is not None}")
    finally:
        sb.close()


def item14():
    sb = Sandbox()
    try:
        for i in range(200):
            sb.write(f"a{i:03}.md", f"# A{i}\n\nMaria Delgado of Harwick Mills met Tomas Brandt in "
                     f"Lisbon; {i} ships docked for $4{i} million.\n")
        text = "# Note\n\nMaria Delgado said 45 ships docked.\n"
        n = sb.write("notes/n.md", text).decode()
        c = Lsp(sb.root)
        c.start(120)
        u = c.open(n, text)
        lat, v = [], 1
        for k in range(100):
            v += 1
            end = utf16_pos(text, len(text))
            c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": v},
                     "contentChanges": [{"range": {"start": end, "end": end}, "text": "x"}]})
            text += "x"
            if k % 5 == 4:
                t0 = time.monotonic()
                c.request("textDocument/hover", {"textDocument": {"uri": u},
                          "position": utf16_pos(text, text.index("Maria") + 2)}, 60)
                lat.append((time.monotonic() - t0) * 1000)
            time.sleep(0.05)
        peak = c.hwm_mb()
        c.close()
        lat.sort()
        report("14", "INFO", f"hover while typing at 20 edits/s (201 files, 20 hovers): p50 "
               f"{lat[len(lat) // 2]:.1f} ms, max {lat[-1]:.1f} ms, server peak {peak} MB "
               "(the server's latency work is branch core2's)")
    finally:
        sb.close()


ITEMS = {1: item1, 2: item2, 3: item3, 4: item4, 5: item5, 6: item6, 7: item7, 8: item8,
         9: item9, 10: item10, 11: item11, 12: item12, 13: item13, 14: item14}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/corpus-ls"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    BIN, QUICK = os.path.abspath(a.bin), a.quick
    if not os.access(BIN, os.X_OK):
        sys.exit(f"no corpus-ls binary at {BIN}: build it with cargo build --release, or pass --bin")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    only = {int(x) for x in a.only.split(",") if x}
    for k, f in ITEMS.items():
        if not only or k in only:
            try:
                f()
            except Exception as e:  # a broken reproduction is a failure, not a stop
                report(str(k), "FAIL", f"the reproduction itself raised {type(e).__name__}: {e}")
    print(f"\n{len(RESULTS)} lines, {len(FAILED)} FAIL")
    sys.exit(1 if FAILED else 0)
