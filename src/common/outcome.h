/*
 * outcome.h - counting what ndx_index_add did with each article (NDX_ADDED, NDX_UPDATED,
 * NDX_DUPLICATE, NDX_UNCHANGED), for the summaries of `newsdex ingest` (src/cli/cmd_ingest.c)
 * and of POST /api/ingest (src/server/write.c).  Implemented in outcome.c.
 */
#ifndef NDXX_OUTCOME_H
#define NDXX_OUTCOME_H

struct ndxx_outcomes {
    unsigned long added;      /* new articles */
    unsigned long updated;    /* replaced the article stored under the same URL */
    unsigned long duplicates; /* recorded as exact copies of a stored article */
    unsigned long unchanged;  /* same URL, same content */
};

/* Count one article by the outcome ndx_index_add reported (anything else counts as unchanged). */
void ndxx_outcome_count(struct ndxx_outcomes *o, int outcome);
/* The articles counted, whatever their outcome. */
unsigned long ndxx_outcome_total(const struct ndxx_outcomes *o);

#endif
