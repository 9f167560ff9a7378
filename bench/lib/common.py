"""Small shared helpers: free loopback ports, HTTP calls, process control, git with a clean config."""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import time

HOST = "127.0.0.1"  # every byte of bench traffic stays on loopback


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def basic(user, secret):
    return "Basic " + base64.b64encode(("%s:%s" % (user, secret)).encode()).decode()


def request(port, method, path, body=None, headers=None, timeout=10):
    """One request on a fresh connection; returns (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def wait_until_ok(port, path, timeout_s, headers=None, proc=None):
    """Poll until PATH answers 200; returns seconds waited. Raises on timeout or early exit."""
    t0 = time.perf_counter()
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s before %s answered 200" % (proc.returncode, path))
        try:
            status, _, _ = request(port, "GET", path, headers=headers, timeout=2)
            if status == 200:
                return time.perf_counter() - t0
        except OSError:
            pass
        if time.perf_counter() - t0 > timeout_s:
            raise RuntimeError("%s did not answer 200 within %ss" % (path, timeout_s))
        time.sleep(0.01)


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS for pid %d" % pid)


def stop(proc, grace_s=20):
    """SIGTERM the process we started, then SIGKILL after a grace period."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def git_env(work):
    """Environment for the git client: no system/global config of the machine, protocol v2."""
    home = os.path.join(os.path.abspath(work), "home")
    os.makedirs(home, exist_ok=True)
    cfg = os.path.join(home, ".gitconfig")
    if not os.path.exists(cfg):
        with open(cfg, "w") as f:
            f.write("[user]\n\tname = Bench\n\temail = bench@example.com\n"
                    "[protocol]\n\tversion = 2\n[init]\n\tdefaultBranch = main\n"
                    "[advice]\n\tdetachedHead = false\n[credential]\n\thelper =\n")
    env = dict(os.environ, HOME=home, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
               GIT_ASKPASS="/bin/false")
    return env


def git(work, *args, check=True, capture=False, timeout=300):
    r = subprocess.run(["git"] + list(args), env=git_env(work), check=False, timeout=timeout,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        raise RuntimeError("git %s failed: %s" % (" ".join(_redact(args)), r.stderr.decode()[-2000:]))
    return r.stdout.decode().strip() if capture else r


def _redact(args):
    """URLs carry user:token for the bench; never print the secret part."""
    out = []
    for a in args:
        if "://" in a and "@" in a:
            scheme, rest = a.split("://", 1)
            a = scheme + "://***@" + rest.split("@", 1)[1]
        out.append(a)
    return out


def spawn_ms(n=20):
    """Median wall time of starting /bin/true, in ms: what every CGI request (git http-backend, then
    git upload-pack) and every SSH poll (ssh, git) pays per process. On a quiet machine ~1 ms; when the
    machine is busy it can be 100× that, and then the C git references measure process creation."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(["/bin/true"], check=True)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]
