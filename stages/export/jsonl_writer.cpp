#include "stages/export/jsonl_writer.h"

#include "stages/core/text_util.h"

namespace pressarchive {
namespace {

nlohmann::json empty_as_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// Paths are bytes; JSON is UTF-8. A path that is not valid UTF-8 is written with its
// invalid bytes replaced by U+FFFD (the archive itself keeps the exact bytes).
nlohmann::json paths_json(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) out.push_back(valid_utf8(p));
  return out;
}

nlohmann::json persons_json(const std::vector<Person>& persons) {
  nlohmann::json out = nlohmann::json::array();
  for (const Person& p : persons)
    out.push_back({{"name", valid_utf8(p.name)}, {"role", empty_as_null(valid_utf8(p.role))}});
  return out;
}

}  // namespace

nlohmann::json record_to_json(const Record& r) {
  const Metadata& m = r.metadata;
  nlohmann::json confidences = nlohmann::json::array();
  for (const PageResult& p : r.pages)
    confidences.push_back(p.confidence ? nlohmann::json(*p.confidence) : nlohmann::json(nullptr));
  return {
      {"id", r.id},
      {"source_paths", paths_json(r.source_paths)},
      {"sha256", r.sha256},
      {"status", r.status},
      {"kind", record_kind_name(r.kind)},
      {"document_type", empty_as_null(m.document_type)},
      {"title", empty_as_null(m.title)},
      {"subtitle", empty_as_null(m.subtitle)},
      {"release_date", empty_as_null(m.release_date)},
      {"place", empty_as_null(m.place)},
      {"issuer", empty_as_null(m.issuer)},
      {"language", empty_as_null(m.language)},
      {"text", valid_utf8(r.text)},
      {"body", valid_utf8(m.body)},
      {"pages", r.pages.size()},
      {"page_confidence", confidences},
      {"ocr_confidence",
       r.ocr_confidence ? nlohmann::json(*r.ocr_confidence) : nlohmann::json(nullptr)},
      {"duplicate_of", r.duplicate_of ? nlohmann::json(*r.duplicate_of) : nlohmann::json(nullptr)},
      {"duplicate_score",
       r.duplicate_score ? nlohmann::json(*r.duplicate_score) : nlohmann::json(nullptr)},
      {"revision_of", r.revision_of ? nlohmann::json(*r.revision_of) : nlohmann::json(nullptr)},
      {"revision_score",
       r.revision_score ? nlohmann::json(*r.revision_score) : nlohmann::json(nullptr)},
      {"persons", persons_json(m.persons)},
      {"field_confidence", m.confidence},
      {"needs_review", r.needs_review},
      {"review_reasons", r.review_reasons},
      {"created_at", r.created_at},
  };
}

nlohmann::json failure_to_json(const Failure& f) {
  return {
      {"id", nullptr},
      {"source_paths", paths_json({f.source_path})},
      {"sha256", empty_as_null(f.sha256)},
      {"status", "failed"},
      {"stage", f.stage},
      {"reason", reason_name(f.reason)},
      {"error", valid_utf8(f.message)},
      {"created_at", f.created_at},
  };
}

void JsonlWriter::write(const Record& record) {
  out_ << record_to_json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
       << '\n';
}

void JsonlWriter::write(const Failure& failure) {
  out_ << failure_to_json(failure).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
       << '\n';
}

}  // namespace pressarchive
