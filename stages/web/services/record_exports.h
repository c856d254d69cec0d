// The archival exports of one record, for the record screen's downloads: the record's
// package as `pressarchive export --format mets` writes it (mets.xml with MODS and
// PREMIS, ALTO 4.4 per page, the PDF: searchable for a scan, the original file of a
// born-digital source), written on first request into the cache under a key of the
// record's id and a hash of its contents and history, so that an edit or a reprocessing
// gives a new package and a download is byte for byte what the export command writes.
// The cache is bounded (ExportOptions::cache_bytes): packages of records as they were
// before an edit, and those not asked for since, go first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/ingest/load.h"

namespace pressarchive::web {

struct ExportOptions {
  std::string organisation;  // [export] organisation, for MODS and METS
  int image_width = 1500;    // [export] image_width
  int jpeg_quality = 85;     // [export] jpeg_quality
  LoadOptions load;          // how the source was read at ingest
  // [web] export_cache_mb: the packages kept may take this many bytes; beyond it the
  // least recently used ones are removed (never the one just asked for).
  std::uintmax_t cache_bytes = std::uintmax_t{512} << 20;
};

enum class ExportFile { kMets, kAlto, kPdf };

class RecordExports {
 public:
  RecordExports(std::filesystem::path cache_dir, ExportOptions options)
      : cache_dir_(std::move(cache_dir)), options_(std::move(options)) {}

  // The bytes of `file` (for kAlto, of page `page_number`) of `record`'s package, written
  // first when the cache has none for the record as it is now. When the source is gone
  // the package is written without page images (METS and the ALTO of OCR pages need no
  // source; a born-digital record's package does). kUnsupported when the package has no
  // such file (a failed page has no ALTO; a scan without its source has no PDF), kIo when no
  // package can be written (the message names the source and what is wrong).
  // Thread-safe: packages are written one at a time.
  Result<std::string> file(const Record& record, const std::vector<Event>& events, ExportFile file,
                           int page_number);

 private:
  Result<std::filesystem::path> package(const Record& record, const std::vector<Event>& events);
  // Removes the least recently used packages until the cache is within
  // options_.cache_bytes; `keep` (the package just served) stays. Under mutex_.
  void evict(const std::filesystem::path& keep);

  std::filesystem::path cache_dir_;
  ExportOptions options_;
  std::mutex mutex_;  // write_package names its temporary folder by process, not thread
};

}  // namespace pressarchive::web
