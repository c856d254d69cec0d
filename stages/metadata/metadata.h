// metadata: the fields of a press release (title, subtitle, release date, place,
// issuer, language, document type, body) from its pages' lines.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "stages/core/lexicon.h"
#include "stages/core/model.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/boilerplate.h"
#include "stages/metadata/dates/dateline.h"
#include "stages/metadata/dates/dates.h"
#include "stages/metadata/header_lines.h"
#include "stages/metadata/headline.h"
#include "stages/metadata/issuer.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/metadata/persons.h"
#include "stages/metadata/place.h"

namespace pressarchive {

// What the archive already holds that extraction learns from, read once at the start of
// a run (documents of that run do not teach each other: extraction runs in parallel).
struct ArchiveKnowledge {
  std::vector<std::string> issuers;  // issuers named by at least two archived records
  std::vector<std::string> places;   // places named by archived records
  LearnedBoilerplate boilerplate;    // lines in effect per issuer
};

// Holds the compiled rules; extract() is const and thread-safe.
class MetadataExtractor {
 public:
  // With a lexicon, the words OCR read in a record's title, subtitle and issuer are
  // checked against the dictionary of the record's language (head_words.h); without one,
  // or for a language it does not cover, they are kept as read.
  explicit MetadataExtractor(MetadataRules rules, const ArchiveKnowledge& knowledge = {},
                             std::shared_ptr<const Lexicon> lexicon = nullptr);
  MetadataExtractor(const MetadataExtractor&) = delete;
  MetadataExtractor& operator=(const MetadataExtractor&) = delete;

  // Pages in order; each page's lines carry their height (relative sizes matter, not
  // units) and paragraph starts. Fields not found stay empty; every field gets a
  // confidence in 0..1, and disagreements between sources end up in `conflicts`.
  Metadata extract(const std::vector<PageResult>& pages) const;

  // Named persons in running text, with the office printed next to the name
  // ("Thomas Riedel, Leiter der Stadtbücherei, rechnet …", "sagte Oberbürgermeisterin
  // Dr. Anna Keller"). A name without an office is kept only with an academic title.
  std::vector<Person> find_persons(const std::string& text) const { return persons_.find(text); }

  const MetadataRules& rules() const { return rules_; }

 private:
  // extract() in its steps, in the order it takes them (metadata.cpp).
  struct Reading;
  struct Choice;
  Reading read_lines(const std::vector<PageResult>& pages) const;
  void read_header(Reading& r) const;
  void skip_header(Reading& r) const;
  void take_header(const HeaderReader::Header& h, Reading& r) const;
  void read_content(Reading& r) const;
  Choice choose_issuer(Reading& r, Metadata& meta) const;
  Headline read_headline_and_body(const Reading& r, Metadata& meta) const;
  void check_head_words(const BodySpellings& record_words, Headline& headline,
                        Metadata& meta) const;
  Choice choose_date(const Reading& r, Metadata& meta) const;
  Choice choose_place(const Reading& r, Metadata& meta) const;
  Choice choose_type(const Reading& r, Metadata& meta) const;

  // The readers hold references to rules_ and dates_: declared after them, and the
  // extractor is neither copied nor moved.
  MetadataRules rules_;
  DateFinder dates_;
  BoilerplateMatcher boilerplate_;
  HeaderReader header_;
  DatelineReader datelines_;
  HeadlineReader headlines_;
  PersonFinder persons_;
  IssuerResolver issuers_;
  PlaceResolver places_;
  LearnedBoilerplate learned_;
  std::string umlaut_stopwords_;  // the stopwords spelled with letters past ASCII, blank-separated
  std::shared_ptr<const Lexicon> lexicon_;
  std::unordered_set<std::string> archive_words_;  // lowercase words of known issuers, places
};

}  // namespace pressarchive
