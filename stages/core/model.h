// The typed values that flow between stages: a Source (one input file), the PageImage
// and PageText a page turns into, the PageResult of one page and the Record that is
// archived. No engine types appear here (STYLE.md item 3).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stages/core/result.h"

namespace pressarchive {

// What a file is, decided from its first bytes, never from its name.
enum class SourceFormat { kPdf, kPng, kJpeg, kTiff, kGif, kBmp, kPnm, kWebp, kJp2, kUnknown };

const char* format_name(SourceFormat format);
// The format's internet media type ("application/pdf", "image/tiff", ...;
// "application/octet-stream" for an unknown one).
const char* media_type(SourceFormat format);
bool is_image_format(SourceFormat format);

// One input file as discovered. The path is kept byte for byte, even when it is not
// valid UTF-8, so the archive can always point back at the exact file.
struct Source {
  std::filesystem::path path;
  std::string sha256;  // lowercase hex of the file's bytes
  std::uintmax_t size = 0;
  SourceFormat format = SourceFormat::kUnknown;
  // The queue job this source was claimed as (a PostgreSQL worker's), 0 for none. The
  // store completes it in the transaction that stores the source's outcome.
  std::int64_t job_id = 0;
};

// An 8-bit greyscale raster, 0 = black, 255 = white, rows packed without padding.
// The only image type that crosses the engine facades.
struct PageImage {
  int width = 0;
  int height = 0;
  int dpi = 300;
  // The source was black and white (1 bit: a G4 fax scan): every pixel was 0 or 255
  // before any rotation or scaling. OCR then gets it back as 1 bit, which Tesseract
  // recognises faster than grey (no thresholding, smaller line images) with the same text.
  bool bilevel = false;
  std::vector<std::uint8_t> pixels;

  bool empty() const { return width <= 0 || height <= 0; }
};

// One line of recognised or extracted text with the layout facts metadata needs:
// how tall the line is (a headline is taller than body text) and whether it opens a
// paragraph.
struct TextLine {
  std::string text;
  float height = 0;  // pixels for OCR lines, points for text-layer lines
  bool starts_paragraph = false;
};

// How a page's text was obtained.
enum class PageMethod { kTextLayer, kOcr, kFailed };
const char* page_method_name(PageMethod method);

// Everything known about one page after it went through the pipeline.
struct PageResult {
  int number = 0;  // 1-based, in document order
  PageMethod method = PageMethod::kFailed;
  std::string text;
  std::vector<TextLine> lines;
  std::optional<double> confidence;  // mean OCR word confidence 0..100, OCR pages only
  int rotation = 0;                  // degrees clockwise applied to make the page upright
  double skew = 0;                   // degrees of deskew applied
  std::string alto;                  // Tesseract's ALTO XML for OCR pages
  std::optional<Error> error;        // set when method == kFailed
  double seconds = 0;                // wall time spent on this page
  // Where that time went, for `ingest --stats`.
  struct Timings {
    double load = 0;         // text layer extraction, rendering or decoding
    double orientation = 0;  // OSD
    double deskew = 0;       // skew estimate and rotation
    double ocr = 0;          // Tesseract recognition
  } timings;
};

// A person named in a document, with the office or function printed with the name.
struct Person {
  std::string name;  // as printed, academic titles kept ("Prof. Dr. Katrin Albrecht")
  std::string role;  // nominative office ("Oberbürgermeisterin"), "" when none is printed
};

// What metadata extraction found. Empty strings mean "not found", never a guess.
struct Metadata {
  std::string title;
  std::string subtitle;
  std::string release_date;  // ISO 8601 (YYYY-MM-DD)
  std::string place;
  std::string issuer;
  std::string language;       // ISO 639-1
  std::string document_type;  // "press release", "other" (a notice, minutes, ...) or ""
  std::string body;
  std::vector<Person> persons;  // in order of first mention, each name once
  // How far each field can be trusted, 0..1, keyed by member name ("title",
  // "release_date", "persons", ...). Every field has an entry; an empty field has 0.
  std::map<std::string, double> confidence;
  // Disagreements a person should look at, one sentence each, e.g. when the header
  // date and the dateline name different days (the header date is kept).
  std::vector<std::string> conflicts;
  // How a field was found, in words ("the author line", "the letterhead", "snapped from
  // 'Gottingen' to a known spelling"), for the review reasons; not stored. Besides the
  // fields' own keys: "place_read" (the place as OCR read it before snapping),
  // "<field>_respelled" ("Somnierferien -> Sommerferien") and "<field>_unknown" (words of
  // an OCR'd title, subtitle or issuer that no dictionary nor the record knows).
  std::map<std::string, std::string> evidence;
};

// Sets a metadata field by its archive name (title, subtitle, release_date, place,
// issuer, language, document_type); false for any other name.
bool set_metadata_field(Metadata& metadata, const std::string& field, const std::string& value);
// The field's value by the same names; "" for any other name.
std::string metadata_field(const Metadata& metadata, const std::string& field);

enum class RecordKind { kBornDigital, kScanned, kImage, kMixed };
const char* record_kind_name(RecordKind kind);

// One archived document: its metadata, its pages and where it came from.
struct Record {
  std::int64_t id = 0;
  std::vector<std::string> source_paths;  // raw bytes of every path linked to it
  // Parallel to source_paths when the record comes from a worker's jobs: each path's
  // queue job (Source::job_id; 0 for none). Not read back from the archive.
  std::vector<std::int64_t> source_jobs;
  std::string sha256;  // content hash of the source it was made from
  std::uintmax_t source_size = 0;
  SourceFormat format = SourceFormat::kUnknown;
  RecordKind kind = RecordKind::kScanned;
  std::vector<PageResult> pages;
  std::string text;  // all pages, separated by form feeds
  Metadata metadata;
  std::optional<double> ocr_confidence;  // mean over OCR'd pages
  // Near-duplicates: the canonical record of this one's cluster (same release in another
  // form) or the record this one revises (related, both kept), each with its score.
  std::optional<std::int64_t> duplicate_of;
  std::optional<double> duplicate_score;
  std::optional<std::int64_t> revision_of;
  std::optional<double> revision_score;
  // Set when this record is a better copy than its cluster's canonical record, which it
  // replaces as canonical (the old one and its members then point here).
  std::optional<std::int64_t> takes_over_from;
  std::string signature;                 // MinHash signature (bytes), of the scheme below
  std::vector<std::uint64_t> band_keys;  // its LSH band keys
  int signature_scheme = 1;              // 1: of the body; 2: of the whole text (signature_v2.h)
  std::string status = "archived";
  std::string provenance;  // JSON: tool versions, languages, timings
  std::string created_at;
  // Set when a person should look at the record (failed pages, low confidence), with
  // one human-readable reason per finding.
  bool needs_review = false;
  std::vector<std::string> review_reasons;
  std::vector<std::string> manual_fields;  // fields an archivist corrected by hand
};

// Applies an archivist's corrections (field -> value) over derived metadata; corrected
// fields get confidence 1.
void apply_corrections(Metadata& metadata, const std::map<std::string, std::string>& corrections);

// An input that could not be archived, with the stage it failed in and why.
struct Failure {
  std::int64_t id = 0;
  std::string source_path;
  std::string sha256;
  std::string stage;
  Reason reason = Reason::kInternal;
  std::string message;
  std::string created_at;
  std::int64_t run_id = 0;
  int attempt = 1;          // how many times this content has been tried
  std::int64_t job_id = 0;  // the queue job it ends (Source::job_id), 0 for none
};

// One provenance event (PREMIS-like): what happened to a record or source, when, by
// which agent (program and engine versions), with what outcome.
struct Event {
  std::int64_t id = 0;
  std::string at;
  std::string type;  // ingest, link, failure, reprocess, edit
  std::optional<std::int64_t> record_id;
  std::string source_path;
  std::int64_t run_id = 0;
  std::string agent;
  std::string outcome;  // success, failure
  std::string detail;
};

// One content to process, the input of a document's stages: the first path seen, plus
// byte-identical copies in the batch.
struct WorkItem {
  Source source;
  std::vector<Source> copies;
  // Reprocessing: the record whose derived data the result replaces, the page numbers
  // (1-based) to redo (empty = all), and the pages kept as they are.
  std::optional<std::int64_t> replaces_record;
  std::vector<int> only_pages;
  std::vector<PageResult> kept_pages;
  std::map<std::string, std::string> corrections;  // manual fields that survive reprocessing
  // The key fields when an archivist confirmed the record (reviewed), for the review flag.
  std::optional<std::map<std::string, std::string>> confirmed_fields;
};

}  // namespace pressarchive
