/*
 * text.h - text analysis: normalisation, word segmentation, CJK n-grams, language detection,
 * stemming, sentence boundaries, snippets and teasers.  Called by the index writer (analysis of
 * documents), the query compiler (analysis of query words) and the searcher (snippets/teasers).
 * Implementation in the .c files of lib/text/ (rules: docs/internals/text.md).  Input text is
 * assumed valid UTF-8 (readers repair it first), but invalid bytes must never crash: they are
 * treated as separators.
 */
#ifndef NDX_TEXT_H
#define NDX_TEXT_H

#include "ndx_int.h"

#include <utf8proc.h>

/* ---- tokens ------------------------------------------------------------------------------- */

/* Flags passed with each token. */
enum {
    NDX_TOK_CJK_UNI = 1, /* a single CJK character (unigram) */
    NDX_TOK_CJK_BI = 2,  /* a CJK bigram; emitted at the position of its first character */
    NDX_TOK_NUMBER = 4,  /* token is numeric ("2019", "3.5", "1,000") */
};

/*
 * Token callback.  `term`/`nterm`: the normalised term (case folded, NFKC, accents removed, stemmed
 * when the analyzer stems) - borrowed, valid during the call only.  `pos`: token position (0-based,
 * +1 per word; a CJK unigram and the bigram starting at the same character share a position).
 * `start`/`end`: byte offsets of the original text the token covers.  Nonzero return stops.
 */
typedef int (*ndx_token_fn)(void *ctx, const char *term, size_t nterm, uint32_t pos, size_t start,
                            size_t end, unsigned flags);

struct ndx_analyzer {
    int stem;          /* 1: apply the Snowball stemmer of the language */
    uint32_t max_term; /* longer terms (bytes) are truncated at a character boundary; 0 = 64 */
    int simple;        /* 1: simple mode: lower-cased (ASCII and utf8proc case fold) runs of
                          letters and digits, nothing else (no stemming, no accent folding, no
                          apostrophe/number rules, no CJK n-grams: a CJK run is one word) */
    const uint8_t *stem_first; /* NULL, or 256 flags for callers that only look for given terms
                            (highlighting): an all-ASCII word whose lower-cased first character
                            is not flagged reaches the callback as it stands, neither normalised
                            nor stemmed (same position as otherwise).  Only applied in languages
                            whose Snowball stemmer strips suffixes alone: there stemming never
                            changes the first letter of an ASCII word, so such a word cannot
                            become one of the looked-for terms.  In simple mode (no stemming)
                            every word whose first character is ASCII and not flagged. */
    size_t *skipped;           /* with stem_first: if not NULL, such words are not passed to the
                                  callback at all, only counted here (their positions are still used) */
    int no_han_fold;           /* 1: Han characters are not folded to simplified (indexes made
                                  before analysis version 2, see fold.c) */
};

/*
 * Analyze `text` in language `lang` (ISO 639-1 two letters, NUL-terminated; NULL or unknown = no
 * stemming).  Word rules:
 *  - letters/digits runs form words; apostrophes inside words are kept out of the term
 *    ("don't" -> "dont", "China's" -> "china" + possessive 's dropped);
 *  - hyphenated words give their parts ("well-known" -> "well", "known");
 *  - numbers keep inner '.' and ',' ("3.5", "1,000" -> "1000");
 *  - URLs and e-mail addresses are split into their word parts;
 *  - Han, Hiragana, Katakana and Hangul runs give unigrams + bigrams (see flags); a run of one
 *    character gives only its unigram.
 * `pos0` is the position of the first token (so a title and a body can share one position space).
 * Returns NDX_OK, NDX_ENOMEM, or the callback's nonzero return.  *next_pos (may be NULL) receives
 * the position after the last token.
 */
int ndx__analyze(const struct ndx_analyzer *an, const char *text, size_t ntext, const char *lang,
                 uint32_t pos0, ndx_token_fn cb, void *ctx, uint32_t *next_pos);

/*
 * Normalise one query word exactly as ndx__analyze would normalise it as a document word, without
 * stemming (the query compiler stems per language itself with ndx__stem).  Used for prefix queries.
 * Writes into `out` (reset first).
 */
int ndx__normalize_word(const char *w, size_t n, struct ndx_buf *out);

/*
 * Stem a normalised term with the Snowball stemmer for `lang`; copies the term unchanged when the
 * language has no stemmer.  Writes into `out` (reset first).  Thread-compatible (stemmers are
 * cached per thread).  The term may also be the case-folded *accented* form: stemming happens on
 * it and accents are stripped after, as for documents (= ndx__normalize_term(.., stem=1)).  A term
 * already stripped of accents can stem differently from the document word ("nationalite"); to
 * match documents exactly, prefer ndx__analyze or ndx__normalize_term on the raw query word.
 */
int ndx__stem(const char *lang, const char *term, size_t nterm, struct ndx_buf *out);

/* Languages that have a stemmer: NULL-terminated list of ISO codes. */
const char *const *ndx__stem_languages(void);

/* ---- simplified/traditional folding (fold.c) ----------------------------------------------- */

/* Han ideographs (unified, extensions, compatibility): what folding may change. */
bool ndx__text_is_han(uint32_t cp);
/* OpenCC's tables could be loaded (without them nothing is folded). */
bool ndx__han_fold_available(void);
/* The simplified form of one Han character by itself (no phrase context); cp when unchanged. */
uint32_t ndx__han_fold_char(uint32_t cp);

/* The folds of one text: the characters whose folded form differs, by byte offset (sorted). */
struct ndx__hanfold_ent {
    size_t off;
    uint32_t cp;
};
struct ndx__hanfold {
    struct ndx__hanfold_ent *ent;
    size_t n, cap;
    size_t k;     /* cursor of ndx__han_fold_at */
    bool scanned; /* ndx__han_fold_scan has run */
};
/* Fold the Han runs of text[from, n) (phrases where the tables have them).  NDX_OK/NDX_ENOMEM. */
int ndx__han_fold_scan(struct ndx__hanfold *f, const char *text, size_t n, size_t from);
/* The folded code point of the character at byte `off`, 0 when it stays as written.  Offsets
 * must be asked in increasing order. */
uint32_t ndx__han_fold_at(struct ndx__hanfold *f, size_t off);
void ndx__han_fold_free(struct ndx__hanfold *f);
/* `w` with its Han characters folded, into out (reset first).  NDX_OK or NDX_ENOMEM. */
int ndx__han_fold_copy(const char *w, size_t n, struct ndx_buf *out);

/* ---- language detection ------------------------------------------------------------------- */

/*
 * Detect the language of `text`: writes a two-letter ISO 639-1 code into out[3] ("en", "zh", "ja",
 * "ko", "ru", "de", "fr", "es", "it", "pt", "nl", ... or "un" when unknown).  Uses the script
 * (Han/Kana/Hangul/Cyrillic/...) then common-word profiles for Latin-script languages.
 */
void ndx__detect_lang(const char *text, size_t ntext, char out[3]);

/* ---- sentences, teasers, snippets --------------------------------------------------------- */

/*
 * Sentence boundaries: calls cb(ctx, start, end) for each sentence of `text` (byte offsets; end
 * exclusive, trailing space excluded).  Ends at . ! ? 。！？ (and closing quotes/brackets after
 * them) followed by space or end; not after common abbreviations (Mr. Dr. U.S. Jan. ...), initials
 * ("J. Smith"), or decimals.  Newlines always end a sentence.
 */
typedef int (*ndx_sentence_fn)(void *ctx, size_t start, size_t end);
int ndx__sentences(const char *text, size_t ntext, ndx_sentence_fn cb, void *ctx);

/*
 * Teaser: whole sentences from the start of `text` while the word count stays <= `words` (CJK
 * characters count as one word each); at least the first sentence (cut at `words`*3 words with "…"
 * if that alone is longer).  Paragraph breaks (any white-space run) become one space.  `words` 0
 * means 100.  No HTML escaping.  Appends to `out` (always leaving a NUL-terminated string).
 */
int ndx__teaser(const char *text, size_t ntext, size_t words, struct ndx_buf *out);

/*
 * Highlight spans: byte ranges of `text` to mark.  Snippet: choose up to `max_passages` windows of
 * about `words` words with the most distinct highlighted spans (ties: earlier), aligned to sentence
 * starts where possible, joined by " … "; each span wrapped in `open`/`close`.  With `escape_html`
 * the text (not the markers) is HTML-escaped.  With no spans, behaves like the teaser.  Appends to
 * `out`.  `words` 0 = 30, `max_passages` 0 = 1; "…" marks passages starting/ending mid-sentence;
 * white space is collapsed; spans out of range are ignored, spans splitting a character widened.
 */
struct ndx_span {
    size_t start, end;
};
/* The entity newsdex writes for c when escaping HTML (& < > " '), or NULL for any other byte. */
const char *ndx__html_entity(uint8_t c);
/* Append s with & < > " ' written as entities (the snippets' rule; teasers use it too). */
void ndx__html_escape(const char *s, size_t n, struct ndx_buf *out, int *rc);
int ndx__snippet(const char *text, size_t ntext, const struct ndx_span *spans, size_t nspans,
                 size_t words, size_t max_passages, const char *open, const char *close,
                 int escape_html, struct ndx_buf *out);

/* ---- helpers shared by the files of lib/text/ (usable by other modules) ---------------------- */

/*
 * Normalise one word exactly as ndx__analyze normalises a document word, stemming included when
 * `stem` is nonzero and `lang` has a stemmer.  This is what a query word must go through to match
 * the index: stemming happens on the case-folded *accented* form and accents are stripped after,
 * so ndx__stem(ndx__normalize_word(w)) can differ for accented words (French "nationalité").
 * The word is expected to be one word (what ndx__analyze would give as a single token); separators
 * inside it are dropped.  Writes into `out` (reset first).
 */
int ndx__normalize_term(const char *w, size_t n, const char *lang, int stem, struct ndx_buf *out);

/*
 * Free the calling thread's stemmer objects and stem caches (created lazily by ndx__analyze and
 * ndx__stem).  Called by the application/CLI before a thread exits; the next use recreates them.
 */
void ndx__text_thread_cleanup(void);

/* Per-thread cached Snowball stemmer for ISO code `lang` (NULL: no stemmer for it, or OOM).  Valid
 * on the calling thread until ndx__text_thread_cleanup(). */
struct ndx__stemmer;
struct ndx__stemmer *ndx__stemmer_get(const char *lang);
/* Stem a case-folded word (accents kept).  *out is borrowed until the next call on this thread.
 * Results of short words are memoised in a per-thread cache.  NDX_OK or NDX_ENOMEM. */
int ndx__stemmer_run(struct ndx__stemmer *st, const uint8_t *w, size_t n, const uint8_t **out,
                     size_t *nout);

/* Unicode general categories as bits, to test a class of characters in one step. */
#define NDX_CAT(c) (1u << UTF8PROC_CATEGORY_##c)
/* Letters, marks and numbers (L*, M*, N*): the characters words are made of. */
#define NDX_CATS_LMN                                                                               \
    (NDX_CAT(LU) | NDX_CAT(LL) | NDX_CAT(LT) | NDX_CAT(LM) | NDX_CAT(LO) | NDX_CAT(MN) |           \
     NDX_CAT(MC) | NDX_CAT(ME) | NDX_CAT(ND) | NDX_CAT(NL) | NDX_CAT(NO))

/* Is the category of cp one of `cats` (NDX_CAT bits)? */
static inline bool ndx__text_in_cats(uint32_t cp, uint32_t cats)
{
    return (cats >> utf8proc_category((utf8proc_int32_t)cp)) & 1u;
}

/* The text module's name for ndx__utf8_decode (util/utf8.c), the library's one UTF-8 decoder. */
static inline size_t ndx__text_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    return ndx__utf8_decode(s, n, cp);
}

/* Han (incl. Ext A-F, compatibility ideographs, 々〆〇), Hiragana, Katakana (incl. halfwidth and
 * the prolonged sound mark), Hangul syllables. */
bool ndx__text_is_cjk(uint32_t cp);

/* Letter, number or combining mark (a character that belongs inside a word), CJK excluded. */
bool ndx__text_is_wordchar(uint32_t cp);

/* Word iteration for counting (teasers, snippets): finds the first word at or after byte i - a run
 * of letters/digits (apostrophes between letters included) or a single CJK character.  Returns
 * false at the end of the text.  Inline for ASCII words (the hot path of snippets); anything
 * else goes to ndx__text_next_word_any, which handles every word. */
bool ndx__text_next_word_any(const char *text, size_t ntext, size_t i, size_t *ws, size_t *we);
extern const uint8_t ndx__ascii_word[256]; /* 1: ASCII letter or digit, else 0 */

static inline bool ndx__text_next_word(const char *text, size_t ntext, size_t i, size_t *ws,
                                       size_t *we)
{
    const uint8_t *s = (const uint8_t *)text;
    while (i < ntext && s[i] < 0x80 && !ndx__ascii_word[s[i]])
        i++;
    if (i >= ntext)
        return false;
    if (s[i] >= 0x80)
        return ndx__text_next_word_any(text, ntext, i, ws, we);
    size_t j = i + 1;
    for (;;) {
        while (j < ntext && s[j] < 0x80 && ndx__ascii_word[s[j]])
            j++;
        if (j < ntext && s[j] == '\'' && j + 1 < ntext) {
            if (s[j + 1] >= 0x80)
                return ndx__text_next_word_any(text, ntext, i, ws, we);
            if (ndx__ascii_word[s[j + 1]]) {
                j += 2;
                continue;
            }
        }
        if (j < ntext && s[j] >= 0x80)
            return ndx__text_next_word_any(text, ntext, i, ws, we);
        break;
    }
    *ws = i;
    *we = j;
    return true;
}

#endif /* NDX_TEXT_H */
