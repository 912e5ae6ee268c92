/*
 * dedup.h - near-duplicate sketches (dedup/sketch.c), wire-copy signals (dedup/wire.c) and the
 * hashes that find exact copies (dedup/exact.c).
 *
 * A sketch is a one-permutation MinHash of an article's word 4-shingles: NDX_SKETCH_BINS bins of
 * 16 bits each.  Two sketches agree in a fraction of bins that estimates the Jaccard similarity
 * of the two shingle sets.  Locality-sensitive hashing bands (NDX_SKETCH_BANDS bands of
 * NDX_SKETCH_ROWS bins) find candidates: two articles with Jaccard 0.4 share a band with
 * probability 1-(1-0.4^2)^32 = 0.996, with Jaccard 0.2 with probability 0.73 (then rejected by
 * the threshold).  Datelines, credit lines and short boilerplate paragraphs at either end are left
 * out of the sketch (ndx__sketch_core).  Used by index.c at ingest to assign story clusters.  Why
 * this design and these parameters: docs/DEDUP.md.
 */
#ifndef NDX_DEDUP_H
#define NDX_DEDUP_H

#include "ndx_int.h"

#define NDX_SKETCH_BINS  64
#define NDX_SKETCH_BANDS 32
#define NDX_SKETCH_ROWS  2
/* shorter texts get no sketch (all-zero): short templated items (dividend notices) look alike
 * without being copies */
#define NDX_SKETCH_MIN_SHINGLES 30
#define NDX_DUP_THRESHOLD       0.4 /* default estimated Jaccard for "same story" */

/* Compute the sketch of text into sig.  Returns the number of shingles (0: sig is all zero, the
 * text is too short to compare). */
size_t ndx__sketch(const char *text, size_t n, uint16_t sig[NDX_SKETCH_BINS]);
/* Fraction of equal bins (0..1); 0 when either sketch is empty. */
double ndx__sketch_sim(const uint16_t *a, const uint16_t *b);
/* Key of band `band` (0..NDX_SKETCH_BANDS-1), never 0. */
uint64_t ndx__sketch_band(const uint16_t *sig, int band);
/* 1 if the sketch is empty (too short a text). */
int ndx__sketch_empty(const uint16_t *sig);

/* The part of a body to sketch: without a leading dateline/credit ("LISBON (AP) — ") or short
 * byline paragraph, and without trailing credit lines and short boilerplate paragraphs. */
void ndx__sketch_core(const char *body, size_t n, size_t *start, size_t *end);

/* 1 if the text carries a wire-service dateline or credit: "LISBON (AP) —", "(Reuters) -",
 * "— AFP", "Reporting by ...", "(Continental Press)" at the start or end of the body. */
int ndx__wire_signal(const char *body, size_t n);

/* ---- exact copies (dedup/exact.c) ----------------------------------------------------------- */

/* Hash of the normalised article text (its body, else its title: ASCII case folded, white space
 * collapsed), never 0. */
uint64_t ndx__content_hash(const ndx_article *a);
/* Hash of a URL as given; 0 for none (n == 0), else never 0. */
uint64_t ndx__url_hash(const char *url, size_t n);

#endif
