/*
 * tests/support/events.h: the expected WMI event strings of Pin, Unpin,
 * Synchronize and DeleteItems (C6.1, C6.2), "<kind>:0x<HRESULT>:<text>:<path>"
 * as the event recorder (assert_events) and the WMI entry points see them.
 * Header only, and test data: each text is Windows' own message text for the
 * Win32 error named above it, copied here as a literal string (it is the
 * text of that row of data/win32-error-codes.tsv), never obtained from the
 * library under test, so that a wrong text in the library fails the tests.
 * Paths are the tests' own: each test keeps its path macros (SRV, SH, ...)
 * and any short local aliases of the ITEM_* pairs.
 */
#ifndef CSC_TEST_EVENTS_H
#define CSC_TEST_EVENTS_H

/* ---- Windows' message texts ------------------------------------------------- */

/* ERROR_SUCCESS, 0x00000000 */
#define T_OK "The operation completed successfully."
/* ERROR_INVALID_FUNCTION, the text of S_FALSE (0x00000001) */
#define T_FALSE "Incorrect function."
/* ERROR_FILE_NOT_FOUND, 0x80070002 */
#define T_NF "The system cannot find the file specified."
/* ERROR_ACCESS_DENIED, 0x80070005 */
#define T_DENIED "Access is denied."
/* ERROR_SHARING_VIOLATION, 0x80070020 */
#define T_SHARING "The process cannot access the file because it is being used by another process."
/* ERROR_INVALID_NAME, 0x8007007B */
#define T_BAD "The filename, directory name, or volume label syntax is incorrect."
/* ERROR_DIR_NOT_EMPTY, 0x80070091 */
#define T_NOTEMPTY "The directory is not empty."
/* ERROR_CANCELLED, 0x800704C7 */
#define T_CANCELLED "The operation was canceled by the user."

/* ---- Begin (0) and End (1) -------------------------------------------------- */

#define EV_BEGIN "0:0x00000000:" T_OK ":"
#define EV_END_OK "1:0x00000000:" T_OK ":"
#define EV_END_CANCELLED "1:0x800704C7:" T_CANCELLED ":"

/* ---- ItemBegin (2) and ItemResult (3) of path p ----------------------------- */

#define IB(p) "2:0x00000000:" T_OK ":" p
#define R_OK(p) "3:0x00000000:" T_OK ":" p
/* C15.18: an item DeleteItems keeps by its flags reports S_OK. */
#define R_KEPT(p) R_OK(p)
#define R_NF(p) "3:0x80070002:" T_NF ":" p
#define R_DENIED(p) "3:0x80070005:" T_DENIED ":" p
#define R_SHARING(p) "3:0x80070020:" T_SHARING ":" p
#define R_BAD(p) "3:0x8007007B:" T_BAD ":" p
#define R_NOTEMPTY(p) "3:0x80070091:" T_NOTEMPTY ":" p

/* An item's two events: ItemBegin, then its ItemResult. */
#define ITEM_OK(p) IB(p), R_OK(p)
#define ITEM_KEPT(p) IB(p), R_KEPT(p)
#define ITEM_DENIED(p) IB(p), R_DENIED(p)
#define ITEM_SHARING(p) IB(p), R_SHARING(p)
#define ITEM_NF(p) IB(p), R_NF(p)
#define ITEM_BAD(p) IB(p), R_BAD(p)
#define ITEM_NOTEMPTY(p) IB(p), R_NOTEMPTY(p)

#endif
