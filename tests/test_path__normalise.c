/*
 * tests/test_path__normalise.c: the path normaliser of contract C1 (src/path.c,
 * src/casefold.c). One table of spellings with the display path and key each
 * must give, or NULL for an invalid path, covering every step of C1.2, the
 * case folding of C1.3 and the validity rules of C1.4; the length limits of
 * C1.4 are built in code. Further tests check that normalising is idempotent
 * where the contract allows it, that the public csc_path_normalize agrees with
 * the internal function and truncates like snprintf, and the UTF-8 decoder
 * and case folding on their own. Names are WTF-8 (C14.4): an unpaired
 * surrogate is one UTF-16 unit of a name, kept as written and folded to
 * itself; only a surrogate pair written as two 3-byte halves is invalid.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* The display path, normalised again, is a different path: the contract's
 * own rules are not idempotent there (see the idempotence test). */
#define REPARSE_DIFFERS 1u

typedef struct path_case {
    const char *input;
    const char *display; /* NULL: invalid, 0x8007007B */
    const char *key;
    unsigned flags;
} path_case_t;

#define VALID(in, disp, k) {(in), (disp), (k), 0u}
#define VALID_NOT_IDEMPOTENT(in, disp, k) {(in), (disp), (k), REPARSE_DIFFERS}
#define INVALID(in) {(in), NULL, NULL, 0u}

/* C14.4: surrogates as WTF-8 writes them, three bytes each. */
#define HI_D800 "\xED\xA0\x80"
#define HI_D83D "\xED\xA0\xBD"
#define HI_DBFF "\xED\xAF\xBF"
#define LO_DC00 "\xED\xB0\x80"
#define LO_DE00 "\xED\xB8\x80"
#define LO_DFFF "\xED\xBF\xBF"
#define GRINNING "\xF0\x9F\x98\x80" /* U+1F600: 4 bytes, 2 UTF-16 units */

/*
 * C string escapes make backslashes double: "\\\\srv\\share" is \\srv\share.
 * A \x escape is always followed by a new string literal ("\xC3\x89" "cole")
 * so that the next letter is not read as a hex digit.
 */
static const path_case_t cases[] = {
    /* C1.1: the three shapes of a UNC path. */
    VALID("\\\\server", "\\\\server", "\\\\server"),
    VALID("\\\\Server\\Share", "\\\\Server\\Share", "\\\\server\\share"),
    VALID("\\\\srv\\share\\dir\\file.txt", "\\\\srv\\share\\dir\\file.txt",
          "\\\\srv\\share\\dir\\file.txt"),

    /* C1.2 step 1: '/' stands for '\' anywhere. */
    VALID("//srv/share/dir", "\\\\srv\\share\\dir", "\\\\srv\\share\\dir"),
    VALID("\\/srv\\share/dir", "\\\\srv\\share\\dir", "\\\\srv\\share\\dir"),

    /* C1.2 step 2: \\?\UNC\ (UNC in any case) stands for \\. */
    VALID("\\\\?\\UNC\\srv\\share", "\\\\srv\\share", "\\\\srv\\share"),
    VALID("\\\\?\\unc\\srv\\share", "\\\\srv\\share", "\\\\srv\\share"),
    VALID("\\\\?\\uNc\\Srv", "\\\\Srv", "\\\\srv"),
    /* C1.2 steps 1 then 2: the prefix may be written with '/'. */
    VALID("//?/UNC/srv/share", "\\\\srv\\share", "\\\\srv\\share"),
    /* C1.2 step 2 [decision]: the rest is normalised as any other path. */
    VALID("\\\\?\\UNC\\srv\\share\\.\\a\\..\\b.", "\\\\srv\\share\\b", "\\\\srv\\share\\b"),
    /* C1.2 step 2 + step 3 (our choice): \\?\UNC\\srv is \\\srv, i.e. \\srv. */
    VALID("\\\\?\\UNC\\\\srv", "\\\\srv", "\\\\srv"),
    /* C1.2 step 2: any other \\?\ or \\.\ prefix is not UNC (C1.4). */
    INVALID("\\\\?\\UNC\\"),
    INVALID("\\\\?\\UNC"),
    INVALID("\\\\?\\UNCsrv\\share"),
    INVALID("\\\\?\\C:\\x"),
    INVALID("\\\\?\\GLOBALROOT\\srv"),
    INVALID("\\\\.\\pipe\\x"),
    INVALID("\\\\.\\C:"),
    INVALID("//./x"),

    /* C1.2 step 3: repeated and trailing separators make empty components. */
    VALID("\\\\srv\\\\share\\\\\\dir", "\\\\srv\\share\\dir", "\\\\srv\\share\\dir"),
    VALID("\\\\srv\\share\\dir\\", "\\\\srv\\share\\dir", "\\\\srv\\share\\dir"),
    VALID("\\\\srv\\share\\\\//", "\\\\srv\\share", "\\\\srv\\share"),
    /* C1.2 step 3 (our choice): a third leading separator opens an empty
     * component, which is dropped. */
    VALID("\\\\\\srv\\share", "\\\\srv\\share", "\\\\srv\\share"),

    /* C1.4: empty, or not UNC. */
    INVALID(""),
    INVALID("\\"),
    INVALID("\\server\\share"),
    INVALID("server\\share"),
    INVALID("C:\\x"),
    /* C1.2 step 7: no server remains. */
    INVALID("\\\\"),
    INVALID("\\\\\\\\"),
    INVALID("\\\\."),

    /* C1.2 step 5: "." is dropped. */
    VALID("\\\\srv\\share\\.\\dir", "\\\\srv\\share\\dir", "\\\\srv\\share\\dir"),
    VALID("\\\\srv\\.\\share", "\\\\srv\\share", "\\\\srv\\share"),
    VALID("\\\\srv\\share\\.\\.\\.", "\\\\srv\\share", "\\\\srv\\share"),
    /* C1.2 step 5: ".." removes the previous component. */
    VALID("\\\\srv\\share\\a\\..\\b", "\\\\srv\\share\\b", "\\\\srv\\share\\b"),
    VALID("\\\\srv\\share\\a\\b\\..\\..\\c", "\\\\srv\\share\\c", "\\\\srv\\share\\c"),
    VALID("\\\\srv\\share\\a\\..", "\\\\srv\\share", "\\\\srv\\share"),
    VALID("\\\\srv\\share\\a\\..\\", "\\\\srv\\share", "\\\\srv\\share"),
    /* C1.2 step 5: a ".." that would remove the share or the server. */
    INVALID("\\\\srv\\share\\.."),
    INVALID("\\\\srv\\share\\a\\..\\.."),
    INVALID("\\\\srv\\.."),
    INVALID("\\\\..\\share"),
    /* C1.2 step 5 then 6: ".. " is not "..", a middle component keeps it. */
    VALID("\\\\srv\\share\\.. \\x", "\\\\srv\\share\\.. \\x", "\\\\srv\\share\\.. \\x"),

    /* C1.2 step 6: a middle component loses one trailing period... */
    VALID("\\\\srv\\share\\dir.\\file", "\\\\srv\\share\\dir\\file", "\\\\srv\\share\\dir\\file"),
    VALID_NOT_IDEMPOTENT("\\\\srv\\share\\dir..\\file", "\\\\srv\\share\\dir.\\file",
                         "\\\\srv\\share\\dir.\\file"),
    VALID("\\\\srv.\\share", "\\\\srv\\share", "\\\\srv\\share"),
    /* ...and no space... */
    VALID("\\\\srv\\share\\dir \\file", "\\\\srv\\share\\dir \\file",
          "\\\\srv\\share\\dir \\file"),
    /* ...unless it consists of periods only: "..." is a name. */
    VALID("\\\\srv\\share\\...\\file", "\\\\srv\\share\\...\\file", "\\\\srv\\share\\...\\file"),
    VALID("\\\\...\\share", "\\\\...\\share", "\\\\...\\share"),
    /* C1.2 step 6: the last component, with no separator at the end as
     * written, loses all trailing periods and spaces. */
    VALID("\\\\srv\\share\\file.", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID("\\\\srv\\share\\file...", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID("\\\\srv\\share\\file. . ", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID("\\\\srv\\share.", "\\\\srv\\share", "\\\\srv\\share"),
    VALID("\\\\srv. ", "\\\\srv", "\\\\srv"),
    VALID("\\\\srv\\share\\a..b.", "\\\\srv\\share\\a..b", "\\\\srv\\share\\a..b"),
    VALID("\\\\srv\\share\\ .x", "\\\\srv\\share\\ .x", "\\\\srv\\share\\ .x"),
    /* C1.2 step 6: no all-periods exception for the last component: "..."
     * and ". ." are left empty and dropped. */
    VALID("\\\\srv\\share\\file\\...", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID("\\\\srv\\share\\file\\. .", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID("\\\\srv\\share\\file\\ ", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    /* C1.2 step 6 (our choice): a share left empty is dropped. */
    VALID("\\\\srv\\...", "\\\\srv", "\\\\srv"),
    /* C1.2 steps 6-7: a server left empty leaves no component. */
    INVALID("\\\\..."),
    INVALID("\\\\ ."),
    /* C1.2 step 6 (our choice): the emptied last component is dropped and the
     * new last one is not trimmed again, as Win32 trims the string once. */
    VALID_NOT_IDEMPOTENT("\\\\srv\\share\\a \\ ", "\\\\srv\\share\\a ",
                         "\\\\srv\\share\\a "),
    /* C1.2 step 6: with a separator at the end as written, only the one
     * period goes. */
    VALID("\\\\srv\\share\\file.\\", "\\\\srv\\share\\file", "\\\\srv\\share\\file"),
    VALID_NOT_IDEMPOTENT("\\\\srv\\share\\file..\\", "\\\\srv\\share\\file.",
                         "\\\\srv\\share\\file."),
    VALID_NOT_IDEMPOTENT("\\\\srv\\share\\file \\", "\\\\srv\\share\\file ",
                         "\\\\srv\\share\\file "),
    VALID_NOT_IDEMPOTENT("\\\\srv\\share\\...\\", "\\\\srv\\share\\...", "\\\\srv\\share\\..."),
    /* C1.2 steps 5 then 6: step 6 applies to what step 5 leaves; the last
     * remaining component is trimmed. */
    VALID("\\\\srv\\share\\a\\b.\\..", "\\\\srv\\share\\a", "\\\\srv\\share\\a"),
    VALID("\\\\srv\\share\\a.\\b\\..", "\\\\srv\\share\\a", "\\\\srv\\share\\a"),
    VALID("\\\\srv\\share\\a \\b\\..", "\\\\srv\\share\\a", "\\\\srv\\share\\a"),

    /* C1.3: case-preserving display, case-folded key. */
    VALID("\\\\SRV\\Share\\DIR\\File.TXT", "\\\\SRV\\Share\\DIR\\File.TXT",
          "\\\\srv\\share\\dir\\file.txt"),
    /* C1.3 Latin-1: E-acute U+00C9 -> U+00E9. */
    VALID("\\\\srv\\share\\\xC3\x89" "cole", "\\\\srv\\share\\\xC3\x89" "cole",
          "\\\\srv\\share\\\xC3\xA9" "cole"),
    /* C1.3 Latin Extended-A: L-stroke U+0141 -> U+0142; o-acute, z-acute
     * are already lower case. */
    VALID("\\\\srv\\share\\\xC5\x81\xC3\xB3" "d\xC5\xBA", "\\\\srv\\share\\\xC5\x81\xC3\xB3" "d\xC5\xBA",
          "\\\\srv\\share\\\xC5\x82\xC3\xB3" "d\xC5\xBA"),
    /* C1.3 Greek: capital SOFIA -> small; capital sigma U+03A3 -> U+03C3. */
    VALID("\\\\srv\\\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91",
          "\\\\srv\\\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91",
          "\\\\srv\\\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1"),
    /* C1.3 Greek: final sigma U+03C2 folds to sigma U+03C3 (simple, C). */
    VALID("\\\\srv\\share\\\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x82",
          "\\\\srv\\share\\\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x82",
          "\\\\srv\\share\\\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x83"),
    /* C1.3 Cyrillic: capital De U+0414 -> U+0434 ("Dokument"). */
    VALID("\\\\srv\\share\\\xD0\x94\xD0\xBE\xD0\xBA\xD1\x83\xD0\xBC\xD0\xB5\xD0\xBD\xD1\x82",
          "\\\\srv\\share\\\xD0\x94\xD0\xBE\xD0\xBA\xD1\x83\xD0\xBC\xD0\xB5\xD0\xBD\xD1\x82",
          "\\\\srv\\share\\\xD0\xB4\xD0\xBE\xD0\xBA\xD1\x83\xD0\xBC\xD0\xB5\xD0\xBD\xD1\x82"),
    /* C1.3 simple, not full, folding: sharp s U+00DF stays (not "ss"). */
    VALID("\\\\srv\\share\\Stra\xC3\x9F" "e", "\\\\srv\\share\\Stra\xC3\x9F" "e",
          "\\\\srv\\share\\stra\xC3\x9F" "e"),
    /* C1.3: capital sharp s U+1E9E folds to U+00DF (status S). */
    VALID("\\\\srv\\share\\STRA\xE1\xBA\x9E" "E", "\\\\srv\\share\\STRA\xE1\xBA\x9E" "E",
          "\\\\srv\\share\\stra\xC3\x9F" "e"),
    /* C1.3: Kelvin sign U+212A folds to ASCII k. */
    VALID("\\\\srv\\share\\5\xE2\x84\xAA", "\\\\srv\\share\\5\xE2\x84\xAA", "\\\\srv\\share\\5k"),
    /* C1.3: micro sign U+00B5 and capital mu U+039C both fold to mu U+03BC. */
    VALID("\\\\srv\\share\\\xC2\xB5" "m", "\\\\srv\\share\\\xC2\xB5" "m",
          "\\\\srv\\share\\\xCE\xBC" "m"),
    VALID("\\\\srv\\share\\\xCE\x9C" "M", "\\\\srv\\share\\\xCE\x9C" "M",
          "\\\\srv\\share\\\xCE\xBC" "m"),
    /* C1.3: long s U+017F folds to s. */
    VALID("\\\\srv\\share\\\xC5\xBF" "ize", "\\\\srv\\share\\\xC5\xBF" "ize",
          "\\\\srv\\share\\size"),
    /* C1.3: capital I with dot U+0130 has only F and T mappings: unchanged. */
    VALID("\\\\srv\\share\\\xC4\xB0", "\\\\srv\\share\\\xC4\xB0", "\\\\srv\\share\\\xC4\xB0"),
    /* C1.3: A-stroke U+023A -> U+2C65, a key longer than its display. */
    VALID("\\\\srv\\share\\\xC8\xBA\xC8\xBA", "\\\\srv\\share\\\xC8\xBA\xC8\xBA",
          "\\\\srv\\share\\\xE2\xB1\xA5\xE2\xB1\xA5"),
    /* C1.3: Deseret U+10400 -> U+10428, outside the BMP. */
    VALID("\\\\srv\\share\\\xF0\x90\x90\x80", "\\\\srv\\share\\\xF0\x90\x90\x80",
          "\\\\srv\\share\\\xF0\x90\x90\xA8"),
    /* C1.3: fullwidth A U+FF21 -> U+FF41. */
    VALID("\\\\srv\\share\\\xEF\xBC\xA1", "\\\\srv\\share\\\xEF\xBC\xA1",
          "\\\\srv\\share\\\xEF\xBD\x81"),
    /* C1.3: no NFC: E + combining acute stays decomposed (key differs from
     * the one of U+00C9). */
    VALID("\\\\srv\\share\\E\xCC\x81", "\\\\srv\\share\\E\xCC\x81", "\\\\srv\\share\\e\xCC\x81"),
    /* C1.2 step 6 + C1.3: trimming a non-ASCII name. */
    VALID("\\\\srv\\share\\\xC3\x89.\\\xC3\x89. ", "\\\\srv\\share\\\xC3\x89\\\xC3\x89",
          "\\\\srv\\share\\\xC3\xA9\\\xC3\xA9"),

    /* C14.4: unpaired surrogates, written as three bytes (WTF-8), are valid,
     * kept as written, fold to themselves (C1.3) and count one unit. */
    VALID("\\\\srv\\share\\" HI_D800, "\\\\srv\\share\\" HI_D800,
          "\\\\srv\\share\\" HI_D800),                       /* lone high */
    VALID("\\\\srv\\share\\" HI_DBFF, "\\\\srv\\share\\" HI_DBFF,
          "\\\\srv\\share\\" HI_DBFF),                       /* last high */
    VALID("\\\\srv\\share\\" LO_DC00, "\\\\srv\\share\\" LO_DC00,
          "\\\\srv\\share\\" LO_DC00),                       /* lone low */
    VALID("\\\\srv\\share\\" LO_DFFF "x", "\\\\srv\\share\\" LO_DFFF "x",
          "\\\\srv\\share\\" LO_DFFF "x"),                   /* last low */
    /* C14.4: a low then a high surrogate are two unpaired ones: valid. */
    VALID("\\\\srv\\share\\" LO_DC00 HI_D800, "\\\\srv\\share\\" LO_DC00 HI_D800,
          "\\\\srv\\share\\" LO_DC00 HI_D800),
    VALID("\\\\srv\\share\\" HI_D800 HI_DBFF, "\\\\srv\\share\\" HI_D800 HI_DBFF,
          "\\\\srv\\share\\" HI_D800 HI_DBFF),               /* high, high */
    VALID("\\\\srv\\share\\" LO_DFFF LO_DC00, "\\\\srv\\share\\" LO_DFFF LO_DC00,
          "\\\\srv\\share\\" LO_DFFF LO_DC00),               /* low, low */
    /* C14.4: a high surrogate not immediately followed by a low one. */
    VALID("\\\\srv\\share\\" HI_D800 "x" LO_DC00, "\\\\srv\\share\\" HI_D800 "x" LO_DC00,
          "\\\\srv\\share\\" HI_D800 "x" LO_DC00),
    VALID("\\\\srv\\share\\" HI_D800 GRINNING, "\\\\srv\\share\\" HI_D800 GRINNING,
          "\\\\srv\\share\\" HI_D800 GRINNING),
    /* C14.4: a surrogate at the end of a name, the next name opening with a
     * low one: a separator stands between them, so both are unpaired. */
    VALID("\\\\srv\\share\\ab" HI_D800 "\\" LO_DC00 "cd",
          "\\\\srv\\share\\ab" HI_D800 "\\" LO_DC00 "cd",
          "\\\\srv\\share\\ab" HI_D800 "\\" LO_DC00 "cd"),
    VALID("//srv/share/ab" HI_D800 "/" LO_DC00, "\\\\srv\\share\\ab" HI_D800 "\\" LO_DC00,
          "\\\\srv\\share\\ab" HI_D800 "\\" LO_DC00),
    /* C14.4 in the server and the share, and after the \\?\UNC\ prefix. */
    VALID("\\\\" LO_DC00 "Srv\\" HI_D800, "\\\\" LO_DC00 "Srv\\" HI_D800,
          "\\\\" LO_DC00 "srv\\" HI_D800),
    VALID("\\\\?\\UNC\\srv\\" HI_D800 "x", "\\\\srv\\" HI_D800 "x", "\\\\srv\\" HI_D800 "x"),
    /* C14.4 + C1.3: folding leaves surrogates alone and folds what is
     * around them (ASCII, Latin-1, outside the BMP). */
    VALID("\\\\SRV\\Share\\A" HI_D800 "\xC3\x89" LO_DFFF "\xF0\x90\x90\x80" "Z",
          "\\\\SRV\\Share\\A" HI_D800 "\xC3\x89" LO_DFFF "\xF0\x90\x90\x80" "Z",
          "\\\\srv\\share\\a" HI_D800 "\xC3\xA9" LO_DFFF "\xF0\x90\x90\xA8" "z"),
    /* C14.4 + C1.2 step 6: a name ending in a surrogate and periods is
     * trimmed to the surrogate; a middle one loses one period. */
    VALID("\\\\srv\\share\\" HI_D800 ". .", "\\\\srv\\share\\" HI_D800,
          "\\\\srv\\share\\" HI_D800),
    VALID("\\\\srv\\share\\" LO_DC00 ".\\x", "\\\\srv\\share\\" LO_DC00 "\\x",
          "\\\\srv\\share\\" LO_DC00 "\\x"),
    /* C14.4 + C1.2 step 5: a surrogate name that ".." removes. */
    VALID("\\\\srv\\share\\" HI_D800 "\\..\\" LO_DC00, "\\\\srv\\share\\" LO_DC00,
          "\\\\srv\\share\\" LO_DC00),
    /* C14.4: a surrogate pair written as two 3-byte halves (its only
     * spelling is the 4-byte sequence) is not WTF-8: invalid. */
    INVALID("\\\\srv\\share\\" HI_D800 LO_DC00),      /* U+10000 in halves */
    INVALID("\\\\srv\\share\\" HI_DBFF LO_DFFF),      /* U+10FFFF in halves */
    INVALID("\\\\srv\\share\\a" HI_D83D LO_DE00 "b"), /* U+1F600 in halves */
    INVALID("\\\\srv\\share\\" LO_DC00 HI_D800 LO_DC00), /* low, then a pair */
    INVALID("\\\\" HI_D800 LO_DC00 "\\share"),          /* in the server */
    INVALID("\\\\srv\\share\\" HI_D800 LO_DC00 "\\..\\x"), /* in a name ".." removes */
    /* C14.4: surrogate bytes that are not a whole sequence. */
    INVALID("\\\\srv\\share\\\xED\xA0"),        /* truncated at the end */
    INVALID("\\\\srv\\share\\\xED\xA0\\x"),   /* truncated by a separator */
    INVALID("\\\\srv\\share\\" HI_D800 "\xED\xB0"), /* a high, then a truncated low */
    INVALID("\\\\srv\\share\\\xED\xA0\x28"),   /* not a continuation */

    /* C1.4: invalid UTF-8 anywhere. */
    INVALID("\\\\srv\\share\\\xC0\xAF"),         /* overlong '/' */
    INVALID("\\\\srv\\share\\\xE0\x80\xAF"),     /* overlong, 3 bytes */
    INVALID("\\\\srv\\share\\\xF0\x80\x80\xAF"), /* overlong, 4 bytes */
    INVALID("\\\\srv\\share\\\x80" "x"),          /* lone continuation byte */
    INVALID("\\\\srv\\share\\\xF5\x80\x80\x80"), /* lead byte F5 */
    INVALID("\\\\srv\\share\\\xF4\x90\x80\x80"), /* U+110000 */
    INVALID("\\\\srv\\share\\\xFF"),
    INVALID("\\\\srv\\share\\x\xC3"),            /* truncated at the end */
    INVALID("\\\\srv\\share\\\xE2\x84\\x"),     /* truncated by a separator */
    INVALID("\\\\?\\UNC\\\xC0\xAF"),            /* after the \\?\UNC\ prefix */
    INVALID("\\\\\xC3\\share"),                 /* in the server */
    INVALID("\\\\srv\\share\\\xC3\x28\\..\\x"), /* in a component ".." removes */

    /* C1.2 step 4 and C1.4: invalid characters in a component as written. */
    INVALID("\\\\srv\\share\\a<b"),
    INVALID("\\\\srv\\share\\a>b"),
    INVALID("\\\\srv\\share\\a:b"),
    INVALID("\\\\srv\\share\\a\"b"),
    INVALID("\\\\srv\\share\\a|b"),
    INVALID("\\\\srv\\share\\a?b"),
    INVALID("\\\\srv\\share\\a*b"),
    INVALID("\\\\srv\\share\\a\x01" "b"),
    INVALID("\\\\srv\\share\\a\tb"),
    INVALID("\\\\srv\\share\\a\x1F" "b"),
    INVALID("\\\\srv\\sh?re"),
    INVALID("\\\\s:rv"),
    INVALID("\\\\?\\UNC\\srv\\a*b"),
    /* C1.2 step 4 comes before step 5: the component ".." removes counts. */
    INVALID("\\\\srv\\share\\a:b\\.."),
    /* C1.2 step 4 comes before step 6: "a?" is checked before trimming. */
    INVALID("\\\\srv\\share\\a?."),
    /* C1.4: DEL 0x7F and non-ASCII look-alikes are not invalid. */
    VALID("\\\\srv\\share\\a\x7F" "b", "\\\\srv\\share\\a\x7F" "b", "\\\\srv\\share\\a\x7F" "b"),
    VALID("\\\\srv\\share\\a\xEF\xBC\x9F", "\\\\srv\\share\\a\xEF\xBC\x9F",
          "\\\\srv\\share\\a\xEF\xBC\x9F"),
};

#define NCASES (sizeof cases / sizeof cases[0])

/* Result of one run of the internal normaliser, with buffers it owns. */
typedef struct normalised {
    csc_hresult hr;
    char *display;
    char *key;
    size_t display_len;
    size_t key_len;
    uint32_t ncomp;
} normalised_t;

/* Runs csc__path_normalize on exactly the bytes in[0..len), in a buffer of
 * that size (no NUL after it), so that ASan sees any read past the end, and
 * with output buffers of exactly the documented sizes. */
static normalised_t normalise_bytes(const char *in, size_t len)
{
    normalised_t r = {0};
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, in, len);
    r.display = malloc(CSC__PATH_DISPLAY_CAP(len));
    r.key = malloc(CSC__PATH_KEY_CAP(len));
    assert_non_null(r.display);
    assert_non_null(r.key);
    r.hr = csc__path_normalize(copy, len, r.display, &r.display_len, r.key, &r.key_len,
                               &r.ncomp);
    free(copy);
    return r;
}

static normalised_t normalise(const char *in)
{
    return normalise_bytes(in, strlen(in));
}

static void normalised_free(normalised_t *r)
{
    free(r->display);
    free(r->key);
}

/* Components of a display path: its separators, less the leading one. */
static uint32_t count_components(const char *display)
{
    uint32_t n = 0;
    for (const char *p = display; *p != '\0'; p++) {
        n += *p == '\\';
    }
    return n - 1;
}

/* Prints a path with its non-printing bytes escaped, for failure messages. */
static const char *show(const char *s, char *buf, size_t size)
{
    size_t o = 0;
    for (; *s != '\0' && o + 5 < size; s++) {
        unsigned char b = (unsigned char)*s;
        if (b >= 0x20 && b < 0x7F) {
            buf[o++] = (char)b;
        } else {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", b);
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Checks a result against an expected display and key (NULL: invalid). */
static bool result_matches(const normalised_t *r, const char *display, const char *key)
{
    if (display == NULL) {
        return r->hr == CSC_E_INVALID_NAME;
    }
    return r->hr == CSC_S_OK && strcmp(r->display, display) == 0 &&
           r->display_len == strlen(display) && strcmp(r->key, key) == 0 &&
           r->key_len == strlen(key) && r->ncomp == count_components(display);
}

/* C1.2 steps 1-7, C1.3, C1.4: every case of the table. */
static void test_path__normalise_table_c1_2_c1_3_c1_4(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < NCASES; i++) {
        const path_case_t *c = &cases[i];
        normalised_t r = normalise(c->input);
        if (!result_matches(&r, c->display, c->key)) {
            char in[512], got[512], want[512];
            print_error("case %zu: \"%s\": got hr 0x%08X \"%s\", want \"%s\"\n", i,
                        show(c->input, in, sizeof in), (unsigned)r.hr,
                        r.hr == CSC_S_OK ? show(r.display, got, sizeof got) : "(invalid)",
                        c->display != NULL ? show(c->display, want, sizeof want)
                                           : "(invalid)");
            failures++;
        }
        normalised_free(&r);
    }
    assert_int_equal(failures, 0);
}

/* C1.3: the key is exactly the display folded by csc__fold_utf8. */
static void test_path__key_is_folded_display_c1_3(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        if (cases[i].display == NULL) {
            continue;
        }
        normalised_t r = normalise(cases[i].input);
        assert_int_equal(r.hr, CSC_S_OK);
        char *folded = malloc(CSC__PATH_KEY_CAP(r.display_len));
        assert_non_null(folded);
        size_t folded_len;
        assert_true(csc__fold_utf8(r.display, r.display_len, folded, &folded_len));
        assert_int_equal(folded_len, r.key_len);
        assert_string_equal(folded, r.key);
        free(folded);
        normalised_free(&r);
    }
}

/*
 * C1.2: normalising a display path again gives the same display and key.
 * Step 6 itself makes exceptions, marked REPARSE_DIFFERS in the table: a
 * middle "x.." becomes "x." (one period only) and a last component kept with
 * a trailing period or space, or all periods, because the path as written
 * ended with a separator, is trimmed when the display (which never ends with
 * one) is normalised again. For those the second result must differ, so that
 * the table stays honest.
 */
static void test_path__normalise_is_idempotent_c1_2(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const path_case_t *c = &cases[i];
        if (c->display == NULL) {
            continue;
        }
        normalised_t again = normalise(c->display);
        if (c->flags & REPARSE_DIFFERS) {
            assert_true(again.hr != CSC_S_OK || strcmp(again.display, c->display) != 0);
        } else {
            if (!result_matches(&again, c->display, c->key)) {
                char in[512];
                print_error("case %zu: \"%s\" is not stable\n", i,
                            show(c->display, in, sizeof in));
                fail();
            }
        }
        normalised_free(&again);
    }
}

/* C1.4: a NUL byte is a control character (the internal form takes a length). */
static void test_path__embedded_nul_is_invalid_c1_4(void **state)
{
    (void)state;
    static const char with_nul[] = "\\\\srv\\share\\a\0b";
    normalised_t r = normalise_bytes(with_nul, sizeof with_nul - 1);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
    /* And the same bytes up to the NUL are fine. */
    r = normalise_bytes(with_nul, strlen(with_nul));
    assert_int_equal(r.hr, CSC_S_OK);
    assert_string_equal(r.display, "\\\\srv\\share\\a");
    normalised_free(&r);
}

/* Appends `n` copies of `s` to buf at *len. */
static void append(char *buf, size_t *len, const char *s, size_t n)
{
    size_t sl = strlen(s);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + *len, s, sl);
        *len += sl;
    }
    buf[*len] = '\0';
}

/* C1.4: a component may have 255 UTF-16 units, not 256; a code point above
 * U+FFFF counts 2; the limit applies once normalised. */
static void test_path__component_length_limit_c1_4(void **state)
{
    (void)state;
    char buf[2048];
    size_t len;
    normalised_t r;

    /* 253 ASCII + one 4-byte code point = 255 units: valid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "a", 253);
    append(buf, &len, GRINNING, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_string_equal(r.display, buf);
    normalised_free(&r);

    /* 254 ASCII + one 4-byte code point = 256 units: invalid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "a", 254);
    append(buf, &len, GRINNING, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* 255 two-byte code points = 255 units (510 bytes): valid, as a server. */
    len = 0;
    append(buf, &len, "\\\\", 1);
    append(buf, &len, "\xC3\x89", 255);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.ncomp, 1);
    normalised_free(&r);
    append(buf, &len, "\xC3\x89", 1); /* 256 units: invalid */
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* 255 units + trailing periods and spaces trimmed from the last
     * component (C1.2 step 6): valid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "b", 255);
    append(buf, &len, ". .", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.display_len, strlen("\\\\srv\\share\\") + 255);
    normalised_free(&r);

    /* 255 units + one period a middle component loses: valid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "c", 255);
    append(buf, &len, ".\\x", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    normalised_free(&r);

    /* 256 units + a trailing space a middle component keeps: invalid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "c", 255);
    append(buf, &len, " \\x", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* A 256-unit component that ".." removes (C1.2 step 5): valid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "d", 256);
    append(buf, &len, "\\..\\e", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_string_equal(r.display, "\\\\srv\\share\\e");
    normalised_free(&r);

    /* A last component still 256 units long after step 6's trim: invalid. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "f", 256);
    append(buf, &len, "...", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
}

/*
 * Builds "\\srv\share\xxx..." whose normalised display has exactly `units`
 * UTF-16 units (units >= 16), with components of at most 200 units, each
 * unit written as `fill` (one UTF-16 unit: "N", or a lone surrogate of C14.4
 * in three bytes); when `wide` the first name holds a 4-byte code point (2
 * units). Returns a malloc'd string.
 */
static char *path_of_units_filled(size_t units, bool wide, const char *fill)
{
    char *buf = malloc(units * strlen(fill) + 64);
    assert_non_null(buf);
    size_t len = 0;
    append(buf, &len, "\\\\srv\\share", 1);
    size_t have = len;
    if (wide) {
        append(buf, &len, "\\" GRINNING, 1);
        have += 3;
    }
    while (have < units) {
        size_t left = units - have;
        size_t name = left - 1 > 200 ? 200 : left - 1;
        if (left - 1 - name == 1) {
            name--; /* never leave room for just a separator */
        }
        append(buf, &len, "\\", 1);
        append(buf, &len, fill, name);
        have += 1 + name;
    }
    return buf;
}

static char *path_of_units(size_t units, bool wide)
{
    return path_of_units_filled(units, wide, "N");
}

/* C1.4: the normalised path may have 32,767 UTF-16 units, not 32,768. */
static void test_path__total_length_limit_c1_4(void **state)
{
    (void)state;
    char *p;
    normalised_t r;

    p = path_of_units(CSC__PATH_MAX_UNITS, false);
    assert_int_equal(strlen(p), CSC__PATH_MAX_UNITS);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.display_len, CSC__PATH_MAX_UNITS);
    assert_string_equal(r.display, p);
    normalised_free(&r);
    free(p);

    p = path_of_units(CSC__PATH_MAX_UNITS + 1, false);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
    free(p);

    /* With a 4-byte code point counting 2 units: 32,769 bytes, 32,767 units. */
    p = path_of_units(CSC__PATH_MAX_UNITS, true);
    assert_int_equal(strlen(p), CSC__PATH_MAX_UNITS + 2);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_S_OK);
    normalised_free(&r);
    free(p);

    p = path_of_units(CSC__PATH_MAX_UNITS + 1, true);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
    free(p);

    /* Trailing separators do not count: 32,767 units + "\\\". */
    p = path_of_units(CSC__PATH_MAX_UNITS, false);
    size_t len = strlen(p);
    char *q = malloc(len + 8);
    assert_non_null(q);
    memcpy(q, p, len);
    memcpy(q + len, "\\\\\\", 4);
    r = normalise(q);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.display_len, CSC__PATH_MAX_UNITS);
    normalised_free(&r);
    free(q);
    free(p);

    /* Longer as written, short once normalised (C1.2 step 5): valid. */
    p = path_of_units(40000, false);
    len = strlen(p);
    /* Pop every component below the share. */
    size_t below_share = 0;
    for (size_t i = strlen("\\\\srv\\share"); i < len; i++) {
        below_share += p[i] == '\\';
    }
    q = malloc(len + 3 * below_share + 1);
    assert_non_null(q);
    memcpy(q, p, len);
    for (size_t i = 0; i < below_share; i++) {
        memcpy(q + len, "\\..", 4);
        len += 3;
    }
    r = normalise(q);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_string_equal(r.display, "\\\\srv\\share");
    normalised_free(&r);
    free(q);
    free(p);
}

/*
 * C1.4 as amended by C14.4: lengths are counted in UTF-16 units, and an
 * unpaired surrogate (three bytes of WTF-8) is one unit, so a name of 255
 * surrogates (765 bytes) is valid and a path of 32,767 units is valid
 * whatever its length in bytes.
 */
static void test_path__length_limits_count_surrogates_as_one_unit_c14_4(void **state)
{
    (void)state;
    char buf[2048];
    size_t len;
    normalised_t r;

    /* 255 high surrogates (a high followed by a high: all unpaired). */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, HI_D800, 255);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_string_equal(r.display, buf);
    assert_int_equal(r.display_len, strlen("\\\\srv\\share\\") + 3 * 255);
    normalised_free(&r);
    append(buf, &len, HI_D800, 1); /* 256 units: invalid */
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* 254 ASCII + a low surrogate = 255 units; one more ASCII: 256. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "a", 254);
    append(buf, &len, LO_DC00, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    normalised_free(&r);
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, "a", 255);
    append(buf, &len, LO_DC00, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* 127 supplementary characters (2 units each) + one surrogate = 255
     * units; a second surrogate makes 256. Low after high surrogate would
     * be a pair, so the surrogates here are lows after 4-byte sequences. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, GRINNING, 127);
    append(buf, &len, LO_DFFF, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    normalised_free(&r);
    append(buf, &len, LO_DFFF, 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);

    /* 255 surrogates + trailing periods and spaces that step 6 trims. */
    len = 0;
    append(buf, &len, "\\\\srv\\share\\", 1);
    append(buf, &len, LO_DC00, 255);
    append(buf, &len, ". .", 1);
    r = normalise(buf);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.display_len, strlen("\\\\srv\\share\\") + 3 * 255);
    normalised_free(&r);

    /* The whole path: 32,767 units written mostly as surrogates (about
     * 98,000 bytes) is valid; 32,768 units is not. */
    char *p = path_of_units_filled(CSC__PATH_MAX_UNITS, false, LO_DC00);
    assert_true(strlen(p) > 3 * (CSC__PATH_MAX_UNITS - 200));
    r = normalise(p);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_int_equal(r.display_len, strlen(p));
    assert_string_equal(r.display, p);
    assert_string_equal(r.key, p); /* nothing to fold */
    normalised_free(&r);
    free(p);
    p = path_of_units_filled(CSC__PATH_MAX_UNITS + 1, false, LO_DC00);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
    free(p);
    /* With a 4-byte code point (2 units) and surrogates: the limit holds. */
    p = path_of_units_filled(CSC__PATH_MAX_UNITS, true, HI_DBFF);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_S_OK);
    normalised_free(&r);
    free(p);
    p = path_of_units_filled(CSC__PATH_MAX_UNITS + 1, true, HI_DBFF);
    r = normalise(p);
    assert_int_equal(r.hr, CSC_E_INVALID_NAME);
    normalised_free(&r);
    free(p);
}

/* The public csc_path_normalize gives the same answer as the internal one for
 * every case. */
static void test_path__public_agrees_with_internal(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const path_case_t *c = &cases[i];
        normalised_t r = normalise(c->input);
        char display[512];
        char key[512];
        size_t display_len = 99;
        size_t key_len = 99;
        csc_hresult hr = csc_path_normalize(c->input, display, sizeof display, &display_len,
                                            key, sizeof key, &key_len);
        assert_int_equal(hr, r.hr);
        if (hr == CSC_S_OK) {
            assert_string_equal(display, r.display);
            assert_string_equal(key, r.key);
            assert_int_equal(display_len, r.display_len);
            assert_int_equal(key_len, r.key_len);
        } else {
            assert_string_equal(display, "");
            assert_string_equal(key, "");
        }
        normalised_free(&r);
    }
}

/* The public function truncates like snprintf and reports full lengths. */
static void test_path__public_truncates_and_reports_full_lengths(void **state)
{
    (void)state;
    const char *in = "//SRV/Share/\xC3\x89t\xC3\xA9/";
    const char *want_display = "\\\\SRV\\Share\\\xC3\x89t\xC3\xA9";
    const char *want_key = "\\\\srv\\share\\\xC3\xA9t\xC3\xA9";
    char display[8];
    char key[5];
    size_t display_len = 0;
    size_t key_len = 0;
    assert_int_equal(csc_path_normalize(in, display, sizeof display, &display_len, key,
                                        sizeof key, &key_len),
                     CSC_S_OK);
    assert_int_equal(display_len, strlen(want_display));
    assert_int_equal(key_len, strlen(want_key));
    assert_memory_equal(display, want_display, sizeof display - 1);
    assert_int_equal(display[sizeof display - 1], '\0');
    assert_memory_equal(key, want_key, sizeof key - 1);
    assert_int_equal(key[sizeof key - 1], '\0');

    /* Exactly enough room. */
    char exact[32];
    assert_int_equal(csc_path_normalize(in, exact, strlen(want_display) + 1, &display_len,
                                        NULL, 0, NULL),
                     CSC_S_OK);
    assert_string_equal(exact, want_display);

    /* NULL outputs and zero sizes: only the lengths. */
    display_len = key_len = 0;
    assert_int_equal(csc_path_normalize(in, NULL, 0, &display_len, NULL, 0, &key_len), CSC_S_OK);
    assert_int_equal(display_len, strlen(want_display));
    assert_int_equal(key_len, strlen(want_key));
    display[0] = 'x';
    assert_int_equal(csc_path_normalize(in, display, 0, NULL, NULL, 0, NULL), CSC_S_OK);
    assert_int_equal(display[0], 'x'); /* size 0: untouched */
}

/* The public function's errors: E_POINTER for NULL, 0x8007007B (C1.4). */
static void test_path__public_errors(void **state)
{
    (void)state;
    char display[16] = "junk";
    size_t display_len = 7;
    assert_int_equal(csc_path_normalize(NULL, display, sizeof display, &display_len, NULL, 0,
                                        NULL),
                     CSC_E_POINTER);
    assert_int_equal(csc_path_normalize("C:\\x", display, sizeof display, &display_len, NULL, 0,
                                        NULL),
                     CSC_HR(0x8007007Bu));
    assert_string_equal(display, "");
    assert_int_equal(display_len, 0);
    assert_int_equal(csc_path_normalize("", NULL, 0, NULL, NULL, 0, NULL), CSC_E_INVALID_NAME);
}

/* C1.3: simple case folding, spot checks. */
static void test_casefold__simple_folding_c1_3(void **state)
{
    (void)state;
    static const struct {
        uint32_t from, to;
    } folds[] = {
        {'A', 'a'},         {'Z', 'z'},         {'a', 'a'},         {'@', '@'},
        {'[', '['},         {'\\', '\\'},       {'.', '.'},         {0x00C9, 0x00E9},
        {0x00E9, 0x00E9},   {0x00C0, 0x00E0},   {0x00DE, 0x00FE},   {0x00D7, 0x00D7},
        {0x00DF, 0x00DF},   {0x1E9E, 0x00DF},   {0x0141, 0x0142},   {0x0178, 0x00FF},
        {0x017F, 0x0073},   {0x0130, 0x0130},   {0x0131, 0x0131},   {0x0049, 0x0069},
        {0x03A3, 0x03C3},   {0x03C2, 0x03C3},   {0x03C3, 0x03C3},   {0x0345, 0x03B9},
        {0x00B5, 0x03BC},   {0x039C, 0x03BC},   {0x0390, 0x0390},   {0x1F88, 0x1F80},
        {0x0414, 0x0434},   {0x0401, 0x0451},   {0x0434, 0x0434},   {0x212A, 0x006B},
        {0x2126, 0x03C9},   {0x212B, 0x00E5},   {0x023A, 0x2C65},   {0xFF21, 0xFF41},
        {0x10400, 0x10428}, {0x1E900, 0x1E922}, {0x10FFFF, 0x10FFFF}, {0, 0},
        /* C14.4: surrogates fold to themselves. */
        {0xD800, 0xD800},   {0xDBFF, 0xDBFF},   {0xDC00, 0xDC00},   {0xDFFF, 0xDFFF},
    };
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
        if (csc__casefold(folds[i].from) != folds[i].to) {
            print_error("U+%04X folds to U+%04X, want U+%04X\n", (unsigned)folds[i].from,
                        (unsigned)csc__casefold(folds[i].from), (unsigned)folds[i].to);
            fail();
        }
    }
    /* Folding is idempotent over the whole range. */
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        uint32_t f = csc__casefold(cp);
        if (csc__casefold(f) != f) {
            print_error("U+%04X folds twice\n", (unsigned)cp);
            fail();
        }
    }
}

/* C1.4: the decoder accepts exactly the well-formed sequences. */
static void test_utf8_decode__accepts_well_formed_c1_4(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        uint32_t cp;
    } ok[] = {
        {"\x00", 1, 0x0},          {"A", 1, 'A'},
        {"\x7F", 1, 0x7F},         {"\xC2\x80", 2, 0x80},
        {"\xDF\xBF", 2, 0x7FF},    {"\xE0\xA0\x80", 3, 0x800},
        {"\xED\x9F\xBF", 3, 0xD7FF}, {"\xEE\x80\x80", 3, 0xE000},
        {"\xEF\xBF\xBF", 3, 0xFFFF}, {"\xF0\x90\x80\x80", 4, 0x10000},
        {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF}, {"\xE2\x84\xAA", 3, 0x212A},
        /* C14.4: surrogates, one by one (WTF-8). */
        {HI_D800, 3, 0xD800},      {HI_DBFF, 3, 0xDBFF},
        {LO_DC00, 3, 0xDC00},      {LO_DFFF, 3, 0xDFFF},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint32_t cp = 0xFFFFFFFF;
        assert_int_equal(csc__utf8_decode((const unsigned char *)ok[i].bytes, ok[i].len, &cp),
                         ok[i].len);
        assert_int_equal(cp, ok[i].cp);
        /* Extra bytes after the sequence are not read into it. */
        unsigned char longer[8] = {0};
        memcpy(longer, ok[i].bytes, ok[i].len);
        longer[ok[i].len] = 0x80;
        assert_int_equal(csc__utf8_decode(longer, ok[i].len + 1, &cp), ok[i].len);
    }
}

/* C1.4, C14.4: the decoder rejects overlong forms, a surrogate pair in two
 * 3-byte halves, values above U+10FFFF, stray and missing continuation
 * bytes. */
static void test_utf8_decode__rejects_invalid_forms_c1_4(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
    } bad[] = {
        {"", 0},                     /* nothing */
        {"\x80", 1},                 /* lone continuation */
        {"\xBF", 1},                 /* lone continuation */
        {"\xC0\xAF", 2},             /* overlong '/' */
        {"\xC1\xBF", 2},             /* overlong */
        {"\xE0\x80\xAF", 3},         /* overlong, 3 bytes */
        {"\xE0\x9F\xBF", 3},         /* overlong U+07FF */
        {"\xF0\x80\x80\xAF", 4},     /* overlong, 4 bytes */
        {"\xF0\x8F\xBF\xBF", 4},     /* overlong U+FFFF */
        {HI_D800 LO_DC00, 6},        /* C14.4: U+10000 as two halves */
        {HI_DBFF LO_DFFF, 6},        /* C14.4: U+10FFFF as two halves */
        {HI_D83D LO_DE00, 6},        /* C14.4: U+1F600 as two halves */
        {"\xED\xA0", 2},             /* truncated surrogate */
        {"\xED\xA0\x28", 3},         /* surrogate, not a continuation */
        {"\xF4\x90\x80\x80", 4},     /* U+110000 */
        {"\xF5\x80\x80\x80", 4},     /* lead F5 */
        {"\xF8\x88\x80\x80\x80", 5}, /* 5-byte form */
        {"\xFE", 1},
        {"\xFF", 1},
        {"\xC3", 1},                 /* truncated */
        {"\xE2\x84", 2},             /* truncated */
        {"\xF0\x9F\x98", 3},         /* truncated */
        {"\xC3\x28", 2},             /* not a continuation */
        {"\xE2\x28\xA1", 3},         /* not a continuation */
        {"\xE2\x82\x28", 3},         /* not a continuation */
        {"\xF0\x9F\x98\x28", 4},     /* not a continuation */
        {"\xC3\xC3", 2},             /* lead instead of continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t cp;
        if (csc__utf8_decode((const unsigned char *)bad[i].bytes, bad[i].len, &cp) != 0) {
            print_error("bad sequence %zu accepted\n", i);
            fail();
        }
        char out[32];
        size_t out_len;
        if (bad[i].len > 0) {
            assert_false(csc__fold_utf8(bad[i].bytes, bad[i].len, out, &out_len));
        }
    }
}

/*
 * C14.4: the decoder judges a high surrogate by what follows it within the
 * length it is given, so a caller passes the rest of the string: with the
 * low surrogate cut off by the length, the high one alone is valid; a
 * string holding both is not, whichever function looks at it.
 */
static void test_utf8_decode__surrogate_pair_in_halves_c14_4(void **state)
{
    (void)state;
    const char *pair = "a" HI_D800 LO_DC00;
    uint32_t cp = 0;
    assert_int_equal(csc__utf8_decode((const unsigned char *)pair + 1, 3, &cp), 3);
    assert_int_equal(cp, 0xD800);
    assert_int_equal(csc__utf8_decode((const unsigned char *)pair + 1, 5, &cp), 3);
    assert_int_equal(csc__utf8_decode((const unsigned char *)pair + 1, 6, &cp), 0);
    assert_int_equal(csc__utf8_decode((const unsigned char *)pair + 4, 3, &cp), 3);
    assert_int_equal(cp, 0xDC00);
    /* A low then a high surrogate: two unpaired ones, each decoded alone. */
    const char *low_high = LO_DC00 HI_D800;
    assert_int_equal(csc__utf8_decode((const unsigned char *)low_high, 6, &cp), 3);
    assert_int_equal(cp, 0xDC00);
    assert_true(csc__utf8_valid(low_high, 6));
    assert_false(csc__utf8_valid(pair, strlen(pair)));
    assert_true(csc__utf8_valid(pair, 4));
    char out[32];
    size_t out_len;
    assert_false(csc__fold_utf8(pair, strlen(pair), out, &out_len));
    /* The 4-byte spelling of the same pair is valid everywhere. */
    const char *four = "a\xF0\x90\x80\x80";
    assert_true(csc__utf8_valid(four, strlen(four)));
    assert_true(csc__fold_utf8(four, strlen(four), out, &out_len));
    assert_string_equal(out, four);
}

/* C1.3: folding a whole string. */
static void test_fold_utf8__folds_strings_c1_3(void **state)
{
    (void)state;
    char out[64];
    size_t out_len = 99;
    assert_true(csc__fold_utf8("", 0, out, &out_len));
    assert_int_equal(out_len, 0);
    assert_string_equal(out, "");
    const char *in = "\\\\SRV\\\xC3\x89\xCE\xA3\xD0\x94\xE1\xBA\x9E\xE2\x84\xAA\xC3\x9F";
    assert_true(csc__fold_utf8(in, strlen(in), out, &out_len));
    assert_string_equal(out, "\\\\srv\\\xC3\xA9\xCF\x83\xD0\xB4\xC3\x9F" "k\xC3\x9F");
    assert_int_equal(out_len, strlen(out));
    /* C14.4: unpaired surrogates fold to themselves, same bytes. */
    const char *wtf8 = "Q" HI_D800 "\xC3\x89" LO_DFFF HI_DBFF "x" LO_DC00;
    assert_true(csc__fold_utf8(wtf8, strlen(wtf8), out, &out_len));
    assert_string_equal(out, "q" HI_D800 "\xC3\xA9" LO_DFFF HI_DBFF "x" LO_DC00);
    assert_int_equal(out_len, strlen(wtf8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path__normalise_table_c1_2_c1_3_c1_4),
        cmocka_unit_test(test_path__key_is_folded_display_c1_3),
        cmocka_unit_test(test_path__normalise_is_idempotent_c1_2),
        cmocka_unit_test(test_path__embedded_nul_is_invalid_c1_4),
        cmocka_unit_test(test_path__component_length_limit_c1_4),
        cmocka_unit_test(test_path__total_length_limit_c1_4),
        cmocka_unit_test(test_path__length_limits_count_surrogates_as_one_unit_c14_4),
        cmocka_unit_test(test_path__public_agrees_with_internal),
        cmocka_unit_test(test_path__public_truncates_and_reports_full_lengths),
        cmocka_unit_test(test_path__public_errors),
        cmocka_unit_test(test_casefold__simple_folding_c1_3),
        cmocka_unit_test(test_utf8_decode__accepts_well_formed_c1_4),
        cmocka_unit_test(test_utf8_decode__rejects_invalid_forms_c1_4),
        cmocka_unit_test(test_utf8_decode__surrogate_pair_in_halves_c14_4),
        cmocka_unit_test(test_fold_utf8__folds_strings_c1_3),
    };
    return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
