/* addenv VAR=VALUE... -- PROG ARGS...: exec PROG with the environment and
   each VAR=VALUE appended as is (a name may then be there twice, which
   env(1) and std::process::Command never give). */
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    static char *env[4096];
    int n = 0, i = 1;
    for (char **e = environ; *e && n < 4000; e++) env[n++] = *e;
    for (; i < argc && strcmp(argv[i], "--") != 0 && n < 4095; i++) env[n++] = argv[i];
    env[n] = 0;
    if (i + 1 >= argc) return 100;
    execve(argv[i + 1], argv + i + 1, env);
    return 111;
}
