/*
 * fuzz_lexcache.c - fuzz target for reading the lexicon cache (names/lexcache.c): any file is
 * either taken whole (every entry nonzero) or refused with the map left empty.  The input is
 * the cache file; its own header's stamp is passed, so the checks past the stamp are reached.
 */
#include "names/names.h"
#include "util/map.h"

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

static void cleanup(void)
{
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ndx-fuzz-lexcache-%ld", (long)getpid());
        mkdir(dir, 0700);
        setenv("NEWSDEX_CACHE_DIR", dir, 1);
        atexit(cleanup);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/lexicon-1.bin", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    uint64_t stamp = 1;
    if (size >= 16)
        memcpy(&stamp, data + 8, 8);
    struct ndx_map m;
    ndx__map_init(&m);
    int ok = ndx__lexcache_read(&m, stamp);
    if (!ok && m.n)
        abort(); /* refused: nothing kept */
    for (size_t i = 0; i < m.cap; i++)
        if (m.keys[i] && !m.vals[i])
            abort();
    /* written back, it reads again the same */
    if (ok) {
        size_t n = m.n;
        ndx__lexcache_write(&m, stamp);
        struct ndx_map m2;
        ndx__map_init(&m2);
        if (!ndx__lexcache_read(&m2, stamp) || m2.n != n)
            abort();
        ndx__map_free(&m2);
    }
    ndx__map_free(&m);
    unlink(path);
    return 0;
}
