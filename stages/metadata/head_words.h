// The words OCR read in a record's head (title, subtitle, issuer), checked against the
// language's dictionary and the record's own words: a word nothing knows that one OCR
// confusion away is a known word ("Somnierferien" -> "Sommerferien", "EROFFNET" ->
// "ERÖFFNET", "Feam" -> "Team") is respelled; one that stays unknown is named, for the
// review queue.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "stages/core/lexicon.h"
#include "stages/metadata/headline.h"

namespace pressarchive {

struct CheckedHead {
  std::string text;                    // the head with its respelled words
  std::vector<std::string> respelled;  // "Somnierferien -> Sommerferien"
  std::vector<std::string> unknown;    // words as read that nothing knows, after respelling
  std::vector<std::string> specks;     // tokens as read that lost a speck's mark ("MIT.")
};

// Holds references to its arguments, which must outlive it; check() is const and
// thread-safe when the lexicon is.
class HeadWords {
 public:
  // `language` is the record's (ISO 639-1) and must be covered by `lexicon`;
  // `record_words` the body's and letterhead's words, `archive_words` lowercase words of
  // the names the rules and the archive know (issuers, places).
  HeadWords(const Lexicon& lexicon, std::string language, const BodySpellings& record_words,
            const std::unordered_set<std::string>& archive_words);

  CheckedHead check(const std::string& head) const;

  // What a lowercase word may have been printed as, one OCR confusion away, each
  // lowercase: "somnierferien" -> {..., "sommerferien", ...}.
  static std::vector<std::string> confusions_of(const std::string& lower);

 private:
  // Whether a lowercase word is listed: the record's, the archive's, or the dictionary's
  // (lowercase or capitalised); known: listed, a listed stem with an ending, or for
  // German two listed words compounded.
  bool listed(const std::string& lower) const;
  bool known(const std::string& lower) const;
  bool in_dictionary(const std::string& lower) const;
  bool inflected_known(const std::string& lower) const;
  bool compound_known(const std::string& lower) const;
  // The one known word `lower` was misread from, or "" when none or several: among the
  // readings that are listed words or known stems, or (`compounds`) compounds.
  std::string respelling(const std::string& lower, bool compounds) const;
  // The head's tokens with a word OCR cut after its first letter joined again.
  std::vector<std::string> joined_apart(const std::vector<std::string>& tokens,
                                        CheckedHead& out) const;
  // The head's tokens without the marks specks make (head_words.cpp says which).
  std::vector<std::string> without_specks(const std::vector<std::string>& tokens,
                                          CheckedHead& out) const;
  // One word (no blank, no hyphen) of the head as printed, into `out`.
  void check_word(const std::string& word, CheckedHead& out, std::string& text) const;

  const Lexicon& lexicon_;
  std::string language_;
  const BodySpellings& record_words_;
  const std::unordered_set<std::string>& archive_words_;
};

}  // namespace pressarchive
