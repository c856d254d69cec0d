#include "stages/metadata.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "stages/language.h"
#include "stages/text_util.h"

namespace pressarchive {
namespace {

enum class Role { kContent, kBoilerplate, kReleaseDate, kDocumentType, kDateline, kIssuer };

struct Line {
  std::string text;
  float height = 0;
  bool starts_paragraph = false;
  Role role = Role::kContent;
};

bool ends_sentence(const std::string& text) {
  const std::string t = trim(text);
  return !t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?' || t.back() == ':');
}

bool starts_uppercase(const std::string& s) {
  if (s.empty()) return false;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c >= 'A' && c <= 'Z') return true;
  // Ä Ö Ü and other Latin-1 capitals in UTF-8.
  return c == 0xC3 && s.size() > 1 && static_cast<unsigned char>(s[1]) < 0x9F;
}

std::string without_leading_noise(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80 &&
         !std::isalnum(static_cast<unsigned char>(text[i])))
    ++i;
  return text.substr(i);
}

float median_height(const std::vector<Line>& lines) {
  std::vector<float> heights;
  for (const Line& l : lines)
    if (l.role == Role::kContent && l.height > 0) heights.push_back(l.height);
  if (heights.empty()) return 0;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  return heights[heights.size() / 2];
}

// Text after a label such as "Autor/in:" (the colon is optional in the rule).
std::optional<std::string> after_label(const std::string& line, const std::string& label) {
  if (!starts_with_ci(line, label)) return std::nullopt;
  std::string rest = trim(line);
  rest = rest.substr(label.size());
  if (rest.empty() || (rest[0] != ':' && label.back() != ':')) return std::nullopt;
  if (rest[0] == ':') rest = rest.substr(1);
  rest = trim(rest);
  if (rest.empty()) return std::nullopt;
  return rest;
}

}  // namespace

MetadataExtractor::MetadataExtractor(MetadataRules rules)
    : rules_(std::move(rules)), dates_(rules_), boilerplate_(rules_.boilerplate) {}

Metadata MetadataExtractor::extract(const std::vector<PageResult>& pages) const {
  std::vector<Line> lines;
  for (const PageResult& page : pages) {
    bool first = true;
    for (const TextLine& tl : page.lines) {
      const std::string text = trim(tl.text);
      if (text.empty()) continue;
      lines.push_back({text, tl.height, tl.starts_paragraph || first, Role::kContent});
      first = false;
    }
  }
  Metadata meta;
  std::vector<std::string> texts;
  for (const Line& l : lines) texts.push_back(l.text);
  const std::vector<bool> boiler = boilerplate_.mark(texts);

  std::string header_date, dateline_date;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Line& line = lines[i];
    if (boiler[i]) {
      line.role = Role::kBoilerplate;
      continue;
    }
    const std::string lower = lower_utf8(line.text);
    for (const std::string& prefix : rules_.release_date_prefixes) {
      if (!starts_with_ci(line.text, prefix)) continue;
      if (auto date = dates_.find_first(line.text)) {
        line.role = Role::kReleaseDate;
        if (header_date.empty()) header_date = date->iso;
      }
      break;
    }
    if (line.role != Role::kContent) continue;
    for (const std::string& word : rules_.document_type_words) {
      if (lower_utf8(trim(line.text)) == lower_utf8(word) ||
          (starts_with_ci(line.text, word) && words(line.text).size() <= words(word).size() + 1)) {
        line.role = Role::kDocumentType;
        meta.document_type = "press release";
        break;
      }
    }
    if (line.role != Role::kContent) continue;
    for (const std::string& label : rules_.issuer_labels) {
      if (auto issuer = after_label(line.text, label)) {
        line.role = Role::kIssuer;
        if (meta.issuer.empty()) meta.issuer = *issuer;
        break;
      }
    }
    if (line.role != Role::kContent) continue;
    // Dateline: "Place, [den] <date>" and nothing else on the line (scanner specks
    // before the place are common in OCR output and skipped).
    const std::string dateline = without_leading_noise(line.text);
    const std::size_t comma = dateline.find(',');
    if (comma != std::string::npos && comma > 1 && comma < 60 && starts_uppercase(dateline)) {
      const std::string place = trim(dateline.substr(0, comma));
      std::string rest = trim(dateline.substr(comma + 1));
      for (const std::string& connector : rules_.dateline_connectors)
        if (starts_with_ci(rest, connector + " ")) rest = trim(rest.substr(connector.size()));
      const std::optional<FoundDate> date = dates_.find_first(rest);
      const bool place_ok = words(place).size() <= 5 &&
                            std::none_of(place.begin(), place.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (date && place_ok && date->begin <= 1 && trim(rest.substr(date->end)).size() <= 1) {
        line.role = Role::kDateline;
        if (meta.place.empty()) meta.place = place;
        if (dateline_date.empty()) dateline_date = date->iso;
      }
    }
  }
  if (meta.document_type.empty() && !header_date.empty()) meta.document_type = "press release";
  meta.release_date = !header_date.empty() ? header_date : dateline_date;

  // Title: the first clearly taller content line near the top; without layout, the first
  // short content line that is not a sentence.
  std::vector<std::size_t> content;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent && words(lines[i].text).size() >= 1) content.push_back(i);
  const float median = median_height(lines);
  std::optional<std::size_t> title_at;
  const std::size_t window = std::min<std::size_t>(content.size(), 15);
  if (median > 0)
    for (std::size_t k = 0; k < window && !title_at; ++k)
      if (lines[content[k]].height >= 1.2f * median) title_at = k;
  if (!title_at && !content.empty()) {
    const Line& first = lines[content[0]];
    if (words(first.text).size() <= 15 && !ends_sentence(first.text)) title_at = 0;
  }

  std::size_t body_from = 0;  // index into content
  if (title_at) {
    std::size_t k = *title_at;
    const float title_height = lines[content[k]].height;
    meta.title = lines[content[k]].text;
    // A headline may wrap: following lines of the same size in the same paragraph.
    while (k + 1 < content.size() && content[k + 1] == content[k] + 1 &&
           !lines[content[k + 1]].starts_paragraph && median > 0 &&
           std::abs(lines[content[k + 1]].height - title_height) <= 0.1f * title_height &&
           title_height >= 1.2f * median) {
      meta.title += " " + lines[content[++k]].text;
    }
    ++k;
    if (k < content.size()) {
      const Line& next = lines[content[k]];
      const bool taller = median > 0 && next.height >= 1.08f * median && title_height >= 1.2f * median;
      const bool own_paragraph = next.starts_paragraph &&
                                 (k + 1 >= content.size() || lines[content[k + 1]].starts_paragraph);
      if ((taller || own_paragraph) && words(next.text).size() <= 20 && !ends_sentence(next.text)) {
        meta.subtitle = next.text;
        const float sub_height = next.height;
        while (taller && k + 1 < content.size() && !lines[content[k + 1]].starts_paragraph &&
               std::abs(lines[content[k + 1]].height - sub_height) <= 0.1f * sub_height)
          meta.subtitle += " " + lines[content[++k]].text;
        ++k;
      }
    }
    body_from = k;
  }

  for (std::size_t k = body_from; k < content.size(); ++k) {
    const Line& line = lines[content[k]];
    if (!meta.body.empty()) meta.body += line.starts_paragraph ? "\n\n" : "\n";
    meta.body += line.text;
  }
  meta.language = detect_language(meta.body.empty() ? meta.title : meta.body, rules_);
  return meta;
}

}  // namespace pressarchive
