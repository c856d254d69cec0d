// The source loaders on arbitrary files: sniff_format, load_source and page() for the
// first pages, so Poppler (PDF) and Leptonica with libtiff, libpng, libjpeg, giflib,
// libwebp and OpenJPEG (images) all read hostile bytes through our facades.
//
// Limits are small so that one input costs little: 4 Mpx per page, 5 pages per source,
// PDF pages rendered at 100 DPI (the code paths are those of 300 DPI; the fitting of a
// page into max_page_pixels still runs for large pages).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "stages/ingest/discover.h"
#include "stages/ingest/load.h"

namespace {

constexpr int kPagesToLoad = 3;

// One file per fuzzer process, rewritten for every input (the engines read paths).
const std::filesystem::path& input_path() {
  static const std::filesystem::path path = [] {
    const char* shm = "/dev/shm";
    const std::filesystem::path dir = std::filesystem::is_directory(shm)
                                          ? std::filesystem::path(shm)
                                          : std::filesystem::temp_directory_path();
    return dir / ("pressarchive-loader-fuzzer-" + std::to_string(getpid()));
  }();
  return path;
}

struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ec;
    std::filesystem::remove(input_path(), ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static RemoveAtExit cleanup;
  using namespace pressarchive;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    FUZZ_CHECK(out.good(), "the fuzz input could be written to a temporary file");
  }
  Source source;
  source.path = input_path();
  source.size = size;
  source.format = sniff_format(bytes.substr(0, 1024));

  LoadOptions options;
  options.render_dpi = 100;
  options.min_render_dpi = 20;
  options.max_page_pixels = 4'000'000;
  options.max_pages = 5;

  Result<std::shared_ptr<LoadedSource>> loaded = load_source(source, options);
  if (!loaded.ok()) {
    FUZZ_CHECK(!loaded.error().message.empty(), "a failure says what went wrong");
    return 0;
  }
  LoadedSource& document = **loaded;
  FUZZ_CHECK(document.page_count() >= 1 && document.page_count() <= options.max_pages,
             "an opened source has between 1 and max_pages pages");
  for (int i = 0; i < document.page_count() && i < kPagesToLoad; ++i) {
    Result<PageContent> page = document.page(i);
    if (!page.ok()) {
      FUZZ_CHECK(!page.error().message.empty(), "a failure says what went wrong");
      continue;
    }
    FUZZ_CHECK(page->text_lines.has_value() != page->image.has_value(),
               "a page is either a text layer or an image");
    if (page->image) {
      const PageImage& image = *page->image;
      FUZZ_CHECK(!image.empty(), "a decoded page has pixels");
      FUZZ_CHECK(static_cast<std::int64_t>(image.width) * image.height <= options.max_page_pixels,
                 "a decoded page stays within max_page_pixels");
      FUZZ_CHECK(image.pixels.size() == static_cast<std::size_t>(image.width) * image.height,
                 "the raster holds width x height bytes");
    }
  }
  return 0;
}
