// The issuer as the archive knows it. OCR misreads single letters of an office name
// ("Offentlichkeitsarbeit", "Kommünikation") and its punctuation ("Council. Communications");
// an issuer read that way would split one office into several in the archive. An issuer
// read from the page is snapped to a known issuer (configured in rules.toml or already in
// the archive) when it differs from exactly one of them only by OCR confusions or a small
// edit distance, and its words to the configured office words when they differ only by
// confusable characters. Anything else is kept as read: a wrong issuer is worse than an
// unusual one, so no snap is made when two known spellings are equally close.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "stages/core/text_util.h"
#include "stages/metadata/base/rules.h"

namespace pressarchive {

struct ResolvedIssuer {
  std::string issuer;
  // Multiplies the issuer's confidence: 1 when kept as read, lower after a snap.
  double confidence_factor = 1.0;
  bool snapped = false;
};

// Built once (with the issuers an archive already holds); resolve() is const and
// thread-safe.
class IssuerResolver {
 public:
  // `known`: issuers already in the archive, besides rules.known_issuers.
  IssuerResolver(const MetadataRules& rules, const std::vector<std::string>& known);

  ResolvedIssuer resolve(const std::string& read) const;

  // The comparison key of an issuer or word: case folded, punctuation dropped, OCR
  // confusables folded (near_duplicates.h: fold_ocr_confusables).
  static std::string key(const std::string& text);

 private:
  std::vector<std::pair<std::string, std::string>> known_;  // key, issuer as written
  std::unordered_set<std::string> known_text_;
  std::unordered_set<std::string> vocabulary_;  // lowercase words of office words and known issuers
  std::unordered_set<std::string> office_words_;  // lowercase configured office words, any length
  std::unordered_map<std::string, std::string> word_by_key_;  // "" when two words share a key
};

}  // namespace pressarchive
