"""A data dir with 10,000 target repositories, for the start-up measurement.

Flowstage's data dir is made once and cached as a tarball: the server itself creates a team, an
application and one instance per team through the REST API (so every file it needs exists in its
own format); the other instances of each team are then written in the same format straight into
DATA/repos/TEAM/_config.git (one commit per team, via fast-import) and their bare repos are copies
of an API-created one. A started server must then answer for a synthesised instance, or the
cache is not used. BENCH_DATADIR_MODE=api makes every instance through the API instead (slow).
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import time
import uuid

from common import git, git_env, log
from servers import Flowstage

TEAMS, PER_TEAM = 100, 100
APP = "fleet"
UUID_RE = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def team_name(t):
    return "scale-%03d" % t


def inst_name(i):
    return "i-%04d" % i


def probe(teams=TEAMS, per_team=PER_TEAM):
    """A synthesised (not API-made) target that start-up checks answer for."""
    return team_name(teams * 2 // 3), inst_name(per_team * 3 // 4)


def copy_repo(template, dest):
    """Copy a bare repo; immutable object files are hard-linked (fast, small tarball)."""
    for dirpath, dirnames, filenames in os.walk(template):
        rel = os.path.relpath(dirpath, template)
        out = os.path.join(dest, rel)
        os.makedirs(out, exist_ok=True)
        for fn in filenames:
            src = os.path.join(dirpath, fn)
            if rel.startswith("objects") and not fn.endswith(".lock"):
                os.link(src, os.path.join(out, fn))
            else:
                shutil.copy2(src, os.path.join(out, fn))


def small_template(work):
    """A small Node-RED project repo with one commit (what a fresh instance typically holds)."""
    src = os.path.join(work, "small-src")
    shutil.rmtree(src, ignore_errors=True)
    git(work, "init", "-q", "-b", "main", src)
    with open(os.path.join(src, "flows.json"), "w") as f:
        f.write('[\n    {\n        "id": "a1b2c3d4e5f60718",\n        "type": "tab",\n'
                '        "label": "Flow 1"\n    }\n]\n')
    with open(os.path.join(src, "package.json"), "w") as f:
        f.write('{\n    "name": "device-flows",\n    "dependencies": {}\n}\n')
    git(work, "-C", src, "add", ".")
    git(work, "-C", src, "commit", "-q", "-m", "Initial flows")
    return src


def repos_only(work, root):
    """The same number of bare repos without any Flowstage metadata: the reference's view."""
    tmpl = os.path.join(work, "small.git")
    if not os.path.isdir(tmpl):
        # an empty --template: no sample hooks, so 10,000 copies stay small
        git(work, "clone", "-q", "--bare", "--template=", small_template(work), tmpl)
        git(work, "--git-dir", tmpl, "repack", "-a", "-d", "-q")
    for t in range(TEAMS):
        for i in range(PER_TEAM):
            copy_repo(tmpl, os.path.join(root, team_name(t), inst_name(i) + ".git"))


def _synthesise_team(work, data, team, template_files, names):
    cfg = os.path.join(data, "repos", team, "_config.git")
    msg = b"bench: add %d instances\n" % len(names)
    stream = bytearray(b"commit refs/heads/main\ncommitter Flowstage Bench <bench@example.com> "
                       b"%d +0000\ndata %d\n%s\nfrom refs/heads/main^0\n"
                       % (int(time.time()), len(msg), msg))
    for name in names:
        for path, content in template_files.items():
            body = content.replace(b"i-0000", name.encode())
            body = UUID_RE.sub(lambda m: str(uuid.uuid5(uuid.NAMESPACE_URL, team + "/" + name
                                                        + m.group(0).decode())).encode(), body)
            p = path.replace("i-0000", name).encode()
            stream += b"M 100644 inline %s\ndata %d\n%s\n" % (p, len(body), body)
    stream += b"\n"
    subprocess.run(["git", "--git-dir", cfg, "fast-import", "--quiet"], input=bytes(stream),
                   env=git_env(work), check=True)


def _template_files(work, data, team):
    """The files of TEAM's config repo that describe its API-made instance i-0000."""
    cfg = os.path.join(data, "repos", team, "_config.git")
    paths = git(work, "--git-dir", cfg, "ls-tree", "-r", "--name-only", "main", capture=True).split()
    files, indexes = {}, []
    for p in paths:
        content = subprocess.run(["git", "--git-dir", cfg, "show", "main:" + p], capture_output=True,
                                 check=True, env=git_env(work)).stdout
        if "i-0000" in p:
            files[p] = content
        elif b"i-0000" in content:
            indexes.append(p)
    if not files or indexes:
        raise RuntimeError("cannot synthesise instances: files %s, index files naming the "
                           "instance %s" % (sorted(files), indexes))
    return files


def _make_via_api(fs, work, data, synth):
    for t in range(TEAMS):
        fs.create_instance(team_name(t), APP, inst_name(0))
    pushed = git(work, "-C", small_template(work), "push", "-q",
                 fs.git_url(team_name(0), inst_name(0)), "main", check=False)
    if pushed.returncode != 0:
        log("note: could not push a first commit to the template repo; the repos stay as created")
    if synth:
        return
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        jobs = [pool.submit(lambda t: [fs.create_instance(team_name(t), APP, inst_name(i), False)
                                       for i in range(1, PER_TEAM)], t) for t in range(TEAMS)]
        for j in jobs:
            j.result()


def build(command, work, tarball, dest, mode):
    """Make the data dir as DEST and a pristine copy as TARBALL; synth falls back to api mode."""
    t0 = time.time()
    try:
        data = _build(command, work, mode)
    except RuntimeError as e:
        if mode == "api":
            raise
        log("synthesising instances did not work (%s); creating all of them via the API" % e)
        mode = "api"
        data = _build(command, work, mode)
    subprocess.run(["tar", "-czf", tarball + ".tmp", "-C", os.path.dirname(data),
                    os.path.basename(data)], check=True)
    os.replace(tarball + ".tmp", tarball)
    os.rename(data, dest)  # deleting 10,000 repos is slow on this disk: keep the copy instead
    log("data dir with %d repos built (%s mode) in %.0fs" % (TEAMS * PER_TEAM, mode, time.time() - t0))


def _build(command, work, mode):
    data = os.path.join(work, "data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    synth = mode != "api"
    fs = Flowstage(command, data, os.path.join(work, "datadir-build.log"))
    fs.start()
    try:
        fs.login()
        _make_via_api(fs, work, data, synth)
    finally:
        fs.stop()
    if synth:
        tmpl = os.path.join(data, "repos", team_name(0), inst_name(0) + ".git")
        names = [inst_name(i) for i in range(1, PER_TEAM)]
        for t in range(TEAMS):
            files = _template_files(work, data, team_name(t))
            _synthesise_team(work, data, team_name(t), files, names)
            for n in names:
                copy_repo(tmpl, os.path.join(data, "repos", team_name(t), n + ".git"))
    check(command, work, data)
    return data


def check(command, work, data):
    """The server must know a synthesised instance and serve its repository."""
    fs = Flowstage(command, data, os.path.join(work, "datadir-check.log"))
    fs.start()
    try:
        fs.login()
        team, name = probe()
        fs.api("GET", "/teams/%s/instances/%s" % (team, name))
        git(work, "ls-remote", fs.git_url(team, name), "refs/heads/main", capture=True)
    finally:
        fs.stop()


def extract(tarball, dest):
    """Unpack the cached data dir as DEST (its top folder in the tarball is `data`)."""
    tmp = dest + ".tmp"
    os.makedirs(tmp)
    subprocess.run(["tar", "-xzf", tarball, "-C", tmp], check=True)
    os.rename(os.path.join(tmp, "data"), dest)
    os.rmdir(tmp)
