// The dateline that opens a release: "Kaiserslautern, 31.03.2022", "Konstanz, den 3. Mai
// 2019 –", alone on its line or followed by the first sentence of the body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/metadata/base/rules.h"
#include "stages/metadata/dates/dates.h"

namespace pressarchive {

// Holds references to the rules and the date finder, which must outlive it; const
// member functions are thread-safe.
class DatelineReader {
 public:
  DatelineReader(const MetadataRules& rules, const DateFinder& dates);

  // A town as a dateline prints it: one to five capitalised words (or listed lowercase
  // words such as "im", "am"), no digits, none of the words that rule a place out.
  bool is_place(const std::string& place) const;

  // "Place, [den] date" at the start of a line: alone, or followed by a dash, full stop
  // or colon and the first sentence of the body.
  struct Dateline {
    std::string place;
    std::string iso;
    bool alone = false;
  };
  std::optional<Dateline> dateline(const std::string& text) const;

 private:
  // The bytes a connector ("den", "am", "on") takes at the start of `rest`, its full stop
  // or a misreading of it by one letter ("dcn 13. August") included; 0 for none.
  std::size_t connector_length(std::string_view rest) const;
  // The date that opens `rest` as OCR garbled it, mended ("18. N ovembet 2012 – …" ->
  // "18. november 2012 – …", "5 April ; 2014" -> "5 april 2014"); "" where there is
  // nothing to mend or the words before the year name no month.
  std::string mend_date(const std::string& rest) const;

  const MetadataRules& rules_;
  const DateFinder& dates_;
  std::vector<std::string> not_place_words_;  // rules_.not_place_words, lowered once
  struct Connector {
    std::string lowered, with_blank, with_stop;  // "den", "den ", "den. "
  };
  std::vector<Connector> connectors_;  // rules_.dateline_connectors
  struct MonthName {
    std::string spelling, name;  // "nov", "november"
    int month = 0;               // 1..12
  };
  std::vector<MonthName> month_names_;  // rules_.month_names, every language
};

}  // namespace pressarchive
