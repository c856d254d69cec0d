// The metadata rules (config/rules.toml): month names, date phrasings, labels,
// stopwords and boilerplate blocks. Loaded once, read-only afterwards.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stages/core/result.h"

namespace pressarchive {

struct BoilerplateBlock {
  std::string name;
  std::string text;
};

struct MetadataRules {
  // month_names[lang][m] = spellings of month m+1, lowercase.
  std::map<std::string, std::vector<std::vector<std::string>>> month_names;
  std::vector<std::string> release_date_prefixes;
  std::vector<std::string> header_separators;
  std::vector<std::string> dateline_connectors;
  std::vector<std::string> place_words;      // lowercase words inside a place name
  std::vector<std::string> not_place_words;  // words that rule a dateline place out
  std::vector<std::string> issuer_labels;
  std::vector<std::string> issuer_fallback_labels;
  std::vector<std::string> known_issuers;  // issuers spelled right, to snap OCR'd ones to
  std::vector<std::string> issuer_words;   // office words spelled right ("Öffentlichkeitsarbeit")
  int letterhead_max_lines = 3;
  std::vector<std::string> address_words;
  std::vector<std::string> postcodes;            // ECMAScript regular expressions
  std::vector<std::string> document_type_words;  // press release words
  std::vector<std::string> other_document_words;
  std::vector<std::string> other_title_starts;
  std::vector<std::string> press_contact_labels;
  std::vector<std::string> closing_labels;
  std::vector<std::string> title_wrap_words;
  std::vector<std::string> title_end_particles;
  std::vector<std::string> person_titles;
  std::vector<std::string> role_words;
  std::vector<std::string> not_name_words;
  std::vector<std::string> not_before_name;
  std::map<std::string, std::vector<std::string>> stopwords;
  int language_min_hits = 5;
  std::vector<BoilerplateBlock> boilerplate;
  std::vector<std::string> known_places;  // places spelled right, to snap OCR'd ones to
  // [confidence]: per field, the share of fields found by each kind of evidence that was
  // right on the tuning half of the trust set (build/bench/metadata_eval --calibrate):
  // calibration[field][evidence] = probability. Evidence without an entry keeps the
  // extractor's prior.
  std::map<std::string, std::map<std::string, double>> calibration;
  // Mean OCR word confidence (0-100) of a record's pages below which it reads "ocr-poor",
  // and "ocr-fair"; above both it reads "ocr" (a text layer reads "text").
  double ocr_poor_below = 90, ocr_fair_below = 93;
};

// Parses rules from TOML text; errors name `origin` and the offending key.
Result<MetadataRules> parse_rules(const std::string& toml_text, const std::string& origin);

// The rules compiled into the binary from config/rules.toml.
const std::string& builtin_rules_text();

}  // namespace pressarchive
