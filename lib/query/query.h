/*
 * query.h - the query language: parser (query/parse.c) from text to a syntax tree, and the tree
 * the evaluator (query/eval.h) compiles against each segment.  The language is documented for users
 * in docs/QUERY.md.
 *
 * Grammar (precedence: NOT/-/+ bind tightest, then AND (explicit or by juxtaposition), then OR):
 *   query   := or
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*
 *   unary   := "NOT" unary | "-" primary | "+" primary | primary
 *   primary := "(" or ")" | [field ":"] atom
 *   atom    := word | word"*" | '"' words '"' ["~" N] | "(" or ")"
 *   field   := title | body | source | url | lang | date | wire | person | org | place | keyword
 *   keyword := a letter, then letters, digits or '_' (a keyword field mapped at ingest: section,
 *              tags, topics, places, ...), followed by a word or a phrase, not a group; a
 *              value starting with '/' is not one ("http://x" is a word)
 * Operators are upper case; "and"/"or"/"not" in lower case are words.  Another "xyz:" prefix
 * is part of the word ("10:30"); so is a keyword prefix the index holds no such field for: the
 * compiler then searches the whole word as before.  date: takes 2019, 2019-03, 2019-03-05 (whole
 * year/month/day), A..B ranges (either side may be empty), and >=, >, <=, < comparisons.  wire:
 * takes yes or no (any case): the articles carrying a wire dateline or credit, or the others.
 *
 * Details fixed by the parser (docs/QUERY.md is the user-level description):
 *  - The parser is byte-based.  Spaces are ASCII whitespace and U+3000; ( ) " always end a word;
 *    every other byte (NUL, invalid UTF-8, CJK, punctuation) is a word byte.
 *  - "AND"/"OR"/"NOT" are operators only as a whole word in operator position; right after '-',
 *    '+' or "field:" they are words ("-NOT", "title:AND").  '-'/'+' are operators only at the
 *    start of a word and must touch their operand ("- x", "--x" are errors); a word made only of
 *    two or more '-'/'+' ("--") is a plain (punctuation) word.  '+' leaves no trace in the tree.
 *  - NOT NOT x is x.  A "field:" on a group applies to every TERM/PREFIX/PHRASE inside that has
 *    no field of its own.  "date:" takes no group or phrase; "field:-x" and "title:body:x" are
 *    errors.  A word ending in '*' is a PREFIX (all trailing '*' removed, >= 1 byte left).
 *  - Dates are UTC.  Full ISO datetimes ("2019-03-05T10:00[:00[.f]][Z|+01:00]", no zone = UTC)
 *    are points.  In A..B the range ends with the whole period of B; >X starts after the period
 *    of X, <X ends before it.  A > B is an error.
 *  - Node pos: the first byte of the construct (of "field:", of '-' or "NOT" for NOT nodes, of the
 *    first kid for AND/OR).  Limits: NDX_QUERY_MAX_DEPTH levels of parentheses, at most
 *    NDX_QUERY_MAX_NODES nodes allocated while parsing, NDX_QUERY_MAX_BYTES bytes of query.
 */
#ifndef NDX_QUERY_H
#define NDX_QUERY_H

#include "ndx_int.h"

enum ndx_qkind {
    NDX_Q_TERM = 1, /* one raw word (analysis happens at compile time; may become a phrase) */
    NDX_Q_PREFIX,   /* raw prefix, without the '*' */
    NDX_Q_PHRASE,   /* raw phrase text between the quotes; slop = N of ~N (0 = exact) */
    NDX_Q_AND,      /* all kids; kids of kind NDX_Q_NOT are exclusions */
    NDX_Q_OR,       /* any kid */
    NDX_Q_NOT,      /* exactly one kid; meaningful inside AND (or alone: everything but) */
    NDX_Q_DATE,     /* published date in [date_from, date_to] (inclusive, Unix seconds) */
    NDX_Q_WIRE,     /* wire:yes (wire = 1) or wire:no (wire = 0): the article's wire flag */
};

enum ndx_qfield {
    NDX_F_ANY = 0, /* title and body */
    NDX_F_TITLE,
    NDX_F_BODY,
    NDX_F_SOURCE,
    NDX_F_URL,
    NDX_F_LANG,
    NDX_F_PERSON, /* entity names of the body (lib/names): index terms "\x01P", "\x01O", "\x01G" */
    NDX_F_ORG,
    NDX_F_PLACE,
    NDX_F_QUOTE,   /* words inside the body's quotations: "\x01Q" */
    NDX_F_SPEAKER, /* who said them, as written and the name meant: "\x01W" */
    NDX_F_KEYWORD, /* a keyword field mapped at ingest: text "name:value" (index/keywords.c) */
};

struct ndx_qnode {
    int kind;   /* enum ndx_qkind */
    int field;  /* enum ndx_qfield (TERM, PREFIX, PHRASE) */
    char *text; /* TERM/PREFIX/PHRASE raw text, NUL-terminated, owned */
    size_t ntext;
    uint32_t slop;           /* PHRASE: max extra distance (~N) */
    int64_t date_from;       /* DATE: inclusive; INT64_MIN = open */
    int64_t date_to;         /* DATE: inclusive; INT64_MAX = open */
    int wire;                /* WIRE: 1 yes, 0 no */
    struct ndx_qnode **kids; /* AND/OR/NOT children, owned */
    size_t nkids;
    size_t pos; /* byte offset of this node in the query text */
};

/* Limits against hostile queries. */
#define NDX_QUERY_MAX_DEPTH 64
#define NDX_QUERY_MAX_NODES 1024
#define NDX_QUERY_MAX_BYTES 65536

/*
 * Parse `q`.  On success *out is the tree (free with ndx__query_free).  On failure returns
 * NDX_ESYNTAX (or NDX_ETOOBIG past the limits, NDX_ENOMEM), *out = NULL, *errpos the byte offset
 * of the problem, and *errmsg (may be NULL) a message the caller frees with ndx_free, e.g.
 * "unbalanced ')'", "missing closing quote", "AND needs a term after it", "bad date '2019-13'".
 * An empty query (only spaces) is NDX_ESYNTAX "empty query".  AND/OR nodes with one kid are
 * collapsed; nested ANDs (and ORs) are flattened.
 */
int ndx__query_parse(const char *q, size_t n, struct ndx_qnode **out, size_t *errpos,
                     char **errmsg);
void ndx__query_free(struct ndx_qnode *node); /* accepts NULL */

/*
 * Canonical S-expression of a tree, for tests and `newsdex search --explain`:
 *   (and (term "a") (or (term title "b") (prefix "c")) (not (phrase "x y" 2)) (date 1546300800
 * 1577836799)) Fields other than ANY are written before the text; slop only when nonzero; open date
 * bounds as *. In strings '"' and '\' are escaped with a backslash, and control bytes (< 0x20,
 * 0x7f) are written as \xHH so the dump is always printable; other bytes are copied as they are.
 * Returns the buffer's sticky status (0, NDX_ENOMEM, NDX_ETOOBIG).
 */
int ndx__query_dump(const struct ndx_qnode *node, struct ndx_buf *out);

#endif /* NDX_QUERY_H */
