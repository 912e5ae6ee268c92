/* extract.c - `newsdex extract` (being written). */
#include "cli/commands.h"
#include <stdio.h>
int ndx_cmd_extract(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "newsdex extract: not available yet\n");
    return 2;
}
