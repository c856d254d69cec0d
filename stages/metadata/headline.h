// Title and subtitle: the head block between the header and the first line of the body,
// read with line heights where the layout gives them.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "stages/metadata/base/metadata_line.h"
#include "stages/metadata/base/rules.h"

namespace pressarchive {

struct Headline {
  std::string title;
  std::string subtitle;
  double title_confidence = 0;
  double subtitle_confidence = 0;
  // What the title and subtitle were read from, as calibration keys: "large-block"
  // (set larger than the body, more head lines follow), "plain-alone", "...-wrapped";
  // "one-line", "wrapped", "before-more-lines".
  std::string title_evidence, subtitle_evidence;
  std::size_t body_from = 0;  // index into `content`: the first line of the body
};

// `head` (a title, a subtitle, an issuer) with each word that OCR read without its
// umlauts ("BRUCKE", "Plane", "fiir") spelled as the body spells it ("Brücke", "Pläne",
// "für") in the word's own case, when the body has that spelling and not the word as read.
std::string spelled_as_in_body(const std::string& head, const std::string& body);

// The body's words as spelled_as_in_body reads them, gathered once for all the heads of a
// record (a long document's body is most of its text). Immutable once made.
class BodySpellings {
 public:
  explicit BodySpellings(std::string_view body);
  // The words of `text` count as the body's: a letterhead's address line, set small,
  // spells the town a headline in capitals lost the dots of ("DURREN" under "97157 Dürren").
  void add(std::string_view text);
  // spelled_as_in_body(head, body).
  std::string respell(const std::string& head) const;
  // Whether the body (or an added text) has the lowercase word.
  bool has(const std::string& lower) const { return words_.count(lower) > 0; }

 private:
  std::unordered_set<std::string> words_;                // lowercase
  std::map<std::string, std::set<std::string>> by_key_;  // umlaut key -> spellings
};

// Holds what it needs of the rules; const member functions are thread-safe.
class HeadlineReader {
 public:
  explicit HeadlineReader(const MetadataRules& rules);

  // Whether a headline line continues on the next line: it ends with a word a headline
  // does not end with, with a hyphen or a comma, or the next line is only a tail of one
  // or two words, or starts lowercase at the same size.
  bool continues(const Line& a, const Line& b) const;

  // `content` indexes the kContent lines of `lines` in order; `body_dateline` is a
  // dateline line that opens the body. The body starts at that dateline, at a line that
  // reads as prose (a sentence ends inside it, it ends a sentence of eight words or
  // more, or it runs as long as the body lines do at body size), or after five head
  // lines at most. Empty title when the first content line already reads as prose.
  Headline find(const std::vector<Line>& lines, const std::vector<std::size_t>& content,
                std::optional<std::size_t> body_dateline) const;

 private:
  // The headline without letters standing alone that are no word of its language ("Musikschule
  // i in Wolfsburg": a speck read as a letter); "a" stays, as the wrap words hold it.
  std::string without_stray_letters(const std::string& headline) const;
  // Whether a line holds a word of an office's name ("Pressestelle", "Council").
  bool names_office(const std::string& text) const;
  bool rest_of_title(const Line& title_first, const Line& title_last, const Line& second,
                     const Line& third) const;

  std::set<std::string> wrap_words_;     // lowercase, stopwords included
  std::set<std::string> end_particles_;  // lowercase
  std::set<std::string> office_words_;   // lowercase
};

}  // namespace pressarchive
