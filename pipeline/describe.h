// The ingest graph's describe and sign steps: a document whose pages are all back becomes
// its record (assembled, described, signed for near-duplicate placement) or its failure.
// Each stage call in them is guarded (stage_guard.h), so an exception fails this document
// alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/graph.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/near_dup/signature_v2.h"

namespace pressarchive {

// The failure record of `item` at `stage`.
Failure failure_of(const WorkItem& item, const std::string& stage, const Error& error);

// The graph's steps for a document whose pages are all back, in this order:
//
//   assemble_document ──┬── describe_document ── sign_body ──┬── take_line_keys
//                       ├── sign_text ───────────────────────┤   ── sign_for_placement
//                       └── key_lines ───────────────────────┘
//
// The three branches run side by side on the same outcome: describe_document writes the
// record's metadata and review flags and sign_body the body's keys; sign_text reads only
// the record's text (the whole-text signature needs no metadata) and key_lines only its
// pages. Each is thread-safe; documents go through side by side.

// `pages` are the document's recognised pages in order (its kept pages not included);
// `page_count` is how many were asked for; `inputs` give the settings, the metadata
// extractor, the progress counters and the tests' fault. The record assembled from the
// pages (its metadata not read yet), or the document's failure.
std::shared_ptr<DocumentOutcome> assemble_document(const WorkItem& item,
                                                   std::vector<PageResult> pages, int page_count,
                                                   const GraphInputs& inputs);

// Reads the assembled record's metadata and review flags into it, and a short document's
// boilerplate line keys (key_lines makes a long one's); a stage error sets the outcome's
// failure at "metadata" (the record is dropped at the join).
// An outcome without a record passes unchanged.
std::shared_ptr<DocumentOutcome> describe_document(std::shared_ptr<DocumentOutcome> outcome,
                                                   const GraphInputs& inputs);

// What one run's signing steps share. The MinHash is the run's own, made from its
// settings' num_perm, so that runs with other settings in one process sign alike.
struct SigningContext {
  const GraphInputs* inputs = nullptr;
  const MinHash* minhash = nullptr;
};

// The whole-text half of a record's signature, made beside its metadata; `document` is the
// outcome it belongs to (what the graph pairs the two halves by).
struct TextSigning {
  const DocumentOutcome* document = nullptr;
  std::optional<WholeTextSignature> whole;  // when near-duplicates are on and there is a record
  std::optional<Failure> failure;           // a stage error, at "near-duplicates"
};
std::shared_ptr<TextSigning> sign_text(const DocumentOutcome& outcome,
                                       const SigningContext& context);

// The body's version 1 band keys into the outcome (body_band_keys), when near-duplicates are
// on and there is a record; a stage error sets the outcome's failure at "body signature".
std::shared_ptr<DocumentOutcome> sign_body(std::shared_ptr<DocumentOutcome> outcome,
                                           const SigningContext& context);

// The lines of a long document (16 pages or more) that count towards its issuer's learned
// boilerplate, when learning is on: made beside its metadata, as the document is alone in
// the graph then. `document` is the outcome they belong to (what the graph pairs them by).
struct LineKeying {
  const DocumentOutcome* document = nullptr;
  std::optional<std::vector<std::pair<std::string, std::string>>> lines;
  std::optional<Failure> failure;  // a stage error, at "boilerplate lines"
};
std::shared_ptr<LineKeying> key_lines(const DocumentOutcome& outcome, const GraphInputs& inputs);

// The join's first step: the long document's line keys into the outcome's countable_lines
// when its record names an issuer (none learns from them otherwise); a failure of
// key_lines fails the input.
std::shared_ptr<DocumentOutcome> take_line_keys(std::shared_ptr<DocumentOutcome> outcome,
                                                LineKeying& keying);

// The join: a record, when near-duplicates are on, gets its version 2 signature and band
// keys (`text`'s, taken from it) and the outcome its signed_record (what placement needs:
// with the body's keys); a failure of either branch fails the input; a record with
// near-duplicates off passes unchanged.
std::shared_ptr<DocumentOutcome> sign_for_placement(std::shared_ptr<DocumentOutcome> outcome,
                                                    TextSigning& text,
                                                    const SigningContext& context);

}  // namespace pressarchive
