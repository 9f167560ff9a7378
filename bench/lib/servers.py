"""The two servers under test, behind one small interface.

Both expose: name, port, user, secret (for HTTP Basic), git_path(team, repo), git_url(team, repo)
(credentials embedded, loopback only), pid (the process whose RSS counts) and stop().
"""
import json
import os
import subprocess
import time

from common import HOST, basic, free_port, request, rss_mb, stop, wait_until_ok

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"


class Reference:
    """C git's `git http-backend` as CGI behind lighttpd, HTTP Basic auth from a plain user file."""

    name = "reference"
    user, secret = "bench", "bench-ref-pw"

    def __init__(self, work, project_root):
        self.work, self.root = work, os.path.abspath(project_root)
        self.port = free_port()
        self.proc = None

    def start(self, probe_path):
        """Start lighttpd; returns seconds from spawn to the first 200 on PROBE_PATH."""
        os.makedirs(self.work, exist_ok=True)
        users = os.path.join(self.work, "users")
        with open(users, "w") as f:
            f.write("%s:%s\n" % (self.user, self.secret))
        conf = os.path.join(self.work, "lighttpd.conf")
        with open(conf, "w") as f:
            f.write(LIGHTTPD_CONF % {"port": self.port, "root": self.root, "users": users,
                                     "log": os.path.join(self.work, "lighttpd-error.log"),
                                     "backend": HTTP_BACKEND})
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(["lighttpd", "-D", "-f", conf], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "lighttpd.out"), "w"))
        wait_until_ok(self.port, probe_path, 30, headers=self.auth_headers(), proc=self.proc)
        return time.perf_counter() - t0

    @property
    def pid(self):
        return self.proc.pid

    def auth_headers(self):
        return {"Authorization": basic(self.user, self.secret)}

    def create_repo(self, team, repo):
        path = os.path.join(self.root, team, repo + ".git")
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
        return path

    def gc_repo(self, team, repo):
        """Repack with bitmaps and a commit-graph, as a well-kept C git server would be."""
        path = os.path.join(self.root, team, repo + ".git")
        subprocess.run(["git", "--git-dir", path, "repack", "-a", "-d", "-q",
                        "--write-bitmap-index"], check=True)
        subprocess.run(["git", "--git-dir", path, "commit-graph", "write", "--reachable"],
                       check=True, stdout=subprocess.DEVNULL)

    def git_path(self, team, repo):
        return "/git/%s/%s.git" % (team, repo)

    def git_url(self, team, repo):
        return "http://%s:%s@%s:%d%s" % (self.user, self.secret, HOST, self.port,
                                         self.git_path(team, repo))

    def rss_mb(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        stop(self.proc)


LIGHTTPD_CONF = """
server.modules = ("mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi")
server.bind = "127.0.0.1"
server.port = %(port)d
server.document-root = "%(root)s"
server.errorlog = "%(log)s"
server.max-keep-alive-requests = 1000000
server.max-keep-alive-idle = 60
server.max-connections = 4096
server.max-fds = 16384
alias.url = ("/git/" => "%(backend)s/")
auth.backend = "plain"
auth.backend.plain.userfile = "%(users)s"
auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
$HTTP["url"] =~ "^/git/" {
  cgi.assign = ("" => "")
  setenv.add-environment = ("GIT_PROJECT_ROOT" => "%(root)s", "GIT_HTTP_EXPORT_ALL" => "")
}
"""


class Flowstage:
    """Our server: `java -jar flowstage.jar serve` on free loopback ports, as SPEC §1 describes.

    COMMAND is what precedes `serve` (by default ["java", "-jar", JAR]).
    """

    name = "flowstage"
    user = "admin"
    admin_password = "bench-admin-Pw-0123456789"

    def __init__(self, command, data, log_path):
        self.command, self.data, self.log_path = list(command), data, log_path
        self.port = free_port()
        self.ssh_port = None      # set by start()
        self.proc = None
        self.secret = None        # git token, set by login()
        self.api_token = None

    def start(self, timeout_s=120):
        """Start the process; returns seconds from spawn to /healthz 200."""
        https_port, ssh_port = free_port(), free_port()
        self.ssh_port = ssh_port
        env = dict(os.environ, FLOWSTAGE_ADMIN_PASSWORD=self.admin_password)
        cmd = (self.command +
               ["serve", "--data", self.data, "--http-port", str(self.port),
                "--https-port", str(https_port), "--ssh-port", str(ssh_port), "--bind", HOST])
        log = open(self.log_path, "a")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ok(self.port, "/healthz", timeout_s, proc=self.proc)
        except RuntimeError as e:
            raise RuntimeError("%s (log: %s)" % (e, self.log_path))
        return time.perf_counter() - t0

    @property
    def pid(self):
        return self.proc.pid

    def api(self, method, path, body=None, expect=(200, 201)):
        auth = ("Bearer " + self.api_token) if self.api_token else basic(self.user,
                                                                         self.admin_password)
        status, _, data = request(self.port, method, "/api/v1" + path, body=body,
                                  headers={"Authorization": auth}, timeout=60)
        if status not in expect:
            raise RuntimeError("%s /api/v1%s -> %d %s" % (method, path, status,
                                                          data[:300].decode(errors="replace")))
        return json.loads(data) if data else None

    def login(self):
        """Two personal tokens: an admin-scope one for the API, a write-scope one for Git."""
        self.api_token = self.api("POST", "/tokens", {"name": "bench-api-%d" % time.time_ns(),
                                                      "scope": "admin"})["token"]
        self.secret = self.api("POST", "/tokens", {"name": "bench-git-%d" % time.time_ns(),
                                                   "scope": "write"})["token"]

    def create_instance(self, team, app, name, make_team=True):
        if make_team:
            self.api("POST", "/teams", {"name": team})
            self.api("POST", "/teams/%s/applications" % team, {"name": app})
        return self.api("POST", "/teams/%s/instances" % team, {"name": name, "application": app})

    def auth_headers(self):
        return {"Authorization": basic(self.user, self.secret)}

    def git_path(self, team, repo):
        return "/git/%s/%s.git" % (team, repo)

    def git_url(self, team, repo):
        return "http://%s:%s@%s:%d%s" % (self.user, self.secret, HOST, self.port,
                                         self.git_path(team, repo))

    def rss_mb(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        stop(self.proc)
