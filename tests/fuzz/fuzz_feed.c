/*
 * fuzz_feed.c - fuzz target for the feed readers: the input goes through the whole of
 * ndx_read_mem (detection, gzip) and, being XML or JSON, mostly reaches feed.c (RSS /
 * RDF / Atom with libxml2, JSON Feed, HTML-to-text of item content) and the HTML page path.
 * The first byte '#' followed by a digit forces a format: 4 HTML, 5 feed; '#6' drops stubs.
 */
#include "fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO, .stubs = 0};
    if (size > 1 && data[0] == '#') {
        int sel = data[1] - '0';
        if (sel == 4 || sel == 5)
            o.input_format = sel;
        else if (sel == 6)
            o.stubs = 1;
    }
    fuzz_read(data, size, &o);
    return 0;
}
