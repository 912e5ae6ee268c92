/*
 * ingest.h - internal interface of the input readers (lib/ingest/): the byte source (plain file,
 * stdin, memory or an archive member; gzip, xz, bzip2 and zstd decompressed on the fly with bomb
 * limits), the line reader on top of it,
 * the reading context shared by the JSON and plain-text article builders, the feed (feed.c), HTML
 * page (page.c) and web-archive (warc.c) readers and teaser-stub detection (stubs.c).  The public
 * entry points are ndx_read_file, ndx_read_mem and ndx_parse_date (newsdex.h); docs/INPUT.md
 * describes the formats for users.
 */
#ifndef NDX_INGEST_H
#define NDX_INGEST_H

#include "ndx_int.h"

#include <sys/types.h>

/* ---- limits (tests may lower them) -------------------------------------------------------- */

struct ndx__ingest_limits {
    size_t max_line;        /* longest JSONL line (64 MiB); longer lines are skipped */
    size_t max_doc;         /* largest single-document file (text, JSON): 256 MiB */
    uint64_t max_gz_out;    /* most bytes one compressed file may expand to: 4 GiB */
    uint64_t max_gz_ratio;  /* most expansion ratio of compressed data (200), ... */
    uint64_t gz_ratio_min;  /* ... applied to max(compressed size, this) (256 KiB) */
    uint64_t progress_step; /* on_progress every this many input bytes (1 MiB) */
};
extern struct ndx__ingest_limits ndx__ingest_limits;

/* ---- reading context ------------------------------------------------------------------------ */

enum ndx__ingest_field {
    NDX__F_URL,
    NDX__F_SOURCE,
    NDX__F_TITLE,
    NDX__F_AUTHORS,
    NDX__F_BODY,
    NDX__F_LANG,
    NDX__F_DATE,
    NDX__F_COUNT
};

#define NDX__FMAP_ALTS 8

/* JSON member names tried, in order, for each article field (NULL-terminated lists). */
#define NDX__FMAP_KEYWORDS 16

struct ndx__ingest_fmap {
    const char *keys[NDX__F_COUNT][NDX__FMAP_ALTS + 1];
    /* keyword fields mapped by name ("section=meta.section"): name, then the members tried */
    const char *kw_name[NDX__FMAP_KEYWORDS];
    const char *kw_keys[NDX__FMAP_KEYWORDS][NDX__FMAP_ALTS + 1];
    size_t nkw;
    char *owned; /* storage of the parsed opts->field_map */
};

struct ndx__ingest_ctx {
    const char *name; /* file name used in "where" strings */
    const ndx_reader_cb *cb;
    struct ndx__ingest_fmap fmap;
    char *file_url;                 /* "file:///abs/path" for text files, or NULL */
    uint64_t narticles;             /* delivered */
    int stopped;                    /* on_article returned nonzero */
    int damaged;                    /* a problem ended reading early (gzip damage, bomb) */
    int bomb;                       /* decompression stopped at the expansion limit */
    int stubs;                      /* opts->stubs: 0 keep teaser stubs as articles, 1 drop */
    int input_format;               /* opts->input_format */
    int depth;                      /* archives this input is inside of */
    const char *encoding;           /* opts->encoding: forced character encoding, or NULL */
    const char *source, *lang;      /* opts->source, opts->lang: defaults, or NULL */
    struct ndx_buf host;            /* scratch: the source name made of a host */
    int converted;                  /* the source is already converted to UTF-8 */
    int child;                      /* an archive member's context: fmap borrowed */
    struct ndx_buf f[NDX__F_COUNT]; /* scratch: cleaned field values */
    struct ndx_buf tmp, tmp2;       /* scratch */
    struct ndx_buf kw, kwv;         /* scratch: keyword field lines of a JSON article, a value */
};

/* Context of an archive member `path` of c (name and file URL extended with "/path"). */
int ndx__ingest_ctx_child(struct ndx__ingest_ctx *m, const struct ndx__ingest_ctx *c,
                          const char *path);
void ndx__ingest_ctx_child_free(struct ndx__ingest_ctx *m);
struct ndx__ingest_src;
/* Detect the format of the source and read it (reader.c); fmt forces one (NDX_FMT_*). */
int ndx__ingest_read_src(struct ndx__ingest_ctx *c, struct ndx__ingest_src *src, int fmt);

/* Report a problem at "name:line" (line > 0) or "name" (line 0). */
void ndx__ingest_problem(struct ndx__ingest_ctx *c, uint64_t line, const char *fmt, ...)
    NDX_PRINTF(3, 4);
/* Report a problem at "name@offset". */
void ndx__ingest_problem_at(struct ndx__ingest_ctx *c, uint64_t off, const char *fmt, ...)
    NDX_PRINTF(3, 4);
/* Hand an article to cb->on_article (a missing source and language taken from the options, else
 * the source from the URL's host; a source that is a host name made a source name by the rule
 * of util/url.c); sets c->stopped if it asks to stop. */
void ndx__ingest_emit(struct ndx__ingest_ctx *c, const ndx_article *a);

/* Parse opts->field_map (NULL = news-please defaults) into c->fmap.  NDX_EINVAL (reported) on a
 * malformed map. */
int ndx__ingest_parse_fmap(struct ndx__ingest_ctx *c, const char *map);

/*
 * Build an article from a JSON object and emit it.  `line` and `item` locate it for problem
 * reports (line > 0: "name:line"; item > 0: "name#item"; both 0: "name").  `nrepaired` is the
 * number of invalid UTF-8 bytes repaired in the raw input of this object (reported here).
 * Returns NDX_OK (also when the object was skipped with a report) or NDX_ENOMEM.
 */
/* Append the "name\tvalue\n" line of a keyword field's value (s, n bytes) to out: invalid UTF-8
 * repaired, control bytes made spaces, white space at either end left out; nothing for a value
 * of white space only (fields.c). */
void ndx__ingest_keyword_line(struct ndx__ingest_ctx *c, const char *name, const char *s, size_t n,
                              struct ndx_buf *out, int *rc);
int ndx__ingest_json_article(struct ndx__ingest_ctx *c, void *obj, uint64_t line, uint64_t item,
                             size_t nrepaired);

/* Build one article from a plain-text document and emit it.  NDX_EFORMAT if it holds no text. */
int ndx__ingest_text_article(struct ndx__ingest_ctx *c, const char *s, size_t n);

/* A language tag as the articles carry it: "en", "EN", "en-US", "en_GB" -> "en" (two or three
 * letters, lower-cased, the region dropped); anything else empties b.  JSON fields and feeds. */
void ndx__lang_code(struct ndx_buf *b);

/* ---- teaser stubs (stubs.c) ------------------------------------------------------------------ */

/*
 * Find teaser stubs at the end of a body (paragraphs separated by '\n'): returns the byte length
 * of the article part (== n when there are none) and the number of stubs in *nstubs.  Pure
 * function of the text (see docs/INPUT.md, "Teaser stubs").
 */
size_t ndx__stubs_split(const char *body, size_t n, size_t *nstubs);

/*
 * Emit an article, first splitting teaser stubs off its body: the article goes out with the body
 * cut before them, then each stub as its own NDX_ART_TEASER article (parent = the article's url,
 * url = parent + "#teaser-N") unless c->stubs asks to drop them.  A note is reported.
 */
void ndx__ingest_emit_split(struct ndx__ingest_ctx *c, const ndx_article *a);

/* ---- feeds (feed.c), HTML pages, web archives (warc.c) -------------------------------------- */

/* Is the document (first bytes) an RSS / RDF / Atom feed by its root element? */
int ndx__feed_sniff_xml(const uint8_t *p, size_t n);
/* Does it look like an HTML page (doctype or <html>/<head>/<body> near the start)? */
int ndx__html_sniff(const uint8_t *p, size_t n);
/* Is this parsed JSON value (json_t *) a JSON Feed (object with "version" naming jsonfeed.org)? */
int ndx__feed_is_jsonfeed(void *root);
/* Read an XML feed document: one article per item.  NDX_EFORMAT when nothing usable. */
int ndx__ingest_feed_xml(struct ndx__ingest_ctx *c, const char *p, size_t n);
/* Read a parsed JSON Feed (json_t *). */
int ndx__ingest_feed_json(struct ndx__ingest_ctx *c, void *root);
/* Read one HTML page (ndx__extract_html), charset hint may be NULL. */
int ndx__ingest_html_page(struct ndx__ingest_ctx *c, const char *p, size_t n, const char *charset,
                          const char *url, size_t nurl, int64_t fallback_date);
/*
 * HTML (a fragment or a page) to plain text paragraphs ('\n'-separated, cleaned): block elements
 * break paragraphs, script/style dropped.  Appends to out (reset first).
 */
void ndx__html_to_text(const char *p, size_t n, struct ndx_buf *out, int *rc);

struct ndx__ingest_lines;
/* Is the (decompressed) stream a tar or zip archive? */
int ndx__archive_sniff(const uint8_t *p, size_t n);
/* Read a tar or zip archive from the line reader (nothing consumed yet): each member as a file. */
int ndx__ingest_archive(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l);

/* Document collections in one SGML/XML file (sgml.c). */
enum { NDX__SGML_NONE, NDX__SGML_REUTERS, NDX__SGML_TREC, NDX__SGML_SOGOU };
/* Kind of collection by its first record element (after prolog and one wrapper), 0 none. */
int ndx__sgml_sniff(const uint8_t *p, size_t n);
/* Stream the records of a collection from the line reader (nothing consumed yet). */
int ndx__ingest_sgml(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, int kind);

/*
 * Hard-wrapped text to paragraphs (sgml.c): a line starting with white space, or following an
 * empty line, starts a paragraph; other lines continue the one before.  Appends '\n'-separated
 * paragraphs to o.
 */
void ndx__ingest_unwrap(const char *s, size_t n, struct ndx_buf *o, int *rc);

/* Does the document start with an RFC 5322 header block (a Usenet post, an e-mail)? (mail.c) */
int ndx__mail_sniff(const uint8_t *p, size_t n);
/* One post or message (the whole document) to an article. */
int ndx__ingest_mail(struct ndx__ingest_ctx *c, const char *p, size_t n);

/* Is the stream a WARC ("WARC/") or ARC ("filedesc://") archive? 1 WARC, 2 ARC, 0 neither. */
int ndx__warc_sniff(const uint8_t *p, size_t n);
/* Stream a WARC or ARC archive from the line reader (nothing consumed yet). */
int ndx__ingest_warc(struct ndx__ingest_ctx *c, struct ndx__ingest_lines *l, int kind);

/* Limits of the archive reader (tests lower them). */
struct ndx__warc_limits {
    size_t max_payload; /* largest HTML payload kept (64 MiB); bigger ones are skipped */
    size_t max_header;  /* largest WARC / HTTP header block (256 KiB) */
};
extern struct ndx__warc_limits ndx__warc_limits;

/*
 * Clean a text field into `out` (reset first): UTF-8 repaired, then for `paragraphs` lines trimmed,
 * empty lines dropped and joined with '\n', else all whitespace runs collapsed to one space and the
 * ends trimmed.  Returns the count of repaired bytes; errors go to *rc.
 */
size_t ndx__ingest_clean(const char *s, size_t n, int paragraphs, struct ndx_buf *out, int *rc);

/* ---- stream decoders (decomp.c) ------------------------------------------------------------ */

enum { NDX__Z_NONE, NDX__Z_GZIP, NDX__Z_XZ, NDX__Z_BZIP2, NDX__Z_ZSTD };
enum { NDX__ZS_OK, NDX__ZS_END, NDX__ZS_ERROR, NDX__ZS_NOMEM };
struct ndx__zdec;

/* Codec of a stream by its first bytes (NDX__Z_NONE: not compressed). */
int ndx__zdec_sniff(const uint8_t *p, size_t n);
/* "gzip", "xz", "bzip2", "zstd". */
const char *ndx__zdec_name(int codec);
int ndx__zdec_open(struct ndx__zdec **out, int codec);
/* Start a new member (gzip member, xz or bzip2 stream, zstd frame). */
int ndx__zdec_restart(struct ndx__zdec *d);
void ndx__zdec_close(struct ndx__zdec *d);
/*
 * Decode from in[0..nin) into out[0..nout): *used input bytes consumed, *made output bytes made.
 * NDX__ZS_END when the member ended (flushed), NDX__ZS_ERROR on corrupt data (ndx__zdec_msg says
 * why).  nin == 0 asks the decoder to finish (flush what it holds).
 */
int ndx__zdec_step(struct ndx__zdec *d, const uint8_t *in, size_t nin, size_t *used, uint8_t *out,
                   size_t nout, size_t *made);
const char *ndx__zdec_msg(const struct ndx__zdec *d);

/* ---- character encodings (encoding.c) ------------------------------------------------------- */

enum { NDX__ENC_FORCED, NDX__ENC_BOM, NDX__ENC_DECLARED, NDX__ENC_DETECTED };
struct ndx__conv;
struct ndx__ingest_lines;
/*
 * Decide the encoding of a document from its first n bytes (complete: the whole document):
 * returns 1 with the iconv name in out when it must be converted, 0 for UTF-8 (or binary: the
 * caller's checks decide); *how says why (NDX__ENC_*).
 */
int ndx__enc_decide(const uint8_t *p, size_t n, int complete, const char *forced, char *out,
                    size_t nout, int *how);
/* A converter from `charset` reading the line reader l (its buffered bytes first).  NDX_EINVAL
 * if iconv does not know the charset. */
int ndx__enc_open(struct ndx__conv **out, const char *charset, struct ndx__ingest_ctx *c,
                  struct ndx__ingest_lines *l);
/* The pull function of a converter, for ndx__ingest_src_open_pull. */
ssize_t (*ndx__enc_pull(void))(void *, uint8_t *, size_t);
/* Report the count of invalid sequences (if any) and free. */
void ndx__enc_close(struct ndx__conv *v, const char *charset);

/* ---- byte source ----------------------------------------------------------------------------- */

struct ndx__ingest_src {
    struct ndx__ingest_ctx *c;
    int fd;            /* -1 when reading memory */
    const uint8_t *in; /* raw input window */
    uint8_t *inbuf;    /* owned raw buffer (files) */
    size_t in_pos, in_len;
    uint64_t raw_size; /* size of the raw input if known, else 0 */
    uint64_t raw_done; /* raw bytes consumed */
    uint64_t out_done; /* bytes delivered */
    uint64_t next_progress;
    int raw_eof;
    int gz;             /* codec of the input (NDX__Z_*), 0 plain */
    int gz_member_done; /* between members */
    int eof;            /* no more bytes will come */
    int err;            /* NDX_EIO / NDX_ENOMEM: fatal */
    struct ndx__zdec *zd;
    /* raw input from a callback instead of fd or memory (archive members), NULL otherwise */
    ssize_t (*pull)(void *ctx, uint8_t *buf, size_t n);
    void *pull_ctx;
    /* starts of the most recent members: decompressed offset -> raw offset (ring) */
    uint64_t mem_out[64], mem_raw[64];
    unsigned nmem;
};

int ndx__ingest_src_open_fd(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c, int fd,
                            uint64_t raw_size);
/* Raw bytes from pull(ctx, buf, n) (returns the count, 0 at the end, -1 on a read error already
 * reported, -2 out of memory); compression undone as for files. */
int ndx__ingest_src_open_pull(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c,
                              ssize_t (*pull)(void *, uint8_t *, size_t), void *ctx,
                              uint64_t raw_size);
void ndx__ingest_src_open_mem(struct ndx__ingest_src *s, struct ndx__ingest_ctx *c, const void *p,
                              size_t n);
/* Read up to n bytes; returns the count, 0 only at the end (s->eof) or on error (s->err). */
size_t ndx__ingest_src_read(struct ndx__ingest_src *s, void *buf, size_t n);
/* Offset in the stored file of decompressed offset `out`: itself for plain input; for gzip the
 * start of the member holding it when known (recent members), else 0.  *exact is 1 when it is. */
uint64_t ndx__ingest_src_raw_offset(const struct ndx__ingest_src *s, uint64_t out, int *exact);
void ndx__ingest_src_close(struct ndx__ingest_src *s);

/* ---- line reader ----------------------------------------------------------------------------- */

struct ndx__ingest_lines {
    struct ndx__ingest_src *src;
    uint8_t *buf;
    size_t cap, beg, end;
    uint64_t lineno; /* number of the line last returned */
    int eof;
};

void ndx__ingest_lines_init(struct ndx__ingest_lines *l, struct ndx__ingest_src *src);
void ndx__ingest_lines_free(struct ndx__ingest_lines *l);
/* Make at least `want` unread bytes available (fewer at the end).  Returns status. */
int ndx__ingest_lines_fill(struct ndx__ingest_lines *l, size_t want);
/*
 * Next line (without "\n" or "\r\n"), borrowed until the next call.  Returns 1, 0 at the end, or
 * a negative status.  Lines longer than ndx__ingest_limits.max_line are reported and skipped.
 */
int ndx__ingest_lines_next(struct ndx__ingest_lines *l, const char **p, size_t *n);
/* Read everything left (at most `max` bytes: NDX_ETOOBIG past it) into the buffer. */
int ndx__ingest_lines_rest(struct ndx__ingest_lines *l, size_t max, const char **p, size_t *n);

#endif /* NDX_INGEST_H */
