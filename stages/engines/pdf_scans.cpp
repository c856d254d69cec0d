#include "stages/engines/pdf_scans.h"

#include <algorithm>

#include "stages/engines/image_engine.h"

namespace pressarchive {

PdfScans::PdfScans(std::unique_ptr<PdfScanReader> reader) : reader_(std::move(reader)) {}
PdfScans::~PdfScans() = default;

std::unique_ptr<PdfScans> PdfScans::open(const std::filesystem::path& path,
                                         const std::string& password) {
  std::unique_ptr<PdfScanReader> reader = open_pdf_scan_reader(path, password);
  if (!reader) return nullptr;
  return std::unique_ptr<PdfScans>(new PdfScans(std::move(reader)));
}

std::optional<EmbeddedScan> PdfScans::page_scan(int index, std::int64_t max_pixels) {
  std::lock_guard lock(mutex_);  // qpdf's objects are not shared between threads
  return reader_->page_scan(index, max_pixels);
}

Result<PageImage> decode_scan(const EmbeddedScan& scan) {
  switch (scan.encoding) {
    case EmbeddedScan::Encoding::kJpeg:
      return decode_jpeg_grey(scan.data, scan.width, scan.height, scan.dpi);
    case EmbeddedScan::Encoding::kG4:
      return decode_g4(scan.data, scan.width, scan.height, scan.black_is_1, scan.dpi);
    case EmbeddedScan::Encoding::kSamples:
      break;
  }
  PageImage out;
  out.width = scan.width;
  out.height = scan.height;
  out.dpi = scan.dpi;
  out.bilevel = scan.bits == 1;
  out.pixels.resize(static_cast<std::size_t>(scan.width) * scan.height);
  const std::size_t row_bytes =
      (static_cast<std::size_t>(scan.width) * scan.components * scan.bits + 7) / 8;
  for (int y = 0; y < scan.height; ++y) {
    const auto* in = reinterpret_cast<const std::uint8_t*>(scan.data.data()) + y * row_bytes;
    std::uint8_t* row = &out.pixels[static_cast<std::size_t>(y) * scan.width];
    if (scan.bits == 1) {
      for (int x = 0; x < scan.width; ++x) row[x] = (in[x >> 3] & (0x80 >> (x & 7))) ? 255 : 0;
    } else if (scan.components == 1) {
      std::copy(in, in + scan.width, row);
    } else {
      // Luminance with the weights Poppler uses when it renders to grey.
      for (int x = 0; x < scan.width; ++x, in += 3)
        row[x] = static_cast<std::uint8_t>((in[0] * 77 + in[1] * 151 + in[2] * 28 + 128) >> 8);
    }
  }
  return out;
}

}  // namespace pressarchive
