/*
 * cache.c - response cache of `newsdex serve`: the JSON of recent searches and related-story
 * lists, keyed by the canonical request and valid for one index generation.  A commit changes the
 * generation, so nothing stale is ever served: an entry of an older generation counts as a miss
 * and is dropped.  One mutex guards a chained hash table and an LRU list within a byte budget
 * (--cache-mb; 0 turns it off).  Bodies are copied in and out under the lock: a hit costs one
 * memcpy of a few kilobytes.
 */
#include "server/server.h"

#include <stdlib.h>
#include <string.h>

struct srv_centry {
    struct srv_centry *hnext;       /* hash chain */
    struct srv_centry *prev, *next; /* LRU list, most recent first */
    uint64_t hash, gen;
    size_t nkey, nbody;
    char *body; /* after the key, same allocation */
    char key[];
};

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
    return h;
}

int srv_cache_init(struct srv_cache *c, size_t budget)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->budget = budget;
    if (!budget)
        return 0;
    c->nbuckets = 4096;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    return c->buckets ? 0 : -1;
}

static void unlink_entry(struct srv_cache *c, struct srv_centry *e)
{
    struct srv_centry **pp = &c->buckets[e->hash % c->nbuckets];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    c->used -= sizeof *e + e->nkey + e->nbody;
    c->entries--;
    free(e);
}

void srv_cache_free(struct srv_cache *c)
{
    struct srv_centry *e = c->head;
    while (e) {
        struct srv_centry *n = e->next;
        free(e);
        e = n;
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->mu);
    memset(c, 0, sizeof *c);
}

char *srv_cache_get(struct srv_cache *c, const char *key, size_t nkey, uint64_t gen, size_t *n)
{
    if (!c->budget || !c->buckets)
        return NULL;
    uint64_t h = fnv1a(key, nkey);
    char *out = NULL;
    pthread_mutex_lock(&c->mu);
    struct srv_centry *e = c->buckets[h % c->nbuckets];
    while (e && !(e->hash == h && e->nkey == nkey && memcmp(e->key, key, nkey) == 0))
        e = e->hnext;
    if (e && e->gen != gen) {
        unlink_entry(c, e); /* an older commit's answer */
        e = NULL;
    }
    if (e && (out = malloc(e->nbody + 1)) != NULL) {
        memcpy(out, e->body, e->nbody);
        out[e->nbody] = 0;
        *n = e->nbody;
        if (e != c->head) { /* move to the front */
            e->prev->next = e->next;
            if (e->next)
                e->next->prev = e->prev;
            else
                c->tail = e->prev;
            e->prev = NULL;
            e->next = c->head;
            c->head->prev = e;
            c->head = e;
        }
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return out;
}

void srv_cache_put(struct srv_cache *c, const char *key, size_t nkey, uint64_t gen,
                   const char *body, size_t nbody)
{
    if (!c->budget || !c->buckets)
        return;
    size_t need = sizeof(struct srv_centry) + nkey + nbody;
    if (need > c->budget / 16)
        return; /* one huge page of results would push out everything else */
    struct srv_centry *e = malloc(need);
    if (!e)
        return;
    memset(e, 0, sizeof *e);
    e->hash = fnv1a(key, nkey);
    e->gen = gen;
    e->nkey = nkey;
    e->nbody = nbody;
    memcpy(e->key, key, nkey);
    e->body = e->key + nkey;
    memcpy(e->body, body, nbody);
    pthread_mutex_lock(&c->mu);
    /* replace an entry with the same key */
    struct srv_centry *o = c->buckets[e->hash % c->nbuckets];
    while (o && !(o->hash == e->hash && o->nkey == nkey && memcmp(o->key, key, nkey) == 0))
        o = o->hnext;
    if (o)
        unlink_entry(c, o);
    while (c->tail && c->used + need > c->budget)
        unlink_entry(c, c->tail);
    size_t b = e->hash % c->nbuckets;
    e->hnext = c->buckets[b];
    c->buckets[b] = e;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
    c->used += need;
    c->entries++;
    pthread_mutex_unlock(&c->mu);
}

void srv_cache_stats(struct srv_cache *c, uint64_t *hits, uint64_t *misses, size_t *entries,
                     size_t *bytes)
{
    pthread_mutex_lock(&c->mu);
    *hits = c->hits;
    *misses = c->misses;
    *entries = c->entries;
    *bytes = c->used;
    pthread_mutex_unlock(&c->mu);
}
