/*
 * source.c - the byte source of the readers and the line reader on top of it.  A source is a file
 * descriptor (file or stdin), a memory block or a pull callback (an archive member); compressed
 * content (gzip, xz, bzip2, zstd by their magic bytes, any name; decomp.c) is decoded on the fly,
 * member after member, with limits against bombs (total size and expansion ratio).  Damage
 * (truncated or corrupt data, bomb) is reported as "file@offset" and ends the stream
 * cleanly, so everything decoded before it is kept.  Progress is reported in raw input bytes.
 */
#include "ingest.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define RAW_CHUNK  (256u * 1024)
#define LINE_CHUNK (256u * 1024)

struct ndx__ingest_limits ndx__ingest_limits = {
    .max_line = (size_t)64 << 20,
    .max_doc = (size_t)256 << 20,
    .max_gz_out = (uint64_t)4 << 30,
    .max_gz_ratio = 200,
    .gz_ratio_min = (uint64_t)256 << 10,
    .progress_step = (uint64_t)1 << 20,
};

static void progress(struct ndx__ingest_src *s)
{
    if (s->pull)
        return; /* archive members and converted text: the file's own source reports */
    if (s->raw_done >= s->next_progress) {
        s->next_progress = s->raw_done + ndx__ingest_limits.progress_step;
        if (s->c->cb->on_progress)
            s->c->cb->on_progress(s->c->cb->ctx, s->raw_done);
    }
}

/* Make raw input available; sets raw_eof or err when none comes. */
static void raw_fill(struct ndx__ingest_src *s)
{
    if (s->in_pos < s->in_len || s->raw_eof || s->err)
        return;
    if (s->fd < 0 && !s->pull) {
        s->raw_eof = 1;
        return;
    }
    for (;;) {
        ssize_t r =
            s->pull ? s->pull(s->pull_ctx, s->inbuf, RAW_CHUNK) : read(s->fd, s->inbuf, RAW_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            if (!s->pull)
                ndx__ingest_problem(s->c, 0, "%s", strerror(errno));
            s->err = s->pull && r == -2 ? NDX_ENOMEM : NDX_EIO;
            return;
        }
        if (r == 0)
            s->raw_eof = 1;
        s->in_pos = 0;
        s->in_len = (size_t)r;
        return;
    }
}

static void start(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c)
{
    s->c = c;
    s->next_progress = ndx__ingest_limits.progress_step;
    /* compression magic: make sure six bytes are there (a pipe may deliver fewer) */
    raw_fill(s);
    while ((s->fd >= 0 || s->pull) && s->in_len < 6 && !s->raw_eof && !s->err) {
        ssize_t r = s->pull ? s->pull(s->pull_ctx, s->inbuf + s->in_len, RAW_CHUNK - s->in_len)
                            : read(s->fd, s->inbuf + s->in_len, RAW_CHUNK - s->in_len);
        if (r < 0 && errno == EINTR && !s->pull)
            continue;
        if (r <= 0)
            break; /* the next raw_fill sees the end or the error again */
        s->in_len += (size_t)r;
    }
    s->gz = ndx__zdec_sniff(s->in, s->in_len);
}

/* A source reading fd (pull NULL) or pulling from pull(ctx, ...) (fd -1) through a raw buffer. */
static int open_stream(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c, int fd,
                       ssize_t (*pull)(void *, uint8_t *, size_t), void *ctx, uint64_t raw_size)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->pull = pull;
    s->pull_ctx = ctx;
    s->raw_size = raw_size;
    s->inbuf = ndx_malloc(RAW_CHUNK);
    if (!s->inbuf)
        return NDX_ENOMEM;
    s->in = s->inbuf;
    start(s, c);
    return s->err;
}

int ndx__ingest_src_open_pull(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c,
                              ssize_t (*pull)(void *, uint8_t *, size_t), void *ctx,
                              uint64_t raw_size)
{
    return open_stream(s, c, -1, pull, ctx, raw_size);
}

int ndx__ingest_src_open_fd(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c, int fd,
                            uint64_t raw_size)
{
    return open_stream(s, c, fd, NULL, NULL, raw_size);
}

void ndx__ingest_src_open_mem(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c, const void *p,
                              size_t n)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->in = p;
    s->in_len = n;
    s->raw_size = n;
    start(s, c);
}

void ndx__ingest_src_close(struct ndx__ingest_src *s)
{
    ndx__zdec_close(s->zd);
    s->zd = NULL;
    ndx_free(s->inbuf);
    s->inbuf = NULL;
}

static void damage(struct ndx__ingest_src *s, const char *what)
{
    ndx__ingest_problem_at(s->c, s->raw_done, "%s", what);
    s->c->damaged = 1;
    s->eof = 1;
}

static size_t read_plain(struct ndx__ingest_src *s, uint8_t *buf, size_t n)
{
    raw_fill(s);
    size_t k = NDX_MIN(n, s->in_len - s->in_pos);
    if (k == 0) {
        s->eof = 1;
        return 0;
    }
    memcpy(buf, s->in + s->in_pos, k);
    s->in_pos += k;
    s->raw_done += k;
    return k;
}

static uint64_t gz_limit(const struct ndx__ingest_src *s)
{
    const struct ndx__ingest_limits *L = &ndx__ingest_limits;
    uint64_t base = NDX_MAX(s->raw_size ? s->raw_size : s->raw_done + s->in_len, L->gz_ratio_min);
    uint64_t lim = base > UINT64_MAX / L->max_gz_ratio ? UINT64_MAX : base * L->max_gz_ratio;
    return NDX_MIN(lim, L->max_gz_out);
}

static void bomb(struct ndx__ingest_src *s)
{
    s->c->bomb = 1;
    char msg[120];
    snprintf(msg, sizeof msg, "%s data expands too much (bomb?), rest skipped",
             ndx__zdec_name(s->gz));
    damage(s, msg);
}

static size_t read_z(struct ndx__ingest_src *s, uint8_t *buf, size_t n)
{
    size_t got = 0;
    const char *name = ndx__zdec_name(s->gz);
    char msg[240];
    if (!s->zd) {
        if (ndx__zdec_open(&s->zd, s->gz)) {
            s->err = NDX_ENOMEM;
            return 0;
        }
        s->mem_out[0] = 0;
        s->mem_raw[0] = s->raw_done;
        s->nmem = 1;
    }
    uint64_t limit = gz_limit(s);
    if (s->out_done >= limit) {
        bomb(s);
        return 0;
    }
    n = (size_t)NDX_MIN((uint64_t)n, limit - s->out_done);
    while (got < n && !s->eof && !s->err) {
        raw_fill(s);
        if (s->err)
            break;
        size_t avail = s->in_len - s->in_pos;
        if (avail == 0 && s->gz_member_done) {
            s->eof = 1;
            break;
        }
        if (s->gz_member_done) {
            if (ndx__zdec_sniff(s->in + s->in_pos, avail) != s->gz) {
                snprintf(msg, sizeof msg, "data after the end of the %s stream ignored", name);
                damage(s, msg);
                break;
            }
            if (ndx__zdec_restart(s->zd)) {
                s->err = NDX_ENOMEM;
                break;
            }
            s->gz_member_done = 0;
            s->mem_out[s->nmem % 64] = s->out_done + got;
            s->mem_raw[s->nmem % 64] = s->raw_done;
            s->nmem++;
        }
        size_t used, made;
        int zr = ndx__zdec_step(s->zd, s->in + s->in_pos, avail, &used, buf + got, n - got, &made);
        s->in_pos += used;
        s->raw_done += used;
        got += made;
        if (zr == NDX__ZS_END) {
            s->gz_member_done = 1;
        } else if (zr == NDX__ZS_NOMEM) {
            s->err = NDX_ENOMEM;
        } else if (zr == NDX__ZS_ERROR) {
            snprintf(msg, sizeof msg, "corrupt %s data (%s)", name, ndx__zdec_msg(s->zd));
            damage(s, msg);
        } else if (used == 0 && made == 0) {
            /* no progress: the input ended inside a member, or the data is stuck */
            snprintf(msg, sizeof msg, avail ? "corrupt %s data (no progress)" : "truncated %s",
                     name);
            damage(s, msg);
        }
    }
    s->out_done += got;
    if (got == 0 && !s->eof && !s->err && s->out_done >= limit)
        bomb(s);
    return got;
}

uint64_t ndx__ingest_src_raw_offset(const struct ndx__ingest_src *s, uint64_t out, int *exact)
{
    *exact = 1;
    if (!s->gz)
        return out;
    unsigned lo = s->nmem > 64 ? s->nmem - 64 : 0;
    for (unsigned i = s->nmem; i-- > lo;) {
        if (s->mem_out[i % 64] == out)
            return s->mem_raw[i % 64];
        if (s->mem_out[i % 64] < out) {
            *exact = 0;
            return s->mem_raw[i % 64];
        }
    }
    *exact = 0;
    return 0;
}

size_t ndx__ingest_src_read(struct ndx__ingest_src *s, void *buf, size_t n)
{
    if (s->eof || s->err || n == 0)
        return 0;
    size_t k = s->gz ? read_z(s, buf, n) : read_plain(s, buf, n);
    if (!s->gz)
        s->out_done += k;
    progress(s);
    if (s->eof || s->err) {
        /* final progress report */
        s->next_progress = 0;
        progress(s);
        s->next_progress = UINT64_MAX;
    }
    return k;
}

/* ---- line reader --------------------------------------------------------------------------- */

void ndx__ingest_lines_init(struct ndx__ingest_lines *l, struct ndx__ingest_src *src)
{
    memset(l, 0, sizeof *l);
    l->src = src;
}

void ndx__ingest_lines_free(struct ndx__ingest_lines *l)
{
    ndx_free(l->buf);
    l->buf = NULL;
    l->cap = l->beg = l->end = 0;
}

/* Read one chunk more into the buffer (compacting / growing it), at most `limit` bytes.  Returns
 * status. */
static int more_upto(struct ndx__ingest_lines *l, size_t hint, size_t limit)
{
    if (l->beg > 0 && (l->beg >= l->cap / 2 || l->cap - l->end < LINE_CHUNK)) {
        memmove(l->buf, l->buf + l->beg, l->end - l->beg);
        l->end -= l->beg;
        l->beg = 0;
    }
    size_t chunk = NDX_MIN(NDX_MAX((size_t)LINE_CHUNK, hint), limit);
    if (l->cap - l->end < chunk) {
        size_t cap = l->cap ? l->cap : LINE_CHUNK;
        while (cap - l->end < chunk)
            cap *= 2;
        if (limit != SIZE_MAX)
            cap = NDX_MAX(NDX_MIN(cap, l->end + limit), l->end + chunk);
        uint8_t *p = ndx_realloc(l->buf, cap + 1);
        if (!p)
            return NDX_ENOMEM;
        l->buf = p;
        l->cap = cap;
    }
    size_t k = ndx__ingest_src_read(l->src, l->buf + l->end, NDX_MIN(l->cap - l->end, limit));
    l->end += k;
    if (k == 0) {
        if (l->src->err)
            return l->src->err;
        l->eof = 1;
    }
    return NDX_OK;
}

static int more(struct ndx__ingest_lines *l, size_t hint)
{
    return more_upto(l, hint, SIZE_MAX);
}

int ndx__ingest_lines_fill(struct ndx__ingest_lines *l, size_t want)
{
    while (l->end - l->beg < want && !l->eof) {
        int rc = more(l, NDX_MIN(want - (l->end - l->beg), (size_t)16 << 20));
        if (rc)
            return rc;
    }
    return NDX_OK;
}

int ndx__ingest_lines_next(struct ndx__ingest_lines *l, const char **p, size_t *n)
{
    size_t scanned = 0; /* bytes after beg known to hold no '\n' */
    int skipping = 0;
    for (;;) {
        uint8_t *nl = NULL;
        if (l->end - l->beg > scanned)
            nl = memchr(l->buf + l->beg + scanned, '\n', l->end - l->beg - scanned);
        if (nl || (l->eof && l->end > l->beg)) {
            size_t len = nl ? (size_t)(nl - (l->buf + l->beg)) : l->end - l->beg;
            uint8_t *s = l->buf + l->beg;
            l->beg += len + (nl ? 1 : 0);
            l->lineno++;
            if (!skipping && len > ndx__ingest_limits.max_line) {
                ndx__ingest_problem(l->src->c, l->lineno, "line longer than %zu bytes, skipped",
                                    ndx__ingest_limits.max_line);
                skipping = 1;
            }
            if (skipping) {
                scanned = 0;
                skipping = 0;
                continue;
            }
            if (len && s[len - 1] == '\r')
                len--;
            *p = (const char *)s;
            *n = len;
            return 1;
        }
        if (l->eof)
            return 0;
        scanned = l->end - l->beg;
        if (scanned > ndx__ingest_limits.max_line) {
            if (!skipping)
                ndx__ingest_problem(l->src->c, l->lineno + 1, "line longer than %zu bytes, skipped",
                                    ndx__ingest_limits.max_line);
            skipping = 1;
            l->beg = l->end;
            scanned = 0;
        }
        int rc = more(l, 0);
        if (rc)
            return rc;
    }
}

int ndx__ingest_lines_rest(struct ndx__ingest_lines *l, size_t max, const char **p, size_t *n)
{
    while (!l->eof) {
        size_t have = l->end - l->beg;
        if (have > max)
            return NDX_ETOOBIG;
        /* never decode more than one byte past the limit */
        int rc = more_upto(l, NDX_MIN(have, (size_t)16 << 20), max - have + 1);
        if (rc)
            return rc;
    }
    if (l->end - l->beg > max)
        return NDX_ETOOBIG;
    if (!l->buf) {
        l->buf = ndx_malloc(1);
        if (!l->buf)
            return NDX_ENOMEM;
    }
    l->buf[l->end] = 0;
    *p = (const char *)l->buf + l->beg;
    *n = l->end - l->beg;
    return NDX_OK;
}
