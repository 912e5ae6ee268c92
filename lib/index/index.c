/*
 * index.c - the ndx_index handle: opening an index directory, the writer lock, adding, updating,
 * deduplicating and deleting articles, exact copies recorded on the stored article, commit,
 * lookups by id or URL, stats and the integrity check.  The commit protocol itself is in
 * manifest.c, the writer's maps and story assignment in stories.c, merges in merge.c.
 * Readers take no lock.  See docs/FORMAT.md.
 */
#include "index/index.h"
#include "index/aliases.h"
#include "text/text.h"
#include "dedup/dedup.h"

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

#define DEFAULT_MEMORY     (256u << 20)
#define DEFAULT_READ_CACHE (32u << 20) /* decompressed stored-text blocks of a read handle */

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
    ix->analysis = NDX_ANALYSIS_VERSION;
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
    rc = ndx__load_newest(ix);
    if (rc == NDX_ENOTFOUND && writer) {
        /* a new index: ndx__publish generation 1 with no segments */
        ix->next_id = 1;
        ix->next_seg = 1;
        if ((rc = ndx__write_manifest(ix, 1)) || (rc = ndx__fsync_dir(path))) {
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
        ndx__builder_set_han_fold(ix->bld, ix->analysis >= 2);
        if (ix->analysis >= 2 && !ix->simple && !ndx__han_fold_available()) {
            rc = ndx__index_fail(ix, NDX_EIO,
                                 "cannot load OpenCC's conversion tables "
                                 "(hk2t.json, t2s.json: install libopencc-data)");
            goto fail;
        }
        ndx__collect_garbage(ix, ix->gen);
        if ((rc = ndx__rebuild_maps(ix)))
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
    ndx__segs_free(ix);
    ndx__aliases_free(ix->aliases);
    ndx__aliases_free(ix->xaliases);
    ndx__dcache_free(&ix->dc);
    ndx__pool_free(ix->pool);
    ndx__buf_free(&ix->failed);
    ndx__builder_free(ix->bld);
    ndx_free(ix->bld_del);
    ndx__map_free(&ix->url_map);
    ndx__map_free(&ix->content_map);
    ndx__map_free(&ix->gid_map);
    ndx__map_free(&ix->band_map);
    copies_free(ix);
    if (ix->lockfd >= 0)
        close(ix->lockfd);
    ndx__xstats_free(ix->xstats);
    if (ix->qcache_free)
        ix->qcache_free(ix->qcache);
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

static int take_failures(ndx_index *ix);

int ndx_index_set_threads(ndx_index *ix, unsigned n)
{
    if (!ix->bld)
        return ndx__index_fail(ix, NDX_EREADONLY, "index opened read-only");
    if (n == 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (unsigned)NDX_MIN(c, 64) : 1;
    }
    if (n > 64)
        return ndx__index_fail(ix, NDX_EINVAL, "at most 64 threads");
    int rc = ix->pool ? take_failures(ix) : NDX_OK;
    if (!rc && ix->pool)
        rc = ndx__pool_finish(ix->pool, ix->bld);
    ndx__pool_free(ix->pool);
    ix->pool = NULL;
    if (rc) {
        ndx__builder_reset(ix->bld);
        return ndx__index_fail(ix, rc, "cannot analyse the articles: %s", ndx_strerror(rc));
    }
    if (n > 1 && (rc = ndx__pool_new(n, ix->stem, ix->simple, ix->analysis >= 2, &ix->pool)))
        return ndx__index_fail(ix, rc, "cannot start %u threads: %s", n, ndx_strerror(rc));
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

size_t ndx_index_segment_count(const ndx_index *ix)
{
    return ix ? ix->nsegs : 0;
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
    if (ndx__list_manifests(ix->dir, &gens, &n) == NDX_OK && n && gens[0] == ix->gen) {
        ndx_free(gens);
        rc = NDX_OK;
    } else {
        ndx_free(gens);
        rc = ndx__load_newest(ix);
    }
    /* trust the mtime next time only if it was already old when the listing was made: a change
     * in the same tick as the one seen could not have moved it */
    ix->dir_checked = have_st && rc == NDX_OK && now.tv_sec - st.st_mtim.tv_sec > 2;
    if (have_st)
        ix->dir_mtime = st.st_mtim;
    return rc;
}

/* ---- adding ------------------------------------------------------------------------------- */

static int delete_loc(ndx_index *ix, uint64_t gid, uint64_t loc);

/* An article an analysis thread failed on: left out as if deleted, kept for
 * ndx_index_next_failure. */
static int on_failure(void *ctx, uint32_t doc, int error)
{
    ndx_index *ix = ctx;
    uint64_t gid = ndx__builder_gid(ix->bld, doc), loc = (uint64_t)NDX_LOC_BUILDER << 32 | doc;
    int rc = NDX_OK;
    if (ndx__map_get(&ix->gid_map, gid) == loc && (rc = delete_loc(ix, gid, loc)))
        return rc;
    ndx__buf_put_u64(&ix->failed, gid, &rc);
    ndx__buf_put_u32(&ix->failed, (uint32_t)error, &rc);
    return rc;
}

static int take_failures(ndx_index *ix)
{
    return ndx__pool_failures(ix->pool, on_failure, ix);
}

int ndx_index_next_failure(ndx_index *ix, uint64_t *id, int *error)
{
    if (!ix || ix->failed_at >= ix->failed.n)
        return 0;
    *id = ndx__rd_u64(ix->failed.p + ix->failed_at);
    *error = (int)ndx__rd_u32(ix->failed.p + ix->failed_at + 8);
    ix->failed_at += 12;
    if (ix->failed_at == ix->failed.n) {
        ndx__buf_reset(&ix->failed);
        ix->failed_at = 0;
    }
    return 1;
}

int ndx__flush_builder(ndx_index *ix)
{
    if (!ix->bld || ndx__builder_ndocs(ix->bld) == 0)
        return NDX_OK;
    if (ix->pool) {
        int frc = take_failures(ix);
        if (frc)
            return ndx__index_fail(ix, frc, "cannot leave out a failed article: %s",
                                   ndx_strerror(frc));
    }
    char name[40];
    snprintf(name, sizeof name, "seg-%012" PRIx64, ix->next_seg++);
    char *msg = NULL;
    uint32_t ndocs = ndx__builder_ndocs(ix->bld);
    int rc = ix->pool ? ndx__pool_flush(ix->pool, ix->bld, ix->dir, name, &msg)
                      : ndx__builder_flush(ix->bld, ix->dir, name, &msg);
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
    if ((rc = ndx__add_segref(ix, seg))) {
        ndx__seg_close(seg);
        return rc;
    }
    struct ndx_segref *r = &ix->segs[ix->nsegs - 1];
    if (ix->bld_del) {
        size_t nb = ndx__bitmap_bytes(ndocs);
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
    if (s == NDX_LOC_BUILDER) {
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
        r->del = ndx_calloc(ndx__bitmap_bytes(r->seg->ndocs) + 8, 1);
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
    if (s == NDX_LOC_BUILDER)
        return ndx__builder_doc(ix->bld, d, scratch, a);
    if (s == 0 || s > ix->nsegs)
        return NDX_ECORRUPT;
    return ndx__seg_doc(ix->segs[s - 1].seg, d, scratch, a);
}

static uint64_t loc_content_hash(ndx_index *ix, uint64_t loc)
{
    uint32_t s = (uint32_t)(loc >> 32), d = (uint32_t)loc;
    if (s == NDX_LOC_BUILDER || s == 0 || s > ix->nsegs)
        return 0;
    return ix->segs[s - 1].seg->col.content_hash[d];
}

static void norm_lang(const ndx_article *a, char lang[3])
{
    lang[0] = lang[1] = 0;
    lang[2] = 0;
    /* an ISO 639-1 code, alone or before a region ("pt-BR"); else detected */
    if (a->nlang >= 2 && ndx__ascii_is_alpha(a->lang[0]) && ndx__ascii_is_alpha(a->lang[1]) &&
        (a->nlang == 2 || !ndx__ascii_is_alpha(a->lang[2]))) {
        lang[0] = (char)ndx__ascii_lower(a->lang[0]);
        lang[1] = (char)ndx__ascii_lower(a->lang[1]);
        return;
    }
    const char *t = a->nbody ? a->body : a->title;
    size_t n = a->nbody ? a->nbody : a->ntitle;
    ndx__detect_lang(t ? t : "", n, lang);
}

static uint32_t count_lines(const char *s, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k > 0xffff ? 0xffff : k;
}

/* Memory of the postings, terms and term tables per byte of title and body text (3 on BBC and
 * livedoor news, English and Japanese). */
#define POOL_BYTES_PER_TEXT_BYTE 3

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
    m.story = keep_story ? keep_story : ndx__assign_story(ix, gid, sig);
    m.flags =
        (a->flags & (NDX_ART_TEASER | NDX_ART_SUMMARY | NDX_ART_LISTING | NDX_ART_OTHER_PAGE)) |
        (ndx__wire_signal(a->body, a->nbody) ? NDX_ART_WIRE : 0) |
        count_lines(a->copies, a->ncopies) << 16;
    int rc = ix->pool ? ndx__pool_add(ix->pool, ix->bld, gid, a, lang, &m)
                      : ndx__builder_add(ix->bld, gid, a, lang, &m);
    if (rc)
        return ndx__index_fail(ix, rc, "cannot add article: %s", ndx_strerror(rc));
    uint32_t d = ndx__builder_ndocs(ix->bld) - 1;
    if ((rc = ndx__map_put(&ix->gid_map, gid, NDX_LOC_BUILDER << 32 | d)))
        return rc;
    if (uh && (rc = ndx__map_put(&ix->url_map, uh, gid)))
        return rc;
    if (!ndx__map_get(&ix->content_map, ch) && (rc = ndx__map_put(&ix->content_map, ch, gid)))
        return rc;
    ndx__add_bands(ix, gid, sig, &rc);
    if (rc)
        return rc;
    ix->dirty = 1;
    /* the analysis threads' postings are estimated from the text given them, not measured as
     * they grow, so that the segments' bounds do not depend on timing */
    size_t est = ix->pool ? POOL_BYTES_PER_TEXT_BYTE * ndx__builder_text_bytes(ix->bld) : 0;
    if (ndx__builder_memory(ix->bld) + est > ix->mem_limit)
        rc = ndx__flush_builder(ix);
    return rc;
}

static int record_copy(ndx_index *ix, uint64_t gid, const ndx_article *a)
{
    uint64_t k = ndx__map_get(&ix->copy_map, gid);
    struct pending_copy *pc;
    if (!k) {
        if (ndx__grow(&ix->copies, &ix->capcopies, ix->ncopies + 1, sizeof *ix->copies, 16))
            return NDX_ENOMEM;
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
        if (ndx__copies_have_url((const char *)pc->lines.p, pc->lines.n, a->url, a->nurl))
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
        if (!rc && !(rc = ndx__aliases_article(ix, gid, &old, -1)))
            rc = ndx__aliases_article(ix, gid, &copy, +1);
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
    if (!rc)
        rc = ndx__aliases_article(ix, gid, &copy, +1);
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
            if (ndx__copies_have_url(a.copies, a.ncopies, key, nkey)) {
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
    return delete_loc(ix, gid, loc);
}

/* Delete the live article gid, at loc. */
static int delete_loc(ndx_index *ix, uint64_t gid, uint64_t loc)
{
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
        rc = ndx__aliases_article(ix, gid, &a, -1);
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
        if ((uint32_t)(loc >> 32) == NDX_LOC_BUILDER) {
            /* buffered still: its stored record gets the copies in place, and the segment keeps
             * one row for it */
            rc = ndx__builder_set_copies(ix->bld, (uint32_t)loc, a.copies, a.ncopies,
                                         count_lines(a.copies, a.ncopies));
            continue;
        }
        char lang[3] = {a.lang[0], a.lang[1], 0};
        uint64_t story = ndx__loc_story(ix, loc);
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

int ndx_index_commit(ndx_index *ix)
{
    if (!(ix->flags & NDX_OPEN_WRITE))
        return ndx__index_fail(ix, NDX_EREADONLY, "index opened read-only");
    int rc;
    if ((rc = apply_copies(ix)) || (rc = ndx__flush_builder(ix)))
        return rc;
    int changed = ix->dirty;
    for (size_t i = 0; i < ix->nsegs; i++)
        changed |= ix->segs[i].dirty;
    if (!changed)
        return NDX_OK;
    if ((rc = ndx__publish(ix)))
        return rc;
    ix->dirty = 0;
    if (ix->nsegs > NDX_MAX_SEGMENTS * 2)
        return ndx__maybe_merge(ix, NDX_MAX_SEGMENTS);
    return NDX_OK;
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
                   a.nlang + a.ncopies + a.nparent + a.nfields + 9;
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
    COPY_FIELD(fields, nfields);
#undef COPY_FIELD
    ndx__buf_free(&scratch);
    *out = r;
    return NDX_OK;
}

int ndx_copies_next(const char **p, const char *end, const char **url, size_t *nurl,
                    const char **source, size_t *nsource)
{
    if (!*p || *p >= end)
        return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl)
        nl = end;
    const char *tab = memchr(*p, '\t', (size_t)(nl - *p));
    *url = *p;
    *nurl = (size_t)((tab ? tab : nl) - *p);
    *source = tab ? tab + 1 : NULL;
    *nsource = tab ? (size_t)(nl - tab - 1) : 0;
    *p = nl + 1;
    return 1;
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
    st->analysis = ix->analysis;
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
            if (ndx__seg_deleted(r, d))
                continue;
            st->duplicates += NDX_NCOPIES(s->col.flags[d]);
            int64_t t = s->col.published[d];
            if (t == NDX_DATE_UNKNOWN)
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
    /* progress: the postings and documents of each segment, reported inside the segment too */
    struct ndx_check_progress prog = {ix->progress, ix->progress_ctx, 0, 0};
    for (size_t i = 0; i < ix->nsegs; i++)
        prog.total += ix->segs[i].seg->npostings + ix->segs[i].seg->ndocs;
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        if (ix->progress)
            ix->progress(ix->progress_ctx, prog.base, prog.total);
        ndx__seg_check(r->seg, fwd_problem, &f, ix->progress ? &prog : NULL);
        prog.base += r->seg->npostings + r->seg->ndocs;
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
    if (ix->progress)
        ix->progress(ix->progress_ctx, prog.total, prog.total);
    int arc = ndx__aliases_check(ix, fwd_problem, &f);
    if (arc && arc != NDX_ECORRUPT)
        return ndx__index_fail(ix, arc, "cannot recount the aliases: %s", ndx_strerror(arc));
    if (f.n)
        return ndx__index_fail(ix, NDX_ECORRUPT, "%d problem%s found", f.n, f.n == 1 ? "" : "s");
    return NDX_OK;
}
