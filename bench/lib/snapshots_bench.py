"""Issue 3 benchmarks: the cost of snapshot validation in a push, and the compare endpoint.

validation: the same 10,000-node commit pushed with real `git push` over HTTP (a) to `main` of a fresh
instance, where the receive rules validate it, and (b) to `refs/heads/work` of another fresh instance,
where snapshots are not validated. Fresh instances each run, (a) and (b) alternate which goes first.
compare: both 10,000-node snapshots on one instance's main, then GET …/compare?from=&to= on one
keep-alive connection, timed from sending the request to the last byte of the answer.
"""
import http.client
import json
import statistics
import time

from common import HOST, git, log

TEAM, APP = "bench3", "plant"


def pct(samples, p):
    """Nearest-rank percentile (p99 of 30 samples is the largest)."""
    s = sorted(samples)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def setup(server):
    server.api("POST", "/teams", {"name": TEAM})
    server.api("POST", "/teams/%s/applications" % TEAM, {"name": APP})


def new_instance(server, name):
    server.api("POST", "/teams/%s/instances" % TEAM, {"name": name, "application": APP})
    out = git(server.work, "ls-remote", server.git_url(TEAM, name), capture=True)
    if out:  # the bench pushes a root commit: it needs an empty repository
        raise RuntimeError("new instance %s is not empty: %s" % (name, out[:200]))


def push(server, src, sha, name, ref):
    t0 = time.perf_counter()
    git(server.work, "--git-dir", src, "push", "-q", server.git_url(TEAM, name), "%s:%s" % (sha, ref))
    return time.perf_counter() - t0


def remote_ref(server, name, ref):
    out = git(server.work, "ls-remote", server.git_url(TEAM, name), ref, capture=True)
    return out.split()[0] if out else None


def refused_bad_push(server, src, bad_sha):
    """Proof that main is validated here: a flows.json with a duplicate id must be refused."""
    new_instance(server, "v-bad")
    r = git(server.work, "--git-dir", src, "push", "-q", server.git_url(TEAM, "v-bad"),
            "%s:refs/heads/main" % bad_sha, check=False)
    msg = r.stderr.decode(errors="replace")
    if r.returncode == 0:
        raise RuntimeError("a flows.json with a duplicate id was accepted on main: validation is off")
    lines = [l.strip() for l in msg.splitlines() if "flowstage" in l.lower() or "duplicate" in l.lower()]
    return lines[0] if lines else msg.strip().splitlines()[-1]


def accepted_bad_on_work(server, src, bad_sha):
    """Proof that refs/heads/work is not validated: the same bad flows.json is taken there."""
    new_instance(server, "v-bad-work")
    push(server, src, bad_sha, "v-bad-work", "refs/heads/work")
    if remote_ref(server, "v-bad-work", "refs/heads/work") != bad_sha:
        raise RuntimeError("the bad commit pushed to refs/heads/work is not there")


def validation(server, src, shas, runs, warmup):
    sha = shas["snap1"]
    res = {"refused_bad": refused_bad_push(server, src, shas["bad"])}
    log("validation sanity: bad flows.json on main refused (%s)" % res["refused_bad"][:120])
    accepted_bad_on_work(server, src, shas["bad"])
    log("validation sanity: the same bad flows.json on refs/heads/work accepted")
    samples, first = {"main": [], "work": []}, {}
    for i in range(warmup + runs):
        order = ("main", "work") if i % 2 == 0 else ("work", "main")
        got = {}
        for kind in order:
            name = "v%02d-%s" % (i, kind)
            new_instance(server, name)
            ref = "refs/heads/" + kind
            got[kind] = push(server, src, sha, name, ref)
            if remote_ref(server, name, ref) != sha:
                raise RuntimeError("%s: %s is not at the pushed commit" % (name, ref))
        log("validation run %d%s: main %.0f ms, work %.0f ms" % (
            i + 1, " (warm-up)" if i < warmup else "", got["main"] * 1000, got["work"] * 1000))
        if i >= warmup:
            for k in samples:
                samples[k].append(got[k])
        elif i == 0:
            first = {k: v * 1000 for k, v in got.items()}
    ms = {k: [v * 1000 for v in vs] for k, vs in samples.items()}
    diffs = [a - b for a, b in zip(ms["main"], ms["work"])]
    res.update({"runs": runs, "warmup": warmup, "main_ms": ms["main"], "work_ms": ms["work"],
                "main_median_ms": statistics.median(ms["main"]),
                "work_median_ms": statistics.median(ms["work"]),
                "added_ms": statistics.median(ms["main"]) - statistics.median(ms["work"]),
                "paired_median_added_ms": statistics.median(diffs),
                "paired_p25_ms": pct(diffs, 25), "paired_p75_ms": pct(diffs, 75),
                "warmup_main_ms": first["main"], "warmup_work_ms": first["work"]})
    return res


def compare(server, src, shas, runs, warmup):
    new_instance(server, "cmp")
    push(server, src, shas["snap1"], "cmp", "refs/heads/main")
    push(server, src, shas["snap2"], "cmp", "refs/heads/main")
    if remote_ref(server, "cmp", "refs/heads/main") != shas["snap2"]:
        raise RuntimeError("cmp: main is not at the second snapshot")
    path = "/api/v1/teams/%s/instances/cmp/compare?from=%s&to=%s" % (TEAM, shas["snap1"], shas["snap2"])
    headers = {"Authorization": "Bearer " + server.api_token, "Accept": "application/json"}
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    samples, size, counts = [], 0, None
    try:
        for i in range(warmup + runs):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            t = time.perf_counter() - t0
            if resp.status != 200:
                raise RuntimeError("compare answered %d %s" % (resp.status, body[:300]))
            if counts is None:
                doc = json.loads(body)
                counts, size = doc.get("counts"), len(body)
                log("compare answer: %d bytes, counts %s" % (size, counts))
            if i >= warmup:
                samples.append(t * 1000)
    finally:
        conn.close()
    return {"runs": runs, "warmup": warmup, "ms": samples, "median_ms": statistics.median(samples),
            "p99_ms": pct(samples, 99), "max_ms": max(samples), "answer_bytes": size, "counts": counts}
