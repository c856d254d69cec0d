#include "stages/near_dup/dedup.h"

#include <unordered_map>

namespace pressarchive {

IngestPlan plan_ingest(const std::vector<Source>& sources, const ContentLookup& lookup,
                       bool retry_failed) {
  IngestPlan plan;
  std::unordered_map<std::string, std::size_t> work_by_hash;
  for (const Source& source : sources) {
    const KnownContent known = lookup(source.sha256, source.path.string());
    if (known.record_id) {
      if (known.path_known)
        plan.already_archived.push_back(source);
      else
        plan.links.emplace_back(source, *known.record_id);
      continue;
    }
    if (known.failed_before && !retry_failed) {
      plan.failed_before.push_back(source);
      continue;
    }
    const auto [it, inserted] = work_by_hash.emplace(source.sha256, plan.work.size());
    if (inserted) {
      WorkItem item;
      item.source = source;
      plan.work.push_back(std::move(item));
    } else
      plan.work[it->second].copies.push_back(source);
  }
  return plan;
}

}  // namespace pressarchive
