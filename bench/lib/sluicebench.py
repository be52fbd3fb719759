#!/usr/bin/env python3
"""Helper for bench/run: launches a broker and times its start-up, measures one workload run
(broker CPU and memory from /proc around the client tool), and writes the report.

Standard library only. Results are JSON lines, one per broker start ("broker") and one per
workload run ("run"), so the driver can append as it goes and a crashed run loses nothing.
"""

import argparse
import datetime
import json
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# /proc readings

def cpu_ticks(pid):
    """utime + stime of the process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name (field 2) may hold spaces; everything after its closing parenthesis is fixed.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def reset_peak_rss(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS, so each run gets its own peak."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


# ---------------------------------------------------------------------------------------------
# Start-up probe: a hand-written Metadata v8 request, so the probe costs no JVM start of its own

def metadata_answered(port, correlation_id, timeout):
    client_id = b"bench-probe"
    # Request header v1: api_key=3 (Metadata), api_version=8, correlation id, client id.
    header = struct.pack(">hhih", 3, 8, correlation_id, len(client_id)) + client_id
    # Body v8: topics=null (all), allow_auto_topic_creation, include cluster/topic authorized ops.
    body = struct.pack(">i???", -1, False, False, False)
    message = header + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(struct.pack(">i", len(message)) + message)
        head = recv_exactly(s, 8)
        size, answered_id = struct.unpack(">ii", head)
        recv_exactly(s, size - 4)
        return answered_id == correlation_id


def recv_exactly(s, n):
    chunks = []
    while n > 0:
        chunk = s.recv(min(n, 1 << 16))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def launch(args):
    log = open(args.log, "ab")
    started = time.monotonic()
    proc = subprocess.Popen(args.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = started + args.deadline
    attempt = 0
    while True:
        attempt += 1
        try:
            if metadata_answered(args.port, attempt, timeout=2.0):
                break
        except (OSError, ConnectionError, struct.error):
            pass
        if proc.poll() is not None:
            fail(f"broker exited with code {proc.returncode} before answering Metadata; see {args.log}")
        if time.monotonic() > deadline:
            stop_process(proc.pid, 10)
            fail(f"broker did not answer Metadata within {args.deadline} s; see {args.log}")
        time.sleep(0.01)
    startup_ms = (time.monotonic() - started) * 1000.0
    # The broker outlives this helper; the driver stops it by pid.
    print(f"{proc.pid} {startup_ms:.0f}")


def stop_process(pid, grace_seconds):
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def stop(args):
    stop_process(args.pid, args.grace)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def append(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def broker_record(args):
    """Idle RSS: resident memory once started and settled, before any load."""
    time.sleep(args.settle)
    append(args.results, {"kind": "broker", "system": args.system, "round": args.round,
                          "startup_ms": args.startup_ms, "idle_rss_kb": status_kb(args.pid, "VmRSS")})


def broker_failed(args):
    append(args.results, {"kind": "broker", "system": args.system, "round": args.round,
                          "error": args.error})


# ---------------------------------------------------------------------------------------------
# Tool output parsing

PRODUCER_SUMMARY = re.compile(
    r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
    r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th")
E2E_AVG = re.compile(r"Avg latency: ([\d.]+) ms")
E2E_PERCENTILES = re.compile(r"Percentiles: 50th = (\d+), 99th = (\d+), 99.9th = (\d+)")


def parse_producer(text, expected):
    matches = PRODUCER_SUMMARY.findall(text)
    if not matches:
        raise ValueError("no ProducerPerformance summary line")
    sent, rate, mb, avg, mx, p50, p95, p99, p999 = matches[-1]
    if int(sent) != expected:
        raise ValueError(f"sent {sent} of {expected} records")
    return {"records": int(sent), "rec_s": float(rate), "mb_s": float(mb), "lat_avg_ms": float(avg),
            "lat_p50_ms": float(p50), "lat_p99_ms": float(p99), "lat_p999_ms": float(p999)}


def parse_consumer(text, expected):
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 10 and re.match(r"\d{4}-\d\d-\d\d", parts[0]):
            consumed = int(parts[4])
            if consumed < expected:
                raise ValueError(f"consumed {consumed} of {expected} records")
            # fetch.* excludes the consumer group join, which is a fixed cost and not throughput.
            return {"records": consumed, "rec_s": float(parts[9]), "mb_s": float(parts[8]),
                    "rebalance_ms": int(parts[6])}
    raise ValueError("no ConsumerPerformance result line")


def parse_e2e(text, expected):
    avg = E2E_AVG.search(text)
    pct = E2E_PERCENTILES.search(text)
    if not avg or not pct:
        raise ValueError("no EndToEndLatency result lines")
    p50, p99, p999 = (float(x) for x in pct.groups())
    avg_ms = float(avg.group(1))
    return {"records": expected, "rec_s": 1000.0 / avg_ms if avg_ms > 0 else None, "lat_avg_ms": avg_ms,
            "lat_p50_ms": p50, "lat_p99_ms": p99, "lat_p999_ms": p999}


REBALANCE_LINE = re.compile(r"^REBALANCE (.*)$", re.MULTILINE)
REBALANCE_ERROR = re.compile(r"^REBALANCE-ERROR .*$", re.MULTILINE)
REBALANCE_FIGURES = ("all_consumed_ms", "kept_partition_max_gap_ms", "new_member_first_record_ms")


def parse_rebalance(text, expected):
    """The summary line of bench/lib/RebalanceTime.java; `expected` (a record count) does not apply."""
    error = REBALANCE_ERROR.search(text)
    if error:
        raise ValueError(error.group(0).strip())
    lines = REBALANCE_LINE.findall(text)
    if not lines:
        raise ValueError("no REBALANCE summary line")
    fields = dict(token.split("=", 1) for token in lines[-1].split() if "=" in token)
    result = {}
    for key in REBALANCE_FIGURES + ("kept_partitions", "moved_partitions", "steady_max_gap_ms", "settled_ms"):
        value = fields.get(key)
        if value is None and key in REBALANCE_FIGURES:
            raise ValueError(f"REBALANCE line without {key}")
        # kept_partition_max_gap_ms is "none" when every partition changed owner.
        if value in (None, "none"):
            result[key] = None
        else:
            result[key] = int(value) if key.endswith("_partitions") else float(value)
    result["protocol"] = fields.get("protocol")
    result["assignor"] = fields.get("assignor")
    return result


SHARE_LINE = re.compile(r"^SHARE (.*)$", re.MULTILINE)
SHARE_ERROR = re.compile(r"^SHARE-ERROR .*$", re.MULTILINE)
SHARE_RECORD_BYTES = 100  # the value size bench/lib/ShareConsumeTime.java produces


def parse_share(text, expected):
    """The summary line of bench/lib/ShareConsumeTime.java: records the share group received, per second."""
    error = SHARE_ERROR.search(text)
    if error:
        raise ValueError(error.group(0).strip())
    lines = SHARE_LINE.findall(text)
    if not lines:
        raise ValueError("no SHARE summary line")
    fields = dict(token.split("=", 1) for token in lines[-1].split() if "=" in token)
    try:
        records, rec_s = int(fields["records"]), float(fields["rec_s"])
    except (KeyError, ValueError):
        raise ValueError(f"SHARE line without records or rec_s: {lines[-1][:200]}")
    if records < expected:
        raise ValueError(f"share group received {records} of {expected} records")
    result = {"records": records, "rec_s": rec_s, "mb_s": rec_s * SHARE_RECORD_BYTES / (1024 * 1024)}
    for key in ("elapsed_ms", "first_record_ms"):
        if fields.get(key) is not None:
            result[key] = float(fields[key])
    if fields.get("duplicates") is not None:
        result["duplicates"] = int(fields["duplicates"])
    if fields.get("per_consumer"):
        result["per_consumer"] = [int(n) for n in fields["per_consumer"].split(",")]
    return result


PARSERS = {"producer": parse_producer, "consumer": parse_consumer, "e2e": parse_e2e,
           "rebalance": parse_rebalance, "share": parse_share}


def error_summary(text, limit=300):
    """The most telling line of a failed tool's output: the first exception or error line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for line in lines:
        if re.search(r"(Exception|Error|ERROR|WARNING: Exiting)", line) and not line.startswith("at "):
            return line[:limit]
    return (lines[-1] if lines else "no output")[:limit]


def wait_with_cpu(proc, timeout):
    """Waits for the client like Popen.wait, and returns the CPU-seconds (user + system) it used."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.02)


def measure(args):
    record = {"kind": "run", "system": args.system, "round": args.round, "workload": args.workload}
    if not alive(args.pid):
        record["error"] = "broker not running"
        append(args.results, record)
        return
    hwm_reset = reset_peak_rss(args.pid)
    before = cpu_ticks(args.pid)
    started = time.monotonic()
    timed_out = False
    client_cpu_s = None
    with open(args.raw, "wb") as raw:
        proc = subprocess.Popen(args.command, stdout=raw, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            client_cpu_s = wait_with_cpu(proc, args.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    elapsed = time.monotonic() - started
    if not alive(args.pid):
        record["error"] = "broker died during the run"
        append(args.results, record)
        return
    after = cpu_ticks(args.pid)
    record["wall_s"] = round(elapsed, 2)
    record["peak_rss_kb"] = status_kb(args.pid, "VmHWM") if hwm_reset else None
    with open(args.raw, errors="replace") as f:
        text = f.read()
    try:
        if timed_out:
            raise ValueError(f"timed out after {args.timeout} s: {error_summary(text)}")
        record.update(PARSERS[args.parser](text, args.records))
        if proc.returncode != 0:
            raise ValueError(f"exit code {proc.returncode}: {error_summary(text)}")
    except ValueError as e:
        message = str(e)
        if "exit code" not in message and "timed out" not in message:
            message += f" (exit code {proc.returncode}: {error_summary(text)})"
        record["error"] = message
    cpu_s = (after - before) / CLOCK_TICKS
    record["cpu_s"] = cpu_s
    record["broker_cores"] = cpu_s / elapsed
    if client_cpu_s is not None:
        record["client_cores"] = client_cpu_s / elapsed
    if "error" not in record and record.get("records"):
        record["cpu_s_per_m"] = cpu_s / (record["records"] / 1e6)
    append(args.results, record)
    if "error" in record:
        status = "FAILED: " + record["error"]
    elif args.parser == "rebalance":
        status = f"all consumed again after {record['all_consumed_ms']:.0f} ms, cpu {cpu_s:.2f} s"
    else:
        status = f"{record.get('rec_s') or 0:.0f} rec/s, cpu {cpu_s:.2f} s"
    print(f"  {args.system:6} {args.workload:14} {status}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Report

# Goals from the benchmark issue, as (metric, comparison, target). Ratio = Sluice / Kafka.
GOALS = {
    "throughput": ">= 1.5",
    "p99": "<= 0.5",
    "cpu": "<= 0.5",
    "idle_rss": "<= 0.25",
    "startup": "<= 1 s",
}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(sluice, kafka):
    if sluice is None or kafka is None or kafka == 0:
        return None
    return sluice / kafka


def fmt(value, digits=1):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def goal_met(value, goal):
    if value is None:
        return ""
    op, target = goal.split()[0], float(goal.split()[1])
    met = value >= target if op == ">=" else value <= target
    return " ✅" if met else " ❌"


class Report:
    def __init__(self, records, workloads):
        self.runs = [r for r in records if r["kind"] == "run"]
        self.brokers = [r for r in records if r["kind"] == "broker"]
        self.workloads = workloads

    def runs_of(self, system, workload):
        return [r for r in self.runs if r["system"] == system and r["workload"] == workload]

    def stat(self, system, workload, key):
        return median([r.get(key) for r in self.runs_of(system, workload) if "error" not in r])

    def errors(self, system, workload):
        return [r["error"] for r in self.runs_of(system, workload) if "error" in r]

    def broker_stat(self, system, key):
        return median([b.get(key) for b in self.brokers if b["system"] == system and "error" not in b])


def build_report(args):
    with open(args.results) as f:
        records = [json.loads(line) for line in f if line.strip()]
    all_workloads = json.loads(args.workloads)  # [[id, description, kind], ...]
    # Rebalance workloads time a pause, not throughput: they get a section of their own and stay out of
    # the per-workload tables and the ratios.
    workloads = [w for w in all_workloads if w[2] != "rebalance"]
    rebalance_workloads = [w for w in all_workloads if w[2] == "rebalance"]
    rep = Report(records, all_workloads)
    meta = dict(kv.split("=", 1) for kv in args.meta)
    lines = []
    ratios = []  # (label, ratio, goal_value, better_when_higher)
    lines.append(f"# Sluice vs Apache Kafka {meta.get('kafka_version', '')} — {args.mode} run, {meta.get('date', '')}")
    lines.append("")
    lines.append(f"Machine: {meta.get('machine', '')}. Load average at start: {meta.get('load', '?')}; on a "
                 "shared machine absolute numbers are noisy, and CPU-seconds per million records is the steadiest figure.")
    lines.append("")
    lines.append(f"Repeats per workload: {meta.get('repeats', '?')} (median shown), alternating which broker goes first. "
                 f"Each broker runs as shipped ({meta.get('jvm', '')}), data on {meta.get('disk', '')}, no per-message fsync; "
                 "each is warmed up (records produced and consumed on a throwaway topic) after start-up is measured and "
                 "before the workloads. "
                 "Clients: Kafka's own `ProducerPerformance`, `ConsumerPerformance`, `EndToEndLatency` "
                 f"(kafka-tools {meta.get('kafka_version', '')}). Ratio = Sluice / Kafka.")
    lines.append("")
    lines.append("## Throughput and latency per workload")
    lines.append("")
    lines.append("| Workload | Kafka rec/s | Sluice rec/s | Ratio | Kafka MB/s | Sluice MB/s | Kafka p50 / p99 / p99.9 ms "
                 "| Sluice p50 / p99 / p99.9 ms | p99 ratio | Goal |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    failures = []
    for wid, desc, kind in workloads:
        k = {key: rep.stat("kafka", wid, key) for key in
             ("rec_s", "mb_s", "lat_p50_ms", "lat_p99_ms", "lat_p999_ms", "lat_avg_ms")}
        s = {key: rep.stat("sluice", wid, key) for key in k}
        for system in ("kafka", "sluice"):
            for err in sorted(set(rep.errors(system, wid))):
                failures.append((desc, system, err))
        s_failed = s["rec_s"] is None and rep.errors("sluice", wid)
        k_failed = k["rec_s"] is None and rep.errors("kafka", wid)
        tput = ratio(s["rec_s"], k["rec_s"])
        p99 = ratio(s["lat_p99_ms"], k["lat_p99_ms"])
        if kind == "e2e":
            goal = f"p99 ratio {GOALS['p99']}{goal_met(p99, GOALS['p99'])}"
            ratios.append((f"{desc}: p99", p99, 0.5, False))
        else:
            goal = f"throughput {GOALS['throughput']}{goal_met(tput, GOALS['throughput'])}"
            ratios.append((f"{desc}: rec/s", tput, 1.5, True))

        def lat(v):
            if v["lat_p99_ms"] is None:
                return "–"
            return f"{fmt(v['lat_p50_ms'], 0)} / {fmt(v['lat_p99_ms'], 0)} / {fmt(v['lat_p999_ms'], 0)}"

        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            desc,
            "FAILED" if k_failed else fmt(k["rec_s"], 0),
            "FAILED" if s_failed else fmt(s["rec_s"], 0),
            fmt_ratio(tput),
            fmt(k["mb_s"], 2), fmt(s["mb_s"], 2),
            lat(k), lat(s), fmt_ratio(p99), goal))
    lines.append("")
    lines.append("Latency columns: for producer workloads, the producer's send-to-acknowledgement latency under "
                 "full load (ProducerPerformance); for the end-to-end workload, produce-to-consume time of "
                 "one record at a time (EndToEndLatency sends the next record only after the previous one was "
                 "consumed, so the fixed rate is one in flight; its percentiles are whole milliseconds, its "
                 "rec/s is 1 / average latency). Consume throughput excludes the consumer-group join. "
                 f"Share-group consume: {meta.get('share_consumers', '5')} `KafkaShareConsumer`s "
                 "(bench/lib/ShareConsumeTime.java, implicit acknowledgement, client defaults) in one new share "
                 "group on one partition, timed from their start, group join included, until the group had "
                 "received every record (MB/s from 100 B values); a small unmeasured share-group run goes first, "
                 "so the broker's one-time share-group set-up is not in it, and its broker CPU and cores also cover "
                 "loading the topic, which the same run does before starting the consumers.")
    lines.append("")
    lines.append("## Broker cost per workload")
    lines.append("")
    lines.append("| Workload | Kafka CPU-s / M rec | Sluice CPU-s / M rec | Ratio | Kafka peak RSS MB "
                 "| Sluice peak RSS MB | Ratio | Goal |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
    cpu_ratios = []
    for wid, desc, kind in workloads:
        kc, sc = rep.stat("kafka", wid, "cpu_s_per_m"), rep.stat("sluice", wid, "cpu_s_per_m")
        kr, sr = rep.stat("kafka", wid, "peak_rss_kb"), rep.stat("sluice", wid, "peak_rss_kb")
        cr = ratio(sc, kc)
        cpu_ratios.append((f"{desc}: CPU/rec", cr, 0.5, False))
        lines.append("| {} | {} | {} | {} | {} | {} | {} | CPU {}{} |".format(
            desc, fmt(kc, 2), fmt(sc, 2), fmt_ratio(cr),
            fmt(kr / 1024 if kr else None, 0), fmt(sr / 1024 if sr else None, 0),
            fmt_ratio(ratio(sr, kr)), GOALS["cpu"], goal_met(cr, GOALS["cpu"])))
    ratios.extend(cpu_ratios)
    lines.append("")
    lines.append("CPU: the broker process's utime + stime (/proc/<pid>/stat) across the client run, divided by the "
                 "records moved. Peak RSS: VmHWM (/proc/<pid>/status), reset before each run via clear_refs; one "
                 "broker process serves the workloads in the order listed, so a later workload's peak also holds "
                 "whatever memory (heap regions, caches) the broker kept from earlier ones.")
    lines.append("")
    lines.append("## Where the machine's cores went")
    lines.append("")
    lines.append("| Workload | Kafka broker cores | Kafka client cores | Sluice broker cores | Sluice client cores |")
    lines.append("|---|---:|---:|---:|---:|")
    for wid, desc, kind in workloads:
        lines.append("| {} | {} | {} | {} | {} |".format(desc, *(fmt(rep.stat(system, wid, key), 2)
                     for system in ("kafka", "sluice") for key in ("broker_cores", "client_cores"))))
    lines.append("")
    lines.append("Cores: CPU-seconds used during the run divided by its wall time, for the broker process and for "
                 "the client tool's JVM (its rusage at exit). When broker and client together use all the machine's "
                 "cores, the client cannot go faster than the cores the broker leaves it.")
    lines.append("")
    if rebalance_workloads:
        lines.extend(rebalance_section(rep, rebalance_workloads, meta, failures))
    lines.append("## Broker footprint")
    lines.append("")
    lines.append("| Metric | Kafka | Sluice | Ratio | Goal |")
    lines.append("|---|---:|---:|---:|---|")
    k_idle, s_idle = rep.broker_stat("kafka", "idle_rss_kb"), rep.broker_stat("sluice", "idle_rss_kb")
    idle_ratio = ratio(s_idle, k_idle)
    ratios.append(("idle RSS", idle_ratio, 0.25, False))
    lines.append("| Idle RSS MB (after start-up, before load) | {} | {} | {} | ratio {}{} |".format(
        fmt(k_idle / 1024 if k_idle else None, 0), fmt(s_idle / 1024 if s_idle else None, 0),
        fmt_ratio(idle_ratio), GOALS["idle_rss"], goal_met(idle_ratio, GOALS["idle_rss"])))
    k_start, s_start = rep.broker_stat("kafka", "startup_ms"), rep.broker_stat("sluice", "startup_ms")
    start_ratio = ratio(s_start, k_start)
    ratios.append(("start-up time", start_ratio, None, False))
    met = "" if s_start is None else (" ✅" if s_start <= 1000 else " ❌")
    lines.append("| Start-up to first Metadata answer, ms | {} | {} | {} | Sluice {}{} |".format(
        fmt(k_start, 0), fmt(s_start, 0), fmt_ratio(start_ratio), GOALS["startup"], met))
    lines.append("")
    lines.append("Start-up: from process launch (a fresh JVM on an empty data directory) until a raw "
                 "Metadata v8 request on the client port is answered, polled every 10 ms. Kafka's figure excludes "
                 "the separate `kafka-storage format` step it needs first; Sluice needs none. Idle RSS: VmRSS 2 s "
                 "after that first answer.")
    lines.append("")
    broker_errors = [(b["system"], b["error"]) for b in rep.brokers if "error" in b]
    if failures or broker_errors:
        lines.append("## Failures")
        lines.append("")
        for desc, system, err in failures:
            lines.append(f"- **{system}**, {desc}: `{err}`")
        for system, err in broker_errors:
            lines.append(f"- **{system}** broker start: `{err}`")
        lines.append("")
    lines.append("![Sluice/Kafka ratios](" + args.svg_name + ")")
    lines.append("")
    with open(args.md, "w") as f:
        f.write("\n".join(lines))
    with open(args.svg, "w") as f:
        f.write(svg_chart(ratios, f"Sluice / Kafka ({args.mode}, {meta.get('date', '')})"))


ORDINALS = {1: "second", 2: "third", 3: "fourth", 4: "fifth", 5: "sixth", 6: "seventh", 7: "eighth", 8: "ninth"}


def rebalance_section(rep, workloads, meta, failures):
    """Consumer group rebalance: one row per group protocol, the median of each figure per broker."""
    members = meta.get("rebalance_members", "?")
    partitions = meta.get("rebalance_partitions", "?")
    joiner = ORDINALS.get(int(members), "new") if members.isdigit() else "new"
    lines = [f"## Consumer group rebalance (a {joiner} member joins a {members}-member group on {partitions} partitions)",
             "",
             "| Protocol | Kafka all consumed again ms | Sluice all consumed again ms | Ratio "
             "| Kafka kept-partition longest gap ms | Sluice kept-partition longest gap ms "
             "| Kafka new member's first record ms | Sluice new member's first record ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    assignors = []
    for wid, desc, kind in workloads:
        k = {key: rep.stat("kafka", wid, key) for key in REBALANCE_FIGURES}
        s = {key: rep.stat("sluice", wid, key) for key in REBALANCE_FIGURES}
        cells = {}
        for system, v in (("kafka", k), ("sluice", s)):
            for err in sorted(set(rep.errors(system, wid))):
                failures.append((desc, system, err))
            failed = v["all_consumed_ms"] is None and rep.errors(system, wid)
            cells[system] = {key: "FAILED" if failed else fmt(v[key], 0) for key in REBALANCE_FIGURES}
            names = sorted({r.get("assignor") or "unknown" for r in rep.runs_of(system, wid) if "error" not in r})
            if names:
                assignors.append(f"{wid.split('-', 1)[-1]} on {system.capitalize()}: {', '.join(names)}")
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            desc, cells["kafka"]["all_consumed_ms"], cells["sluice"]["all_consumed_ms"],
            fmt_ratio(ratio(s["all_consumed_ms"], k["all_consumed_ms"])),
            cells["kafka"]["kept_partition_max_gap_ms"], cells["sluice"]["kept_partition_max_gap_ms"],
            cells["kafka"]["new_member_first_record_ms"], cells["sluice"]["new_member_first_record_ms"]))
    lines.append("")
    lines.append("`bench/lib/RebalanceTime.java` (kafka-clients " + meta.get("kafka_version", "") + "), in one JVM: a "
                 "producer sends one small record to every partition every 10 ms; the group's members each poll on "
                 "their own thread with client defaults (auto.offset.reset=latest aside) and each broker's own group "
                 "defaults. Once the group is steady, one more member starts at t0; all figures are ms from t0. All "
                 "consumed again: until every partition has delivered a record produced after t0 to its owner in the "
                 "settled group, after that owner (re)acquired it (a partition that moves counts from its new owner). "
                 "Kept-partition longest gap: the longest time between two deliveries of a partition whose owner is "
                 "the same before and after (an eager rebalance revokes and reassigns it too). New member's first "
                 "record: until the new member received any record. A member learns of a rebalance on its next heartbeat, so each figure varies between runs "
                 "by up to a heartbeat interval (Kafka's defaults: 3 s client heartbeat.interval.ms for the classic "
                 "protocol, 5 s broker group.consumer.heartbeat.interval.ms for KIP-848). Ratio = Sluice / Kafka "
                 "of all consumed again; not in the chart. Broker CPU and peak RSS of these runs are in the "
                 ".jsonl results.")
    if assignors:
        lines.append("")
        lines.append("Assignor the group reported (Admin describeConsumerGroups): " + "; ".join(assignors) + ".")
    lines.append("")
    return lines


def svg_chart(ratios, title):
    """Horizontal bars, one per ratio, on a log scale so 2x better and 2x worse look the same size;
    a line marks 1.0 (parity) and a tick marks each goal."""
    import math
    row, left, width, top = 26, 300, 420, 50
    values_x = left + width + 12
    lo, hi = math.log10(0.05), math.log10(20)

    def x(v):
        v = min(max(v, 10 ** lo), 10 ** hi)
        return left + (math.log10(v) - lo) / (hi - lo) * width

    height = top + row * len(ratios) + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{values_x + 50}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<text x="10" y="40" fill="#555">green: goal met; red: goal missed; grey: no goal or no data. '
           'Log scale.</text>']
    for tick in (0.1, 0.25, 0.5, 1, 2, 5, 10):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{height - 40}" stroke="#eee"/>')
        out.append(f'<text x="{tx:.1f}" y="{height - 26}" text-anchor="middle" fill="#555">{tick:g}</text>')
    for i, (label, value, goal, higher_better) in enumerate(ratios):
        y = top + i * row
        out.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        if value is None or value <= 0:
            out.append(f'<text x="{values_x}" y="{y + 16}" fill="#999">no data</text>')
            continue
        if goal is None:
            colour = "#999"
        else:
            met = value >= goal if higher_better else value <= goal
            colour = "#3a9b4a" if met else "#c8453c"
        x0, x1 = sorted((x(1), x(value)))
        out.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" height="{row - 8}" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{values_x}" y="{y + 16}">{value:.2f}</text>')
        if goal is not None:
            gx = x(goal)
            out.append(f'<line x1="{gx:.1f}" y1="{y + 1}" x2="{gx:.1f}" y2="{y + row - 1}" stroke="black" '
                       'stroke-dasharray="3,2"/>')
    one = x(1)
    out.append(f'<line x1="{one:.1f}" y1="{top - 4}" x2="{one:.1f}" y2="{height - 40}" stroke="black" '
               'stroke-width="2"/>')
    out.append(f'<text x="{one:.1f}" y="{height - 10}" text-anchor="middle">1.0 = parity with Kafka '
               '(dashed: goal)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("free-port")
    p.set_defaults(func=lambda a: print(free_port()))

    p = sub.add_parser("launch")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--deadline", type=float, default=60)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=launch)

    p = sub.add_parser("stop")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--grace", type=float, default=30)
    p.set_defaults(func=stop)

    p = sub.add_parser("broker-record")
    p.add_argument("--results", required=True)
    p.add_argument("--system", required=True)
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--startup-ms", type=float, required=True)
    p.add_argument("--settle", type=float, default=2.0)
    p.set_defaults(func=broker_record)

    p = sub.add_parser("broker-failed")
    p.add_argument("--results", required=True)
    p.add_argument("--system", required=True)
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--error", required=True)
    p.set_defaults(func=broker_failed)

    p = sub.add_parser("measure")
    p.add_argument("--results", required=True)
    p.add_argument("--system", required=True)
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--workload", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--parser", choices=sorted(PARSERS), required=True)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--raw", required=True)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=measure)

    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--mode", required=True)
    p.add_argument("--workloads", required=True)
    p.add_argument("--md", required=True)
    p.add_argument("--svg", required=True)
    p.add_argument("--svg-name", required=True)
    p.add_argument("--meta", nargs="*", default=[])
    p.set_defaults(func=build_report)

    args = parser.parse_args()
    if getattr(args, "command", None) and args.command[:1] == ["--"]:
        args.command = args.command[1:]
    args.func(args)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
