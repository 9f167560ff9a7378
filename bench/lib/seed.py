"""Put the generated history into bench/flows on each server with a normal git push.

A server may give a new instance a first commit on `main`; pushing unrelated history over it would
be a rejected non-fast-forward. Then the generated history is re-rooted on that commit (its tree
replaced wholesale, so every later commit's content is unchanged) and both servers get the result,
which keeps them on byte-identical commits.
"""
import os
import shutil
import subprocess

from common import git, git_env, log
from gitbench import REPO, TEAM
from servers import Reference


def seed(work, servers, src):
    """Returns the repository both servers now hold (SRC, or a re-rooted copy of it)."""
    for s in servers:
        out = git(work, "ls-remote", s.git_url(TEAM, REPO), "refs/heads/main", capture=True)
        if out:
            log("%s: the new instance already has main at %s; re-rooting the generated history "
                "on it" % (s.name, out.split()[0][:12]))
            src = reroot(work, src, s.git_url(TEAM, REPO))
            break
    for s in servers:
        git(work, "--git-dir", src, "push", "-q", s.git_url(TEAM, REPO), "main:refs/heads/main")
        if isinstance(s, Reference):
            s.gc_repo(TEAM, REPO)
    return src


def reroot(work, src, url):
    dest = os.path.join(work, "source-rerooted.git")
    shutil.rmtree(dest, ignore_errors=True)
    git(work, "init", "-q", "--bare", "-b", "main", dest)
    git(work, "--git-dir", dest, "fetch", "-q", url, "refs/heads/main:refs/heads/main")
    base = git(work, "--git-dir", dest, "rev-parse", "refs/heads/main", capture=True)
    env = git_env(work)
    exp = subprocess.Popen(["git", "--git-dir", src, "fast-export", "--signed-tags=strip",
                            "refs/heads/main"], stdout=subprocess.PIPE, env=env)
    imp = subprocess.Popen(["git", "--git-dir", dest, "fast-import", "--quiet", "--force"],
                           stdin=subprocess.PIPE, env=env)
    _copy_with_parent(exp.stdout, imp.stdin, base)
    imp.stdin.close()
    if exp.wait() != 0 or imp.wait() != 0:
        raise RuntimeError("re-rooting the generated history failed")
    git(work, "--git-dir", dest, "repack", "-a", "-d", "-f", "-q", "--window=50", "--depth=50")
    return dest


def _copy_with_parent(inp, out, base):
    """Copy a fast-export stream, giving its first (root) commit the parent BASE and a fresh tree."""
    in_first_commit = False
    done = False
    while True:
        line = inp.readline()
        if not line:
            return
        out.write(line)
        if line.startswith(b"data "):
            n = int(line[5:])
            while n:
                chunk = inp.read(min(n, 1 << 20))
                out.write(chunk)
                n -= len(chunk)
            if in_first_commit and not done:
                out.write(b"\nfrom %s\ndeleteall\n" % base.encode())  # LF after data is optional
                done = True
        elif line.startswith(b"commit ") and not done:
            in_first_commit = True
