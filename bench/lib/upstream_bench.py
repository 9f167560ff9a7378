#!/usr/bin/env python3
"""Upstream sync benchmark (issue 9): N instances of one Flowstage server follow one branch of one
local HTTPS remote (C git's http-backend behind lighttpd, a CA made here, Basic auth) at the minimum
interval (120 s). Measures, in one run:

- worker threads: the server's threads named upstream-sync-* and its total thread count, sampled
  while every instance is idle and in sync (no thread per instance), and during the webhook burst;
- CPU per idle sync: the server process's CPU time over an idle window, minus the CPU time of a
  window of the same length with every instance configured and paused (the reference, measured in
  the same run), divided by the syncs the server did in the window (its /metrics counter
  flowstage_upstream_syncs_total); next to it the ref advertisements those syncs asked of the remote
  (shared by the followers of one remote) and the requests the remote served (counted by the CGI
  wrapper before git answers);
- push to every main moved: one commit pushed to the remote, then every instance's push webhook
  (signed, as GitHub sends it); the time until every instance's main moved (read from the
  repositories on disk, so the measuring does not load the server), the server's CPU in that time,
  and the syncs, advertisements and fetches it took.

Usage: bench/upstream.sh [--instances 1000] [--idle-seconds 180] [--jfr FILE] [--jar server/target/flowstage.jar]
Python 3 standard library only; needs lighttpd (with mod_openssl), openssl, git, java.
"""
import argparse
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HOST, basic, free_port, git, log, request, stop, wait_until_ok  # noqa: E402

TEAM = "bench"
ADMIN_PASSWORD = "bench-admin-Pw-0123456789"
REMOTE_USER, REMOTE_PASSWORD = "rita", "remote-pass-0123"
FLOWS = '[{"id":"t1","type":"tab","label":"Line %d"},{"id":"n1","type":"inject","z":"t1"}]\n'


def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads(pid):
    names = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return len(names), sum(1 for n in names if n.startswith("upstream-sync"))


class Remote:
    def __init__(self, work):
        self.work, self.port = work, free_port()
        self.repos = os.path.join(work, "repos")
        self.requests = os.path.join(work, "requests.log")

    def start(self):
        w = self.work
        os.makedirs(self.repos, exist_ok=True)
        run = lambda *a: subprocess.run(a, cwd=w, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Bench CA",
            "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
            "-out", "server.csr")
        with open(os.path.join(w, "ext.cnf"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "ext.cnf", "-out", "server.crt")
        with open(os.path.join(w, "server.pem"), "w") as f:
            f.write(open(os.path.join(w, "server.crt")).read() + open(os.path.join(w, "server.key")).read())
        self.ca = open(os.path.join(w, "ca.pem")).read()
        with open(os.path.join(w, "users"), "w") as f:
            f.write("%s:%s\n" % (REMOTE_USER, REMOTE_PASSWORD))
        cgi = os.path.join(w, "git-cgi.sh")
        with open(cgi, "w") as f:
            f.write("#!/bin/sh\necho \"$REQUEST_METHOD $PATH_INFO?$QUERY_STRING\" >> '%s'\n"
                    "exec /usr/lib/git-core/git-http-backend\n" % self.requests)
        os.chmod(cgi, 0o755)
        os.makedirs(os.path.join(w, "www"), exist_ok=True)
        conf = os.path.join(w, "lighttpd.conf")
        with open(conf, "w") as f:
            f.write("""server.document-root = "%(w)s/www"
server.port = %(port)d
server.bind = "127.0.0.1"
server.errorlog = "%(w)s/error.log"
server.max-connections = 1024
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_openssl")
ssl.engine = "enable"
ssl.pemfile = "%(w)s/server.pem"
alias.url = ( "/git" => "%(cgi)s" )
$HTTP["url"] =~ "^/git" {
  cgi.assign = ( "" => "" )
  setenv.set-environment = ( "GIT_PROJECT_ROOT" => "%(repos)s", "GIT_HTTP_EXPORT_ALL" => "1" )
  auth.backend = "plain"
  auth.backend.plain.userfile = "%(w)s/users"
  auth.require = ( "" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )
}
""" % {"w": w, "port": self.port, "cgi": cgi, "repos": self.repos})
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", conf], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(w, "lighttpd.out"), "w"))
        self.bare = os.path.join(self.repos, "flows.git")
        git(w, "init", "-q", "--bare", "-b", "main", self.bare)
        self.checkout = os.path.join(w, "checkout")
        git(w, "init", "-q", "-b", "main", self.checkout)
        deadline = time.time() + 20
        while True:  # until lighttpd listens
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("lighttpd did not start: see %s/lighttpd.out" % w)
                time.sleep(0.05)

    def commit(self, n):
        with open(os.path.join(self.checkout, "flows.json"), "w") as f:
            f.write(FLOWS % n)
        git(self.work, "-C", self.checkout, "add", "-A")
        git(self.work, "-C", self.checkout, "commit", "-q", "-m", "Flows %d" % n)
        git(self.work, "-C", self.checkout, "push", "-q", self.bare, "HEAD:main")
        return git(self.work, "-C", self.checkout, "rev-parse", "HEAD", capture=True)

    def request_count(self):
        if not os.path.exists(self.requests):
            return 0
        with open(self.requests) as f:
            return sum(1 for _ in f)

    def url(self):
        return "https://127.0.0.1:%d/git/flows.git" % self.port


class Server:
    def __init__(self, jar, data, log_path, jfr=None):
        self.port, self.jar, self.data, self.log_path, self.jfr = free_port(), jar, data, log_path, jfr

    def start(self):
        env = dict(os.environ, FLOWSTAGE_ADMIN_PASSWORD=ADMIN_PASSWORD)
        cmd = ["java"]
        if self.jfr:
            cmd.append("-XX:StartFlightRecording=filename=%s,settings=profile,dumponexit=true" % self.jfr)
        cmd += ["-jar", self.jar, "serve", "--data", self.data, "--http-port", str(self.port),
                "--https-port", str(free_port()), "--ssh-port", str(free_port()), "--bind", HOST,
                "--outbound-allow", "127.0.0.1"]
        self.proc = subprocess.Popen(cmd, env=env, stdout=open(self.log_path, "a"), stderr=subprocess.STDOUT)
        wait_until_ok(self.port, "/healthz", 120, proc=self.proc)

    token = None

    def api(self, method, path, body=None, expect=(200, 201, 202, 204)):
        if self.token is None:  # a token, so the requests below do not each pay a password hash
            status, _, data = request(self.port, "POST", "/api/v1/tokens", body={"name": "bench", "scope": "admin"},
                                      headers={"Authorization": basic("admin", ADMIN_PASSWORD)}, timeout=120)
            if status != 201:
                raise RuntimeError("POST /tokens -> %d %s" % (status, data[:300]))
            self.token = json.loads(data)["token"]
        status, _, data = request(self.port, method, "/api/v1" + path, body=body,
                                  headers={"Authorization": "Bearer " + self.token}, timeout=120)
        if status not in expect:
            raise RuntimeError("%s %s -> %d %s" % (method, path, status, data[:300]))
        return json.loads(data) if data else None

    def metrics(self):
        """The upstream counters and gauges of /metrics (loopback only): name -> value."""
        _, _, data = request(self.port, "GET", "/metrics", timeout=30)
        out = {}
        for line in data.decode().splitlines() if isinstance(data, bytes) else data.splitlines():
            if line.startswith("flowstage_upstream_"):
                name, value = line.rsplit(" ", 1)
                out[name.split("{")[0]] = float(value)
        return out

    def main_of(self, name):
        """The instance's main read from its repository on disk (no request, so the server is not disturbed)."""
        repo = os.path.join(self.data, "repos", TEAM, name + ".git")
        try:
            with open(os.path.join(repo, "refs", "heads", "main")) as f:
                return f.read().strip()
        except OSError:
            pass
        try:
            with open(os.path.join(repo, "packed-refs")) as f:
                for line in f:
                    if line.rstrip().endswith(" refs/heads/main"):
                        return line.split(" ")[0]
        except OSError:
            pass
        return None


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--jar", default=os.path.join(os.path.dirname(here), "server/target/flowstage.jar"))
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--idle-seconds", type=int, default=180)
    ap.add_argument("--jfr", default=None, help="write a Java Flight Recording of the server to this file")
    ap.add_argument("--work", default=os.path.join(here, "work", "upstream"))
    ap.add_argument("--out", default=os.path.join(here, "results", "upstream-latest.md"))
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    remote = Remote(os.path.join(a.work, "remote"))
    remote.start()
    first = remote.commit(1)
    server = Server(a.jar, os.path.join(a.work, "data"), os.path.join(a.work, "flowstage.log"), a.jfr)
    server.start()
    try:
        n = a.instances
        names = ["i%04d" % i for i in range(n)]
        server.api("POST", "/teams", {"name": TEAM})
        server.api("POST", "/teams/%s/applications" % TEAM, {"name": "app"})
        server.api("PUT", "/teams/%s/secrets/remote/user" % TEAM, {"value": REMOTE_USER})
        server.api("PUT", "/teams/%s/secrets/remote/pass" % TEAM, {"value": REMOTE_PASSWORD})
        config = {"url": remote.url(), "protocol": "https", "branch": "main", "intervalSeconds": 120,
                  "caCert": remote.ca, "auth": {"username": "secret:remote/user", "password": "secret:remote/pass"}}
        secrets = {}
        t0 = time.perf_counter()

        def configure(name):
            server.api("POST", "/teams/%s/instances" % TEAM, {"name": name, "application": "app"})
            secrets[name] = server.api("PUT", "/teams/%s/instances/%s/upstream" % (TEAM, name), config)["webhook"]["secret"]
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(configure, names))
        log("%d instances configured (paused) in %.1f s" % (n, time.perf_counter() - t0))

        # reference, same run: the server with every instance configured and paused, for the idle window's length
        pid = server.proc.pid
        cpu1, w1 = ticks(pid), time.perf_counter()
        while time.perf_counter() - w1 < a.idle_seconds:
            time.sleep(1)
        paused_cpu, paused_wall = ticks(pid) - cpu1, time.perf_counter() - w1

        t0 = time.perf_counter()
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(lambda name: server.api("POST", "/teams/%s/instances/%s/upstream/resume" % (TEAM, name)), names))
        log("%d instances resumed in %.1f s" % (n, time.perf_counter() - t0))

        deadline = time.time() + 900
        while sum(1 for name in names if server.main_of(name)) < n:
            if time.time() > deadline:
                raise RuntimeError("not every instance synced the first revision within 15 minutes")
            time.sleep(2)
        log("all %d instances synced the first revision" % n)
        time.sleep(5)  # the last statuses are written after main moves

        # idle: every instance in sync, syncing every 120 s + 0-60 s
        samples, busy = [], []
        m0, req0, cpu0, w0 = server.metrics(), remote.request_count(), ticks(pid), time.perf_counter()
        while time.perf_counter() - w0 < a.idle_seconds:
            samples.append(threads(pid))
            time.sleep(1)
        idle_cpu, idle_requests = ticks(pid) - cpu0, remote.request_count() - req0
        idle_wall = time.perf_counter() - w0
        m1 = server.metrics()
        idle_syncs = m1.get("flowstage_upstream_syncs_total", 0) - m0.get("flowstage_upstream_syncs_total", 0)
        idle_ads = (m1.get("flowstage_upstream_ref_advertisements_total", 0)
                    - m0.get("flowstage_upstream_ref_advertisements_total", 0))

        # push, then every instance's webhook, as GitHub sends it
        before = {name: server.main_of(name) for name in names}
        second = remote.commit(2)
        body = json.dumps({"ref": "refs/heads/main", "after": second}).encode()
        cpu_push, m_push = ticks(pid), server.metrics()
        t_push = time.perf_counter()

        def hook(name):
            sig = "sha256=" + hmac.new(secrets[name].encode(), body, hashlib.sha256).hexdigest()
            status, _, _ = request(server.port, "POST", "/api/v1/teams/%s/instances/%s/upstream/hook" % (TEAM, name),
                                   body=body, headers={"Content-Type": "application/json",
                                                       "X-Hub-Signature-256": sig, "X-GitHub-Event": "push"},
                                   timeout=60)
            return status
        with ThreadPoolExecutor(16) as ex:
            statuses = list(ex.map(hook, names))
        t_hooks = time.perf_counter() - t_push
        burst_threads = []
        while True:
            moved = sum(1 for name in names if server.main_of(name) != before[name])
            burst_threads.append(threads(pid))
            if moved == n:
                break
            if time.perf_counter() - t_push > 900:
                raise RuntimeError("only %d of %d mains moved within 15 minutes of the push" % (moved, n))
            time.sleep(0.2)
        t_all = time.perf_counter() - t_push
        cpu_burst = ticks(pid) - cpu_push
        m_after = server.metrics()

        def delta(name, m_a, m_b):
            return m_b.get(name, 0) - m_a.get(name, 0)
        total_threads = max(s[0] for s in samples)
        sync_threads = max(s[1] for s in samples)
        reference = paused_cpu * idle_wall / paused_wall
        per_sync_ms = 1000.0 * (idle_cpu - reference) / max(1, idle_syncs)
        lines = [
            "# Upstream sync benchmark",
            "",
            "%d instances following one local HTTPS remote (lighttpd + git http-backend) at intervalSeconds 120;"
            " idle window %d s; machine: %d CPUs (shared with other builds)." % (n, a.idle_seconds, os.cpu_count()),
            "",
            "| measure | value |",
            "| --- | --- |",
            "| threads named upstream-sync-* (max while idle / during the webhook burst) | %d / %d |"
            % (sync_threads, max(s[1] for s in burst_threads)),
            "| server threads in all (max while idle / during the webhook burst) | %d / %d |"
            % (total_threads, max(s[0] for s in burst_threads)),
            "| idle syncs done by the server in the window | %d (%.2f/s) |" % (idle_syncs, idle_syncs / idle_wall),
            "| ref advertisements asked of the remote for them / requests the remote served | %d / %d |"
            % (idle_ads, idle_requests),
            "| server CPU in the idle window / with every instance paused (reference, same run) | %.2f s / %.2f s |"
            % (idle_cpu, reference),
            "| CPU per idle sync ((idle - reference) / syncs) | %.2f ms |" % per_sync_ms,
            "| ratio of idle-window CPU to paused-window CPU | %.2f |" % (idle_cpu / max(0.01, reference)),
            "| push → all %d webhooks answered | %.2f s (statuses %s) |" % (n, t_hooks, sorted(set(statuses))),
            "| push → every instance's main moved | %.2f s |" % t_all,
            "| server CPU from the push until every main moved | %.2f s (%.1f ms per instance) |"
            % (cpu_burst, 1000.0 * cpu_burst / n),
            "| syncs / ref advertisements / fetches from the push until every main moved | %d / %d / %d |"
            % (delta("flowstage_upstream_syncs_total", m_push, m_after),
               delta("flowstage_upstream_ref_advertisements_total", m_push, m_after),
               delta("flowstage_upstream_fetches_total", m_push, m_after)),
        ]
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        with open(a.out, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("\n".join(lines))
    finally:
        stop(server.proc)
        stop(remote.proc)


if __name__ == "__main__":
    main()
