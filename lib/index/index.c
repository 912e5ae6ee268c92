/*
 * index.c - the ndx_index handle: opening an index directory, the writer lock, adding, updating,
 * deduplicating and deleting articles, and the commit protocol (segment files and deletion files
 * written, fsync'd and renamed first, then a checksummed MANIFEST-<generation> published by
 * rename; the newest valid manifest is the index).  Also merges, stats and the integrity check.
 * Readers take no lock.  See docs/FORMAT.md.
 */
#include "index/index.h"
#include "text/text.h"
#include "dedup/dedup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEGMENTS       8 /* merge when more than this many segments */
#define DEFAULT_MEMORY     (256u << 20)
#define DEFAULT_READ_CACHE (32u << 20) /* decompressed stored-text blocks of a read handle */
#define LOC_BUILDER        0xffffffffull

int ndx__index_fail(ndx_index *ix, int rc, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ndx_free(ix->err);
    ix->err = ndx_strndup(msg, strlen(msg));
    return rc;
}

const char *ndx_errmsg(const ndx_index *ix)
{
    if (!ix)
        return "no index";
    return ix->err ? ix->err : "no error";
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NDX_EIO;
    int r = fsync(fd);
    close(fd);
    return r == 0 ? NDX_OK : NDX_EIO;
}

/* Write `data` to dir/name atomically (tmp, fsync, rename). */
static int write_file_atomic(const char *dir, const char *name, const void *data, size_t n)
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

static int read_file(const char *path, struct ndx_buf *out)
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

/* ---- segment list and manifest ------------------------------------------------------------ */

static void segref_free(struct ndx_segref *r)
{
    ndx__seg_close(r->seg);
    ndx_free(r->del);
    memset(r, 0, sizeof *r);
}

static void segs_free(ndx_index *ix)
{
    for (size_t i = 0; i < ix->nsegs; i++)
        segref_free(&ix->segs[i]);
    ndx_free(ix->segs);
    ix->segs = NULL;
    ix->nsegs = 0;
}

static size_t bitmap_bytes(uint32_t ndocs)
{
    return ((size_t)ndocs + 7) / 8;
}

static int load_del(ndx_index *ix, struct ndx_segref *r, uint64_t delgen)
{
    char *path = ndx__strfmt("%s/%s.del-%016" PRIx64, ix->dir, r->seg->name, delgen);
    if (!path)
        return NDX_ENOMEM;
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    int rc = read_file(path, &b);
    size_t nb = bitmap_bytes(r->seg->ndocs);
    if (!rc && (b.n != nb + 8 || ndx__hash64(b.p, nb, 0) != ndx__rd_u64(b.p + nb)))
        rc = NDX_CORRUPT;
    if (rc) {
        ndx__index_fail(ix, rc, "deletion file %s is %s", path,
                        rc == NDX_ENOTFOUND ? "missing" : "damaged");
        ndx__buf_free(&b);
        ndx_free(path);
        return rc;
    }
    ndx_free(path);
    r->del = b.p; /* bitmap followed by the hash; only the bitmap is used */
    r->delgen = delgen;
    r->ndel = 0;
    for (uint32_t d = 0; d < r->seg->ndocs; d++)
        r->ndel += ndx__seg_deleted(r, d);
    return NDX_OK;
}

static int add_segref(ndx_index *ix, struct ndx_seg *seg)
{
    struct ndx_segref *s = ndx_realloc(ix->segs, (ix->nsegs + 1) * sizeof *s);
    if (!s)
        return NDX_ENOMEM;
    ix->segs = s;
    memset(&s[ix->nsegs], 0, sizeof *s);
    seg->dc = &ix->dc;
    s[ix->nsegs++].seg = seg;
    return NDX_OK;
}

/* Parse and load manifest `gen`.  On failure the handle's segment list is empty. */
static int load_manifest(ndx_index *ix, uint64_t gen)
{
    char *path = ndx__strfmt("%s/MANIFEST-%016" PRIx64, ix->dir, gen);
    if (!path)
        return NDX_ENOMEM;
    struct ndx_buf b;
    ndx__buf_init(&b, 1 << 26);
    int rc = read_file(path, &b);
    ndx_free(path);
    if (rc) {
        ndx__buf_free(&b);
        return rc;
    }
    /* the last line is "end <hash of everything before it>" */
    char *text = (char *)b.p;
    char *endl = text ? strstr(text, "\nend ") : NULL;
    if (!endl || strtoull(endl + 5, NULL, 16) != ndx__hash64(text, (size_t)(endl - text + 1), 0)) {
        ndx__buf_free(&b);
        return NDX_EFORMAT; /* a torn or foreign manifest file: an older one may be used */
    }
    endl[1] = 0;
    segs_free(ix);
    uint64_t mgen = 0, next_id = 1, next_seg = 1;
    int stem = 1, simple = 0, version = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        char name[64];
        unsigned long long ndocs, delgen, ndel;
        if (sscanf(line, "newsdex-manifest %d", &version) == 1)
            continue;
        if (sscanf(line, "generation %" SCNu64, &mgen) == 1 ||
            sscanf(line, "next_id %" SCNu64, &next_id) == 1 ||
            sscanf(line, "next_seg %" SCNu64, &next_seg) == 1 ||
            sscanf(line, "stemming %d", &stem) == 1 || sscanf(line, "simple %d", &simple) == 1)
            continue;
        if (sscanf(line, "segment %63s ndocs %llu delgen %llx ndel %llu", name, &ndocs, &delgen,
                   &ndel) == 4) {
            struct ndx_seg *seg;
            char *msg = NULL;
            rc = ndx__seg_open(ix->dir, name, &seg, &msg);
            if (rc) {
                ndx__index_fail(ix, rc, "%s", msg ? msg : ndx_strerror(rc));
                ndx_free(msg);
                break;
            }
            if (seg->ndocs != ndocs) {
                ndx__seg_close(seg);
                rc = ndx__index_fail(ix, NDX_ECORRUPT,
                                     "segment %s: %llu documents, manifest says %llu", name,
                                     (unsigned long long)seg->ndocs, ndocs);
                break;
            }
            if ((rc = add_segref(ix, seg))) {
                ndx__seg_close(seg);
                break;
            }
            if (delgen && (rc = load_del(ix, &ix->segs[ix->nsegs - 1], delgen)))
                break;
            if (ix->segs[ix->nsegs - 1].ndel != ndel)
                rc = ndx__index_fail(ix, NDX_ECORRUPT, "segment %s: deletion count mismatch", name);
            continue;
        }
        rc = ndx__index_fail(ix, NDX_ECORRUPT, "manifest: unexpected line '%.80s'", line);
    }
    ndx__buf_free(&b);
    if (!rc && (version != 1 || mgen != gen))
        rc = ndx__index_fail(ix, NDX_ECORRUPT, "manifest %016" PRIx64 ": bad version or generation",
                             gen);
    if (rc) {
        segs_free(ix);
        return rc;
    }
    ix->gen = gen;
    ix->next_id = next_id;
    ix->next_seg = next_seg;
    ix->stem = stem;
    ix->simple = simple;
    return NDX_OK;
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Generations of the MANIFEST files present, newest first. */
static int list_manifests(const char *dir, uint64_t **gens, size_t *n)
{
    *gens = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NDX_EIO;
    size_t cap = 0;
    struct dirent *e;
    int rc = NDX_OK;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "MANIFEST-", 9) != 0 || strlen(e->d_name) != 25)
            continue;
        char *end;
        uint64_t g = strtoull(e->d_name + 9, &end, 16);
        if (*end)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            uint64_t *q = ndx_realloc(*gens, cap * sizeof *q);
            if (!q) {
                rc = NDX_ENOMEM;
                break;
            }
            *gens = q;
        }
        (*gens)[(*n)++] = g;
    }
    closedir(d);
    if (*n)
        qsort(*gens, *n, sizeof **gens, cmp_u64_desc);
    return rc;
}

/* Load the newest manifest that loads cleanly.  A missing segment means a writer removed it
 * after publishing a newer manifest: the listing is retried. */
static int load_newest(ndx_index *ix)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        uint64_t *gens;
        size_t n;
        int rc = list_manifests(ix->dir, &gens, &n);
        if (rc)
            return ndx__index_fail(ix, rc, "cannot list %s: %s", ix->dir, strerror(errno));
        if (n == 0) {
            ndx_free(gens);
            return NDX_ENOTFOUND;
        }
        int retry = 0;
        rc = NDX_ECORRUPT;
        for (size_t i = 0; i < n; i++) {
            rc = load_manifest(ix, gens[i]);
            if (rc == NDX_OK)
                break;
            if (rc == NDX_EFORMAT)
                continue; /* unreadable manifest file: fall back to the previous one */
            retry = rc == NDX_ENOTFOUND;
            break;
        }
        ndx_free(gens);
        if (rc == NDX_OK)
            return NDX_OK;
        if (rc == NDX_EFORMAT)
            return ndx__index_fail(ix, NDX_ECORRUPT, "no readable manifest in %s", ix->dir);
        if (!retry)
            return rc;
        usleep(1000u << (attempt < 8 ? attempt : 8));
    }
    return ndx__index_fail(ix, NDX_EIO, "index %s keeps changing while being opened", ix->dir);
}

/* Write MANIFEST-<gen> describing ix->segs (deletion files must be written already). */
static int write_manifest(ndx_index *ix, uint64_t gen)
{
    struct ndx_buf b;
    int rc = 0;
    ndx__buf_init(&b, 0);
    ndx__buf_printf(&b, &rc,
                    "newsdex-manifest 1\ngeneration %" PRIu64 "\nnext_id %" PRIu64
                    "\nnext_seg %" PRIu64 "\nstemming %d\nsimple %d\n",
                    gen, ix->next_id, ix->next_seg, ix->stem, ix->simple);
    for (size_t i = 0; i < ix->nsegs; i++)
        ndx__buf_printf(&b, &rc, "segment %s ndocs %u delgen %" PRIx64 " ndel %u\n",
                        ix->segs[i].seg->name, ix->segs[i].seg->ndocs, ix->segs[i].delgen,
                        ix->segs[i].ndel);
    ndx__buf_printf(&b, &rc, "end %016" PRIx64 "\n", rc ? 0 : ndx__hash64(b.p, b.n, 0));
    if (!rc) {
        char name[40];
        snprintf(name, sizeof name, "MANIFEST-%016" PRIx64, gen);
        rc = write_file_atomic(ix->dir, name, b.p, b.n);
    }
    ndx__buf_free(&b);
    return rc;
}

/* Remove files no manifest at or after `keep_gen` refers to (writer only). */
static void collect_garbage(ndx_index *ix, uint64_t keep_gen)
{
    /* names referenced by the current and the previous manifest are kept */
    struct ndx_map keep;
    ndx__map_init(&keep);
    for (size_t i = 0; i < ix->nsegs; i++) {
        const char *nm = ix->segs[i].seg->name;
        ndx__map_put(&keep, ndx__hash64(nm, strlen(nm), 3), 1);
        char del[96];
        snprintf(del, sizeof del, "%s.del-%016" PRIx64, nm, ix->segs[i].delgen);
        ndx__map_put(&keep, ndx__hash64(del, strlen(del), 3), 1);
    }
    /* files of the previous manifest too (readers may be opening it) */
    char prev[40];
    snprintf(prev, sizeof prev, "MANIFEST-%016" PRIx64, keep_gen > 1 ? keep_gen - 1 : 0);
    char *ppath = ndx__strfmt("%s/%s", ix->dir, prev);
    struct ndx_buf b;
    ndx__buf_init(&b, 1 << 26);
    if (ppath && read_file(ppath, &b) == NDX_OK && b.p) {
        char *save = NULL;
        for (char *line = strtok_r((char *)b.p, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char name[64];
            unsigned long long nd, dg, ndl;
            if (sscanf(line, "segment %63s ndocs %llu delgen %llx ndel %llu", name, &nd, &dg,
                       &ndl) == 4) {
                ndx__map_put(&keep, ndx__hash64(name, strlen(name), 3), 1);
                char del[96];
                snprintf(del, sizeof del, "%s.del-%016llx", name, dg);
                ndx__map_put(&keep, ndx__hash64(del, strlen(del), 3), 1);
            }
        }
    }
    ndx__buf_free(&b);
    ndx_free(ppath);
    DIR *d = opendir(ix->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        int remove = 0;
        if (len > 4 && strcmp(nm + len - 4, ".tmp") == 0)
            remove = 1;
        else if (strncmp(nm, "MANIFEST-", 9) == 0 && len == 25) {
            uint64_t g = strtoull(nm + 9, NULL, 16);
            remove = g + 1 < keep_gen;
        } else if (strncmp(nm, "seg-", 4) == 0) {
            char base[300];
            snprintf(base, sizeof base, "%s", nm);
            char *dot = strstr(base, ".ndx");
            if (dot && dot[4] == 0)
                *dot = 0;
            remove = !ndx__map_get(&keep, ndx__hash64(base, strlen(base), 3));
        }
        if (remove) {
            char *p = ndx__strfmt("%s/%s", ix->dir, nm);
            if (p)
                unlink(p);
            ndx_free(p);
        }
    }
    if (d)
        closedir(d);
    ndx__map_free(&keep);
}

/* ---- writer maps -------------------------------------------------------------------------- */

static void add_bands(ndx_index *ix, uint64_t gid, const uint16_t *sig, int *rc);

/* Call cb for each URL in a copies list ("url\tsource\n"...). */
static int each_copy_url(const char *copies, size_t n, int (*cb)(void *, const char *, size_t),
                         void *ctx)
{
    const char *p = copies, *end = copies + n;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        const char *tab = memchr(p, '\t', (size_t)(nl - p));
        size_t len = tab ? (size_t)(tab - p) : (size_t)(nl - p);
        int rc = len ? cb(ctx, p, len) : 0;
        if (rc)
            return rc;
        p = nl + 1;
    }
    return 0;
}

struct copy_url_ctx {
    ndx_index *ix;
    uint64_t gid;
    const char *want;
    size_t nwant;
};

static int put_copy_url(void *ctx, const char *url, size_t n)
{
    struct copy_url_ctx *c = ctx;
    return ndx__map_put(&c->ix->url_map, ndx__url_hash(url, n), c->gid);
}

/* The URLs of exact copies recorded on a stored article map to it too (re-ingesting a copy is
 * then "unchanged", and `show URL` finds it). */
static int map_copy_urls(ndx_index *ix, const struct ndx_seg *seg, uint32_t doc, uint64_t gid)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    ndx_article a;
    int rc = ndx__seg_doc(seg, doc, &scratch, &a);
    struct copy_url_ctx c = {ix, gid, NULL, 0};
    if (!rc)
        rc = each_copy_url(a.copies, a.ncopies, put_copy_url, &c);
    ndx__buf_free(&scratch);
    return rc;
}

static int match_copy_url(void *ctx, const char *url, size_t n)
{
    struct copy_url_ctx *c = ctx;
    return n == c->nwant && memcmp(url, c->want, n) == 0;
}

static int rebuild_maps(ndx_index *ix)
{
    ndx__map_free(&ix->url_map);
    ndx__map_free(&ix->content_map);
    ndx__map_free(&ix->gid_map);
    ndx__map_free(&ix->band_map);
    int rc = NDX_OK;
    for (size_t i = 0; i < ix->nsegs && !rc; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        const struct ndx_columns *c = &r->seg->col;
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            uint64_t gid = c->gid[d];
            rc = ndx__map_put(&ix->gid_map, gid, (uint64_t)(i + 1) << 32 | d);
            if (!rc && c->url_hash[d])
                rc = ndx__map_put(&ix->url_map, c->url_hash[d], gid);
            if (!rc && c->content_hash[d] && !ndx__map_get(&ix->content_map, c->content_hash[d]))
                rc = ndx__map_put(&ix->content_map, c->content_hash[d], gid);
            add_bands(ix, gid, c->sig + (size_t)d * NDX_SKETCH_BINS, &rc);
            if (!rc && NDX_NCOPIES(c->flags[d]))
                rc = map_copy_urls(ix, r->seg, d, gid);
        }
    }
    if (ix->bld) {
        uint32_t n = ndx__builder_ndocs(ix->bld);
        for (uint32_t d = 0; d < n && !rc; d++)
            if (!(ix->bld_del && ix->bld_del[d >> 3] >> (d & 7) & 1)) {
                rc =
                    ndx__map_put(&ix->gid_map, ndx__builder_gid(ix->bld, d), LOC_BUILDER << 32 | d);
                add_bands(ix, ndx__builder_gid(ix->bld, d), ndx__builder_sig(ix->bld, d), &rc);
            }
    }
    return rc;
}

/* ---- open / close ------------------------------------------------------------------------- */

int ndx_index_open(const char *path, int flags, ndx_index **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    ndx_index *ix = ndx_calloc(1, sizeof *ix);
    if (!ix)
        return NDX_ENOMEM;
    ix->lockfd = -1;
    ix->flags = flags;
    ix->mem_limit = DEFAULT_MEMORY;
    ix->dup_threshold = NDX_DUP_THRESHOLD;
    if (!(flags & NDX_OPEN_WRITE))
        (void)ndx__dcache_init(&ix->dc, DEFAULT_READ_CACHE); /* optional: no cache on failure */
    ix->simple = (flags & NDX_OPEN_SIMPLE) != 0;
    ix->stem = !(flags & (NDX_OPEN_NOSTEM | NDX_OPEN_SIMPLE));
    int rc = NDX_OK;
    if (!(ix->dir = ndx_strndup(path, strlen(path)))) {
        rc = NDX_ENOMEM;
        goto fail;
    }
    struct stat st;
    int writer = flags & NDX_OPEN_WRITE;
    if (stat(path, &st) != 0) {
        if (!(writer && (flags & NDX_OPEN_CREATE))) {
            rc = ndx__index_fail(ix, NDX_ENOTFOUND,
                                 "no index at %s (create one with 'newsdex ingest')", path);
            goto fail;
        }
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            rc = ndx__index_fail(ix, NDX_EIO, "cannot create %s: %s", path, strerror(errno));
            goto fail;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        rc = ndx__index_fail(ix, NDX_EINVAL, "%s is not a directory", path);
        goto fail;
    }
    if (writer) {
        char *lp = ndx__strfmt("%s/LOCK", path);
        if (!lp) {
            rc = NDX_ENOMEM;
            goto fail;
        }
        ix->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        ndx_free(lp);
        if (ix->lockfd < 0) {
            rc = ndx__index_fail(ix, NDX_EIO, "cannot open %s/LOCK: %s", path, strerror(errno));
            goto fail;
        }
        if (flock(ix->lockfd, LOCK_EX | LOCK_NB) != 0) {
            rc = ndx__index_fail(ix, NDX_ELOCKED, "index %s is being written by another process",
                                 path);
            goto fail;
        }
    }
    rc = load_newest(ix);
    if (rc == NDX_ENOTFOUND && writer) {
        /* a new index: publish generation 1 with no segments */
        ix->next_id = 1;
        ix->next_seg = 1;
        if ((rc = write_manifest(ix, 1)) || (rc = fsync_dir(path))) {
            ndx__index_fail(ix, rc, "cannot create an index in %s: %s", path, strerror(errno));
            goto fail;
        }
        ix->gen = 1;
    } else if (rc == NDX_ENOTFOUND) {
        rc = ndx__index_fail(ix, NDX_ENOTFOUND, "no index at %s (create one with 'newsdex ingest')",
                             path);
        goto fail;
    } else if (rc) {
        if (!ix->err)
            ndx__index_fail(ix, rc, "cannot open the index in %s: %s", path, ndx_strerror(rc));
        goto fail;
    }
    if (writer) {
        if (!(ix->bld = ndx__builder_new(ix->stem, ix->simple))) {
            rc = NDX_ENOMEM;
            goto fail;
        }
        collect_garbage(ix, ix->gen);
        if ((rc = rebuild_maps(ix)))
            goto fail;
    }
    *out = ix;
    return NDX_OK;
fail:
    if (errmsg)
        *errmsg = ix->err ? ndx_strndup(ix->err, strlen(ix->err))
                          : ndx__strfmt("cannot open %s: %s", path, ndx_strerror(rc));
    ndx_index_close(ix);
    return rc;
}

static void copies_free(ndx_index *ix)
{
    for (size_t i = 0; i < ix->ncopies; i++)
        ndx__buf_free(&ix->copies[i].lines);
    ndx_free(ix->copies);
    ix->copies = NULL;
    ix->ncopies = ix->capcopies = 0;
    ndx__map_free(&ix->copy_map);
}

void ndx_index_close(ndx_index *ix)
{
    if (!ix)
        return;
    segs_free(ix);
    ndx__dcache_free(&ix->dc);
    ndx__builder_free(ix->bld);
    ndx_free(ix->bld_del);
    ndx__map_free(&ix->url_map);
    ndx__map_free(&ix->content_map);
    ndx__map_free(&ix->gid_map);
    ndx__map_free(&ix->band_map);
    copies_free(ix);
    if (ix->lockfd >= 0)
        close(ix->lockfd);
    ndx_free(ix->dir);
    ndx_free(ix->err);
    ndx_free(ix);
}

int ndx_index_set_memory_limit(ndx_index *ix, size_t bytes)
{
    if (bytes < (1u << 20))
        return ndx__index_fail(ix, NDX_EINVAL, "memory limit below 1 MiB");
    ix->mem_limit = bytes;
    return NDX_OK;
}

uint64_t ndx_index_generation(const ndx_index *ix)
{
    return ix ? ix->gen : 0;
}

int ndx_index_set_cache_limit(ndx_index *ix, size_t bytes)
{
    if (ndx__dcache_init(&ix->dc, bytes) != NDX_OK)
        return ndx__index_fail(ix, NDX_ENOMEM, "cannot allocate the block cache");
    return NDX_OK;
}

int ndx_index_set_dup_threshold(ndx_index *ix, double threshold)
{
    if (!(threshold >= 0.1 && threshold <= 1.0))
        return ndx__index_fail(ix, NDX_EINVAL, "story threshold must be between 0.1 and 1");
    ix->dup_threshold = threshold;
    return NDX_OK;
}

int ndx_index_refresh(ndx_index *ix)
{
    if (ix->flags & NDX_OPEN_WRITE)
        return NDX_OK; /* a writer always sees its own latest commit */
    /* A commit publishes a new MANIFEST by renaming it into the directory, which changes the
     * directory's mtime.  An mtime equal to the one seen at the last full check, when it was
     * already more than two seconds old then, means no commit since: one stat() instead of
     * reading the directory. */
    struct stat st;
    struct timespec now;
    int have_st = stat(ix->dir, &st) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0;
    if (have_st && ix->dir_checked && st.st_mtim.tv_sec == ix->dir_mtime.tv_sec &&
        st.st_mtim.tv_nsec == ix->dir_mtime.tv_nsec)
        return NDX_OK;
    uint64_t *gens;
    size_t n;
    int rc;
    if (list_manifests(ix->dir, &gens, &n) == NDX_OK && n && gens[0] == ix->gen) {
        ndx_free(gens);
        rc = NDX_OK;
    } else {
        ndx_free(gens);
        rc = load_newest(ix);
    }
    /* trust the mtime next time only if it was already old when the listing was made: a change
     * in the same tick as the one seen could not have moved it */
    ix->dir_checked = have_st && rc == NDX_OK && now.tv_sec - st.st_mtim.tv_sec > 2;
    if (have_st)
        ix->dir_mtime = st.st_mtim;
    return rc;
}

/* ---- adding ------------------------------------------------------------------------------- */

static int flush_builder(ndx_index *ix)
{
    if (!ix->bld || ndx__builder_ndocs(ix->bld) == 0)
        return NDX_OK;
    char name[40];
    snprintf(name, sizeof name, "seg-%012" PRIx64, ix->next_seg++);
    char *msg = NULL;
    uint32_t ndocs = ndx__builder_ndocs(ix->bld);
    int rc = ndx__builder_flush(ix->bld, ix->dir, name, &msg);
    if (rc) {
        ndx__index_fail(ix, rc, "%s", msg ? msg : ndx_strerror(rc));
        ndx_free(msg);
        return rc;
    }
    struct ndx_seg *seg;
    if ((rc = ndx__seg_open(ix->dir, name, &seg, &msg))) {
        ndx__index_fail(ix, rc, "%s", msg ? msg : ndx_strerror(rc));
        ndx_free(msg);
        return rc;
    }
    if ((rc = add_segref(ix, seg))) {
        ndx__seg_close(seg);
        return rc;
    }
    struct ndx_segref *r = &ix->segs[ix->nsegs - 1];
    if (ix->bld_del) {
        size_t nb = bitmap_bytes(ndocs);
        r->del = ndx_calloc(nb + 8, 1);
        if (!r->del)
            return NDX_ENOMEM;
        memcpy(r->del, ix->bld_del, NDX_MIN(nb, ix->bld_del_cap));
        for (uint32_t d = 0; d < ndocs; d++)
            r->ndel += ndx__seg_deleted(r, d);
        r->dirty = r->ndel > 0;
        ndx_free(ix->bld_del);
        ix->bld_del = NULL;
        ix->bld_del_cap = 0;
    }
    /* buffered docs now live in the new segment */
    for (uint32_t d = 0; d < ndocs; d++) {
        if (ndx__seg_deleted(r, d))
            continue;
        if ((rc = ndx__map_put(&ix->gid_map, seg->col.gid[d], (uint64_t)ix->nsegs << 32 | d)))
            return rc;
    }
    return NDX_OK;
}

/* Mark the doc at loc deleted (in memory; persisted at commit). */
static int mark_deleted(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == LOC_BUILDER) {
        size_t need = (size_t)d / 8 + 1;
        if (need > ix->bld_del_cap) {
            size_t cap = NDX_MAX(need * 2, 64);
            uint8_t *p = ndx_realloc(ix->bld_del, cap);
            if (!p)
                return NDX_ENOMEM;
            memset(p + ix->bld_del_cap, 0, cap - ix->bld_del_cap);
            ix->bld_del = p;
            ix->bld_del_cap = cap;
        }
        ix->bld_del[d >> 3] |= (uint8_t)(1u << (d & 7));
        return NDX_OK;
    }
    if (s == 0 || s > ix->nsegs)
        return NDX_ECORRUPT;
    struct ndx_segref *r = &ix->segs[s - 1];
    if (!r->del) {
        /* copy-on-write: the bitmap of a committed deletion file is private memory already */
        r->del = ndx_calloc(bitmap_bytes(r->seg->ndocs) + 8, 1);
        if (!r->del)
            return NDX_ENOMEM;
    }
    if (!ndx__seg_deleted(r, d)) {
        r->del[d >> 3] |= (uint8_t)(1u << (d & 7));
        r->ndel++;
        r->dirty = 1;
    }
    return NDX_OK;
}

/* Load the article at loc into a (strings in scratch). */
static int load_loc(ndx_index *ix, uint64_t loc, struct ndx_buf *scratch, ndx_article *a)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == LOC_BUILDER)
        return ndx__builder_doc(ix->bld, d, scratch, a);
    if (s == 0 || s > ix->nsegs)
        return NDX_ECORRUPT;
    return ndx__seg_doc(ix->segs[s - 1].seg, d, scratch, a);
}

static uint64_t loc_content_hash(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == LOC_BUILDER || s == 0 || s > ix->nsegs)
        return 0;
    return ix->segs[s - 1].seg->col.content_hash[d];
}

static void norm_lang(const ndx_article *a, char lang[3])
{
    lang[0] = lang[1] = 0;
    lang[2] = 0;
    if (a->nlang >= 2 && isalpha((unsigned char)a->lang[0]) && isalpha((unsigned char)a->lang[1]) &&
        (a->nlang == 2 || !isalpha((unsigned char)a->lang[2]))) {
        lang[0] = (char)tolower((unsigned char)a->lang[0]);
        lang[1] = (char)tolower((unsigned char)a->lang[1]);
        return;
    }
    const char *t = a->nbody ? a->body : a->title;
    size_t n = a->nbody ? a->nbody : a->ntitle;
    ndx__detect_lang(t ? t : "", n, lang);
}

static const uint16_t *loc_sig(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == LOC_BUILDER)
        return ndx__builder_sig(ix->bld, d);
    if (s == 0 || s > ix->nsegs)
        return NULL;
    return ix->segs[s - 1].seg->col.sig + (size_t)d * NDX_SKETCH_BINS;
}

static uint64_t loc_story(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == LOC_BUILDER)
        return ndx__builder_story(ix->bld, d);
    if (s == 0 || s > ix->nsegs)
        return 0;
    return ix->segs[s - 1].seg->col.story[d];
}

/* Register gid under each LSH band of sig (where no live article holds the band yet). */
static void add_bands(ndx_index *ix, uint64_t gid, const uint16_t *sig, int *rc)
{
    if (*rc || ndx__sketch_empty(sig))
        return;
    for (int b = 0; b < NDX_SKETCH_BANDS && !*rc; b++) {
        uint64_t key = ndx__sketch_band(sig, b);
        uint64_t g = ndx__map_get(&ix->band_map, key);
        if (g && g != gid && ndx__map_get(&ix->gid_map, g))
            continue;
        *rc = ndx__map_put(&ix->band_map, key, gid);
    }
}

/* Story of a new article: the story of the most similar stored article sharing an LSH band, when
 * its estimated Jaccard reaches the threshold; else a story of its own (its id). */
static uint64_t assign_story(ndx_index *ix, uint64_t gid, const uint16_t *sig)
{
    if (ndx__sketch_empty(sig))
        return gid;
    double best = 0;
    uint64_t story = gid;
    for (int b = 0; b < NDX_SKETCH_BANDS; b++) {
        uint64_t g = ndx__map_get(&ix->band_map, ndx__sketch_band(sig, b));
        if (!g || g == gid)
            continue;
        uint64_t loc = ndx__map_get(&ix->gid_map, g);
        const uint16_t *other = loc ? loc_sig(ix, loc) : NULL;
        if (!other)
            continue;
        double sim = ndx__sketch_sim(sig, other);
        if (sim >= ix->dup_threshold && sim > best) {
            best = sim;
            story = loc_story(ix, loc);
        }
    }
    return story ? story : gid;
}

static uint32_t count_lines(const char *s, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k > 0xffff ? 0xffff : k;
}

/* Add to the builder.  keep_story: the story to keep (re-adds), or 0 to assign one. */
static int builder_add(ndx_index *ix, uint64_t gid, const ndx_article *a, const char *lang,
                       uint64_t uh, uint64_t ch, uint64_t keep_story)
{
    uint16_t sig[NDX_SKETCH_BINS];
    size_t cs, ce;
    ndx__sketch_core(a->body, a->nbody, &cs, &ce);
    ndx__sketch(a->body ? a->body + cs : "", ce - cs, sig);
    struct ndx_docmeta m;
    m.url_hash = uh;
    m.content_hash = ch;
    m.sig = sig;
    m.story = keep_story ? keep_story : assign_story(ix, gid, sig);
    m.flags = (a->flags & (NDX_ART_TEASER | NDX_ART_SUMMARY)) |
              (ndx__wire_signal(a->body, a->nbody) ? NDX_ART_WIRE : 0) |
              count_lines(a->copies, a->ncopies) << 16;
    int rc = ndx__builder_add(ix->bld, gid, a, lang, &m);
    if (rc)
        return ndx__index_fail(ix, rc, "cannot add article: %s", ndx_strerror(rc));
    uint32_t d = ndx__builder_ndocs(ix->bld) - 1;
    if ((rc = ndx__map_put(&ix->gid_map, gid, LOC_BUILDER << 32 | d)))
        return rc;
    if (uh && (rc = ndx__map_put(&ix->url_map, uh, gid)))
        return rc;
    if (!ndx__map_get(&ix->content_map, ch) && (rc = ndx__map_put(&ix->content_map, ch, gid)))
        return rc;
    add_bands(ix, gid, sig, &rc);
    if (rc)
        return rc;
    ix->dirty = 1;
    if (ndx__builder_memory(ix->bld) > ix->mem_limit)
        rc = flush_builder(ix);
    return rc;
}

static int record_copy(ndx_index *ix, uint64_t gid, const ndx_article *a)
{
    uint64_t k = ndx__map_get(&ix->copy_map, gid);
    struct pending_copy *pc;
    if (!k) {
        if (ix->ncopies == ix->capcopies) {
            size_t cap = ix->capcopies ? ix->capcopies * 2 : 16;
            struct pending_copy *p = ndx_realloc(ix->copies, cap * sizeof *p);
            if (!p)
                return NDX_ENOMEM;
            ix->copies = p;
            ix->capcopies = cap;
        }
        pc = &ix->copies[ix->ncopies++];
        pc->gid = gid;
        ndx__buf_init(&pc->lines, 0);
        int rc = ndx__map_put(&ix->copy_map, gid, ix->ncopies);
        if (rc)
            return rc;
    } else {
        pc = &ix->copies[k - 1];
    }
    int rc = 0;
    if (a->nurl) {
        struct copy_url_ctx c = {ix, gid, a->url, a->nurl};
        if (each_copy_url((const char *)pc->lines.p, pc->lines.n, match_copy_url, &c))
            return NDX_OK;
    }
    ndx__buf_append(&pc->lines, a->url, a->nurl, &rc);
    ndx__buf_putc(&pc->lines, '\t', &rc);
    ndx__buf_append(&pc->lines, a->source, a->nsource, &rc);
    ndx__buf_putc(&pc->lines, '\n', &rc);
    ix->dirty = 1;
    return rc;
}

int ndx_index_add(ndx_index *ix, const ndx_article *a, int *outcome, uint64_t *id)
{
    if (!(ix->flags & NDX_OPEN_WRITE))
        return ndx__index_fail(ix, NDX_EREADONLY, "index opened read-only");
    if (!a->nbody && !a->ntitle)
        return ndx__index_fail(ix, NDX_EINVAL, "article has neither title nor body");
    char lang[3];
    norm_lang(a, lang);
    uint64_t uh = ndx__url_hash(a->url, a->nurl);
    uint64_t ch = ndx__content_hash(a);
    ndx_article copy = *a;
    if (!copy.ingested)
        copy.ingested = (int64_t)time(NULL);
    copy.copies = NULL;
    copy.ncopies = 0;
    int rc = NDX_OK, oc;
    uint64_t gid = uh ? ndx__map_get(&ix->url_map, uh) : 0;
    uint64_t loc = gid ? ndx__map_get(&ix->gid_map, gid) : 0;
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    if (gid && loc) {
        /* same URL: unchanged, or an update keeping the id and the recorded copies */
        uint64_t old_ch = loc_content_hash(ix, loc);
        ndx_article old;
        if (!old_ch) {
            if ((rc = load_loc(ix, loc, &scratch, &old)))
                goto out;
            old_ch = ndx__content_hash(&old);
        }
        if (old_ch == ch && ndx__map_get(&ix->copy_map, gid) == 0) {
            oc = NDX_UNCHANGED;
            goto out;
        }
        if (old_ch == ch) {
            oc = NDX_UNCHANGED;
            goto out;
        }
        if ((rc = load_loc(ix, loc, &scratch, &old)))
            goto out;
        copy.copies = old.copies;
        copy.ncopies = old.ncopies;
        if ((rc = mark_deleted(ix, loc)))
            goto out;
        if (ndx__map_get(&ix->content_map, old_ch) == gid)
            ndx__map_put(&ix->content_map, old_ch, 0);
        rc = builder_add(ix, gid, &copy, lang, uh, ch, 0);
        oc = NDX_UPDATED;
        goto out;
    }
    uint64_t dup = ndx__map_get(&ix->content_map, ch);
    if (dup && ndx__map_get(&ix->gid_map, dup)) {
        if ((rc = record_copy(ix, dup, a)))
            goto out;
        if (uh)
            rc = ndx__map_put(&ix->url_map, uh, dup);
        gid = dup;
        oc = NDX_DUPLICATE;
        goto out;
    }
    gid = ix->next_id++;
    rc = builder_add(ix, gid, &copy, lang, uh, ch, 0);
    oc = NDX_ADDED;
out:
    ndx__buf_free(&scratch);
    if (rc)
        return rc;
    if (outcome)
        *outcome = oc;
    if (id)
        *id = gid;
    return NDX_OK;
}

static int parse_id(const char *key, size_t n, uint64_t *gid)
{
    if (n == 0 || n > 19)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (key[i] < '0' || key[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(key[i] - '0');
    }
    *gid = v;
    return v != 0;
}

/* Find the live doc with id gid (which = 0) or URL hash (which = 1) through each segment's
 * sorted index (readers have no maps). */
static int find_live(ndx_index *ix, int which, uint64_t key, size_t *seg, uint32_t *doc)
{
    for (size_t i = ix->nsegs; i-- > 0;) {
        const struct ndx_segref *r = &ix->segs[i];
        const uint32_t *docs;
        size_t n;
        if (ndx__seg_docs_with(r->seg, which, key, &docs, &n))
            return 0;
        for (size_t k = 0; k < n; k++)
            if (!ndx__seg_deleted(r, docs[k])) {
                *seg = i;
                *doc = docs[k];
                return 1;
            }
    }
    return 0;
}

static int scan_gid(ndx_index *ix, uint64_t gid, size_t *seg, uint32_t *doc)
{
    return find_live(ix, 0, gid, seg, doc);
}

int ndx_index_lookup(ndx_index *ix, const char *key, size_t nkey, uint64_t *id)
{
    uint64_t gid = 0;
    size_t s;
    uint32_t d;
    if (parse_id(key, nkey, &gid)) {
        if (scan_gid(ix, gid, &s, &d)) {
            *id = gid;
            return NDX_OK;
        }
    }
    uint64_t uh = ndx__url_hash(key, nkey);
    if (uh && find_live(ix, 1, uh, &s, &d)) {
        *id = ix->segs[s].seg->col.gid[d];
        return NDX_OK;
    }
    /* a URL recorded as an exact copy of a stored article */
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    for (size_t i = ix->nsegs; uh && i-- > 0;) {
        const struct ndx_segref *r = &ix->segs[i];
        for (uint32_t k = 0; k < r->seg->ndocs; k++) {
            if (!NDX_NCOPIES(r->seg->col.flags[k]) || ndx__seg_deleted(r, k))
                continue;
            ndx_article a;
            if (ndx__seg_doc(r->seg, k, &scratch, &a) != NDX_OK)
                continue;
            struct copy_url_ctx c = {ix, 0, key, nkey};
            if (each_copy_url(a.copies, a.ncopies, match_copy_url, &c)) {
                *id = r->seg->col.gid[k];
                ndx__buf_free(&scratch);
                return NDX_OK;
            }
        }
    }
    ndx__buf_free(&scratch);
    if (ix->flags & NDX_OPEN_WRITE) {
        gid = uh ? ndx__map_get(&ix->url_map, uh) : 0;
        if (gid && ndx__map_get(&ix->gid_map, gid)) {
            *id = gid;
            return NDX_OK;
        }
    }
    return ndx__index_fail(ix, NDX_ENOTFOUND, "no article with id or URL '%.*s'",
                           (int)NDX_MIN(nkey, 200), key);
}

int ndx_index_delete(ndx_index *ix, const char *key, size_t nkey)
{
    if (!(ix->flags & NDX_OPEN_WRITE))
        return ndx__index_fail(ix, NDX_EREADONLY, "index opened read-only");
    uint64_t gid = 0;
    if (!parse_id(key, nkey, &gid) || !ndx__map_get(&ix->gid_map, gid)) {
        uint64_t uh = ndx__url_hash(key, nkey);
        gid = uh ? ndx__map_get(&ix->url_map, uh) : 0;
    }
    uint64_t loc = gid ? ndx__map_get(&ix->gid_map, gid) : 0;
    if (!loc)
        return ndx__index_fail(ix, NDX_ENOTFOUND, "no article with id or URL '%.*s'",
                               (int)NDX_MIN(nkey, 200), key);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    ndx_article a;
    int rc = load_loc(ix, loc, &scratch, &a);
    if (!rc)
        rc = mark_deleted(ix, loc);
    if (!rc) {
        uint64_t uh = ndx__url_hash(a.url, a.nurl), ch = ndx__content_hash(&a);
        if (uh && ndx__map_get(&ix->url_map, uh) == gid)
            ndx__map_put(&ix->url_map, uh, 0);
        if (ndx__map_get(&ix->content_map, ch) == gid)
            ndx__map_put(&ix->content_map, ch, 0);
        ndx__map_put(&ix->gid_map, gid, 0);
        uint64_t k = ndx__map_get(&ix->copy_map, gid);
        if (k)
            ndx__buf_reset(&ix->copies[k - 1].lines);
        ix->dirty = 1;
    }
    ndx__buf_free(&scratch);
    return rc;
}

/* Re-add articles that gained exact copies, with the copies recorded. */
static int apply_copies(ndx_index *ix)
{
    struct ndx_buf scratch, lines;
    ndx__buf_init(&scratch, 0);
    ndx__buf_init(&lines, 0);
    int rc = NDX_OK;
    for (size_t i = 0; i < ix->ncopies && !rc; i++) {
        struct pending_copy *pc = &ix->copies[i];
        uint64_t loc = ndx__map_get(&ix->gid_map, pc->gid);
        if (!loc || pc->lines.n == 0)
            continue;
        ndx_article a;
        if ((rc = load_loc(ix, loc, &scratch, &a)))
            break;
        ndx__buf_reset(&lines);
        ndx__buf_append(&lines, a.copies, a.ncopies, &rc);
        ndx__buf_append(&lines, pc->lines.p, pc->lines.n, &rc);
        if (rc)
            break;
        a.copies = (const char *)lines.p;
        a.ncopies = lines.n;
        char lang[3] = {a.lang[0], a.lang[1], 0};
        uint64_t story = loc_story(ix, loc);
        if ((rc = mark_deleted(ix, loc)))
            break;
        /* the builder may flush (and reuse scratch) while adding: a's strings stay valid since
         * they point into scratch, which only this loop writes */
        rc = builder_add(ix, pc->gid, &a, lang, ndx__url_hash(a.url, a.nurl), ndx__content_hash(&a),
                         story);
    }
    ndx__buf_free(&scratch);
    ndx__buf_free(&lines);
    copies_free(ix);
    return rc;
}

static int write_deletions(ndx_index *ix, uint64_t gen)
{
    for (size_t i = 0; i < ix->nsegs; i++) {
        struct ndx_segref *r = &ix->segs[i];
        if (!r->dirty)
            continue;
        size_t nb = bitmap_bytes(r->seg->ndocs);
        uint64_t h = ndx__hash64(r->del, nb, 0);
        for (int k = 0; k < 8; k++)
            r->del[nb + (size_t)k] = (uint8_t)(h >> (8 * k));
        char name[96];
        snprintf(name, sizeof name, "%s.del-%016" PRIx64, r->seg->name, gen);
        int rc = write_file_atomic(ix->dir, name, r->del, nb + 8);
        if (rc)
            return ndx__index_fail(ix, rc, "cannot write %s/%s: %s", ix->dir, name,
                                   strerror(errno));
        r->delgen = gen;
        r->dirty = 0;
    }
    return NDX_OK;
}

static int publish(ndx_index *ix)
{
    uint64_t gen = ix->gen + 1;
    int rc = write_deletions(ix, gen);
    if (!rc && (rc = write_manifest(ix, gen)))
        ndx__index_fail(ix, rc, "cannot write the manifest in %s: %s", ix->dir, strerror(errno));
    if (!rc && (rc = fsync_dir(ix->dir)))
        ndx__index_fail(ix, rc, "cannot sync %s: %s", ix->dir, strerror(errno));
    if (rc)
        return rc;
    ix->gen = gen;
    collect_garbage(ix, gen);
    return NDX_OK;
}

/* Merge segments [from, nsegs) (sorted by size: the caller picks) into one. */
static int merge_segments(ndx_index *ix, size_t *which, size_t nwhich)
{
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    int rc = NDX_OK;
    for (size_t k = 0; k < nwhich && !rc; k++) {
        struct ndx_segref *r = &ix->segs[which[k]];
        for (uint32_t d = 0; d < r->seg->ndocs && !rc; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            ndx_article a;
            if ((rc = ndx__seg_doc(r->seg, d, &scratch, &a))) {
                ndx__index_fail(ix, rc, "segment %s: stored document %u cannot be read",
                                r->seg->name, d);
                break;
            }
            char lang[3] = {a.lang[0], a.lang[1], 0};
            struct ndx_docmeta m = {r->seg->col.url_hash[d], r->seg->col.content_hash[d],
                                    r->seg->col.story[d], r->seg->col.flags[d],
                                    r->seg->col.sig + (size_t)d * NDX_SKETCH_BINS};
            rc = ndx__builder_add(ix->bld, a.id, &a, lang, &m);
        }
    }
    ndx__buf_free(&scratch);
    if (rc)
        return rc;
    /* drop the merged segments, then flush the builder as their replacement */
    struct ndx_segref *keep = ndx_calloc(ix->nsegs + 1, sizeof *keep);
    if (!keep)
        return NDX_ENOMEM;
    size_t nkeep = 0;
    for (size_t i = 0; i < ix->nsegs; i++) {
        int merged = 0;
        for (size_t k = 0; k < nwhich; k++)
            merged |= which[k] == i;
        if (merged)
            segref_free(&ix->segs[i]);
        else
            keep[nkeep++] = ix->segs[i];
    }
    ndx_free(ix->segs);
    ix->segs = keep;
    ix->nsegs = nkeep;
    if ((rc = flush_builder(ix)))
        return rc;
    return rebuild_maps(ix);
}

static int cmp_size(const void *a, const void *b, void *ctx)
{
    const ndx_index *ix = ctx;
    uint32_t x = ix->segs[*(const size_t *)a].seg->ndocs - ix->segs[*(const size_t *)a].ndel;
    uint32_t y = ix->segs[*(const size_t *)b].seg->ndocs - ix->segs[*(const size_t *)b].ndel;
    return x < y ? -1 : x > y;
}

static int maybe_merge(ndx_index *ix, int max_segments)
{
    while (ix->nsegs > (size_t)max_segments ||
           (max_segments == 1 && ix->nsegs == 1 && ix->segs[0].ndel > 0)) {
        size_t n = ix->nsegs;
        size_t *order = ndx_malloc(n * sizeof *order);
        if (!order)
            return NDX_ENOMEM;
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        qsort_r(order, n, sizeof *order, cmp_size, ix);
        size_t take = max_segments == 1 ? n : NDX_MIN(n, (size_t)MAX_SEGMENTS);
        if (n - take + 1 > (size_t)max_segments && max_segments > 1)
            take = n - (size_t)max_segments + 1;
        int rc = merge_segments(ix, order, take);
        ndx_free(order);
        if (rc)
            return rc;
        if ((rc = publish(ix)))
            return rc;
        if (max_segments == 1)
            break;
    }
    return NDX_OK;
}

int ndx_index_commit(ndx_index *ix)
{
    if (!(ix->flags & NDX_OPEN_WRITE))
        return ndx__index_fail(ix, NDX_EREADONLY, "index opened read-only");
    int rc;
    if ((rc = apply_copies(ix)) || (rc = flush_builder(ix)))
        return rc;
    int changed = ix->dirty;
    for (size_t i = 0; i < ix->nsegs; i++)
        changed |= ix->segs[i].dirty;
    if (!changed)
        return NDX_OK;
    if ((rc = publish(ix)))
        return rc;
    ix->dirty = 0;
    if (ix->nsegs > MAX_SEGMENTS * 2)
        return maybe_merge(ix, MAX_SEGMENTS);
    return NDX_OK;
}

int ndx_index_optimize(ndx_index *ix, int max_segments)
{
    if (max_segments < 1)
        return ndx__index_fail(ix, NDX_EINVAL, "max_segments must be at least 1");
    int rc = ndx_index_commit(ix);
    if (rc)
        return rc;
    return maybe_merge(ix, max_segments);
}

/* ---- reading ------------------------------------------------------------------------------ */

int ndx_index_get(ndx_index *ix, uint64_t id, ndx_article **out)
{
    *out = NULL;
    size_t s;
    uint32_t d;
    if (!scan_gid(ix, id, &s, &d))
        return ndx__index_fail(ix, NDX_ENOTFOUND, "no article with id %" PRIu64, id);
    struct ndx_buf scratch;
    ndx__buf_init(&scratch, 0);
    ndx_article a;
    int rc = ndx__seg_doc(ix->segs[s].seg, d, &scratch, &a);
    if (rc) {
        ndx__buf_free(&scratch);
        return ndx__index_fail(ix, rc, "segment %s: stored document %u is damaged",
                               ix->segs[s].seg->name, d);
    }
    /* one allocation: the struct followed by the strings */
    size_t total = sizeof(ndx_article) + a.nurl + a.nsource + a.ntitle + a.nauthors + a.nbody +
                   a.nlang + a.ncopies + a.nparent + 8;
    ndx_article *r = ndx_malloc(total);
    if (!r) {
        ndx__buf_free(&scratch);
        return NDX_ENOMEM;
    }
    *r = a;
    char *p = (char *)(r + 1);
#define COPY_FIELD(f, nf)                                                                          \
    do {                                                                                           \
        if (a.f)                                                                                   \
            memcpy(p, a.f, a.nf);                                                                  \
        p[a.nf] = 0;                                                                               \
        r->f = p;                                                                                  \
        p += a.nf + 1;                                                                             \
    } while (0)
    COPY_FIELD(url, nurl);
    COPY_FIELD(source, nsource);
    COPY_FIELD(title, ntitle);
    COPY_FIELD(authors, nauthors);
    COPY_FIELD(body, nbody);
    COPY_FIELD(lang, nlang);
    COPY_FIELD(copies, ncopies);
    COPY_FIELD(parent, nparent);
#undef COPY_FIELD
    ndx__buf_free(&scratch);
    *out = r;
    return NDX_OK;
}

void ndx_article_free(ndx_article *a)
{
    ndx_free(a);
}

int ndx_index_stats(ndx_index *ix, ndx_stats *st)
{
    memset(st, 0, sizeof *st);
    st->date_min = st->date_max = NDX_DATE_UNKNOWN;
    st->generation = ix->gen;
    st->stemming = ix->stem;
    st->simple = ix->simple;
    st->segments = ix->nsegs;
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        const struct ndx_seg *s = r->seg;
        st->documents += s->ndocs - r->ndel;
        st->deleted += r->ndel;
        st->terms += s->nterms;
        st->postings += s->npostings;
        st->tokens += s->ntokens;
        st->index_bytes += s->size;
        st->text_bytes += s->text_bytes;
        for (uint32_t d = 0; d < s->ndocs; d++) {
            int64_t t = s->col.published[d];
            if (t == NDX_DATE_UNKNOWN || ndx__seg_deleted(r, d))
                continue;
            if (st->date_min == NDX_DATE_UNKNOWN || t < st->date_min)
                st->date_min = t;
            if (st->date_max == NDX_DATE_UNKNOWN || t > st->date_max)
                st->date_max = t;
        }
    }
    return NDX_OK;
}

struct check_fwd {
    void (*cb)(void *, const char *);
    void *ctx;
    int n;
};

static void fwd_problem(void *ctx, const char *msg)
{
    struct check_fwd *f = ctx;
    f->n++;
    if (f->cb)
        f->cb(f->ctx, msg);
}

int ndx_index_check(ndx_index *ix, void (*on_problem)(void *ctx, const char *msg), void *ctx)
{
    struct check_fwd f = {on_problem, ctx, 0};
    struct ndx_map seen;
    ndx__map_init(&seen);
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        ndx__seg_check(r->seg, fwd_problem, &f);
        for (uint32_t d = 0; d < r->seg->ndocs; d++) {
            if (ndx__seg_deleted(r, d))
                continue;
            uint64_t gid = r->seg->col.gid[d];
            if (gid == 0 || gid >= ix->next_id) {
                fwd_problem(&f, "article id out of range");
            } else if (ndx__map_get(&seen, gid)) {
                char msg[128];
                snprintf(msg, sizeof msg, "article id %" PRIu64 " is live twice", gid);
                fwd_problem(&f, msg);
            } else if (ndx__map_put(&seen, gid, 1)) {
                ndx__map_free(&seen);
                return NDX_ENOMEM;
            }
        }
    }
    ndx__map_free(&seen);
    if (f.n)
        return ndx__index_fail(ix, NDX_ECORRUPT, "%d problem%s found", f.n, f.n == 1 ? "" : "s");
    return NDX_OK;
}
