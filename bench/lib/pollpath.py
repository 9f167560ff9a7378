#!/usr/bin/env python3
"""The device poll against the machine's limit (issue 8, "Performance"). See docs/bench-poll.md.

HTTP: a device's protocol-v2 ls-refs poll of refs/heads/main (keep-alive, HTTP Basic with the device
token), driven by wrk against the server and against a bare Jetty 12 handler from the same jar that
answers the same bytes as a constant (dev.flowstage.server.bench.PollReference), in alternating rounds
of the same run; req/s, p50, p99 and ours/reference.

SSH: `git ls-remote` of refs/heads/main over SSH with a key, N clients in a loop, against the server's
SSH port (the device's registered key) and against OpenSSH's sshd on loopback serving C git on the
same bare repository (the device's repository in the server's data dir).
"""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402
import poll  # noqa: E402
from common import HOST, basic, free_port, git_env, log, spawn_ms, stop  # noqa: E402
from promotion_bench import make_source  # noqa: E402
from servers import Flowstage  # noqa: E402

LIB = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(LIB)
DEFAULT_JAR = os.path.join(os.path.dirname(BENCH), "server/target/flowstage.jar")
DEVICE = "d-00000"
GOAL_RATIO, GOAL_P99 = 0.60, 2.0
# what the reference repeats of our answer; Date, Content-Length and Connection are Jetty's own
COPIED_HEADERS = ("content-type", "expires", "pragma", "cache-control")


def args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jar", default=DEFAULT_JAR, help="the server jar; the reference runs from it too")
    ap.add_argument("--java-opts", default="", help="JVM options for the server, e.g. "
                    "'-XX:StartFlightRecording=filename=poll.jfr,settings=profile'")
    ap.add_argument("--connections", default="64", help="wrk connection counts, e.g. 16,64,256")
    ap.add_argument("--seconds", type=int, default=10, help="length of one wrk round")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (ours, reference) per count")
    ap.add_argument("--warmup", type=int, default=20, help="seconds of polling each, at 64 connections, before the rounds")
    ap.add_argument("--ssh-clients", default="8", help="concurrent `git ls-remote` loops, e.g. 1,8")
    ap.add_argument("--ssh-seconds", type=int, default=15)
    ap.add_argument("--only", choices=["all", "http", "ssh"], default="all")
    ap.add_argument("--hold", action="store_true",
                    help="after set-up, print how to poll the server and wait for Enter (profiling)")
    ap.add_argument("--quick", action="store_true", help="3 s rounds, 1 round, 5 s of SSH: tries it out")
    ap.add_argument("--work", default=os.path.join(BENCH, "work"))
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "poll-latest.md"))
    a = ap.parse_args()
    if a.quick:
        a.seconds, a.rounds, a.ssh_seconds, a.warmup = 3, 1, 5, 5
    if not os.path.isfile(a.jar):
        sys.exit("no server jar at %s: build it (mvn -B -q -o -DskipTests package)" % a.jar)
    a.command = ["java"] + shlex.split(a.java_opts) + ["-jar", a.jar]
    return a


def loadavg():
    return "%.1f" % os.getloadavg()[0]


# ---- set-up: one device in a group, its main deployed through a pipeline

def setup(fs, run_dir):
    src = os.path.join(run_dir, "source.git")
    shas, nodes, size = make_source(run_dir, src, 1)
    names, tokens, _ = fleet.setup(fs, 1, run_dir, src, shas[0])
    run = fleet.wait_run(fs, fleet.deploy_run(fs))
    main = fleet.read_main(fleet.device_repo(fs.data, DEVICE))
    if main is None or main != run.get("targetAfter", main):
        raise RuntimeError("device main is %s after the deploy, the run says %s" % (main, run.get("targetAfter")))
    log("device %s/%s deployed: main %s (%d-node project)" % (fleet.TEAM, DEVICE, main[:12], nodes))
    return tokens[0], main


def raw_poll(port, path, headers):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("POST", path, body=poll.LS_REFS_BODY, headers=headers)
        rsp = conn.getresponse()
        return rsp.status, [(k.lower(), v) for k, v in rsp.getheaders()], rsp.read()
    finally:
        conn.close()


def check_answer(name, status, body, main):
    expected = b"%04x%s refs/heads/main\n" % (4 + 41 + len("refs/heads/main\n"), main.encode())
    if status != 200 or body != expected + b"0000":
        raise RuntimeError("%s: the poll answered %d %r, expected %r" % (name, status, body[:200], expected + b"0000"))


# ---- HTTP: the server against the constant-answer reference

class Reference:
    """PollReference from the server jar, answering OUR poll's body and headers as constants."""

    name = "reference"

    def __init__(self, jar, work, body, headers):
        self.jar, self.work, self.body, self.headers = jar, work, body, headers
        self.port = free_port()
        self.proc = None

    def start(self):
        body_file = os.path.join(self.work, "poll-answer.bin")
        with open(body_file, "wb") as f:
            f.write(self.body)
        cmd = (["java", "-cp", self.jar, "dev.flowstage.server.bench.PollReference", str(self.port), body_file]
               + ["%s: %s" % (k, v) for k, v in self.headers])
        self.proc = subprocess.Popen(cmd, stdout=open(os.path.join(self.work, "reference.log"), "w"),
                                     stderr=subprocess.STDOUT)
        t0 = time.perf_counter()
        while True:
            try:
                return raw_poll(self.port, "/", {})
            except OSError:
                if self.proc.poll() is not None or time.perf_counter() - t0 > 30:
                    raise RuntimeError("the poll reference did not start (see %s/reference.log)" % self.work)
                time.sleep(0.05)

    def stop(self):
        stop(self.proc)


def cpu_seconds(pid):
    """User + system CPU seconds the process has used so far (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Target:
    """What wrk polls: a port, a path and the headers of the device's poll; pid for its CPU time."""

    def __init__(self, name, port, path, headers, pid):
        self.name, self.port, self.path, self.headers, self.pid = name, port, path, headers, pid

    def auth_headers(self):
        return {"Authorization": self.headers["Authorization"]}

    def git_path(self, team, repo):
        return self.path[:-len("/git-upload-pack")]


def measure_http(fs, a, token, main, run_dir, res):
    path = "/git/%s/%s.git/git-upload-pack" % (fleet.TEAM, DEVICE)
    headers = dict(poll.POLL_HEADERS, Authorization=basic(DEVICE, token))
    status, hdrs, body = raw_poll(fs.port, path, headers)
    check_answer("flowstage", status, body, main)
    copied = [(k, v) for k, v in hdrs if k in COPIED_HEADERS]
    ref = Reference(a.jar, run_dir, body, copied)
    try:
        r_status, r_hdrs, r_body = ref.start()
        check_answer("reference", r_status, r_body, main)
        ours_set = sorted((k, v) for k, v in hdrs if k != "date")
        ref_set = sorted((k, v) for k, v in r_hdrs if k != "date")
        if ours_set != ref_set:
            raise RuntimeError("the reference's headers differ from ours: %r vs %r" % (ref_set, ours_set))
        res["http"] = {"answer_bytes": len(body), "headers": ours_set, "levels": []}
        log("poll answer: %d bytes, headers %s; the reference answers the same" % (len(body), ours_set))
        targets = [Target("flowstage", fs.port, path, headers, fs.pid),
                   Target("reference", ref.port, path, headers, ref.proc.pid)]
        for t in targets:
            script = os.path.join(run_dir, "poll-%s.lua" % t.name)
            poll.write_script(t, script)
            # warm-up, not counted: the server's JIT compiles for tens of seconds after start-up
            poll.run_wrk(t, script, fleet.TEAM, DEVICE, 64, a.warmup)
        for c in [int(x) for x in a.connections.split(",")]:
            level = {"connections": c, "load_start": loadavg(), "rounds": []}
            for i in range(a.rounds):
                pair = {}
                for t in targets:
                    cpu0 = cpu_seconds(t.pid)
                    r = poll.run_wrk(t, os.path.join(run_dir, "poll-%s.lua" % t.name), fleet.TEAM, DEVICE, c,
                                     a.seconds)
                    requests = re.search(r"(\d+) requests in", r["raw"])
                    # CPU per answered poll: what the server spends, whatever share of the cores it got
                    r["cpu_us"] = 1e6 * (cpu_seconds(t.pid) - cpu0) / int(requests.group(1))
                    with open(os.path.join(run_dir, "wrk-%s-%d-%d.txt" % (t.name, c, i)), "w") as f:
                        f.write(r.pop("raw"))
                    if r["non2xx"] or r["socket_errors"]:
                        raise RuntimeError("%s at %d connections: %d non-2xx, %s"
                                           % (t.name, c, r["non2xx"], r["socket_errors"]))
                    pair[t.name] = r
                pair["ratio"] = pair["flowstage"]["rps"] / pair["reference"]["rps"]
                log("c=%d round %d: flowstage %.0f req/s p50 %.2f p99 %.2f ms %.0f µs CPU/poll | reference %.0f "
                    "req/s p50 %.2f p99 %.2f ms %.0f µs CPU/poll | ratio %.2f"
                    % (c, i + 1, pair["flowstage"]["rps"], pair["flowstage"]["p50_ms"], pair["flowstage"]["p99_ms"],
                       pair["flowstage"]["cpu_us"], pair["reference"]["rps"], pair["reference"]["p50_ms"],
                       pair["reference"]["p99_ms"], pair["reference"]["cpu_us"], pair["ratio"]))
                level["rounds"].append(pair)
            level["load_end"] = loadavg()
            for name in ("flowstage", "reference"):
                level[name] = {k: statistics.median(p[name][k] for p in level["rounds"])
                               for k in ("rps", "p50_ms", "p99_ms", "cpu_us")}
            level["ratio"] = level["flowstage"]["rps"] / level["reference"]["rps"]
            level["p99_ratio"] = level["flowstage"]["p99_ms"] / level["reference"]["p99_ms"]
            res["http"]["levels"].append(level)
            log("c=%d medians: ratio %.2f (goal ≥ %.2f), p99 %.2f× the reference's (goal ≤ %.1f×)"
                % (c, level["ratio"], GOAL_RATIO, level["p99_ratio"], GOAL_P99))
    finally:
        ref.stop()


# ---- SSH: the server's SSH against OpenSSH sshd + C git on the same repository

SSHD_CONFIG = """Port %(port)d
ListenAddress 127.0.0.1
HostKey %(hostkey)s
PidFile %(pidfile)s
AuthorizedKeysFile %(authorized)s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AcceptEnv GIT_PROTOCOL
MaxStartups 256
MaxSessions 256
UseDNS no
PrintMotd no
"""


class OpenSsh:
    """/usr/sbin/sshd on a loopback port with its own host key and one authorized key."""

    name = "openssh"

    def __init__(self, work, pubkey):
        self.work, self.pubkey = work, pubkey
        self.port = free_port()
        self.proc = None

    def start(self):
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory must exist
        hostkey = os.path.join(self.work, "sshd_host_ed25519")
        if not os.path.exists(hostkey):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey], check=True)
        authorized = os.path.join(self.work, "sshd_authorized_keys")
        shutil.copy(self.pubkey, authorized)
        conf = os.path.join(self.work, "sshd_config")
        with open(conf, "w") as f:
            f.write(SSHD_CONFIG % {"port": self.port, "hostkey": hostkey, "authorized": authorized,
                                   "pidfile": os.path.join(self.work, "sshd.pid")})
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", conf],
                                     stderr=open(os.path.join(self.work, "sshd.log"), "w"))

    def stop(self):
        stop(self.proc)


def ssh_command(key, port):
    return ("ssh -F /dev/null -i %s -p %d -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no "
            "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ControlMaster=no" % (key, port))


def ls_remote(run_dir, url, key, port):
    env = dict(git_env(run_dir), GIT_SSH_COMMAND=ssh_command(key, port))
    t0 = time.perf_counter()
    r = subprocess.run(["git", "-c", "protocol.version=2", "ls-remote", url, "refs/heads/main"], env=env,
                       capture_output=True, timeout=60)
    return time.perf_counter() - t0, r


def loop_ls_remote(run_dir, url, key, port, clients, seconds, main):
    latencies, failures = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            secs, r = ls_remote(run_dir, url, key, port)
            with lock:
                if r.returncode == 0 and r.stdout.decode().startswith(main + "\trefs/heads/main"):
                    latencies.append(secs)
                else:
                    failures.append(r.stderr.decode()[-300:])
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"clients": clients, "polls": len(latencies), "failures": len(failures),
            "first_failure": failures[0] if failures else "", "polls_per_s": len(latencies) / wall,
            "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None}


def measure_ssh(fs, a, main, run_dir, res):
    key = os.path.join(run_dir, "device_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key], check=True)
    with open(key + ".pub") as f:
        fs.api("POST", "/teams/%s/devices/%s/keys" % (fleet.TEAM, DEVICE), {"title": "bench", "key": f.read().strip()})
    repo = os.path.abspath(fleet.device_repo(fs.data, DEVICE))
    sshd = OpenSsh(run_dir, key + ".pub")
    sshd.start()
    try:
        user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        targets = [("flowstage", "ssh://git@%s:%d/%s/%s.git" % (HOST, fs.ssh_port, fleet.TEAM, DEVICE), fs.ssh_port),
                   ("openssh", "ssh://%s@%s:%d%s" % (user, HOST, sshd.port, repo), sshd.port)]
        for name, url, port in targets:
            t0 = time.perf_counter()
            while True:  # the first one also waits for sshd to listen
                secs, r = ls_remote(run_dir, url, key, port)
                if r.returncode == 0:
                    break
                if time.perf_counter() - t0 > 20:
                    raise RuntimeError("%s: git ls-remote over SSH failed: %s" % (name, r.stderr.decode()[-500:]))
                time.sleep(0.2)
            if not r.stdout.decode().startswith(main + "\trefs/heads/main"):
                raise RuntimeError("%s: ls-remote answered %r" % (name, r.stdout[:200]))
            loop_ls_remote(run_dir, url, key, port, 2, 2, main)  # warm-up
        res["ssh"] = {"repo": repo, "levels": []}
        for clients in [int(x) for x in a.ssh_clients.split(",")]:
            level = {"clients": clients, "load_start": loadavg()}
            for name, url, port in targets:
                level[name] = loop_ls_remote(run_dir, url, key, port, clients, a.ssh_seconds, main)
                r = level[name]
                log("ssh %-9s %d clients: %.1f polls/s p50 %.0f ms p99 %.0f ms, %d failures"
                    % (name, clients, r["polls_per_s"], r["p50_ms"] or 0, r["p99_ms"] or 0, r["failures"]))
                if r["failures"]:
                    raise RuntimeError("%s: %d failed ls-remotes, first: %s" % (name, r["failures"], r["first_failure"]))
            level["load_end"] = loadavg()
            level["ratio"] = level["flowstage"]["polls_per_s"] / level["openssh"]["polls_per_s"]
            log("ssh %d clients: ratio %.2f" % (clients, level["ratio"]))
            res["ssh"]["levels"].append(level)
    finally:
        sshd.stop()


# ---- report

def md(res):
    out = ["# Poll path: the server against a constant-answer Jetty handler and OpenSSH", "",
           "Run of %s, load average %s at the start, %s at the end; %d cores shared by the server, the "
           "reference and the load generator. Server: `%s serve …`%s." % (
               res["when"], res["load_start"], res["load_end"], os.cpu_count(), res["command"], res["jar"]), "",
           "Starting a process (/bin/true, median of 20) took %.1f ms at the start and %.1f ms at the end (about 1 ms "
           "on a quiet machine); every SSH poll starts an ssh and a git on the client, and sshd starts a git "
           "upload-pack per poll." % (res["spawn_ms_start"], res["spawn_ms_end"]), "",
           "Produced by `bench/poll.sh` (bench/lib/pollpath.py); how it measures: docs/bench-poll.md.", ""]
    h = res.get("http")
    if h:
        out += ["## HTTP: device poll (protocol-v2 ls-refs of main, keep-alive, Basic with the device token)", "",
                "Answer: %d bytes, headers %s. Reference: `dev.flowstage.server.bench.PollReference` from the same "
                "jar, a bare Jetty 12 `Handler` answering those bytes and headers as constants. wrk, ≤ 2 threads, "
                "%d s per round after %d s of warm-up each, rounds alternate server / reference; figures are medians of "
                "the rounds." % (h["answer_bytes"], ", ".join("%s: %s" % kv for kv in h["headers"]), res["seconds"],
                                  res["warmup"]), "",
                "| connections | flowstage req/s | reference req/s | ratio | goal | flowstage p50 / p99 | "
                "reference p50 / p99 | p99 ratio | goal | CPU per poll: flowstage / reference | load |",
                "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |"]
        for lv in h["levels"]:
            f, r = lv["flowstage"], lv["reference"]
            out.append("| %d | %.0f | %.0f | %.2f | ≥ %.2f: %s | %.2f / %.2f ms | %.2f / %.2f ms | %.2f× | ≤ %.0f×: %s "
                       "| %.0f / %.0f µs | %s–%s |" % (
                           lv["connections"], f["rps"], r["rps"], lv["ratio"], GOAL_RATIO,
                           "met" if lv["ratio"] >= GOAL_RATIO else "**not met**", f["p50_ms"], f["p99_ms"],
                           r["p50_ms"], r["p99_ms"], lv["p99_ratio"], GOAL_P99,
                           "met" if lv["p99_ratio"] <= GOAL_P99 else "**not met**", f["cpu_us"], r["cpu_us"],
                           lv["load_start"], lv["load_end"]))
        out += ["", "Every round (CPU: the process's user + system time during the round / polls answered):", "",
                "| connections | round | flowstage req/s, p50, p99, CPU/poll | reference req/s, p50, p99, CPU/poll "
                "| ratio |", "| ---: | ---: | --- | --- | ---: |"]
        for lv in h["levels"]:
            for i, p in enumerate(lv["rounds"]):
                out.append("| %d | %d | %.0f, %.2f, %.2f ms, %.0f µs | %.0f, %.2f, %.2f ms, %.0f µs | %.2f |" % (
                    lv["connections"], i + 1, p["flowstage"]["rps"], p["flowstage"]["p50_ms"],
                    p["flowstage"]["p99_ms"], p["flowstage"]["cpu_us"], p["reference"]["rps"],
                    p["reference"]["p50_ms"], p["reference"]["p99_ms"], p["reference"]["cpu_us"], p["ratio"]))
        out.append("")
    s = res.get("ssh")
    if s:
        out += ["## SSH: `git ls-remote` of main with a key", "",
                "Each client runs `git -c protocol.version=2 ls-remote URL refs/heads/main` in a loop (a new ssh "
                "process and SSH handshake per poll, ed25519 key) for %d s. flowstage: the server's SSH port, the "
                "device's registered key. openssh: `/usr/sbin/sshd` on loopback (its own config, key-only) "
                "running C git's upload-pack on the same bare repository (`%s`)." % (res["ssh_seconds"], s["repo"]), "",
                "| clients | flowstage polls/s | openssh + C git polls/s | ratio | flowstage p50 / p99 | "
                "openssh p50 / p99 | load |", "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for lv in s["levels"]:
            f, o = lv["flowstage"], lv["openssh"]
            out.append("| %d | %.1f | %.1f | %.2f | %.0f / %.0f ms | %.0f / %.0f ms | %s–%s |" % (
                lv["clients"], f["polls_per_s"], o["polls_per_s"], lv["ratio"], f["p50_ms"], f["p99_ms"],
                o["p50_ms"], o["p99_ms"], lv["load_start"], lv["load_end"]))
        out.append("")
    return "\n".join(out) + "\n"


def jar_id(path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    return " (jar sha256 %s…)" % digest


def main():
    a = args()
    work = os.path.abspath(a.work)
    run_dir = os.path.join(work, "poll-run")
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    res = {"when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "load_start": loadavg(), "command": " ".join(a.command), "jar": jar_id(a.jar),
           "seconds": a.seconds, "warmup": a.warmup, "ssh_seconds": a.ssh_seconds, "spawn_ms_start": spawn_ms()}
    fs = Flowstage(a.command, os.path.join(run_dir, "data"), os.path.join(run_dir, "server.log"))
    log("starting flowstage (%.1f s to healthy)" % fs.start())
    try:
        fs.login()
        token, main_sha = setup(fs, run_dir)
        if a.hold:
            log("holding: POST http://%s:%d/git/%s/%s.git/git-upload-pack as %s (token in %s/token); Enter ends"
                % (HOST, fs.port, fleet.TEAM, DEVICE, DEVICE, run_dir))
            with open(os.path.join(run_dir, "token"), "w") as f:
                f.write(token)
            input()
        if a.only in ("all", "http"):
            measure_http(fs, a, token, main_sha, run_dir, res)
        if a.only in ("all", "ssh"):
            measure_ssh(fs, a, main_sha, run_dir, res)
    finally:
        fs.stop()
    res["load_end"] = loadavg()
    res["spawn_ms_end"] = spawn_ms()
    text = md(res)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump(res, f, indent=1, default=str)
    print(text)


if __name__ == "__main__":
    main()
