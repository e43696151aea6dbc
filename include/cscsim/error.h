/*
 * cscsim/error.h: the error model. Every function of the library that can
 * fail returns a csc_hresult, a 32-bit HRESULT in the Windows dialect
 * (S_OK, E_INVALIDARG, HRESULT_FROM_WIN32(...)). This header names the codes
 * the library produces, turns a code into Windows' English message text and
 * name (one table, generated from win32-error-codes.tsv), and maps an HRESULT
 * to the uint32 a WMI method returns (contract C4.8).
 */
#ifndef CSCSIM_ERROR_H
#define CSCSIM_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An HRESULT. Negative values (high bit set) are failures. */
typedef int32_t csc_hresult;

#define CSC_HR(x) ((csc_hresult)(uint32_t)(x))
/* HRESULT_FROM_WIN32(e): 0 stays 0, else 0x8007xxxx. */
#define CSC_HRESULT_FROM_WIN32(e) \
    ((e) == 0 ? CSC_HR(0) : CSC_HR(0x80070000u | ((uint32_t)(e) & 0xFFFFu)))
#define CSC_SUCCEEDED(hr) ((csc_hresult)(hr) >= 0)
#define CSC_FAILED(hr) ((csc_hresult)(hr) < 0)

/* Win32 error codes the library produces (values from winerror.h). */
#define CSC_ERROR_SUCCESS 0u
#define CSC_ERROR_FILE_NOT_FOUND 2u
#define CSC_ERROR_ACCESS_DENIED 5u
#define CSC_ERROR_OUTOFMEMORY 14u
#define CSC_ERROR_SHARING_VIOLATION 32u
#define CSC_ERROR_NOT_SUPPORTED 50u
#define CSC_ERROR_BAD_NETPATH 53u
#define CSC_ERROR_INVALID_PARAMETER 87u
#define CSC_ERROR_DISK_FULL 112u
#define CSC_ERROR_INVALID_NAME 123u
#define CSC_ERROR_BUSY 170u
#define CSC_ERROR_ALREADY_EXISTS 183u
#define CSC_ERROR_MORE_DATA 234u
#define CSC_ERROR_DIRECTORY 267u
#define CSC_ERROR_CANCELLED 1223u
#define CSC_ERROR_FILE_OFFLINE 4350u

/* HRESULTs. */
#define CSC_S_OK CSC_HR(0x00000000u)
#define CSC_S_FALSE CSC_HR(0x00000001u)
#define CSC_E_NOTIMPL CSC_HR(0x80004001u)
#define CSC_E_NOINTERFACE CSC_HR(0x80004002u)
#define CSC_E_POINTER CSC_HR(0x80004003u)
#define CSC_E_FAIL CSC_HR(0x80004005u)
#define CSC_E_UNEXPECTED CSC_HR(0x8000FFFFu)
#define CSC_E_ACCESSDENIED CSC_HR(0x80070005u)
#define CSC_E_OUTOFMEMORY CSC_HR(0x8007000Eu)
#define CSC_E_INVALIDARG CSC_HR(0x80070057u)
/* The HRESULT_FROM_WIN32 codes of the contract, for convenience. */
#define CSC_E_FILE_NOT_FOUND CSC_HR(0x80070002u)     /* ERROR_FILE_NOT_FOUND */
#define CSC_E_SHARING_VIOLATION CSC_HR(0x80070020u)  /* ERROR_SHARING_VIOLATION */
#define CSC_E_NOT_SUPPORTED CSC_HR(0x80070032u)      /* ERROR_NOT_SUPPORTED */
#define CSC_E_BAD_NETPATH CSC_HR(0x80070035u)        /* ERROR_BAD_NETPATH */
#define CSC_E_DISK_FULL CSC_HR(0x80070070u)          /* ERROR_DISK_FULL */
#define CSC_E_INVALID_NAME CSC_HR(0x8007007Bu)       /* ERROR_INVALID_NAME */
#define CSC_E_BUSY CSC_HR(0x800700AAu)               /* ERROR_BUSY */
#define CSC_E_ALREADY_EXISTS CSC_HR(0x800700B7u)     /* ERROR_ALREADY_EXISTS */
#define CSC_E_MORE_DATA CSC_HR(0x800700EAu)          /* ERROR_MORE_DATA */
#define CSC_E_NOT_OWNER CSC_HR(0x80070120u)          /* ERROR_NOT_OWNER */
#define CSC_E_DIRECTORY CSC_HR(0x8007010Bu)          /* ERROR_DIRECTORY */
#define CSC_E_CANCELLED CSC_HR(0x800704C7u)          /* ERROR_CANCELLED */
#define CSC_E_FILE_OFFLINE CSC_HR(0x800710FEu)       /* ERROR_FILE_OFFLINE */

/*
 * Windows' English message text of an HRESULT (contract C6.1), without the
 * trailing line break: S_OK and facility-Win32 codes 0x8007xxxx take the text
 * of the Win32 code (0) or xxxx; E_POINTER, E_FAIL, E_NOTIMPL, E_NOINTERFACE
 * and E_UNEXPECTED have their COM texts ("Invalid pointer", ...). S_FALSE has
 * no contract text and, as in Windows' FormatMessage, takes the text of Win32
 * code 1, "Incorrect function.". Never NULL: any other code, or a
 * facility-Win32 code whose Win32 code is unknown, gets Windows' own text
 * for a message number it cannot find (Win32 317, ERROR_MR_MID_NOT_FOUND,
 * inserts as written: "The system cannot find message text for message
 * number 0x%1 in the message file for %2."); csc_hresult_known tells the
 * two apart. The string is static and never freed.
 */
CSC_API const char *csc_hresult_message(csc_hresult hr);

/* Whether the library has a text and a name of its own for `hr`. */
CSC_API bool csc_hresult_known(csc_hresult hr);

/* Windows' English text of a Win32 error code (no trailing line break), or
 * NULL when unknown. */
CSC_API const char *csc_win32_message(uint32_t code);

/* The name of a Win32 error code ("ERROR_FILE_NOT_FOUND"), or NULL. */
CSC_API const char *csc_win32_name(uint32_t code);

/*
 * The usual name of an HRESULT: "S_OK", "E_INVALIDARG", "E_ACCESSDENIED",
 * "E_OUTOFMEMORY" and the other COM names listed above for their codes, else
 * the Win32 name of a facility-Win32 code ("ERROR_FILE_NOT_FOUND"). Never
 * NULL: "UNKNOWN" for a code it has no name for (see csc_hresult_known).
 */
CSC_API const char *csc_hresult_name(csc_hresult hr);

/*
 * Looks up a code by name, case-insensitively. A Win32 name
 * ("ERROR_CANCELLED") gives its Win32 code and *is_hresult = false; an HRESULT
 * name ("S_OK", "E_INVALIDARG", ...) gives its HRESULT and *is_hresult = true.
 * Returns false (outputs untouched) for an unknown name or a NULL argument.
 */
CSC_API bool csc_error_from_name(const char *name, uint32_t *value, bool *is_hresult);

/*
 * The uint32 a WMI method returns for an HRESULT (contract C4.8): 0 for S_OK,
 * the Win32 code xxxx for 0x8007xxxx, any other HRESULT as its own bits.
 */
CSC_API uint32_t csc_hresult_to_wmi(csc_hresult hr);

#ifdef __cplusplus
}
#endif

#endif
