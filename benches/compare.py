#!/usr/bin/env python3
"""podsec-lsp beside yaml-language-server, keystroke to diagnostics, in one run.

    python3 benches/compare.py            # the README's Performance table
    python3 benches/compare.py --quick    # fewer keystrokes, for a smoke test

Runs ../shared/tools/lspbench/bench.py (or $LSPBENCH) on its workload (one file of N
Deployments, typing into the middle one) against the release build of podsec-lsp and against
yaml-language-server 2.0.0 validating with a Kubernetes JSON schema, then times `check` on
5,000 Deployments on one core. Tools go to target/compare: yaml-language-server from npm, the
Kubernetes schema from PyPI's kubernetes-validate wheel (definitions of Kubernetes v1.35,
merged into one file yaml-language-server can read without a network).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "target", "compare")
SERVER = os.path.join(ROOT, "target", "release", "podsec-lsp")
BENCH = os.environ.get("LSPBENCH", os.path.join(ROOT, "..", "shared", "tools", "lspbench", "bench.py"))
YAML_LS = os.path.join(TOOLS, "node_modules", "yaml-language-server", "bin", "yaml-language-server")
SCHEMA = os.path.join(TOOLS, "kubernetes.json")
WHEEL = "kubernetes_validate-1.37.0-py3-none-any.whl"
DEFINITIONS = "kubernetes_validate/kubernetes-json-schema/v1.35.0-local/"


def sh(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def install():
    sh("cargo", "build", "--release", "--quiet", cwd=ROOT)
    os.makedirs(TOOLS, exist_ok=True)
    if not os.path.exists(YAML_LS):
        sh("npm", "install", "--prefix", TOOLS, "--no-audit", "--no-fund", "--silent", "yaml-language-server@2.0.0")
    if not os.path.exists(SCHEMA):
        sh(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", TOOLS, "kubernetes-validate==1.37.0")
        with zipfile.ZipFile(os.path.join(TOOLS, WHEEL)) as wheel:
            definitions = json.loads(wheel.read(DEFINITIONS + "_definitions.json"))
            every_kind = json.loads(wheel.read(DEFINITIONS + "all.json"))
        # all.json refers to /api/_definitions.json; one file with local references instead.
        schema = {
            "$schema": definitions["$schema"],
            "$defs": definitions["$defs"],
            "oneOf": [{"$ref": r["$ref"].replace("/api/_definitions.json", "")} for r in every_kind["oneOf"]],
        }
        with open(SCHEMA, "w") as out:
            json.dump(schema, out)


def bench(cmd, docs, keys, schema=False):
    args = [sys.executable, BENCH, "--json", "--docs", str(docs), "--keys", str(keys), "--timeout", "900"]
    if schema:
        args += ["--yaml-ls-schema", SCHEMA]
    out = subprocess.run(args + ["--"] + cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def check_on_one_core(docs=5000, runs=11):
    sys.path.insert(0, os.path.dirname(BENCH))
    from bench import workload  # the same Deployments as the LSP figures
    with tempfile.TemporaryDirectory() as ws:
        with open(os.path.join(ws, "workloads.yaml"), "w") as f:
            f.write(workload(docs))
        with open(os.path.join(ws, ".podsec.yaml"), "w") as f:
            f.write("defaults:\n  enforce: restricted\n")
        times = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            done = subprocess.run(["taskset", "-c", "0", SERVER, "check", ws], capture_output=True)
            times.append((time.perf_counter() - t) * 1000)
            assert done.returncode == 1, done.stderr
        return statistics.median(times[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    keys, slow_keys = (20, 3) if a.quick else (200, 10)
    install()
    podsec, yaml_ls = {}, {}
    for docs in (1, 50, 500, 5000):
        podsec[docs] = bench([SERVER], docs, keys)
        print(f"podsec-lsp, {docs} documents: {podsec[docs]}", file=sys.stderr)
    for docs, n in ((1, slow_keys), (50, slow_keys), (500, max(2, slow_keys // 3))):
        yaml_ls[docs] = bench(["node", YAML_LS, "--stdio"], docs, n, schema=True)
        print(f"yaml-language-server, {docs} documents: {yaml_ls[docs]}", file=sys.stderr)
    check_ms = check_on_one_core()

    print("| documents (MB) | podsec-lsp keystroke p50 / p99 | yaml-language-server p50 / p99 | ratio (p50) | podsec-lsp open, peak RSS | yaml-language-server open, peak RSS |")
    print("|---|---|---|---|---|---|")
    for docs in (1, 50, 500, 5000):
        p, y = podsec[docs], yaml_ls.get(docs)
        row = [f"{docs:,} ({p['bytes'] / 1e6:.2f})", f"{p['key_p50_ms']:.2f} / {p['key_p99_ms']:.2f} ms"]
        if y:
            row += [f"{y['key_p50_ms']:,.0f} / {y['key_p99_ms']:,.0f} ms", f"{y['key_p50_ms'] / p['key_p50_ms']:,.0f}×"]
        else:
            row += ["not run (minutes per keystroke)", "–"]
        row += [f"{p['open_ms']:.0f} ms, {p['peak_rss_mb']:.0f} MB"]
        row += [f"{y['open_ms']:,.0f} ms, {y['peak_rss_mb']:.0f} MB" if y else "–"]
        print("| " + " | ".join(row) + " |")
    p50, p5000 = podsec[50]["key_p50_ms"], podsec[5000]
    targets = [
        ("keystroke p50 at 50 documents, times faster than yaml-language-server", "≥ 200×",
         f"{yaml_ls[50]['key_p50_ms'] / p50:,.0f}×"),
        ("keystroke p50 at 5,000 documents / p50 at 50", "≤ 3×", f"{p5000['key_p50_ms'] / p50:.1f}×"),
        ("keystroke p99 at 5,000 documents", "< 10 ms", f"{p5000['key_p99_ms']:.1f} ms"),
        ("open 5,000 documents to first publication", "≤ 500 ms", f"{p5000['open_ms']:.0f} ms"),
        ("peak memory, 5,000 documents", "< 100 MB", f"{p5000['peak_rss_mb']:.0f} MB"),
        ("`initialize` answered", "≤ 50 ms", f"{max(p['init_ms'] for p in podsec.values()):.1f} ms (slowest run)"),
        ("`check` on 5,000 Deployments, one core", "< 100 ms", f"{check_ms:.0f} ms (median of 11, whole process)"),
    ]
    print()
    print("| target | wanted | measured |")
    print("|---|---|---|")
    for name, wanted, got in targets:
        print(f"| {name} | {wanted} | {got} |")


if __name__ == "__main__":
    main()
