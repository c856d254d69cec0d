// Whether the archive's file system will take our writes, asked before a run starts and
// again when a write failed, so that the operator reads "the disk is full" or "the archive
// is read-only" instead of an SQLite error code, and reads it before hours of OCR.
#pragma once

#include <string>

#include "stages/core/result.h"

namespace pressarchive {

// Ok if this process can write the SQLite archive at `location`: the file, when it exists,
// and its folder (SQLite creates its -wal and -shm files beside it). Otherwise a kIo error
// that names the archive, says why and what to do. Locations that are not files (a
// database URL) are left to their backend and reported Ok.
Status check_store_writable(const std::string& location);

// After a write to the archive at `location` failed with `error`: one message naming the
// archive, the likely cause the file system shows (no space left, a file-size limit, no
// write permission) and what to do about it.
std::string explain_store_write_failure(const std::string& location, const Error& error);

}  // namespace pressarchive
