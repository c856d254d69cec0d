#include "stages/metadata.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <regex>
#include <set>

#include "stages/language.h"
#include "stages/text_util.h"

namespace pressarchive {
namespace {

// What a line is. Only kContent lines make the title, subtitle and body.
enum class Role {
  kContent,
  kBoilerplate,
  kHeader,      // kicker, header date line, labelled issuer in the header
  kLetterhead,  // the office lines at the top of a letterhead
  kAddress,     // the letterhead's address line
  kDateline,    // "Place, date" alone on its line
  kIssuer,      // "Autor/in: …"
  kClosing,     // contact and signature lines after the body
};

struct Line {
  std::string text;  // stray OCR specks at both ends removed
  float height = 0;
  bool starts_paragraph = false;
  Role role = Role::kContent;
};

// ---------------------------------------------------------------------------------------
// Characters and words.

// Whether the UTF-8 character at `i` is a letter or digit. Lead bytes C2 (Latin-1
// punctuation: · « ») and E2 (general punctuation: – — „ “ ‚ •) are not; other
// multi-byte characters (ä, ß, é, ł, …) are taken as letters.
bool is_word_char(const std::string& s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return std::isalnum(c) != 0;
  return c != 0xC2 && c != 0xE2;
}

std::size_t char_length(const std::string& s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
}

bool starts_uppercase(const std::string& s) {
  if (s.empty()) return false;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c >= 'A' && c <= 'Z') return true;
  // Ä Ö Ü and other Latin-1 capitals in UTF-8.
  return c == 0xC3 && s.size() > 1 && static_cast<unsigned char>(s[1]) < 0x9F;
}

bool starts_lowercase(const std::string& s) {
  if (s.empty()) return false;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c >= 'a' && c <= 'z') return true;
  return c == 0xC3 && s.size() > 1 && static_cast<unsigned char>(s[1]) >= 0x9F;
}

bool has_digit(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Scanner specks and stray marks OCR puts at the ends of a line (". - Kaiserslautern",
// "Press Office _", "“ Pressemitteilung vom …"): a run of punctuation separated from the
// text by a blank, and leading punctuation other than an opening quote or bracket.
std::string strip_noise(const std::string& text) {
  std::string s = trim(text);
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    std::size_t i = 0;
    while (i < s.size() && s[i] != ' ' && !is_word_char(s, i)) i += char_length(s, i);
    if (i > 0 && i < s.size() && s[i] == ' ') {
      s = trim(s.substr(i));
      changed = true;
    }
    std::size_t space = s.rfind(' ');
    if (space != std::string::npos) {
      bool all_noise = space + 1 < s.size();
      for (std::size_t k = space + 1; k < s.size(); k += char_length(s, k))
        if (is_word_char(s, k) || s[k] == '"' || s[k] == ')' || s[k] == '!' || s[k] == '?' ||
            static_cast<unsigned char>(s[k]) == 0xE2)
          all_noise = false;
      if (all_noise) {
        s = trim(s.substr(0, space));
        changed = true;
      }
    }
  }
  std::size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80 && !std::isalnum(static_cast<unsigned char>(s[i])) &&
         s[i] != '"' && s[i] != '(')
    ++i;
  s = s.substr(i);
  while (!s.empty() && (s.back() == '_' || s.back() == '~' || s.back() == '|' || s.back() == ' ')) s.pop_back();
  return s;
}

// A headline as printed: without trailing OCR punctuation (a headline ends without a
// full stop), with the low double quote OCR reads as two commas put back.
std::string clean_headline(const std::string& text) {
  std::string s = strip_noise(text);
  while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ':' || s.back() == ';' || s.back() == '-'))
    s.pop_back();
  for (std::size_t at = s.find(",,"); at != std::string::npos; at = s.find(",,", at)) {
    const bool opening = (at == 0 || s[at - 1] == ' ') && at + 2 < s.size() && is_word_char(s, at + 2);
    if (opening) s.replace(at, 2, "\u201e");
    at += opening ? 3 : 2;
  }
  return trim(s);
}

std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& t : split(s, ' '))
    if (!t.empty()) out.push_back(t);
  return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// Whether `text` starts with the words of `phrase` (case-insensitive, punctuation
// ignored); the number of words of `text` it covers.
std::optional<std::size_t> starts_with_words(const std::vector<std::string>& text, const std::string& phrase) {
  const std::vector<std::string> p = words(phrase);
  if (p.empty() || p.size() > text.size()) return std::nullopt;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (text[k] != p[k]) return std::nullopt;
  return p.size();
}

bool ends_sentence(const std::string& text) {
  std::string t = trim(text);
  while (!t.empty() && (t.back() == '"' || t.back() == ')')) t.pop_back();
  if (t.size() >= 3 && static_cast<unsigned char>(t[t.size() - 3]) == 0xE2) t.resize(t.size() - 3);  // “ ”
  return !t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?');
}

// "… Radwegenetz. Die …": a full stop after a lowercase word, then a capital.
bool has_inner_sentence_end(const std::string& text) {
  static const std::regex re(R"([a-zß\xA4\xB6\xBC]{3}[.!?]["\xE2\x80\x9C\xE2\x80\x9D]? +["\xE2\x80\x9E]?[A-Z\xC3])");
  return std::regex_search(text, re);
}

float median_of(std::vector<float> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
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

std::optional<std::string> after_any_label(const std::string& line, const std::vector<std::string>& labels) {
  for (const std::string& label : labels)
    if (auto value = after_label(line, label)) return value;
  return std::nullopt;
}

// Splits a header line at separators with a blank on both sides.
std::vector<std::string> header_segments(const std::string& text, const std::vector<std::string>& separators) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ' ') continue;
    for (const std::string& sep : separators) {
      if (text.compare(i + 1, sep.size(), sep) == 0 && i + 1 + sep.size() < text.size() && text[i + 1 + sep.size()] == ' ') {
        out.push_back(trim(text.substr(from, i - from)));
        from = i + 1 + sep.size();
        i = from;
        break;
      }
    }
  }
  out.push_back(trim(text.substr(from)));
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }), out.end());
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The policies, one function each, on the compiled rules.

struct MetadataExtractor::Policies {
  const MetadataRules& rules;
  const DateFinder& dates;
  std::vector<std::regex> postcodes;
  std::set<std::string> wrap_words;     // lowercase
  std::set<std::string> not_name_words;  // lowercase, stopwords included
  std::set<std::string> not_before_name;  // as written

  explicit Policies(const MetadataRules& r, const DateFinder& d) : rules(r), dates(d) {
    for (const std::string& p : r.postcodes) postcodes.emplace_back(p, std::regex::ECMAScript);
    for (const std::string& w : r.title_wrap_words) wrap_words.insert(lower_utf8(w));
    for (const auto& [lang, list] : r.stopwords)
      for (const std::string& w : list) wrap_words.insert(w), not_name_words.insert(w);
    for (const std::string& w : r.not_name_words) not_name_words.insert(lower_utf8(w));
    not_before_name.insert(r.not_before_name.begin(), r.not_before_name.end());
  }

  // "press release", "other" or "" when `segment` is only a kicker ("Pressemitteilung",
  // "Stellenausschreibung Nr. 12/2019").
  std::string kicker_kind(const std::string& segment) const {
    const std::vector<std::string> w = words(strip_noise(segment));
    auto kind = [&](const std::vector<std::string>& list) {
      for (const std::string& word : list) {
        const std::optional<std::size_t> n = starts_with_words(w, word);
        if (!n) continue;
        if (*n == w.size()) return true;
        // A number may follow: "Nr. 212", "No. 12/2019".
        if ((w[*n] == "nr" || w[*n] == "no") && w.size() <= *n + 3) return true;
      }
      return false;
    };
    if (kind(rules.other_document_words)) return "other";
    if (kind(rules.document_type_words)) return "press release";
    return "";
  }

  // The date of a header segment that is only a date, possibly after a release-date
  // prefix or a kicker ("Veröffentlicht: 2019-10-01", "Press release of 31 March 2022").
  struct HeaderDate {
    std::string iso;
    bool prefixed = false;
  };
  std::optional<HeaderDate> header_date(const std::string& segment) const {
    const std::string s = strip_noise(segment);
    const std::optional<FoundDate> date = dates.find_first(s);
    if (!date) return std::nullopt;
    if (trim(s.substr(date->end)).size() > 1) return std::nullopt;
    const std::string before = trim(s.substr(0, date->begin));
    if (before.empty()) return HeaderDate{date->iso, false};
    const std::vector<std::string> w = words(before);
    for (const std::string& prefix : rules.release_date_prefixes)
      if (auto n = starts_with_words(w, prefix); n && *n == w.size()) return HeaderDate{date->iso, true};
    if (!kicker_kind(before).empty()) return HeaderDate{date->iso, true};
    return std::nullopt;
  }

  struct Header {
    std::optional<HeaderDate> date;
    std::string kind;
    std::string issuer;
  };
  // A header line: every segment a kicker, a (prefixed) date, a labelled issuer or some
  // other "Label: value", and at least one of the first three.
  std::optional<Header> header(const std::string& text) const {
    if (words(text).size() > 24) return std::nullopt;
    Header h;
    bool known = false;
    for (const std::string& segment : header_segments(strip_noise(text), rules.header_separators)) {
      if (auto d = header_date(segment)) {
        if (!h.date) h.date = d;
        known = true;
      } else if (std::string kind = kicker_kind(segment); !kind.empty()) {
        if (h.kind.empty()) h.kind = kind;
        known = true;
      } else if (auto issuer = after_any_label(segment, rules.issuer_labels)) {
        if (h.issuer.empty()) h.issuer = strip_noise(*issuer);
        known = true;
      } else {
        const std::size_t colon = segment.find(':');
        if (colon == std::string::npos || words(segment.substr(0, colon)).size() > 3) return std::nullopt;
      }
    }
    if (!known) return std::nullopt;
    return h;
  }

  bool is_address(const std::string& text) const {
    const std::vector<std::string> w = words(text);
    if (w.size() > 30) return false;
    for (const std::string& word : rules.address_words)
      for (std::size_t k = 0; k < w.size(); ++k)
        if (auto n = starts_with_words(std::vector<std::string>(w.begin() + k, w.end()), word); n && has_digit(text))
          return true;
    for (const std::regex& re : postcodes)
      if (std::regex_search(text, re)) return true;
    return false;
  }

  bool is_place(const std::string& place) const {
    const std::vector<std::string> t = tokens(place);
    if (t.empty() || t.size() > 5 || !starts_uppercase(place) || has_digit(place)) return false;
    for (const std::string& token : t) {
      const bool listed = std::any_of(rules.place_words.begin(), rules.place_words.end(),
                                      [&](const std::string& w) { return token == w; });
      if (!starts_uppercase(token) && token[0] != '(' && !listed) return false;
      for (const std::string& no : rules.not_place_words)
        if (lower_utf8(token) == lower_utf8(no)) return false;
    }
    return true;
  }

  // "Place, [den] date" at the start of a line: alone, or followed by a dash, full stop
  // or colon and the first sentence of the body.
  struct Dateline {
    std::string place;
    std::string iso;
    bool alone = false;
  };
  std::optional<Dateline> dateline(const std::string& text) const {
    std::string s = strip_noise(text);
    std::size_t start = 0;  // a dateline starts with a letter: "‚Münster; 04.07.2019"
    while (start < s.size() && !is_word_char(s, start)) start += char_length(s, start);
    s = s.substr(start);
    std::size_t comma = s.find_first_of(",;");
    if (comma == std::string::npos || comma < 2 || comma > 60) return std::nullopt;
    const std::string place = trim(s.substr(0, comma));
    std::string rest = trim(s.substr(comma + 1));
    for (const std::string& connector : rules.dateline_connectors)
      if (starts_with_ci(rest, connector + " ")) rest = trim(rest.substr(connector.size()));
    const std::optional<FoundDate> date = dates.find_first(rest);
    if (!date || date->begin > 1 || !is_place(place)) return std::nullopt;
    const std::string after = trim(rest.substr(date->end));
    if (after.size() <= 1) return Dateline{place, date->iso, true};
    const bool separated = after[0] == '.' || after[0] == ':' || after[0] == '-' ||
                           after.rfind("\u2013", 0) == 0 || after.rfind("\u2014", 0) == 0;
    if (!separated) return std::nullopt;
    return Dateline{place, date->iso, false};
  }

  // Whether a headline line continues on the next line: it ends with a word a headline
  // does not end with, with a hyphen or a comma, or the next line is only a tail of one
  // or two words, or starts lowercase at the same size.
  bool headline_continues(const Line& a, const Line& b) const {
    const std::vector<std::string> wa = words(a.text), wb = words(b.text);
    if (wa.empty() || wb.empty()) return false;
    if (wrap_words.count(wa.back())) return true;
    const std::string ta = trim(a.text);
    if (ta.back() == '-' || ta.back() == ',') return true;
    if (tokens(b.text).size() <= 2 && tokens(a.text).size() >= 2) return true;
    const bool same_size = a.height > 0 && b.height > 0 && std::abs(a.height - b.height) <= 0.12f * std::max(a.height, b.height);
    return starts_lowercase(strip_noise(b.text)) && same_size;
  }

  bool is_role(const std::string& phrase) const {
    const std::string lower = lower_utf8(phrase);
    return std::any_of(rules.role_words.begin(), rules.role_words.end(),
                       [&](const std::string& w) { return lower.find(w) != std::string::npos; });
  }

  bool is_name_word(const std::string& token) const {
    if (!starts_uppercase(token) || token.size() < 2) return false;
    std::size_t upper = 0, letters = 0;
    for (std::size_t i = 0; i < token.size(); i += char_length(token, i)) {
      const auto c = static_cast<unsigned char>(token[i]);
      if (c == '-' || c == '\'') continue;
      if (!is_word_char(token, i) || std::isdigit(c)) return false;
      ++letters;
      upper += std::isupper(c) != 0;
    }
    if (letters >= 3 && upper == letters) return false;  // "CDO", "THW"
    const std::string lower = lower_utf8(token);
    return !not_name_words.count(lower) && !is_role(token);
  }
};

namespace {

std::string strip_trailing_punctuation(std::string s) {
  while (!s.empty() && (s.back() == ',' || s.back() == '.' || s.back() == ';' || s.back() == ':' || s.back() == '"' ||
                        s.back() == ')'))
    s.pop_back();
  for (const char* quote : {"\u201c", "\u201d", "\u2019"})
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, quote) == 0) s.resize(s.size() - 3);
  return s;
}

std::string strip_leading_quotes(std::string s) {
  for (const char* quote : {"\u201e", "\u201c", "\u201a", "\u2018"})
    if (s.rfind(quote, 0) == 0) return s.substr(3);
  if (!s.empty() && (s[0] == '"' || s[0] == '(')) return s.substr(1);
  return s;
}

bool ends_clause(const std::string& token) {
  if (token.empty()) return true;
  const char c = token.back();
  if (c == '.' || c == ';' || c == ':' || c == '"' || c == '!' || c == '?' || c == ')') return true;
  return token.size() >= 3 && static_cast<unsigned char>(token[token.size() - 3]) == 0xE2;  // “ ” –
}

}  // namespace

// Named persons with their office: "Name, Office," / "Office Name" / "Label: Name, Office".
std::vector<Person> MetadataExtractor::find_persons(const std::string& text) const {
  const Policies& p = *policies_;
  const std::vector<std::string> t = tokens(text);
  std::vector<Person> found;
  auto add = [&](const std::string& name, const std::string& role) {
    for (Person& known : found)
      if (known.name == name) {
        if (known.role.empty()) known.role = role;
        return;
      }
    found.push_back({name, role});
  };
  // Titles split into words once, not again for every word of the text.
  std::vector<std::vector<std::string>> title_words;
  for (const std::string& title : p.rules.person_titles) title_words.push_back(tokens(title));
  auto is_title = [&](const std::string& token) {
    return std::any_of(title_words.begin(), title_words.end(),
                       [&](const std::vector<std::string>& words) { return words.front() == token; });
  };
  auto is_separator = [&](const std::string& token) {
    return std::find(p.rules.header_separators.begin(), p.rules.header_separators.end(), token) !=
           p.rules.header_separators.end();
  };
  auto connects = [&](const std::string& token) { return p.wrap_words.count(lower_utf8(strip_trailing_punctuation(token))) > 0; };
  for (std::size_t i = 0; i < t.size(); ++i) {
    // Not inside an office or the name of an organisation: "Leiter der Arbeitsgruppe
    // Seenforschung".
    if (i > 0 && p.not_before_name.count(t[i - 1])) continue;
    // Academic titles, then a first name and a surname.
    std::size_t j = i;
    std::vector<std::string> title;
    for (bool more = true; more && j < t.size();) {
      more = false;
      for (const std::vector<std::string>& parts : title_words) {
        if (j + parts.size() > t.size()) continue;
        bool match = true;
        for (std::size_t k = 0; k < parts.size() && match; ++k)
          match = (title.empty() && k == 0 ? strip_leading_quotes(t[j + k]) : t[j + k]) == parts[k];
        if (match) {
          for (const std::string& part : parts) title.push_back(part);
          j += parts.size();
          more = true;
          break;
        }
      }
    }
    if (j + 1 >= t.size()) continue;
    const std::string first = title.empty() ? strip_leading_quotes(t[j]) : t[j];
    const std::string last_raw = t[j + 1];
    const std::string last = strip_trailing_punctuation(last_raw);
    if (!p.is_name_word(first) || first != t[j].substr(t[j].size() - first.size()) || !p.is_name_word(last) ||
        is_title(last_raw))
      continue;
    // A third capitalised word directly after would make this a longer proper noun.
    if (last == last_raw && j + 2 < t.size() && starts_uppercase(t[j + 2]) && !p.is_role(t[j + 2])) continue;
    std::vector<std::string> name_parts = title;
    name_parts.push_back(first);
    name_parts.push_back(last);
    const std::string name = join(name_parts, " ");

    // "Name, Office, said …": the office runs to the end of the clause, or to a comma
    // before a lowercase word (the verb) or a contact word.
    std::string role_after;
    std::size_t role_end = j + 1;
    if (!last_raw.empty() && last_raw.back() == ',') {
      std::vector<std::string> role;
      std::size_t k = j + 2;
      for (; k < t.size() && role.size() < 14; ++k) {
        std::string token = t[k];
        if (is_separator(token)) break;
        // "Bristol..\"But": a quote or a double stop inside the token ends the clause.
        const std::size_t cut = std::min({token.find(".."), token.find('"'), token.find("\u201c"), token.find("\u201d")});
        if (cut != std::string::npos && cut > 0) {
          role.push_back(strip_trailing_punctuation(token.substr(0, cut)));
          break;
        }
        if (!token.empty() && token.back() == ',') {
          const bool stop = k + 1 >= t.size() || !starts_uppercase(t[k + 1]) || p.is_address(t[k + 1] + " 0");
          if (stop) {
            role.push_back(strip_trailing_punctuation(token));
            break;
          }
        }
        if (ends_clause(token)) {
          role.push_back(strip_trailing_punctuation(token));
          break;
        }
        role.push_back(token);
      }
      const std::string phrase = join(role, " ");
      if (!role.empty() && p.is_role(phrase)) role_after = phrase, role_end = k;
    }
    // "Oberbürgermeisterin Dr. Anna Keller", "Stadträtin für Kultur und Denkmalpflege Dr. …":
    // the office reaches back from the name to the farthest word naming an office, over
    // capitalised words and connecting words only, within the clause.
    std::string role_before;
    std::optional<std::size_t> role_from;
    for (std::size_t back = 1; back <= 10 && back <= i; ++back) {
      const std::string& token = t[i - back];
      if (ends_clause(token) || has_digit(token)) break;
      if (starts_lowercase(token) && !connects(token)) break;
      if (starts_uppercase(token) && p.is_role(token)) role_from = i - back;
    }
    if (role_from) {
      std::vector<std::string> role(t.begin() + static_cast<long>(*role_from), t.begin() + static_cast<long>(i));
      role_before = strip_trailing_punctuation(join(role, " "));
    }
    const std::string role = !role_after.empty() ? role_after : role_before;
    if (role.empty() && title.empty()) continue;
    add(name, role);
    i = role_end;  // the office is no name: "Director of the Cambridge Sustainable Travel Partnership"
  }
  return found;
}

MetadataExtractor::MetadataExtractor(MetadataRules rules)
    : rules_(std::move(rules)),
      dates_(rules_),
      boilerplate_(rules_.boilerplate),
      policies_(std::make_unique<Policies>(rules_, dates_)) {}

MetadataExtractor::~MetadataExtractor() = default;

Metadata MetadataExtractor::extract(const std::vector<PageResult>& pages) const {
  const Policies& p = *policies_;
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

  auto next_content = [&](std::size_t i) {
    while (i < lines.size() && lines[i].role == Role::kBoilerplate) ++i;
    return i;
  };

  // Letterhead: the office lines at the very top, then an address line.
  std::size_t top = next_content(0);
  {
    std::vector<std::size_t> office;
    std::size_t i = top;
    while (i < lines.size() && office.size() <= static_cast<std::size_t>(rules_.letterhead_max_lines)) {
      if (p.is_address(lines[i].text)) break;
      office.push_back(i);
      i = next_content(i + 1);
    }
    const bool plausible = i < lines.size() && !office.empty() &&
                           office.size() <= static_cast<std::size_t>(rules_.letterhead_max_lines) &&
                           std::all_of(office.begin(), office.end(), [&](std::size_t k) {
                             return words(lines[k].text).size() <= 10 && !dates_.find_first(lines[k].text) &&
                                    !p.header(lines[k].text);
                           });
    if (plausible) {
      std::vector<std::string> names;
      for (std::size_t k : office) {
        lines[k].role = Role::kLetterhead;
        names.push_back(lines[k].text);
      }
      letterhead_issuer = join(names, " / ");
      lines[i].role = Role::kAddress;
      top = next_content(i + 1);
    }
  }

  // Header lines above the title: kickers, header dates, labelled issuers.
  auto take_header = [&](const Policies::Header& h) {
    if (h.date && header_date.empty()) header_date = h.date->iso, header_date_prefixed = h.date->prefixed;
    if (!h.kind.empty() && (kind.empty() || h.kind == "other")) kind = h.kind;
    if (!h.issuer.empty() && label_issuer.empty()) label_issuer = h.issuer;
  };
  auto skip_header = [&] {
    while (top < lines.size()) {
      if (auto h = p.header(lines[top].text)) {
        take_header(*h);
        lines[top].role = Role::kHeader;
      } else if (p.is_address(lines[top].text) && words(lines[top].text).size() <= 16) {
        lines[top].role = Role::kAddress;
      } else {
        break;
      }
      top = next_content(top + 1);
    }
  };
  skip_header();
  // A notice above the kicker or header date (an archive's note that is not among the
  // boilerplate rules): the title follows the header, not the notice.
  for (std::size_t i = top, seen = 0; i < lines.size() && seen < 15; i = next_content(i + 1), ++seen) {
    if (p.dateline(lines[i].text) || after_any_label(lines[i].text, rules_.issuer_labels)) break;
    const std::optional<Policies::Header> h = p.header(lines[i].text);
    if (!h || (!h->date && h->kind.empty())) continue;
    for (std::size_t k = top; k < i; ++k)
      if (lines[k].role == Role::kContent) lines[k].role = Role::kHeader;
    top = i;
    skip_header();
    break;
  }

  // The rest: release-date lines, labelled issuers, datelines, closing labels.
  std::optional<std::size_t> body_dateline;  // a dateline that opens the body
  std::string place;
  for (std::size_t i = top; i < lines.size(); ++i) {
    Line& line = lines[i];
    if (line.role != Role::kContent) continue;
    for (const std::string& prefix : rules_.release_date_prefixes) {
      if (!starts_with_ci(line.text, prefix)) continue;
      if (auto h = p.header(line.text); h && h->date && h->date->prefixed) {
        take_header(*h);
        line.role = Role::kHeader;
      }
      break;
    }
    if (line.role != Role::kContent) continue;
    if (auto issuer = after_any_label(line.text, rules_.issuer_labels)) {
      line.role = Role::kIssuer;
      if (label_issuer.empty()) label_issuer = strip_noise(*issuer);
      continue;
    }
    if (auto issuer = after_any_label(line.text, rules_.issuer_fallback_labels)) {
      line.role = Role::kIssuer;
      if (fallback_issuer.empty()) fallback_issuer = strip_noise(*issuer);
      continue;
    }
    if (auto d = p.dateline(line.text)) {
      if (place.empty()) place = d->place;
      if (dateline_date.empty()) dateline_date = d->iso;
      if (d->alone) line.role = Role::kDateline;
      else if (!body_dateline) body_dateline = i;
      continue;
    }
    for (const std::string& label : rules_.press_contact_labels)
      if (starts_with_ci(line.text, label)) press_contact = true, line.role = Role::kClosing;
    if (line.role == Role::kContent && after_any_label(line.text, rules_.closing_labels)) line.role = Role::kClosing;
    // The address under a contact line.
    if (line.role == Role::kContent && i > 0 && lines[i - 1].role == Role::kClosing && p.is_address(line.text))
      line.role = Role::kClosing;
  }

  // Title and subtitle: the head block between the header and the first line of the
  // body. The body starts at a dateline, at a line that reads as prose (a sentence ends
  // inside it, it ends a sentence of eight words or more, or it runs as long as the body
  // lines do at body size), or after five head lines at most.
  std::vector<std::size_t> content;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].role == Role::kContent) content.push_back(i);
  std::vector<float> heights;
  std::vector<std::size_t> lengths;
  for (std::size_t i : content) {
    if (lines[i].height > 0) heights.push_back(lines[i].height);
    lengths.push_back(lines[i].text.size());
  }
  const float median = median_of(heights);
  std::sort(lengths.begin(), lengths.end());
  const std::size_t full_length = lengths.empty() ? 0 : lengths[lengths.size() * 3 / 4];
  auto reads_as_prose = [&](std::size_t i) {
    const Line& l = lines[i];
    const std::size_t n = tokens(l.text).size();
    if (body_dateline && i == *body_dateline) return true;
    if (has_inner_sentence_end(l.text)) return true;
    if (ends_sentence(l.text) && n >= 8) return true;
    if (n >= 14) return true;
    const bool body_size = median <= 0 || l.height <= 1.12f * median;
    return body_size && n >= 8 && l.text.size() >= full_length * 9 / 10 && full_length >= 40;
  };
  std::size_t body_from = 0;  // index into content
  double title_confidence = 0, subtitle_confidence = 0;
  if (!content.empty() && !reads_as_prose(content[0])) {
    std::size_t end = 1;
    while (end < content.size() && end < 6 && !reads_as_prose(content[end])) ++end;
    // A clearly taller line further down the head block is the headline; the lines
    // above it (an office name without an address line, say) are not.
    std::size_t first = 0;
    if (median > 0 && lines[content[0]].height < 1.2f * median)
      for (std::size_t k = 1; k < end; ++k)
        if (lines[content[k]].height >= 1.2f * median && lines[content[k]].height >= 1.15f * lines[content[0]].height) {
          first = k;
          break;
        }
    std::size_t k = first;
    std::vector<std::string> title = {lines[content[k]].text};
    while (k + 1 < end && p.headline_continues(lines[content[k]], lines[content[k + 1]]))
      title.push_back(lines[content[++k]].text);
    ++k;
    meta.title = clean_headline(join(title, " "));
    const float title_height = lines[content[first]].height;
    const bool tall = median > 0 && title_height >= 1.2f * median;
    title_confidence = end > 1 ? (tall ? 0.9 : 0.75) : (tall ? 0.85 : 0.6);
    if (k < end) {
      // The subtitle, wrapped like the title; what follows it is the body.
      std::vector<std::string> subtitle = {lines[content[k]].text};
      while (k + 1 < end && p.headline_continues(lines[content[k]], lines[content[k + 1]]))
        subtitle.push_back(lines[content[++k]].text);
      ++k;
      meta.subtitle = clean_headline(join(subtitle, " "));
      subtitle_confidence = subtitle.size() == 1 ? 0.8 : 0.7;
      if (k < end) subtitle_confidence = 0.5;  // more unclassified lines before the body
    }
    body_from = k;
  }

  for (std::size_t k = body_from; k < content.size(); ++k) {
    const Line& line = lines[content[k]];
    if (!meta.body.empty()) meta.body += line.starts_paragraph ? "\n\n" : "\n";
    meta.body += line.text;
  }

  // Persons in the body and the closing lines, lines joined (and hyphenation undone).
  std::string running;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    if (l.role != Role::kContent && l.role != Role::kClosing) continue;
    if (l.role == Role::kContent && std::find(content.begin() + static_cast<long>(body_from), content.end(), i) == content.end())
      continue;
    const bool hyphen = !running.empty() && running.back() == '-' && running.size() > 1 && running[running.size() - 2] != ' ';
    if (hyphen && starts_lowercase(l.text)) running.pop_back();  // "Verkehrs-" "betriebe"
    else if (!running.empty() && !hyphen) running += ' ';          // "Händel-" "Festspiele" stays hyphenated
    running += l.text;
    if (l.role == Role::kClosing) running += " .";  // a closing line is a clause of its own
  }
  meta.persons = find_persons(running);

  // Fields and how far to trust them. OCR'd pages with a low mean word confidence lower
  // every field.
  const double ocr_factor =
      !ocr ? 1.0 : ocr_pages == 0 ? 0.9 : std::clamp(0.6 + 0.4 * (ocr_confidence_sum / ocr_pages) / 100.0, 0.6, 1.0);
  double date_confidence = 0;
  if (!header_date.empty()) {
    meta.release_date = header_date;
    date_confidence = header_date_prefixed ? 0.95 : 0.85;
    if (!dateline_date.empty() && dateline_date != header_date) {
      meta.conflicts.push_back("release_date: the header says " + header_date + ", the dateline " + dateline_date +
                               "; the header date is kept");
      date_confidence = 0.5;
    } else if (!dateline_date.empty()) {
      date_confidence = 0.99;
    }
  } else if (!dateline_date.empty()) {
    meta.release_date = dateline_date;
    date_confidence = 0.9;
  }
  meta.place = place;
  double issuer_confidence = 0;
  if (!label_issuer.empty()) meta.issuer = label_issuer, issuer_confidence = 0.95;
  else if (!letterhead_issuer.empty()) meta.issuer = letterhead_issuer, issuer_confidence = 0.8;
  else if (!fallback_issuer.empty()) meta.issuer = fallback_issuer, issuer_confidence = 0.6;
  if (!label_issuer.empty() && !letterhead_issuer.empty() && lower_utf8(label_issuer) != lower_utf8(letterhead_issuer))
    meta.conflicts.push_back("issuer: the letterhead names '" + letterhead_issuer + "', the label '" + label_issuer +
                             "'; the label is kept");

  double type_confidence = 0;
  for (const std::string& start : rules_.other_title_starts)
    if (!meta.title.empty() && starts_with_ci(meta.title, start)) kind = "other";
  if (!kind.empty()) {
    meta.document_type = kind;
    type_confidence = 0.9;
  } else if (!header_date.empty() && header_date_prefixed) {
    meta.document_type = "press release";
    type_confidence = 0.85;
  } else if (!dateline_date.empty() || !label_issuer.empty() || press_contact || !header_date.empty()) {
    // Datelines, author labels and press contacts are the marks of a press release.
    meta.document_type = "press release";
    type_confidence = 0.6;
  }

  meta.language = detect_language(meta.body.empty() ? meta.title : meta.body, rules_);
  const auto set = [&](const char* field, const std::string& value, double c) {
    meta.confidence[field] = value.empty() ? 0.0 : std::clamp(c * ocr_factor, 0.0, 1.0);
  };
  set("title", meta.title, title_confidence);
  set("subtitle", meta.subtitle, subtitle_confidence);
  set("release_date", meta.release_date, date_confidence);
  set("place", meta.place, 0.9);
  set("issuer", meta.issuer, issuer_confidence);
  set("language", meta.language, 0.95);
  set("document_type", meta.document_type, type_confidence);
  set("body", meta.body, 0.9);
  meta.confidence["persons"] = meta.persons.empty() ? 0.0 : 0.7 * ocr_factor;
  return meta;
}

}  // namespace pressarchive
