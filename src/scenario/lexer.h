/*
 * src/scenario/lexer.h: the tokens of one line of the scenario language
 * (scenario-language.md, "Lexical rules"): words separated by spaces or tabs,
 * double-quoted tokens, NAME=VALUE options, and comments that start with a
 * `#` beginning a token.
 */
#ifndef CSC__SCN_LEXER_H
#define CSC__SCN_LEXER_H

#include <stdbool.h>
#include <stddef.h>

/* One token. All strings are NUL-terminated and owned by the line. */
typedef struct csc__scn_token {
    const char *text;  /* the token without its quotes */
    bool quoted;       /* the whole token was in double quotes */
    bool is_option;    /* NAME=VALUE (never for a quoted token or a path) */
    const char *name;  /* options: NAME as written */
    const char *value; /* options: VALUE without its quotes */
    bool value_quoted; /* options: VALUE was in double quotes */
    unsigned column;   /* 1-based byte column where the token starts */
} csc__scn_token_t;

/* The tokens of one line. */
typedef struct csc__scn_line {
    csc__scn_token_t *tokens;
    size_t count;
    char *echo; /* the line as written: comment removed, trimmed */
    char *store; /* storage of every string of the tokens */
} csc__scn_line_t;

/*
 * Splits `line` (`len` bytes, no line break; a trailing CR is ignored) into
 * tokens. Returns true on success; a line with no token (blank or comment
 * only) gives count 0. On a lexical error returns false with a message in
 * err[err_size], the 1-based byte column of the fault in *err_col, and `out`
 * empty. Returns false with "out of memory" (column 0) when an allocation
 * fails.
 */
bool csc__scn_lex_line(const char *line, size_t len, csc__scn_line_t *out, char *err,
                       size_t err_size, unsigned *err_col);

/* Frees what csc__scn_lex_line allocated; the line becomes empty. */
void csc__scn_line_free(csc__scn_line_t *line);

#endif
