/* test_util.c - buffers, varints, UTF-8 repair, ASCII case. */
#include "harness.h"
#include "ndx_int.h"

TEST(buf_sticky_error_and_limit)
{
    struct ndx_buf b;
    int rc = 0;
    ndx__buf_init(&b, 8);
    ndx__buf_append(&b, "12345", 5, &rc);
    CHECK_EQ(rc, 0);
    ndx__buf_append(&b, "6789", 4, &rc);
    CHECK_EQ(rc, NDX_ETOOBIG);
    ndx__buf_append(&b, "x", 1, &rc); /* sticky: no effect */
    CHECK_EQ(b.n, 5);
    CHECK_STR((char *)b.p, "12345");
    ndx__buf_free(&b);
}

TEST(varint_round_trip)
{
    struct ndx_buf b;
    int rc = 0;
    ndx__buf_init(&b, 0);
    uint64_t vals[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < NDX_ARRAY_LEN(vals); i++)
        ndx__buf_put_varint(&b, vals[i], &rc);
    CHECK_EQ(rc, 0);
    const uint8_t *p = b.p, *end = b.p + b.n;
    for (size_t i = 0; i < NDX_ARRAY_LEN(vals); i++) {
        uint64_t v = 0;
        CHECK_EQ(ndx__get_varint(&p, end, &v), 0);
        CHECK(v == vals[i]);
    }
    CHECK(p == end);
    uint64_t v;
    const uint8_t trunc[] = {0x80, 0x80};
    p = trunc;
    CHECK_EQ(ndx__get_varint(&p, trunc + 2, &v), -1);
    ndx__buf_free(&b);
}

TEST(utf8_repair)
{
    struct ndx_buf b;
    int rc = 0;
    size_t nfixed = 0, first = 0;
    ndx__buf_init(&b, 0);
    const char in[] = "ok \xff caf\xc3\xa9 \xe9\x99\xb3 \xc3 end\x01";
    ndx__utf8_repair(in, sizeof in - 1, &b, &nfixed, &first, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(nfixed, 2);
    CHECK_EQ(first, 3);
    CHECK_STR((char *)b.p, "ok \xEF\xBF\xBD caf\xc3\xa9 \xe9\x99\xb3 \xEF\xBF\xBD end");
    CHECK_EQ(ndx__utf8_valid_prefix((char *)b.p, b.n), b.n);
    CHECK_EQ(ndx__utf8_valid_prefix(in, sizeof in - 1), 3);
    ndx__buf_free(&b);
}

TEST(error_table)
{
    CHECK_STR(ndx_errname(NDX_ECORRUPT), "NDX_ECORRUPT");
    CHECK_STR(ndx_strerror(NDX_ENOMEM), "out of memory");
    CHECK_STR(ndx_errname(12345), "NDX_E?");
}

TEST(ascii_case_helpers)
{
    char out[16];
    ndx__ascii_lower_copy(out, "AbZ@[`{9\xC3\x89", 10);
    CHECK(!memcmp(out, "abz@[`{9\xC3\x89", 10)); /* only A-Z change; UTF-8 bytes stay */
    CHECK(ndx__ascii_ieq("Content-TYPE", "content-type", 12));
    CHECK(!ndx__ascii_ieq("a\0b", "a\0c", 3));
    CHECK(ndx__ascii_ieq("[", "{", 0));
    CHECK(!ndx__ascii_ieq("@", "`", 1)); /* 0x40 and 0x60 differ by 32 but are not letters */
    CHECK(ndx__ascii_icontains("Breaking - NYTimes.com", 22, "nytimes", 7));
    CHECK(!ndx__ascii_icontains("short", 5, "longer text", 11));
    CHECK(!ndx__ascii_icontains("abc", 3, "", 0));
    CHECK(ndx__ascii_is_alpha('a') && ndx__ascii_is_alpha('Z'));
    CHECK(!ndx__ascii_is_alpha('@') && !ndx__ascii_is_alpha('[') && !ndx__ascii_is_alpha(0xC3));
}

TEST(hash_of_pieces_is_hash_of_their_concatenation)
{
    char text[3000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + (i * 7 + i / 13) % 26);
    /* cuts of every kind: empty pieces, one byte, across XXH3's 64-byte stripes and 1 KB blocks */
    const size_t cuts[][4] = {{0, 0, 0, 3000},
                              {1, 1, 1, 2997},
                              {63, 65, 900, 1972},
                              {1024, 1024, 0, 952},
                              {2999, 0, 1, 0}};
    for (uint64_t seed = 0; seed < 3; seed++)
        for (size_t c = 0; c < NDX_ARRAY_LEN(cuts); c++) {
            struct ndx_piece pc[4];
            size_t off = 0;
            for (size_t k = 0; k < 4; k++) {
                pc[k].p = text + off;
                pc[k].n = cuts[c][k];
                off += cuts[c][k];
            }
            CHECK_EQ(off, sizeof text);
            uint64_t h = 0;
            CHECK_EQ(ndx__hash64_pieces(pc, 4, seed, &h), NDX_OK);
            CHECK(h == ndx__hash64(text, sizeof text, seed));
            CHECK_EQ(ndx__hash64_pieces(pc, 1, seed, &h), NDX_OK);
            CHECK(h == ndx__hash64(text, cuts[c][0], seed));
        }
}
