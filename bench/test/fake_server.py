#!/usr/bin/env python3
"""A stand-in for `flowstage.jar serve`, only to test the bench's own Flowstage code path.

It speaks the small part of SPEC §1/§3/§5 the bench uses (healthz, tokens, teams, applications,
instances, Git smart HTTP with Basic auth via C git's http-backend) and stores instances in
DATA/repos/TEAM/_config.git as instances/NAME.json. It measures nothing about Flowstage.
usage: fake_server.py serve --data DIR --http-port P [--https-port P --ssh-port P --bind ADDR]
"""
import argparse
import base64
import json
import os
import re
import secrets
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Store:
    def __init__(self, data):
        self.data = data
        self.tokens = set()
        os.makedirs(os.path.join(data, "repos"), exist_ok=True)

    def config_repo(self, team):
        return os.path.join(self.data, "repos", team, "_config.git")

    def write(self, team, path, obj):
        cfg = self.config_repo(team)
        if not os.path.isdir(cfg):
            subprocess.run(["git", "init", "-q", "--bare", "-b", "main", cfg], check=True)
        body = (json.dumps(obj, indent=2) + "\n").encode()
        parent = subprocess.run(["git", "--git-dir", cfg, "rev-parse", "-q", "--verify", "main"],
                                capture_output=True).stdout.strip()
        stream = b"commit refs/heads/main\ncommitter fake <f@example.com> 1 +0000\ndata 2\nx\n"
        if parent:
            stream += b"from %s\n" % parent
        stream += b"M 100644 inline %s\ndata %d\n%s\n\n" % (path.encode(), len(body), body)
        subprocess.run(["git", "--git-dir", cfg, "fast-import", "--quiet"], input=stream, check=True)

    def read(self, team, path):
        r = subprocess.run(["git", "--git-dir", self.config_repo(team), "show", "main:" + path],
                           capture_output=True)
        return json.loads(r.stdout) if r.returncode == 0 else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, obj=None, raw=None, headers=()):
        body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else b"")
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if raw is None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authed(self):
        auth = self.headers.get("Authorization", "")
        store = self.server.store
        if auth.startswith("Bearer "):
            return auth[7:] in store.tokens
        if auth.startswith("Basic "):
            user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            return user == "admin" and (secret == os.environ.get("FLOWSTAGE_ADMIN_PASSWORD")
                                        or secret in store.tokens)
        return False

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        data = self.body()
        if self.path == "/healthz":
            return self.reply(200, {"status": "ok"})
        if not self.authed():
            return self.reply(401, {"error": {"code": "unauthorized", "message": "log in"}},
                              headers=[("WWW-Authenticate", 'Basic realm="flowstage"')])
        if self.path.startswith("/git/"):
            return self.git(method, data)
        return self.api(method, self.path.split("?")[0].split("/")[3:], data)

    def api(self, method, parts, data):
        store = self.server.store
        obj = json.loads(data) if data else {}
        if method == "POST" and parts == ["tokens"]:
            token = "fsp_" + secrets.token_hex(20)
            store.tokens.add(token)
            return self.reply(201, {"token": token})
        if method == "POST" and parts == ["teams"] and NAME.match(obj.get("name", "")):
            store.write(obj["name"], "team.json", {"name": obj["name"]})
            return self.reply(201, {"name": obj["name"]})
        if len(parts) == 3 and parts[0] == "teams" and method == "POST":
            team, kind, name = parts[1], parts[2], obj.get("name", "")
            if store.read(team, "team.json") is None or not NAME.match(name):
                return self.reply(422, {"error": {"code": "invalid", "message": "bad name"}})
            store.write(team, "%s/%s.json" % (kind, name), obj)
            if kind == "instances":
                repo = os.path.join(store.data, "repos", team, name + ".git")
                subprocess.run(["git", "init", "-q", "--bare", "-b", "main", repo], check=True)
                if os.environ.get("FAKE_INITIAL_COMMIT"):  # as a server that seeds new repos would
                    subprocess.run(["git", "--git-dir", repo, "fast-import", "--quiet"], check=True,
                                   input=b"commit refs/heads/main\ncommitter f <f@e> 1 +0000\n"
                                         b"data 5\nfirst\nM 100644 inline flows.json\ndata 3\n[]\n\n")
                obj["gitUrl"] = "https://127.0.0.1/git/%s/%s.git" % (team, name)
            return self.reply(201, obj)
        if len(parts) == 4 and parts[0] == "teams" and method == "GET":
            got = store.read(parts[1], "%s/%s.json" % (parts[2], parts[3]))
            if got is not None:
                return self.reply(200, got)
        return self.reply(404, {"error": {"code": "not_found", "message": "no such thing"}})

    def git(self, method, data):
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=os.path.join(self.server.store.data, "repos"),
                   GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path[len("/git"):], QUERY_STRING=query,
                   REQUEST_METHOD=method, REMOTE_USER="admin", REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(data)),
                   HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""),
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
        out = subprocess.run(["git", "http-backend"], input=data, env=env, capture_output=True).stdout
        head, _, body = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(": ")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers.append((k, v))
        self.reply(status, raw=body, headers=headers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["serve"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--https-port")
    ap.add_argument("--ssh-port")
    ap.add_argument("--bind", default="127.0.0.1")
    a = ap.parse_args()
    server = ThreadingHTTPServer((a.bind, a.http_port), Handler)
    server.store = Store(a.data)
    print("fake server on http://%s:%d" % (a.bind, a.http_port), file=sys.stderr)
    server.serve_forever()


if __name__ == "__main__":
    main()
