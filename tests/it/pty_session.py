"""Drive `/init sh -i` under a pseudo-terminal, as `docker run -it IMG sh`.

Usage: pty_session.py COMMAND... ; prints one `key=value` line per finding.
"""
import os
import pty
import select
import sys
import time

argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

buf = b""


def read_until(pat, timeout=10.0):
    global buf
    end = time.monotonic() + timeout
    while pat not in buf:
        left = end - time.monotonic()
        if left <= 0:
            print("timeout=%r" % pat.decode())
            print("seen=%r" % buf.decode(errors="replace"))
            sys.stdout.flush()
            os.kill(pid, 9)
            sys.exit(1)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                time.sleep(0.01)
                continue
            buf += data
    i = buf.index(pat) + len(pat)
    got, buf = buf[:i], buf[i:]
    return got


def send(s):
    os.write(fd, s.encode())


# The terminal echoes what we type: the end markers are computed by the
# shell ($((1000+234)) prints 1234) so that only its output matches them.
read_until(b"# ")
# Field 5 of /proc/PID/stat is the process group, field 8 the terminal's
# foreground process group; read with builtins only, so that no job of the
# shell's own is in the foreground while we look.
send("read -r s < /proc/$$/stat; set -- ${s##*) }; echo stat=$3 $6=$((1000+234))\n")
line = read_until(b"=1234\r\n")
line = line.split(b"stat=")[-1].split(b"=1234")[0].decode()
pgrp, tpgid = line.split()
print("pgrp=%s" % pgrp)
print("tpgid=%s" % tpgid)
read_until(b"# ")
send("sleep 30\n")
# ^C only once sleep is the terminal's foreground job: sent earlier, it would
# reach the shell while it forks, and sleep would then run its 30 s.
end = time.monotonic() + 20
while True:
    try:
        with open("/proc/%d/comm" % os.tcgetpgrp(fd)) as f:
            comm = f.read()
        if comm == "sleep\n":
            break
        if comm == "docker\n":
            # docker run -it: this pty is the docker client's, whose own
            # group stays in the foreground; the container's jobs cannot be
            # seen from here. Give sleep time to start instead.
            time.sleep(1)
            break
    except OSError:
        pass
    if time.monotonic() > end:
        print("timeout=sleep in the foreground")
        sys.exit(1)
    time.sleep(0.01)
t0 = time.monotonic()
send("\x03")
send("echo after=$?=$((1000+235))\n")
got = read_until(b"=1235\r\n")
print("interrupt_ms=%d" % ((time.monotonic() - t0) * 1000))
print("after=%s" % got.split(b"after=")[-1].split(b"=1235")[0].decode())
read_until(b"# ")
send("exit 7\n")
end = time.monotonic() + 20
while True:
    # Read on: a container whose terminal output nobody reads may block.
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            os.read(fd, 4096)
        except OSError:
            time.sleep(0.01)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() > end:
        print("timeout=the container's end")
        os.kill(pid, 9)
        sys.exit(1)
print("exit=%d" % (os.waitstatus_to_exitcode(status)))
