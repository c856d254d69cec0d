#include "stages/metadata/headline.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"

namespace pressarchive {

HeadlineReader::HeadlineReader(const MetadataRules& rules) {
  for (const std::string& w : rules.issuer_words) office_words_.insert(lower_utf8(w));
  for (const std::string& w : rules.title_wrap_words) wrap_words_.insert(lower_utf8(w));
  for (const auto& [lang, list] : rules.stopwords) wrap_words_.insert(list.begin(), list.end());
  for (const std::string& w : rules.title_end_particles) end_particles_.insert(lower_utf8(w));
}

namespace {

// No lowercase letter, and a few letters at least: a headline set in capitals.
bool all_capitals(const std::string& text) {
  int upper = 0;
  for (const std::string& t : tokens(text)) {
    if (starts_lowercase(t)) return false;
    upper += starts_uppercase(t);
  }
  return upper >= 2 && lower_utf8(text) != text;
}

// Whether a line opens in lowercase past what a speck puts before it: a quotation mark, a
// lone small letter before a capitalised word ("i Umleitungen sind …" opens with a capital;
// "a new …" in lowercase, "A drop-in …" with a capital).
bool opens_lowercase(const std::string& text) {
  return starts_lowercase(strip_leading_quotes(without_letter_speck(strip_leading_quotes(text))));
}

// Whether two lines are set at one size, as far as their heights can tell: OCR's boxes
// within `share` of each other; a text layer's font sizes within 3 % (one type size from
// the next is a tenth or more apart).

bool sizes_within(const Line& a, const Line& b, float share) {
  if (a.exact_height && b.exact_height) share = std::min(share, 0.03f);
  return a.height > 0 && b.height > 0 &&
         std::abs(a.height - b.height) <= share * std::max(a.height, b.height);
}

}  // namespace

std::string HeadlineReader::without_stray_letters(const std::string& headline) const {
  std::vector<std::string> kept;
  for (const std::string& t : tokens(headline)) {
    const bool stray = t.size() == 1 && t[0] >= 'a' && t[0] <= 'z' && !wrap_words_.count(t);
    if (!stray) kept.push_back(t);
  }
  return join(kept, " ");
}

bool HeadlineReader::names_office(const std::string& text) const {
  for (const std::string& w : words(text))
    if (office_words_.count(w)) return true;
  return false;
}

bool HeadlineReader::continues(const Line& a, const Line& b) const {
  const std::vector<std::string> wa = words(a.text), wb = words(b.text);
  if (wa.empty() || wb.empty()) return false;
  const std::string ta = trim(a.text);
  // A headline in capitals goes on in capitals: a line in small letters under it is the
  // subtitle, even at the same size (a typewriter has one).
  if (all_capitals(ta) && !all_capitals(strip_noise(b.text)) && tokens(b.text).size() > 2)
    return false;
  if (wrap_words_.count(wa.back())) {
    // A particle may end the headline: the wrap holds only in the same paragraph (a new
    // one after a particle opens the subtitle, at any size), at a size OCR may have boxed
    // up to a quarter lower.
    const bool particle = end_particles_.count(wa.back()) > 0;
    const bool sizes_known = a.height > 0 && b.height > 0;
    // After a particle, a line that opens with a capitalised article or pronoun ("… mit
    // großer Mehrheit zu" / "Ein Informationsabend …") is a phrase of its own, at any size.
    const bool own_phrase =
        particle && starts_uppercase(strip_noise(b.text)) && wrap_words_.count(wb.front()) > 0;
    if (!own_phrase &&
        (!particle || !sizes_known || (!b.starts_paragraph && sizes_within(a, b, 0.25f))))
      return true;
  }
  if (ta.back() == '-' || ta.back() == ',') return true;
  if (tokens(b.text).size() <= 2 && tokens(a.text).size() >= 2) return true;
  const std::string tb = strip_noise(b.text);
  // A headline line of its own does not end with a colon: at the same size, the rest of
  // the headline follows ("Title: rest of it").
  if (ta.back() == ':' && tokens(ta).size() >= 3 && sizes_within(a, b, 0.12f)) return true;
  // A headline in capitals goes on in capitals at its size (in its paragraph, at what OCR
  // boxes as up to a third lower or higher: accents and a low quote make a line's box
  // taller); a subtitle is set otherwise.
  if (all_capitals(ta) && all_capitals(tb) &&
      (sizes_within(a, b, 0.12f) || (!b.starts_paragraph && sizes_within(a, b, 0.3f))))
    return true;
  // A subtitle starts with a capital: a lowercase start (past a speck) goes on with the
  // title, even where OCR boxes a line without ascenders or descenders a little lower.
  return opens_lowercase(tb) &&
         (sizes_within(a, b, 0.2f) || (!b.starts_paragraph && sizes_within(a, b, 0.3f)));
}

// Of three parts of a head block (title, a second part, a third before the body), whether
// the second is the rest of the title: it starts lowercase (a subtitle starts with a
// capital), the title's line ends with a colon (the headline's "X: Y"), title and second
// part are in capitals and the third is not, or it is set at the title's size while the
// third part is clearly smaller (the subtitle's type).
bool HeadlineReader::rest_of_title(const Line& title_first, const Line& title_last,
                                   const Line& second, const Line& third) const {
  if (opens_lowercase(strip_noise(second.text))) return true;
  const std::string last = trim(title_last.text);
  if (!last.empty() && last.back() == ':' && tokens(last).size() >= 3) return true;
  // A headline in capitals goes on in capitals; the subtitle under it is not in capitals.
  if (all_capitals(last) && all_capitals(strip_noise(second.text)) &&
      !all_capitals(strip_noise(third.text)))
    return true;
  return sizes_within(title_first, second, 0.12f) &&
         third.height <= 0.8f * std::min(title_first.height, second.height);
}

Headline HeadlineReader::find(const std::vector<Line>& lines,
                              const std::vector<std::size_t>& content,
                              std::optional<std::size_t> body_dateline) const {
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
    // A line set clearly larger than the body is a headline even with a full stop at its
    // end (OCR adds one from a speck).
    const bool headline_size = median > 0 && l.height >= 1.4f * median;
    if (ends_sentence(l.text) && n >= 8 && !headline_size) return true;
    if (n >= 14) return true;
    // Above a dateline that opens the body, a line is the head's unless it reads as a
    // sentence: a long headline at about the body's size (a typewriter's, a scan's
    // boxes) is no prose for its length.
    if (body_dateline && i < *body_dateline) return false;
    const bool body_size = median <= 0 || l.height <= 1.12f * median;
    return body_size && n >= 8 && l.text.size() >= full_length * 9 / 10 && full_length >= 40;
  };
  Headline h;
  if (!content.empty() && !reads_as_prose(content[0])) {
    std::size_t end = 1;
    // A head line below the first whose sentence runs on in lowercase into a line of prose
    // is the body's first line ("… um 18 Uhr im Ratssaal" / "statt. Weitere …").
    const auto runs_into_prose = [&](std::size_t k) {
      return k + 1 < content.size() && starts_lowercase(strip_noise(lines[content[k + 1]].text)) &&
             reads_as_prose(content[k + 1]);
    };
    while (end < content.size() && end < 6 && !reads_as_prose(content[end]) &&
           !runs_into_prose(end))
      ++end;
    // A clearly taller line further down the head block is the headline; the lines
    // above it (an office name without an address line, say) are not. Only office names
    // are passed over: on a degraded scan a subtitle's line can be boxed taller than the
    // title's.
    std::size_t first = 0;
    if (median > 0 && lines[content[0]].height < 1.2f * median)
      for (std::size_t k = 1; k < end && names_office(lines[content[k - 1]].text); ++k)
        if (lines[content[k]].height >= 1.2f * median &&
            lines[content[k]].height >= 1.15f * lines[content[0]].height) {
          first = k;
          break;
        }
    // A head line without a letter (a page number, a speck's digit) is no title.
    const auto has_letter = [](const std::string& text) {
      for (std::size_t at = 0; at < text.size();) {
        const char32_t c = next_code_point(text, at);
        if (is_letter_or_digit(c) && !(c >= U'0' && c <= U'9')) return true;
      }
      return false;
    };
    while (first + 1 < end && !has_letter(lines[content[first]].text)) ++first;
    // A part of the head block: a line and the lines that continue it; k moves past it.
    std::size_t k = first;
    const auto read_part = [&](std::vector<std::string>& part) {
      part.push_back(lines[content[k]].text);
      while (k + 1 < end && continues(lines[content[k]], lines[content[k + 1]]))
        part.push_back(lines[content[++k]].text);
      ++k;
    };
    std::vector<std::string> title;
    read_part(title);
    const std::size_t title_last = k - 1;
    if (k < end) {
      // The subtitle, wrapped like the title; what follows it is the body.
      const std::size_t subtitle_first = k;
      std::vector<std::string> subtitle;
      read_part(subtitle);
      // A headline has one subtitle at most: with more head lines after it, the part read
      // as the subtitle may be the rest of a title that OCR's line heights split.
      if (k < end && rest_of_title(lines[content[first]], lines[content[title_last]],
                                   lines[content[subtitle_first]], lines[content[k]])) {
        // A full stop the next line goes on from in lowercase is a speck.
        if (starts_lowercase(strip_noise(subtitle.front())) && !title.back().empty() &&
            title.back().back() == '.')
          title.back().pop_back();
        title.insert(title.end(), subtitle.begin(), subtitle.end());
        subtitle.clear();
        read_part(subtitle);
      }
      h.subtitle = without_stray_letters(clean_headline(join(subtitle, " ")));
      h.subtitle_confidence = subtitle.size() == 1 ? 0.8 : 0.7;
      h.subtitle_evidence = subtitle.size() == 1 ? "one-line" : "wrapped";
      if (k < end) h.subtitle_confidence = 0.5, h.subtitle_evidence = "before-more-lines";
    }
    h.title = without_stray_letters(clean_headline(join(title, " ")));
    const float title_height = lines[content[first]].height;
    const bool tall = median > 0 && title_height >= 1.2f * median;
    h.title_confidence = end > 1 ? (tall ? 0.9 : 0.75) : (tall ? 0.85 : 0.6);
    h.title_evidence = std::string(tall ? "large" : "plain") + (end > 1 ? "-block" : "-alone") +
                       (title.size() > 1 ? "-wrapped" : "");
    h.body_from = k;
  }
  return h;
}

namespace {

// The key under which OCR's readings of a word meet its spelling: lowercase, umlauts
// without their dots, "ii" (OCR's "ü") as "u". "ß" stays: "GROSSTEIL" is spelled right.
std::string umlaut_key(const std::string& lower) {
  std::string k;
  for (std::size_t i = 0; i < lower.size();) {
    const char32_t c = next_code_point(lower, i);
    if (c == U'i' && i < lower.size() && lower[i] == 'i')
      k += 'u', ++i;
    else if (c == U'\u00E4')
      k += 'a';
    else if (c == U'\u00F6')
      k += 'o';
    else if (c == U'\u00FC')
      k += 'u';
    else
      append_utf8(k, c);
  }
  return k;
}

bool letters_only(const std::string& w) {
  for (std::size_t i = 0; i < w.size();) {
    const char32_t c = next_code_point(w, i);
    if (!is_letter_or_digit(c) || (c >= U'0' && c <= U'9')) return false;
  }
  return !w.empty();
}

}  // namespace

BodySpellings::BodySpellings(std::string_view body) { add(body); }

void BodySpellings::add(std::string_view body) {
  std::string word;  // lowered as it is read (as lower_utf8 lowers it)
  bool umlaut = false;
  const auto take = [&] {
    if (word.empty()) return;
    if (umlaut) by_key_[umlaut_key(word)].insert(word);
    words_.insert(word);
    word.clear();
    umlaut = false;
  };
  for (std::size_t i = 0; i < body.size();) {
    const char32_t c = next_code_point(body, i);
    if (c < 0x80) {
      if ((c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z'))
        word.push_back(static_cast<char>(c));
      else if (c >= U'A' && c <= U'Z')
        word.push_back(static_cast<char>(c + 32));
      else
        take();
      continue;
    }
    if (!is_letter_or_digit(c)) {
      take();
      continue;
    }
    const char32_t lower = lower_code_point(c);
    umlaut = umlaut || lower == U'\u00E4' || lower == U'\u00F6' || lower == U'\u00FC';
    append_utf8(word, lower);
  }
  take();
}

std::string BodySpellings::respell(const std::string& head) const {
  std::vector<std::string> out;
  for (const std::string& token : tokens(head)) {
    const TokenParts parts = token_parts(token);  // the word between the punctuation around it
    const std::string& core = parts.word;
    const std::string lower = lower_utf8(core);
    const auto spelled = by_key_.find(umlaut_key(lower));
    if (core.size() < 3 || !letters_only(core) || words_.count(lower) || spelled == by_key_.end() ||
        spelled->second.size() != 1) {
      out.push_back(token);
      continue;
    }
    out.push_back(parts.lead + in_case_of(*spelled->second.begin(), core) + parts.trail);
  }
  return join(out, " ");
}

std::string spelled_as_in_body(const std::string& head, const std::string& body) {
  return BodySpellings(body).respell(head);
}

}  // namespace pressarchive
