/*
 * build_pool.c - parallel ingest.  The writer keeps deciding, one article after the other and in
 * the order they come, what each article is (new, update, exact copy), its story and its place
 * in the builder, whose columns and stored record it writes at once (index.c).  Only the
 * analysis -- tokenising, stemming, names, the term table and the postings -- is handed to a
 * pool of threads, each with a builder of its own.  A thread takes the next queued article, so
 * each worker sees its documents in increasing order.  The segment is written from the workers'
 * postings (ndx__pool_flush): the threads sort their terms, and encode runs of the merged term
 * list at once, each term's postings merged in document order, which leaves the segment as one
 * thread would have built it.  ndx__pool_finish merges the workers' postings into the writer's
 * builder instead (ndx__builder_absorb), when the pool is stopped before a flush.
 */
#include "index/index.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct job {
    uint32_t doc;
    char lang[3];
    ndx_article a; /* strings point into buf */
    char *buf;
};

struct ndx_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job was queued, or stop */
    pthread_cond_t done; /* a job finished: room in the queue, maybe idle */
    struct job *q;       /* ring of cap jobs */
    size_t cap, head, n;
    size_t busy; /* workers inside a job */
    int stop;
    size_t nthreads, started;
    pthread_t *th;
    struct ndx_builder **bld;
    /* tasks of a flush (ndx__pool_flush): fn(arg, i) for i < ntasks, taken in turn */
    ndx_task_fn task;
    void *task_arg;
    size_t ntasks, next_task, tasks_done;
};

struct worker_arg {
    struct ndx_pool *p;
    size_t i;
};

static void *worker(void *arg)
{
    struct ndx_pool *p = ((struct worker_arg *)arg)->p;
    size_t i = ((struct worker_arg *)arg)->i;
    ndx_free(arg);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->n == 0 && p->next_task == p->ntasks)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->next_task < p->ntasks) {
            size_t t = p->next_task++;
            pthread_mutex_unlock(&p->mu);
            p->task(p->task_arg, t);
            pthread_mutex_lock(&p->mu);
            if (++p->tasks_done == p->ntasks)
                pthread_cond_broadcast(&p->done);
            continue;
        }
        if (p->n == 0)
            break;
        struct job j = p->q[p->head];
        p->head = (p->head + 1) % p->cap;
        p->n--;
        p->busy++;
        pthread_mutex_unlock(&p->mu);
        /* a failed article is recorded in the worker's builder (ndx__pool_failures); a failure
         * that is not the article's stays there and fails the flush */
        (void)ndx__builder_analyze(p->bld[i], j.doc, &j.a, j.lang);
        ndx_free(j.buf);
        pthread_mutex_lock(&p->mu);
        p->busy--;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int ndx__pool_new(size_t nthreads, int stem, int simple, int han_fold, struct ndx_pool **out)
{
    *out = NULL;
    struct ndx_pool *p = ndx_calloc(1, sizeof *p);
    if (!p)
        return NDX_ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->nthreads = nthreads;
    p->cap = 16 * nthreads;
    p->q = ndx_calloc(p->cap, sizeof *p->q);
    p->th = ndx_calloc(nthreads, sizeof *p->th);
    p->bld = ndx_calloc(nthreads, sizeof *p->bld);
    int rc = p->q && p->th && p->bld ? NDX_OK : NDX_ENOMEM;
    for (size_t i = 0; i < nthreads && !rc; i++) {
        if (!(p->bld[i] = ndx__builder_new(stem, simple))) {
            rc = NDX_ENOMEM;
            break;
        }
        ndx__builder_set_han_fold(p->bld[i], han_fold);
    }
    for (size_t i = 0; i < nthreads && !rc; i++) {
        struct worker_arg *a = ndx_malloc(sizeof *a);
        if (!a) {
            rc = NDX_ENOMEM;
            break;
        }
        a->p = p;
        a->i = i;
        if (pthread_create(&p->th[i], NULL, worker, a)) {
            ndx_free(a);
            rc = NDX_ENOMEM;
            break;
        }
        p->started++;
    }
    if (rc) {
        ndx__pool_free(p);
        return rc;
    }
    *out = p;
    return NDX_OK;
}

void ndx__pool_free(struct ndx_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    /* queued jobs are dropped: what was not committed is discarded with the handle */
    while (p->n) {
        ndx_free(p->q[p->head].buf);
        p->head = (p->head + 1) % p->cap;
        p->n--;
    }
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->started; i++)
        pthread_join(p->th[i], NULL);
    for (size_t i = 0; p->bld && i < p->nthreads; i++)
        ndx__builder_free(p->bld[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    ndx_free(p->q);
    ndx_free(p->th);
    ndx_free(p->bld);
    ndx_free(p);
}

/* Copy s (n bytes) to *o and point *dst at the copy. */
static void take(char **o, const char **dst, const char *s, size_t n)
{
    if (!s || !n) {
        *dst = NULL;
        return;
    }
    memcpy(*o, s, n);
    *dst = *o;
    *o += n;
}

int ndx__pool_add(struct ndx_pool *p, struct ndx_builder *b, uint64_t gid, const ndx_article *a,
                  const char *lang, const struct ndx_docmeta *m)
{
    struct job j;
    memset(&j, 0, sizeof j);
    size_t nbuf = a->ntitle + a->nbody + a->nsource + a->nurl + a->nfields;
    if (!(j.buf = ndx_malloc(nbuf ? nbuf : 1)))
        return NDX_ENOMEM;
    int rc = ndx__builder_put_doc(b, gid, a, lang, m, 0, 0);
    if (rc) {
        ndx_free(j.buf);
        return rc;
    }
    j.doc = ndx__builder_ndocs(b) - 1;
    memcpy(j.lang, lang, 2);
    char *o = j.buf;
    /* the analysis reads the title, body, source, URL and keyword fields */
    take(&o, &j.a.title, a->title, a->ntitle);
    take(&o, &j.a.body, a->body, a->nbody);
    take(&o, &j.a.source, a->source, a->nsource);
    take(&o, &j.a.url, a->url, a->nurl);
    take(&o, &j.a.fields, a->fields, a->nfields);
    j.a.ntitle = j.a.title ? a->ntitle : 0;
    j.a.nbody = j.a.body ? a->nbody : 0;
    j.a.nsource = j.a.source ? a->nsource : 0;
    j.a.nurl = j.a.url ? a->nurl : 0;
    j.a.nfields = j.a.fields ? a->nfields : 0;
    pthread_mutex_lock(&p->mu);
    while (p->n == p->cap)
        pthread_cond_wait(&p->done, &p->mu);
    p->q[(p->head + p->n) % p->cap] = j;
    p->n++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return NDX_OK;
}

static void wait_idle(struct ndx_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n || p->busy)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

/* ndx_run_fn: the tasks run on the workers and on the calling thread. */
static void run_tasks(void *ctx, ndx_task_fn fn, void *arg, size_t n)
{
    struct ndx_pool *p = ctx;
    pthread_mutex_lock(&p->mu);
    p->task = fn;
    p->task_arg = arg;
    p->ntasks = n;
    p->next_task = p->tasks_done = 0;
    pthread_cond_broadcast(&p->work);
    while (p->next_task < p->ntasks) {
        size_t t = p->next_task++;
        pthread_mutex_unlock(&p->mu);
        fn(arg, t);
        pthread_mutex_lock(&p->mu);
        p->tasks_done++;
    }
    while (p->tasks_done < p->ntasks)
        pthread_cond_wait(&p->done, &p->mu);
    p->ntasks = p->next_task = p->tasks_done = 0;
    pthread_mutex_unlock(&p->mu);
}

int ndx__pool_failures(struct ndx_pool *p, int (*fn)(void *ctx, uint32_t doc, int error), void *ctx)
{
    wait_idle(p);
    for (size_t i = 0; i < p->nthreads; i++) {
        uint32_t doc;
        int err, rc;
        for (size_t k = 0; k < ndx__builder_failures(p->bld[i], k, &doc, &err); k++)
            if ((rc = fn(ctx, doc, err)))
                return rc;
    }
    return NDX_OK;
}

/* ndx_task_fn: empty worker i's builder (its many postings buffers freed on any thread). */
static void reset_task(void *arg, size_t i)
{
    ndx__builder_reset(((struct ndx_pool *)arg)->bld[i]);
}

int ndx__pool_flush(struct ndx_pool *p, struct ndx_builder *b, const char *dir, const char *name,
                    char **errmsg)
{
    wait_idle(p);
    int rc = ndx__builder_flush_with(b, p->bld, p->nthreads, run_tasks, p, dir, name, errmsg);
    run_tasks(p, reset_task, p, p->nthreads);
    return rc;
}

int ndx__pool_finish(struct ndx_pool *p, struct ndx_builder *b)
{
    wait_idle(p);
    int rc = ndx__builder_absorb(b, p->bld, p->nthreads);
    for (size_t i = 0; i < p->nthreads; i++)
        ndx__builder_reset(p->bld[i]);
    return rc;
}
