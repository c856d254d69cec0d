// The graph's net under every stage call it makes. Stages return errors as values; an
// exception one lets escape (a bug, or an allocation that failed) would otherwise cancel
// the whole flow graph and end the batch. Here it fails the one input it was working on.
#pragma once

#include <exception>
#include <functional>
#include <new>
#include <string>

#include "stages/core/result.h"
#include "stages/near_dup/dedup.h"

namespace pressarchive {

// Called at the start of every guarded stage call with the stage's name and the input;
// tests throw from it to prove that each call is guarded. Empty in a real run.
using StageFault = std::function<void(const char* stage, const WorkItem& item)>;

// Runs `call` (returning nothing) as the stage `stage` of `item`. An escaped
// std::bad_alloc becomes a `too large` error, any other exception an `internal` one;
// `subject` opens the message (the file, or "page N" for a page), which names the stage
// and what was thrown.
template <typename Call>
Status guard_stage(const std::string& subject, const char* stage, const WorkItem& item,
                   const StageFault& fault, Call&& call) {
  try {
    if (fault) fault(stage, item);
    call();
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return make_error(Reason::kTooLarge, subject + ": out of memory in " + stage);
  } catch (const std::exception& e) {
    return make_error(Reason::kInternal, subject + ": exception in " + stage + ": " + e.what());
  } catch (...) {
    return make_error(Reason::kInternal, subject + ": unknown exception in " + stage);
  }
}

// The same for a document: the message opens with its file.
template <typename Call>
Status guard_stage(const char* stage, const WorkItem& item, const StageFault& fault, Call&& call) {
  return guard_stage(item.source.path.string(), stage, item, fault, std::forward<Call>(call));
}

}  // namespace pressarchive
