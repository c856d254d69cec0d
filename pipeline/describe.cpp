#include "pipeline/describe.h"

#include <algorithm>
#include <chrono>

#include "pipeline/stage_guard.h"
#include "stages/ingest/assemble.h"
#include "stages/ingest/triage.h"
#include "stages/near_dup/signature_v2.h"

namespace pressarchive {
namespace {

// From this many pages on, a document's metadata and its boilerplate line keys are made
// side by side.
constexpr std::size_t kLongDocumentPages = 16;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool all_pages_failed(const WorkItem& item, const std::vector<PageResult>& pages) {
  return item.kept_pages.empty() &&
         std::all_of(pages.begin(), pages.end(),
                     [](const PageResult& p) { return p.method == PageMethod::kFailed; });
}

// A document none of whose pages could be processed fails as its first page did.
Failure failure_of_pages(const WorkItem& item, const PageResult& first_page, int page_count) {
  const Error& first = *first_page.error;
  const std::string stage = first.reason == Reason::kTimeout ? "ocr" : "page";
  return failure_of(
      item, stage,
      Error{first.reason, item.source.path.string() + ": " +
                              (page_count > 1 ? "no page could be processed; first: " : "") +
                              first.message});
}

Failure failure_of_no_text(const WorkItem& item, const Record& record) {
  return failure_of(
      item, "ocr",
      Error{Reason::kNoText, item.source.path.string() + ": no readable text on its " +
                                 std::to_string(record.pages.size()) +
                                 " page(s) (blank, a picture, or an unsupported script or form)"});
}

bool is_long(const Record& record) { return record.pages.size() >= kLongDocumentPages; }

// The record's metadata and review flags.
void describe_metadata(const WorkItem& item, const Settings& settings,
                       const MetadataExtractor& metadata, Record& record) {
  record.metadata = metadata.extract(record.pages);
  apply_corrections(record.metadata, item.corrections);
  ReviewHistory history;
  for (const auto& [field, value] : item.corrections) history.manual_fields.insert(field);
  history.confirmed = item.confirmed_fields;
  flag_for_review(
      record,
      ReviewPolicy{settings.review_min_ocr_confidence, settings.review_min_field_confidence,
                   settings.review_min_confidence},
      history);
}

// A long document is the only one in the graph while its last pages finish and after,
// so its boilerplate line keys are made in a branch of their own (key_lines), beside its
// metadata and its whole text's signature.
bool keys_lines_apart(const Settings& settings, const Record& record) {
  return settings.learned_boilerplate.enabled && is_long(record);
}

// Metadata, review flags and, for a short document, the lines that count towards learned
// boilerplate: in turn (other documents keep the threads busy), and only when the record
// names an issuer to learn them.
void describe_record(const WorkItem& item, const Settings& settings,
                     const MetadataExtractor& metadata, Record& record, DocumentOutcome& outcome) {
  describe_metadata(item, settings, metadata, record);
  if (settings.learned_boilerplate.enabled && !keys_lines_apart(settings, record) &&
      !record.metadata.issuer.empty())
    outcome.countable_lines = countable_lines(record.pages, settings.learned_boilerplate);
}

std::shared_ptr<DocumentOutcome> failed(const WorkItem& item, Failure failure) {
  auto outcome = std::make_shared<DocumentOutcome>();
  outcome->item = &item;
  outcome->failure = std::move(failure);
  return outcome;
}

}  // namespace

Failure failure_of(const WorkItem& item, const std::string& stage, const Error& error) {
  Failure f;
  f.source_path = item.source.path.string();
  f.sha256 = item.source.sha256;
  f.job_id = item.source.job_id;
  f.stage = stage;
  f.reason = error.reason;
  f.message = error.message;
  return f;
}

std::shared_ptr<DocumentOutcome> assemble_document(const WorkItem& item,
                                                   std::vector<PageResult> pages, int page_count,
                                                   const GraphInputs& in) {
  const Settings& settings = *in.settings;
  if (all_pages_failed(item, pages))
    return failed(item, failure_of_pages(item, pages.front(), page_count));

  Record record;
  pages.insert(pages.end(), item.kept_pages.begin(), item.kept_pages.end());
  if (Status s = guard_stage("assemble", item, in.fault,
                             [&] { record = assemble_record(item.source, std::move(pages)); });
      !s.ok())
    return failed(item, failure_of(item, "assemble", s.error()));
  if (count_letters(record.text) < settings.min_document_letters)
    return failed(item, failure_of_no_text(item, record));

  auto outcome = std::make_shared<DocumentOutcome>();
  outcome->item = &item;
  outcome->record = std::move(record);
  return outcome;
}

std::shared_ptr<DocumentOutcome> describe_document(std::shared_ptr<DocumentOutcome> outcome,
                                                   const GraphInputs& in) {
  if (!outcome->record) return outcome;
  const WorkItem& item = *outcome->item;
  Record& record = *outcome->record;
  const std::shared_ptr<const MetadataExtractor> extractor = in.metadata->get();
  const auto metadata_start = std::chrono::steady_clock::now();
  if (Status s =
          guard_stage("metadata", item, in.fault,
                      [&] { describe_record(item, *in.settings, *extractor, record, *outcome); });
      !s.ok()) {
    outcome->failure = failure_of(item, "metadata", s.error());
    return outcome;
  }
  in.progress->add_time(ProgressCounters::kMetadata, seconds_since(metadata_start));
  for (const Source& copy : item.copies) {
    record.source_paths.push_back(copy.path.string());
    record.source_jobs.push_back(copy.job_id);
  }
  return outcome;
}

std::shared_ptr<TextSigning> sign_text(const DocumentOutcome& outcome,
                                       const SigningContext& context) {
  auto signing = std::make_shared<TextSigning>();
  signing->document = &outcome;
  if (!outcome.record || !context.inputs->settings->near_duplicates) return signing;
  const WorkItem& item = *outcome.item;
  const std::string& text = outcome.record->text;
  if (Status s = guard_stage("near-duplicates", item, context.inputs->fault,
                             [&] {
                               signing->whole =
                                   sign_whole_text(text, *context.minhash,
                                                   context.inputs->settings->near_duplicate);
                             });
      !s.ok())
    signing->failure = failure_of(item, "near-duplicates", s.error());
  return signing;
}

std::shared_ptr<DocumentOutcome> sign_body(std::shared_ptr<DocumentOutcome> outcome,
                                           const SigningContext& context) {
  if (outcome->failure || !outcome->record || !context.inputs->settings->near_duplicates)
    return outcome;
  const WorkItem& item = *outcome->item;
  const auto sign = [&] {
    outcome->body_band_keys = body_band_keys_v1(outcome->record->metadata.body, *context.minhash,
                                                context.inputs->settings->near_duplicate);
  };
  if (Status s = guard_stage("body signature", item, context.inputs->fault, sign); !s.ok())
    outcome->failure = failure_of(item, "body signature", s.error());
  return outcome;
}

std::shared_ptr<LineKeying> key_lines(const DocumentOutcome& outcome, const GraphInputs& in) {
  auto keying = std::make_shared<LineKeying>();
  keying->document = &outcome;
  if (!outcome.record || !keys_lines_apart(*in.settings, *outcome.record)) return keying;
  const WorkItem& item = *outcome.item;
  if (Status s = guard_stage("boilerplate lines", item, in.fault,
                             [&] {
                               keying->lines = countable_lines(outcome.record->pages,
                                                               in.settings->learned_boilerplate);
                             });
      !s.ok())
    keying->failure = failure_of(item, "boilerplate lines", s.error());
  return keying;
}

std::shared_ptr<DocumentOutcome> take_line_keys(std::shared_ptr<DocumentOutcome> outcome,
                                                LineKeying& keying) {
  if (outcome->failure || !outcome->record) return outcome;
  if (keying.failure) return failed(*outcome->item, std::move(*keying.failure));
  if (keying.lines && !outcome->record->metadata.issuer.empty())
    outcome->countable_lines = std::move(*keying.lines);
  return outcome;
}

std::shared_ptr<DocumentOutcome> sign_for_placement(std::shared_ptr<DocumentOutcome> outcome,
                                                    TextSigning& text,
                                                    const SigningContext& context) {
  if (outcome->failure) {
    outcome->record.reset();
    return outcome;
  }
  if (!outcome->record || !context.inputs->settings->near_duplicates) return outcome;
  const WorkItem& item = *outcome->item;
  if (text.failure) return failed(item, std::move(*text.failure));
  Record& record = *outcome->record;
  SignedRecord signed_record;
  const auto sign = [&] {
    signed_record = signed_record_of(std::move(*text.whole), record.metadata.release_date,
                                     outcome->body_band_keys);
  };
  if (Status s = guard_stage("near-duplicates", item, context.inputs->fault, sign); !s.ok())
    return failed(item, failure_of(item, "near-duplicates", s.error()));
  record.signature = signed_record.signature.bytes;
  record.band_keys = signed_record.signature.band_keys;
  record.signature_scheme = kSignatureSchemeV2;
  outcome->signed_record = std::move(signed_record);
  return outcome;
}

}  // namespace pressarchive
