#include "stages/metadata/metadata.h"

#include <algorithm>
#include <optional>

#include "stages/core/text_util.h"
#include "stages/metadata/language.h"
#include "stages/metadata/line_text.h"
#include "stages/metadata/metadata_line.h"

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

MetadataExtractor::MetadataExtractor(MetadataRules rules, const ArchiveKnowledge& knowledge)
    : rules_(std::move(rules)),
      dates_(rules_),
      boilerplate_(rules_.boilerplate),
      header_(rules_, dates_),
      datelines_(rules_, dates_),
      headlines_(rules_),
      persons_(rules_, header_),
      issuers_(rules_, knowledge.issuers),
      places_(rules_, knowledge.places),
      learned_(knowledge.boilerplate) {}

Metadata MetadataExtractor::extract(const std::vector<PageResult>& pages) const {
  std::vector<Line> lines;
  bool ocr = false;
  double ocr_confidence_sum = 0;
  int ocr_pages = 0;
  for (const PageResult& page : pages) {
    bool first = true;
    if (page.method == PageMethod::kOcr) {
      ocr = true;
      if (page.confidence) ocr_confidence_sum += *page.confidence, ++ocr_pages;
    }
    for (const TextLine& tl : page.lines) {
      const std::string text = strip_noise(tl.text);
      if (words(text).empty()) continue;
      lines.push_back({text, tl.height, tl.starts_paragraph || first, Role::kContent});
      first = false;
    }
  }
  Metadata meta;
  std::vector<std::string> texts;
  for (const Line& l : lines) texts.push_back(l.text);
  const std::vector<bool> boiler = boilerplate_.mark(texts);
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (boiler[i]) lines[i].role = Role::kBoilerplate;

  // Evidence gathered on the way, for the fields and their confidence.
  std::string header_date, dateline_date, kind, letterhead_issuer, label_issuer, fallback_issuer;
  bool header_date_prefixed = false, press_contact = false;

  // Letterhead: the office lines at the very top, then an address line.
  std::size_t top = next_content(lines, 0);
  if (auto letterhead = header_.mark_letterhead(lines, top)) {
    letterhead_issuer = letterhead->issuer;
    top = letterhead->after;
  }

  // Header lines above the title: kickers, header dates, labelled issuers.
  auto take_header = [&](const HeaderReader::Header& h) {
    if (h.date && header_date.empty())
      header_date = h.date->iso, header_date_prefixed = h.date->prefixed;
    if (!h.kind.empty() && (kind.empty() || h.kind == "other")) kind = h.kind;
    if (!h.issuer.empty() && label_issuer.empty()) label_issuer = h.issuer;
  };
  auto skip_header = [&] {
    while (top < lines.size()) {
      if (auto h = header_.header(lines[top].text)) {
        take_header(*h);
        lines[top].role = Role::kHeader;
      } else if (header_.is_address(lines[top].text) && words(lines[top].text).size() <= 16) {
        lines[top].role = Role::kAddress;
      } else {
        break;
      }
      top = next_content(lines, top + 1);
    }
  };
  skip_header();
  // A notice above the kicker or header date (an archive's note that is not among the
  // boilerplate rules): the title follows the header, not the notice.
  for (std::size_t i = top, seen = 0; i < lines.size() && seen < 15;
       i = next_content(lines, i + 1), ++seen) {
    if (datelines_.dateline(lines[i].text) || after_any_label(lines[i].text, rules_.issuer_labels))
      break;
    const std::optional<HeaderReader::Header> h = header_.header(lines[i].text);
    if (!h || (!h->date && h->kind.empty())) continue;
    for (std::size_t k = top; k < i; ++k)
      if (lines[k].role == Role::kContent) lines[k].role = Role::kHeader;
    top = i;
    skip_header();
    break;
  }

  // The rest: release-date lines, labelled issuers, datelines, closing labels. What
  // each line says on its own is read first, then the lines in order.
  std::vector<LineFacts> facts(lines.size());
  for (std::size_t i = top; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent)
      facts[i] = facts_of(lines[i].text, rules_, header_, datelines_);

  std::optional<std::size_t> body_dateline;  // a dateline that opens the body
  std::string place;
  for (std::size_t i = top; i < lines.size(); ++i) {
    Line& line = lines[i];
    if (line.role != Role::kContent) continue;
    const LineFacts& f = facts[i];
    if (f.release_header) {
      take_header(*f.release_header);
      line.role = Role::kHeader;
      continue;
    }
    if (f.issuer) {
      line.role = Role::kIssuer;
      if (label_issuer.empty()) label_issuer = strip_noise(*f.issuer);
      continue;
    }
    if (f.fallback_issuer) {
      line.role = Role::kIssuer;
      if (fallback_issuer.empty()) fallback_issuer = strip_noise(*f.fallback_issuer);
      continue;
    }
    if (const auto& d = f.dateline) {
      if (place.empty()) place = d->place;
      if (dateline_date.empty()) dateline_date = d->iso;
      if (d->alone)
        line.role = Role::kDateline;
      else if (!body_dateline)
        body_dateline = i;
      continue;
    }
    if (f.press_contact) press_contact = true, line.role = Role::kClosing;
    if (line.role == Role::kContent && f.closing) line.role = Role::kClosing;
    // The address under a contact line.
    if (line.role == Role::kContent && i > 0 && lines[i - 1].role == Role::kClosing &&
        header_.is_address(line.text))
      line.role = Role::kClosing;
  }

  // The issuer, before the title and body: learned boilerplate is per issuer.
  double issuer_confidence = 0;
  std::string issuer_evidence;
  if (!label_issuer.empty())
    meta.issuer = label_issuer, issuer_confidence = 0.95, issuer_evidence = "label";
  else if (!letterhead_issuer.empty())
    meta.issuer = letterhead_issuer, issuer_confidence = 0.8, issuer_evidence = "letterhead";
  else if (!fallback_issuer.empty())
    meta.issuer = fallback_issuer, issuer_confidence = 0.6, issuer_evidence = "fallback-label";
  if (const ResolvedIssuer resolved = issuers_.resolve(meta.issuer); resolved.snapped) {
    meta.issuer = resolved.issuer;
    issuer_confidence *= resolved.confidence_factor;
    issuer_evidence += "-snapped";
  }
  // Lines this issuer prints on every release (learned from the archive) are neither
  // title nor body.
  if (learned_.size() > 0)
    for (Line& line : lines)
      if (line.role == Role::kContent && learned_.matches(meta.issuer, line.text))
        line.role = Role::kBoilerplate;

  // Title and subtitle: the head block between the header and the first line of the body.
  std::vector<std::size_t> content;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent) content.push_back(i);
  const Headline headline = headlines_.find(lines, content, body_dateline);
  meta.title = headline.title;
  meta.subtitle = headline.subtitle;
  const std::size_t body_from = headline.body_from;

  for (std::size_t k = body_from; k < content.size(); ++k) {
    const Line& line = lines[content[k]];
    if (!meta.body.empty()) meta.body += line.starts_paragraph ? "\n\n" : "\n";
    meta.body += line.text;
  }

  // Persons in the body and the closing lines, lines joined (and hyphenation undone).
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
  meta.language = detect_language(meta.body.empty() ? meta.title : meta.body, rules_);

  // Fields and how far to trust them. OCR'd pages with a low mean word confidence lower
  // every field.
  const double ocr_factor =
      !ocr             ? 1.0
      : ocr_pages == 0 ? 0.9
                       : std::clamp(0.6 + 0.4 * (ocr_confidence_sum / ocr_pages) / 100.0, 0.6, 1.0);
  double date_confidence = 0;
  std::string date_evidence;
  if (!header_date.empty()) {
    meta.release_date = header_date;
    date_confidence = header_date_prefixed ? 0.95 : 0.85;
    date_evidence = header_date_prefixed ? "header-prefixed" : "header";
    if (!dateline_date.empty() && dateline_date != header_date) {
      meta.conflicts.push_back("release_date: the header says " + header_date + ", the dateline " +
                               dateline_date + "; the header date is kept");
      date_confidence = 0.5, date_evidence = "header-dateline-disagree";
    } else if (!dateline_date.empty()) {
      date_confidence = 0.99, date_evidence = "header-dateline-agree";
    }
  } else if (!dateline_date.empty()) {
    meta.release_date = dateline_date;
    date_confidence = 0.9, date_evidence = "dateline";
  }
  // The place as the archive spells it; one read by OCR that fits no known spelling, or
  // two, is kept as read and doubted.
  const ResolvedPlace resolved_place = places_.resolve(place);
  meta.place = resolved_place.place;
  double place_confidence = 0.9;
  const char* place_evidence = "dateline-unknown";
  switch (resolved_place.how) {
    case ResolvedPlace::How::kKnown:
      place_confidence = 0.95, place_evidence = "dateline-known";
      break;
    case ResolvedPlace::How::kSnapped:
      place_confidence = 0.85, place_evidence = "dateline-snapped";
      break;
    case ResolvedPlace::How::kAmbiguous:
      place_confidence = 0.3, place_evidence = "dateline-ambiguous";
      break;
    case ResolvedPlace::How::kUnknown:
      break;
  }
  if (resolved_place.how == ResolvedPlace::How::kSnapped) meta.evidence["place_read"] = place;
  if (!label_issuer.empty() && !letterhead_issuer.empty() &&
      lower_utf8(label_issuer) != lower_utf8(letterhead_issuer)) {
    meta.conflicts.push_back("issuer: the letterhead names '" + letterhead_issuer +
                             "', the label '" + label_issuer + "'; the label is kept");
    issuer_evidence += "-conflict";
  }

  double type_confidence = 0;
  for (const std::string& start : rules_.other_title_starts)
    if (!meta.title.empty() && starts_with_ci(meta.title, start)) kind = "other";
  if (!kind.empty()) {
    meta.document_type = kind;
    type_confidence = 0.9;
  } else if (!header_date.empty() && header_date_prefixed) {
    meta.document_type = "press release";
    type_confidence = 0.85;
  } else if (!dateline_date.empty() || !label_issuer.empty() || press_contact ||
             !header_date.empty()) {
    // Datelines, author labels and press contacts are the marks of a press release.
    meta.document_type = "press release";
    type_confidence = 0.6;
  }

  // A field's confidence is the share of fields found by the same evidence on pages of
  // the same kind that were right on the tuning half of the trust set (rules.toml
  // [confidence]); evidence not calibrated keeps its prior, lowered by poor OCR.
  const double mean_ocr = ocr_pages ? ocr_confidence_sum / ocr_pages : 0.0;
  const std::string medium = !ocr                                                   ? "text"
                             : (ocr_pages == 0 || mean_ocr < rules_.ocr_poor_below) ? "ocr-poor"
                             : mean_ocr < rules_.ocr_fair_below                     ? "ocr-fair"
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
  set_calibrated("release_date", meta.release_date, date_evidence, date_confidence);
  set_calibrated("place", meta.place, place_evidence, place_confidence);
  set_calibrated("issuer", meta.issuer, issuer_evidence, issuer_confidence);
  set("language", meta.language, 0.95);
  set("document_type", meta.document_type, type_confidence);
  set("body", meta.body, 0.9);
  meta.confidence["persons"] = meta.persons.empty() ? 0.0 : 0.7 * ocr_factor;
  return meta;
}

}  // namespace pressarchive
