#!/usr/bin/env python3
"""CPU seconds of one phase by thread group, from two "name<TAB>ticks" snapshots of /proc/<pid>/task.

usage: threads.py BEFORE AFTER TITLE
"""
import collections
import os
import re
import sys


def read(path):
    out = collections.Counter()
    for line in open(path):
        name, _, ticks = line.rstrip("\n").partition("\t")
        if ticks.strip():
            # numbered threads of one pool are one group: "http-nio-127.0.", "GC Thread#1", "C2 CompilerThre"
            out[re.sub(r"[#-]?\d+$", "", name.strip()) or "?"] += int(ticks)
    return out


def main():
    before, after = read(sys.argv[1]), read(sys.argv[2])
    hz = os.sysconf("SC_CLK_TCK")
    delta = {k: (after[k] - before.get(k, 0)) / hz for k in after}
    total = sum(v for v in delta.values() if v > 0)
    rows = sorted(((v, k) for k, v in delta.items() if v > 0), reverse=True)[:12]
    print("\n%s: CPU by thread (%.1f s in all)\n" % (sys.argv[3], total))
    print("| thread | CPU s | share |\n|---|---|---|")
    for v, k in rows:
        print("| %s | %.1f | %.0f %% |" % (k, v, 100 * v / total if total else 0))


if __name__ == "__main__":
    main()
