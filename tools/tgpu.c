/* tgpu.c: the `tgpu` command: one binary, subcommands in tools/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "tools/commands.h"

static const tg_command commands[] = {
    { "asm", tg_cmd_asm, "assemble TG32 source (.tgasm) into a program image (.tgbin)" },
    { "dis", tg_cmd_dis, "disassemble a program image back into TG32 source" },
    { "run", tg_cmd_run, "run a kernel on the simulated GPU" },
    { "isa", tg_cmd_isa, "print the TG32 opcode table (Markdown)" },
    { "ptx", tg_cmd_ptx, "translate CUDA C (.cu, through nvcc -ptx) or PTX into a TG32 program image" },
    { "gguf", tg_cmd_gguf, "inspect a GGUF model file (info) or build one from a manifest (pack)" },
    { "llm", tg_cmd_llm, "generate text with a GGUF language model (llama, qwen2) on any backend" },
    { "viz", tg_cmd_viz, "run a kernel in cycle mode and show warp timelines and memory traffic (SDL2)" },
    { "diff", tg_cmd_diff, "run a model on several backends and compare every op and token" },
    { "torture", tg_cmd_torture, "random valid programs: functional vs cycle mode, simulator vs RTL in lockstep" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: tgpu <command> [options]   (tgpu <command> --help for details)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-7s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "tgpu: unknown command '%s' (try tgpu --help)\n", argv[1]);
    return 2;
}
