#!/usr/bin/env python3
"""Benchmarks of issues 3 and 4: push validation, compare, promotion. See bench/README.md.

Each section records its own time, load average and jar, and is merged into the results JSON, so
`--only promotion` after a full run updates only the promotion rows of the table.
"""
import argparse
import datetime
import hashlib
import json
import os
import shlex
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import big_flows  # noqa: E402
import promotion_bench  # noqa: E402
import snapshots_bench  # noqa: E402
from common import git, log  # noqa: E402
from servers import Flowstage  # noqa: E402

LIB = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(LIB)
DEFAULT_JAR = os.path.join(os.path.dirname(BENCH), "server/target/flowstage.jar")
GOAL_ADDED_MS, GOAL_COMPARE_MS = 50.0, 200.0
GOAL_PROMO_P50_MS, GOAL_PROMO_P99_MS = 20.0, 100.0


def args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jar", default=DEFAULT_JAR)
    ap.add_argument("--server-cmd", help="what runs before `serve` (default: java -jar JAR)")
    ap.add_argument("--only", default="issue34",
                    choices=["issue34", "issue3", "validation", "compare", "promotion"])
    ap.add_argument("--validation-runs", type=int, default=21)
    ap.add_argument("--compare-runs", type=int, default=100)
    ap.add_argument("--deploys", type=int, default=1000)
    ap.add_argument("--same-snapshot", action="store_true",
                    help="promote dev's same main every time (default: a small edit pushed before each)")
    ap.add_argument("--quick", action="store_true", help="3 validation runs, 10 compares, 50 deploys")
    ap.add_argument("--work", default=os.path.join(BENCH, "work"))
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "latest-issue3-4.md"))
    a = ap.parse_args()
    if a.quick:
        a.validation_runs, a.compare_runs, a.deploys = 3, 10, 50
    a.command = shlex.split(a.server_cmd) if a.server_cmd else ["java", "-jar", a.jar]
    if not a.server_cmd and not os.path.isfile(a.jar):
        sys.exit("no server jar at %s: build it (mvn -B -q -o -DskipTests package)" % a.jar)
    return a


def snapshots_repo(work):
    """The two 10,000-node snapshots, cached under work/ and keyed by the generator's source."""
    digest = hashlib.sha256()
    for f in big_flows.generator_files():
        with open(f, "rb") as fh:
            digest.update(fh.read())
    path = os.path.join(work, "issue3-%s.git" % digest.hexdigest()[:12])
    meta = path + ".json"
    if not os.path.isfile(meta):
        for old in os.listdir(work):
            if old.startswith("issue3-"):
                p = os.path.join(work, old)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
        log("generating the 10,000-node snapshots (once, cached as %s)" % path)
        info = big_flows.make_repo(path)
        with open(meta, "w") as f:
            json.dump(info, f)
    with open(meta) as f:
        info = json.load(f)
    shas = {r: git(work, "--git-dir", path, "rev-parse", "refs/heads/" + r, capture=True)
            for r in ("snap1", "snap2", "bad")}
    return path, shas, info


def start(a, run, name):
    fs = Flowstage(a.command, os.path.join(run, name + "-data"), os.path.join(run, name + ".log"))
    fs.work = run  # where the bench's git client keeps its HOME
    log("starting flowstage for %s (%.1fs to healthy)" % (name, fs.start()))
    fs.login()
    return fs


def stamp(a):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = git(BENCH, "-C", os.path.dirname(BENCH), "log", "-1", "--format=%h %s", capture=True)
    return {"when": now, "load": os.getloadavg()[0], "jar": jar_id(a), "commit": head[:72]}


def jar_id(a):
    if a.server_cmd:
        return a.server_cmd
    with open(a.jar, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    built = datetime.datetime.fromtimestamp(os.path.getmtime(a.jar), datetime.timezone.utc)
    where = "" if os.path.abspath(a.jar) == os.path.abspath(DEFAULT_JAR) else " at " + a.jar
    return "jar%s sha256 %s…, built %s" % (where, digest, built.strftime("%Y-%m-%d %H:%M UTC"))


def run_issue3(a, run, res):
    src, shas, info = snapshots_repo(os.path.abspath(a.work))
    repo = ("flows.json %d nodes on %d tabs, %.1f MB (pretty-printed as Node-RED writes it); second "
            "snapshot %d nodes: %s" % (info["nodes1"], info["tabs"], info["bytes1"] / 1e6,
                                       info["nodes2"], info["changes"]))
    log(repo)
    fs = start(a, run, "issue3")
    try:
        snapshots_bench.setup(fs)
        if a.only in ("issue34", "issue3", "validation"):
            st = stamp(a)
            r = snapshots_bench.validation(fs, src, shas, a.validation_runs, 1)
            r.update(st, load_end=os.getloadavg()[0], repo=repo)
            res["validation"] = r
            log("validation: main %.0f ms, work %.0f ms, added %.0f ms (paired median %.0f ms)" % (
                r["main_median_ms"], r["work_median_ms"], r["added_ms"], r["paired_median_added_ms"]))
        if a.only in ("issue34", "issue3", "compare"):
            st = stamp(a)
            r = snapshots_bench.compare(fs, src, shas, a.compare_runs, 5)
            r.update(st, load_end=os.getloadavg()[0], repo=repo)
            res["compare"] = r
            log("compare: median %.1f ms, p99 %.1f ms" % (r["median_ms"], r["p99_ms"]))
    finally:
        fs.stop()


def run_issue4(a, run, res):
    src = os.path.join(run, "promo-src.git")
    shas, nodes, size = promotion_bench.make_source(run, src, a.deploys + 1)
    fs = start(a, run, "issue4")
    try:
        why = promotion_bench.setup(fs, run, src, shas[0])
        st = stamp(a)
        if why:
            log("promotion not measured: " + why)
            res["promotion"] = dict(st, skipped=why)
            return
        r = promotion_bench.promotion(fs, run, src, shas, a.deploys, 1, not a.same_snapshot)
        r.update(st, load_end=os.getloadavg()[0], nodes=nodes, flows_bytes=size, packs=pack_counts(fs))
        res["promotion"] = r
        if r["failed_runs"]:
            log("promotion: %d runs FAILED, first: %s" % (len(r["failed_runs"]), r["failed_runs"][0]))
        log("promotion: deploy→ref p50 %.1f ms p99 %.1f ms; run created→finished p50 %.1f ms p99 %.1f ms"
            % (r["deploy_to_ref_ms"]["p50"], r["deploy_to_ref_ms"]["p99"],
               r["run_created_to_finished_ms"]["p50"], r["run_created_to_finished_ms"]["p99"]))
    finally:
        fs.stop()


def pack_counts(fs):
    """Pack files per repository of the promotion team after the run (JGit keeps replaced packs a while)."""
    root = os.path.join(fs.data, "repos", promotion_bench.TEAM)
    out = {}
    for repo in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        pack_dir = os.path.join(root, repo, "objects", "pack")
        if os.path.isdir(pack_dir):
            out[repo] = sum(1 for f in os.listdir(pack_dir) if f.endswith(".pack"))
    return out


def met(ok):
    return "yes" if ok else "**no**"


def markdown(res):
    out = ["# Flowstage benchmark — issues 3 and 4", "",
           "Written by `bench/run.sh --only issue34` (see bench/README.md). Each section shows when "
           "it ran, the 1-minute load average at its start and end (2 cores, shared), and the jar.", "",
           "| benchmark | figure | goal | met |", "| --- | ---: | --- | --- |"]
    v, c, p = res.get("validation"), res.get("compare"), res.get("promotion")
    if v:
        out.append("| push validation, 10,000-node flows.json: added to the push (median main − median "
                   "work) | %.0f ms | < %.0f ms | %s |" % (v["added_ms"], GOAL_ADDED_MS,
                                                          met(v["added_ms"] < GOAL_ADDED_MS)))
        out.append("| … push to main (validated), median of %d | %.0f ms | | |" % (v["runs"], v["main_median_ms"]))
        out.append("| … push to refs/heads/work (not validated), median of %d | %.0f ms | | |"
                   % (v["runs"], v["work_median_ms"]))
        out.append("| … paired differences (main − work, same run): median, [p25, p75] | %.0f ms [%.0f, %.0f] | | |"
                   % (v["paired_median_added_ms"], v["paired_p25_ms"], v["paired_p75_ms"]))
        if v.get("warmup_main_ms"):
            out.append("| … first push after start-up (warm-up, not counted): main / work | %.0f / %.0f ms | | |"
                       % (v["warmup_main_ms"], v["warmup_work_ms"]))
    if c:
        out.append("| compare of two 10,000-node snapshots: median of %d | %.1f ms | < %.0f ms | %s |"
                   % (c["runs"], c["median_ms"], GOAL_COMPARE_MS, met(c["median_ms"] < GOAL_COMPARE_MS)))
        out.append("| compare: p99 (nearest rank of %d; max %.1f ms) | %.1f ms | < %.0f ms | %s |"
                   % (c["runs"], c["max_ms"], c["p99_ms"], GOAL_COMPARE_MS, met(c["p99_ms"] < GOAL_COMPARE_MS)))
    if p and not p.get("skipped"):
        d, s, acc = p["deploy_to_ref_ms"], p["run_created_to_finished_ms"], p["deploy_202_ms"]
        out.append("| promotion %d-node snapshot dev → qa, deploy call → qa's main moved: p50 of %d | "
                   "%.1f ms | < %.0f ms | %s |" % (p["nodes"], d["n"], d["p50"], GOAL_PROMO_P50_MS,
                                                   met(d["p50"] < GOAL_PROMO_P50_MS)))
        out.append("| … deploy call → qa's main moved: p99 | %.1f ms | < %.0f ms | %s |"
                   % (d["p99"], GOAL_PROMO_P99_MS, met(d["p99"] < GOAL_PROMO_P99_MS)))
        out.append("| … deploy call → 202 answer: p50 / p99 | %.1f / %.1f ms | | |" % (acc["p50"], acc["p99"]))
        fails = p.get("failed_runs", [])
        out.append("| … failures: runs that failed, deploys not accepted, pushes to dev refused (not in the figures above) | %d in %d deploys%s | 0 | %s |" % (
            len(fails), p["deploys"] + p["warmup"],
            (": " + "; ".join(f.replace("|", "\\|") for f in fails[:3])) if fails else "", met(not fails)))
        out.append("| … run createdAt → finishedAt (server clock): p50 / p99 | %.1f / %.1f ms | | |"
                   % (s["p50"], s["p99"]))
        for k, m in p.get("phases_median_ms", {}).items():
            out.append("| … phase %s: p50 / p99 | %.1f / %.1f ms | | |" % (k, m, p["phases_p99_ms"][k]))
    elif p:
        out.append("| promotion (issue 4) | not measured: %s | p50 < 20 ms, p99 < 100 ms | — |" % p["skipped"])
    for name, err in res.get("errors", {}).items():
        out.append("| %s | **broke**: %s | | **no** |" % (name, err.replace("|", "\\|")))
    out += ["", "## Runs", ""]
    for key, label in (("validation", "validation"), ("compare", "compare"), ("promotion", "promotion")):
        r = res.get(key)
        if r:
            out.append("- %s: %s, load %.1f → %s, %s; worktree at `%s`" % (
                label, r["when"], r["load"], "%.1f" % r["load_end"] if "load_end" in r else "—",
                r["jar"], r.get("commit", "?")))
    out += ["", "## Method", ""]
    if v:
        out.append("- Snapshots: %s. Generated by `bench/lib/big_flows.py` (seeded)." % v["repo"])
    elif c:
        out.append("- Snapshots: %s. Generated by `bench/lib/big_flows.py` (seeded)." % c["repo"])
    if v:
        out.append("- Validation: the same root commit (project files + the 10,000-node flows.json) pushed "
                   "with `git push` over HTTP (Basic auth, protocol v2) to `refs/heads/main` of a fresh "
                   "instance (snapshot validated by the receive rules) and to `refs/heads/work` of another "
                   "fresh instance (no snapshot validation; the file size limit still applies), %d runs "
                   "after 1 warm-up, the order of the two alternating; each push checked with ls-remote "
                   "(untimed). Sanity checks first: a flows.json with a duplicate id pushed to main is "
                   "refused (`%s`), and the same commit pushed to refs/heads/work is accepted." % (v["runs"], v["refused_bad"].replace("|", "\\|")))
    if c:
        out.append("- Compare: `GET /api/v1/teams/T/instances/cmp/compare?from=SNAP1&to=SNAP2` on one "
                   "keep-alive connection (bearer token), %d after %d warm-up, timed from sending to the "
                   "last byte; answer %d bytes, counts %s." % (c["runs"], c["warmup"], c["answer_bytes"],
                                                                json.dumps(c["counts"])))
    if p and not p.get("skipped"):
        out.append("- Promotion: pipeline `%s`; a %d-node project (flows.json %.0f KB) on dev's main; %s; "
                   "%d sequential deploys after 1 warm-up (%.0f s in all). \"deploy call → qa's main moved\": "
                   "client clock before `POST …/pipelines/p/stages/dev/deploy` (keep-alive, 202 {run}) to the "
                   "first protocol-v2 ls-refs poll of qa (keep-alive, %.1f ms pause between polls, median %.0f "
                   "polls) that shows a new main; each run is then read back (untimed) and must be "
                   "`succeeded` with targetAfter = the commit seen. The next deploy waits for that, so runs "
                   "never queue behind each other." % (
                       json.dumps(promotion_bench.DEFINITION), p["nodes"], p["flows_bytes"] / 1024,
                       "before each deploy a one-edit commit is pushed to dev with git (untimed), so every "
                       "promotion carries a different flows.json" if p["vary"] else
                       "the same dev commit every time (each promotion still makes a new commit on qa)",
                       p["deploys"], p["seconds"], p["poll_pause_ms"], p["polls_median"]))
        if p.get("packs"):
            out.append("- Pack files in the promotion team's repositories right after the run: %s."
                       % ", ".join("%s %d" % kv for kv in p["packs"].items()))
    out.append("")
    return "\n".join(out)


def main():
    a = args()
    work = os.path.abspath(a.work)
    run = os.path.join(work, "run-issue34")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    t0 = time.time()
    res_path = os.path.splitext(a.out)[0] + ".json"
    res = {}
    if os.path.isfile(res_path):
        with open(res_path) as f:
            res = json.load(f)
    failed = False
    for wanted, section in ((("issue34", "issue3", "validation", "compare"), run_issue3),
                            (("issue34", "promotion"), run_issue4)):
        if a.only in wanted:
            errors = res.setdefault("errors", {})
            errors.pop(section.__name__, None)
            try:
                section(a, run, res)
            except Exception as e:  # keep what the other sections measured; say what broke
                log("%s broke: %s" % (section.__name__, e))
                errors[section.__name__] = "%s: %s (earlier figures of it, if any, are stale)" % (
                    stamp(a)["when"], e)
                failed = True
            save(a, res, res_path)
    md = markdown(res)
    print()
    print(md)
    log("took %.0f s; results written to %s" % (time.time() - t0, a.out))
    sys.exit(1 if failed else 0)


def save(a, res, res_path):
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(res_path, "w") as f:
        json.dump(res, f, indent=2)
    with open(a.out, "w") as f:
        f.write(markdown(res))


if __name__ == "__main__":
    main()
