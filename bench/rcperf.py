#!/usr/bin/python3
"""bench/rc.sh's measurements (stdlib only): s6-overlay v3's service tree
under rs6 next to the spawn-only floor, interleaved run by run so that a
change of the machine's load hits both alike.

  rcperf.py boot ROOTS_DIR RUNS   start -> CMD running (all up) and CMD's
                                  end -> container gone, for the roots
                                  $RC_ROOTS (default floor,v3), each
                                  against the first
  rcperf.py idle ROOTS_DIR RUNS   PID 1's VmRSS/Pss with everything up and
                                  PID 1 idle, the CPU time it used so far
                                  (schedstat: what the load does not
                                  stretch), then SIGTERM -> gone
  rcperf.py parse ROOT RUNS       `s6-rc-db check` (reads and resolves the
                                  tree) against `s6-rc-db help` (the same
                                  process, no tree)

Each container starts with an empty /run (a new container; RC_KEEP_RUN=1:
with the previous run's, as `docker restart`). The CMD is
`/bench/benchhelper stamp /tmp/up` (a CLOCK_MONOTONIC stamp, the
clock time.monotonic reads). Prints one line per measurement: min, median
and max in ms over RUNS, the load average before and after.
"""
import os, signal, statistics, sys, time

NULL = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
ENV = {"PATH": "/command:/usr/bin:/bin:/usr/sbin:/sbin", "HOSTNAME": "bench", "HOME": "/root"}


def ns(root, *cmd):
    return ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--mount",
            f"--root={root}", "--wd=/", "/init", *cmd]


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def stamp(path, deadline):
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                s = f.read().strip()
            if s:
                return float(s.splitlines()[-1])
        except OSError:
            pass
        time.sleep(0.0002)
    return None


def fresh(d, root):
    """empty ROOT/run, untimed (moved under D/trash), as `docker run` gives
    a new container an empty /run"""
    if os.environ.get("RC_KEEP_RUN"):
        return
    run = os.path.join(root, "run")
    t = os.path.join(d, "trash", str(time.monotonic_ns()))
    os.makedirs(t)
    for n in os.listdir(run):
        os.rename(os.path.join(run, n), os.path.join(t, n))


def report(name, xs, unit="ms"):
    xs = sorted(xs)
    print(f"{name:<34} min {xs[0]:8.2f}  median {statistics.median(xs):8.2f}  max {xs[-1]:8.2f} {unit}  (n={len(xs)})")
    return xs[0], statistics.median(xs)


def boot(d, runs):
    names = os.environ.get("RC_ROOTS", "floor,v3").split(",")
    up = {n: [] for n in names}
    stop = {n: [] for n in names}
    total = {n: [] for n in names}
    l0 = load()
    for r in range(-3, runs):
        order = names if r % 2 == 0 else names[::-1]
        for n in order:
            root = os.path.join(d, n)
            f = os.path.join(root, "tmp/up")
            if os.path.exists(f):
                os.unlink(f)
            fresh(d, root)
            t0 = time.monotonic()
            pid = os.posix_spawnp("unshare", ns(root, "/bench/benchhelper", "stamp", "/tmp/up"), ENV,
                                  file_actions=NULL)
            os.waitpid(pid, 0)
            t2 = time.monotonic()
            t1 = stamp(f, time.monotonic() + 1)
            if r >= 0 and t1:
                up[n].append((t1 - t0) * 1e3)
                stop[n].append((t2 - t1) * 1e3)
                total[n].append((t2 - t0) * 1e3)
    print(f"load before: {l0}, after: {load()}")
    res = {}
    for n in names:
        res[n] = (report(f"{n}: start -> CMD (all up)", up[n]), report(f"{n}: CMD end -> gone (stop)", stop[n]),
                  report(f"{n}: whole container", total[n]))
    for other in names[1:]:
        for k, what in [(0, "up"), (1, "stop"), (2, "total")]:
            f, v = res[names[0]][k], res[other][k]
            print(f"{other} - {names[0]}, {what:<5}: min {v[0] - f[0]:+7.2f} ms, median {v[1] - f[1]:+7.2f} ms;"
                  f" ratio (median) {v[1] / f[1]:.2f}")


def kib(pid, key, fn):
    with open(f"/proc/{pid}/{fn}") as f:
        for l in f:
            if l.startswith(key):
                return int(l.split()[1])
    return -1


def idle(d, runs):
    names = os.environ.get("RC_ROOTS", "floor,v3").split(",")
    rss = {n: [] for n in names}
    pss = {n: [] for n in names}
    stop = {n: [] for n in names}
    cpu = {n: [] for n in names}
    l0 = load()
    for r in range(runs):
        for n in names:
            root = os.path.join(d, n)
            f = os.path.join(root, "tmp/up")
            if os.path.exists(f):
                os.unlink(f)
            fresh(d, root)
            cmd = "/bench/benchhelper stamp /tmp/up; exec sleep 1000"
            pid = os.posix_spawnp("unshare", ns(root, "sh", "-c", cmd), ENV, file_actions=NULL)
            if stamp(f, time.monotonic() + 10) is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                continue
            time.sleep(1.0)
            with open(f"/proc/{pid}/task/{pid}/children") as c:
                init = int(c.read().split()[0])
            with open(f"/proc/{init}/schedstat") as c:
                cpu[n].append(int(c.read().split()[0]) / 1e6)
            rss[n].append(kib(init, "VmRSS:", "status"))
            pss[n].append(kib(init, "Pss:", "smaps_rollup"))
            t0 = time.monotonic()
            os.kill(init, signal.SIGTERM)
            os.waitpid(pid, 0)
            stop[n].append((time.monotonic() - t0) * 1e3)
    print(f"load before: {l0}, after: {load()}")
    for n in names:
        report(f"{n}: PID 1 VmRSS, idle", rss[n], "KiB")
        report(f"{n}: PID 1 Pss, idle", pss[n], "KiB")
        report(f"{n}: SIGTERM -> gone", stop[n])
        report(f"{n}: PID 1's CPU time to bring all up", cpu[n])


def parse(root, runs):
    def one(cmd):
        t0 = time.perf_counter()
        pid = os.posix_spawnp("chroot", ["chroot", root, "/command/s6-rc-db", cmd], ENV, file_actions=NULL)
        _, st = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(st) != 0:
            sys.exit(f"s6-rc-db {cmd} failed in {root}")
        return (time.perf_counter() - t0) * 1e3
    xs, ys = [], []
    l0 = load()
    for r in range(-10, runs):
        a, b = (one("check"), one("help")) if r % 2 else (one("help"), one("check"))[::-1]
        if r >= 0:
            xs.append(a)
            ys.append(b)
    print(f"load before: {l0}, after: {load()}")
    c = report("s6-rc-db check (read + resolve)", xs)
    h = report("s6-rc-db help (floor: no tree)", ys)
    print(f"parse cost: min {c[0] - h[0]:.2f} ms, median {c[1] - h[1]:.2f} ms")


if __name__ == "__main__":
    {"boot": boot, "idle": idle, "parse": parse}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
