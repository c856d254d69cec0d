// Boilerplate learned from the archive itself: lines that recur across many records of
// one issuer (a footer, a standing contact block, a slogan) are boilerplate for that
// issuer's later documents, beyond the blocks configured in rules.toml. The archive
// counts the lines; this file holds the pure policy: how a line is normalised for
// counting, when a counted line is boilerplate, and the set extraction filters against.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stages/core/model.h"

namespace pressarchive {

// Tunables ([learned_boilerplate] in config/pressarchive.toml).
struct LearnedBoilerplateOptions {
  bool enabled = true;
  // A line is boilerplate of its issuer once it occurred in at least `min_records` of the
  // issuer's records and in at least `min_share` of them: a footer is on every release,
  // a recurring name or phrase of the running text on a few.
  std::int64_t min_records = 5;
  double min_share = 0.30;
  // Lines with fewer words are not counted: "Pressemitteilung", a page number.
  int min_words = 3;
};

// An archivist's say over a line: counted lines follow the thresholds; confirmed lines
// are always boilerplate, rejected ones never.
enum class BoilerplateState { kCounted, kConfirmed, kRejected };
const char* boilerplate_state_name(BoilerplateState state);  // "counted", "confirmed", "rejected"
bool boilerplate_state_from_name(const std::string& name, BoilerplateState& state);

// One line of an issuer as the archive keeps it.
struct BoilerplateLine {
  std::int64_t id = 0;
  std::string issuer;               // as the records name it
  std::string line;                 // as first printed
  std::string line_key;             // boilerplate_line_key(line)
  std::int64_t records = 0;         // records of the issuer the line occurred in
  std::int64_t issuer_records = 0;  // records of the issuer counted so far
  BoilerplateState state = BoilerplateState::kCounted;
};

// The form in which lines are counted and compared: case folded, punctuation and
// whitespace runs dropped, OCR confusables folded (as near_duplicates.h does), so a
// footer counts as one line on the born-digital PDF and on a scan.
std::string boilerplate_line_key(const std::string& line);

// The distinct lines of a document worth counting, as (key, line as printed), in page
// order.
std::vector<std::pair<std::string, std::string>> countable_lines(
    const std::vector<PageResult>& pages, const LearnedBoilerplateOptions& options);

// Whether a line the archive keeps is boilerplate now.
bool is_boilerplate(const BoilerplateLine& line, const LearnedBoilerplateOptions& options);
// What a line is now, as the archivist reads it: "confirmed" and "rejected" as decided; a
// counted line is "learned" when it passes the thresholds, a "candidate" when it does not
// (yet).
std::string boilerplate_state_now(const BoilerplateLine& line,
                                  const LearnedBoilerplateOptions& options);

// The lines in effect per issuer, built once at the start of a run; matches() is const
// and thread-safe.
class LearnedBoilerplate {
 public:
  LearnedBoilerplate() = default;
  LearnedBoilerplate(const std::vector<BoilerplateLine>& lines,
                     const LearnedBoilerplateOptions& options);

  // Whether `line` is boilerplate of `issuer`: its key equals a learned line's, or (for
  // lines of 20 key characters or more) differs from it in at most one character in ten,
  // as OCR noise does.
  bool matches(const std::string& issuer, const std::string& line) const;

  std::size_t size() const { return size_; }

 private:
  std::unordered_map<std::string, std::vector<std::string>> by_issuer_;  // issuer key -> line keys
  std::size_t size_ = 0;
};

}  // namespace pressarchive
