// The canonical record of a cluster (is_better_copy) and where a new record goes among
// candidates sharing its band keys (place_in_cluster).
#include "stages/near_dup/clusters.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../test_paths.h"
#include "stages/near_dup/signature_v2.h"

namespace pressarchive {
namespace {

NearDuplicateCandidate copy_of(std::int64_t id, RecordKind kind, std::optional<double> confidence) {
  NearDuplicateCandidate c;
  c.id = id;
  c.kind = kind;
  c.ocr_confidence = confidence;
  return c;
}

constexpr auto kBorn = RecordKind::kBornDigital;
constexpr auto kScan = RecordKind::kScanned;
constexpr auto kImage = RecordKind::kImage;
constexpr auto kMixed = RecordKind::kMixed;

TEST(IsBetterCopy, Table) {
  struct Case {
    const char* why;
    RecordKind kind;
    std::optional<double> confidence;
    RecordKind canonical_kind;
    std::optional<double> canonical_confidence;
    bool replaces;
  };
  const Case cases[] = {
      {"a text layer over a scan", kBorn, std::nullopt, kScan, 95, true},
      {"a text layer over an image", kBorn, std::nullopt, kImage, 99, true},
      {"a text layer over a mixed document", kBorn, std::nullopt, kMixed, 90, true},
      {"a scan never over a text layer, however clear", kScan, 99, kBorn, std::nullopt, false},
      {"an image never over a text layer", kImage, 99, kBorn, 40, false},
      {"two text layers: the earlier stays", kBorn, std::nullopt, kBorn, std::nullopt, false},
      {"two text layers, confidences set: the higher", kBorn, 80, kBorn, 70, true},
      {"a clearer scan over a scan", kScan, 91.5, kScan, 91.4, true},
      {"a less clear scan does not", kScan, 80, kScan, 90, false},
      {"equal confidence: the earlier stays", kScan, 90, kScan, 90, false},
      {"a clearer image over a scan", kImage, 95, kScan, 90, true},
      {"no confidence of the new copy: the earlier stays", kScan, std::nullopt, kScan, 50, false},
      {"no confidence of the canonical: the earlier stays", kScan, 99, kScan, std::nullopt, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    EXPECT_EQ(
        is_better_copy(c.kind, c.confidence, copy_of(1, c.canonical_kind, c.canonical_confidence)),
        c.replaces);
  }
}

// Where a new copy of a release goes when the cluster's canonical record is among the
// candidates, or only one of its members is (the canonical fetched through canonical_of).
TEST(PlaceInCluster, JoinsOrTakesOverTheClusterOfTheSameRelease) {
  const std::string body =
      "Die Stadt eroeffnet am Montag die neue Stadtbibliothek am Markt. Die Bibliothek hat "
      "taeglich von neun bis neunzehn Uhr geoeffnet und bietet dreissigtausend Medien an. "
      "Der Buergermeister dankt allen, die am Bau beteiligt waren, fuer ihre Arbeit.";
  const NearDuplicateOptions options;
  // Verification compares whole texts (signature version 2), as ingest places a record.
  const BodyProfile profile = profile_record_v2(body, "2024-05-06", options);
  struct Case {
    const char* why;
    RecordKind kind;
    std::optional<double> confidence;
    bool canonical_among_candidates;
    RecordKind canonical_kind;
    std::optional<double> canonical_confidence;
    bool takes_over;
  };
  const Case cases[] = {
      {"a scan joins a text layer's cluster", kScan, 90, true, kBorn, std::nullopt, false},
      {"a text layer takes over a scan's cluster", kBorn, std::nullopt, true, kScan, 90, true},
      {"a clearer scan takes over", kScan, 95, true, kScan, 80, true},
      {"a text layer takes over a canonical found by id", kBorn, std::nullopt, false, kScan, 90,
       true},
      {"a scan joins a canonical found by id", kScan, 70, false, kScan, 90, false},
  };
  constexpr std::int64_t kCanonical = 7, kMember = 9;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    NearDuplicateCandidate canonical =
        copy_of(kCanonical, c.canonical_kind, c.canonical_confidence);
    canonical.body = body;
    canonical.text = body;
    canonical.release_date = "2024-05-06";
    NearDuplicateCandidate member = copy_of(kMember, kScan, 60);
    member.body = body;
    member.text = body;
    member.release_date = "2024-05-06";
    member.duplicate_of = kCanonical;
    std::vector<NearDuplicateCandidate> candidates = {member};
    if (c.canonical_among_candidates) candidates.insert(candidates.begin(), canonical);
    int fetched = 0;
    const auto canonical_of = [&](std::int64_t id) -> std::optional<NearDuplicateCandidate> {
      ++fetched;
      if (id != kCanonical) return std::nullopt;
      return canonical;
    };
    const ClusterDecision d =
        place_in_cluster(profile, c.kind, c.confidence, candidates, canonical_of, options);
    EXPECT_EQ(fetched, c.canonical_among_candidates ? 0 : 1);
    ASSERT_TRUE(d.duplicate_score.has_value());
    EXPECT_EQ(d.takes_over_from,
              c.takes_over ? std::optional<std::int64_t>(kCanonical) : std::nullopt);
    EXPECT_EQ(d.duplicate_of,
              c.takes_over ? std::nullopt : std::optional<std::int64_t>(kCanonical));
    EXPECT_FALSE(d.revision_of.has_value());
  }
}

// place_in_cluster settles most candidates by their Jaccard alone and skips those that
// cannot displace the copy found: its decision must be the one of verifying every
// candidate's whole profile (the best-scoring same release, else the best-scoring
// revision, the first on ties). Every text of the dedup set is placed among the texts of
// its office (copies, re-issues, other releases sharing boilerplate), in order and reversed.
TEST(PlaceInCluster, DecidesAsVerifyingEveryCandidateWould) {
  const NearDuplicateOptions options;
  std::map<std::string, std::vector<std::filesystem::path>> offices;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_dir() / "tests" / "dedup-set"))
    if (entry.path().extension() == ".txt") {
      const std::string name = entry.path().filename().string();
      offices[name.substr(0, name.find('-'))].push_back(entry.path());
    }
  ASSERT_GE(offices.size(), 4u);
  int same_found = 0, revisions_found = 0;
  for (auto& [office, files] : offices) {
    std::sort(files.begin(), files.end());
    std::vector<NearDuplicateCandidate> all;
    std::vector<BodyProfile> profiles;
    for (const auto& file : files) {
      NearDuplicateCandidate c = copy_of(static_cast<std::int64_t>(all.size()) + 1, kScan, 80);
      c.text = testing::read_file(file);
      profiles.push_back(profile_record_v2(c.text, "", options));
      all.push_back(std::move(c));
    }
    for (std::size_t n = 0; n < all.size(); ++n) {
      for (const bool reversed : {false, true}) {
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < all.size(); ++i)
          if (i != n) order.push_back(i);
        if (reversed) std::reverse(order.begin(), order.end());
        std::vector<NearDuplicateCandidate> candidates;
        std::optional<std::int64_t> same, revision;
        double same_score = 0, revision_score = 0;
        for (const std::size_t i : order) {
          candidates.push_back(all[i]);
          const Verdict v = verify_pair(profiles[n], profiles[i], options);
          if (v.kind == VerdictKind::kSameRelease && v.score > same_score)
            same = all[i].id, same_score = v.score;
          else if (v.kind == VerdictKind::kRevision && v.score > revision_score)
            revision = all[i].id, revision_score = v.score;
        }
        SCOPED_TRACE(files[n].filename().string() + (reversed ? ", reversed" : ""));
        const ClusterDecision d = place_in_cluster(
            profiles[n], kScan, 70, candidates,
            [](std::int64_t) { return std::optional<NearDuplicateCandidate>(); }, options);
        EXPECT_EQ(d.duplicate_of, same);
        EXPECT_FALSE(d.takes_over_from.has_value());
        if (same) {
          ++same_found;
          EXPECT_DOUBLE_EQ(d.duplicate_score.value_or(-1), same_score);
          EXPECT_FALSE(d.revision_of.has_value());
        } else {
          EXPECT_EQ(d.revision_of, revision);
          if (revision) {
            ++revisions_found;
            EXPECT_DOUBLE_EQ(d.revision_score.value_or(-1), revision_score);
          }
        }
      }
    }
  }
  // Both kinds of decision occur, or the comparison proves little.
  EXPECT_GT(same_found, 50);
  EXPECT_GT(revisions_found, 5);
}

}  // namespace
}  // namespace pressarchive
