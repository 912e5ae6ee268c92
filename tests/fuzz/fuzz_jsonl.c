/*
 * fuzz_jsonl.c - fuzz target for the input readers: runs the whole of ndx_read_file on the input
 * (through the in-memory entry point ndx_read_mem: format detection, gzip, JSONL, JSON,
 * plain text, field mapping, date parsing) with no-op callbacks.  The first byte selects a forced
 * format or a field map, so those paths are explored too.
 */
#include "fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ndx_reader_opts o = {.field_map = NULL, .input_format = NDX_FMT_AUTO};
    if (size > 0 && data[0] == '#') { /* "#<digit>": forced format / field map */
        int sel = size > 1 ? data[1] - '0' : 0;
        if (sel >= 1 && sel <= 3)
            o.input_format = sel;
        else if (sel == 4)
            o.field_map = "body=story|text,title=headline,date=meta.when,url=link,source=";
    }
    fuzz_read(data, size, &o);
    return 0;
}
