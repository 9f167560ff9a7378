#!/usr/bin/env python3
"""Fleet benchmarks (issue 8): group deploy to many devices, many concurrent watchers, status reports.

See bench/README.md, "Issue 8: the fleet". Python 3 standard library only; needs git, java and wrk.
One server (the jar, on free loopback ports) serves all three sections, in this order:

1. group deploy: N devices in one group; a pipeline dev → group; t0 = before POST …/deploy, t1 = when
   the bench has seen every device's refs/heads/main (read from the data dir's files) at the group's
   new commit. Data dir growth (du, disk blocks and apparent bytes) across the deploy, and what a
   self-contained copy of one device repository (objects copied in, no alternates) costs × N.
2. watchers: W long polls (GET /api/v1/devices/self/watch?after=MAIN&timeout=…), spread round-robin
   over the devices' tokens, held open by one asyncio event loop over raw sockets; server RSS with all
   of them waiting; then a deploy and the time until each connection received its answer.
3. status reports: wrk POSTs /api/v1/devices/self/status ({"commit": group main, "state":"running"})
   rotating over the N device tokens (Bearer), at each connection count: requests/s and p99.
"""
import argparse
import asyncio
import datetime
import hashlib
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HOST, git, log, request, rss_mb  # noqa: E402
from promotion_bench import instant, make_source  # noqa: E402
from servers import Flowstage  # noqa: E402

LIB = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(LIB)
DEFAULT_JAR = os.path.join(os.path.dirname(BENCH), "server/target/flowstage.jar")
TEAM, APP, GROUP, PIPELINE = "fleet", "line", "pis", "to-pis"
GOAL_DEPLOY_S, GOAL_GROWTH_MB, GOAL_RSS_MB, GOAL_NOTIFY_S = 1.0, 2.0, 1024.0, 3.0


def args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jar", default=DEFAULT_JAR)
    ap.add_argument("--server-cmd", help="what runs before `serve` (default: java -jar JAR)")
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--watchers", type=int, default=10000)
    ap.add_argument("--status-seconds", type=int, default=15)
    ap.add_argument("--status-connections", default="64,1000")
    ap.add_argument("--only", default="all", choices=["all", "deploy", "watchers", "status"],
                    help="sections after the set-up (the group deploy always runs: the others need its commit)")
    ap.add_argument("--quick", action="store_true",
                    help="50 devices, 500 watchers, 3 s of status reports at 16 connections: to try it out")
    ap.add_argument("--work", default=os.path.join(BENCH, "work"))
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "fleet-latest.md"))
    a = ap.parse_args()
    if a.quick:
        a.devices, a.watchers, a.status_seconds, a.status_connections = 50, 500, 3, "16"
    a.connections = [int(c) for c in a.status_connections.split(",") if c]
    a.command = shlex.split(a.server_cmd) if a.server_cmd else ["java", "-jar", a.jar]
    if not a.server_cmd and not os.path.isfile(a.jar):
        sys.exit("no server jar at %s: build it (mvn -B -q -o -DskipTests package)" % a.jar)
    return a


# ---- the data dir, read directly (the bench runs on the server's machine)

def device_repo(data, name):
    return os.path.join(data, "repos", TEAM, name + ".git")


def read_main(repo):
    """refs/heads/main of a bare repo from its files (loose ref, else packed-refs); None if absent."""
    try:
        with open(os.path.join(repo, "refs", "heads", "main")) as f:
            return f.read().strip()
    except FileNotFoundError:
        pass
    try:
        with open(os.path.join(repo, "packed-refs")) as f:
            for line in f:
                if line.endswith(" refs/heads/main\n"):
                    return line[:40]
    except FileNotFoundError:
        pass
    return None


def du(path):
    """(disk KiB as du counts blocks, apparent bytes)."""
    return _du(["du", "-sk", path]), _du(["du", "-sb", "--apparent-size", path])


def _du(cmd):
    # the server is running: a file it replaces (a lock or temporary file renamed away) may vanish while du
    # walks the tree, and du then exits 1 but still prints its total; anything else is an error
    p = subprocess.run(cmd, capture_output=True, text=True)
    vanished = all("No such file or directory" in line for line in p.stderr.splitlines())
    if p.returncode != 0 and not (p.returncode == 1 and vanished and p.stdout.strip()):
        raise subprocess.CalledProcessError(p.returncode, cmd, p.stdout, p.stderr)
    return int(p.stdout.split()[0])


def cpu_seconds(pid):
    """User + system CPU seconds the process used so far (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg():
    return "%.2f / %.2f / %.2f" % os.getloadavg()


# ---- set-up

def setup(fs, n, work, src, first):
    fs.api("POST", "/teams", {"name": TEAM})
    fs.api("POST", "/teams/%s/applications" % TEAM, {"name": APP})
    fs.api("POST", "/teams/%s/instances" % TEAM, {"name": "dev", "application": APP})
    fs.api("POST", "/teams/%s/groups" % TEAM, {"name": GROUP, "application": APP})
    fs.api("POST", "/teams/%s/pipelines" % TEAM, {"name": PIPELINE, "application": APP, "stages": [
        {"name": "dev", "instance": "dev"}, {"name": GROUP, "group": GROUP}]})
    git(work, "--git-dir", src, "push", "-q", fs.git_url(TEAM, "dev"), first + ":refs/heads/main")
    names = ["d-%05d" % i for i in range(n)]
    t0 = time.perf_counter()

    def create(name):
        return fs.api("POST", "/teams/%s/devices" % TEAM, {"name": name, "application": APP, "group": GROUP})["token"]

    with ThreadPoolExecutor(4) as pool:
        tokens = list(pool.map(create, names))
    secs = time.perf_counter() - t0
    log("created %d devices in group %s in %.1f s (%.0f/s, 4 API calls in flight)" % (n, GROUP, secs, n / secs))
    return names, tokens, {"devices": n, "create_seconds": secs}


def deploy_run(fs):
    return fs.api("POST", "/teams/%s/pipelines/%s/stages/dev/deploy" % (TEAM, PIPELINE), {}, expect=(202,))["run"]["id"]


def wait_run(fs, run_id, timeout_s=300):
    t0 = time.perf_counter()
    while True:
        run = fs.api("GET", "/teams/%s/pipelines/%s/runs/%s" % (TEAM, PIPELINE, run_id))
        run = run.get("run", run)
        if run["status"] in ("succeeded", "failed", "rejected"):
            if run["status"] != "succeeded":
                raise RuntimeError("run %s %s: %s" % (run_id, run["status"], run.get("error")))
            return run
        if time.perf_counter() - t0 > timeout_s:
            raise RuntimeError("run %s still %s after %ss" % (run_id, run["status"], timeout_s))
        time.sleep(0.01)


# ---- 1. group deploy

def group_deploy(fs, names, work, src, sha, label):
    """One deploy of SHA (pushed to dev first, untimed) into the group; the time until every device's
    main is the group's new commit, read from the files."""
    git(work, "--git-dir", src, "push", "-q", fs.git_url(TEAM, "dev"), sha + ":refs/heads/main")
    repos = [device_repo(fs.data, n) for n in names]
    group_repo = device_repo(fs.data, GROUP)
    old = read_main(group_repo)
    before = du(fs.data)
    load0 = loadavg()
    t0 = time.perf_counter()
    run_id = deploy_run(fs)
    t_acc = time.perf_counter()
    new, pending, passes = None, list(repos), 0
    while pending:
        passes += 1
        if new is None:
            g = read_main(group_repo)
            new = g if g != old else None
        if new is not None:
            pending = [r for r in pending if read_main(r) != new]
        if time.perf_counter() - t0 > 120:
            raise RuntimeError("%d of %d device refs not updated 120 s after the deploy" % (len(pending), len(repos)))
        if pending:
            time.sleep(0.001)
    t1 = time.perf_counter()
    run = wait_run(fs, run_id)
    if run.get("targetAfter") != new:
        raise RuntimeError("run targetAfter %s, devices at %s" % (run.get("targetAfter"), new))
    after = du(fs.data)
    fan = [l["message"] for l in run.get("log", []) if "Fan-out" in l["message"]]
    r = {"label": label, "seconds": t1 - t0, "accepted_ms": (t_acc - t0) * 1000,
         "run_ms": (instant(run["finishedAt"]) - instant(run["createdAt"])) * 1000,
         "growth_kib": after[0] - before[0], "growth_apparent_bytes": after[1] - before[1],
         "datadir_kib_after": after[0], "fanout_log": fan, "load_start": load0, "load_end": loadavg(),
         "commit": new}
    log("group deploy (%s): all %d device refs at %s %.3f s after the deploy call (run %.0f ms); "
        "data dir +%d KiB on disk, +%d bytes apparent; load %s" % (
            label, len(repos), new[:7], r["seconds"], r["run_ms"], r["growth_kib"], r["growth_apparent_bytes"],
            r["load_end"]))
    return r


def copy_cost(fs, names, work):
    """What one device repository costs when it holds its own objects: a copy made self-contained
    (git repack -a -d pulls the borrowed objects in; then the alternates entry goes), × N."""
    tmp = tempfile.mkdtemp(dir=work)
    try:
        copy = os.path.join(tmp, "device.git")
        original = device_repo(fs.data, names[0])
        shutil.copytree(original, copy)
        own_kib, own_bytes = du(copy)
        alt = os.path.join(copy, "objects", "info", "alternates")
        if os.path.exists(alt):  # relative to the original's objects/: point the copy at the same stores
            with open(alt) as f:
                lines = [os.path.normpath(os.path.join(original, "objects", l.strip())) for l in f if l.strip()]
            with open(alt, "w") as f:
                f.write("\n".join(lines) + "\n")
        git(work, "--git-dir", copy, "repack", "-a", "-d", "-q")  # no -l: borrowed objects are copied in
        if os.path.exists(alt):
            os.remove(alt)
        git(work, "--git-dir", copy, "fsck", "--no-dangling", "--connectivity-only")
        full_kib, full_bytes = du(copy)
    finally:
        shutil.rmtree(tmp)
    n = len(names)
    r = {"shared_device_kib": own_kib, "shared_device_bytes": own_bytes, "self_contained_kib": full_kib,
         "self_contained_bytes": full_bytes, "copies_total_mb": full_kib * n / 1024.0,
         "copies_apparent_mb": full_bytes * n / 1e6}
    log("a self-contained device repo: %d KiB on disk (%d bytes); × %d = %.0f MB; one sharing the group's "
        "objects: %d KiB" % (full_kib, full_bytes, n, r["copies_total_mb"], own_kib))
    return r


# ---- 2. watchers

class Watch(asyncio.Protocol):
    """One long poll on a raw socket: sends the request, notes when the first byte of the answer arrives."""

    def __init__(self, request_bytes, done):
        self.request, self.done = request_bytes, done
        self.first, self.head = None, b""

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        if self.first is None:
            self.first = time.perf_counter()
        self.head += data
        if b"\r\n\r\n" in self.head and not self.done.done():
            self.transport.close()

    def connection_lost(self, exc):
        if self.first is None:
            self.first = -1.0
        self.done.set_result(True) if not self.done.done() else None


async def watchers(fs, tokens, w, commit, deploy, timeout_s=120):
    loop = asyncio.get_running_loop()
    watches = []
    sem = asyncio.Semaphore(256)

    async def open_one(i):
        tok = tokens[i % len(tokens)]
        req = ("GET /api/v1/devices/self/watch?after=%s&timeout=%d HTTP/1.1\r\nHost: %s:%d\r\n"
               "Authorization: Bearer %s\r\nAccept: application/json\r\n\r\n" % (
                   commit, timeout_s, HOST, fs.port, tok)).encode()
        async with sem:
            done = loop.create_future()
            _, proto = await loop.create_connection(lambda: Watch(req, done), HOST, fs.port)
            watches.append((proto, done))

    t_open = time.perf_counter()
    await asyncio.gather(*(open_one(i) for i in range(w)))
    opened = time.perf_counter() - t_open
    # every one of them waiting on the server, by its own gauge
    waiting, t_wait = 0, time.perf_counter()
    while waiting < w:
        _, _, body = await loop.run_in_executor(None, lambda: request(fs.port, "GET", "/metrics"))
        for line in body.decode().splitlines():
            if line.startswith("flowstage_device_watchers"):
                waiting = int(float(line.rsplit(" ", 1)[1]))
        early = sum(1 for p, _ in watches if p.first is not None)
        if early:
            raise RuntimeError("%d watches answered before the deploy" % early)
        if time.perf_counter() - t_wait > 120:
            raise RuntimeError("only %d of %d watches waiting after 120 s" % (waiting, w))
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)  # let the server settle before reading its RSS
    rss = rss_mb(fs.pid)
    log("watchers: %d open in %.1f s, all waiting; server RSS %.0f MB" % (w, opened, rss))
    server_cpu0, client_cpu0 = cpu_seconds(fs.pid), time.process_time()
    wall0, t0 = time.time(), time.perf_counter()
    deploy_f = loop.run_in_executor(None, deploy)
    await asyncio.wait([d for _, d in watches], timeout=60)
    t_all = max((p.first for p, _ in watches if p.first and p.first > 0), default=t0)
    # who was busy while the answers came: the server process, or this client (one event loop)
    server_cpu, client_cpu = cpu_seconds(fs.pid) - server_cpu0, time.process_time() - client_cpu0
    run = await deploy_f
    # the run's finishedAt is after its last device ref was written (server clock; same machine)
    finished_ms = (instant(run["finishedAt"]) - wall0) * 1000
    lat = sorted((p.first - t0) * 1000 for p, _ in watches if p.first and p.first > 0)
    ok = sum(1 for p, _ in watches if p.head.startswith(b"HTTP/1.1 200"))
    return {"watchers": w, "devices": len(tokens), "open_seconds": opened, "rss_mb": rss,
            "notified": len(lat), "answered_200": ok, "all_notified_s": (t_all - t0),
            "p50_ms": statistics.median(lat) if lat else None, "p99_ms": lat[int(len(lat) * 0.99) - 1] if lat else None,
            "max_ms": lat[-1] if lat else None, "run_finished_ms": finished_ms,
            "server_cpu_s": server_cpu, "client_cpu_s": client_cpu, "deploy": run["targetAfter"]}


# ---- 3. status reports

WRK_LUA = r"""
local tokens = {}
local commit = "%(commit)s"
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local i = 0
local body = '{"commit":"' .. commit .. '","state":"running","message":"bench"}'
setup = function(thread) thread:set("offset", #tokens > 0 and math.random(#tokens) or 0) end
request = function()
  i = i + 1
  local t = tokens[((i + (offset or 0)) %% #tokens) + 1]
  return wrk.format("POST", "/api/v1/devices/self/status",
    {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("FLEET p50=%%.3f p99=%%.3f max=%%.3f requests=%%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.requests))
end
"""


def status_reports(fs, tokens, commit, connections, seconds, work):
    tok_file = os.path.join(work, "fleet-tokens.txt")
    with open(tok_file, "w") as f:
        f.write("\n".join(tokens) + "\n")
    script = os.path.join(work, "fleet-status.lua")
    with open(script, "w") as f:
        f.write(WRK_LUA % {"commit": commit, "tokens": tok_file})
    # one report checked by hand first: 200 and stored
    st, _, body = request(fs.port, "POST", "/api/v1/devices/self/status", {"commit": commit, "state": "running"},
                          headers={"Authorization": "Bearer " + tokens[0]})
    if st != 200:
        raise RuntimeError("a status report answered %d %s" % (st, body[:300]))
    rows = []
    for c in connections:
        load0 = loadavg()
        out = subprocess.run(["wrk", "-t2", "-c%d" % c, "-d%ds" % seconds, "--timeout", "30s", "--latency", "-s", script,
                              "http://%s:%d" % (HOST, fs.port)], capture_output=True, text=True, timeout=seconds + 120)
        text = out.stdout
        fleet = next((l for l in text.splitlines() if l.startswith("FLEET ")), None)
        if out.returncode != 0 or fleet is None:
            raise RuntimeError("wrk failed: %s %s" % (text[-2000:], out.stderr[-2000:]))
        kv = dict(p.split("=") for p in fleet.split()[1:])
        rps = next(float(l.split()[1]) for l in text.splitlines() if l.startswith("Requests/sec:"))
        non2xx = next((int(l.split()[-1]) for l in text.splitlines() if "Non-2xx" in l), 0)
        sock = next((l.strip() for l in text.splitlines() if "Socket errors" in l), "")
        row = {"connections": c, "rps": rps, "p50_ms": float(kv["p50"]), "p99_ms": float(kv["p99"]),
               "max_ms": float(kv["max"]), "requests": int(kv["requests"]), "non2xx": non2xx,
               "socket_errors": sock, "load_start": load0, "load_end": loadavg()}
        log("status reports at %d connections: %.0f/s, p50 %.1f ms, p99 %.1f ms, non-2xx %d %s; load %s" % (
            c, rps, row["p50_ms"], row["p99_ms"], non2xx, sock, row["load_end"]))
        rows.append(row)
    return rows


# ---- report

def md(res):
    L = ["# Fleet benchmark (issue 8)", "",
         "Run %s; %s; machine: %d cores, load average (1/5/15 min) at start %s. Server: `%s`%s." % (
             res["when"], res["jar"], os.cpu_count(), res["load_start"], res["command"],
             "; **quick mode (reduced scale, not for figures)**" if res["quick"] else ""),
         "", "Set-up: %d devices created through the API in %.1f s (%.0f/s)." % (
             res["setup"]["devices"], res["setup"]["create_seconds"],
             res["setup"]["devices"] / res["setup"]["create_seconds"]), ""]
    d = res.get("deploy")
    if d:
        L += ["## Group deploy to %d devices" % res["setup"]["devices"], "",
              "| deploy | deploy call → all device refs updated | goal | run createdAt → finishedAt | data dir growth (disk / apparent) | goal | load (1 min) start → end |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in d["deploys"]:
            L.append("| %s | %.3f s | < %.0f s %s | %.0f ms | %.0f KiB / %.0f KiB | < %.0f MB %s | %s → %s |" % (
                r["label"], r["seconds"], GOAL_DEPLOY_S, "✅" if r["seconds"] < GOAL_DEPLOY_S else "❌",
                r["run_ms"], r["growth_kib"], r["growth_apparent_bytes"] / 1024.0, GOAL_GROWTH_MB,
                "✅" if r["growth_kib"] < GOAL_GROWTH_MB * 1024 else "❌",
                r["load_start"].split(" / ")[0], r["load_end"].split(" / ")[0]))
        c = d["copy"]
        n = res["setup"]["devices"]
        last = d["deploys"][-1]
        L += ["", "Fan-out log: %s" % "; ".join(last["fanout_log"]), "",
              "Copying instead of sharing: one device repository made self-contained (a copy, `git repack -a -d`, "
              "alternates removed) takes %d KiB on disk (%d bytes apparent); × %d devices = **%.1f MB** "
              "(%.1f MB apparent), against %.0f KiB of growth for the shared deploy (ratio %.0f×). A device "
              "repository that borrows the group's objects takes %d KiB (%d bytes apparent), refs and config only."
              % (c["self_contained_kib"], c["self_contained_bytes"], n, c["copies_total_mb"],
                 c["copies_apparent_mb"], last["growth_kib"],
                 c["copies_total_mb"] * 1024 / max(last["growth_kib"], 1), c["shared_device_kib"],
                 c["shared_device_bytes"]), ""]
    w = res.get("watchers")
    if w:
        L += ["## %d concurrent watchers" % w["watchers"], "",
              "| figure | value | goal |", "| --- | --- | --- |",
              "| devices (tokens) they are spread over | %d (%d watches each) | |" % (w["devices"], w["watchers"] // w["devices"]),
              "| server RSS before the watches (after the set-up and the deploys) | %.0f MB | |" % res["idle_rss_mb"],
              "| server RSS with all waiting | %.0f MB | < %.0f MB %s |" % (w["rss_mb"], GOAL_RSS_MB,
                                                                           "✅" if w["rss_mb"] < GOAL_RSS_MB else "❌"),
              "| deploy call → every watcher answered | %.3f s | < %.0f s %s |" % (
                  w["all_notified_s"], GOAL_NOTIFY_S, "✅" if w["all_notified_s"] < GOAL_NOTIFY_S else "❌"),
              "| p50 / p99 / max per watcher (from the deploy call) | %.0f / %.0f / %.0f ms | |" % (w["p50_ms"], w["p99_ms"], w["max_ms"]),
              "| deploy call → the run's finishedAt (all device refs written) | %.0f ms | |" % w["run_finished_ms"],
              "| CPU used from the deploy call until all answered: server / bench client | %s | |" % (
                  "%.2f s / %.2f s (wall %.2f s)" % (w["server_cpu_s"], w["client_cpu_s"], w["all_notified_s"])
                  if w.get("server_cpu_s") is not None else "not measured in this run"),
              "| answered 200 / notified | %d / %d of %d | |" % (w["answered_200"], w["notified"], w["watchers"]),
              "| opening all watches | %.1f s | |" % w["open_seconds"],
              "| load (1 min) | %s → %s | |" % (w["load_start"], w["load_end"]), ""]
    s = res.get("status")
    if s:
        L += ["## Status reports from %d devices" % res["setup"]["devices"], "",
              "| connections | reports/s | p50 | p99 | max | non-2xx | socket errors | load (1 min) start → end |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in s:
            L.append("| %d | %.0f | %.1f ms | %.1f ms | %.0f ms | %d | %s | %s → %s |" % (
                r["connections"], r["rps"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["non2xx"],
                r["socket_errors"] or "none", r["load_start"].split(" / ")[0], r["load_end"].split(" / ")[0]))
        L.append("")
    L += ["Everything on loopback on one machine: the server, the bench client, wrk and git share its cores "
          "(and other builds ran on it). Compare ratios within one run; absolute times move with the load.", ""]
    return "\n".join(L)


def jar_id(a):
    if a.server_cmd:
        return a.server_cmd
    with open(a.jar, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    return "jar sha256 %s…" % digest


def main():
    a = args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = a.watchers + 1024
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < need:
        sys.exit("open files limit %d < %d for %d watchers: raise it (ulimit -n; fleet.sh does)" % (soft, need, a.watchers))
    work = os.path.abspath(a.work)
    run_dir = os.path.join(work, "fleet-run")
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    res = {"when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "load_start": loadavg(), "jar": jar_id(a), "command": " ".join(a.command), "quick": a.quick,
           "open_files_limit": soft}
    log("open files limit %d; load %s" % (soft, res["load_start"]))
    src = os.path.join(run_dir, "source.git")
    shas, nodes, size = make_source(run_dir, src, 3)
    log("source: %d-node project (flows.json %d bytes), %d commits" % (nodes, size, len(shas)))
    fs = Flowstage(a.command, os.path.join(run_dir, "data"), os.path.join(run_dir, "server.log"))
    fs.work = run_dir
    log("starting flowstage (%.1f s to healthy)" % fs.start())
    try:
        fs.login()
        names, tokens, res["setup"] = setup(fs, a.devices, run_dir, src, shas[0])
        res["idle_rss_mb"] = rss_mb(fs.pid)
        deploys = [group_deploy(fs, names, run_dir, src, shas[0], "first (creates every device's main)"),
                   group_deploy(fs, names, run_dir, src, shas[1], "second (moves every device's main)")]
        res["deploy"] = {"deploys": deploys, "copy": copy_cost(fs, names, run_dir)}
        commit = deploys[-1]["commit"]
        if a.only in ("all", "watchers"):
            load0 = loadavg()

            # the push to dev is not the deploy: it is done first, and only the deploy call is timed
            git(run_dir, "--git-dir", src, "push", "-q", fs.git_url(TEAM, "dev"), shas[2] + ":refs/heads/main")
            w = asyncio.run(watchers(fs, tokens, a.watchers, commit,
                                     lambda: wait_run(fs, deploy_run(fs))))
            w.update(load_start=load0, load_end=loadavg())
            commit = w["deploy"]
            log("watchers: all %d answered %.3f s after the deploy call (p50 %.0f ms, p99 %.0f ms); %d × 200" % (
                w["notified"], w["all_notified_s"], w["p50_ms"], w["p99_ms"], w["answered_200"]))
            res["watchers"] = w
        if a.only in ("all", "status"):
            res["status"] = status_reports(fs, tokens, commit, a.connections, a.status_seconds, run_dir)
    finally:
        fs.stop()
    text = md(res)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump(res, f, indent=1, default=str)
    print(text)


if __name__ == "__main__":
    main()
