/*
 * commands.h - subcommands of the newsdex tool that live in their own files.
 */
#ifndef NDX_CLI_COMMANDS_H
#define NDX_CLI_COMMANDS_H

int ndx_cmd_extract(int argc, char **argv);   /* src/cli/extract.c */
int ndx_cmd_serve(int argc, char **argv);     /* src/server/serve.c */

#endif
