/*
 * cscsim/export.h: the CSC_API macro that marks the library's public symbols.
 * The library is built with hidden visibility; only CSC_API functions are
 * exported from the shared object.
 */
#ifndef CSCSIM_EXPORT_H
#define CSCSIM_EXPORT_H

#if defined(CSC_BUILDING_LIBRARY) && defined(__GNUC__)
#define CSC_API __attribute__((visibility("default")))
#else
#define CSC_API
#endif

#endif
