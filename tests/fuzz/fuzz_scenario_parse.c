/*
 * tests/fuzz/fuzz_scenario_parse.c: the libFuzzer harness of the scenario
 * parser (src/scenario/lexer.c, parse.c; scenario-language.md). It owns what
 * parsing arbitrary bytes must do: split into lines as `cscsim run` does,
 * each line either parses (1), holds no command (0) or is a syntax error
 * (-1) with a message, never anything else, never a crash, never a leak
 * (LeakSanitizer checks every input). A line that parses must parse again
 * from its echo (the command as written, comment removed, trimmed) into the
 * same command: kind, arguments, option values, policy, ticks and the check
 * of `expect`. A syntax error or a line without a command leaves the
 * command zeroed (but for its line number on a line without a command), so
 * freeing it is harmless.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_scenario_parse: line %u: property failed: ", line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static bool same_string(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_command(const csc__scn_command_t *a, const csc__scn_command_t *b)
{
    if (a->kind != b->kind || !same_string(a->name, b->name) || a->nargs != b->nargs ||
        a->policy != b->policy || a->ticks != b->ticks || !same_string(a->echo, b->echo))
        return false;
    for (size_t i = 0; i < a->nargs; i++)
        if (strcmp(a->args[i], b->args[i]) != 0)
            return false;
    for (size_t i = 0; i < CSC__SCN_OPT_COUNT; i++)
        if (a->opt[i].set != b->opt[i].set || a->opt[i].num != b->opt[i].num)
            return false;
    const csc__scn_expect_t *x = &a->expect, *y = &b->expect;
    if (x->kind != y->kind || x->key_count != y->key_count || x->number != y->number ||
        !same_string(x->message, y->message))
        return false;
    for (size_t i = 0; i < x->key_count; i++)
        if (x->keys[i].key != y->keys[i].key || x->keys[i].value != y->keys[i].value)
            return false;
    /* fail: the rule as parsed (its path is args[0]). */
    const csc_fault_rule_t *f = &a->fault, *g = &b->fault;
    return a->fail_clear == b->fail_clear && f->ops == g->ops && f->subtree == g->subtree &&
           f->delivery == g->delivery && f->nth == g->nth && f->once == g->once &&
           f->probability == g->probability && f->seed == g->seed && f->code == g->code &&
           f->server_down == g->server_down && f->after == g->after;
}

/* Whether a zeroed command is what csc__scn_parse_line left (line number aside). */
static bool is_empty(const csc__scn_command_t *c)
{
    csc__scn_command_t zero;
    memset(&zero, 0, sizeof zero);
    zero.line = c->line;
    return memcmp(&zero, c, sizeof zero) == 0;
}

static void parse_one(const char *text, size_t len, unsigned line_no)
{
    csc__scn_command_t cmd;
    char err[512];
    err[0] = '\0';
    unsigned col = 0;
    int got = csc__scn_parse_line(text, len, line_no, &cmd, err, sizeof err, &col);
    if (got < -1 || got > 1)
        fail(line_no, "csc__scn_parse_line returned %d", got);
    if (got == -1) {
        if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
            fail(line_no, "a syntax error without a message");
        if (col == 0 || col > len + 1)
            fail(line_no, "a syntax error at column %u of a line of %zu bytes", col, len);
        if (!is_empty(&cmd))
            fail(line_no, "a syntax error leaves a half-built command");
        return;
    }
    if (got == 0) {
        if (!is_empty(&cmd))
            fail(line_no, "a line without a command leaves one");
        return;
    }
    if (cmd.line != line_no)
        fail(line_no, "the command carries line %u", cmd.line);
    if (cmd.echo == NULL || cmd.echo[0] == '\0' || cmd.name == NULL)
        fail(line_no, "a command without its echo or name");
    for (size_t i = 0; i < cmd.nargs; i++)
        if (cmd.args[i] == NULL)
            fail(line_no, "argument %zu is NULL", i);
    /* The echo parses into the same command. A trailing CR of the echo is
     * the exception: the lexer drops one CR at the end of a line (the
     * lexical rules), so an echo ending in CR came from a line ending in two
     * and reads differently on its own. */
    size_t elen = strlen(cmd.echo);
    if (cmd.echo[elen - 1] != '\r') {
        csc__scn_command_t again;
        char err2[512];
        int got2 = csc__scn_parse_line(cmd.echo, elen, line_no, &again, err2, sizeof err2,
                                       NULL);
        if (got2 != 1)
            fail(line_no, "the echo \"%s\" does not parse (%d): %s", cmd.echo, got2,
                 got2 < 0 ? err2 : "no command");
        if (!same_command(&cmd, &again))
            fail(line_no, "the echo \"%s\" parses into another command", cmd.echo);
        csc__scn_command_free(&again);
    }
    csc__scn_command_free(&cmd);
    if (!is_empty(&cmd))
        fail(line_no, "csc__scn_command_free leaves something");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The lines of a file, as csc_scenario_run splits them: on '\n', the last one
     * without a line break; the parser itself drops a trailing CR. Each
     * line gets a buffer of its own size so that ASan sees any read past it. */
    const char *text = (const char *)data;
    unsigned line_no = 0;
    size_t pos = 0;
    while (pos < size) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : size;
        size_t len = end - pos;
        char *line = malloc(len > 0 ? len : 1);
        if (line == NULL)
            abort();
        memcpy(line, text + pos, len);
        parse_one(line, len, ++line_no);
        free(line);
        pos = end + 1;
    }
    return 0;
}
