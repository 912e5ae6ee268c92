/*
 * ingest_walk.c - what `newsdex ingest` takes from a directory: files in name order, recursively,
 * without hidden entries and version-control folders, filtered by --include / --exclude globs,
 * and without the files of a project or data set that are never articles (README, LICENSE,
 * CHANGES and the like, schemas and source code), which are counted with a reason.
 * Paths given on the command line are always read.
 */
#include "cli/ingest_walk.h"
#include "newsdex.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void pl_add(struct pathlist *l, const char *path, uint64_t size)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->p = realloc(l->p, l->cap * sizeof *l->p);
        l->size = realloc(l->size, l->cap * sizeof *l->size);
        if (!l->p || !l->size) {
            fprintf(stderr, "newsdex: out of memory\n");
            exit(2);
        }
    }
    l->p[l->n] = strdup(path);
    l->size[l->n++] = size;
}

void pathlist_free(struct pathlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->p[i]);
    free(l->p);
    free(l->size);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A glob with a '/' matches the path under the root argument, else the file's name. */
static int glob_match(const char *pat, const char *rel, const char *name)
{
    return strchr(pat, '/') ? fnmatch(pat, rel, FNM_PATHNAME) == 0 : fnmatch(pat, name, 0) == 0;
}

static int selected(const struct walk_opts *o, const char *rel, const char *name)
{
    for (size_t i = 0; i < o->nexclude; i++) {
        if (glob_match(o->exclude[i], rel, name))
            return 0;
    }
    if (!o->ninclude)
        return 1;
    for (size_t i = 0; i < o->ninclude; i++) {
        if (glob_match(o->include[i], rel, name))
            return 1;
    }
    return 0;
}

static void walk_dir(const char *path, size_t root_len, struct pathlist *out,
                     const struct walk_opts *o, int depth)
{
    if (depth > 64) {
        o->on_problem(o->ctx, path, "directory nesting too deep");
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        o->on_problem(o->ctx, path, strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* hidden entries, .git, .svn, .hg */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                exit(2);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *child;
        if (asprintf(&child, "%s/%s", path, names[i]) < 0)
            exit(2);
        struct stat st;
        const char *rel = child + root_len + (child[root_len] == '/');
        if (stat(child, &st) != 0) {
            o->on_problem(o->ctx, child, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (!ndx_vcs_dir_name(names[i]))
                walk_dir(child, root_len, out, o, depth + 1);
        } else if (selected(o, rel, names[i])) {
            const char *why = ndx_not_article_name(names[i]);
            if (why)
                o->on_skip(o->ctx, child, why);
            else
                pl_add(out, child, (uint64_t)st.st_size);
        }
        free(child);
        free(names[i]);
    }
    free(names);
}

void walk_path(const char *path, struct pathlist *out, const struct walk_opts *o)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        pl_add(out, path, 0);
        return;
    }
    if (stat(path, &st) != 0) {
        o->on_problem(o->ctx, path, strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        pl_add(out, path, (uint64_t)st.st_size);
        return;
    }
    walk_dir(path, strlen(path), out, o, 0);
}

char *walk_relative_path(const char *abs, const char *base)
{
    if (!strcmp(base, "/"))
        return strdup(abs[1] ? abs + 1 : ".");
    /* the longest common run of whole components, then one ".." per component of the base
     * directory below it */
    size_t common = 0, i = 0;
    for (; abs[i] && abs[i] == base[i]; i++)
        if (abs[i] == '/')
            common = i;
    if (!base[i] && (abs[i] == '/' || !abs[i]))
        common = i;
    else if (!abs[i] && base[i] == '/')
        common = i;
    size_t up = 0;
    for (const char *p = base + common; *p; p++)
        if (*p == '/')
            up++;
    const char *rest = abs + common;
    while (*rest == '/')
        rest++;
    size_t n = up * 3 + strlen(rest) + 2;
    char *out = malloc(n);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t u = 0; u < up; u++)
        memcpy(out + k, "../", 3), k += 3;
    if (*rest)
        k += (size_t)snprintf(out + k, n - k, "%s", rest);
    else if (k)
        k--; /* "../.." for a parent directory itself */
    else
        out[k++] = '.';
    out[k] = 0;
    return out;
}
