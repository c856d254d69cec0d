// discover: turn the paths a user gave into Sources (exact path, format by content,
// SHA-256). Reads files; thread-compatible (no shared state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

// Identifies a file's format from its leading bytes (at least 16 are enough). PDF is
// recognised when "%PDF-" appears in the first 1024 bytes, because real scanners and
// mailers put junk before the header and PDF readers accept it.
SourceFormat sniff_format(std::string_view head);

// Lowercase hex SHA-256 of a file's bytes, streamed (constant memory).
Result<std::string> sha256_file(const std::filesystem::path& path);
// The same of bytes in memory.
std::string sha256_bytes(std::string_view bytes);

struct Discovery {
  std::vector<Source> sources;      // sorted by path, each file once
  std::vector<Failure> unreadable;  // paths that could not be read or hashed
};

// Walks files and folders (recursively, not following directory symlinks), skipping
// hidden files and folders below a given root. A path that does not exist becomes a
// failure with stage "discover". Files of unknown format are still returned as
// Sources so that they end as a failure record, not silently ignored.
Discovery discover_sources(const std::vector<std::filesystem::path>& roots);

}  // namespace pressarchive
