/*
 * ingest_walk.h - the files `newsdex ingest` takes from its path arguments (ingest_walk.c).
 */
#ifndef NDX_INGEST_WALK_H
#define NDX_INGEST_WALK_H

#include <stddef.h>
#include <stdint.h>

struct pathlist {
    char **p;
    uint64_t *size;
    size_t n, cap;
};

struct walk_opts {
    const char *const *include, *const *exclude; /* globs (--include, --exclude) */
    size_t ninclude, nexclude;
    void (*on_problem)(void *ctx, const char *path, const char *what); /* unreadable */
    void (*on_skip)(void *ctx, const char *path, const char *why);     /* not an article */
    void *ctx;
};

/* Add the files of path (a file, "-", or a directory read recursively) to out. */
void walk_path(const char *path, struct pathlist *out, const struct walk_opts *o);
void pathlist_free(struct pathlist *l);
/* The resolved absolute path abs written relative to the resolved directory base ("../data/bbc";
 * "." for base itself), malloc'd, NULL when out of memory. */
char *walk_relative_path(const char *abs, const char *base);

#endif
