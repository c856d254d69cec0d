#include "stages/ingest/discover.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "../test_paths.h"

namespace pressarchive {
namespace {

using testing::TempDir;

struct SniffCase {
  std::string head;
  SourceFormat expected;
};

TEST(SniffFormat, RecognisesFormatsByContent) {
  using namespace std::literals;
  const std::vector<SniffCase> cases = {
      {"%PDF-1.7\n%\xe2\xe3", SourceFormat::kPdf},
      {"junk junk junk\n%PDF-1.4\n", SourceFormat::kPdf},  // junk before the header
      {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s, SourceFormat::kPng},
      {"\xff\xd8\xff\xe0\0\x10JFIF"s, SourceFormat::kJpeg},
      {"II*\0\x08\0\0\0"s, SourceFormat::kTiff},
      {"MM\0*\0\0\0\x08"s, SourceFormat::kTiff},
      {"GIF89a\x01\0\x01\0"s, SourceFormat::kGif},
      {"P5\n10 10\n255\n", SourceFormat::kPnm},
      {"RIFF\x10\0\0\0WEBPVP8 "s, SourceFormat::kWebp},
      {"oops\n", SourceFormat::kUnknown},
      {"", SourceFormat::kUnknown},
      {"#!/bin/sh\necho %PD", SourceFormat::kUnknown},
  };
  for (const SniffCase& c : cases)
    EXPECT_EQ(sniff_format(c.head), c.expected) << "head: " << c.head;
}

TEST(Sha256, MatchesKnownDigest) {
  TempDir dir;
  const auto file = dir.path() / "abc.txt";
  std::ofstream(file) << "abc";
  Result<std::string> hash = sha256_file(file);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Discover, KeepsExactPathsAndIdentifiesByContent) {
  TempDir dir;
  const std::string png = testing::read_file(testing::sample("seed-scan-clean.png"));
  std::filesystem::create_directory(dir.path() / "sub folder");
  // A PNG named .pdf, a name with spaces, a name that is not valid UTF-8.
  std::ofstream(dir.path() / "sub folder" / "looks like a.pdf", std::ios::binary) << png;
  const std::string latin1_name = std::string("Pressemitteilung M") + '\xfc' + "nster.png";
  std::ofstream(dir.path() / latin1_name, std::ios::binary) << png;
  std::ofstream(dir.path() / ".hidden.png", std::ios::binary) << png;
  std::ofstream(dir.path() / "notes.txt") << "not a document";

  Discovery found = discover_sources({dir.path(), dir.path() / "missing.pdf"});
  ASSERT_EQ(found.sources.size(), 3u);
  ASSERT_EQ(found.unreadable.size(), 1u);
  EXPECT_EQ(found.unreadable[0].reason, Reason::kIo);
  EXPECT_NE(found.unreadable[0].message.find("missing.pdf"), std::string::npos);

  int pngs = 0;
  bool saw_latin1 = false;
  for (const Source& s : found.sources) {
    if (s.format == SourceFormat::kPng) ++pngs;
    if (s.path.filename().string() == latin1_name) saw_latin1 = true;
    EXPECT_EQ(s.sha256.size(), 64u);
  }
  EXPECT_EQ(pngs, 2);  // the .pdf-named PNG is a PNG; notes.txt is unknown
  EXPECT_TRUE(saw_latin1);
  std::set<std::string> png_hashes;
  for (const Source& s : found.sources)
    if (s.format == SourceFormat::kPng) png_hashes.insert(s.sha256);
  EXPECT_EQ(png_hashes.size(), 1u);  // same bytes, same hash, whatever the name
}

}  // namespace
}  // namespace pressarchive
