/*
 * sim/shell.c: the interactive form of the scenario language. It owns the
 * read-parse-run loop: each line is parsed and run at once on one cache that
 * lives for the whole session (sim/runner.c); a syntax error is reported on
 * standard error as `<stdin>:LINE: error: ...` and the shell goes on. The
 * prompt `cscsim> ` is printed only when a person types (standard input is a
 * terminal); then the transcript also leaves out the echo lines, which would
 * only repeat what was typed. Two words of the shell's own, `help` and
 * `quit` (or `exit`), are not part of the scenario language.
 */
#include "shell.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "runner.h"
#include "scenario.h"

#define SHELL_NAME "<stdin>"

static const char shell_help[] =
    "Scenario commands (see scenario-language.md):\n"
    "  file PATH [size=N]        dir PATH           as USER [admin]\n"
    "  access PATH USER...       modify PATH [bytes=N]\n"
    "  open PATH   close PATH    touch PATH         sync PATH...\n"
    "  limits [total=N] [unpinned=N]                policy manual|automatic|eager\n"
    "  tick [N]                  evict [all|bytes=N]\n"
    "  pin|unpin PATH... [flags=FLAGS] [deep] [abort-at=K] [retry-at=K]\n"
    "  show [PATH]\n"
    "  expect PATH KEY=VALUE...  expect return=CODE | hresult=CODE | events=N\n"
    "  expect event=\"MESSAGE\" | event#K=\"MESSAGE\"   expect space KEY=N...\n"
    "Shell: help, quit (or end of input).\n";

/* Whether the line is the single word `w` (the shell's own commands). */
static bool is_word(const char *line, size_t len, const char *w)
{
    while (len > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
        len--;
    if (len != strlen(w))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((line[i] | 0x20) != w[i])
            return false;
    return true;
}

int sim_shell(const sim_shell_options_t *opts)
{
    sim_runner_options_t ro = {SHELL_NAME, opts->out, opts->color, !opts->interactive};
    sim_runner_t *r = sim_runner_new(&ro);
    if (r == NULL) {
        fputs("cscsim: out of memory\n", stderr);
        return 2;
    }
    bool syntax_error = false;
    char *line = NULL;
    size_t cap = 0;
    unsigned line_no = 0;
    for (;;) {
        if (opts->interactive) {
            fputs("cscsim> ", opts->out);
            fflush(opts->out);
        }
        ssize_t n = getline(&line, &cap, opts->in);
        if (n < 0) {
            if (opts->interactive)
                fputc('\n', opts->out);
            break;
        }
        line_no++;
        size_t len = (size_t)n;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (is_word(line, len, "quit") || is_word(line, len, "exit"))
            break;
        if (is_word(line, len, "help")) {
            fputs(shell_help, opts->out);
            continue;
        }
        sim_command_t cmd;
        char err[512];
        int got = sim_parse_line(line, len, line_no, &cmd, err, sizeof err);
        if (got < 0) {
            fflush(opts->out);
            fprintf(stderr, "%s:%u: error: %s\n", SHELL_NAME, line_no, err);
            syntax_error = true;
            continue;
        }
        if (got > 0) {
            sim_runner_exec(r, &cmd);
            sim_command_free(&cmd);
        }
        fflush(opts->out);
    }
    free(line);
    unsigned passed = sim_runner_passed(r), failed = sim_runner_failed(r);
    fprintf(opts->out, "%u passed, %u failed\n", passed, failed);
    sim_runner_free(r);
    return syntax_error ? 2 : failed > 0 ? 1 : 0;
}
