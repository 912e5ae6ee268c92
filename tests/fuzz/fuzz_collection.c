/*
 * fuzz_collection.c - fuzz target for document collections, posts and encodings (sgml.c, mail.c,
 * encoding.c): Reuters <REUTERS>, TREC <DOC> and Sogou <doc> records, Usenet/e-mail headers, and
 * text in other encodings (BOM, XML declaration, libuchardet's guess, iconv conversion).  The
 * first byte '#' followed by a digit forces an encoding (1 GBK, 2 Shift_JIS, 3 latin1, 4 UTF-16).
 */
#include "fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const enc[] = {NULL, "GBK", "SHIFT_JIS", "LATIN1", "UTF-16"};
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO};
    if (size > 2 && data[0] == '#' && data[1] >= '1' && data[1] <= '4') {
        o.encoding = enc[data[1] - '0'];
        data += 2;
        size -= 2;
    }
    fuzz_read(data, size, &o);
    return 0;
}
