#include "stages/store/store_common.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "stages/core/text_util.h"

namespace pressarchive::store {

std::string metadata_details_json(const Metadata& m) {
  nlohmann::json persons = nlohmann::json::array();
  for (const Person& p : m.persons)
    persons.push_back({{"name", valid_utf8(p.name)}, {"role", valid_utf8(p.role)}});
  nlohmann::json conflicts = nlohmann::json::array();
  for (const std::string& c : m.conflicts) conflicts.push_back(valid_utf8(c));
  return nlohmann::json{
      {"persons", persons}, {"confidence", m.confidence}, {"conflicts", conflicts}}
      .dump();
}

void read_metadata_details(const std::string& json, Metadata& m) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return;
  if (j.contains("persons") && j["persons"].is_array())
    for (const auto& p : j["persons"])
      m.persons.push_back({p.value("name", ""), p.value("role", "")});
  if (j.contains("confidence") && j["confidence"].is_object())
    for (const auto& [field, value] : j["confidence"].items())
      if (value.is_number()) m.confidence[field] = value.get<double>();
  if (j.contains("conflicts") && j["conflicts"].is_array())
    for (const auto& c : j["conflicts"]) m.conflicts.push_back(c.get<std::string>());
}

namespace {

// `text` as a JSON string body, as nlohmann::json::dump() writes valid_utf8(text):
// UTF-8 kept, quotes, backslashes and control characters escaped, bytes that are not
// UTF-8 as U+FFFD (the test valid_utf8 makes, made on the way).
void append_json_string(std::string& out, std::string_view s) {
  std::size_t plain = 0;  // start of the bytes not yet appended
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 >= 0x20 && b0 < 0x80 && b0 != '"' && b0 != '\\') {
      ++i;
      continue;
    }
    if (b0 >= 0x80) {
      if (const std::size_t len = utf8_sequence_length(s, i)) {
        i += len;
        continue;
      }
    }
    out.append(s.data() + plain, i - plain);
    switch (b0) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (b0 < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(b0));
          out += escaped;
        } else {
          out += "\xEF\xBF\xBD";  // not UTF-8
        }
    }
    plain = ++i;
  }
  out.append(s.data() + plain, s.size() - plain);
}

}  // namespace

// Written directly, as nlohmann::json::dump() writes the same array (compact), not
// through a JSON document: building one was half of storing a born-digital page.
// Heights are formatted by the library, once per distinct height.
std::string page_lines_json(const std::vector<TextLine>& lines) {
  std::string out = "[";
  std::size_t size = 2;
  for (const TextLine& l : lines) size += l.text.size() + 24;
  out.reserve(size);
  float last_height = 0;
  std::string last_number;
  for (const TextLine& l : lines) {
    if (out.size() > 1) out += ',';
    out += "[\"";
    append_json_string(out, l.text);
    out += "\",";
    if (last_number.empty() || std::memcmp(&l.height, &last_height, sizeof(float)) != 0) {
      last_height = l.height;
      last_number = nlohmann::json(l.height).dump();
    }
    out += last_number;
    out += l.starts_paragraph ? ",true]" : ",false]";
  }
  out += ']';
  return out;
}

std::vector<TextLine> read_page_lines(const std::string& json) {
  std::vector<TextLine> out;
  const nlohmann::json lines = nlohmann::json::parse(json, nullptr, false);
  if (lines.is_array())
    for (const auto& l : lines)
      if (l.is_array() && l.size() == 3)
        out.push_back({l[0].get<std::string>(), l[1].get<float>(), l[2].get<bool>()});
  return out;
}

std::string review_reasons_json(const std::vector<std::string>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& r : reasons) out.push_back(valid_utf8(r));
  return out.dump();
}

std::vector<std::string> read_review_reasons(const std::string& json) {
  std::vector<std::string> out;
  const nlohmann::json reasons = nlohmann::json::parse(json, nullptr, false);
  if (reasons.is_array())
    for (const auto& reason : reasons) out.push_back(reason.get<std::string>());
  return out;
}

std::map<std::string, std::string> read_manual_fields(const std::string& json) {
  std::map<std::string, std::string> out;
  const nlohmann::json fields = nlohmann::json::parse(json, nullptr, false);
  if (fields.is_object())
    for (const auto& [name, value] : fields.items())
      out[name] = value.is_string() ? value.get<std::string>() : "";
  return out;
}

std::string with_manual_field(const std::string& json, const std::string& field,
                              const std::string& value) {
  nlohmann::json manual = nlohmann::json::parse(json, nullptr, false);
  if (!manual.is_object()) manual = nlohmann::json::object();
  manual[field] = value;
  return manual.dump();
}

std::string run_summary_json(const RunSummary& s) {
  return nlohmann::json{{"inputs", s.inputs},
                        {"archived", s.archived},
                        {"duplicates", s.duplicates},
                        {"failed", s.failed},
                        {"reprocessed", s.reprocessed},
                        {"near_duplicates", s.near_duplicates},
                        {"revisions", s.revisions},
                        {"skipped_known", s.skipped_known},
                        {"skipped_failed", s.skipped_failed},
                        {"pages_ocr", s.pages_ocr},
                        {"pages_text_layer", s.pages_text_layer},
                        {"pages_failed", s.pages_failed},
                        {"seconds", s.seconds}}
      .dump();
}

RunSummary read_run_summary(const std::string& json) {
  RunSummary summary;
  const nlohmann::json s = nlohmann::json::parse(json, nullptr, false);
  if (s.is_object()) {
    summary.inputs = s.value("inputs", 0);
    summary.archived = s.value("archived", 0);
    summary.duplicates = s.value("duplicates", 0);
    summary.failed = s.value("failed", 0);
    summary.reprocessed = s.value("reprocessed", 0);
    summary.near_duplicates = s.value("near_duplicates", 0);
    summary.revisions = s.value("revisions", 0);
    summary.skipped_known = s.value("skipped_known", 0);
    summary.skipped_failed = s.value("skipped_failed", 0);
    summary.pages_ocr = s.value("pages_ocr", 0);
    summary.pages_text_layer = s.value("pages_text_layer", 0);
    summary.pages_failed = s.value("pages_failed", 0);
    summary.seconds = s.value("seconds", 0.0);
  }
  return summary;
}

SourceFormat source_format_from_name(const std::string& name) {
  for (SourceFormat f : {SourceFormat::kPdf, SourceFormat::kPng, SourceFormat::kJpeg,
                         SourceFormat::kTiff, SourceFormat::kGif, SourceFormat::kBmp,
                         SourceFormat::kPnm, SourceFormat::kWebp, SourceFormat::kJp2})
    if (name == format_name(f)) return f;
  return SourceFormat::kUnknown;
}

RecordKind record_kind_from_name(const std::string& name) {
  for (RecordKind k :
       {RecordKind::kBornDigital, RecordKind::kScanned, RecordKind::kImage, RecordKind::kMixed})
    if (name == record_kind_name(k)) return k;
  return RecordKind::kScanned;
}

PageMethod page_method_from_name(const std::string& name) {
  return name == "ocr"          ? PageMethod::kOcr
         : name == "text-layer" ? PageMethod::kTextLayer
                                : PageMethod::kFailed;
}

std::string ingest_detail(const Record& r) {
  int ocr = 0, text = 0, failed = 0;
  for (const PageResult& p : r.pages)
    (p.method == PageMethod::kOcr ? ocr : p.method == PageMethod::kTextLayer ? text : failed)++;
  std::string detail = std::to_string(r.pages.size()) + " pages: " + std::to_string(ocr) +
                       " OCR, " + std::to_string(text) + " text layer, " + std::to_string(failed) +
                       " failed";
  if (r.ocr_confidence)
    detail += "; mean OCR confidence " + std::to_string(static_cast<int>(*r.ocr_confidence));
  return detail;
}

std::string link_detail(const std::string& sha256) {
  return "same bytes (sha256 " + sha256 + ") as the record's source";
}

std::string failure_detail(const Failure& f, std::int64_t attempt) {
  return std::string(reason_name(f.reason)) + " at " + f.stage + " (attempt " +
         std::to_string(attempt) + "): " + f.message;
}

std::string canonical_detail(std::int64_t old_canonical) {
  return "better copy than record " + std::to_string(old_canonical) + ", which now links here";
}

std::string duplicate_detail(std::int64_t canonical, double score) {
  return "same release as record " + std::to_string(canonical) + " (score " +
         std::to_string(score).substr(0, 4) + ")";
}

std::string revision_detail(std::int64_t revised, double score) {
  return "revision of record " + std::to_string(revised) + " (score " +
         std::to_string(score).substr(0, 4) + ")";
}

std::string edit_detail(const std::string& field, const std::string& old_value,
                        const std::string& value) {
  return field + ": '" + old_value + "' -> '" + value + "' (manual)";
}

std::string first_path(const Record& r) {
  return r.source_paths.empty() ? r.sha256 : r.source_paths.front();
}

void crash_point_before_commit() {
  static const char* setting = std::getenv("PRESSARCHIVE_CRASH_BEFORE_COMMIT");
  static std::atomic<int> commits{0};
  if (setting != nullptr && ++commits == std::atoi(setting)) std::raise(SIGKILL);
}

BrowseResult uncounted_browse_result() {
  BrowseResult result;
  for (const char* name : {"issuer", "place", "year", "kind", "needs_review"}) result.facets[name];
  return result;
}

void add_kept_facet_count(BrowseResult& result, const std::string& facet, const std::string& value,
                          std::int64_t count) {
  if (facet == "needs_review") result.total += count;
  std::vector<FacetCount>& values = result.facets[facet];
  if (!value.empty() && values.size() < static_cast<std::size_t>(kMaxFacetValues))
    values.push_back({value, count});
}

}  // namespace pressarchive::store
