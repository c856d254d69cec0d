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
  if (is_image_format(source.format)) record.kind = RecordKind::kImage;
  else if (ocr_pages > 0 && text_pages > 0) record.kind = RecordKind::kMixed;
  else if (text_pages > 0) record.kind = RecordKind::kBornDigital;
  else record.kind = RecordKind::kScanned;
  record.pages = std::move(pages);
  return record;
}

}  // namespace pressarchive

namespace pressarchive {

void flag_for_review(Record& record, const ReviewPolicy& policy) {
  record.review_reasons.clear();
  for (const PageResult& p : record.pages)
    if (p.method == PageMethod::kFailed)
      record.review_reasons.push_back("page " + std::to_string(p.number) + " failed (" +
                                      reason_name(p.error ? p.error->reason : Reason::kInternal) + ")");
  if (record.ocr_confidence && *record.ocr_confidence < policy.min_ocr_confidence) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "OCR confidence %.0f below %.0f", *record.ocr_confidence, policy.min_ocr_confidence);
    record.review_reasons.push_back(buf);
  }
  const Metadata& m = record.metadata;
  if (m.title.empty()) record.review_reasons.push_back("no title found");
  if (m.release_date.empty()) record.review_reasons.push_back("no release date found");
  for (const char* field : {"title", "release_date", "place", "issuer"}) {
    const auto it = m.confidence.find(field);
    if (metadata_field(m, field).empty() || it == m.confidence.end() || it->second >= policy.min_field_confidence) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf, "low confidence in %s (%.2f)", field, it->second);
    record.review_reasons.push_back(buf);
  }
  for (const std::string& conflict : m.conflicts) record.review_reasons.push_back("fields disagree: " + conflict);
  record.needs_review = !record.review_reasons.empty();
}

}  // namespace pressarchive
