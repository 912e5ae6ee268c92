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

int ndx__afile_create(struct ndx_afile *f, const char *tmp, const char *fin)
{
    f->fd = -1;
    f->tmp = ndx_strndup(tmp, strlen(tmp));
    f->fin = ndx_strndup(fin, strlen(fin));
    if (!f->tmp || !f->fin) {
        ndx__afile_abort(f);
        return NDX_ENOMEM;
    }
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return f->fd < 0 ? NDX_EIO : NDX_OK;
}

int ndx__afile_write(struct ndx_afile *f, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return NDX_EIO;
        }
        p += w;
        n -= (size_t)w;
    }
    return NDX_OK;
}

int ndx__afile_commit(struct ndx_afile *f)
{
    int rc = fsync(f->fd) != 0 ? NDX_EIO : NDX_OK;
    int e = errno;
    if (close(f->fd) != 0 && !rc) {
        rc = NDX_EIO;
        e = errno;
    }
    f->fd = -1;
    if (!rc && rename(f->tmp, f->fin) != 0) {
        rc = NDX_EIO;
        e = errno;
    }
    if (rc)
        unlink(f->tmp);
    ndx__afile_abort(f);
    errno = e; /* the failure's, for the caller's message */
    return rc;
}

void ndx__afile_abort(struct ndx_afile *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        unlink(f->tmp);
        f->fd = -1;
    }
    ndx_free(f->tmp);
    ndx_free(f->fin);
    f->tmp = f->fin = NULL;
}

/* Write `data` to dir/name atomically (tmp, fsync, rename). */
int ndx__write_file_atomic(const char *dir, const char *name, const void *data, size_t n)
{
    char *tmp = ndx__strfmt("%s/%s.tmp", dir, name), *fin = ndx__strfmt("%s/%s", dir, name);
    struct ndx_afile f;
    int rc = tmp && fin ? ndx__afile_create(&f, tmp, fin) : NDX_ENOMEM;
    ndx_free(tmp);
    ndx_free(fin);
    if (rc == NDX_ENOMEM)
        return rc;
    if (!rc)
        rc = ndx__afile_write(&f, data, n);
    if (!rc)
        return ndx__afile_commit(&f);
    ndx__afile_abort(&f);
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
