/*
 * src/scenario/fail.c: the `fail` command (scenario-language.md and the
 * README, "Fault injection"): fault rules of cscsim/fault.h written as a
 * line of the language.
 *
 *     fail OPS [PATH [subtree]] [nth=N] [once|always] [probability=P [seed=S]]
 *          [call] code=CODE
 *     fail server-down \\SERVER [pin|sync|pin|sync] [after=N] [code=CODE]
 *     fail clear
 *
 * OPS is one or more of unpin, pin, sync, deleteitems, cache, open, close,
 * modify, any, joined by `|`. Keywords compare case-insensitively, as
 * everywhere in the language; CODE is read as `expect hresult=` reads it.
 * This file owns the parsing into a csc_fault_rule_t and the execution: the
 * rules a scenario adds are remembered by id, `fail clear` removes them (and
 * no rule the embedder added), and so does the end of the run.
 */
#include "fail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    uint32_t ops;
} op_names[] = {
    {"unpin", CSC_FAULT_OP_UNPIN},   {"pin", CSC_FAULT_OP_PIN},
    {"sync", CSC_FAULT_OP_SYNCHRONIZE}, {"deleteitems", CSC_FAULT_OP_DELETE_ITEMS},
    {"cache", CSC_FAULT_OP_CACHE},   {"open", CSC_FAULT_OP_OPEN},
    {"close", CSC_FAULT_OP_CLOSE},   {"modify", CSC_FAULT_OP_MODIFY},
    {"any", CSC_FAULT_OP_ANY},
};

#define OPS_DESC \
    "'unpin', 'pin', 'sync', 'deleteitems', 'cache', 'open', 'close', 'modify' or 'any', " \
    "joined by '|'"

typedef struct fparser {
    char *err;
    size_t err_size;
    unsigned *col;
} fparser_t;

static bool fsyntax(fparser_t *p, const csc__scn_token_t *t, const char *fmt, const char *a,
                    const char *b)
{
    if (t != NULL)
        *p->col = t->column;
    snprintf(p->err, p->err_size, fmt, a, b);
    return false;
}


/* OPS: terms joined by '|'; false when a term is unknown. */
static bool parse_ops(const char *s, uint32_t *out)
{
    uint32_t ops = 0;
    for (;;) {
        const char *bar = strchr(s, '|');
        size_t n = bar != NULL ? (size_t)(bar - s) : strlen(s);
        size_t i = 0;
        while (i < sizeof op_names / sizeof op_names[0] && !csc__scn_eq_n(s, n, op_names[i].name))
            i++;
        if (i == sizeof op_names / sizeof op_names[0])
            return false;
        ops |= op_names[i].ops;
        if (bar == NULL)
            break;
        s = bar + 1;
    }
    *out = ops;
    return true;
}

/* P: a decimal fraction from 0 to 1 ("0.25", ".5", "1") or a percentage
 * ("25%"). */
static bool parse_probability(const char *s, double *out)
{
    size_t n = strlen(s);
    bool percent = n > 0 && s[n - 1] == '%';
    if (percent)
        n--;
    double v = 0, scale = 1;
    bool digits = false, point = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && !point) {
            point = true;
        } else if (s[i] >= '0' && s[i] <= '9' && (point ? scale > 1e-12 : v < 1000)) {
            digits = true;
            if (point) {
                scale /= 10;
                v += (s[i] - '0') * scale;
            } else {
                v = v * 10 + (s[i] - '0');
            }
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    if (percent)
        v /= 100;
    if (v > 1)
        return false;
    *out = v;
    return true;
}

static bool add_path(fparser_t *p, csc__scn_command_t *cmd, const csc__scn_token_t *t)
{
    if (cmd->nargs > 0)
        return fsyntax(p, t, "unexpected argument '%s' for 'fail' (it takes one path)%s",
                       t->text, "");
    cmd->args = malloc(sizeof *cmd->args);
    size_t n = strlen(t->text) + 1;
    char *copy = malloc(n);
    if (cmd->args == NULL || copy == NULL) {
        free(copy);
        return fsyntax(p, NULL, "out of memory%s%s", "", "");
    }
    memcpy(copy, t->text, n);
    cmd->args[0] = copy;
    cmd->nargs = 1;
    return true;
}

/* Sets a once-only flag; false (a syntax error) when seen before. */
static bool once_only(fparser_t *p, const csc__scn_token_t *t, bool *seen, const char *what)
{
    if (*seen)
        return fsyntax(p, t, "repeated option '%s'%s", what, "");
    *seen = true;
    return true;
}

static bool parse_code_token(fparser_t *p, const csc__scn_token_t *t, csc_fault_rule_t *rule)
{
    uint64_t v;
    if (!csc__scn_parse_hresult(t->value, &v))
        return fsyntax(p, t,
                       "malformed value in '%s': expected a code (a number, or a name such "
                       "as ERROR_BAD_NETPATH or E_OUTOFMEMORY)%s",
                       t->text, "");
    if (!CSC_FAILED((csc_hresult)(uint32_t)v))
        return fsyntax(p, t,
                       "malformed value in '%s': expected a failure code (an HRESULT such as "
                       "0x80070035, or a name)%s",
                       t->text, "");
    rule->code = (csc_hresult)(uint32_t)v;
    return true;
}

/* fail server-down \\SERVER [pin|sync|pin|sync] [after=N] [code=CODE] */
static bool parse_server_down(fparser_t *p, const csc__scn_line_t *line,
                              csc__scn_command_t *cmd)
{
    csc_fault_rule_t *rule = &cmd->fault;
    rule->server_down = true;
    rule->ops = CSC_FAULT_OP_PIN | CSC_FAULT_OP_SYNCHRONIZE;
    bool seen_ops = false, seen_after = false, seen_code = false;
    for (size_t i = 2; i < line->count; i++) {
        const csc__scn_token_t *t = &line->tokens[i];
        if (t->is_option) {
            if (csc__scn_eq(t->name, "after")) {
                uint64_t v;
                if (!once_only(p, t, &seen_after, "after="))
                    return false;
                if (!csc__scn_parse_number(t->value, UINT32_MAX - 1, &v))
                    return fsyntax(p, t, "malformed value in '%s': expected %s", t->text,
                                   "a number");
                rule->after = (uint32_t)v;
            } else if (csc__scn_eq(t->name, "code")) {
                if (!once_only(p, t, &seen_code, "code=") || !parse_code_token(p, t, rule))
                    return false;
            } else {
                return fsyntax(p, t, "unknown option '%s=' for '%s'", t->name,
                               "fail server-down");
            }
            continue;
        }
        if (!t->quoted && t->text[0] != '\\' && t->text[0] != '/') {
            uint32_t ops;
            if (!parse_ops(t->text, &ops) || (ops & ~(uint32_t)(CSC_FAULT_OP_PIN |
                                                                  CSC_FAULT_OP_SYNCHRONIZE)))
                return fsyntax(p, t, "unexpected argument '%s' for '%s' (expected 'pin', "
                                     "'sync' or 'pin|sync')",
                               t->text, "fail server-down");
            if (!once_only(p, t, &seen_ops, "pin|sync"))
                return false;
            rule->ops = ops;
            continue;
        }
        if (!add_path(p, cmd, t))
            return false;
    }
    *p->col = line->tokens[0].column;
    if (cmd->nargs == 0)
        return fsyntax(p, NULL, "'%s' needs a server (\\\\SERVER)%s", "fail server-down", "");
    return true;
}

bool csc__scn_parse_fail(const csc__scn_line_t *line, csc__scn_command_t *cmd, char *err,
                         size_t err_size, unsigned *col)
{
    fparser_t p = {err, err_size, col};
    csc_fault_rule_t init = CSC_FAULT_RULE_INIT;
    cmd->fault = init;
    *col = line->tokens[0].column;
    if (line->count < 2)
        return fsyntax(&p, NULL,
                       "'fail' needs what fails (" OPS_DESC "), 'server-down' or 'clear'%s%s",
                       "", "");
    const csc__scn_token_t *first = &line->tokens[1];
    if (first->is_option || first->quoted || first->text[0] == '\\' || first->text[0] == '/')
        return fsyntax(&p, first, "'fail' needs what fails first (" OPS_DESC "), not '%s'%s",
                       first->text, "");
    if (csc__scn_eq(first->text, "clear")) {
        if (line->count > 2)
            return fsyntax(&p, &line->tokens[2], "unexpected argument '%s' for '%s'",
                           line->tokens[2].text, "fail clear");
        cmd->fail_clear = true;
        return true;
    }
    if (csc__scn_eq(first->text, "server-down"))
        return parse_server_down(&p, line, cmd);
    csc_fault_rule_t *rule = &cmd->fault;
    if (!parse_ops(first->text, &rule->ops))
        return fsyntax(&p, first, "unknown operation in '%s': expected %s", first->text,
                       OPS_DESC);

    bool seen_nth = false, seen_repeat = false, seen_prob = false, seen_seed = false,
         seen_code = false, seen_subtree = false, seen_call = false;
    for (size_t i = 2; i < line->count; i++) {
        const csc__scn_token_t *t = &line->tokens[i];
        if (t->is_option) {
            uint64_t v;
            if (csc__scn_eq(t->name, "nth")) {
                if (!once_only(&p, t, &seen_nth, "nth="))
                    return false;
                if (!csc__scn_parse_number(t->value, UINT32_MAX, &v) || v == 0)
                    return fsyntax(&p, t, "malformed value in '%s': expected %s", t->text,
                                   "a number of at least 1");
                rule->nth = (uint32_t)v;
            } else if (csc__scn_eq(t->name, "probability")) {
                if (!once_only(&p, t, &seen_prob, "probability="))
                    return false;
                if (!parse_probability(t->value, &rule->probability))
                    return fsyntax(&p, t, "malformed value in '%s': expected %s", t->text,
                                   "a probability from 0 to 1 (0.25) or a percentage (25%)");
            } else if (csc__scn_eq(t->name, "seed")) {
                if (!once_only(&p, t, &seen_seed, "seed="))
                    return false;
                if (!csc__scn_parse_number(t->value, UINT64_MAX, &v))
                    return fsyntax(&p, t, "malformed value in '%s': expected %s", t->text,
                                   "a number");
                rule->seed = v;
            } else if (csc__scn_eq(t->name, "code")) {
                if (!once_only(&p, t, &seen_code, "code=") || !parse_code_token(&p, t, rule))
                    return false;
            } else {
                return fsyntax(&p, t, "unknown option '%s=' for '%s'", t->name, "fail");
            }
            continue;
        }
        if (t->quoted || t->text[0] == '\\' || t->text[0] == '/') {
            if (!add_path(&p, cmd, t))
                return false;
            continue;
        }
        if (csc__scn_eq(t->text, "subtree")) {
            if (cmd->nargs == 0)
                return fsyntax(&p, t, "'subtree' follows a path: fail OPS PATH subtree%s%s", "",
                               "");
            if (!once_only(&p, t, &seen_subtree, "subtree"))
                return false;
            rule->subtree = true;
        } else if (csc__scn_eq(t->text, "once") || csc__scn_eq(t->text, "always")) {
            if (!once_only(&p, t, &seen_repeat, "once|always"))
                return false;
            rule->once = csc__scn_eq(t->text, "once");
        } else if (csc__scn_eq(t->text, "call")) {
            if (!once_only(&p, t, &seen_call, "call"))
                return false;
            rule->delivery = CSC_FAULT_AT_CALL;
        } else {
            return fsyntax(&p, t,
                           "unexpected argument '%s' for 'fail' (expected a path, 'subtree', "
                           "'once', 'always', 'call' or an option)%s",
                           t->text, "");
        }
    }
    *col = line->tokens[0].column;
    if (seen_seed && !seen_prob)
        return fsyntax(&p, NULL, "'seed=' goes with 'probability='%s%s", "", "");
    if (!seen_code)
        return fsyntax(&p, NULL, "'fail' needs the code to fail with: code=CODE%s%s", "", "");
    return true;
}

csc_hresult csc__scn_fail_run(csc_cache_t *cache, const csc__scn_command_t *cmd,
                              csc__scn_faults_t *owned)
{
    if (cmd->fail_clear) {
        csc_hresult hr = CSC_S_OK;
        while (owned->count > 0) {
            csc_hresult h = csc_cache_remove_fault(cache, owned->ids[owned->count - 1]);
            if (h != CSC_S_OK && h != CSC_E_NOT_FOUND && hr == CSC_S_OK)
                hr = h;
            if (h != CSC_S_OK && h != CSC_E_NOT_FOUND)
                break;
            owned->count--;
        }
        return hr;
    }
    if (owned->count == owned->cap) {
        size_t cap = owned->cap == 0 ? 8 : owned->cap * 2;
        csc_fault_id_t *ids = realloc(owned->ids, cap * sizeof *ids);
        if (ids == NULL)
            return CSC_E_OUTOFMEMORY;
        owned->ids = ids;
        owned->cap = cap;
    }
    csc_fault_rule_t rule = cmd->fault;
    rule.path = cmd->nargs > 0 ? cmd->args[0] : NULL;
    csc_fault_id_t id;
    csc_hresult hr = csc_cache_add_fault(cache, &rule, &id);
    if (hr == CSC_S_OK)
        owned->ids[owned->count++] = id;
    return hr;
}

void csc__scn_faults_release(csc_cache_t *cache, csc__scn_faults_t *owned)
{
    for (size_t i = 0; i < owned->count; i++)
        csc_cache_remove_fault(cache, owned->ids[i]);
    free(owned->ids);
    owned->ids = NULL;
    owned->count = owned->cap = 0;
}
