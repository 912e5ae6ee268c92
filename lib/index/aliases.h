/*
 * aliases.h - the alias table of an index (index/aliases.c): pairs of a Latin and a CJK form of
 * one name, learnt from glosses at ingest (names/gloss.c), with the number of live articles that
 * gloss each pair and the first (lowest-id) of them.  Written at commit as aliases-<gen>, named
 * by the manifest like the segments; format in docs/FORMAT.md.
 */
#ifndef NDX_ALIASES_H
#define NDX_ALIASES_H

#include "index/index.h"

struct ndx_alias_ent {
    char *latin, *cjk; /* display forms as first written, NUL-terminated, owned */
    uint32_t nlatin, ncjk;
    uint8_t script;        /* enum ndx_gloss_script */
    uint8_t refirst;       /* `first` left the index: found again at commit */
    uint64_t count;        /* live articles glossing the pair */
    uint64_t first;        /* lowest id among them */
    uint64_t key;          /* hash of the folded forms (ndx__alias_key) */
    uint64_t lhash, chash; /* hashes of the folded Latin and CJK forms (ndx__alias_form_hash) */
};

struct ndx_aliases {
    struct ndx_alias_ent *e;
    size_t n, cap;
    struct ndx_map by_key; /* key -> index + 1 */
    char file[40];         /* the committed file ("" = none) */
    int dirty;             /* changed since the last commit */
};

void ndx__aliases_free(struct ndx_aliases *al);
/* Replace ix->aliases by the table of file `name` (NULL: an empty table) holding `count` pairs
 * as the manifest says.  NDX_OK, NDX_ECORRUPT (message set), NDX_ENOMEM. */
int ndx__aliases_load(ndx_index *ix, const char *name, uint64_t count);
/* Count (delta +1) or uncount (-1) the glosses of article gid.  No-op for analysis-1 indexes. */
int ndx__aliases_article(ndx_index *ix, uint64_t gid, const ndx_article *a, int delta);
/* Before the manifest of generation gen: write the table if it changed. */
int ndx__aliases_commit(ndx_index *ix, uint64_t gen);
/* Append the manifest line naming the table (nothing for an empty table). */
void ndx__aliases_manifest_line(const ndx_index *ix, struct ndx_buf *b, int *rc);
/* Whether nm is the table file the handle's manifest names. */
int ndx__aliases_is_live(const ndx_index *ix, const char *nm);
/* Recount every live article and compare with the table; problems reported through cb. */
int ndx__aliases_check(ndx_index *ix, void (*cb)(void *, const char *), void *ctx);

/* Folded keys of the two forms (words of the Latin normalised and joined by one space; the CJK
 * folded to simplified, without spaces and dots), and their hash.  Used by query expansion. */
int ndx__alias_latin_key(const char *s, size_t n, struct ndx_buf *out);
int ndx__alias_cjk_key(const char *s, size_t n, struct ndx_buf *out);
uint64_t ndx__alias_key(const struct ndx_buf *latin, const struct ndx_buf *cjk);
uint64_t ndx__alias_form_hash(const struct ndx_buf *folded);

#endif /* NDX_ALIASES_H */
