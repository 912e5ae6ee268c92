/*
 * stopwords.h - the stop word lists of significant terms (stopwords.c).
 */
#ifndef NDX_STOPWORDS_H
#define NDX_STOPWORDS_H

#include <stdint.h>

/* The stop words of language `lang` (a column language code: two letters, low byte first),
 * separated by spaces, or NULL when newsdex has no list for it; code receives the language as a
 * string. */
const char *ndx__stopwords_of(uint16_t lang, char code[3]);

#endif
