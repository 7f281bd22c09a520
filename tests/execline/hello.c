/* The one static program of the FROM-scratch test root.
 *   hello ARGS...   prints "hello ARGS..." and exits 0
 *   hello nap       sleeps 20 ms
 *   hello sleep     sleeps until killed */
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "sleep")) for (;;) pause();
    if (argc > 1 && !strcmp(argv[1], "nap")) {
        struct timespec t = {0, 20000000};
        nanosleep(&t, 0);
        return 0;
    }
    char buf[4096] = "hello";
    size_t n = 5;
    for (int i = 1; i < argc && n + strlen(argv[i]) + 2 < sizeof buf; i++) {
        buf[n++] = ' ';
        memcpy(buf + n, argv[i], strlen(argv[i]));
        n += strlen(argv[i]);
    }
    buf[n++] = '\n';
    return write(1, buf, n) == (ssize_t)n ? 0 : 111;
}
