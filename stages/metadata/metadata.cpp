#include "stages/metadata/metadata.h"

#include <algorithm>
#include <optional>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"
#include "stages/metadata/base/metadata_line.h"
#include "stages/metadata/head_words.h"
#include "stages/metadata/language.h"

namespace pressarchive {
namespace {

// What the rules say of one content line on its own, before the lines are read in order.
struct LineFacts {
  std::optional<HeaderReader::Header> release_header;  // a release-date line ("Datum: …")
  std::optional<std::string> issuer, fallback_issuer;  // after an issuer label
  std::optional<DatelineReader::Dateline> dateline;
  bool press_contact = false, closing = false;
};

LineFacts facts_of(const std::string& text, const MetadataRules& rules, const HeaderReader& header,
                   const DatelineReader& datelines) {
  LineFacts f;
  for (const std::string& prefix : rules.release_date_prefixes) {
    if (!starts_with_ci(text, prefix)) continue;
    if (auto h = header.header(text); h && h->date && h->date->prefixed)
      f.release_header = std::move(h);
    break;
  }
  if (f.release_header) return f;
  f.issuer = after_any_label(text, rules.issuer_labels);
  if (f.issuer) return f;
  f.fallback_issuer = after_any_label(text, rules.issuer_fallback_labels);
  if (f.fallback_issuer) return f;
  f.dateline = datelines.dateline(text);
  if (f.dateline) return f;
  for (const std::string& label : rules.press_contact_labels)
    if (starts_with_ci(text, label)) f.press_contact = true;
  f.closing = after_any_label(text, rules.closing_labels).has_value();
  return f;
}

}  // namespace

MetadataExtractor::MetadataExtractor(MetadataRules rules, const ArchiveKnowledge& knowledge,
                                     std::shared_ptr<const Lexicon> lexicon)
    : rules_(std::move(rules)),
      dates_(rules_),
      boilerplate_(rules_.boilerplate),
      header_(rules_, dates_),
      datelines_(rules_, dates_),
      headlines_(rules_),
      persons_(rules_, header_),
      issuers_(rules_, knowledge.issuers),
      places_(rules_, knowledge.places),
      learned_(knowledge.boilerplate),
      lexicon_(std::move(lexicon)) {
  for (const std::vector<std::string>* names :
       std::initializer_list<const std::vector<std::string>*>{
           &rules_.known_issuers, &rules_.known_places, &rules_.issuer_words, &knowledge.issuers,
           &knowledge.places})
    for (const std::string& name : *names)
      for (std::string& word : words(name)) archive_words_.insert(std::move(word));
  for (const auto& [language, list] : rules_.stopwords)
    for (const std::string& word : list)
      if (std::any_of(word.begin(), word.end(), [](char c) { return c & 0x80; }))
        umlaut_stopwords_ += word + " ";
}

// One document as extraction reads it: its lines with their roles, and the evidence
// gathered on the way for the fields and their confidence.
struct MetadataExtractor::Reading {
  std::vector<Line> lines;
  bool ocr = false;
  double ocr_confidence_sum = 0;
  int ocr_pages = 0;
  std::string header_date, dateline_date, kind, letterhead_issuer, label_issuer, fallback_issuer;
  bool header_date_prefixed = false, press_contact = false;
  std::optional<std::size_t> body_dateline;  // a dateline that opens the body
  std::string place;                         // as the dateline reads it
  std::size_t top = 0;                       // the first line below the header
};

// A field's value chosen, with the evidence it was found by and its prior confidence.
struct MetadataExtractor::Choice {
  std::string evidence;
  double confidence = 0;
};

MetadataExtractor::Reading MetadataExtractor::read_lines(
    const std::vector<PageResult>& pages) const {
  Reading r;
  for (const PageResult& page : pages) {
    bool first = true;
    if (page.method == PageMethod::kOcr) {
      r.ocr = true;
      if (page.confidence) r.ocr_confidence_sum += *page.confidence, ++r.ocr_pages;
    }
    for (const TextLine& tl : page.lines) {
      const std::string text = strip_noise(tl.text);
      if (!has_word(text)) continue;
      r.lines.push_back({text, tl.height, tl.starts_paragraph || first, Role::kContent,
                         page.method == PageMethod::kTextLayer});
      first = false;
    }
  }
  std::vector<std::string> texts;
  for (const Line& l : r.lines) texts.push_back(l.text);
  const std::vector<bool> boiler = boilerplate_.mark(texts);
  for (std::size_t i = 0; i < r.lines.size(); ++i)
    if (boiler[i]) r.lines[i].role = Role::kBoilerplate;
  return r;
}

void MetadataExtractor::take_header(const HeaderReader::Header& h, Reading& r) const {
  if (h.date && r.header_date.empty())
    r.header_date = h.date->iso, r.header_date_prefixed = h.date->prefixed;
  if (!h.kind.empty() && (r.kind.empty() || h.kind == "other")) r.kind = h.kind;
  if (!h.issuer.empty() && r.label_issuer.empty()) r.label_issuer = h.issuer;
}

// Header lines above the title from r.top on: kickers, header dates, labelled issuers,
// addresses.
void MetadataExtractor::skip_header(Reading& r) const {
  std::vector<Line>& lines = r.lines;
  while (r.top < lines.size()) {
    if (auto h = header_.header(lines[r.top].text)) {
      take_header(*h, r);
      lines[r.top].role = Role::kHeader;
    } else if (header_.is_address(lines[r.top].text) && count_words(lines[r.top].text) <= 16) {
      lines[r.top].role = Role::kAddress;
    } else {
      break;
    }
    r.top = next_content(lines, r.top + 1);
  }
}

void MetadataExtractor::read_header(Reading& r) const {
  std::vector<Line>& lines = r.lines;
  // Letterhead: the office lines at the very top, then an address line.
  r.top = next_content(lines, 0);
  if (auto letterhead = header_.mark_letterhead(lines, r.top)) {
    r.letterhead_issuer = letterhead->issuer;
    r.top = letterhead->after;
  }
  skip_header(r);
  // A notice above the kicker or header date (an archive's note that is not among the
  // boilerplate rules): the title follows the header, not the notice.
  for (std::size_t i = r.top, seen = 0; i < lines.size() && seen < 15;
       i = next_content(lines, i + 1), ++seen) {
    if (datelines_.dateline(lines[i].text) || after_any_label(lines[i].text, rules_.issuer_labels))
      break;
    const std::optional<HeaderReader::Header> h = header_.header(lines[i].text);
    if (!h || (!h->date && h->kind.empty())) continue;
    for (std::size_t k = r.top; k < i; ++k)
      if (lines[k].role == Role::kContent) lines[k].role = Role::kHeader;
    r.top = i;
    skip_header(r);
    break;
  }
}

// The rest: release-date lines, labelled issuers, datelines, closing labels. What each
// line says on its own is read first, then the lines in order.
void MetadataExtractor::read_content(Reading& r) const {
  std::vector<Line>& lines = r.lines;
  std::vector<LineFacts> facts(lines.size());
  for (std::size_t i = r.top; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent)
      facts[i] = facts_of(lines[i].text, rules_, header_, datelines_);
  for (std::size_t i = r.top; i < lines.size(); ++i) {
    Line& line = lines[i];
    if (line.role != Role::kContent) continue;
    const LineFacts& f = facts[i];
    if (f.release_header) {
      take_header(*f.release_header, r);
      line.role = Role::kHeader;
      continue;
    }
    if (f.issuer) {
      line.role = Role::kIssuer;
      if (r.label_issuer.empty()) r.label_issuer = strip_noise(*f.issuer);
      continue;
    }
    if (f.fallback_issuer) {
      line.role = Role::kIssuer;
      if (r.fallback_issuer.empty()) r.fallback_issuer = strip_noise(*f.fallback_issuer);
      continue;
    }
    if (const auto& d = f.dateline) {
      if (r.place.empty()) r.place = d->place;
      if (r.dateline_date.empty()) r.dateline_date = d->iso;
      if (d->alone)
        line.role = Role::kDateline;
      else if (!r.body_dateline)
        r.body_dateline = i;
      continue;
    }
    if (f.press_contact) r.press_contact = true, line.role = Role::kClosing;
    if (line.role == Role::kContent && f.closing) line.role = Role::kClosing;
    // The address under a contact line.
    if (line.role == Role::kContent && i > 0 && lines[i - 1].role == Role::kClosing &&
        header_.is_address(line.text))
      line.role = Role::kClosing;
  }
}

// The issuer, before the title and body: learned boilerplate is per issuer. Lines this
// issuer prints on every release (learned from the archive) are then neither title nor body.
MetadataExtractor::Choice MetadataExtractor::choose_issuer(Reading& r, Metadata& meta) const {
  Choice c;
  if (!r.label_issuer.empty())
    meta.issuer = r.label_issuer, c.confidence = 0.95, c.evidence = "label";
  else if (!r.letterhead_issuer.empty())
    meta.issuer = r.letterhead_issuer, c.confidence = 0.8, c.evidence = "letterhead";
  else if (!r.fallback_issuer.empty())
    meta.issuer = r.fallback_issuer, c.confidence = 0.6, c.evidence = "fallback-label";
  if (const ResolvedIssuer resolved = issuers_.resolve(meta.issuer); resolved.snapped) {
    meta.issuer = resolved.issuer;
    c.confidence *= resolved.confidence_factor;
    c.evidence += "-snapped";
  }
  if (learned_.size() > 0)
    for (Line& line : r.lines)
      if (line.role == Role::kContent && learned_.matches(meta.issuer, line.text))
        line.role = Role::kBoilerplate;
  return c;
}

// Title and subtitle: the head block between the header and the first line of the body;
// then the body, its persons (with the closing lines; lines joined, hyphenation undone)
// and its language.
Headline MetadataExtractor::read_headline_and_body(const Reading& r, Metadata& meta) const {
  const std::vector<Line>& lines = r.lines;
  std::vector<std::size_t> content;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent) content.push_back(i);
  Headline headline = headlines_.find(lines, content, r.body_dateline);
  const std::size_t body_from = headline.body_from;
  for (std::size_t k = body_from; k < content.size(); ++k) {
    const Line& line = lines[content[k]];
    if (!meta.body.empty()) meta.body += line.starts_paragraph ? "\n\n" : "\n";
    meta.body += line.text;
  }
  // OCR drops the dots of umlauts on capitals and on large type; the body, set smaller,
  // keeps them.
  BodySpellings spellings(meta.body);
  // Besides the body: the letterhead's address (the town, set small) and the language's
  // function words that carry umlauts ("über", "für"), which a headline in capitals loses.
  for (const Line& line : lines)
    if (line.role == Role::kAddress) spellings.add(line.text);
  spellings.add(umlaut_stopwords_);
  meta.title = spellings.respell(headline.title);
  meta.subtitle = spellings.respell(headline.subtitle);
  meta.issuer = spellings.respell(meta.issuer);
  meta.language = detect_language(meta.body.empty() ? meta.title : meta.body, rules_);
  if (r.ocr) check_head_words(spellings, headline, meta);
  // Misread, however it was found, and after what the dictionary mended: calibrated on
  // its own.
  if (has_misread_marks(meta.title))
    headline.title_confidence = 0.3, headline.title_evidence = "misread-marks";

  std::vector<bool> in_body(lines.size(), false);
  for (std::size_t k = body_from; k < content.size(); ++k) in_body[content[k]] = true;
  std::string running;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (l.role != Role::kContent && l.role != Role::kClosing) continue;
    if (l.role == Role::kContent && !in_body[i]) continue;
    const bool hyphen = !running.empty() && running.back() == '-' && running.size() > 1 &&
                        running[running.size() - 2] != ' ';
    if (hyphen && starts_lowercase(l.text))
      running.pop_back();  // "Verkehrs-" "betriebe"
    else if (!running.empty() && !hyphen)
      running += ' ';  // "Händel-" "Festspiele" stays hyphenated
    running += l.text;
    if (l.role == Role::kClosing) running += " .";  // a closing line is a clause of its own
  }
  meta.persons = persons_.find(running);
  return headline;
}

// Words of the head that OCR misread one confusion away from a known word are respelled;
// a head that keeps a word nothing knows is read as "unknown-word", calibrated apart.
void MetadataExtractor::check_head_words(const BodySpellings& record_words, Headline& headline,
                                         Metadata& meta) const {
  if (!lexicon_ || meta.language.empty() || !lexicon_->covers(meta.language)) return;
  const HeadWords checker(*lexicon_, meta.language, record_words, archive_words_);
  const auto check = [&](const std::string& field, std::string& value) {
    CheckedHead checked = checker.check(value);
    value = std::move(checked.text);
    if (!checked.respelled.empty())
      meta.evidence[field + "_respelled"] = join(checked.respelled, "; ");
    if (!checked.unknown.empty()) meta.evidence[field + "_unknown"] = join(checked.unknown, " ");
    if (!checked.specks.empty()) meta.evidence[field + "_specks"] = join(checked.specks, " ");
    return !checked.unknown.empty();
  };
  if (check("title", meta.title))
    headline.title_evidence = "unknown-word", headline.title_confidence = 0.5;
  if (check("subtitle", meta.subtitle))
    headline.subtitle_evidence = "unknown-word", headline.subtitle_confidence = 0.5;
  check("issuer", meta.issuer);
}

MetadataExtractor::Choice MetadataExtractor::choose_date(const Reading& r, Metadata& meta) const {
  Choice c;
  if (!r.header_date.empty()) {
    meta.release_date = r.header_date;
    c.confidence = r.header_date_prefixed ? 0.95 : 0.85;
    c.evidence = r.header_date_prefixed ? "header-prefixed" : "header";
    if (!r.dateline_date.empty() && r.dateline_date != r.header_date) {
      meta.conflicts.push_back("release_date: the header says " + r.header_date +
                               ", the dateline " + r.dateline_date + "; the header date is kept");
      c.confidence = 0.5, c.evidence = "header-dateline-disagree";
    } else if (!r.dateline_date.empty()) {
      c.confidence = 0.99, c.evidence = "header-dateline-agree";
    }
  } else if (!r.dateline_date.empty()) {
    meta.release_date = r.dateline_date;
    c.confidence = 0.9, c.evidence = "dateline";
  }
  return c;
}

// The place as the archive spells it; one read by OCR that fits no known spelling, or
// two, is kept as read and doubted.
MetadataExtractor::Choice MetadataExtractor::choose_place(const Reading& r, Metadata& meta) const {
  std::vector<std::string> letterhead_towns;
  for (const Line& line : r.lines)
    if (line.role == Role::kAddress)
      if (std::string town = PlaceResolver::town_of_address(line.text); !town.empty())
        letterhead_towns.push_back(std::move(town));
  const ResolvedPlace resolved = places_.resolve(r.place, letterhead_towns);
  meta.place = resolved.place;
  Choice c{"dateline-unknown", 0.9};
  switch (resolved.how) {
    case ResolvedPlace::How::kKnown:
      c = {"dateline-known", 0.95};
      break;
    case ResolvedPlace::How::kSnapped:
      c = {"dateline-snapped", 0.85};
      meta.evidence["place_read"] = r.place;
      break;
    case ResolvedPlace::How::kLetterhead:
      c = {"dateline-letterhead", 0.9};
      break;
    case ResolvedPlace::How::kLetterheadSnapped:
      c = {"dateline-letterhead-snapped", 0.85};
      meta.evidence["place_read"] = r.place;
      break;
    case ResolvedPlace::How::kAmbiguous:
      c = {"dateline-ambiguous", 0.3};
      break;
    case ResolvedPlace::How::kUnknown:
      // A town no list knows, that the record names again where OCR read it apart from
      // the dateline (the issuer "Landkreis Münden", the headline): two readings agree.
      if (const std::vector<std::string> town = words(meta.place); !town.empty())
        for (const std::string* other : std::initializer_list<const std::string*>{
                 &meta.issuer, &r.letterhead_issuer, &r.label_issuer, &r.fallback_issuer,
                 &meta.title, &meta.subtitle}) {
          const std::vector<std::string> w = words(*other);
          if (std::search(w.begin(), w.end(), town.begin(), town.end()) != w.end()) {
            c = {"dateline-named", 0.9};
            break;
          }
        }
      break;
  }
  return c;
}

MetadataExtractor::Choice MetadataExtractor::choose_type(const Reading& r, Metadata& meta) const {
  std::string kind = r.kind;
  for (const std::string& start : rules_.other_title_starts)
    if (!meta.title.empty() && starts_with_ci(meta.title, start)) kind = "other";
  if (!kind.empty()) {
    meta.document_type = kind;
    return {"", 0.9};
  }
  if (!r.header_date.empty() && r.header_date_prefixed) {
    meta.document_type = "press release";
    return {"", 0.85};
  }
  if (!r.dateline_date.empty() || !r.label_issuer.empty() || r.press_contact ||
      !r.header_date.empty()) {
    // Datelines, author labels and press contacts are the marks of a press release.
    meta.document_type = "press release";
    return {"", 0.6};
  }
  return {};
}

Metadata MetadataExtractor::extract(const std::vector<PageResult>& pages) const {
  Reading r = read_lines(pages);
  read_header(r);
  read_content(r);
  Metadata meta;
  Choice issuer = choose_issuer(r, meta);
  const Headline headline = read_headline_and_body(r, meta);
  const Choice date = choose_date(r, meta);
  const Choice place = choose_place(r, meta);
  if (!r.label_issuer.empty() && !r.letterhead_issuer.empty() &&
      lower_utf8(r.label_issuer) != lower_utf8(r.letterhead_issuer)) {
    meta.conflicts.push_back("issuer: the letterhead names '" + r.letterhead_issuer +
                             "', the label '" + r.label_issuer + "'; the label is kept");
    issuer.evidence += "-conflict";
  }
  if (meta.evidence.count("issuer_unknown"))
    issuer.evidence += "-unknown-word", issuer.confidence = std::min(issuer.confidence, 0.5);
  const Choice type = choose_type(r, meta);

  // Fields and how far to trust them. OCR'd pages with a low mean word confidence lower
  // every field.
  const double ocr_factor =
      !r.ocr ? 1.0
      : r.ocr_pages == 0
          ? 0.9
          : std::clamp(0.6 + 0.4 * (r.ocr_confidence_sum / r.ocr_pages) / 100.0, 0.6, 1.0);
  // A field's confidence is the share of fields found by the same evidence on pages of
  // the same kind that were right on the tuning half of the trust set (rules.toml
  // [confidence]); evidence not calibrated keeps its prior, lowered by poor OCR.
  const double mean_ocr = r.ocr_pages ? r.ocr_confidence_sum / r.ocr_pages : 0.0;
  const std::string medium = !r.ocr                                                   ? "text"
                             : (r.ocr_pages == 0 || mean_ocr < rules_.ocr_poor_below) ? "ocr-poor"
                             : mean_ocr < rules_.ocr_fair_below                       ? "ocr-fair"
                                                                                      : "ocr";
  const auto calibrated = [&](const char* field, const std::string& evidence, double prior) {
    const auto table = rules_.calibration.find(field);
    if (table != rules_.calibration.end()) {
      if (auto at = table->second.find(evidence + "/" + medium); at != table->second.end())
        return at->second;
      if (auto at = table->second.find(evidence); at != table->second.end()) return at->second;
    }
    return std::clamp(prior * ocr_factor, 0.0, 1.0);
  };
  const auto set_calibrated = [&](const char* field, const std::string& value,
                                  const std::string& evidence, double prior) {
    if (value.empty()) {
      meta.confidence[field] = 0.0;
      return;
    }
    meta.evidence[field] = evidence + "/" + medium;
    meta.confidence[field] = calibrated(field, evidence, prior);
  };
  const auto set = [&](const char* field, const std::string& value, double c) {
    meta.confidence[field] = value.empty() ? 0.0 : std::clamp(c * ocr_factor, 0.0, 1.0);
  };
  set_calibrated("title", meta.title, headline.title_evidence, headline.title_confidence);
  set_calibrated("subtitle", meta.subtitle, headline.subtitle_evidence,
                 headline.subtitle_confidence);
  set_calibrated("release_date", meta.release_date, date.evidence, date.confidence);
  set_calibrated("place", meta.place, place.evidence, place.confidence);
  set_calibrated("issuer", meta.issuer, issuer.evidence, issuer.confidence);
  set("language", meta.language, 0.95);
  set("document_type", meta.document_type, type.confidence);
  set("body", meta.body, 0.9);
  meta.confidence["persons"] = meta.persons.empty() ? 0.0 : 0.7 * ocr_factor;
  return meta;
}

}  // namespace pressarchive
