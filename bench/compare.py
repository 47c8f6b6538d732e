#!/usr/bin/env python3
"""elfpack side by side with the standard tools, on one machine, in one run (issue 8).

    bench/compare.py [--build DIR] [--runs N] [--e2e-runs N] [--start-runs N] [--json FILE]
                     [--programs rig,cmake,gdb,ffmpeg]

1. Resolve: `elfpack inspect --flat P` vs `ld.so --list P`.
2. End to end: `elfpack P -o x.zip` vs `zip -qr -6` of the very same bundle tree (elfpack's own
   directory output), and `-o x.tar.gz` / `-o x.tar.zst` vs `tar czf` / `tar cf - | zstd -3`.
3. Launcher start: a bundled trivial program and bundled `rig -c 1` vs the native ones.
4. Sizes: launcher and Lambda bootstrap bytes; each bundle zipped and unzipped.

Each pair runs alternately (A B, B A, ...) after a warm-up; wall time, CPU time (user + system
of the process and its children) and peak RSS come from wait4(2). Prints Markdown tables with
medians and ratios (elfpack / the other); --json writes the same data. Installs the programs it
needs (rig cmake gdb ffmpeg zip zstd, GNU time) when run as root.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

LDSO = "/lib64/ld-linux-x86-64.so.2"
GNU_TIME = "/usr/bin/time"


def measure(argv, cwd=None, before=None):
    """One run: (wall seconds, cpu seconds, peak RSS KB). Output discarded; failure is fatal.

    Wall and CPU time come from a direct spawn and wait4(2). Peak RSS cannot: a child spawned
    from this (large) Python process carries Python's high-water mark through exec, so it comes
    from a second run under GNU time, whose own footprint is small. `before` runs before each."""
    def run(command):
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit(f"compare.py: failed ({proc.returncode}): {' '.join(command)}")
        return wall, usage.ru_utime + usage.ru_stime
    if before:
        before()
    wall, cpu = run(argv)
    if before:
        before()
    with tempfile.NamedTemporaryFile("r") as rss:
        run([GNU_TIME, "-f", "%M", "-o", rss.name, *argv])
        return wall, cpu, int(rss.read().split()[-1])


def pair(a, b, runs, before=None):
    """Medians of `runs` alternating runs of commands a and b: {"a": {...}, "b": {...}}."""
    results = {"a": [], "b": []}
    for argv, cwd in (a, b):  # warm-up
        measure(argv, cwd, before)
    for i in range(runs):
        for which in (("a", "b") if i % 2 == 0 else ("b", "a")):
            argv, cwd = a if which == "a" else b
            results[which].append(measure(argv, cwd, before))
    out = {}
    for which, samples in results.items():
        out[which] = {"wall_ms": statistics.median(s[0] for s in samples) * 1000,
                      "cpu_ms": statistics.median(s[1] for s in samples) * 1000,
                      "max_rss_kb": int(statistics.median(s[2] for s in samples))}
    out["ratio"] = {k: out["a"][k] / out["b"][k] if out["b"][k] else None for k in ("wall_ms", "cpu_ms", "max_rss_kb")}
    return out


def tree_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


# Two freestanding x86_64 programs (no libc): one exits at once; one executes `cpuid` (leaf 4,
# the cache parameters) 100 times first.
EXIT_ASM = ".globl _start\n_start:\n  mov $60, %eax\n  xor %edi, %edi\n  syscall\n"
CPUID_ASM = (".globl _start\n_start:\n  mov $100, %r12d\n1:\n  mov $4, %eax\n  xor %ecx, %ecx\n  cpuid\n"
             "  dec %r12d\n  jnz 1b\n  mov $60, %eax\n  xor %edi, %edi\n  syscall\n")


def cpuid_cost(work, busybox, runs, report):
    """What the glibc floor is made of: a process that never starts glibc, and the price of one
    `cpuid` instruction, which glibc executes many times as it starts (init_cpu_features and the
    cache sizes); under a hypervisor each one leaves the guest. Markdown lines; adds to report."""
    cc = shutil.which("cc")
    if cc is None or platform.machine() != "x86_64":
        return []
    programs = {}
    for name, text in (("exit", EXIT_ASM), ("cpuid100", CPUID_ASM)):
        source = os.path.join(work, name + ".s")
        with open(source, "w") as f:
            f.write(text)
        programs[name] = os.path.join(work, name)
        subprocess.run([cc, "-nostdlib", "-static", "-o", programs[name], source], check=True)
    bare = pair(([programs["exit"]], None), ([busybox, "true"], None), runs)
    cpuid = pair(([programs["cpuid100"]], None), ([programs["exit"]], None), runs)
    each_us = (cpuid["a"]["wall_ms"] - cpuid["b"]["wall_ms"]) * 10
    glibc_start_ms = bare["b"]["wall_ms"] - bare["a"]["wall_ms"]
    report["freestanding_floor_ms"] = bare["a"]["wall_ms"]
    report["cpuid_us"] = each_us
    return [f"A freestanding program that only exits takes **{fmt(bare['a']['wall_ms'])} ms**: glibc's start costs "
            f"{fmt(glibc_start_ms)} ms of the floor. One `cpuid` instruction costs **{fmt(each_us, 1)} µs** here "
            f"(100 of them: {fmt(cpuid['a']['wall_ms'])} ms against {fmt(cpuid['b']['wall_ms'])}); glibc's start is "
            f"worth {glibc_start_ms * 1000 / each_us:.0f} of them." if each_us > 0 else
            f"A freestanding program that only exits takes **{fmt(bare['a']['wall_ms'])} ms**."]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=21, help="runs of each resolve pair")
    ap.add_argument("--e2e-runs", type=int, default=3, help="runs of each end-to-end pair")
    ap.add_argument("--start-runs", type=int, default=200, help="runs of each launcher-start pair")
    ap.add_argument("--programs", default="rig,cmake,gdb,ffmpeg")
    ap.add_argument("--only", default="resolve,e2e,start",
                    help="the parts to run, of resolve,e2e,start (sizes come with e2e and start)")
    ap.add_argument("--json")
    args = ap.parse_args()
    elfpack = os.path.abspath(os.path.join(args.build, "elfpack"))
    if not os.access(elfpack, os.X_OK):
        sys.exit(f"compare.py: no elfpack in {args.build}")
    programs = args.programs.split(",")
    missing = [p for p in programs + ["zip", "zstd"] if not shutil.which(p)]
    if not os.access(GNU_TIME, os.X_OK):
        missing.append("time")
    if missing:
        if os.geteuid() != 0:
            sys.exit(f"compare.py: missing {' '.join(missing)}; run as root to install them")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env,
                       stdout=subprocess.DEVNULL)

    work = tempfile.mkdtemp(prefix="elfpack-compare-")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    report = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
                          "os": next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release")
                                      if l.startswith("PRETTY_NAME=")), "?")},
              "elfpack": subprocess.run([elfpack, "--version"], capture_output=True, text=True).stdout.strip(),
              "runs": {"resolve": args.runs, "end_to_end": args.e2e_runs, "start": args.start_runs},
              "resolve": [], "end_to_end": [], "start": [], "sizes": {}}
    md = []

    only = set(args.only.split(","))

    # 1. Resolve.
    md += [] if "resolve" not in only else ["### Resolve: `elfpack inspect --flat` vs `ld.so --list`", "",
           "| program | libraries | elfpack ms | ld.so ms | wall | CPU | RSS (elfpack / ld.so KB) |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in programs if "resolve" in only else []:
        path = os.path.realpath(shutil.which(p))
        libs = len(subprocess.run([LDSO, "--list", path], capture_output=True, text=True).stdout.splitlines())
        r = pair(([elfpack, "inspect", "--flat", path], None), ([LDSO, "--list", path], None), args.runs)
        report["resolve"].append({"program": p, "libraries": libs, **r})
        md.append(f"| {p} | {libs} | {fmt(r['a']['wall_ms'])} | {fmt(r['b']['wall_ms'])} | **{fmt(r['ratio']['wall_ms'])}** "
                  f"| {fmt(r['ratio']['cpu_ms'])} | {fmt(r['ratio']['max_rss_kb'])} ({r['a']['max_rss_kb']} / {r['b']['max_rss_kb']}) |")

    # The floor under every row above: starting, running and reaping a static glibc program that
    # does nothing, with this harness. No glibc program (elfpack, or ld.so itself) can take less,
    # so no ratio to ld.so can be below floor / ld.so.
    busybox = shutil.which("busybox")
    if "resolve" in only and busybox:
        r = pair(([busybox, "true"], None), ([busybox, "true"], None), args.runs)
        report["floor_ms"] = r["a"]["wall_ms"]
        md += ["", f"Floor: a static program that does nothing (`busybox true`) takes **{fmt(r['a']['wall_ms'])} ms** "
               "with this harness; no glibc program's row can be lower."]
        md += cpuid_cost(work, busybox, args.runs, report)

    # 2. End to end, and 4. bundle sizes.
    md += [] if "e2e" not in only else [
        "", "### End to end: `elfpack P -o OUT` vs compressing the same bundle tree", "",
        "| program | output | elfpack ms | other | other ms | wall | CPU | elfpack bytes | other bytes | size |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in programs if "e2e" in only else []:
        tree = os.path.join(work, f"{p}-tree")
        subprocess.run([elfpack, "-q", p, "-o", tree + "/"], check=True)
        unzipped = tree_bytes(tree)
        cases = [("zip", "zip -qr -6", lambda out: ["zip", "-qr", "-6", out, "."]),
                 ("tar.gz", "tar czf", lambda out: ["tar", "czf", out, "."]),
                 ("tar.zst", "tar + zstd -3", lambda out: ["sh", "-c", f"tar cf - . | zstd -3 -q -o {out}"])]
        for ext, name, other in cases:
            mine, theirs = os.path.join(work, f"{p}.elfpack.{ext}"), os.path.join(work, f"{p}.other.{ext}")

            def clean(mine=mine, theirs=theirs):
                for f in (mine, theirs):
                    if os.path.exists(f):
                        os.unlink(f)
            r = pair(([elfpack, "-q", p, "-o", mine], None), (other(theirs), tree), args.e2e_runs, before=clean)
            clean()
            subprocess.run([elfpack, "-q", p, "-o", mine], check=True)
            subprocess.run(other(theirs), cwd=tree, check=True)
            a_bytes, b_bytes = os.path.getsize(mine), os.path.getsize(theirs)
            report["end_to_end"].append({"program": p, "format": ext, "other": name, **r,
                                         "bytes": {"elfpack": a_bytes, "other": b_bytes, "unzipped": unzipped}})
            md.append(f"| {p} | {ext} | {fmt(r['a']['wall_ms'], 0)} | {name} | {fmt(r['b']['wall_ms'], 0)} "
                      f"| **{fmt(r['ratio']['wall_ms'])}** | {fmt(r['ratio']['cpu_ms'])} | {a_bytes} | {b_bytes} "
                      f"| {fmt(a_bytes / b_bytes, 3)} |")
            if ext == "zip":
                report["sizes"][p] = {"zipped": a_bytes, "unzipped": unzipped}

    if "start" in only:
        # 3. Launcher start.
        trivial_c = os.path.join(work, "trivial.c")
        open(trivial_c, "w").write("int main(void) { return 0; }\n")
        trivial = os.path.join(work, "trivial")
        subprocess.run(["cc", "-O2", "-o", trivial, trivial_c], check=True)
        start_tree = os.path.join(work, "start")
        subprocess.run([elfpack, "-q", trivial, "rig", "-o", start_tree + "/"], check=True)
        md += ["", f"### Launcher start (medians of {args.start_runs} runs)", "",
               "| program | bundled ms | native ms | difference ms | ratio |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, bundled, native in (("trivial", [os.path.join(start_tree, "bin/trivial")], [trivial]),
                                      ("rig -c 1", [os.path.join(start_tree, "bin/rig"), "-c", "1"],
                                       [shutil.which("rig"), "-c", "1"])):
            r = pair((bundled, None), (native, None), args.start_runs)
            diff = r["a"]["wall_ms"] - r["b"]["wall_ms"]
            report["start"].append({"program": name, **r, "difference_ms": diff})
            md.append(f"| {name} | {fmt(r['a']['wall_ms'], 3)} | {fmt(r['b']['wall_ms'], 3)} | **{fmt(diff, 3)}** "
                      f"| {fmt(r['ratio']['wall_ms'])} |")

        # 4. Sizes.
        launcher = os.path.getsize(os.path.join(start_tree, "bin/trivial"))
        fn_tree = os.path.join(work, "fn")
        subprocess.run([elfpack, "-q", "--lambda-function", "trivial", trivial, "-o", fn_tree + "/"], check=True)
        bootstrap = os.path.getsize(os.path.join(fn_tree, "bootstrap"))
        report["sizes"]["launcher_bytes"] = launcher
        report["sizes"]["bootstrap_bytes"] = bootstrap
        md += ["", "### Sizes", "", f"Launcher (bin/trivial): **{launcher} bytes**; Lambda bootstrap: **{bootstrap} bytes**.", "",
               "| program | zipped bytes | unzipped bytes |", "| --- | ---: | ---: |"]
        for p in programs if "e2e" in only else []:
            md.append(f"| {p} | {report['sizes'][p]['zipped']} | {report['sizes'][p]['unzipped']} |")
    m = report["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['os']}, Linux {m['kernel']}; {report['elfpack']}.\n")
    print("\n".join(md))
    if args.json:
        json.dump(report, open(args.json, "w"), indent=2)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
