#include "stages/export/csv_writer.h"

#include <cstdio>
#include <vector>

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

constexpr const char* kColumns[] = {
    "id",          "status",         "release_date", "title",          "subtitle",
    "place",       "issuer",         "language",     "document_type",  "kind",
    "pages",       "ocr_confidence", "needs_review", "review_reasons", "cluster",
    "revision_of", "source_paths",   "sha256"};

std::string joined(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += separator;
    out += v;
  }
  return out;
}

// A number we wrote ourselves: never a formula, written as is.
std::string plain(std::string_view value) { return "\"" + std::string(value) + "\""; }

void write_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << fields[i];
  out << "\r\n";
}

}  // namespace

std::string csv_field(std::string_view value) {
  std::string text = valid_utf8(value);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    text.insert(0, "'");
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvWriter::CsvWriter(std::ostream& out) : out_(out) {
  out_ << "\xEF\xBB\xBF";
  std::vector<std::string> header;
  for (const char* column : kColumns) header.push_back(plain(column));
  write_row(out_, header);
}

void CsvWriter::write(const Record& r) {
  const Metadata& m = r.metadata;
  std::string confidence;
  if (r.ocr_confidence) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.1f", *r.ocr_confidence);
    confidence = buffer;
  }
  std::vector<std::string> paths;
  for (const std::string& p : r.source_paths) paths.push_back(valid_utf8(p));
  write_row(out_,
            {plain(std::to_string(r.id)), plain(r.status), csv_field(m.release_date),
             csv_field(m.title), csv_field(m.subtitle), csv_field(m.place), csv_field(m.issuer),
             csv_field(m.language), csv_field(m.document_type), plain(record_kind_name(r.kind)),
             plain(std::to_string(r.pages.size())), plain(confidence),
             plain(r.needs_review ? "yes" : "no"), csv_field(joined(r.review_reasons, "\n")),
             plain(std::to_string(r.duplicate_of.value_or(r.id))),
             plain(r.revision_of ? std::to_string(*r.revision_of) : ""),
             csv_field(joined(paths, "\n")), plain(r.sha256)});
}

void CsvWriter::write(const Failure& f) {
  const std::string reason =
      std::string(reason_name(f.reason)) + " at " + f.stage + ": " + f.message;
  write_row(out_,
            {plain(""), plain("failed"), plain(""), plain(""), plain(""), plain(""), plain(""),
             plain(""), plain(""), plain(""), plain(""), plain(""), plain("yes"), csv_field(reason),
             plain(""), plain(""), csv_field(f.source_path), csv_field(f.sha256)});
}

}  // namespace pressarchive
