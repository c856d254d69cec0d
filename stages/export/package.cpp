#include "stages/export/package.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <system_error>

#include "stages/engines/image_engine.h"
#include "stages/export/alto_writer.h"
#include "stages/export/bagit.h"
#include "stages/export/mets_writer.h"
#include "stages/export/record_pages.h"
#include "stages/export/searchable_pdf.h"
#include "stages/ingest/discover.h"

namespace pressarchive {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPartialMarker = ".partial-";

std::string padded(int n) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08d", n);
  return buffer;
}

// Writes the package's files under `root` (the package folder, or its data/ in a bag),
// remembering each file's checksum for METS and the bag manifest.
class PackageFiles {
 public:
  explicit PackageFiles(fs::path root) : root_(std::move(root)) {}

  Status add(const std::string& relative, const std::string& bytes, const std::string& use,
             int page, const std::string& mime_type) {
    const fs::path path = root_ / relative;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (ec || !out) return make_error(Reason::kIo, path.string() + ": cannot write (disk full?)");
    const std::string sha = sha256_bytes(bytes);
    payload_.push_back(PayloadFile{relative, sha, bytes.size()});
    if (!use.empty())
      mets_.push_back(PackageFile{use, page, relative, mime_type, sha, bytes.size()});
    return Status::Ok();
  }

  const std::vector<PackageFile>& mets_files() const { return mets_; }
  const std::vector<PayloadFile>& payload() const { return payload_; }

 private:
  fs::path root_;
  std::vector<PackageFile> mets_;
  std::vector<PayloadFile> payload_;
};

std::string record_name(const Record& record) { return "record " + std::to_string(record.id); }

Error about(const Record& record, const Error& error) {
  return make_error(error.reason, record_name(record) + ": " + error.message);
}

Result<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return make_error(Reason::kIo, path.string() + ": cannot read");
  return bytes;
}

// The page images, their ALTO and the searchable PDF (of a scan); the pages' words are
// in the images' pixels.
Status write_pages(const PackageInput& input, const PackageOptions& options, PackageFiles& files) {
  const Record& record = *input.record;
  const Software software = software_of(record);
  const bool born_digital = record.kind == RecordKind::kBornDigital;
  std::optional<RecordPages> source;
  if (options.images || born_digital) {
    Result<RecordPages> opened = RecordPages::open(record, options.load);
    if (!opened.ok()) return opened.error();
    source.emplace(std::move(opened.value()));
  }
  std::vector<PdfPage> pdf_pages;
  std::vector<PageLayout> kept;  // the searchable PDF's words, alive until it is written
  kept.reserve(record.pages.size());
  for (const PageResult& stored : record.pages) {
    const std::string n = padded(stored.number);
    AltoPage alto{stored.number, stored.method, record.format == SourceFormat::kPdf, "",
                  record.metadata.language};
    PageLayout layout;
    if (options.images) {
      Result<RecordPage> page = source->page(stored.number, options.image_width);
      // A page that failed at ingest may fail again here (too large, unreadable): the
      // package then shows the pages that could be read, as the record does.
      if (!page.ok() && stored.method == PageMethod::kFailed) continue;
      if (!page.ok()) return page.error();
      Result<std::string> jpeg = encode_jpeg(page->image, options.jpeg_quality);
      if (!jpeg.ok()) return jpeg.error();
      alto.image_file = "images/" + n + ".jpg";
      if (Status s = files.add(alto.image_file, *jpeg, "DEFAULT", stored.number, "image/jpeg");
          !s.ok())
        return s;
      kept.push_back(std::move(page->layout));
      layout = kept.back();
      pdf_pages.push_back(PdfPage{std::move(jpeg.value()), page->image.width, page->image.height,
                                  static_cast<double>(page->image.dpi), &kept.back()});
    } else if (stored.method == PageMethod::kTextLayer) {
      Result<PageLayout> words = source->layout(stored.number);
      if (!words.ok()) return words.error();
      layout = std::move(words.value());
    } else {
      Result<PageLayout> words = stored_ocr_layout(stored, options.load.render_dpi);
      if (!words.ok()) return words.error();
      layout = std::move(words.value());
    }
    if (stored.method == PageMethod::kFailed) continue;  // no words to give
    if (Status s = files.add("alto/" + n + ".xml", write_alto(layout, alto, software), "FULLTEXT",
                             stored.number, "text/xml");
        !s.ok())
      return s;
  }
  const std::string pdf_name = std::to_string(record.id) + ".pdf";
  if (born_digital) {
    Result<std::string> original = read_whole(source->path());
    if (!original.ok()) return original.error();
    return files.add(pdf_name, *original, "DOWNLOAD", 0, "application/pdf");
  }
  if (!options.images) return Status::Ok();
  Result<std::string> pdf =
      write_searchable_pdf(pdf_pages, record.metadata.title, glyphless_font_path());
  if (!pdf.ok()) return pdf.error();
  return files.add(pdf_name, *pdf, "DOWNLOAD", 0, "application/pdf");
}

Status write_contents(const PackageInput& input, const fs::path& dir,
                      const PackageOptions& options) {
  const Record& record = *input.record;
  PackageFiles files(options.bag ? dir / "data" : dir);
  if (Status s = write_pages(input, options, files); !s.ok()) return s;
  MetsRecord mets{&record, input.events, files.mets_files(),
                  ModsContext{options.organisation, input.canonical}};
  if (Status s = files.add("mets.xml", write_mets(mets), "", 0, ""); !s.ok()) return s;
  if (!options.bag) return Status::Ok();
  const std::string changed = last_changed(record, input.events);
  BagInfo info{options.organisation, changed.substr(0, 10),
               "pressarchive-record-" + std::to_string(record.id), record.metadata.title};
  return write_bag_tags(dir, files.payload(), info);
}

}  // namespace

Status write_package(const PackageInput& input, const fs::path& out_dir,
                     const PackageOptions& options) {
  const Record& record = *input.record;
  const std::string name = std::to_string(record.id);
  const fs::path final_dir = out_dir / name;
  const fs::path partial = out_dir / ("." + name + kPartialMarker + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec)
    return make_error(Reason::kIo, partial.string() + ": cannot create (" + ec.message() + ")");
  Status written = Status::Ok();
  try {
    written = write_contents(input, partial, options);
  } catch (const std::bad_alloc&) {
    written = make_error(Reason::kTooLarge, "out of memory while writing the package");
  } catch (const std::exception& e) {
    written = make_error(Reason::kInternal, e.what());
  }
  if (!written.ok()) {
    fs::remove_all(partial, ec);
    return about(record, written.error());
  }
  // Swap the new package in: the old one is moved aside first, then removed.
  const fs::path old = out_dir / ("." + name + ".old-" + std::to_string(::getpid()));
  fs::remove_all(old, ec);
  if (fs::exists(final_dir, ec)) fs::rename(final_dir, old, ec);
  fs::rename(partial, final_dir, ec);
  if (ec) {
    fs::remove_all(partial, ec);
    return make_error(Reason::kIo, final_dir.string() + ": cannot move the package into place");
  }
  fs::remove_all(old, ec);
  return Status::Ok();
}

void remove_partial_packages(const fs::path& out_dir) {
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (auto it = fs::directory_iterator(out_dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 1 && name[0] == '.' &&
        (name.find(kPartialMarker) != std::string::npos || name.find(".old-") != std::string::npos))
      leftovers.push_back(it->path());
  }
  for (const fs::path& p : leftovers) fs::remove_all(p, ec);
}

}  // namespace pressarchive
