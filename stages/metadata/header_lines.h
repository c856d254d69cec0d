// The lines above a release's title: a letterhead (office lines, then an address line)
// and header lines made of kickers ("Pressemitteilung"), header dates and labelled
// issuers ("Autor/in: Pressestelle"), separated by "|", "·", "–" and the like.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stages/metadata/base/byte_regex.h"
#include "stages/metadata/base/metadata_line.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/dates/dates.h"

namespace pressarchive {

// Holds references to the rules and the date finder, which must outlive it; const
// member functions are thread-safe.
class HeaderReader {
 public:
  HeaderReader(const MetadataRules& rules, const DateFinder& dates);

  // "press release", "other" or "" when `segment` is only a kicker ("Pressemitteilung",
  // "Stellenausschreibung Nr. 12/2019").
  std::string kicker_kind(const std::string& segment) const;

  // The date of a header segment that is only a date, possibly after a release-date
  // prefix or a kicker ("Veröffentlicht: 2019-10-01", "Press release of 31 March 2022").
  struct HeaderDate {
    std::string iso;
    bool prefixed = false;
  };
  std::optional<HeaderDate> header_date(const std::string& segment) const;

  // A release-date prefix followed by numbers only that read as no date: the header's
  // date as OCR garbled it ("Pressemitteilung vom 11 O01 2018"). The line is the header's,
  // not the title; its date is unknown.
  bool garbled_header_date(const std::string& segment) const;

  struct Header {
    std::optional<HeaderDate> date;
    std::string kind;
    std::string issuer;
  };
  // A header line: every segment a kicker, a (prefixed) date, a labelled issuer or some
  // other "Label: value", and at least one of the first three.
  std::optional<Header> header(const std::string& text) const;

  // A postal address: an address word ("Straße", "Postfach") with a number, or a postcode.
  bool is_address(const std::string& text) const;

  // A letterhead from `top` on: up to `letterhead_max_lines` short office lines without
  // a date, then an address line. Marks them kLetterhead and kAddress and returns the
  // office lines joined with " / " as the issuer and the first line after the address.
  struct Letterhead {
    std::string issuer;
    std::size_t after = 0;
  };
  std::optional<Letterhead> mark_letterhead(std::vector<Line>& lines, std::size_t top) const;

 private:
  const MetadataRules& rules_;
  const DateFinder& dates_;
  std::vector<std::shared_ptr<const re2::RE2>> postcodes_;  // compile_byte_regex
  // The rules' phrases split into their words once, in the rules' order.
  std::vector<std::vector<std::string>> prefix_words_, other_words_, type_words_, address_words_;
  // The kickers' letters alone, lowercase ("pressrelease"): letters_of in the .cpp.
  std::vector<std::string> other_letters_, type_letters_;
};

}  // namespace pressarchive
