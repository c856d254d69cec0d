#include "stages/near_dup/dedup.h"

#include <gtest/gtest.h>

#include <map>

namespace pressarchive {
namespace {

Source src(const std::string& path, const std::string& sha) {
  Source s;
  s.path = path;
  s.sha256 = sha;
  return s;
}

TEST(PlanIngest, ProcessesEachContentOnceAndLinksTheRest) {
  // The archive already holds content "aaa" from a.pdf, and "fff" failed before.
  const std::map<std::string, std::int64_t> archived = {{"aaa", 7}};
  const ContentLookup lookup = [&](const std::string& sha, const std::string& path) {
    KnownContent k;
    if (auto it = archived.find(sha); it != archived.end()) k.record_id = it->second;
    k.path_known = sha == "aaa" && path == "a.pdf";
    k.failed_before = sha == "fff";
    return k;
  };
  const std::vector<Source> sources = {src("a.pdf", "aaa"), src("copy of a.pdf", "aaa"),
                                       src("b.png", "bbb"), src("b again.png", "bbb"),
                                       src("c.tif", "ccc"), src("broken.pdf", "fff")};
  IngestPlan plan = plan_ingest(sources, lookup, /*retry_failed=*/false);
  ASSERT_EQ(plan.already_archived.size(), 1u);
  EXPECT_EQ(plan.already_archived[0].path, "a.pdf");
  ASSERT_EQ(plan.links.size(), 1u);
  EXPECT_EQ(plan.links[0].first.path, "copy of a.pdf");
  EXPECT_EQ(plan.links[0].second, 7);
  ASSERT_EQ(plan.work.size(), 2u);
  EXPECT_EQ(plan.work[0].source.path, "b.png");
  ASSERT_EQ(plan.work[0].copies.size(), 1u);
  EXPECT_EQ(plan.work[0].copies[0].path, "b again.png");
  EXPECT_EQ(plan.work[1].source.path, "c.tif");
  ASSERT_EQ(plan.failed_before.size(), 1u);

  IngestPlan retry = plan_ingest(sources, lookup, /*retry_failed=*/true);
  EXPECT_EQ(retry.work.size(), 3u);
  EXPECT_TRUE(retry.failed_before.empty());
}

TEST(PlanIngest, EveryInputLandsInExactlyOneBucket) {
  const ContentLookup nothing_known = [](const std::string&, const std::string&) {
    return KnownContent{};
  };
  std::vector<Source> sources;
  for (int i = 0; i < 50; ++i)
    sources.push_back(src("f" + std::to_string(i), "h" + std::to_string(i % 7)));
  IngestPlan plan = plan_ingest(sources, nothing_known, false);
  std::size_t total = plan.links.size() + plan.already_archived.size() + plan.failed_before.size();
  for (const WorkItem& w : plan.work) total += 1 + w.copies.size();
  EXPECT_EQ(total, sources.size());
  EXPECT_EQ(plan.work.size(), 7u);
}

}  // namespace
}  // namespace pressarchive
