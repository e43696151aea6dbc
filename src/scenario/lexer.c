/*
 * src/scenario/lexer.c: splits one line of a scenario into tokens, as the lexical
 * rules of scenario-language.md say. It owns: the trailing CR, blanks
 * (spaces and tabs) as separators, comments (a `#` that begins a token runs
 * to the end of the line; a `#` inside a token is part of it), double-quoted
 * tokens and quoted option values (no escapes; a quote anywhere else is an
 * error), the NAME=VALUE shape of options (NAME: a letter, then letters,
 * digits, `_`, `-`, `#`; a token that begins with `\` or `/` is always a
 * path), and the echo of the line (what the transcript shows). It knows
 * nothing of commands; src/scenario/parse.c gives the tokens their meaning. Bytes
 * are passed through as written, so a path may carry any byte but NUL and
 * `"` (the library then judges its validity, C1.4).
 */
#include "lexer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name_char(char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '#';
}

/* Copies s[0..n) and a NUL to *sp, advancing it; returns the copy. */
static char *put(char **sp, const char *s, size_t n)
{
    char *d = *sp;
    memcpy(d, s, n);
    d[n] = '\0';
    *sp += n + 1;
    return d;
}

/* Position of the closing quote of a quoted part that opens at `open`. */
static bool find_quote(const char *line, size_t len, size_t open, size_t *close)
{
    const char *q = memchr(line + open + 1, '"', len - open - 1);
    if (q == NULL)
        return false;
    *close = (size_t)(q - line);
    return true;
}

void csc__scn_line_free(csc__scn_line_t *line)
{
    free(line->tokens);
    free(line->store);
    free(line->echo);
    memset(line, 0, sizeof *line);
}

/* Where a lexical error goes: its message and its column. */
typedef struct lex_error {
    char *err;
    size_t err_size;
    unsigned *col;
} lex_error_t;

/* Fails at byte offset `at` of the line (column at + 1; 0: no column). */
static bool fail(csc__scn_line_t *out, const lex_error_t *e, size_t at, const char *msg)
{
    snprintf(e->err, e->err_size, "%s", msg);
    *e->col = at == SIZE_MAX ? 0u : (unsigned)(at + 1);
    csc__scn_line_free(out);
    return false;
}

bool csc__scn_lex_line(const char *line, size_t len, csc__scn_line_t *out, char *err,
                       size_t err_size, unsigned *err_col)
{
    const lex_error_t e = {err, err_size, err_col};
    memset(out, 0, sizeof *out);
    if (len > 0 && line[len - 1] == '\r')
        len--;
    const char *nul = memchr(line, '\0', len);
    if (nul != NULL)
        return fail(out, &e, (size_t)(nul - line), "the line contains a NUL byte");

    /* Every token's text, name and value fit in 2 * (len + 1) bytes plus
     * three NULs per token; a token takes at least one byte and one blank. */
    size_t max_tokens = len / 2 + 1;
    out->tokens = calloc(max_tokens, sizeof *out->tokens);
    out->store = malloc(2 * len + 3 * max_tokens + 1);
    if (out->tokens == NULL || out->store == NULL)
        return fail(out, &e, SIZE_MAX, "out of memory");
    char *sp = out->store;

    size_t i = 0, first = len, code_end = 0;
    for (;;) {
        while (i < len && is_blank(line[i]))
            i++;
        if (i == len || line[i] == '#') /* the end, or a comment */
            break;
        if (first == len)
            first = i;
        csc__scn_token_t *tok = &out->tokens[out->count++];
        size_t start = i;
        tok->column = (unsigned)(i + 1);

        if (line[i] == '"') {
            size_t close;
            if (!find_quote(line, len, i, &close))
                return fail(out, &e, i, "unterminated quote");
            tok->text = put(&sp, line + i + 1, close - i - 1);
            tok->quoted = true;
            i = close + 1;
        } else {
            /* An option: NAME= not in a path. */
            size_t j = i;
            if (is_letter(line[j])) {
                while (j < len && is_name_char(line[j]))
                    j++;
            }
            bool option = j > i && j < len && line[j] == '=';
            size_t vstart = option ? j + 1 : i;
            if (option && vstart < len && line[vstart] == '"') {
                size_t close;
                if (!find_quote(line, len, vstart, &close))
                    return fail(out, &e, vstart, "unterminated quote");
                tok->value = put(&sp, line + vstart + 1, close - vstart - 1);
                tok->value_quoted = true;
                i = close + 1;
            } else {
                i = vstart;
                while (i < len && !is_blank(line[i])) {
                    if (line[i] == '"')
                        return fail(out, &e, i,
                                    "unexpected '\"' inside a token (quotes enclose a whole "
                                    "token or an option's value)");
                    i++;
                }
                if (option)
                    tok->value = put(&sp, line + vstart, i - vstart);
            }
            if (option) {
                tok->is_option = true;
                tok->name = put(&sp, line + start, j - start);
                /* The text of an option is NAME=VALUE without quotes. */
                char *t = sp;
                size_t nl = strlen(tok->name), vl = strlen(tok->value);
                memcpy(t, tok->name, nl);
                t[nl] = '=';
                memcpy(t + nl + 1, tok->value, vl);
                t[nl + 1 + vl] = '\0';
                tok->text = t;
                sp += nl + vl + 2;
            } else {
                tok->text = put(&sp, line + start, i - start);
            }
        }
        if (i < len && !is_blank(line[i]))
            return fail(out, &e, i,
                        "a closing quote must end its token (put a space after it)");
        code_end = i;
    }

    size_t echo_len = first < code_end ? code_end - first : 0;
    out->echo = malloc(echo_len + 1);
    if (out->echo == NULL)
        return fail(out, &e, SIZE_MAX, "out of memory");
    memcpy(out->echo, line + (echo_len > 0 ? first : 0), echo_len);
    out->echo[echo_len] = '\0';
    return true;
}
