#include "stages/web/services/record_exports.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "stages/export/jsonl_writer.h"
#include "stages/export/package.h"
#include "stages/ingest/discover.h"

namespace pressarchive::web {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Everything the package is made of: the record as its JSON shows it, its history and
// the export settings. A change to any of them is another package.
std::string package_key(const Record& record, const std::vector<Event>& events,
                        const ExportOptions& options) {
  std::string contents = record_to_json(record).dump();
  for (const Event& e : events)
    contents += "\n" + std::to_string(e.id) + " " + e.at + " " + e.type + " " + e.detail;
  contents += "\n" + options.organisation + " " + std::to_string(options.image_width) + " " +
              std::to_string(options.jpeg_quality);
  return std::to_string(record.id) + "-" + sha256_bytes(contents).substr(0, 16);
}

// The bytes of the files under `dir`.
std::uintmax_t size_of(const fs::path& dir) {
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  return bytes;
}

// A package served from the cache counts as just used (its folder's time is when it was
// last asked for), so eviction takes the least recently used first.
void mark_used(const fs::path& package) {
  std::error_code ec;
  fs::last_write_time(package, fs::file_time_type::clock::now(), ec);
}

}  // namespace

void RecordExports::evict(const fs::path& keep) {
  struct Entry {
    fs::file_time_type used;
    fs::path path;
    std::uintmax_t bytes;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(cache_dir_ / "packages", ec)) {
    const std::uintmax_t bytes = size_of(e.path());
    total += bytes;
    if (e.path() != keep) entries.push_back({e.last_write_time(ec), e.path(), bytes});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= options_.cache_bytes) break;
    fs::remove_all(e.path, ec);
    if (!ec) total -= e.bytes;
  }
}

Result<fs::path> RecordExports::package(const Record& record, const std::vector<Event>& events) {
  const std::string key = package_key(record, events, options_);
  const std::string id = std::to_string(record.id);
  const fs::path full = cache_dir_ / "packages" / key;
  const fs::path without_images = cache_dir_ / "packages" / (key + "-no-images");
  std::lock_guard lock(mutex_);
  if (fs::exists(full / id / "mets.xml")) {
    mark_used(full);
    return full / id;
  }
  PackageOptions options;
  options.image_width = options_.image_width;
  options.jpeg_quality = options_.jpeg_quality;
  options.organisation = options_.organisation;
  options.load = options_.load;
  const PackageInput input{&record, events, record.duplicate_of};
  std::error_code ec;
  fs::create_directories(full, ec);
  const Status written = write_package(input, full, options);
  if (written.ok()) {
    evict(full);
    return full / id;
  }
  fs::remove_all(full, ec);
  // The source moved or changed: what needs no source (METS, the ALTO of OCR pages).
  if (fs::exists(without_images / id / "mets.xml")) {
    mark_used(without_images);
    return without_images / id;
  }
  options.images = false;
  fs::create_directories(without_images, ec);
  if (write_package(input, without_images, options).ok()) {
    evict(without_images);
    return without_images / id;
  }
  fs::remove_all(without_images, ec);
  return written.error();
}

Result<std::string> RecordExports::file(const Record& record, const std::vector<Event>& events,
                                        ExportFile file, int page_number) {
  Result<fs::path> dir = package(record, events);
  if (!dir.ok()) return dir.error();
  std::string name;
  switch (file) {
    case ExportFile::kMets:
      name = "mets.xml";
      break;
    case ExportFile::kAlto: {
      char padded[32];
      std::snprintf(padded, sizeof padded, "alto/%08d.xml", page_number);
      name = padded;
      break;
    }
    case ExportFile::kPdf:
      name = std::to_string(record.id) + ".pdf";
      break;
  }
  if (std::optional<std::string> bytes = read_all(*dir / name)) return std::move(*bytes);
  return make_error(Reason::kUnsupported,
                    "record " + std::to_string(record.id) + " has no " +
                        (file == ExportFile::kAlto ? "ALTO for page " + std::to_string(page_number)
                         : file == ExportFile::kPdf
                             ? "PDF (a scan's searchable PDF is made from its source, which "
                               "is not where it was archived from)"
                             : "METS file") +
                        ".");
}

}  // namespace pressarchive::web
