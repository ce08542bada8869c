# redis-py (Debian's python3-redis 4.3) scripting as apps use it: Lock
# (acquire, extend, reacquire, release are Lua scripts) and
# register_script, which runs EVALSHA and falls back to EVAL after a flush.
#   python3 redis_py_lock.py <port>
import sys

import redis

r = redis.Redis(port=int(sys.argv[1]))
lock = r.lock("resource", timeout=10)
print("acquire", lock.acquire(blocking=False))
print("second-acquire", r.lock("resource", timeout=10).acquire(blocking=False))
print("extend", lock.extend(5))
print("reacquire", lock.reacquire())
lock.release()
print("released", r.exists("resource"))
incr = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
print("script", incr(keys=["cnt"], args=[5]), incr(keys=["cnt"], args=[5]))
r.script_flush()
print("after-flush", incr(keys=["cnt"], args=[1]))
