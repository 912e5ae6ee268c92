/*
 * lexcache.c - a per-user cache of the lexicon (names/lexicon.c).
 *
 * Reading the lexicon's sources costs about 0.1 s of CPU per process, most of it the geonames
 * table read through its library and the iso-codes JSON; an ingest of a few thousand articles
 * notices.  After a full load the lexicon's map is written to
 * $NEWSDEX_CACHE_DIR/lexicon-1.bin (default $XDG_CACHE_HOME/newsdex, else ~/.cache/newsdex);
 * the next process reads it back in a few milliseconds.  The file holds a stamp of everything
 * the lexicon was built from (the built-in lists, and each source's path, size, modification
 * time, device and inode), so a changed or reinstalled package, another path in the environment
 * or another version of the lists makes it stale: it is then ignored and written anew.
 *
 * Format (little-endian, as written by this machine): "NDXLEX01", stamp u64, count u64,
 * checksum u64 (ndx__hash64 of what follows), count keys u64, count values u32.  A file of
 * another size, magic, stamp or checksum is not used.  Writing is best effort: a temporary file
 * renamed over the old one, every error ignored; an empty NEWSDEX_CACHE_DIR turns the cache off.
 */
#include "names/names.h"
#include "util/map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEXCACHE_MAGIC       "NDXLEX01"
#define LEXCACHE_NAME        "lexicon-1.bin"
#define LEXCACHE_MAX_ENTRIES (1u << 22)
#define LEXCACHE_HEADER      32

/* The cache directory, or 0 when the cache is off. */
static int cache_dir(char *out, size_t cap)
{
    const char *d = getenv("NEWSDEX_CACHE_DIR");
    int w;
    if (d)
        w = snprintf(out, cap, "%s", d);
    else if ((d = getenv("XDG_CACHE_HOME")) && *d)
        w = snprintf(out, cap, "%s/newsdex", d);
    else if ((d = getenv("HOME")) && *d)
        w = snprintf(out, cap, "%s/.cache/newsdex", d);
    else
        return 0;
    return w > 0 && (size_t)w < cap;
}

uint64_t ndx__lexcache_stamp(const char *const *paths, size_t npaths, uint64_t builtin,
                             bool *usable)
{
    uint64_t h = ndx__hash64(LEXCACHE_MAGIC, 8, builtin);
    *usable = true;
    for (size_t i = 0; i < npaths; i++) {
        const char *p = paths[i] ? paths[i] : "";
        h = ndx__hash64(p, strlen(p) + 1, h);
        if (!*p)
            continue; /* a source turned off */
        struct stat st;
        if (stat(p, &st) != 0) {
            *usable = false; /* a missing source: the full load says what it costs */
            continue;
        }
        uint64_t v[6] = {(uint64_t)st.st_size,         (uint64_t)st.st_mtim.tv_sec,
                         (uint64_t)st.st_mtim.tv_nsec, (uint64_t)st.st_ino,
                         (uint64_t)st.st_dev,          (uint64_t)st.st_ctim.tv_sec};
        h = ndx__hash64(v, sizeof v, h);
    }
    return h ? h : 1;
}

int ndx__lexcache_read(struct ndx_map *m, uint64_t stamp)
{
    char dir[1024], path[1100];
    if (!cache_dir(dir, sizeof dir) || !*dir)
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir, LEXCACHE_NAME);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int ok = 0;
    unsigned char hdr[LEXCACHE_HEADER];
    uint64_t st, count, sum;
    char *body = NULL;
    struct stat fs;
    if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr || memcmp(hdr, LEXCACHE_MAGIC, 8) != 0)
        goto out;
    memcpy(&st, hdr + 8, 8);
    memcpy(&count, hdr + 16, 8);
    memcpy(&sum, hdr + 24, 8);
    if (st != stamp || count == 0 || count > LEXCACHE_MAX_ENTRIES || fstat(fileno(f), &fs) != 0 ||
        (uint64_t)fs.st_size != LEXCACHE_HEADER + count * 12)
        goto out;
    size_t nbody = (size_t)count * 12;
    body = ndx_malloc(nbody);
    if (!body || fread(body, 1, nbody, f) != nbody || ndx__hash64(body, nbody, stamp) != sum)
        goto out;
    if (ndx__map_reserve(m, (size_t)count) != NDX_OK)
        goto out;
    const char *keys = body, *vals = body + count * 8;
    ok = 1;
    for (uint64_t i = 0; i < count && ok; i++) {
        uint64_t k;
        uint32_t v;
        memcpy(&k, keys + i * 8, 8);
        memcpy(&v, vals + i * 4, 4);
        if (!k || !v || ndx__map_put(m, k, v) != NDX_OK)
            ok = 0;
    }
    if (!ok) { /* back to an empty map: the caller loads the sources */
        ndx__map_free(m);
        ndx__map_init(m);
    }
out:
    ndx_free(body);
    fclose(f);
    return ok;
}

/* mkdir -p of dir (best effort). */
static void make_dirs(char *dir)
{
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0755);
            *p = '/';
        }
    mkdir(dir, 0755);
}

void ndx__lexcache_write(const struct ndx_map *m, uint64_t stamp)
{
    char dir[1024], path[1100], tmp[1200];
    if (!cache_dir(dir, sizeof dir) || !*dir || !m->n || m->n > LEXCACHE_MAX_ENTRIES)
        return;
    size_t count = 0;
    for (size_t i = 0; i < m->cap; i++)
        count += m->keys[i] && m->vals[i];
    char *buf = ndx_malloc(LEXCACHE_HEADER + count * 12);
    if (!buf)
        return;
    char *keys = buf + LEXCACHE_HEADER, *vals = keys + count * 8;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->vals[i]) {
            uint32_t v = (uint32_t)m->vals[i];
            memcpy(keys + k * 8, &m->keys[i], 8);
            memcpy(vals + k * 4, &v, 4);
            k++;
        }
    uint64_t c64 = count, sum = ndx__hash64(keys, count * 12, stamp);
    memcpy(buf, LEXCACHE_MAGIC, 8);
    memcpy(buf + 8, &stamp, 8);
    memcpy(buf + 16, &c64, 8);
    memcpy(buf + 24, &sum, 8);
    make_dirs(dir);
    snprintf(path, sizeof path, "%s/%s", dir, LEXCACHE_NAME);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f) {
        size_t want = LEXCACHE_HEADER + count * 12;
        int bad = fwrite(buf, 1, want, f) != want;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0)
            unlink(tmp);
    }
    ndx_free(buf);
}
