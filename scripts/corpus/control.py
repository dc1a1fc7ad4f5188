"""Shared by start-cluster, stop-cluster and cluster-ctl: the state dir and
the server's control socket (one command per line, answered "ok ..." or
"error ...")."""
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAIT_LIMIT = float(os.environ.get("ETCD_ORACLE_WAIT", "30"))  # seconds, as cluster-ctl.sh


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def load_env(state_dir):
    env = {}
    try:
        with open(os.path.join(state_dir, "cluster.env")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                env[k] = v
    except OSError:
        fail("%s: %s is not a corpus state dir" % (os.path.basename(sys.argv[0]), state_dir))
    return env


def socket_path(state_dir):
    return os.path.join(state_dir, "control.sock")


def send(state_dir, line, timeout=120):
    """One command; returns the reply's text after "ok", raises RuntimeError on "error"."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(socket_path(state_dir))
        s.sendall((line + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                raise RuntimeError("control socket closed without an answer")
            buf += chunk
    finally:
        s.close()
    reply = buf.decode().rstrip("\n")
    if reply == "ok" or reply.startswith("ok "):
        return reply[3:]
    raise RuntimeError(reply[6:] if reply.startswith("error ") else reply)


def members(state_dir):
    """name -> (life, client URL) of every member that was not removed."""
    out = {}
    for item in send(state_dir, "members").split():
        name, _, rest = item.partition("=")
        life, _, url = rest.partition(":")
        out[name] = (life, url.split("|")[0])
    return out


def alive(pid):
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def server_pid(state_dir):
    """The server's PID if that process is alive and is the one serving this state dir."""
    try:
        with open(os.path.join(state_dir, "serve.pid")) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read().split(b"\0")
    except (OSError, ValueError):
        return None
    return pid if socket_path(state_dir).encode() in cmdline and alive(pid) else None


def etcdctl_ok(env, endpoints, *args):
    r = subprocess.run([env["ETCDCTL_BIN"], "--endpoints=" + endpoints, "--dial-timeout=1s", "--command-timeout=2s"] + list(args),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


def host_port(url):
    return url.split("://", 1)[-1].rstrip("/")


def running_endpoints(state_dir):
    return ",".join(host_port(url) for life, url in members(state_dir).values() if life in ("running", "paused"))


def wait_healthy(state_dir, env):
    """`endpoint health` over every running member, until it passes."""
    end = time.time() + WAIT_LIMIT
    while time.time() < end:
        if etcdctl_ok(env, running_endpoints(state_dir), "endpoint", "health"):
            return
        time.sleep(0.2)
    fail("cluster-ctl: cluster not healthy")


def wait_serving(state_dir, env, name):
    """`endpoint status` on the member (learners answer it too), until it does."""
    end = time.time() + WAIT_LIMIT
    while time.time() < end:
        life, url = members(state_dir).get(name, ("none", ""))
        if life not in ("running", "paused"):
            fail("cluster-ctl: %s exited (see %s)" % (name, os.path.join(state_dir, "serve.log")))
        if etcdctl_ok(env, host_port(url), "endpoint", "status"):
            return
        time.sleep(0.2)
    fail("cluster-ctl: %s did not come up" % name)
