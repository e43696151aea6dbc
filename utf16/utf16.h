/*
 * utf16/utf16.h: the faces' string conversion (contract C14.4), shared by
 * the COM face (com/) and the WMI face (wmi/): UTF-16 to the library's
 * WTF-8 and back without loss. An unpaired surrogate becomes its three-byte
 * form ED A0 80..ED BF BF and comes back as the same unit; a valid pair
 * becomes one four-byte sequence. Not installed: a static helper linked
 * into each face, built on nothing but the C library.
 */
#ifndef CSC_UTF16_H
#define CSC_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* The number of 16-bit units before the terminating 0. */
size_t csc_u16_len(const uint16_t *s);

/* A malloc'd WTF-8 copy of the NUL-terminated UTF-16 string `s` (free()
 * it), or NULL when out of memory. */
char *csc_u16_to_wtf8(const uint16_t *s);

/* A malloc'd UTF-16 copy of the NUL-terminated WTF-8 string `s`, or NULL
 * when out of memory. A byte that begins no UTF-8/WTF-8 sequence (the
 * library never gives one) becomes U+FFFD. */
uint16_t *csc_wtf8_to_u16(const char *s);

#endif
