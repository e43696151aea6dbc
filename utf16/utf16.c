/*
 * utf16/utf16.c: UTF-16 <-> WTF-8 for the faces (C14.4), lossless for
 * every sequence of 16-bit units, unpaired surrogates included. Moved here
 * from com/utf16.c so that the COM and WMI faces share one copy.
 */
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

static int is_high(uint32_t u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static int is_low(uint32_t u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

size_t csc_u16_len(const uint16_t *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

char *csc_u16_to_wtf8(const uint16_t *s)
{
    size_t n = csc_u16_len(s);
    /* At most 3 bytes per unit (a pair: 4 bytes for 2 units). */
    char *buf = malloc(n * 3 + 1);
    if (buf == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (is_high(c) && i + 1 < n && is_low(s[i + 1])) {
            c = 0x10000u + ((c - 0xD800u) << 10) + ((uint32_t)s[i + 1] - 0xDC00u);
            i++;
        }
        if (c < 0x80) {
            buf[o++] = (char)c;
        } else if (c < 0x800) {
            buf[o++] = (char)(0xC0 | (c >> 6));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            /* Unpaired surrogates take this form too (WTF-8). */
            buf[o++] = (char)(0xE0 | (c >> 12));
            buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            buf[o++] = (char)(0xF0 | (c >> 18));
            buf[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Decodes one WTF-8 sequence at s; returns its length, 0 when malformed. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF)
        return 0;
    *cp = c;
    return len;
}

uint16_t *csc_wtf8_to_u16(const char *s)
{
    size_t n = strlen(s);
    /* At most one unit per byte. */
    uint16_t *buf = malloc((n + 1) * sizeof *buf);
    if (buf == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p != 0) {
        uint32_t c;
        size_t len = decode(p, &c);
        if (len == 0) {
            c = 0xFFFD;
            len = 1;
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            buf[o++] = (uint16_t)(0xD800 + (c >> 10));
            buf[o++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            buf[o++] = (uint16_t)c;
        }
        p += len;
    }
    buf[o] = 0;
    return buf;
}
