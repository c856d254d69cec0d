// One record as an archival package: a folder named by the record id with mets.xml,
// alto/00000001.xml …, images/00000001.jpg … and the PDF (the searchable PDF of a scan,
// the original of a born-digital source), optionally as a BagIt bag.
//
// The package is written under a temporary name beside its final one and renamed into
// place, so a killed export leaves no half-written package; the same record exports to
// the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/ingest/load.h"

namespace pressarchive {

struct PackageOptions {
  bool images =
      true;  // false: no page images and no searchable PDF (no source needed for OCR pages)
  bool bag = false;
  int image_width = 1500;  // pixels of the DEFAULT page images
  int jpeg_quality = 85;
  std::string organisation;  // the archive's name, for MODS, METS and bag-info.txt
  LoadOptions load;          // how the source was read at ingest (render DPI, PDF password)
};

struct PackageInput {
  const Record* record = nullptr;
  std::vector<Event> events;
  std::optional<std::int64_t> canonical;  // canonical record of its cluster
};

// Writes the package of `input.record` as `out_dir`/<id>, replacing an older one.
// Errors name the record and the reason (a moved or changed source is kIo); nothing is
// left under `out_dir` then but what was there before.
Status write_package(const PackageInput& input, const std::filesystem::path& out_dir,
                     const PackageOptions& options);

// Removes what killed exports left under `out_dir` (their temporary folders).
void remove_partial_packages(const std::filesystem::path& out_dir);

}  // namespace pressarchive
