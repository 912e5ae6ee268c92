/*
 * outcome.c - counting the outcomes of ndx_index_add (outcome.h).
 */
#include "common/outcome.h"
#include "newsdex.h"

void ndxx_outcome_count(struct ndxx_outcomes *o, int outcome)
{
    switch (outcome) {
    case NDX_ADDED:
        o->added++;
        break;
    case NDX_UPDATED:
        o->updated++;
        break;
    case NDX_DUPLICATE:
        o->duplicates++;
        break;
    default:
        o->unchanged++;
    }
}

unsigned long ndxx_outcome_total(const struct ndxx_outcomes *o)
{
    return o->added + o->updated + o->duplicates + o->unchanged;
}
