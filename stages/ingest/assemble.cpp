#include "stages/ingest/assemble.h"

#include <algorithm>
#include <cstdio>

namespace pressarchive {

Record assemble_record(const Source& source, std::vector<PageResult> pages) {
  std::sort(pages.begin(), pages.end(),
            [](const PageResult& a, const PageResult& b) { return a.number < b.number; });
  Record record;
  record.sha256 = source.sha256;
  record.source_size = source.size;
  record.format = source.format;
  record.source_paths.push_back(source.path.string());
  record.source_jobs.push_back(source.job_id);
  int ocr_pages = 0, text_pages = 0;
  double confidence_sum = 0;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (i > 0) record.text += "\n\f\n";
    record.text += pages[i].text;
    if (pages[i].method == PageMethod::kOcr) {
      ++ocr_pages;
      confidence_sum += pages[i].confidence.value_or(0);
    } else if (pages[i].method == PageMethod::kTextLayer) {
      ++text_pages;
    }
  }
  if (ocr_pages > 0) record.ocr_confidence = confidence_sum / ocr_pages;
  if (is_image_format(source.format))
    record.kind = RecordKind::kImage;
  else if (ocr_pages > 0 && text_pages > 0)
    record.kind = RecordKind::kMixed;
  else if (text_pages > 0)
    record.kind = RecordKind::kBornDigital;
  else
    record.kind = RecordKind::kScanned;
  record.pages = std::move(pages);
  return record;
}

}  // namespace pressarchive

namespace pressarchive {

namespace {

// "no title found", "no place found (no dateline names a town)": what an archivist reads.
std::string missing_reason(const std::string& field) {
  if (field == "title") return "no title found";
  if (field == "release_date") return "no release date found";
  if (field == "issuer")
    return "no issuer found (no author line, issuer label or letterhead office)";
  return "no place found (no dateline names a town)";
}

std::string field_words(const std::string& field) {
  return field == "release_date" ? "release date" : field;
}

// "letterhead-snapped/ocr-poor" -> "found as letterhead snapped, read by OCR from a poor scan"
std::string evidence_words(const std::string& evidence) {
  const std::size_t slash = evidence.find('/');
  std::string how = evidence.substr(0, slash);
  std::replace(how.begin(), how.end(), '-', ' ');
  const std::string medium = slash == std::string::npos ? "" : evidence.substr(slash + 1);
  return "found as " + how +
         (medium == "text"       ? ", from the text layer"
          : medium == "ocr"      ? ", read by OCR"
          : medium == "ocr-fair" ? ", read by OCR from a fair scan"
          : medium == "ocr-poor" ? ", read by OCR from a poor scan"
                                 : "");
}

}  // namespace

const std::vector<std::string>& review_key_fields() {
  static const std::vector<std::string> fields = {"title", "release_date", "issuer", "place"};
  return fields;
}

void flag_for_review(Record& record, const ReviewPolicy& policy, const ReviewHistory& history) {
  record.review_reasons.clear();
  bool page_failed = false;
  for (const PageResult& p : record.pages)
    if (p.method == PageMethod::kFailed) {
      page_failed = true;
      record.review_reasons.push_back("page " + std::to_string(p.number) + " failed (" +
                                      reason_name(p.error ? p.error->reason : Reason::kInternal) +
                                      ")");
    }
  if (record.ocr_confidence && *record.ocr_confidence < policy.min_ocr_confidence) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "OCR confidence %.0f below %.0f", *record.ocr_confidence,
                  policy.min_ocr_confidence);
    record.review_reasons.push_back(buf);
  }
  const Metadata& m = record.metadata;
  for (const std::string& field : review_key_fields()) {
    if (history.manual_fields.count(field)) continue;
    const std::string value = metadata_field(m, field);
    if (value.empty()) {
      record.review_reasons.push_back(missing_reason(field));
      continue;
    }
    const auto it = m.confidence.find(field);
    const auto own = policy.min_confidence.find(field);
    const double minimum =
        own == policy.min_confidence.end() ? policy.min_field_confidence : own->second;
    if (it == m.confidence.end() || it->second >= minimum) continue;
    const auto how = m.evidence.find(field);
    char buf[96];
    std::snprintf(buf, sizeof buf, " is doubtful: confidence %.2f below %.2f", it->second, minimum);
    // The words of an OCR'd field that no dictionary nor the record knows (head_words.h).
    const auto unknown = m.evidence.find(field + "_unknown");
    record.review_reasons.push_back(
        field_words(field) + " '" + value + "'" + buf +
        (how == m.evidence.end() ? "" : " (" + evidence_words(how->second) + ")") +
        (unknown == m.evidence.end() ? "" : "; no dictionary knows '" + unknown->second + "'"));
  }
  for (const std::string& conflict : m.conflicts) {
    const std::string field = conflict.substr(0, conflict.find(':'));
    if (!history.manual_fields.count(field))
      record.review_reasons.push_back("fields disagree: " + conflict);
  }
  bool as_confirmed = history.confirmed.has_value() && !page_failed;
  if (as_confirmed)
    for (const std::string& field : review_key_fields()) {
      const auto was = history.confirmed->find(field);
      if (was == history.confirmed->end() || was->second != metadata_field(m, field))
        as_confirmed = false;
    }
  record.needs_review = !record.review_reasons.empty() && !as_confirmed;
}

}  // namespace pressarchive
