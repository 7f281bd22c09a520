/* An s6-rc client (its wire format, see s6::rc::live) whose forked child
 * keeps the reply pipe's write end for argv[1] seconds: PID 1's copy is
 * then not the last one. Prints "code N" with the change's exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int p[2];
    if (argc < 2 || pipe(p) < 0) return 100;
    if (fork() == 0) {
        close(p[0]);
        close(0);
        close(1);
        close(2);
        sleep(atoi(argv[1]));
        _exit(0);
    }
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, "/run/s6/rc/control");
    char req[] = "u1\0" "0\0" "svc-a";
    struct iovec iov = {req, sizeof req - 1};
    char cbuf[CMSG_SPACE(4 * sizeof(int))];
    struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(4 * sizeof(int));
    int fds[4] = {p[1], 0, 1, 2};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    if (sendmsg(s, &m, 0) < 0) {
        perror("sendmsg");
        return 111;
    }
    close(p[1]);
    char b[256];
    ssize_t n;
    int code = -1;
    while (code < 0 && (n = read(p[0], b, sizeof b)) > 0)
        for (ssize_t i = 0; i + 1 < n; i++)
            if (!b[i]) {
                code = b[i + 1];
                break;
            }
    printf("code %d\n", code);
    return 0;
}
