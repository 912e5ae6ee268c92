/*
 * manifest.c - the commit protocol: the segment list a handle sees, deletion files, and
 * MANIFEST-<generation>, a checksummed list of segments published by rename (the newest valid
 * one is the index); loading the newest manifest, and removing the files no manifest needs.
 * See docs/FORMAT.md.
 */
#include "index/index.h"
#include "index/aliases.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- segment list and manifest ------------------------------------------------------------ */

void ndx__segref_free(struct ndx_segref *r)
{
    ndx__seg_close(r->seg);
    ndx_free(r->del);
    memset(r, 0, sizeof *r);
}

void ndx__segs_free(ndx_index *ix)
{
    for (size_t i = 0; i < ix->nsegs; i++)
        ndx__segref_free(&ix->segs[i]);
    ndx_free(ix->segs);
    ix->segs = NULL;
    ix->nsegs = 0;
}

static int load_del(ndx_index *ix, struct ndx_segref *r, uint64_t delgen)
{
    char *path = ndx__strfmt("%s/%s.del-%016" PRIx64, ix->dir, r->seg->name, delgen);
    if (!path)
        return NDX_ENOMEM;
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    int rc = ndx__read_file(path, &b);
    size_t nb = ndx__bitmap_bytes(r->seg->ndocs);
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

int ndx__add_segref(ndx_index *ix, struct ndx_seg *seg)
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
    int rc = ndx__read_file(path, &b);
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
    ndx__segs_free(ix);
    uint64_t mgen = 0, next_id = 1, next_seg = 1;
    int stem = 1, simple = 0, version = 0, analysis = 1;
    char alias_file[40] = "";
    unsigned long long alias_count = 0;
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
            sscanf(line, "stemming %d", &stem) == 1 || sscanf(line, "simple %d", &simple) == 1 ||
            sscanf(line, "analysis %d", &analysis) == 1 ||
            sscanf(line, "aliases %39s count %llu", alias_file, &alias_count) == 2)
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
            if ((rc = ndx__add_segref(ix, seg))) {
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
    if (!rc && (strncmp(alias_file, "aliases-", 8) == 0 || !alias_file[0]))
        rc = ndx__aliases_load(ix, alias_file[0] ? alias_file : NULL, alias_count);
    else if (!rc)
        rc = ndx__index_fail(ix, NDX_ECORRUPT, "manifest: bad alias table name '%s'", alias_file);
    if (rc) {
        ndx__segs_free(ix);
        return rc;
    }
    ix->gen = gen;
    ix->next_id = next_id;
    ix->next_seg = next_seg;
    ix->stem = stem;
    ix->simple = simple;
    ix->analysis = analysis;
    return NDX_OK;
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Generations of the MANIFEST files present, newest first. */
int ndx__list_manifests(const char *dir, uint64_t **gens, size_t *n)
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
int ndx__load_newest(ndx_index *ix)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        uint64_t *gens;
        size_t n;
        int rc = ndx__list_manifests(ix->dir, &gens, &n);
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
int ndx__write_manifest(ndx_index *ix, uint64_t gen)
{
    struct ndx_buf b;
    int rc = 0;
    ndx__buf_init(&b, 0);
    ndx__buf_printf(&b, &rc,
                    "newsdex-manifest 1\ngeneration %" PRIu64 "\nnext_id %" PRIu64
                    "\nnext_seg %" PRIu64 "\nstemming %d\nsimple %d\n",
                    gen, ix->next_id, ix->next_seg, ix->stem, ix->simple);
    if (ix->analysis > 1) /* absent: version 1, read by every newsdex */
        ndx__buf_printf(&b, &rc, "analysis %d\n", ix->analysis);
    ndx__aliases_manifest_line(ix, &b, &rc);
    for (size_t i = 0; i < ix->nsegs; i++)
        ndx__buf_printf(&b, &rc, "segment %s ndocs %u delgen %" PRIx64 " ndel %u\n",
                        ix->segs[i].seg->name, ix->segs[i].seg->ndocs, ix->segs[i].delgen,
                        ix->segs[i].ndel);
    ndx__buf_printf(&b, &rc, "end %016" PRIx64 "\n", rc ? 0 : ndx__hash64(b.p, b.n, 0));
    if (!rc) {
        char name[40];
        snprintf(name, sizeof name, "MANIFEST-%016" PRIx64, gen);
        rc = ndx__write_file_atomic(ix->dir, name, b.p, b.n);
    }
    ndx__buf_free(&b);
    return rc;
}

/* Whether nm is a file of the handle's current segment list: "seg-N.ndx", or "seg-N.del-G" with
 * G the segment's current deletion generation. */
static int is_live_file(const ndx_index *ix, const char *nm)
{
    for (size_t i = 0; i < ix->nsegs; i++) {
        const struct ndx_segref *r = &ix->segs[i];
        size_t ln = strlen(r->seg->name);
        if (strncmp(nm, r->seg->name, ln) != 0)
            continue;
        if (strcmp(nm + ln, ".ndx") == 0)
            return 1;
        char del[48];
        snprintf(del, sizeof del, ".del-%016" PRIx64, r->delgen);
        if (r->delgen && strcmp(nm + ln, del) == 0)
            return 1;
    }
    return 0;
}

/*
 * Remove every file the manifest of generation keep_gen (the handle's segment list) does not
 * name: older manifests, segments merged away, superseded deletion files, and *.tmp files of
 * interrupted writes.  Readers that hold a removed segment keep it through their mapping; a
 * reader opening an older generation finds a file missing and retries with the newest manifest
 * (ndx__load_newest).  No allocation: nothing can fail half way and remove a live file.
 */
void ndx__collect_garbage(ndx_index *ix, uint64_t keep_gen)
{
    DIR *d = opendir(ix->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        int remove = 0;
        if (len > 4 && strcmp(nm + len - 4, ".tmp") == 0)
            remove = 1;
        else if (strncmp(nm, "MANIFEST-", 9) == 0 && len == 25)
            remove = strtoull(nm + 9, NULL, 16) < keep_gen;
        else if (strncmp(nm, "seg-", 4) == 0)
            remove = !is_live_file(ix, nm);
        else if (strncmp(nm, "aliases-", 8) == 0)
            remove = !ndx__aliases_is_live(ix, nm);
        if (remove)
            (void)unlinkat(dirfd(d), nm, 0);
    }
    closedir(d);
}

static int write_deletions(ndx_index *ix, uint64_t gen)
{
    for (size_t i = 0; i < ix->nsegs; i++) {
        struct ndx_segref *r = &ix->segs[i];
        if (!r->dirty)
            continue;
        size_t nb = ndx__bitmap_bytes(r->seg->ndocs);
        uint64_t h = ndx__hash64(r->del, nb, 0);
        for (int k = 0; k < 8; k++)
            r->del[nb + (size_t)k] = (uint8_t)(h >> (8 * k));
        char name[96];
        snprintf(name, sizeof name, "%s.del-%016" PRIx64, r->seg->name, gen);
        int rc = ndx__write_file_atomic(ix->dir, name, r->del, nb + 8);
        if (rc)
            return ndx__index_fail(ix, rc, "cannot write %s/%s: %s", ix->dir, name,
                                   strerror(errno));
        r->delgen = gen;
        r->dirty = 0;
    }
    return NDX_OK;
}

int ndx__publish(ndx_index *ix)
{
    uint64_t gen = ix->gen + 1;
    int rc = write_deletions(ix, gen);
    if (!rc)
        rc = ndx__aliases_commit(ix, gen);
    if (!rc && (rc = ndx__write_manifest(ix, gen)))
        ndx__index_fail(ix, rc, "cannot write the manifest in %s: %s", ix->dir, strerror(errno));
    if (!rc && (rc = ndx__fsync_dir(ix->dir)))
        ndx__index_fail(ix, rc, "cannot sync %s: %s", ix->dir, strerror(errno));
    if (rc)
        return rc;
    ix->gen = gen;
    ndx__collect_garbage(ix, gen);
    return NDX_OK;
}
