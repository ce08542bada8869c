"""Helpers shared by the replication benchmarks: servers on free loopback
ports in temporary directories, redis-cli calls, INFO fields, bulk loads."""
import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(port, *args, timeout=30):
    out = subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=timeout)
    return out.stdout.strip()


def info(port, field, section="replication"):
    for line in cli(port, "INFO", section).splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    return None


def wait_for(pred, timeout, interval=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return pred()


class Server:
    """A server process; `port` and `directory` given again restart a node in place."""

    def __init__(self, kind, binary, workdir, extra, port=None, directory=None):
        self.kind, self.binary, self.extra = kind, binary, extra
        self.port = port or free_port()
        self.dir = directory or tempfile.mkdtemp(dir=workdir)
        self.start()

    def start(self, wait=True):
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", self.dir,
               "--logfile", os.path.join(self.dir, "server.log")]
        if self.kind == "redis":
            cmd += ["--appendonly", "no", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]
        self.proc = subprocess.Popen(cmd + self.extra, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if wait and not wait_for(lambda: cli(self.port, "PING") == "PONG", 10):
            raise SystemExit(f"{self.kind} on {self.port} did not start")

    def kill(self):
        """kill -9: no save, no goodbye."""
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def load(port, keys, value_size):
    value = b"v" * value_size
    def chunks():
        for i in range(0, keys, 10000):
            parts = []
            for k in range(i, min(keys, i + 10000)):
                key = b"key:%d" % k
                parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
            yield b"".join(parts)
    proc = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for chunk in chunks():
        proc.stdin.write(chunk)
    proc.stdin.close()
    output = proc.stdout.read().decode()
    proc.wait()
    if "errors: 0" not in output:
        raise SystemExit("load failed: " + output)


