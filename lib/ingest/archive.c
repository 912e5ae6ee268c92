/*
 * archive.c - tar and zip archives (libarchive), recognised by content after any compression has
 * been undone by the byte source (so .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst are tar archives
 * read through the same decoders and bomb limits).  Each regular member is read as a file of its
 * own, straight from the archive stream (nothing is written to disk): its name in reports and its
 * file:// URL are the archive's followed by "/" and the member path, cleaned of "/", "." and ".."
 * components.  Symbolic and hard links, devices and the like are skipped with a note, so nothing
 * outside the archive is ever read.  Hidden members (a path component starting with '.', such as
 * __MACOSX/._x resource forks) and VCS folders are skipped silently.  An archive inside an archive
 * is read (one level); deeper ones are skipped.
 */
#include "ingest.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>

#define ARC_CHUNK (256u * 1024)

int ndx__archive_sniff(const uint8_t *p, size_t n)
{
    if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
        ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
        return 1; /* zip: a local file header, or the end record of an empty archive */
    if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
        return 1; /* POSIX / GNU tar */
    return 0;
}

struct arc_in {
    struct ndx__ingest_lines *l; /* the archive stream: first its buffered bytes, then its source */
    uint8_t *buf;
    int head_done;
};

static la_ssize_t arc_read(struct archive *a, void *ctx, const void **out)
{
    struct arc_in *in = ctx;
    struct ndx__ingest_lines *l = in->l;
    if (!in->head_done) {
        in->head_done = 1;
        size_t n = l->end - l->beg;
        if (n) {
            *out = l->buf + l->beg;
            l->beg = l->end;
            return (la_ssize_t)n;
        }
    }
    size_t k = ndx__ingest_src_read(l->src, in->buf, ARC_CHUNK);
    if (k == 0 && l->src->err) {
        archive_set_error(a, EIO, "read error");
        return -1;
    }
    *out = in->buf;
    return (la_ssize_t)k;
}

struct member_in {
    struct archive *a;
    struct ndx__ingest_ctx *c; /* the member's context (reports) */
};

static ssize_t member_pull(void *ctx, uint8_t *buf, size_t n)
{
    struct member_in *m = ctx;
    la_ssize_t r;
    do
        r = archive_read_data(m->a, buf, n);
    while (r == ARCHIVE_RETRY);
    if (r >= 0)
        return (ssize_t)r;
    if (archive_errno(m->a) == ENOMEM)
        return -2;
    const char *e = archive_error_string(m->a);
    ndx__ingest_problem(m->c, 0, "cannot read the member: %s", e ? e : "damaged archive");
    return -1;
}

/*
 * Clean a member path into out: components "", "." and ".." dropped (so the name never climbs out
 * of the archive), non-UTF-8 bytes repaired.  Returns 1 if the path had to be changed.
 */
static int clean_path(const char *p, struct ndx_buf *out, int *rc)
{
    ndx__buf_reset(out);
    int changed = 0;
    size_t n = strlen(p);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
            changed = 1; /* never climbs out */
        } else if (len == 0 && i == 0) {
            changed = 1; /* absolute path */
        } else if (len > 1 || (len == 1 && p[i] != '.')) {
            if (out->n)
                ndx__buf_putc(out, '/', rc);
            size_t fixed = 0;
            ndx__utf8_repair(p + i, len, out, &fixed, NULL, rc);
            changed |= fixed > 0;
        }
        i = j + 1;
    }
    return changed;
}

/* Hidden (".x") or VCS component anywhere in the path. */
static int hidden_path(const char *p)
{
    for (const char *s = p; *s;) {
        if (*s == '.' || strncmp(s, "__MACOSX/", 9) == 0 || strcmp(s, "__MACOSX") == 0)
            return 1;
        const char *sl = strchr(s, '/');
        if (!sl)
            break;
        s = sl + 1;
    }
    return 0;
}

static int read_member(struct ndx__ingest_ctx *c, struct archive *a, struct archive_entry *e,
                       const char *path)
{
    struct ndx__ingest_ctx m;
    int rc = ndx__ingest_ctx_child(&m, c, path);
    if (rc)
        return rc;
    struct member_in in = {a, &m};
    struct ndx__ingest_src src;
    uint64_t size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
                        ? (uint64_t)archive_entry_size(e)
                        : 0;
    rc = ndx__ingest_src_open_pull(&src, &m, member_pull, &in, size);
    if (!rc)
        rc = ndx__ingest_read_src(&m, &src, c->input_format);
    ndx__ingest_src_close(&src);
    c->narticles += m.narticles;
    c->stopped |= m.stopped;
    ndx__ingest_ctx_child_free(&m);
    /* a member that gave nothing was reported; a damaged member ends the archive only if the
     * archive itself can no longer be read (the next header tells) */
    return rc == NDX_ENOMEM ? rc : NDX_OK;
}

int ndx__ingest_archive(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    if (c->depth >= 2) {
        ndx__ingest_problem(c, 0, "archive inside an archive inside an archive, skipped");
        return NDX_EFORMAT;
    }
    struct archive *a = archive_read_new();
    struct arc_in in = {l, ndx_malloc(ARC_CHUNK), 0};
    struct ndx_buf path;
    ndx__buf_init(&path, 0);
    if (!a || !in.buf) {
        if (a)
            archive_read_free(a);
        ndx_free(in.buf);
        return NDX_ENOMEM;
    }
    int rc = NDX_OK, opened;
    uint64_t nmembers = 0, nlinks = 0;
    if (l->end - l->beg >= 2 && l->buf[l->beg] == 'P') {
        /* zip: read whole, for the central directory (which alone tells links from files) */
        const char *p;
        size_t n;
        rc = ndx__ingest_lines_rest(l, ndx__ingest_limits.max_doc, &p, &n);
        if (rc == NDX_ETOOBIG)
            ndx__ingest_problem(c, 0, "zip archive larger than %zu bytes, skipped",
                                ndx__ingest_limits.max_doc);
        if (rc) {
            rc = rc == NDX_ETOOBIG ? NDX_EFORMAT : rc;
            goto out;
        }
        archive_read_support_format_zip_seekable(a);
        opened = archive_read_open_memory(a, p, n);
    } else {
        archive_read_support_format_tar(a);
        opened = archive_read_open(a, &in, NULL, arc_read, NULL);
    }
    if (opened != ARCHIVE_OK) {
        const char *e = archive_error_string(a);
        ndx__ingest_problem(c, 0, "unreadable archive: %s", e ? e : "unknown error");
        rc = NDX_EFORMAT;
        goto out;
    }
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
            if (l->src->err) {
                rc = l->src->err;
                break;
            }
            const char *m = archive_error_string(a);
            if (!c->damaged)
                ndx__ingest_problem(c, 0, "damaged archive after %llu members: %s",
                                    (unsigned long long)nmembers, m ? m : "unknown error");
            c->damaged = 1;
            break;
        }
        nmembers++;
        const char *raw = archive_entry_pathname(e);
        int changed = clean_path(raw ? raw : "", &path, &rc);
        if (rc)
            break;
        const char *p = path.n ? (const char *)path.p : "unnamed";
        mode_t type = archive_entry_filetype(e);
        if (type == AE_IFDIR || hidden_path(p))
            continue;
        if (archive_entry_hardlink(e) || type == AE_IFLNK) {
            nlinks++;
            continue;
        }
        if (type != AE_IFREG) {
            ndx__ingest_problem(c, 0, "note: member %s is not a regular file, skipped", p);
            continue;
        }
        if (changed)
            ndx__ingest_problem(c, 0, "note: member path '%s' read as '%s'", raw ? raw : "", p);
        rc = read_member(c, a, e, p);
        if (rc || c->stopped)
            break;
    }
    if (nlinks)
        ndx__ingest_problem(c, 0, "note: %llu link%s in the archive not followed",
                            (unsigned long long)nlinks, nlinks == 1 ? "" : "s");
    if (!rc && !c->narticles && !c->stopped && !c->damaged)
        ndx__ingest_problem(c, 0, "no articles in the archive (%llu member%s)",
                            (unsigned long long)nmembers, nmembers == 1 ? "" : "s");
out:
    archive_read_free(a);
    ndx_free(in.buf);
    ndx__buf_free(&path);
    return rc;
}
