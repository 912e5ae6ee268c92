/*
 * sketch_bench.c - throughput of near-duplicate sketching plus LSH band keys, in isolation.
 *
 *   sketch_bench bench BODIES [ROUNDS]   time ndx__sketch + 16 x ndx__sketch_band over every body
 *                                        held in memory; prints one JSON object (CPU time of
 *                                        this single-threaded process: articles/s per core)
 *   sketch_bench dump BODIES             one line per body: number of shingles, then the 64 bins
 *                                        in hex (for the scorer's similarity analysis)
 *
 * BODIES: records of a 4-byte little-endian length followed by that many bytes (UTF-8), written by
 * bench/dedup/eval.py.  Build: see bench/dedup-eval (links build-dedup/libnewsdex.a).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dedup/dedup.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "bench") && strcmp(argv[1], "dump"))) {
        fprintf(stderr, "usage: sketch_bench bench|dump BODIES [ROUNDS]\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)sz + 1);
    if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    fclose(f);
    size_t n = 0, cap = 1024;
    const char **txt = malloc(cap * sizeof *txt);
    size_t *len = malloc(cap * sizeof *len);
    for (long off = 0; off + 4 <= sz;) {
        uint32_t l = (uint8_t)buf[off] | (uint32_t)(uint8_t)buf[off + 1] << 8 |
                     (uint32_t)(uint8_t)buf[off + 2] << 16 | (uint32_t)(uint8_t)buf[off + 3] << 24;
        off += 4;
        if (off + (long)l > sz)
            break;
        if (n == cap) {
            cap *= 2;
            txt = realloc(txt, cap * sizeof *txt);
            len = realloc(len, cap * sizeof *len);
        }
        txt[n] = buf + off;
        len[n] = l;
        n++;
        off += l;
    }
    uint16_t sig[NDX_SKETCH_BINS];
    if (!strcmp(argv[1], "dump")) {
        for (size_t i = 0; i < n; i++) {
            size_t nsh = ndx__sketch(txt[i], len[i], sig);
            printf("%zu", nsh);
            for (int b = 0; b < NDX_SKETCH_BINS; b++)
                printf(" %04x", sig[b]);
            putchar('\n');
        }
        return 0;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += len[i];
    uint64_t sink = 0;
    /* warm-up round, not timed */
    for (size_t i = 0; i < n; i++)
        sink += ndx__sketch(txt[i], len[i], sig);
    double best_cpu = 1e30, sum_cpu = 0, sketch_only = 1e30;
    double w0 = wall_now();
    for (int r = 0; r < rounds; r++) {
        double c0 = cpu_now();
        for (size_t i = 0; i < n; i++) {
            ndx__sketch(txt[i], len[i], sig);
            if (!ndx__sketch_empty(sig))
                for (int b = 0; b < NDX_SKETCH_BANDS; b++)
                    sink ^= ndx__sketch_band(sig, b);
        }
        double c = cpu_now() - c0;
        sum_cpu += c;
        if (c < best_cpu)
            best_cpu = c;
        c0 = cpu_now();
        for (size_t i = 0; i < n; i++)
            sink += ndx__sketch(txt[i], len[i], sig);
        c = cpu_now() - c0;
        if (c < sketch_only)
            sketch_only = c;
    }
    double wall = wall_now() - w0;
    printf("{\"articles\": %zu, \"bytes\": %zu, \"rounds\": %d, "
           "\"cpu_s_best\": %.6f, \"cpu_s_mean\": %.6f, "
           "\"articles_per_cpu_s\": %.0f, \"articles_per_cpu_s_mean\": %.0f, "
           "\"mb_per_cpu_s\": %.1f, \"sketch_only_articles_per_cpu_s\": %.0f, "
           "\"wall_s_total\": %.3f, \"sink\": %llu}\n",
           n, bytes, rounds, best_cpu, sum_cpu / rounds, n / best_cpu, n / (sum_cpu / rounds),
           bytes / best_cpu / 1e6, n / sketch_only, wall, (unsigned long long)(sink & 1));
    free(txt);
    free(len);
    free(buf);
    return 0;
}
