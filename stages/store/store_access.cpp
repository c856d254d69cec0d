#include "stages/store/store_access.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

bool is_file_location(const std::string& location) {
  return location.find("://") == std::string::npos && !location.starts_with("postgres");
}

fs::path folder_of(const std::string& location) {
  const fs::path parent = fs::path(location).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// AT_EACCESS: the effective user's permission, which is the one open() will use.
int writable(const fs::path& path) {
  return faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0 ? 0 : errno;
}

std::string user_words() { return "user " + std::to_string(geteuid()); }

// Bytes this process may still put on the file system holding `folder` (root may use the
// blocks reserved for it).
std::optional<unsigned long long> space_left(const fs::path& folder) {
  struct statvfs info {};
  if (statvfs(folder.c_str(), &info) != 0) return std::nullopt;
  return static_cast<unsigned long long>(geteuid() == 0 ? info.f_bfree : info.f_bavail) *
         info.f_frsize;
}

}  // namespace

Status check_store_writable(const std::string& location) {
  if (!is_file_location(location)) return Status::Ok();
  const fs::path folder = folder_of(location);
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    return make_error(Reason::kIo, location + ": cannot write the archive: the folder " +
                                       folder.string() +
                                       " does not exist; create it or choose another --store");
  if (fs::exists(location, ec)) {
    if (const int e = writable(location); e != 0)
      return make_error(Reason::kIo,
                        location + ": cannot write the archive: it is read-only for " +
                            user_words() + " (" + std::strerror(e) +
                            "); make it writable or run as its owner. Nothing was started.");
  }
  if (const int e = writable(folder); e != 0)
    return make_error(Reason::kIo,
                      location + ": cannot write the archive: its folder " + folder.string() +
                          " is read-only for " + user_words() + " (" + std::strerror(e) +
                          "), and SQLite writes its journal there; make the folder writable "
                          "or move the archive. Nothing was started.");
  if (space_left(folder) == 0ull)
    return make_error(Reason::kIo,
                      location + ": cannot write the archive: the disk holding " + folder.string() +
                          " is full; free space or move the archive. Nothing was started.");
  return Status::Ok();
}

std::string explain_store_write_failure(const std::string& location, const Error& error) {
  std::string cause;
  if (is_file_location(location)) {
    const fs::path folder = folder_of(location);
    const std::optional<unsigned long long> left = space_left(folder);
    struct rlimit file_size {};
    if (left && *left < 4ull * 1024 * 1024) {
      cause = "the disk is full (" + std::to_string(*left / 1024) + " KiB left)";
    } else if (getrlimit(RLIMIT_FSIZE, &file_size) == 0 && file_size.rlim_cur != RLIM_INFINITY) {
      cause = "the disk is full for this process: its file-size limit (ulimit -f) is " +
              std::to_string(file_size.rlim_cur / 1024) + " KiB";
    } else if (Status writable_now = check_store_writable(location); !writable_now.ok()) {
      cause = "it is no longer writable";
    }
  }
  return "cannot write to the archive " + location + (cause.empty() ? "" : ": " + cause) + "\n  (" +
         error.message +
         ")\n  Free disk space or fix the archive's permissions, then run the same command "
         "again: what was archived is kept, nothing is half-written, and the rest is done then.";
}

}  // namespace pressarchive
