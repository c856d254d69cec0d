// Dates in running text: numeric German ("31.03.2022", "31.3.22"), day-first with
// slashes ("14/06/2021"), ISO ("2022-03-31"),
// long German ("31. März 2022") and English ("March 31, 2022", "31 March 2022"), with
// the usual OCR confusions inside numbers (O/0, l/1, I/1, S/5) and dropped or doubled dots.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/metadata/base/rules.h"

namespace pressarchive {

struct FoundDate {
  std::string iso;        // YYYY-MM-DD
  std::size_t begin = 0;  // byte offsets of the match in the searched text
  std::size_t end = 0;
};

// Every valid calendar date in `text`, in order of appearance. Thread-safe once the
// DateFinder is built.
class DateFinder {
 public:
  explicit DateFinder(const MetadataRules& rules);
  ~DateFinder();
  DateFinder(DateFinder&&) noexcept;
  std::vector<FoundDate> find_all(std::string_view text) const;
  std::optional<FoundDate> find_first(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Maps letters OCR mistakes for digits (O o -> 0, I l | -> 1, S -> 5) inside runs of
// digits and date punctuation (. , / -) that already hold at least two digits. Keeps
// every byte offset.
std::string repair_digits(std::string_view text);

}  // namespace pressarchive
