#!/usr/bin/env python3
"""Generate a realistic Node-RED project repository with `git fast-import`.

usage: gen_repo.py DEST.git [--nodes 600] [--commits 1000] [--seed 42]

DEST.git is created as a bare repository whose refs/heads/main holds the initial project
(flows.json, package.json, settings.json, env.json, README.md) plus COMMITS small edits, then
repacked the way a kept server repository is (bitmaps, commit-graph). Deterministic for a seed.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flows_model import FlowSet  # noqa: E402

AUTHORS = [("Ada Flowe", "ada@example.com"), ("Ben Wire", "ben@example.com"),
           ("Chen Node", "chen@example.com"), ("Dana Inject", "dana@example.com")]
EPOCH = 1735689600  # 2025-01-01T00:00:00Z


def project_files(rnd):
    package = {"name": "plant-flows", "description": "Plant floor automation", "version": "0.0.1",
               "dependencies": {"node-red-dashboard": "3.6.5", "node-red-contrib-modbus": "5.43.0",
                                "node-red-node-email": "3.0.3"},
               "node-red": {"settings": {"flowFile": "flows.json",
                                         "credentialsFile": "flows_cred.json"}}}
    settings = {"editorTheme": {"projects": {"enabled": True}}, "flowFilePretty": True,
                "logging": {"console": {"level": "info", "metrics": False, "audit": False}},
                "functionGlobalContext": {}, "exportGlobalContextKeys": False,
                "externalModules": {"palette": {"allowInstall": True}}}
    env = {"BROKER_URL": "mqtt://mqtt.local:1883", "SITE": "plant-1", "TEMPERATURE_LIMIT": "38",
           "POWER_LIMIT": "4200", "REPORT_EMAIL": "ops@example.com"}
    readme = "# plant-flows\n\nNode-RED flows of plant 1 (generated for the Flowstage benchmark).\n"
    dump = lambda o: (json.dumps(o, indent=4) + "\n").encode()
    return {"package.json": dump(package), "settings.json": dump(settings), "env.json": dump(env),
            "README.md": readme.encode()}, env


def write_blob(out, path, data):
    out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
    out.write(data)
    out.write(b"\n")


def write_commit(out, mark, when, author, message, files):
    name, email = author
    msg = message.encode()
    out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
    out.write(b"author %s <%s> %d +0000\n" % (name.encode(), email.encode(), when))
    out.write(b"committer %s <%s> %d +0000\n" % (name.encode(), email.encode(), when))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if mark > 1:
        out.write(b"from :%d\n" % (mark - 1))
    for path, data in files.items():
        write_blob(out, path, data)
    out.write(b"\n")


def generate(dest, nodes, commits, seed):
    rnd = random.Random(seed)
    flows = FlowSet(rnd, nodes)
    files, env = project_files(rnd)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", dest], check=True)
    fi = subprocess.Popen(["git", "--git-dir", dest, "fast-import", "--quiet",
                           "--depth=50"], stdin=subprocess.PIPE)
    out = fi.stdin
    when = EPOCH
    files["flows.json"] = flows.serialize()
    write_commit(out, 1, when, AUTHORS[0], "Initial flows\n", files)
    for i in range(commits):
        when += rnd.randint(60, 7200)
        changed = {}
        if rnd.random() < 0.01:
            key = "%s_%d" % (rnd.choice(["FEATURE", "LIMIT", "TIMEOUT"]), i)
            env[key] = str(rnd.randint(1, 1000))
            changed["env.json"] = (json.dumps(env, indent=4) + "\n").encode()
            message = "add %s to env\n" % key
        else:
            message = flows.edit() + "\n"
            changed["flows.json"] = flows.serialize()
        write_commit(out, i + 2, when, rnd.choice(AUTHORS), message, changed)
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    git = ["git", "--git-dir", dest]
    subprocess.run(git + ["symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(git + ["repack", "-a", "-d", "-f", "-q", "--window=50", "--depth=50",
                          "--write-bitmap-index"], check=True)
    subprocess.run(git + ["commit-graph", "write", "--reachable"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(git + ["prune-packed"], check=True)
    return len(flows.nodes), len(files["flows.json"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--nodes", type=int, default=600)
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if os.path.exists(a.dest):
        sys.exit("%s exists; remove it first" % a.dest)
    t0 = time.time()
    n, size = generate(a.dest, a.nodes, a.commits, a.seed)
    print("generated %s: %d nodes, initial flows.json %d bytes, %d commits, %.1fs"
          % (a.dest, n, size, a.commits + 1, time.time() - t0))


if __name__ == "__main__":
    main()
