#!/usr/bin/env python3
"""Hostile documents, through `podsec-lsp check` and through the language server.

    python3 benches/hostile.py      # prints the README's table

For each input: what `check` reports first and how long the whole process takes, and how long
the server takes from `didOpen` to its first publication, with what it published first. The
same inputs are asserted on (not timed) by the tests in tests/e2e.
"""
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "target", "release", "podsec-lsp")
sys.path.insert(0, os.environ.get("LSPBENCH_DIR", os.path.join(ROOT, "..", "shared", "tools", "lspbench")))
from bench import workload  # noqa: E402
from lspclient import Client  # noqa: E402

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx\n"


def laughs(levels=12):
    out = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, levels):
        out += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return out


def punctuation(size, seed=7):
    rng = random.Random(seed)
    return "".join(rng.choice(":-[]{},&*!|>'\"#%@ \n\t?") for _ in range(size))


INPUTS = [
    ("alias bomb (9 aliases × 12 levels)", laughs()),
    ("100,000-deep flow nesting `[[[…`", "[" * 100_000),
    ("100,000-deep block nesting `- - - …`", "- " * 100_000),
    ("a 5 MB line (a 5 MB name)", POD.format(name="x" * 5_000_000)),
    ("a 50 MB file (75,000 Deployments)", workload(75_000)),
    ("NUL and control characters", POD.format(name="a\x00b\x01c") + "  # \x07\x1b[31m\n"),
    ("a BOM, and one after `---`", "\ufeff" + POD.format(name="p") + "---\n\ufeff" + POD.format(name="q")),
    ("CRLF line ends", POD.format(name="p").replace("\n", "\r\n")),
    ("lone CR line ends", POD.format(name="p").replace("\n", "\r")),
    ("tabs in indentation", POD.format(name="p").replace("  hostPID", "\thostPID")),
    ("1 MB of random YAML punctuation", punctuation(1_000_000)),
]


def first(diagnostics):
    if not diagnostics:
        return "nothing"
    d = diagnostics[0]
    message = d["message"] if len(d["message"]) < 70 else d["message"][:67] + "…"
    return f"`{d['code']}`: {message}".replace("|", "\\|").replace("\n", " ")


def run_check(path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    done = subprocess.run([SERVER, "check", "--level", "baseline", path], capture_output=True, text=True,
                          errors="replace")
    ms = (time.perf_counter() - t) * 1000
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    line = next((l for l in done.stdout.splitlines() if "error[" in l or "warning[" in l), "")
    code = line.split("[", 1)[1].split("]", 1)[0] if "[" in line else "nothing"
    return ms, done.returncode, code, max(peak, before) / 1024


def run_server(path, text):
    with Client([SERVER], root=os.path.dirname(path)) as client:
        client.initialize(init_options={"level": "baseline"})
        t = time.perf_counter()
        client.open("file://" + path, text)
        diagnostics = client.diagnostics("file://" + path, timeout=120)
        ms = (time.perf_counter() - t) * 1000
        alive = client.request("podsec/effectivePolicy", {"textDocument": {"uri": "file://" + path}}) is not None
        return ms, first(diagnostics), alive


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print("| input | size | `check`: first finding, exit status, time | server: first publication, time |")
    print("|---|---|---|---|")
    for name, text in INPUTS:
        with tempfile.TemporaryDirectory() as ws:
            path = os.path.join(ws, "input.yaml")
            with open(path, "w", newline="") as f:
                f.write(text)
            size = len(text.encode())
            check_ms, status, code, _ = run_check(path)
            server_ms, published, alive = run_server(path, text)
            assert alive, name
            size_text = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} B"
            print(f"| {name} | {size_text} | `{code}`, {status}, {check_ms:,.0f} ms | {published}, {server_ms:,.0f} ms |")


if __name__ == "__main__":
    main()
