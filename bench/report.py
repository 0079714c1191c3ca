#!/usr/bin/env python3
"""Prints the benchmark's table and the relay/Alertmanager ratios (Markdown).

usage: report.py RESULTS_JSONL SINK_ALONE_JSON SETTINGS [READY_TXT]
"""
import json
import subprocess
import sys


def sh(cmd):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    return (r.stdout or r.stderr).strip()


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    sink = json.loads(sys.argv[2])
    out = [
        "machine: %s cores, %s MiB RAM, %s" % (sh("nproc"), sh("free -m | awk '/Mem:/ {print $2}'"),
                                               sh("java -version 2>&1 | head -1")),
        "settings: " + sys.argv[3],
        "sink alone: %.0f requests/s" % sink["okPerSecond"],
        "",
        "| system | phase | accepted/s | delivered/s | not delivered | p50 ms send/ack | p99 ms send/ack "
        "| drain s | CPU s | CPU ms/alert | peak RSS MiB | loadavg before |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        # the system's own CPU (user + system, from /proc) over the phase and its drain, per delivered alert
        per_alert = "%.2f" % (r["cpu_s"] * 1000.0 / r["delivered"]) if r.get("delivered") else "-"
        out.append("| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s | %s |" % (
            r["system"], r["name"], r["accepted_per_s"], r["delivered_per_s"], r["not_delivered"],
            r["send_p50_ms"], r["ack_p50_ms"], r["send_p99_ms"], r["ack_p99_ms"], r["drain_s"], r["cpu_s"],
            per_alert, r["peak_rss_mb"], r["loadavg_before"]))
    for line in open(sys.argv[4]) if len(sys.argv) > 4 else []:
        system, seconds = line.split()
        out.append("")
        out.append("%s ready (answering its ingest path) %s s after it was started" % (system, seconds))
    by = {(r["system"], r["name"]): r for r in rows}
    rl, am = by.get(("relay", "max")), by.get(("alertmanager", "max"))
    if rl and am and am["accepted_per_s"] and am["delivered_per_s"]:
        out.append("")
        out.append("ratios relay/alertmanager, closed loop: accepted/s %.2f, delivered/s %.2f (target >= 1.2), "
                   "peak RSS %.2f" % (rl["accepted_per_s"] / am["accepted_per_s"],
                                      rl["delivered_per_s"] / am["delivered_per_s"],
                                      rl["peak_rss_mb"] / am["peak_rss_mb"]))
    for (system, name), r in by.items():
        if name.startswith("rate-"):
            out.append("p99 send->delivery at %s/s: %s %s ms%s" % (
                name[5:], system, r["send_p99_ms"], " (target < 50)" if system == "relay" else ""))
    print("\n".join(out))


if __name__ == "__main__":
    main()
