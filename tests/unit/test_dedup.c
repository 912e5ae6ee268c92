/* test_dedup.c - sketches estimate shingle Jaccard; bands find copies; wire signals. */
#include "harness.h"
#include "dedup/dedup.h"

#include <stdlib.h>

static const char *base =
    "Container traffic at the Port of Marrowhaven came to a standstill on Monday as about 1,900 "
    "dockworkers began a ten-day strike over pay, the first at the port since 1991. Terminal "
    "operator Greyhollow Port Holdings said 23 vessels were waiting to berth and that it had "
    "diverted a further 11 to ports in the Netherlands and Belgium. The union says crane drivers "
    "and lashers have seen their real wages fall by almost 9% since 2018, while the operator "
    "reported record profits last year. Talks between the two sides are scheduled to resume on "
    "Thursday under the supervision of the national conciliation service, officials said.";

TEST(sketch_identical_and_edited_copies_are_similar)
{
    uint16_t a[NDX_SKETCH_BINS], b[NDX_SKETCH_BINS];
    CHECK(ndx__sketch(base, strlen(base), a) > 50);
    ndx__sketch(base, strlen(base), b);
    CHECK(ndx__sketch_sim(a, b) == 1.0);
    /* a wire copy: dateline added, last sentence trimmed, one word changed */
    char copy[2048];
    snprintf(copy, sizeof copy, "MARROWHAVEN, England (CP) — %.*s", (int)(strlen(base) - 95), base);
    char *w = strstr(copy, "standstill");
    memcpy(w, "halt      ", 10);
    ndx__sketch(copy, strlen(copy), b);
    double sim = ndx__sketch_sim(a, b);
    CHECK(sim >= NDX_DUP_THRESHOLD);
    int shared_band = 0;
    for (int k = 0; k < NDX_SKETCH_BANDS; k++)
        shared_band |= ndx__sketch_band(a, k) == ndx__sketch_band(b, k);
    CHECK(shared_band);
}

TEST(sketch_different_coverage_is_dissimilar)
{
    const char *other =
        "Dockers at Marrowhaven walked out on Monday in a dispute over wages, stranding ships "
        "offshore. The Harbour and Transport Workers' Union said its members had been left "
        "behind while Greyhollow made record profits. The company said it had made a fair offer "
        "and that perishable cargo would keep moving. Ministers urged both sides to return to "
        "talks, and the conciliation service said it would host a meeting later in the week.";
    uint16_t a[NDX_SKETCH_BINS], b[NDX_SKETCH_BINS];
    ndx__sketch(base, strlen(base), a);
    ndx__sketch(other, strlen(other), b);
    CHECK(ndx__sketch_sim(a, b) < 0.2);
}

TEST(sketch_estimates_jaccard)
{
    /* two texts of 400 distinct words sharing a known share of 4-shingles */
    char *x = malloc(8192), *y = malloc(8192);
    size_t ox = 0, oy = 0;
    for (int i = 0; i < 400; i++) {
        ox += (size_t)snprintf(x + ox, 8192 - ox, "w%d ", i);
        /* y: the first 240 words shared, then different ones */
        oy += (size_t)snprintf(y + oy, 8192 - oy, i < 240 ? "w%d " : "v%d ", i);
    }
    uint16_t a[NDX_SKETCH_BINS], b[NDX_SKETCH_BINS];
    ndx__sketch(x, ox, a);
    ndx__sketch(y, oy, b);
    /* shingles: 397 each, 237 shared -> Jaccard 237 / (397 + 397 - 237) = 0.425 */
    double sim = ndx__sketch_sim(a, b);
    CHECK(sim > 0.25 && sim < 0.6);
    free(x);
    free(y);
}

TEST(sketch_short_and_cjk_texts)
{
    uint16_t a[NDX_SKETCH_BINS], b[NDX_SKETCH_BINS];
    CHECK_EQ(ndx__sketch("too short", 9, a), 0);
    CHECK(ndx__sketch_empty(a));
    CHECK(ndx__sketch_sim(a, a) == 0);
    const char *zh =
        "商务部副部长梁文浩访问葡萄牙，双方签署五项合作文件，涉及风电、水果出口和港口物流。";
    const char *zh2 = "【本报讯】商务部副部长梁文浩访问葡萄牙，双方签署五项合作文件，涉及风电、水果"
                      "出口和港口物流。";
    CHECK(ndx__sketch(zh, strlen(zh), a) > 20);
    ndx__sketch(zh2, strlen(zh2), b);
    CHECK(ndx__sketch_sim(a, b) >= NDX_DUP_THRESHOLD);
}

TEST(wire_signals)
{
    const char *yes[] = {
        "LISBON (MNA) — Portugal and China signed five agreements on Tuesday.",
        "BEIJING, March 5 (Reuters) - China said on Tuesday it would cut tariffs.",
        "The port reopened on Friday.\nReporting by Jo Smith; editing by Al Brown",
        "The port reopened on Friday after ten days.\n(Continental Press)",
        "The port reopened on Friday after ten days.\n— AFP",
    };
    const char *no[] = {
        "The port reopened on Friday after ten days of strikes, officials said.",
        "Mr Smith (who chairs the union) said the deal was fair - and final.",
        "In a statement (issued late) - nothing more was said about the talks at all.",
    };
    for (size_t i = 0; i < NDX_ARRAY_LEN(yes); i++)
        if (!ndx__wire_signal(yes[i], strlen(yes[i]))) {
            fprintf(stderr, "  missed wire signal: %s\n", yes[i]);
            ndx_test_failures++;
        }
    for (size_t i = 0; i < NDX_ARRAY_LEN(no); i++)
        if (ndx__wire_signal(no[i], strlen(no[i]))) {
            fprintf(stderr, "  false wire signal: %s\n", no[i]);
            ndx_test_failures++;
        }
}
