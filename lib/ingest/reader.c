/*
 * reader.c - ndx_read_file: opens the input (file, stdin or memory for the fuzz targets), rejects
 * empty and binary content, detects the format by content (WARC/ARC archives, RSS/RDF/Atom feeds,
 * HTML pages, JSONL, JSON object or array - a JSON Feed among them -, plain text; gzip is undone by
 * the source first) and drives the streaming readers (JSONL lines, archive records) or the
 * single-document readers.  Articles and problems go to the caller's callbacks; see
 * docs/INPUT.md.
 */
#include "ingest.h"

#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SNIFF_BYTES       8192
#define JSONL_PROBE_LINES 4
#define ENC_SNIFF_BYTES   65536

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int all_space(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_space(p[i]))
            return 0;
    }
    return 1;
}

/* Binary if a NUL byte or more than 10% control / invalid UTF-8 bytes in the first 8 KB. */
static int looks_binary(const uint8_t *p, size_t n, int complete)
{
    size_t bad = 0, i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    while (i < n) {
        uint8_t c = p[i];
        if (c == 0)
            return 1;
        if (c < 0x80) {
            if ((c < 0x20 && !is_space(c)) || c == 0x7f)
                bad++;
            i++;
            continue;
        }
        size_t k = ndx__utf8_valid_prefix((const char *)p + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        if (!complete && n - i < 4)
            break; /* a sequence cut by the sniff window */
        bad++;
        i++;
    }
    return bad * 10 > n;
}

/* Does [p, p+n) parse as one JSON object? */
static int line_is_object(const uint8_t *p, size_t n)
{
    json_error_t err;
    json_t *v = json_loadb((const char *)p, n, JSON_ALLOW_NUL, &err);
    int ok = v && json_is_object(v);
    json_decref(v);
    return ok;
}

/* JSONL when the first line is an object, or another of the first few non-blank lines is. */
static int detect_jsonl(struct ndx__ingest_lines *l, size_t first)
{
    const uint8_t *nl;
    for (;;) {
        const uint8_t *b = l->buf + l->beg;
        size_t avail = l->end - l->beg;
        nl = memchr(b + first, '\n', avail - first);
        if (nl || l->eof || avail - first > ndx__ingest_limits.max_line)
            break;
        if (ndx__ingest_lines_fill(l, avail + 1))
            return 0;
    }
    if (!nl)
        return 0; /* one line (or a huge first line): a single document */
    const uint8_t *b = l->buf + l->beg;
    size_t nl_off = (size_t)(nl - b);
    if (line_is_object(b + first, nl_off - first))
        return 1;
    if (ndx__ingest_lines_fill(l, (size_t)1 << 20))
        return 0;
    b = l->buf + l->beg; /* the buffer may have moved */
    const uint8_t *e = b + (l->end - l->beg), *p = b + nl_off + 1;
    for (int k = 1; k < JSONL_PROBE_LINES && p < e;) {
        const uint8_t *q = memchr(p, '\n', (size_t)(e - p));
        if (!q && !l->eof)
            break;
        const uint8_t *le = q ? q : e;
        if (!all_space(p, (size_t)(le - p))) {
            const uint8_t *s = p;
            while (s < le && is_space(*s))
                s++;
            if (*s == '{' && line_is_object(p, (size_t)(le - p)))
                return 1;
            k++;
        }
        p = q ? q + 1 : e;
    }
    return 0;
}

static int read_jsonl(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    const char *p;
    size_t n;
    int r;
    while (!c->stopped && (r = ndx__ingest_lines_next(l, &p, &n)) == 1) {
        if (all_space((const uint8_t *)p, n))
            continue;
        size_t fixed = 0;
        if (ndx__utf8_valid_prefix(p, n) != n) {
            int rc = 0;
            ndx__buf_reset(&c->tmp2);
            ndx__utf8_repair(p, n, &c->tmp2, &fixed, NULL, &rc);
            if (rc)
                return rc;
            p = (const char *)c->tmp2.p;
            n = c->tmp2.n;
        }
        json_error_t err;
        json_t *v = json_loadb(p, n, JSON_ALLOW_NUL, &err);
        if (!v) {
            if (c->damaged && l->eof && l->beg == l->end)
                break; /* the line cut by the damage already reported */
            ndx__ingest_problem(c, l->lineno, "invalid JSON: %s at column %d", err.text,
                                err.column);
            continue;
        }
        int rc = ndx__feed_is_jsonfeed(v) ? ndx__ingest_feed_json(c, v)
                                          : ndx__ingest_json_article(c, v, l->lineno, 0, fixed);
        json_decref(v);
        if (rc)
            return rc;
    }
    if (r < 0)
        return r;
    if (!c->narticles && !c->damaged)
        ndx__ingest_problem(c, 0, "no articles found");
    return NDX_OK;
}

static int read_doc(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, const char **p,
                    size_t *n)
{
    int rc = ndx__ingest_lines_rest(l, ndx__ingest_limits.max_doc, p, n);
    if (rc == NDX_ETOOBIG) {
        ndx__ingest_problem(c, 0, "file larger than %zu bytes, skipped",
                            ndx__ingest_limits.max_doc);
        return NDX_EFORMAT;
    }
    if (!rc && c->bomb)
        return NDX_EFORMAT; /* a document cut at the expansion limit is not taken (reported) */
    return rc;
}

static int read_json(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    const char *p;
    size_t n;
    int rc = read_doc(c, l, &p, &n);
    if (rc)
        return rc;
    size_t valid = ndx__utf8_valid_prefix(p, n);
    if (valid != n) {
        size_t fixed = 0;
        uint64_t line = 1;
        for (size_t i = 0; i < valid; i++)
            line += p[i] == '\n';
        ndx__buf_reset(&c->tmp2);
        ndx__utf8_repair(p, n, &c->tmp2, &fixed, NULL, &rc);
        if (rc)
            return rc;
        ndx__ingest_problem(c, line, "invalid UTF-8 repaired (%zu bytes)", fixed);
        p = (const char *)c->tmp2.p;
        n = c->tmp2.n;
    }
    json_error_t err;
    json_t *root = json_loadb(p, n, JSON_ALLOW_NUL, &err);
    if (!root) {
        if (!c->damaged)
            ndx__ingest_problem(c, err.line > 0 ? (uint64_t)err.line : 0,
                                "invalid JSON: %s at column %d", err.text, err.column);
        return NDX_EFORMAT;
    }
    if (ndx__feed_is_jsonfeed(root)) {
        rc = ndx__ingest_feed_json(c, root);
    } else if (json_is_array(root)) {
        size_t i;
        json_t *e;
        json_array_foreach(root, i, e)
        {
            rc = ndx__ingest_json_article(c, e, 0, i + 1, 0);
            if (rc || c->stopped)
                break;
        }
    } else {
        rc = ndx__ingest_json_article(c, root, 0, 0, 0);
    }
    json_decref(root);
    return rc;
}

static int read_text(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    const char *p;
    size_t n;
    int rc = read_doc(c, l, &p, &n);
    if (rc)
        return rc;
    return ndx__ingest_text_article(c, p, n);
}

static int read_feed(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    const char *p;
    size_t n;
    int rc = read_doc(c, l, &p, &n);
    if (rc)
        return rc;
    return ndx__ingest_feed_xml(c, p, n);
}

static int read_html(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l)
{
    const char *p;
    size_t n;
    int rc = read_doc(c, l, &p, &n);
    if (rc)
        return rc;
    rc = ndx__ingest_html_page(c, p, n, NULL, NULL, 0, NDX_DATE_UNKNOWN);
    if (rc == NDX_EFORMAT)
        ndx__ingest_problem(c, 0, "no article text in the page");
    else if (rc == NDX_ETOOBIG)
        ndx__ingest_problem(c, 0, "page larger than %zu bytes, skipped", NDX_EXTRACT_MAX_INPUT);
    return rc == NDX_ETOOBIG ? NDX_EFORMAT : rc;
}

/* A UTF-16 document (BOM) whose first character is '<': an XML feed, if its root says so. */
static int utf16_feed(const uint8_t *b, size_t n)
{
    if (n < 4 || !((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return 0;
    uint8_t ascii[1024];
    size_t k = 0;
    for (size_t i = 2; i + 1 < n && k < sizeof ascii; i += 2) {
        uint8_t lo = b[0] == 0xFF ? b[i] : b[i + 1], hi = b[0] == 0xFF ? b[i + 1] : b[i];
        ascii[k++] = hi ? '?' : lo;
    }
    return ndx__feed_sniff_xml(ascii, k);
}

/* Read the rest of l converted from charset cs to UTF-8 (format detection again). */
static int read_converted(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, const char *cs,
                          int how, int fmt)
{
    struct ndx__conv *v;
    int rc = ndx__enc_open(&v, cs, c, l);
    if (rc == NDX_EINVAL) {
        ndx__ingest_problem(c, 0, "unknown character encoding '%s'", cs);
        return how == NDX__ENC_FORCED ? NDX_EINVAL : NDX_EFORMAT;
    }
    if (rc)
        return rc;
    static const char *const why[] = {"as asked", "byte order mark", "declared", "detected"};
    if (how != NDX__ENC_BOM)
        ndx__ingest_problem(c, 0, "note: read as %s (%s)", cs, why[how]);
    struct ndx__ingest_src src;
    rc = ndx__ingest_src_open_pull(&src, c, ndx__enc_pull(), v, 0);
    c->converted = 1;
    if (!rc)
        rc = ndx__ingest_read_src(c, &src, fmt);
    ndx__ingest_src_close(&src);
    ndx__enc_close(v, cs);
    return rc;
}

int ndx__ingest_read_src(struct ndx__ingest_ctx *c, struct ndx__ingest_src *src, int fmt)
{
    struct ndx__ingest_lines l;
    ndx__ingest_lines_init(&l, src);
    int rc = ndx__ingest_lines_fill(&l, SNIFF_BYTES + 3);
    /* find the first non-space byte, reading on through leading white space */
    size_t first = 0;
    while (!rc) {
        const uint8_t *b = l.buf + l.beg;
        size_t avail = l.end - l.beg;
        while (first < avail && is_space(b[first]))
            first++;
        if (first < avail || l.eof || avail > ndx__ingest_limits.max_doc)
            break;
        rc = ndx__ingest_lines_fill(&l, avail * 2);
    }
    if (rc)
        goto out;
    const uint8_t *b = l.buf + l.beg;
    size_t avail = l.end - l.beg;
    if (first >= avail) {
        if (!c->damaged)
            ndx__ingest_problem(c, 0, "empty file");
        rc = NDX_EFORMAT;
        goto out;
    }
    if (ndx__archive_sniff(b, avail)) {
        rc = ndx__ingest_archive(c, &l);
        goto out;
    }
    int archive =
        fmt == NDX_FMT_AUTO || fmt == NDX_FMT_WARC ? ndx__warc_sniff(b + first, avail - first) : 0;
    if (fmt == NDX_FMT_WARC && !archive) {
        ndx__ingest_problem(c, 0, "not a WARC or ARC file");
        rc = NDX_EFORMAT;
        goto out;
    }
    if (archive) {
        l.beg += first;
        rc = ndx__ingest_warc(c, &l, archive);
        goto out;
    }
    if ((fmt == NDX_FMT_AUTO || fmt == NDX_FMT_FEED) && utf16_feed(b, avail)) {
        rc = read_feed(c, &l);
        goto out;
    }
    /* markup (a feed or a page) declares its own charset: only NUL bytes make it binary */
    if (fmt == NDX_FMT_AUTO && b[first] == '<') {
        size_t k = NDX_MIN(avail - first, (size_t)SNIFF_BYTES);
        if (!memchr(b, 0, NDX_MIN(avail, (size_t)SNIFF_BYTES)) && !ndx__sgml_sniff(b + first, k))
            fmt = ndx__feed_sniff_xml(b + first, k) ? NDX_FMT_FEED
                  : ndx__html_sniff(b + first, k)   ? NDX_FMT_HTML
                                                    : NDX_FMT_AUTO;
    }
    if (!c->converted && fmt != NDX_FMT_FEED && fmt != NDX_FMT_HTML) {
        rc = ndx__ingest_lines_fill(&l, ENC_SNIFF_BYTES);
        if (rc)
            goto out;
        b = l.buf + l.beg;
        avail = l.end - l.beg;
        char cs[64];
        int how;
        size_t k = NDX_MIN(avail, (size_t)ENC_SNIFF_BYTES);
        if (ndx__enc_decide(b, k, l.eof && avail <= ENC_SNIFF_BYTES, c->encoding, cs, sizeof cs,
                            &how)) {
            rc = read_converted(c, &l, cs, how, fmt);
            goto out;
        }
    }
    if (fmt == NDX_FMT_AUTO && b[first] == '<') {
        int kind = ndx__sgml_sniff(b + first, NDX_MIN(avail - first, (size_t)SNIFF_BYTES));
        if (kind) {
            rc = ndx__ingest_sgml(c, &l, kind);
            goto out;
        }
    }
    if (fmt != NDX_FMT_FEED && fmt != NDX_FMT_HTML &&
        looks_binary(b, NDX_MIN(avail, (size_t)SNIFF_BYTES), l.eof && avail <= SNIFF_BYTES)) {
        ndx__ingest_problem(c, 0, "binary file, skipped");
        rc = NDX_EFORMAT;
        goto out;
    }
    if (fmt == NDX_FMT_AUTO &&
        ndx__mail_sniff(b + first, NDX_MIN(avail - first, (size_t)SNIFF_BYTES))) {
        const char *p;
        size_t n;
        rc = read_doc(c, &l, &p, &n);
        if (!rc)
            rc = ndx__ingest_mail(c, p, n);
        goto out;
    }
    if (fmt == NDX_FMT_AUTO) {
        fmt = NDX_FMT_TEXT;
        if (b[first] == '{' || b[first] == '[') {
            size_t k = first + 1;
            while (k < avail && is_space(b[k]))
                k++;
            int c1 = k < avail ? b[k] : -1;
            int jsonish = c1 < 0 || (b[first] == '{' && (c1 == '"' || c1 == '}')) ||
                          (b[first] == '[' && (c1 == '{' || c1 == ']'));
            if (jsonish)
                fmt = b[first] == '{' && detect_jsonl(&l, first) ? NDX_FMT_JSONL : NDX_FMT_JSON;
        }
    }
    if (src->err) {
        rc = src->err;
        goto out;
    }
    switch (fmt) {
    case NDX_FMT_JSONL:
        rc = read_jsonl(c, &l);
        break;
    case NDX_FMT_JSON:
        rc = read_json(c, &l);
        break;
    case NDX_FMT_FEED:
        rc = read_feed(c, &l);
        break;
    case NDX_FMT_HTML:
        rc = read_html(c, &l);
        break;
    default:
        rc = read_text(c, &l);
        break;
    }
out:
    ndx__ingest_lines_free(&l);
    if (src->err && (!rc || rc == NDX_EFORMAT))
        rc = src->err;
    if (rc == NDX_OK && !c->narticles && !c->stopped)
        rc = NDX_EFORMAT;
    return rc;
}

static void ctx_init(struct ndx__ingest_ctx *c, const char *name, const ndx_reader_opts *opts,
                     const ndx_reader_cb *cb)
{
    memset(c, 0, sizeof *c);
    c->name = name;
    c->cb = cb;
    c->stubs = opts ? opts->stubs : 0;
    c->input_format = opts ? opts->input_format : NDX_FMT_AUTO;
    c->encoding = opts ? opts->encoding : NULL;
    c->source = opts && opts->source && *opts->source ? opts->source : NULL;
    c->lang = opts && opts->lang && *opts->lang ? opts->lang : NULL;
    ndx__buf_init(&c->host, 0);
    for (int f = 0; f < NDX__F_COUNT; f++)
        ndx__buf_init(&c->f[f], 0);
    ndx__buf_init(&c->tmp, 0);
    ndx__buf_init(&c->tmp2, 0);
}

static void ctx_free(struct ndx__ingest_ctx *c)
{
    for (int f = 0; f < NDX__F_COUNT; f++)
        ndx__buf_free(&c->f[f]);
    ndx__buf_free(&c->tmp);
    ndx__buf_free(&c->tmp2);
    ndx__buf_free(&c->kw);
    ndx__buf_free(&c->kwv);
    ndx__buf_free(&c->host);
    if (!c->child)
        ndx_free(c->fmap.owned);
    ndx_free(c->file_url);
}

int ndx__ingest_ctx_child(struct ndx__ingest_ctx *m, const struct ndx__ingest_ctx *c,
                          const char *path)
{
    memset(m, 0, sizeof *m);
    m->cb = c->cb;
    m->fmap = c->fmap;
    m->child = 1;
    m->stubs = c->stubs;
    m->input_format = c->input_format;
    m->encoding = c->encoding;
    m->source = c->source;
    m->lang = c->lang;
    ndx__buf_init(&m->host, 0);
    m->depth = c->depth + 1;
    for (int f = 0; f < NDX__F_COUNT; f++)
        ndx__buf_init(&m->f[f], 0);
    ndx__buf_init(&m->tmp, 0);
    ndx__buf_init(&m->tmp2, 0);
    char *name = ndx__strfmt("%s/%s", c->name, path);
    m->name = name;
    if (c->file_url)
        m->file_url = ndx__strfmt("%s/%s", c->file_url, path);
    if (!name || (c->file_url && !m->file_url)) {
        ndx__ingest_ctx_child_free(m);
        return NDX_ENOMEM;
    }
    return NDX_OK;
}

void ndx__ingest_ctx_child_free(struct ndx__ingest_ctx *m)
{
    ndx_free((char *)m->name);
    m->name = NULL;
    ctx_free(m);
}

static int check_args(const ndx_reader_opts *opts, const ndx_reader_cb *cb, int *fmt)
{
    if (!cb || !cb->on_article)
        return NDX_EINVAL;
    *fmt = opts ? opts->input_format : NDX_FMT_AUTO;
    if (*fmt < NDX_FMT_AUTO || *fmt > NDX_FMT_WARC)
        return NDX_EINVAL;
    return NDX_OK;
}

int ndx_read_mem(const void *data, size_t n, const char *name, const ndx_reader_opts *opts,
                 const ndx_reader_cb *cb)
{
    int fmt;
    int rc = check_args(opts, cb, &fmt);
    if (rc)
        return rc;
    struct ndx__ingest_ctx c;
    ctx_init(&c, name ? name : "<memory>", opts, cb);
    rc = ndx__ingest_parse_fmap(&c, opts ? opts->field_map : NULL);
    if (!rc) {
        struct ndx__ingest_src src;
        ndx__ingest_src_open_mem(&src, &c, data, n);
        rc = ndx__ingest_read_src(&c, &src, fmt);
        ndx__ingest_src_close(&src);
    }
    ctx_free(&c);
    return rc;
}

int ndx_read_file(const char *path, const ndx_reader_opts *opts, const ndx_reader_cb *cb)
{
    int fmt;
    int rc = path ? check_args(opts, cb, &fmt) : NDX_EINVAL;
    if (rc)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    struct ndx__ingest_ctx c;
    ctx_init(&c, is_stdin ? "<stdin>" : path, opts, cb);
    rc = ndx__ingest_parse_fmap(&c, opts ? opts->field_map : NULL);
    if (rc) {
        ctx_free(&c);
        return rc;
    }
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        ndx__ingest_problem(&c, 0, "%s", strerror(errno));
        if (fd >= 0 && !is_stdin)
            close(fd);
        ctx_free(&c);
        return NDX_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        ndx__ingest_problem(&c, 0, "is a directory");
        if (!is_stdin)
            close(fd);
        ctx_free(&c);
        return NDX_EINVAL;
    }
    if (!is_stdin) {
        char abs[PATH_MAX];
        if (realpath(path, abs)) {
            c.file_url = ndx__strfmt("file://%s", abs);
            if (!c.file_url)
                rc = NDX_ENOMEM;
        }
    }
    struct ndx__ingest_src src;
    memset(&src, 0, sizeof src);
    if (!rc)
        rc = ndx__ingest_src_open_fd(&src, &c, fd, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
    if (!rc)
        rc = ndx__ingest_read_src(&c, &src, fmt);
    ndx__ingest_src_close(&src);
    if (!is_stdin)
        close(fd);
    ctx_free(&c);
    return rc;
}
