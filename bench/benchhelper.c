/* benchhelper: tiny static helper run inside the simulated containers of
 * bench/run.sh (built there with gcc -O2 -static).
 *
 *   benchhelper storm N OUTFILE [TIMEOUT_MS]
 *       Create N orphans by double fork: each intermediate child forks a
 *       grandchild and _exit()s at once; the grandchild _exit()s at once too,
 *       so it ends up as a zombie owned by the namespace's PID 1 (or subreaper).
 *       The grandchild PIDs are collected through a pipe; afterwards we poll
 *       kill(pid, 0) until every grandchild is gone (ESRCH == reaped by init).
 *       Writes one line to OUTFILE:
 *         n=.. spawn_ms=.. reaped_ms=.. lag_ms=.. pending_at_spawn_end=..
 *         unreaped=.. forkfail=..
 *       spawn_ms  = time to create all N orphans
 *       reaped_ms = time from first fork until the last orphan was reaped
 *       lag_ms    = reaped_ms - spawn_ms (how far reaping trails creation)
 *       pending_at_spawn_end = orphans not yet reaped when the last was made
 *       unreaped  = orphans still present (zombie) when TIMEOUT_MS (default
 *                   5000) after the last spawn ran out; 0 = all reaped.
 *
 *   benchhelper stamp FILE
 *       Append one CLOCK_MONOTONIC stamp ("SEC.NSEC\n") to FILE and exit
 *       (the run script of the restart part's flapping service).
 *
 *   benchhelper busy
 *       Spin on the CPU until killed (a busy host: SUP_BUSY in run.sh).
 *
 *   benchhelper spawn DIR
 *       Run as PID 1: start DIR/NAME/run for every subdirectory NAME (fork,
 *       setsid, chdir DIR/NAME, execve ./run), then only reap. On SIGTERM:
 *       SIGTERM + SIGCONT to every process (kill -1), wait until no child is
 *       left, exit 0. No supervision at all (no restart, no files): the floor
 *       under which no supervisor can start the same services.
 *
 * Build: gcc -O2 -static -o benchhelper benchhelper.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int storm(int n, const char *out, int timeout_ms)
{
    pid_t *g = calloc((size_t)n, sizeof(pid_t));
    int p[2], i, spawned = 0, forkfail = 0;
    if (!g || pipe(p) < 0) { perror("storm"); return 2; }
    double t0 = now_ms();
    for (i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) {
            close(p[0]);
            pid_t gc = fork();
            if (gc == 0) _exit(0);              /* orphan: exits immediately */
            if (gc > 0) (void)!write(p[1], &gc, sizeof gc);
            _exit(gc > 0 ? 0 : 1);
        }
        if (c < 0) { forkfail++; usleep(1000); continue; }
        pid_t gc = 0;
        if (read(p[0], &gc, sizeof gc) == (ssize_t)sizeof gc && gc > 0) g[spawned++] = gc;
        waitpid(c, NULL, 0);                     /* reap our own direct child */
    }
    double t1 = now_ms(), deadline = t1 + timeout_ms, t2;
    int remaining, lo = 0, pending0 = -1;
    for (;;) {
        remaining = 0;
        for (i = lo; i < spawned; i++) {
            if (!g[i]) continue;
            if (kill(g[i], 0) < 0 && errno == ESRCH) g[i] = 0;
            else remaining++;
        }
        while (lo < spawned && !g[lo]) lo++;
        if (pending0 < 0) pending0 = remaining;  /* zombies left right after spawning */
        t2 = now_ms();
        if (!remaining || t2 > deadline) break;
        usleep(500);
    }
    FILE *f = fopen(out, "w");
    if (!f) f = stdout;
    fprintf(f, "n=%d spawn_ms=%.3f reaped_ms=%.3f lag_ms=%.3f pending_at_spawn_end=%d unreaped=%d forkfail=%d\n",
            spawned, t1 - t0, t2 - t0, t2 - t1, pending0, remaining, forkfail);
    if (f != stdout) fclose(f);
    return remaining ? 1 : 0;
}

static int stamp(const char *file)
{
    struct timespec t;
    char buf[64];
    clock_gettime(CLOCK_MONOTONIC, &t);
    int len = snprintf(buf, sizeof buf, "%lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    (void)!write(fd, buf, (size_t)len);
    close(fd);
    return 0;
}

static int spawn_all(const char *dir, char **envp)
{
    sigset_t set, none;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &set, NULL);  /* taken with sigwaitinfo: no race */
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 111; }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        pid_t c = fork();
        if (c == 0) {
            char *av[] = { "./run", e->d_name, NULL };
            sigprocmask(SIG_SETMASK, &none, NULL);
            setsid();
            if (chdir(path) == 0) execve("./run", av, envp);
            _exit(127);
        }
    }
    closedir(d);
    int sent = 0;
    for (;;) {
        siginfo_t si;
        if (sigwaitinfo(&set, &si) < 0) continue;
        if (si.si_signo == SIGTERM && !sent) {
            kill(-1, SIGTERM);
            kill(-1, SIGCONT);
            sent = 1;
        }
        for (;;) {
            pid_t p = waitpid(-1, NULL, WNOHANG);
            if (p > 0) continue;
            if (p < 0 && errno == ECHILD && sent) return 0;
            break;
        }
    }
}

int main(int argc, char **argv, char **envp)
{
    if (argc >= 4 && !strcmp(argv[1], "storm"))
        return storm(atoi(argv[2]), argv[3], argc > 4 ? atoi(argv[4]) : 5000);
    if (argc >= 3 && !strcmp(argv[1], "stamp"))
        return stamp(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "spawn"))
        return spawn_all(argv[2], envp);
    if (argc >= 2 && !strcmp(argv[1], "busy"))
        for (;;) __asm__ volatile("");
    fprintf(stderr, "usage: benchhelper storm N OUTFILE [TIMEOUT_MS] | stamp FILE | spawn DIR | busy\n");
    return 100;
}
