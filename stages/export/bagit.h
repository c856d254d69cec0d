// BagIt (RFC 8493) around a package: the payload under data/, a SHA-256 manifest,
// bag-info.txt with Payload-Oxum, and a tag manifest, as Archivematica takes a transfer.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "stages/core/result.h"

namespace pressarchive {

struct PayloadFile {
  std::string path;  // relative to data/, with forward slashes
  std::string sha256;
  std::uintmax_t size = 0;
};

struct BagInfo {
  std::string source_organization;  // omitted when empty
  std::string bagging_date;         // YYYY-MM-DD
  std::string external_identifier;
  std::string external_description;
};

// Writes the tag files of a bag whose payload (`files`) is already under `bag_dir`/data.
Status write_bag_tags(const std::filesystem::path& bag_dir, const std::vector<PayloadFile>& files,
                      const BagInfo& info);

// Checks a bag as a receiving system does: bagit.txt present, every payload file listed
// in the manifest with the right SHA-256 and every file listed present, Payload-Oxum
// right. The error says what differs.
Status verify_bag(const std::filesystem::path& bag_dir);

}  // namespace pressarchive
