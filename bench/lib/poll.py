"""Device-style polling: protocol-v2 ls-refs of refs/heads/main, driven by wrk with keep-alive."""
import os
import re
import subprocess

from common import HOST, request


def pkt(line):
    data = line.encode()
    return b"%04x" % (len(data) + 4) + data


# command=ls-refs, delim-pkt, one argument, flush-pkt: exactly what a v2 client sends to poll one ref
LS_REFS_BODY = pkt("command=ls-refs\n") + b"0001" + pkt("ref-prefix refs/heads/main\n") + b"0000"
POLL_HEADERS = {"Git-Protocol": "version=2",
                "Content-Type": "application/x-git-upload-pack-request",
                "Accept": "application/x-git-upload-pack-result"}


def lua_string(data):
    return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\%03d" % ord(c)
                         for c in data.decode()) + '"'


def write_script(server, path):
    headers = dict(POLL_HEADERS, **server.auth_headers())
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
        for k, v in headers.items():
            f.write('wrk.headers[%s] = %s\n' % (lua_string(k.encode()), lua_string(v.encode())))
        f.write("wrk.body = %s\n" % lua_string(LS_REFS_BODY))
    os.chmod(path, 0o600)  # it holds the token


def verify(server, team, repo, want_sha):
    """One real poll: it must answer 200 with a pkt-line '<sha> refs/heads/main'."""
    status, hdrs, body = request(server.port, "POST", server.git_path(team, repo) + "/git-upload-pack",
                                 body=LS_REFS_BODY, headers=dict(POLL_HEADERS, **server.auth_headers()))
    expected = b"%04x%s refs/heads/main\n" % (4 + 41 + len("refs/heads/main\n"), want_sha.encode())
    if status != 200 or expected not in body or not body.endswith(b"0000"):
        raise RuntimeError("%s: ls-refs poll answered %d %r, expected a pkt-line %r"
                           % (server.name, status, body[:200], expected))
    status, _, adv = request(server.port, "GET", server.git_path(team, repo)
                             + "/info/refs?service=git-upload-pack",
                             headers={"Git-Protocol": "version=2", **server.auth_headers()})
    return {"ls_refs_response_bytes": len(body), "v2_advertised": status == 200 and b"version 2" in adv}


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)$", text)
    return float(m.group(1)) * _UNIT[m.group(2)]


def run_wrk(server, script, team, repo, connections, seconds):
    threads = min(2, connections)
    url = "http://%s:%d%s/git-upload-pack" % (HOST, server.port, server.git_path(team, repo))
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                          "--timeout", "5s", "--latency", "-s", script, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    if not rps or not p99:
        raise RuntimeError("could not parse wrk output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"connections": connections, "rps": float(rps.group(1)), "p50_ms": _ms(p50.group(1)),
            "p99_ms": _ms(p99.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(0) if errors else "", "raw": out}
