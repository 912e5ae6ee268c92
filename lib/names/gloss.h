/*
 * gloss.h - names glossed in parentheses (names/gloss.c): "Chen Quanguo (陳全國)", "陈全国（Chen
 * Quanguo）", "Shinzo Abe (安倍晋三)", "Moon Jae-in (문재인)", "ドナルド・トランプ (Donald Trump)".
 * Found at ingest; the index keeps the pairs in its alias table (index/aliases.c).
 */
#ifndef NDX_GLOSS_H
#define NDX_GLOSS_H

#include "ndx_int.h"

enum ndx_gloss_script {
    NDX_SCRIPT_HANI = 1, /* Han characters only (Chinese, or a Japanese name in kanji) */
    NDX_SCRIPT_JPAN,     /* with kana */
    NDX_SCRIPT_HANG,     /* Hangul */
};

/* ISO 15924 code of a script ("Hani", "Jpan", "Hang"), "" for an unknown value. */
const char *ndx__gloss_script_code(int script);

struct ndx_gloss {
    size_t latin_start, latin_end; /* byte offsets of the Latin form in the text */
    size_t cjk_start, cjk_end;     /* of the CJK form */
    int script;                    /* enum ndx_gloss_script */
};

/* Glosses found in a text, at most NDX_GLOSS_MAX of them. */
#define NDX_GLOSS_MAX 64

/*
 * Call cb for every gloss of text, in text order (at most NDX_GLOSS_MAX).  Linear in the text:
 * each parenthesis looks at a bounded window around it (96 bytes inside, 6 words or 32
 * characters before).  Invalid UTF-8 is never part of a gloss.  Returns NDX_OK or cb's nonzero
 * return.
 */
typedef int (*ndx_gloss_fn)(void *ctx, const struct ndx_gloss *g);
int ndx__glosses(const char *text, size_t n, ndx_gloss_fn cb, void *ctx);

#endif /* NDX_GLOSS_H */
