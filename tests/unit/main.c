/*
 * main.c - runs the registered unit tests (harness.h), each in a forked child with a timeout, and
 * prints "N passed, N failed".  Usage: unit_tests [SUBSTRING]
 */
#include "harness.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int ndx_test_failures;

struct test {
    const char *name;
    ndx_test_fn fn;
};
static struct test tests[1024];
static int ntests;

void ndx_test_register(const char *name, ndx_test_fn fn)
{
    if (ntests < (int)(sizeof tests / sizeof tests[0]))
        tests[ntests++] = (struct test){name, fn};
}

static int cmp(const void *a, const void *b)
{
    return strcmp(((const struct test *)a)->name, ((const struct test *)b)->name);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    qsort(tests, (size_t)ntests, sizeof tests[0], cmp);
    for (int i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(120);
            tests[i].fn();
            exit(ndx_test_failures ? 1 : 0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (ok) {
            passed++;
            printf("ok   %s\n", tests[i].name);
        } else {
            failed++;
            if (WIFSIGNALED(st))
                printf("FAIL %s (signal %d%s)\n", tests[i].name, WTERMSIG(st),
                       WTERMSIG(st) == SIGALRM ? ", timeout" : "");
            else
                printf("FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
