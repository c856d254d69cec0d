#include "stages/core/model.h"

namespace pressarchive {

const char* media_type(SourceFormat format) {
  switch (format) {
    case SourceFormat::kPdf:
      return "application/pdf";
    case SourceFormat::kPng:
      return "image/png";
    case SourceFormat::kJpeg:
      return "image/jpeg";
    case SourceFormat::kTiff:
      return "image/tiff";
    case SourceFormat::kGif:
      return "image/gif";
    case SourceFormat::kBmp:
      return "image/bmp";
    case SourceFormat::kPnm:
      return "image/x-portable-anymap";
    case SourceFormat::kWebp:
      return "image/webp";
    case SourceFormat::kJp2:
      return "image/jp2";
    case SourceFormat::kUnknown:
      break;
  }
  return "application/octet-stream";
}

const char* format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kPdf:
      return "pdf";
    case SourceFormat::kPng:
      return "png";
    case SourceFormat::kJpeg:
      return "jpeg";
    case SourceFormat::kTiff:
      return "tiff";
    case SourceFormat::kGif:
      return "gif";
    case SourceFormat::kBmp:
      return "bmp";
    case SourceFormat::kPnm:
      return "pnm";
    case SourceFormat::kWebp:
      return "webp";
    case SourceFormat::kJp2:
      return "jp2";
    case SourceFormat::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool is_image_format(SourceFormat format) {
  return format != SourceFormat::kPdf && format != SourceFormat::kUnknown;
}

const char* page_method_name(PageMethod method) {
  switch (method) {
    case PageMethod::kTextLayer:
      return "text-layer";
    case PageMethod::kOcr:
      return "ocr";
    case PageMethod::kFailed:
      return "failed";
  }
  return "failed";
}

namespace {
std::string* field_of(Metadata& m, const std::string& field) {
  return field == "title"           ? &m.title
         : field == "subtitle"      ? &m.subtitle
         : field == "release_date"  ? &m.release_date
         : field == "place"         ? &m.place
         : field == "issuer"        ? &m.issuer
         : field == "language"      ? &m.language
         : field == "document_type" ? &m.document_type
                                    : nullptr;
}
}  // namespace

bool set_metadata_field(Metadata& m, const std::string& field, const std::string& value) {
  std::string* target = field_of(m, field);
  if (target) *target = value;
  return target != nullptr;
}

std::string metadata_field(const Metadata& m, const std::string& field) {
  const std::string* value = field_of(const_cast<Metadata&>(m), field);
  return value ? *value : std::string();
}

void apply_corrections(Metadata& metadata, const std::map<std::string, std::string>& corrections) {
  for (const auto& [field, value] : corrections)
    if (set_metadata_field(metadata, field, value))
      metadata.confidence[field] = 1.0;  // a person said so
}

const char* record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::kBornDigital:
      return "born-digital";
    case RecordKind::kScanned:
      return "scanned";
    case RecordKind::kImage:
      return "image";
    case RecordKind::kMixed:
      return "mixed";
  }
  return "scanned";
}

}  // namespace pressarchive
