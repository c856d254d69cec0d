// The qpdf side of pdf_scans.h: the only file that sees qpdf types.
#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <memory>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <vector>

#include "stages/engines/pdf_scans.h"

namespace pressarchive {
namespace {

using Matrix = std::array<double, 6>;  // a b c d e f, as PDF's cm

Matrix multiply(const Matrix& m, const Matrix& n) {  // m then n
  return {m[0] * n[0] + m[1] * n[2],        m[0] * n[1] + m[1] * n[3],
          m[2] * n[0] + m[3] * n[2],        m[2] * n[1] + m[3] * n[3],
          m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]};
}

// Reads a page's content stream and accepts only what a scanner or img2pdf writes:
// save/restore, transformation matrices and one XObject drawn. Any other operator
// (text, paths, inline images, a second XObject) means the page is more than a scan.
class ScanOnlyContent : public QPDFObjectHandle::ParserCallbacks {
 public:
  void handleObject(QPDFObjectHandle object) override {
    if (!object.isOperator()) {
      // No operator of a scan page takes more than six operands; a stream of millions of
      // numbers is not a scan page and must not be collected.
      if (operands_.size() >= 6) return reject();
      operands_.push_back(object);
      return;
    }
    const std::string op = object.getOperatorValue();
    if (op == "q") {
      if (stack_.size() >= 28) return reject();  // PDF's own nesting limit for q
      stack_.push_back(ctm_);
    } else if (op == "Q") {
      if (stack_.empty()) return reject();
      ctm_ = stack_.back();
      stack_.pop_back();
    } else if (op == "cm") {
      if (operands_.size() != 6) return reject();
      Matrix m{};
      for (std::size_t i = 0; i < 6; ++i) {
        if (!operands_[i].isNumber()) return reject();
        m[i] = operands_[i].getNumericValue();
      }
      ctm_ = multiply(m, ctm_);
    } else if (op == "Do") {
      if (operands_.size() != 1 || !operands_[0].isName() || name_) return reject();
      name_ = operands_[0].getName();
      placement_ = ctm_;
    } else if (!harmless(op)) {
      return reject();
    }
    operands_.clear();
  }
  void handleEOF() override {}

  bool ok() const { return !rejected_ && name_.has_value(); }
  const std::string& name() const { return *name_; }
  const Matrix& placement() const { return placement_; }

 private:
  // Graphics state that changes nothing about how an image is drawn: rendering intent,
  // flatness, and line styles (there are no lines).
  static bool harmless(const std::string& op) {
    return op == "ri" || op == "i" || op == "w" || op == "J" || op == "j" || op == "M" || op == "d";
  }

  void reject() {
    rejected_ = true;
    terminateParsing();
  }

  std::vector<QPDFObjectHandle> operands_;
  std::vector<Matrix> stack_;
  Matrix ctm_{1, 0, 0, 1, 0, 0};
  Matrix placement_{};
  std::optional<std::string> name_;
  bool rejected_ = false;
};

// Collects inflated samples, refusing more than the image's declared size, so a small
// stream that inflates to gigabytes stops at the first byte too many.
class BoundedBuffer : public Pipeline {
 public:
  explicit BoundedBuffer(std::size_t limit)
      : Pipeline("pressarchive bounded buffer", nullptr), limit_(limit) {}
  void write(unsigned char const* data, size_t len) override {
    if (len > limit_ - bytes.size())
      throw std::length_error("image stream inflates beyond its declared size");
    bytes.append(reinterpret_cast<const char*>(data), len);
  }
  void finish() override {}
  std::string bytes;

 private:
  std::size_t limit_;
};

std::optional<std::string> single_filter(QPDFObjectHandle dict) {
  QPDFObjectHandle filter = dict.getKey("/Filter");
  if (filter.isNull()) return std::string();
  if (filter.isArray()) {
    if (filter.getArrayNItems() != 1) return std::nullopt;
    filter = filter.getArrayItem(0);
  }
  if (!filter.isName()) return std::nullopt;
  return filter.getName();
}

QPDFObjectHandle single_parms(QPDFObjectHandle dict) {
  QPDFObjectHandle parms = dict.getKey("/DecodeParms");
  if (parms.isArray() && parms.getArrayNItems() == 1) parms = parms.getArrayItem(0);
  return parms;
}

// 1 for grey, 3 for RGB, 0 for anything else (CMYK, indexed, Lab, separations).
int colour_components(QPDFObjectHandle space) {
  if (space.isName()) {
    const std::string name = space.getName();
    return name == "/DeviceGray" ? 1 : name == "/DeviceRGB" ? 3 : 0;
  }
  if (space.isArray() && space.getArrayNItems() == 2 && space.getArrayItem(0).isName()) {
    const std::string family = space.getArrayItem(0).getName();
    QPDFObjectHandle arg = space.getArrayItem(1);
    if (family == "/ICCBased" && arg.isStream()) {
      QPDFObjectHandle n = arg.getDict().getKey("/N");
      if (n.isInteger() && (n.getIntValue() == 1 || n.getIntValue() == 3))
        return static_cast<int>(n.getIntValue());
    }
    if (family == "/CalGray") return 1;
    if (family == "/CalRGB") return 3;
  }
  return 0;
}

bool near(double a, double b, double tolerance) { return std::fabs(a - b) <= tolerance; }

}  // namespace

namespace {

class QpdfScanReader : public PdfScanReader {
 public:
  std::optional<EmbeddedScan> page_scan(int index, std::int64_t max_pixels) override;

  QPDF pdf;
  std::vector<QPDFPageObjectHelper> pages;
};

std::unique_ptr<PdfScanReader> open_reader(const std::filesystem::path& path,
                                           const std::string& password) {
  try {
    auto reader = std::make_unique<QpdfScanReader>();
    reader->pdf.setSuppressWarnings(true);
    reader->pdf.processFile(path.c_str(), password.empty() ? nullptr : password.c_str());
    reader->pages = QPDFPageDocumentHelper(reader->pdf).getAllPages();
    return reader;
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<EmbeddedScan> QpdfScanReader::page_scan(int index, std::int64_t max_pixels) {
  try {
    if (index < 0 || index >= static_cast<int>(pages.size())) return std::nullopt;
    QPDFPageObjectHelper& page = pages[static_cast<std::size_t>(index)];
    QPDFObjectHandle page_dict = page.getObjectHandle();
    // Poppler would draw annotations, turn the page, or show only its crop box.
    QPDFObjectHandle annots = page_dict.getKey("/Annots");
    if (annots.isArray() && annots.getArrayNItems() > 0) return std::nullopt;
    QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
    if (rotate.isInteger() && rotate.getIntValue() % 360 != 0) return std::nullopt;
    if (!page_dict.getKey("/UserUnit").isNull()) return std::nullopt;
    const QPDFObjectHandle::Rectangle media = page.getMediaBox().getArrayAsRectangle();
    const QPDFObjectHandle::Rectangle crop = page.getCropBox().getArrayAsRectangle();
    const double page_w = media.urx - media.llx, page_h = media.ury - media.lly;
    if (!(page_w > 1) || !(page_h > 1)) return std::nullopt;
    const double slack = 0.01 * std::max(page_w, page_h);
    if (!near(crop.llx, media.llx, slack) || !near(crop.lly, media.lly, slack) ||
        !near(crop.urx, media.urx, slack) || !near(crop.ury, media.ury, slack))
      return std::nullopt;

    ScanOnlyContent content;
    page.parseContents(&content);
    if (!content.ok()) return std::nullopt;
    // Upright, not mirrored, covering the page (within 1 %).
    const Matrix& m = content.placement();
    if (m[1] != 0 || m[2] != 0 || !(m[0] > 0) || !(m[3] > 0)) return std::nullopt;
    if (!near(m[4], media.llx, slack) || !near(m[5], media.lly, slack) ||
        !near(m[0], page_w, slack) || !near(m[3], page_h, slack))
      return std::nullopt;

    QPDFObjectHandle xobjects = page.getAttribute("/Resources", false);
    if (!xobjects.isDictionary()) return std::nullopt;
    xobjects = xobjects.getKey("/XObject");
    if (!xobjects.isDictionary()) return std::nullopt;
    QPDFObjectHandle image = xobjects.getKey(content.name());
    if (!image.isStream()) return std::nullopt;
    QPDFObjectHandle dict = image.getDict();
    if (!dict.getKey("/Subtype").isNameAndEquals("/Image")) return std::nullopt;
    if (dict.getKey("/ImageMask").isBool() && dict.getKey("/ImageMask").getBoolValue())
      return std::nullopt;
    if (!dict.getKey("/Mask").isNull() || !dict.getKey("/SMask").isNull() ||
        !dict.getKey("/Decode").isNull())
      return std::nullopt;
    QPDFObjectHandle w = dict.getKey("/Width"), h = dict.getKey("/Height");
    if (!w.isInteger() || !h.isInteger()) return std::nullopt;
    const long long width = w.getIntValue(), height = h.getIntValue();
    if (width <= 0 || height <= 0 || width > (1 << 30) || height > (1 << 30)) return std::nullopt;
    if (width * height > max_pixels) return std::nullopt;

    EmbeddedScan scan;
    scan.width = static_cast<int>(width);
    scan.height = static_cast<int>(height);
    // Pixels must be square: Poppler would stretch them, this path does not.
    const double dpi_x = width / (page_w / 72.0), dpi_y = height / (page_h / 72.0);
    if (std::fabs(dpi_x - dpi_y) > 0.02 * dpi_x) return std::nullopt;
    scan.dpi = static_cast<int>(std::lround(dpi_x));

    const std::optional<std::string> filter = single_filter(dict);
    if (!filter) return std::nullopt;
    QPDFObjectHandle bits = dict.getKey("/BitsPerComponent");
    if (*filter == "/DCTDecode") {
      const int components = colour_components(dict.getKey("/ColorSpace"));
      if (components == 0) return std::nullopt;
      scan.encoding = EmbeddedScan::Encoding::kJpeg;
      std::shared_ptr<Buffer> raw = image.getRawStreamData();
      scan.data.assign(reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize());
    } else if (*filter == "/CCITTFaxDecode") {
      QPDFObjectHandle parms = single_parms(dict);
      if (!parms.isDictionary()) return std::nullopt;
      QPDFObjectHandle k = parms.getKey("/K"), columns = parms.getKey("/Columns"),
                       rows = parms.getKey("/Rows");
      QPDFObjectHandle black = parms.getKey("/BlackIs1"), align = parms.getKey("/EncodedByteAlign");
      if (!k.isInteger() || k.getIntValue() >= 0) return std::nullopt;  // G4 only
      if (!(columns.isNull() ? width == 1728
                             : columns.isInteger() && columns.getIntValue() == width))
        return std::nullopt;
      if (!rows.isNull() && !(rows.isInteger() && rows.getIntValue() == height))
        return std::nullopt;
      if (align.isBool() && align.getBoolValue()) return std::nullopt;
      scan.encoding = EmbeddedScan::Encoding::kG4;
      scan.black_is_1 = black.isBool() && black.getBoolValue();
      std::shared_ptr<Buffer> raw = image.getRawStreamData();
      scan.data.assign(reinterpret_cast<const char*>(raw->getBuffer()), raw->getSize());
    } else if (filter->empty() || *filter == "/FlateDecode") {
      const int components = colour_components(dict.getKey("/ColorSpace"));
      if (components == 0 || !bits.isInteger()) return std::nullopt;
      scan.encoding = EmbeddedScan::Encoding::kSamples;
      scan.components = components;
      scan.bits = static_cast<int>(bits.getIntValue());
      if (!(scan.bits == 8 || (scan.bits == 1 && components == 1))) return std::nullopt;
      const std::size_t row_bytes =
          (static_cast<std::size_t>(width) * components * scan.bits + 7) / 8;
      const std::size_t expected = row_bytes * static_cast<std::size_t>(height);
      BoundedBuffer samples(expected);
      bool filtered = false;
      if (!image.pipeStreamData(&samples, &filtered, 0, qpdf_dl_generalized, true) || !filtered ||
          samples.bytes.size() != expected)
        return std::nullopt;
      scan.data = std::move(samples.bytes);
    } else {
      return std::nullopt;  // JBIG2, JPEG 2000, LZW, run length: Poppler renders them
    }
    return scan;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::unique_ptr<PdfScanReader> open_pdf_scan_reader(const std::filesystem::path& path,
                                                    const std::string& password) {
  return open_reader(path, password);
}

}  // namespace pressarchive
