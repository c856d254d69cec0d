#include "stages/assemble.h"

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
  if (record.metadata.title.empty()) record.review_reasons.push_back("no title found");
  if (record.metadata.release_date.empty()) record.review_reasons.push_back("no release date found");
  record.needs_review = !record.review_reasons.empty();
}

}  // namespace pressarchive
