#include "stages/web/services/page_images.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stages/core/page_layout.h"
#include "stages/core/text_util.h"
#include "stages/engines/image_engine.h"
#include "stages/export/record_pages.h"

namespace pressarchive::web {
namespace {

// Screen images: smaller than the archival exports' (quality 85), sharp enough to read.
constexpr int kJpegQuality = 80;

std::optional<std::string> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Written beside and renamed into place, so a reader never sees half a file and two
// threads rendering the same page at once each leave a whole one.
Status write_atomically(const std::filesystem::path& path, const std::string& bytes) {
  static std::atomic<int> counter{0};
  const std::filesystem::path temporary =
      path.string() + ".tmp" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out.flush())
      return make_error(Reason::kIo, temporary.string() + ": cannot write the page image cache");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return make_error(Reason::kIo, path.string() + ": " + ec.message());
  return Status::Ok();
}

// The words of a rendered page, lowercased as the search reads them, with their boxes:
// {"width": W, "height": H, "words": [[word, x, y, w, h], ...]}.
std::string words_json(const RecordPage& page) {
  nlohmann::json words = nlohmann::json::array();
  for (const LayoutWord* w : layout_words(page.layout))
    for (const std::string& word : pressarchive::words(w->text))
      words.push_back({word, static_cast<int>(w->box.x), static_cast<int>(w->box.y),
                       static_cast<int>(w->box.width + 0.5),
                       static_cast<int>(w->box.height + 0.5)});
  return nlohmann::json{
      {"width", page.image.width}, {"height", page.image.height}, {"words", words}}
      .dump();
}

}  // namespace

std::filesystem::path PageImages::cache_path(const Record& record, int page_number, int width,
                                             const char* suffix) const {
  return cache_dir_ / (std::to_string(record.id) + "-p" + std::to_string(page_number) + "-w" +
                       std::to_string(width) + "-" + record.sha256.substr(0, 16) + suffix);
}

Status PageImages::render(const Record& record, int page_number, int width) {
  Result<RecordPages> pages = RecordPages::open(record, load_options_);
  if (!pages.ok()) return pages.error();
  Result<RecordPage> page = pages->page(page_number, width);
  if (!page.ok()) return page.error();
  Result<std::string> jpeg = encode_jpeg(page->image, kJpegQuality);
  if (!jpeg.ok()) return jpeg.error();
  std::error_code ec;
  std::filesystem::create_directories(cache_dir_, ec);
  if (Status s = write_atomically(cache_path(record, page_number, width, ".words.json"),
                                  words_json(*page));
      !s.ok())
    return s;
  return write_atomically(cache_path(record, page_number, width, ".jpg"), *jpeg);
}

Result<std::string> PageImages::jpeg(const Record& record, int page_number, int width) {
  const std::filesystem::path path = cache_path(record, page_number, width, ".jpg");
  if (std::optional<std::string> cached = read_all(path)) return std::move(*cached);
  if (Status s = render(record, page_number, width); !s.ok()) return s.error();
  if (std::optional<std::string> rendered = read_all(path)) return std::move(*rendered);
  return make_error(Reason::kIo, path.string() + ": the rendered page image cannot be read back");
}

Result<PageHits> PageImages::hit_boxes(const Record& record, int page_number, int width,
                                       const std::vector<std::string>& words) {
  const std::filesystem::path path = cache_path(record, page_number, width, ".words.json");
  std::optional<std::string> cached = read_all(path);
  if (!cached) {
    if (Status s = render(record, page_number, width); !s.ok()) return s.error();
    cached = read_all(path);
  }
  const nlohmann::json layout = nlohmann::json::parse(cached.value_or(""), nullptr, false);
  if (!layout.is_object())
    return make_error(Reason::kIo, path.string() + ": unreadable word boxes");
  PageHits hits;
  hits.width = layout.value("width", 0);
  hits.height = layout.value("height", 0);
  for (const nlohmann::json& w : layout.value("words", nlohmann::json::array())) {
    if (!w.is_array() || w.size() != 5 || !w[0].is_string()) continue;
    if (std::find(words.begin(), words.end(), w[0].get<std::string>()) == words.end()) continue;
    hits.boxes.push_back({w[1].get<int>(), w[2].get<int>(), w[3].get<int>(), w[4].get<int>()});
  }
  return hits;
}

}  // namespace pressarchive::web
