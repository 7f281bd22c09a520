#!/usr/bin/python3
"""Host-side probe for the simulated containers of bench/run.sh (stdlib only).

  nsprobe.py sigterm [opts] -- CMD...   signal to PID 1 -> namespace gone (ms)
  nsprobe.py mem     [opts] -- CMD...   VmRSS / Pss of PID 1 with an idle payload
  nsprobe.py supervise [opts] -- CMD... a supervisor as PID 1 with N services:
                                        time until N payloads run, memory of
                                        the supervision tree, SIGTERM -> gone
  nsprobe.py fsprobe [--n N] DIR        cost of creating inodes in DIR's fs
  nsprobe.py latency [opts] SPEC.json   wall time of each container, the
                                        competitors interleaved run by run

CMD is the full `unshare --pid --fork --kill-child ... INIT ...` command line.
The namespace's PID 1 is the only child of the unshare process; the payload
(default: a process whose comm is `sleep`) is searched for among PID 1 and its
descendants via /proc/PID/task/PID/children.

Cleanup: every unshare process started here is SIGKILLed by PID if it is
still alive at the end (or on SIGTERM/SIGINT); --kill-child then makes the
kernel SIGKILL the namespace's PID 1 and with it the whole namespace.
Output: one JSON object per repetition on stdout.
"""
import argparse, json, os, select, signal, subprocess, sys, time

procs = []


def _cleanup(*sig):
    for p in procs:
        if p.poll() is None:
            try:
                p.kill()
            except ProcessLookupError:
                pass
            p.wait()
    if sig:
        sys.exit(143)


signal.signal(signal.SIGTERM, _cleanup)
signal.signal(signal.SIGINT, _cleanup)


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        for c in children(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def start(cmd, stderr=None):
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=stderr if stderr is not None else subprocess.DEVNULL)
    procs.append(p)
    return p


def find_init(p, deadline):
    while time.monotonic() < deadline:
        c = children(p.pid)
        if c:
            return c[0]
        if p.poll() is not None:
            return None
        time.sleep(0.0005)
    return None


def wait_payload(p, payload, deadline):
    """PID 1 of the namespace once a `payload` process runs in it, else None."""
    init = find_init(p, deadline)
    while init and time.monotonic() < deadline:
        if any(comm(d) == payload for d in [init] + descendants(init)):
            return init
        if p.poll() is not None:
            return None
        time.sleep(0.001)
    return None


def kill_ns(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def cmd_sigterm(a):
    sig = getattr(signal, "SIG" + a.signal)
    for rep in range(a.reps):
        p = start(a.cmd)
        init = wait_payload(p, a.payload, time.monotonic() + 10)
        if not init:
            print(json.dumps({"rep": rep, "error": "payload never started",
                              "rc": p.poll()}), flush=True)
            kill_ns(p)
            continue
        time.sleep(a.settle)
        fd = os.pidfd_open(p.pid)
        try:
            po = select.poll()
            po.register(fd, select.POLLIN)
            t0 = time.perf_counter()
            os.kill(init, sig)
            ev = po.poll(int(a.timeout * 1000))
            t1 = time.perf_counter()
        finally:
            os.close(fd)
        if ev:
            p.wait()
            print(json.dumps({"rep": rep, "ms": (t1 - t0) * 1e3, "rc": p.returncode}), flush=True)
        else:
            left = [comm(d) for d in [init] + descendants(init)]
            kill_ns(p)
            print(json.dumps({"rep": rep, "ms": None, "timeout_s": a.timeout,
                              "left": left}), flush=True)


def read_mem(pid):
    """VmRSS, VmHWM (status) and Pss, Private_* (smaps_rollup) in KiB."""
    m = {}
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            k = l.split(":")[0]
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                m[k] = int(l.split()[1])
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for l in f:
            k = l.split(":")[0]
            if k in ("Pss", "Private_Clean", "Private_Dirty"):
                m[k] = int(l.split()[1])
    m["USS"] = m.get("Private_Clean", 0) + m.get("Private_Dirty", 0)
    return m


def cmd_mem(a):
    for rep in range(a.reps):
        p = start(a.cmd)
        init = wait_payload(p, a.payload, time.monotonic() + 10)
        if not init:
            print(json.dumps({"rep": rep, "error": "payload never started",
                              "rc": p.poll()}), flush=True)
            kill_ns(p)
            continue
        time.sleep(a.settle)
        res = {"rep": rep, "pid1_comm": comm(init)}
        try:
            res.update(read_mem(init))
        except OSError as e:
            res["error"] = f"cannot read /proc/{init}: {e}"
        kill_ns(p)
        print(json.dumps(res), flush=True)


def readf(path):
    """contents of a small /proc file (os.open/os.read: cheaper than open())"""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return os.read(fd, 1 << 16)
    except OSError:
        return None
    finally:
        os.close(fd)


def count_payloads(init, payload, known):
    """payload processes below init. Walks the tree from init, but does not
    look into processes already seen as payload (`known`), and reads the
    comm only of leaves: a process with children (a supervisor, or a run
    script that forked) is not the payload, which has none (`sleep`). So
    once all are up a poll costs one read per supervisor process."""
    n, todo = 0, [init]
    while todo:
        pid = todo.pop()
        b = readf(f"/proc/{pid}/task/{pid}/children")
        kids = [int(x) for x in b.split()] if b else []
        for c in kids:
            if c in known:
                n += 1
            else:
                todo.append(c)
        if not kids and pid != init:
            cm = readf(f"/proc/{pid}/comm")
            if cm is not None and cm.strip() == payload:
                known.add(pid)
                n += 1
    return n


def cmd_supervise(a):
    enc = a.payload.encode()
    errf = open(a.stderr, "ab") if a.stderr else None
    for rep in range(a.reps):
        res = {"rep": rep, "load1": loadavg()[0]}
        c0 = time.process_time()
        t0 = time.perf_counter()
        p = start(a.cmd, errf)
        dl = time.monotonic() + a.timeout
        init = find_init(p, dl)
        known, n, polls, first = set(), 0, 0, None
        up = prev = None
        while init and time.monotonic() < dl:
            n = count_payloads(init, enc, known)
            polls += 1
            t = time.perf_counter()
            if n and first is None:
                first = t - t0
            if n >= a.count:
                up = t - t0
                break
            prev = t - t0
            if p.poll() is not None:
                break
            time.sleep(a.poll)
        # all were up at some time between the last two polls: up_gap_ms is
        # the uncertainty of up_ms (the probe competes for the CPUs too)
        res.update(up_ms=up * 1e3 if up is not None else None,
                   up_gap_ms=(up - prev) * 1e3 if up is not None and prev is not None else None,
                   first_ms=first * 1e3 if first is not None else None,
                   payloads=n, polls=polls,
                   probe_cpu_ms=(time.process_time() - c0) * 1e3)
        if not init or p.poll() is not None:
            res.update(error="container exited", rc=p.poll())
            kill_ns(p)
            print(json.dumps(res), flush=True)
            continue
        time.sleep(a.settle)
        per, rss_sum, pss_sum = {}, 0, 0
        for d in [init] + descendants(init):
            c = comm(d)
            if c is None or c == a.payload:
                continue
            try:
                m = read_mem(d)
            except OSError:
                continue
            e = per.setdefault(c, {"n": 0, "rss_kb": 0, "pss_kb": 0})
            e["n"] += 1
            e["rss_kb"] += m.get("VmRSS", 0)
            e["pss_kb"] += m.get("Pss", 0)
            rss_sum += m.get("VmRSS", 0)
            pss_sum += m.get("Pss", 0)
        res.update(rss_kb=rss_sum, pss_kb=pss_sum, per_comm=per,
                   payloads_after_settle=count_payloads(init, enc, set()))
        fd = os.pidfd_open(p.pid)
        try:
            po = select.poll()
            po.register(fd, select.POLLIN)
            t1 = time.perf_counter()
            os.kill(init, getattr(signal, "SIG" + a.stop_signal))
            ev = po.poll(int(a.stop_timeout * 1000))
            t2 = time.perf_counter()
        finally:
            os.close(fd)
        if ev:
            p.wait()
            res.update(stop_ms=(t2 - t1) * 1e3, rc=p.returncode)
        else:
            res.update(stop_ms=None, stop_timeout_s=a.stop_timeout,
                       left=sorted(set(filter(None, (comm(d) for d in [init] + descendants(init))))))
        kill_ns(p)
        print(json.dumps(res), flush=True)
    if errf:
        errf.close()


def cmd_fsprobe(a):
    """the cost of creating inodes in DIR's filesystem now: N directories,
    each with one empty file (what a supervisor's scan dir needs most)."""
    os.mkdir(a.dir)
    t0 = time.perf_counter()
    for i in range(a.n):
        d = f"{a.dir}/d{i}"
        os.mkdir(d)
        os.close(os.open(f"{d}/f", os.O_WRONLY | os.O_CREAT, 0o644))
    dt = time.perf_counter() - t0
    print(json.dumps({"inodes": 2 * a.n, "us_per_inode": dt * 1e6 / (2 * a.n)}), flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def empty_into(d, trash):
    """move everything in d to a new directory under trash (a rename: the
    next container finds d empty, and nothing is deleted on its disk)"""
    t = os.path.join(trash, str(time.monotonic_ns()))
    os.makedirs(t)
    for n in os.listdir(d):
        os.rename(os.path.join(d, n), os.path.join(t, n))


def cmd_latency(a):
    """SPEC: [{"name": .., "argv": [..], "empty": DIR or null}, ...]. Each
    round runs every entry once, in an order that rotates from round to
    round, so that a change of the machine's load hits all of them alike.
    "empty": DIR is emptied (moved to --trash) before each run, untimed."""
    spec = json.load(open(a.spec))
    for r in range(-a.warmup, a.runs):
        k = r % len(spec)
        for e in spec[k:] + spec[:k]:
            if e.get("empty"):
                empty_into(e["empty"], a.trash)
            t0 = time.perf_counter()
            pid = os.posix_spawnp(e["argv"][0], e["argv"], os.environ,
                                  file_actions=[(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                                                (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                                                (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)])
            _, st, ru = os.wait4(pid, 0)
            t1 = time.perf_counter()
            if r >= 0:
                # cpu_ms: CPU time of the whole container (unshare waits
                # for PID 1, PID 1 for its children): the work done, which
                # the machine's load does not stretch as it does wall time
                print(json.dumps({"init": e["name"], "run": r, "ms": (t1 - t0) * 1e3,
                                  "cpu_ms": (ru.ru_utime + ru.ru_stime) * 1e3,
                                  "rc": os.waitstatus_to_exitcode(st), "load1": loadavg()[0]}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    sp = ap.add_subparsers(dest="what", required=True)
    s = sp.add_parser("sigterm")
    s.add_argument("--reps", type=int, default=10)
    s.add_argument("--timeout", type=float, default=5.0)
    s.add_argument("--signal", default="TERM")
    s.add_argument("--payload", default="sleep")
    s.add_argument("--settle", type=float, default=0.05)
    s.add_argument("cmd", nargs=argparse.REMAINDER)
    s.set_defaults(fn=cmd_sigterm)
    m = sp.add_parser("mem")
    m.add_argument("--reps", type=int, default=5)
    m.add_argument("--payload", default="sleep")
    m.add_argument("--settle", type=float, default=0.3)
    m.add_argument("cmd", nargs=argparse.REMAINDER)
    m.set_defaults(fn=cmd_mem)
    v = sp.add_parser("supervise")
    v.add_argument("--reps", type=int, default=1)
    v.add_argument("--count", type=int, default=50)
    v.add_argument("--payload", default="sleep")
    v.add_argument("--timeout", type=float, default=30.0)
    v.add_argument("--poll", type=float, default=0.001)
    v.add_argument("--settle", type=float, default=2.0)
    v.add_argument("--stop-signal", default="TERM")
    v.add_argument("--stop-timeout", type=float, default=15.0)
    v.add_argument("--stderr", help="append the container's stderr to this file")
    v.add_argument("cmd", nargs=argparse.REMAINDER)
    v.set_defaults(fn=cmd_supervise)
    f = sp.add_parser("fsprobe")
    f.add_argument("--n", type=int, default=100)
    f.add_argument("dir")
    f.set_defaults(fn=cmd_fsprobe, cmd=None)
    t = sp.add_parser("latency")
    t.add_argument("--runs", type=int, default=100)
    t.add_argument("--warmup", type=int, default=10)
    t.add_argument("--trash", default="/tmp")
    t.add_argument("spec")
    t.set_defaults(fn=cmd_latency, cmd=None)
    a = ap.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd and a.what not in ("fsprobe", "latency"):
        ap.error("no command")
    try:
        a.fn(a)
    finally:
        _cleanup()


if __name__ == "__main__":
    main()
