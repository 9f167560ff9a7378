"""Clone, incremental fetch and push with the real git client, timed per run, servers interleaved."""
import json
import os
import shutil
import statistics
import subprocess
import time

from common import git, git_env

TEAM, REPO = "bench", "flows"


def timed(work, *args):
    t0 = time.perf_counter()
    git(work, *args)
    return time.perf_counter() - t0


def summary(samples):
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "runs": len(samples)}


def make_edit_commits(work, client, parent, count, label):
    """COUNT commits on top of PARENT, each changing one line of one function in flows.json.

    Written with fast-import and fixed dates, so both servers receive byte-identical commits.
    """
    env = git_env(work)
    flows = json.loads(git(work, "--git-dir", client, "show", parent + ":flows.json", capture=True))
    funcs = [n for n in flows if n.get("type") == "function"]
    ref = "refs/bench/%s" % label
    stream = bytearray(b"reset %s\nfrom %s\n\n" % (ref.encode(), parent.encode()))
    for i in range(count):
        node = funcs[(i * 7) % len(funcs)]
        node["func"] = node["func"].replace("return msg;", "msg.bench = %d; // %s\nreturn msg;"
                                            % (i, label), 1)
        data = (json.dumps(flows, indent=4, ensure_ascii=False) + "\n").encode()
        msg = b"%s edit %d\n" % (label.encode(), i)
        when = 1900000000 + i * 60
        stream += b"commit %s\ncommitter Bench <bench@example.com> %d +0000\n" % (ref.encode(), when)
        stream += b"data %d\n%s\nM 100644 inline flows.json\ndata %d\n" % (len(msg), msg, len(data))
        stream += data + b"\n\n"
    subprocess.run(["git", "--git-dir", client, "fast-import", "--quiet"], input=bytes(stream),
                   env=env, check=True)
    tip = git(work, "--git-dir", client, "rev-parse", ref, capture=True)
    shas = git(work, "--git-dir", client, "rev-list", "--reverse", "%s..%s" % (parent, tip),
               capture=True).split()
    if len(shas) != count:
        raise RuntimeError("expected %d bench commits, got %d" % (count, len(shas)))
    return shas


def remote_main(work, server):
    out = git(work, "ls-remote", server.git_url(TEAM, REPO), "refs/heads/main", capture=True)
    return out.split()[0] if out else None


def bench_clone(work, servers, runs, warmup):
    """Full bare clone; the last clone of each server is kept as the base for the fetch test."""
    samples = {s.name: [] for s in servers}
    for i in range(warmup + runs):
        for s in servers:
            dest = os.path.join(work, "clone-%s.git" % s.name)
            shutil.rmtree(dest, ignore_errors=True)
            t = timed(work, "clone", "-q", "--bare", s.git_url(TEAM, REPO), dest)
            if i >= warmup:
                samples[s.name].append(t)
    return {k: summary(v) for k, v in samples.items()}


def bench_fetch(work, servers, client, new_sha, runs, warmup):
    """Push NEW_SHA to each server, then time fetching just that commit into a copy of the clone."""
    for s in servers:
        git(work, "--git-dir", client, "push", "-q", s.git_url(TEAM, REPO), new_sha + ":refs/heads/main")
    samples = {s.name: [] for s in servers}
    for i in range(warmup + runs):
        for s in servers:
            base = os.path.join(work, "clone-%s.git" % s.name)
            dest = os.path.join(work, "fetch-%s.git" % s.name)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(base, dest, symlinks=True)
            t = timed(work, "--git-dir", dest, "fetch", "-q", s.git_url(TEAM, REPO),
                      "+refs/heads/main:refs/heads/main")
            got = git(work, "--git-dir", dest, "rev-parse", "refs/heads/main", capture=True)
            if got != new_sha:
                raise RuntimeError("%s: fetch gave %s, expected %s" % (s.name, got, new_sha))
            if i >= warmup:
                samples[s.name].append(t)
    return {k: summary(v) for k, v in samples.items()}


def bench_push(work, servers, client, shas, warmup):
    """Push one new commit per run (each a fast-forward of the server's main)."""
    samples = {s.name: [] for s in servers}
    for i, sha in enumerate(shas):
        for s in servers:
            t = timed(work, "--git-dir", client, "push", "-q", s.git_url(TEAM, REPO),
                      sha + ":refs/heads/main")
            if i >= warmup:
                samples[s.name].append(t)
    for s in servers:
        if remote_main(work, s) != shas[-1]:
            raise RuntimeError("%s: main is not at the last pushed commit" % s.name)
    return {k: summary(v) for k, v in samples.items()}
