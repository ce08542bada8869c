# redis-py (Debian's python3-redis 4.3.4) through Sentinel, as an app uses
# it: master_for / slave_for, a write before the failover, then writes
# that must reach the primary the Sentinels promote.
#   redis_py_sentinel.py <sentinel ports, comma-separated> <flag file>
# The test creates the flag file once it killed the primary and the
# Sentinels failed over; this script then writes again through the same
# client objects, retrying (as an app does) until the new primary answers.
import os
import sys
import time

from redis.exceptions import BusyLoadingError, ConnectionError, ReadOnlyError, TimeoutError
from redis.sentinel import Sentinel

ports = [int(p) for p in sys.argv[1].split(",")]
flag = sys.argv[2]
sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=1.0)
master = sentinel.master_for("mymaster", socket_timeout=1.0)
replica = sentinel.slave_for("mymaster", socket_timeout=1.0)
print("master-before", sentinel.discover_master("mymaster")[1], flush=True)
master.set("before", "1")
assert master.get("before") == b"1"
master.execute_command("WAIT", 2, 5000)
print("wrote-before", flush=True)

deadline = time.time() + 60
while not os.path.exists(flag):
    if time.time() > deadline:
        sys.exit("the test never said the failover happened")
    time.sleep(0.05)

retryable = (BusyLoadingError, ConnectionError, ReadOnlyError, TimeoutError)
def retry(call):
    deadline = time.time() + 30
    while True:
        try:
            return call()
        except retryable:
            if time.time() > deadline:
                raise
            time.sleep(0.1)

retry(lambda: master.set("after", "2"))
print("master-after", sentinel.discover_master("mymaster")[1], flush=True)
print("values", retry(lambda: master.get("before")).decode(), retry(lambda: master.get("after")).decode(),
      flush=True)
deadline = time.time() + 30
while retry(lambda: replica.get("after")) != b"2":
    if time.time() > deadline:
        sys.exit("the write never reached a replica")
    time.sleep(0.05)
print("replica-read ok", flush=True)
