/*
 * cscsim.h: the one header users include. cscsim simulates the Windows
 * Offline Files cache (client-side caching, "CSC"): a tree of items keyed by
 * UNC path with pin sources, dirty state, access lists, and the Pin and Unpin
 * methods with Windows' progress protocol, codes and texts; besides it, the
 * servers' side and connectivity (<cscsim/remote.h>) and the applications
 * that use files through it (<cscsim/apps.h>). Each concept has its
 * own header under cscsim/; cscsim/scenario.h runs scenario texts on a
 * cache and writes the cache as text. Asynchronous operations on libuv are in
 * <cscsim/async.h>, included separately: it needs <uv.h>, which needs POSIX
 * (compile with -D_POSIX_C_SOURCE=200809L or gnu11).
 */
#ifndef CSCSIM_H
#define CSCSIM_H

#include "cscsim/version.h"
#include "cscsim/error.h"
#include "cscsim/cache.h"
#include "cscsim/item.h"
#include "cscsim/path.h"
#include "cscsim/pin.h"
#include "cscsim/policy.h"
#include "cscsim/remote.h"
#include "cscsim/apps.h"
#include "cscsim/space.h"
#include "cscsim/sync.h"
#include "cscsim/methods.h"
#include "cscsim/fault.h"
#include "cscsim/scenario.h"
#include "cscsim/snapshot.h"
#include "cscsim/record.h"

#endif
