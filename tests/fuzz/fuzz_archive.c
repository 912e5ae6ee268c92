/*
 * fuzz_archive.c - fuzz target for the stream decoders and the archive reader (decomp.c,
 * archive.c): the input goes through ndx_read_mem as a file would, so gzip, xz, bzip2 and zstd
 * content is decoded (with the bomb limits lowered to keep runs short) and tar and zip archives
 * are read member by member, each member through format detection again.
 */
#include "fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ndx__ingest_limits.max_gz_out = (uint64_t)16 << 20;
    ndx__ingest_limits.max_doc = (size_t)8 << 20;
    fuzz_read(data, size, NULL);
    return 0;
}
