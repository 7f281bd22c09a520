#!/usr/bin/python3
"""Host-side probe for the simulated containers of bench/run.sh (stdlib only).

  nsprobe.py sigterm [opts] -- CMD...   signal to PID 1 -> namespace gone (ms)
  nsprobe.py mem     [opts] -- CMD...   VmRSS / Pss of PID 1 with an idle payload

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


def start(cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
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
    a = ap.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd:
        ap.error("no command")
    try:
        a.fn(a)
    finally:
        _cleanup()


if __name__ == "__main__":
    main()
