/* For text_tools.rs: what glibc's regcomp/regexec select. argv[1]: flags
   (E: REG_EXTENDED, i: REG_ICASE), argv[2]: the pattern (empty: ".*", as
   skalibs_regcomp); stdin: lines. Prints the lines that match, or
   "E " and regerror's text. */
#include <regex.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  regex_t r;
  char line[512];
  int f = REG_NOSUB;
  if (argc < 3) return 100;
  if (strchr(argv[1], 'E')) f |= REG_EXTENDED;
  if (strchr(argv[1], 'i')) f |= REG_ICASE;
  int e = regcomp(&r, argv[2][0] ? argv[2] : ".*", f);
  if (e) {
    regerror(e, &r, line, sizeof line);
    printf("E %s\n", line);
    return 0;
  }
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    if (!regexec(&r, line, 0, 0, 0)) puts(line);
  }
  return 0;
}
