/* tmpdir.h - a fresh temporary directory for a test, and its removal afterwards. */
#ifndef NDX_TEST_TMPDIR_H
#define NDX_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A new directory under /tmp (static storage: one at a time per caller), or NULL. */
static inline char *tmpdir(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "/tmp/ndx-unit-XXXXXX");
    return mkdtemp(buf);
}

/* Remove dir and everything below it (best effort: says so when it cannot). */
static inline void rmrf(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

#endif
