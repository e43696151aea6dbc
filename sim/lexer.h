/*
 * sim/lexer.h: the tokens of one line of the scenario language
 * (scenario-language.md, "Lexical rules"): words separated by spaces or tabs,
 * double-quoted tokens, NAME=VALUE options, and comments that start with a
 * `#` beginning a token.
 */
#ifndef SIM_LEXER_H
#define SIM_LEXER_H

#include <stdbool.h>
#include <stddef.h>

/* One token. All strings are NUL-terminated and owned by the line. */
typedef struct sim_token {
    const char *text;  /* the token without its quotes */
    bool quoted;       /* the whole token was in double quotes */
    bool is_option;    /* NAME=VALUE (never for a quoted token or a path) */
    const char *name;  /* options: NAME as written */
    const char *value; /* options: VALUE without its quotes */
    bool value_quoted; /* options: VALUE was in double quotes */
} sim_token_t;

/* The tokens of one line. */
typedef struct sim_line {
    sim_token_t *tokens;
    size_t count;
    char *echo; /* the line as written: comment removed, trimmed */
    char *store; /* storage of every string of the tokens */
} sim_line_t;

/*
 * Splits `line` (`len` bytes, no line break; a trailing CR is ignored) into
 * tokens. Returns true on success; a line with no token (blank or comment
 * only) gives count 0. On a lexical error returns false with a message in
 * err[err_size] and `out` empty. Returns false with "out of memory" when an
 * allocation fails.
 */
bool sim_lex_line(const char *line, size_t len, sim_line_t *out, char *err, size_t err_size);

/* Frees what sim_lex_line allocated; the line becomes empty. */
void sim_line_free(sim_line_t *line);

#endif
