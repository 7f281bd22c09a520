#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
/* lines: flags (E: ERE, I: ERE ignoring case, else BRE)\npattern\nstring\n ; prints E, N, T or "so,eo so,eo ..." */
int main(void) {
  char f[16], p[1024], s[1024];
  while (fgets(f, sizeof f, stdin) && fgets(p, sizeof p, stdin) && fgets(s, sizeof s, stdin)) {
    p[strcspn(p, "\n")] = 0; s[strcspn(s, "\n")] = 0;
    int fd[2]; pipe(fd);
    pid_t pid = fork();
    if (!pid) {
      regex_t r; regmatch_t m[64]; char out[4096]; int k = 0;
      ualarm(300000, 0); close(fd[0]);
      if (regcomp(&r, p, f[0] == 'E' ? REG_EXTENDED : f[0] == 'I' ? REG_EXTENDED | REG_ICASE : 0)) { write(fd[1], "E\n", 2); _exit(0); }
      if (regexec(&r, s, r.re_nsub + 1 < 64 ? r.re_nsub + 1 : 64, m, 0)) { write(fd[1], "N\n", 2); _exit(0); }
      for (size_t i = 0; i <= r.re_nsub && i < 64; i++) k += sprintf(out + k, "%d,%d ", (int)m[i].rm_so, (int)m[i].rm_eo);
      out[k++] = '\n'; write(fd[1], out, k); _exit(0);
    }
    close(fd[1]);
    char buf[4096]; int n = read(fd[0], buf, sizeof buf - 1); close(fd[0]);
    int st; waitpid(pid, &st, 0);
    if (n <= 0 || !WIFEXITED(st)) puts("T"); else { buf[n] = 0; fputs(buf, stdout); }
  }
  return 0;
}
