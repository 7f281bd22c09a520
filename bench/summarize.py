#!/usr/bin/python3
"""Turn the raw data of bench/run.sh into markdown (stdlib only).

  summarize.py RAWDIR "INITS" "PARTS"

RAWDIR holds what run.sh wrote for this run:
  sanity.txt        init=.. check=.. rc=..
  latency.*.json    hyperfine --export-json, one file per round
  reap.txt          init=.. rep=.. rc=.. wall_ms=.. + benchhelper's result line
  signal.jsonl      nsprobe.py sigterm lines + init/payload labels
  rss.jsonl         nsprobe.py mem lines + init label
Ratios are to the `tini-static` row (x = this / tini-static).
"""
import glob, json, os, statistics as st, sys

raw, inits, parts = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
REF = "tini-static"
summary = {i: {} for i in inits}   # init -> column -> value


def med(v):
    return st.median(v) if v else None


def fmt(v, nd=2):
    if v is None:
        return "n/a"
    return f"{v:.{nd}f}"


def ratio(v, ref):
    if v is None or ref is None or ref == 0:
        return "n/a"
    return f"{v / ref:.2f}"


def mmm(v, nd=1):
    """median (min-max)"""
    if not v:
        return "n/a"
    return f"{st.median(v):.{nd}f} ({min(v):.{nd}f}-{max(v):.{nd}f})"


out = []
p = out.append

# ---------------------------------------------------------------- sanity
f = os.path.join(raw, "sanity.txt")
if os.path.exists(f):
    rows = {}
    for l in open(f):
        d = dict(kv.split("=", 1) for kv in l.split())
        rows.setdefault(d["init"], {})[d["check"]] = d["rc"]
    p("### Sanity: exit code of the container")
    p("")
    p("| init | CMD `sh -c 'exit 3'` (want 3) | CMD `sh -c 'kill -KILL $$'` (want 137) |")
    p("|---|---:|---:|")
    for i in inits:
        r = rows.get(i, {})
        p(f"| {i} | {r.get('exit3', 'n/a')} | {r.get('killed', 'n/a')} |")
    p("")
    p("(`none`: the shell is PID 1 itself, and a namespace's init cannot be killed by a signal")
    p("sent from inside the namespace, so `kill -KILL $$` does nothing there.)")
    p("")

# ---------------------------------------------------------------- latency
if "latency" in parts:
    t = {}
    for fn in sorted(glob.glob(os.path.join(raw, "latency.round*.json"))):
        for r in json.load(open(fn))["results"]:
            t.setdefault(r["command"], []).extend(r["times"])
    meds = {k: st.median(v) * 1e3 for k, v in t.items() if v}
    p("### 1. `INIT /bin/true` wall time (hyperfine, unshare --pid ... --root=ROOTFS)")
    p("")
    p("| init | median ms | min ms | p90 ms | max ms | runs | x tini-static | - none (ms) |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|")
    for i in inits:
        v = sorted(t.get(i, []))
        if not v:
            p(f"| {i} | n/a | | | | 0 | | |")
            continue
        m = meds[i]
        p90 = v[int(0.9 * (len(v) - 1))] * 1e3
        dn = f"{m - meds['none']:+.2f}" if "none" in meds else "n/a"
        p(f"| {i} | {m:.2f} | {v[0]*1e3:.2f} | {p90:.2f} | {v[-1]*1e3:.2f} | {len(v)} | {ratio(m, meds.get(REF))} | {dn} |")
        summary[i]["lat"] = m
    extra = [i for i in inits if i.startswith("rs6") and i in meds and "none" in meds]
    if extra:
        p("")
    for i in extra:
        p(f"- {i} - none = {meds[i] - meds['none']:+.2f} ms (what {i} as PID 1 adds to running the CMD directly)"
          + (f"; {i} - tini-static = {meds[i] - meds[REF]:+.2f} ms" if REF in meds else ""))
    p("")

# ---------------------------------------------------------------- reap
if "reap" in parts:
    f = os.path.join(raw, "reap.txt")
    rows = {}
    if os.path.exists(f):
        for l in open(f):
            d = dict(kv.split("=", 1) for kv in l.split())
            rows.setdefault(d["init"], []).append(d)
    n = next((r.get("n") for rs in rows.values() for r in rs if r.get("n") not in (None, "0")), "?")

    def g(rs, k):
        return [float(r[k]) for r in rs if r.get(k) not in (None, "nan")]

    lagm = {i: med(g(rows.get(i, []), "lag_ms")) for i in inits}
    wallm = {i: med(g(rows.get(i, []), "wall_ms")) for i in inits}
    p(f"### 2. Reaping storm: {n} double-forked orphans (benchhelper storm)")
    p("")
    p("| init | lag ms median (min-max) | x tini-static | pending zombies at spawn end, median (max) | unreaped max | spawn ms median | outer wall ms median (min-max) | wall x tini-static | container rc | reps |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for i in inits:
        rs = rows.get(i, [])
        if not rs:
            continue
        pe, un, sp = g(rs, "pending_at_spawn_end"), g(rs, "unreaped"), g(rs, "spawn_ms")
        rcs = sorted(set(r["rc"] for r in rs))
        lag = mmm(g(rs, "lag_ms"))
        if un and max(un) > 0:
            lag += " (timeout hit)"
        pc = f"{st.median(pe):.0f} ({max(pe):.0f})" if pe else "n/a"
        lr = "-" if un and max(un) > 0 else ratio(lagm[i], lagm.get(REF))
        p(f"| {i} | {lag} | {lr} | {pc} | {int(max(un)) if un else 'n/a'} | "
          f"{fmt(med(sp), 1)} | {mmm(g(rs, 'wall_ms'), 0)} | {ratio(wallm[i], wallm.get(REF))} | {','.join(rcs)} | {len(rs)} |")
        summary[i]["lag"] = lagm[i]
        summary[i]["reap_unreaped"] = int(max(un)) if un else None
    p("")
    p("lag = time from the last orphan created until all of them are gone (polled every 0.5 ms,")
    p("so ~0.5-1 ms is the floor); `none` reaps nothing and runs into the helper's timeout.")
    p("")

# ---------------------------------------------------------------- signal
if "signal" in parts:
    f = os.path.join(raw, "signal.jsonl")
    rows = {}
    if os.path.exists(f):
        for l in open(f):
            d = json.loads(l)
            rows.setdefault((d["init"], d["payload"]), []).append(d)

    def vals(i, pl):
        return [r["ms"] for r in rows.get((i, pl), []) if r.get("ms") is not None]

    def cell(i, pl):
        rs = rows.get((i, pl), [])
        if not rs:
            return "n/a"
        v = vals(i, pl)
        err = sum(1 for r in rs if "error" in r)
        bad = len(rs) - len(v) - err
        s = mmm(v) if v else ("never exits" if bad else "-")
        if bad and v:
            s += f", {bad}/{len(rs)} never exit"
        elif bad:
            s += f" ({bad}/{len(rs)})"
        if err:
            s += f", {err}/{len(rs)} payload never started"
        return s

    def rcs(i, pl):
        return ",".join(sorted(set(str(r.get("rc")) for r in rows.get((i, pl), []) if r.get("ms") is not None))) or "-"

    tmo = next((r.get("timeout_s") for rs in rows.values() for r in rs if r.get("timeout_s")), None)
    p("### 3. SIGTERM to PID 1 from outside -> namespace gone (pidfd on unshare)")
    p("")
    p("| init | `sleep 1000`: ms median (min-max) | x tini-static | rc | trap script: ms median (min-max) | x tini-static | rc |")
    p("|---|---:|---:|---|---:|---:|---|")
    for i in inits:
        if not any((i, pl) in rows for pl in ("plain", "trap")):
            continue
        mp, mt = med(vals(i, "plain")), med(vals(i, "trap"))
        rp, rt = med(vals(REF, "plain")), med(vals(REF, "trap"))
        p(f"| {i} | {cell(i, 'plain')} | {ratio(mp, rp)} | {rcs(i, 'plain')} | {cell(i, 'trap')} | {ratio(mt, rt)} | {rcs(i, 'trap')} |")
        summary[i]["sig_plain"] = mp
        summary[i]["sig_trap"] = mt
    p("")
    p("trap script = `sh -c 'trap \"exit 0\" TERM; sleep 1000 & wait'`. \"never exits\" = still")
    p(f"running {tmo or '?'} s after the signal (then SIGKILLed). rc = exit status of unshare,")
    p("i.e. of PID 1 (143 = killed by SIGTERM, passed on by the init).")
    p("")

# ---------------------------------------------------------------- rss
if "rss" in parts:
    f = os.path.join(raw, "rss.jsonl")
    rows = {}
    if os.path.exists(f):
        for l in open(f):
            d = json.loads(l)
            rows.setdefault(d["init"], []).append(d)

    def g(i, k):
        return [r[k] for r in rows.get(i, []) if k in r]

    p("### 4. Memory of PID 1 with an idle CMD (`sleep 1000`), KiB")
    p("")
    p("| init | PID 1 | VmRSS | x tini-static | Pss | x tini-static | USS (private) | RssAnon | RssFile | VmHWM | reps |")
    p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i in inits:
        rs = rows.get(i, [])
        if not rs:
            continue
        c = {k: med(g(i, k)) for k in ("VmRSS", "Pss", "USS", "RssAnon", "RssFile", "VmHWM")}
        comm = ",".join(sorted(set(r.get("pid1_comm", "?") for r in rs)))
        errs = [r["error"] for r in rs if "error" in r]
        p(f"| {i} | {comm} | {fmt(c['VmRSS'], 0)} | {ratio(c['VmRSS'], med(g(REF, 'VmRSS')))} | "
          f"{fmt(c['Pss'], 0)} | {ratio(c['Pss'], med(g(REF, 'Pss')))} | {fmt(c['USS'], 0)} | "
          f"{fmt(c['RssAnon'], 0)} | {fmt(c['RssFile'], 0)} | {fmt(c['VmHWM'], 0)} | {len(rs) - len(errs)} |")
        summary[i]["rss"] = c["VmRSS"]
        summary[i]["pss"] = c["Pss"]
    p("")
    p("`none`: PID 1 is the payload itself (static busybox `sleep`).")
    p("")

# ---------------------------------------------------------------- summary
cols = [("lat", "/bin/true ms", 2), ("lag", "reap lag ms", 1), ("sig_plain", "SIGTERM `sleep` ms", 1),
        ("sig_trap", "SIGTERM trap ms", 1), ("rss", "PID 1 RSS KiB", 0), ("pss", "PID 1 PSS KiB", 0)]
cols = [c for c in cols if any(c[0] in summary[i] for i in inits)]
head = ["### Summary (medians; x = ratio to tini-static)", "",
        "| init | " + " | ".join(f"{c[1]} | x" for c in cols) + " |",
        "|---|" + "---:|---:|" * len(cols)]
for i in inits:
    cells = []
    for k, _, nd in cols:
        v = summary[i].get(k)
        r = summary.get(REF, {}).get(k)
        if v is None and k in ("sig_plain", "sig_trap"):
            cells.append("never exits | -")
        elif k == "lag" and summary[i].get("reap_unreaped"):
            cells.append(f"{fmt(v, nd)} (timeout) | -")
        else:
            cells.append(f"{fmt(v, nd)} | {ratio(v, r)}")
    head.append(f"| {i} | " + " | ".join(cells) + " |")
head.append("")
print("\n".join(head + out))
