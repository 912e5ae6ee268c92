/*
 * fuzz_warc.c - fuzz target for the web-archive reader (warc.c): WARC / ARC records, plain or
 * gzip members, HTTP headers, chunked and gzip-encoded payloads, down to the extractor.  Runs
 * with small limits (payload 64 KiB, header 4 KiB) so the caps are exercised too.  The input is
 * read as is; if it is not an archive, the format is forced to WARC (reported and rejected).
 */
#include "fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_WARC, .stubs = 0};
    ndx__warc_limits.max_payload = (size_t)64 << 10;
    ndx__warc_limits.max_header = (size_t)4 << 10;
    fuzz_read(data, size, &o);
    return 0;
}
