/*
 * names.h - people, organisations and places in article text (names/entities.c), the word
 * lexicon their rules consult (names/lexicon.c: hand-written cue words, plus gazetteers and a
 * word list read at run time from Debian data packages) and direct quotations with their
 * speakers (names/quotes.c).
 */
#ifndef NDX_NAMES_H
#define NDX_NAMES_H

#include "ndx_int.h"

/* ---- lexicon (names/lexicon.c) ------------------------------------------------------------ */

/* Flags of a lower-cased word (ndx__lex_word). */
enum {
    LW_TITLE = 1u << 0,      /* a title written before a name: president, minister, mr, dr */
    LW_TITLEMOD = 1u << 1,   /* may stand inside a title chain: vice, deputy, prime, foreign */
    LW_ROLE = 1u << 2,       /* a role noun: spokesman, activist, leader, adviser */
    LW_ORGHEAD = 1u << 3,    /* ends an organisation name: ministry, party, university */
    LW_ORGSUFFIX = 1u << 4,  /* a company suffix: inc, corp, ltd */
    LW_LOCHEAD = 1u << 5,    /* ends a place name: river, province, county, street */
    LW_LOCPRE = 1u << 6,     /* starts a place name: mount, lake, cape, gulf */
    LW_CONN = 1u << 7,       /* a particle inside a name: de, van, von, al, bin */
    LW_OFCONN = 1u << 8,     /* joins a head to its complement: of, for, and, the, on */
    LW_REPORT = 1u << 9,     /* a reporting verb: said, says, told, added */
    LW_STOP = 1u << 10,      /* a function word that is never a name on its own */
    LW_NEVER = 1u << 11,     /* months, weekdays: capitalised but never an entity */
    LW_PORTFOLIO = 1u << 12, /* the portfolio of a title: affairs, defence, state, finance */
    LW_COMMON = 1u << 13,    /* the word list (wamerican) has it in lower case */
    LW_PLACENOUN = 1u << 14, /* a common noun that introduces a place: city, village, district */
    LW_LOCPREP = 1u << 15,   /* a preposition that introduces a place: in, near */
    LW_PRONOUN = 1u << 16,   /* a personal pronoun (quote speakers) */
    LW_QVERB = 1u << 18,     /* introduces a quoted phrase: called, described, quoted */
    LW_DET = 1u << 19,       /* opens a speaker's noun phrase: the, one, a, some, another */
    LW_ORDINAL = 1u << 20,   /* first ... twentieth */
    LW_DIRECTION = 1u << 21, /* north, southern, upper, greater, new: before a place name */
    LW_MISCHEAD = 1u << 17,  /* ends the name of an event, work or prize: war, award, cup, album */
};

/* Flags of a name written as is (ndx__lex_name). */
enum {
    LN_COUNTRY = 1u << 0, /* a country (iso-codes 3166-1, or a common short name) */
    LN_REGION = 1u << 1,  /* a subdivision (iso-codes 3166-2, geonames states) */
    LN_CITY = 1u << 2,    /* a city (geonames) */
    LN_PROPER = 1u << 3,  /* the word list has it capitalised (given names, surnames, places) */
    LN_DEMONYM = 1u << 4, /* a nationality adjective derived from a country name */
};
#define LN_PLACE (LN_COUNTRY | LN_REGION | LN_CITY)

/* Load the lexicon once per process (thread-safe; later calls return at once).  Missing data
 * files are not an error: the rules then work with what is there (ndx_names_data_status). */
void ndx__lex_init(void);
/* Flags of an ASCII-lower-cased word (any case accepted; non-ASCII bytes compared as is).  Both
 * lookups load the lexicon first if needed. */
unsigned ndx__lex_word(const char *s, size_t n);
/* The same for a word of the hand-written cue lists only (0 for any other word, LW_COMMON
 * included): what the rules ask of a lower-case word, from a map small enough to stay cached. */
unsigned ndx__lex_cue(const char *s, size_t n);
/* Flags of a name, exactly as written (single spaces between words). */
unsigned ndx__lex_name(const char *s, size_t n);

/* ---- tokens (names/tokens.c) ---------------------------------------------------------------- */

enum { NT_WORD = 1, NT_PUNCT = 2, NT_OTHER = 3 }; /* OTHER: CJK and other uncased scripts */
enum {
    NTF_CAP = 1u << 0,     /* first letter upper case (or title case) */
    NTF_ALLCAPS = 1u << 1, /* two letters or more, none lower case */
    NTF_LOWER = 1u << 2,   /* first letter lower case */
    NTF_START = 1u << 3,   /* first word of a sentence */
    NTF_PARA = 1u << 4,    /* first token of a paragraph (or of a window) */
    NTF_INITIAL = 1u << 5, /* a single capital with its dot: "J." */
    NTF_DIGIT = 1u << 6,   /* starts with a digit */
    NTF_ABBR = 1u << 7,    /* ends with an abbreviation dot ("Mr.", "U.S.") */
    NTF_POSS = 1u << 8,    /* the possessive "'s" split off a word */
    NTF_SPACE = 1u << 9,   /* white space before the token */
};

struct ndx_tok {
    size_t s, e;  /* byte offsets in the text */
    uint32_t cp;  /* first character (punctuation: the character) */
    uint16_t f;   /* NTF_* */
    uint8_t kind; /* NT_* */
};

/* Most tokens held at once: longer texts are cut into windows of this many tokens (a window
 * boundary acts as a paragraph break), so memory stays bounded whatever the input. */
#define NDX_TOK_WINDOW 65536

/* Tokenize [text+from, text+n) up to a window of at most `cap` tokens or the end of the next
 * paragraph, whichever first; returns the number of tokens and sets *next to where to go on. */
size_t ndx__tokens(const char *text, size_t n, size_t from, struct ndx_tok *t, size_t cap,
                   size_t *next);
/* A token buffer that grows to the paragraph (up to NDX_TOK_WINDOW tokens), with a parallel
 * array of one unsigned per token for the caller (aux). */
struct ndx_tokbuf {
    struct ndx_tok *t;
    unsigned *aux;
    size_t n, cap;
};
/* Tokenize the next paragraph (or window) from `from` into tb, growing it as needed. */
int ndx__tokens_grow(const char *text, size_t n, size_t from, struct ndx_tokbuf *tb, size_t *next);
/* The paragraphs (or windows) of a text in turn: tokenizes the one at *pos into tb and moves *pos
 * on; false at the end of the text, or on a failure, which it leaves in *rc:
 *     size_t pos = 0;
 *     while (!rc && ndx__tokens_next(text, n, &pos, &tb, &rc)) { ... tb.t, tb.n ... } */
bool ndx__tokens_next(const char *text, size_t n, size_t *pos, struct ndx_tokbuf *tb, int *rc);
void ndx__tokbuf_free(struct ndx_tokbuf *tb);
/* LW_ flags of a word token (its trailing abbreviation dot ignored); 0 for other tokens. */
unsigned ndx__tok_word(const char *text, const struct ndx_tok *t);
/* Does [s, s+n) hold a double quotation mark (straight, “ or „) or a guillemet («)? */
bool ndx__has_quote_mark(const char *s, size_t n);
/* Opening or closing quotation mark?  (" counts as both.) */
bool ndx__is_open_quote(uint32_t cp);
bool ndx__is_close_quote(uint32_t cp);

/* ---- the lexicon cache (names/lexcache.c) ---------------------------------------------------- */

struct ndx_map;

/* A stamp of the lexicon's sources (paths, "" for one turned off; sizes, times, inodes) and its
 * built-in lists; *usable is false when a source is missing. */
uint64_t ndx__lexcache_stamp(const char *const *paths, size_t npaths, uint64_t builtin,
                             bool *usable);
/* Fill the empty map m from a cache written with this stamp: 1, or 0 (m left empty). */
int ndx__lexcache_read(struct ndx_map *m, uint64_t stamp);
/* Write m as the cache for this stamp (best effort). */
void ndx__lexcache_write(const struct ndx_map *m, uint64_t stamp);

/* ---- entities (names/entities.c) ---------------------------------------------------------- */

/* Longest name span, in words; a longer capitalised run is not a name (headline case, shouting). */
#define NDX_NAME_MAX_WORDS 8

/* ---- quotes (names/quotes.c) ----------------------------------------------------------------- */

/* ndx_quotes with the text's entities (ndx_entities) already found. */
int ndx__quotes_of(const char *text, size_t n, const ndx_entity *ents, size_t nents,
                   ndx_quote **out, size_t *count);

/* Index terms of a body's names and quotations: cb(kind, s, n) once per distinct (type, full
 * name), kind 'P' person, 'O' organisation, 'G' place (the letters of the person:, org: and
 * place: fields); then for each quotation its words, kind 'Q' (quote:), and its speaker as
 * written and the name it stands for, kind 'W' (speaker:).  Returns a status (NDX_ENOMEM); a
 * nonzero return of cb stops and is returned. */
int ndx__entity_names(const char *body, size_t n,
                      int (*cb)(void *ctx, char kind, const char *s, size_t n), void *ctx);

#endif
