/*
 * files.c - small files of an index directory written atomically (temporary file, fsync,
 * rename) and read whole; the directory synced after a rename.
 */
#include "index/index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ndx__fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NDX_EIO;
    int r = fsync(fd);
    close(fd);
    return r == 0 ? NDX_OK : NDX_EIO;
}

/* Write `data` to dir/name atomically (tmp, fsync, rename). */
int ndx__write_file_atomic(const char *dir, const char *name, const void *data, size_t n)
{
    char *tmp = ndx__strfmt("%s/%s.tmp", dir, name), *fin = ndx__strfmt("%s/%s", dir, name);
    int rc = NDX_OK;
    if (!tmp || !fin) {
        rc = NDX_ENOMEM;
        goto out;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = NDX_EIO;
        goto out;
    }
    const uint8_t *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = NDX_EIO;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!rc && fsync(fd) != 0)
        rc = NDX_EIO;
    if (close(fd) != 0 && !rc)
        rc = NDX_EIO;
    if (!rc && rename(tmp, fin) != 0)
        rc = NDX_EIO;
    if (rc)
        unlink(tmp);
out:
    ndx_free(tmp);
    ndx_free(fin);
    return rc;
}

int ndx__read_file(const char *path, struct ndx_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? NDX_ENOTFOUND : NDX_EIO;
    int rc = NDX_OK;
    for (;;) {
        if ((rc = ndx__buf_reserve(out, 65536)))
            break;
        ssize_t r = read(fd, out->p + out->n, 65536);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = NDX_EIO;
            break;
        }
        if (r == 0)
            break;
        out->n += (size_t)r;
        out->p[out->n] = 0;
    }
    close(fd);
    return rc;
}
