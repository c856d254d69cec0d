// Scans taken out of PDF pages, through qpdf (pdf_scans_qpdf.cpp). A
// scanned PDF page is usually one image placed over the whole page; taking that image out
// (and decoding it) costs a fraction of rendering the page with Poppler. Anything else on the page,
// or anything unusual about the image, and the page is left to be rendered.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

// The image of a page that is nothing but a scan, still encoded as in the PDF.
struct EmbeddedScan {
  enum class Encoding { kJpeg, kG4, kSamples };
  Encoding encoding = Encoding::kSamples;
  int width = 0;
  int height = 0;
  int components = 1;       // kSamples: 1 (grey) or 3 (RGB)
  int bits = 8;             // kSamples: 1 or 8
  bool black_is_1 = false;  // kG4: PDF's /BlackIs1
  int dpi = 0;              // image pixels over the page's width in inches
  std::string data;         // JPEG or G4 bytes as stored, or the inflated samples
};

// What pdf_scans_qpdf.cpp implements: one open PDF.
class PdfScanReader {
 public:
  virtual ~PdfScanReader() = default;
  virtual std::optional<EmbeddedScan> page_scan(int index, std::int64_t max_pixels) = 0;
};

// nullptr when qpdf cannot read the file.
std::unique_ptr<PdfScanReader> open_pdf_scan_reader(const std::filesystem::path& path,
                                                    const std::string& password);

class PdfScans {
 public:
  ~PdfScans();
  PdfScans(const PdfScans&) = delete;
  PdfScans& operator=(const PdfScans&) = delete;

  // nullptr when qpdf cannot read the file at all (the pages are then rendered).
  static std::unique_ptr<PdfScans> open(const std::filesystem::path& path,
                                        const std::string& password);

  // The page's scan when page `index` (0-based) shows exactly one image, upright and
  // covering the page, in an encoding decoded here (JPEG, CCITT G4, 1- or 8-bit grey or
  // RGB samples), with no more than max_pixels pixels; nullopt otherwise. Nothing is
  // decompressed before the size is checked.
  std::optional<EmbeddedScan> page_scan(int index, std::int64_t max_pixels);

 private:
  explicit PdfScans(std::unique_ptr<PdfScanReader> reader);
  std::unique_ptr<PdfScanReader> reader_;
  std::mutex mutex_;
};

// Decodes a page scan to the grey raster OCR takes; an error when the bytes do not
// decode to the size the PDF declares (the page is then rendered instead).
Result<PageImage> decode_scan(const EmbeddedScan& scan);

}  // namespace pressarchive
