#include "stages/ingest/triage.h"

#include <gtest/gtest.h>

namespace pressarchive {
namespace {

struct Case {
  std::string text;
  bool usable;
};

TEST(TextLayerIsUsable, Table) {
  const TextLayerPolicy policy;  // 20 letters, half of the visible characters
  const std::vector<Case> cases = {
      {"CDO und CUO beenden Tätigkeit. Stadtrat entscheidet am Montag.", true},
      {"", false},
      {"   \n\n\f  ", false},
      {"- 3 -", false},          // a page number on a scanned page
      {"Seite 1 von 2", false},  // too few letters
      {"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD abcdefghij", false},
      {std::string(30, '.') + " abcdefghijklmnopqrstu", false},  // mostly dots
      {"\xEE\x80\x81\xEE\x80\x82\xEE\x80\x83 glyphs without unicode map \xEE\x80\x84", true},
      {"Überprüfung der Aktualität: Äußerst wichtig für Bürger", true},
      {"Καλημέρα κόσμε, αυτό είναι ένα κείμενο", true},
      {"1234567890 1234567890 1234567890", true},  // tables of figures are text too
  };
  for (const Case& c : cases) EXPECT_EQ(text_layer_is_usable(c.text, policy), c.usable) << c.text;
}

TEST(TextLayerIsUsable, PrivateUseGlyphsAloneAreNotText) {
  std::string pua;
  for (int i = 0; i < 40; ++i) pua += "\xEE\x80\x81";
  EXPECT_FALSE(text_layer_is_usable(pua, TextLayerPolicy{}));
}

TEST(TextLayerIsUsable, ThresholdsComeFromThePolicy) {
  TextLayerPolicy strict;
  strict.min_letters = 100;
  EXPECT_FALSE(text_layer_is_usable("CDO und CUO beenden Tätigkeit im Rahmen der Stadt", strict));
}

}  // namespace
}  // namespace pressarchive
