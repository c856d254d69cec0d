#include "stages/model.h"

namespace pressarchive {

const char* format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kPdf: return "pdf";
    case SourceFormat::kPng: return "png";
    case SourceFormat::kJpeg: return "jpeg";
    case SourceFormat::kTiff: return "tiff";
    case SourceFormat::kGif: return "gif";
    case SourceFormat::kBmp: return "bmp";
    case SourceFormat::kPnm: return "pnm";
    case SourceFormat::kWebp: return "webp";
    case SourceFormat::kJp2: return "jp2";
    case SourceFormat::kUnknown: return "unknown";
  }
  return "unknown";
}

bool is_image_format(SourceFormat format) {
  return format != SourceFormat::kPdf && format != SourceFormat::kUnknown;
}

const char* page_method_name(PageMethod method) {
  switch (method) {
    case PageMethod::kTextLayer: return "text-layer";
    case PageMethod::kOcr: return "ocr";
    case PageMethod::kFailed: return "failed";
  }
  return "failed";
}

const char* record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::kBornDigital: return "born-digital";
    case RecordKind::kScanned: return "scanned";
    case RecordKind::kImage: return "image";
    case RecordKind::kMixed: return "mixed";
  }
  return "scanned";
}

}  // namespace pressarchive
