/*
 * sim/shell.c: the interactive form of the scenario language. It owns the
 * read-parse-run loop: each line is parsed and run at once on one cache that
 * lives for the whole session (a csc_scenario_t of the library, fed one line
 * at a time, so that `expect` reads the results of earlier lines); a syntax error is reported on
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

#include <cscsim.h>

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
    "  deleteitems PATH... [flags=FLAGS] [for=USER]  rename PATH NEWPATH [restart-time]\n"
    "  suspend PATH [release]    encrypt on|off [flags=FLAGS]\n"
    "  enable on|off   start   restart   location \"TEXT\"\n"
    "  remote dir|file|write|delete PATH [size=N]   share PATH caching=MODE\n"
    "  network \\\\SERVER up|down|slow   offline PATH [force]   online PATH\n"
    "  cacheable PATH\n"
    "  write PATH [bytes=N] [size=M]   create PATH [size=N]   delete PATH\n"
    "  expect PATH KEY=VALUE...  expect return=CODE | hresult=CODE | events=N\n"
    "  expect event=\"MESSAGE\" | event#K=\"MESSAGE\"   expect space KEY=N...\n"
    "  expect location=\"TEXT\"  expect status active=.. enabled=.. [reboot=..]\n"
    "  expect encryption encrypted=yes|no partial=yes|no\n"
    "  expect remote PATH KEY=VALUE...   expect cacheable=yes|no [mode=MODE]\n"
    "  expect open-files=yes|no\n"
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

static void write_stream(void *user_data, const char *text, size_t len)
{
    fwrite(text, 1, len, user_data);
}

int sim_shell(const sim_shell_options_t *opts)
{
    csc_cache_t *cache = NULL;
    csc_scenario_t *session = NULL;
    csc_scenario_options_t so = CSC_SCENARIO_OPTIONS_INIT;
    so.name = SHELL_NAME;
    so.write = write_stream;
    so.user_data = opts->out;
    so.echo = !opts->interactive;
    so.color = opts->color;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK ||
        csc_scenario_new(&session, cache, &so) != CSC_S_OK) {
        csc_cache_free(cache);
        fputs("cscsim: out of memory\n", stderr);
        return 2;
    }
    unsigned passed = 0, failed = 0;
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
        csc_scenario_result_t res;
        csc_hresult hr = csc_scenario_feed(session, line, len, line_no, &res);
        if (hr == CSC_E_OUTOFMEMORY) {
            fflush(opts->out);
            fputs("cscsim: out of memory\n", stderr);
            exit(2);
        }
        passed += res.passed;
        failed += res.failed;
        if (hr == CSC_E_INVALIDARG) {
            fflush(opts->out);
            for (size_t i = 0; i < res.syntax_error_count; i++)
                fprintf(stderr, "%s:%u: error: %s\n", SHELL_NAME, res.syntax_errors[i].line,
                        res.syntax_errors[i].message);
            syntax_error = true;
            csc_scenario_result_clear(&res);
            continue;
        }
        csc_scenario_result_clear(&res);
        fflush(opts->out);
    }
    free(line);
    fprintf(opts->out, "%u passed, %u failed\n", passed, failed);
    csc_scenario_free(session);
    csc_cache_free(cache);
    return syntax_error ? 2 : failed > 0 ? 1 : 0;
}
