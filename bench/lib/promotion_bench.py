"""Issue 4 benchmark: promotion of a 600-node snapshot dev → qa through a pipeline, many times.

Per deploy (sequential): [vary mode: a small edit is pushed to dev's main with git, untimed]; then
t0 = client clock before POST …/pipelines/p/stages/dev/deploy (keep-alive connection, 202 {run}
required); then qa's main is polled with protocol-v2 ls-refs (POST git-upload-pack, keep-alive, a
0.5 ms pause between polls) until it differs from before; t1 = that observation. "deploy → ref" is
t1 - t0. Then GET …/runs/{id} (untimed) until the run is terminal: it must have succeeded with
targetAfter = the observed commit; its createdAt → finishedAt is reported too (server clock; includes
recording the run). The next deploy starts only after that, so runs never queue behind each other.
"""
import datetime
import http.client
import json
import random
import statistics
import subprocess
import time

from big_flows import BigFlowSet
from common import HOST, git, git_env, log, request
from gen_repo import EPOCH, project_files, write_blob
from poll import LS_REFS_BODY, POLL_HEADERS
from snapshots_bench import pct

TEAM, APP, PIPELINE = "bench4", "line", "p"
DEFINITION = {"name": PIPELINE, "application": APP, "concurrency": "queue",
              "stages": [{"name": "dev", "instance": "dev", "action": "use_latest_snapshot"},
                         {"name": "qa", "instance": "qa"}]}


def make_source(work, dest, edits, nodes=600, seed=11):
    """Bare repo: refs/heads/main = a 600-node project plus EDITS small edits (one commit each)."""
    rnd = random.Random(seed)
    flows = BigFlowSet(rnd, nodes, 10)
    files, _ = project_files(rnd)
    files["flows.json"] = flows.serialize()
    git(work, "init", "-q", "--bare", "-b", "main", dest)
    fi = subprocess.Popen(["git", "--git-dir", dest, "fast-import", "--quiet"], stdin=subprocess.PIPE,
                          env=git_env(work))
    out = fi.stdin
    for i in range(edits + 1):
        msg = ("Plant flows, %d nodes\n" % len(flows.nodes)) if i == 0 else flows.edit() + "\n"
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % (EPOCH + i * 60))
        out.write(b"data %d\n%s\n" % (len(msg.encode()), msg.encode()))
        for path, data in (files.items() if i == 0 else [("flows.json", flows.serialize())]):
            write_blob(out, path, data)
        out.write(b"\n")
    out.close()
    if fi.wait() != 0:
        raise RuntimeError("git fast-import failed")
    shas = git(work, "--git-dir", dest, "rev-list", "--reverse", "main", capture=True).split()
    return shas, len(flows.nodes), len(files["flows.json"])


class Client:
    """Two keep-alive connections: the REST API (bearer token) and Git's ls-refs (Basic)."""

    def __init__(self, server):
        self.server = server
        self.api = http.client.HTTPConnection(HOST, server.port, timeout=30)
        self.git = http.client.HTTPConnection(HOST, server.port, timeout=30)
        self.api_headers = {"Authorization": "Bearer " + server.api_token,
                            "Content-Type": "application/json", "Accept": "application/json"}
        self.poll_headers = dict(POLL_HEADERS, **server.auth_headers())

    def call(self, method, path, body=None):
        self.api.request(method, "/api/v1" + path, body=body, headers=self.api_headers)
        resp = self.api.getresponse()
        return resp.status, resp.read()

    def main_of(self, repo):
        self.git.request("POST", self.server.git_path(TEAM, repo) + "/git-upload-pack",
                         body=LS_REFS_BODY, headers=self.poll_headers)
        resp = self.git.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError("ls-refs of %s answered %d" % (repo, resp.status))
        i = body.find(b" refs/heads/main\n")
        return body[i - 40:i].decode() if i >= 40 else None

    def close(self):
        self.api.close()
        self.git.close()


def instant(v):
    """Seconds since the epoch from Jackson's Instant (ISO-8601 with up to 9 digits, or a number)."""
    if isinstance(v, (int, float)):
        return float(v)
    head, _, frac = v.rstrip("Z").partition(".")
    base = datetime.datetime.fromisoformat(head).replace(tzinfo=datetime.timezone.utc).timestamp()
    return base + (float("0." + frac) if frac else 0.0)


def available(server):
    """None when the pipelines API is there, else why not (e.g. not wired into this jar)."""
    status, _, _ = request(server.port, "GET", "/api/v1/teams/%s/pipelines" % TEAM,
                           headers={"Authorization": "Bearer " + server.api_token})
    return None if status == 200 else "GET /api/v1/teams/%s/pipelines answered %d" % (TEAM, status)


def setup(server, work, src, first_sha):
    server.api("POST", "/teams", {"name": TEAM})
    server.api("POST", "/teams/%s/applications" % TEAM, {"name": APP})
    for name in ("dev", "qa"):
        server.api("POST", "/teams/%s/instances" % TEAM, {"name": name, "application": APP})
    git(work, "--git-dir", src, "push", "-q", server.git_url(TEAM, "dev"), first_sha + ":refs/heads/main")
    why = available(server)
    if why:
        return why
    server.api("POST", "/teams/%s/pipelines" % TEAM, DEFINITION)
    return None


def wait_run(client, run_id, timeout_s=30):
    t0 = time.perf_counter()
    while True:
        status, body = client.call("GET", "/teams/%s/pipelines/%s/runs/%s" % (TEAM, PIPELINE, run_id))
        if status != 200:
            raise RuntimeError("GET run %s answered %d %s" % (run_id, status, body[:300]))
        run = json.loads(body)
        run = run.get("run", run)
        if run["status"] in ("succeeded", "failed", "rejected"):
            return run
        if time.perf_counter() - t0 > timeout_s:
            raise RuntimeError("run %s still %s after %ss" % (run_id, run["status"], timeout_s))
        time.sleep(0.002)


PHASES = ("POST sent → createdAt", "createdAt → startedAt", "startedAt → built", "built → finishedAt")


def phase_times(run, wall0):
    """Where a run's time goes, from the machine's wall clock (client and server share it) and the
    run's own timestamps; "built" is the log line written before the target's ref is moved."""
    built = next((instant(l["at"]) for l in run.get("log", []) if l["message"].startswith("Built ")), None)
    created, started, finished = (instant(run[k]) for k in ("createdAt", "startedAt", "finishedAt"))
    built = started if built is None else built
    return dict(zip(PHASES, ((created - wall0) * 1000, (started - created) * 1000,
                             (built - started) * 1000, (finished - built) * 1000)))


def finished_unsuccessfully(client, run_id):
    """'run ID: STATUS: error' when the run ended without success, else None."""
    status, body = client.call("GET", "/teams/%s/pipelines/%s/runs/%s" % (TEAM, PIPELINE, run_id))
    if status != 200:
        return "run %s: GET answered %d" % (run_id, status)
    run = json.loads(body)
    run = run.get("run", run)
    if run["status"] in ("failed", "rejected"):
        return "run %s: %s: %s" % (run_id, run["status"], run.get("error"))
    return None


def push_dev(work, server, src, sha, failures):
    """The untimed push of the next source commit; a refusal is a server failure: noted, tried again once."""
    for attempt in (1, 2):
        r = git(work, "--git-dir", src, "push", "-q", server.git_url(TEAM, "dev"), sha + ":refs/heads/main",
                check=False)
        if r.returncode == 0:
            return
        why = [l for l in r.stderr.decode(errors="replace").splitlines() if "rejected" in l or "error" in l]
        failures.append("git push to dev (attempt %d) failed: %s" % (attempt, "; ".join(why)[:300]))
        log("promotion: " + failures[-1])
    raise RuntimeError("pushing %s to dev failed twice" % sha)


def promotion(server, work, src, shas, deploys, warmup, vary, poll_pause_s=0.0005):
    client = Client(server)
    deploy_path = "/teams/%s/pipelines/%s/stages/dev/deploy" % (TEAM, PIPELINE)
    e2e, accepted, server_ms, polls, failures, phases = [], [], [], [], [], []
    qa = client.main_of("qa")
    t_start = time.time()
    try:
        for i in range(warmup + deploys):
            if vary and i > 0:
                push_dev(work, server, src, shas[i], failures)
            wall0 = time.time()
            t0 = time.perf_counter()
            status, body = client.call("POST", deploy_path, b"{}")
            t_acc = time.perf_counter()
            if status != 202:
                failures.append("deploy %d answered %d %s" % (i, status, body[:200].decode(errors="replace")))
                log("promotion: " + failures[-1])
                if len(failures) > 50:
                    raise RuntimeError("more than 50 failed deploys; last: " + failures[-1])
                continue
            run_id = json.loads(body)["run"]["id"]
            n, failed = 0, None
            while True:
                now = client.main_of("qa")
                n += 1
                if now != qa:
                    break
                if n % 1000 == 0:  # ~1-2 s without a move: did the run fail?
                    failed = finished_unsuccessfully(client, run_id)
                    if failed:
                        break
                if time.perf_counter() - t0 > 30:
                    raise RuntimeError("qa's main did not move within 30 s of deploy %d" % i)
                time.sleep(poll_pause_s)
            t1 = time.perf_counter()
            if failed:
                qa = client.main_of("qa")
                failures.append(failed)
                log("promotion: deploy %d failed: %s" % (i, failed))
                continue
            run = wait_run(client, run_id)
            qa = now
            if run["status"] != "succeeded":  # the ref moved, yet the run did not succeed
                failures.append("run %s: %s after qa's main moved to %s: %s"
                                % (run_id, run["status"], now[:12], run.get("error")))
                log("promotion: deploy %d: %s" % (i, failures[-1]))
                continue
            if run.get("targetAfter") != now:
                raise RuntimeError("run %s: %s, targetAfter %s, observed %s, error %s"
                                   % (run_id, run["status"], run.get("targetAfter"), now, run.get("error")))
            if vary and not run.get("sourceCommit", "").startswith(shas[i]):
                raise RuntimeError("run %s promoted %s, expected %s" % (run_id, run.get("sourceCommit"), shas[i]))
            if i >= warmup:
                e2e.append((t1 - t0) * 1000)
                accepted.append((t_acc - t0) * 1000)
                server_ms.append((instant(run["finishedAt"]) - instant(run["createdAt"])) * 1000)
                phases.append(phase_times(run, wall0))
                polls.append(n)
            if (i + 1) % 200 == 0:
                log("promotion: %d deploys, last %.1f ms" % (i + 1, (t1 - t0) * 1000))
    finally:
        client.close()
    return {"deploys": deploys, "warmup": warmup, "vary": vary, "seconds": time.time() - t_start,
            "deploy_to_ref_ms": summary(e2e), "deploy_202_ms": summary(accepted),
            "run_created_to_finished_ms": summary(server_ms),
            "polls_median": statistics.median(polls), "poll_pause_ms": poll_pause_s * 1000,
            "failed_runs": failures,
            "phases_median_ms": {k: statistics.median(p[k] for p in phases) for k in PHASES if phases},
            "phases_p99_ms": {k: pct([p[k] for p in phases], 99) for k in PHASES if phases}}


def summary(ms):
    return {"p50": statistics.median(ms), "p99": pct(ms, 99), "max": max(ms), "min": min(ms),
            "n": len(ms)}
